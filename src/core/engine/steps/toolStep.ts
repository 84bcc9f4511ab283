/**
 * A tool step (and a hub that calls a capability): build the arguments, call the capability
 * (invokeTool in toolCall.ts), and on failure walk the recovery ladder: retries (inside the
 * policy runtime) -> a cached result within the capability's max age -> the step's registered
 * fallback (toolFallback.ts) -> the end of the ladder (failureResult: skipped with confidence
 * 0, or, for a critical step, the workflow is blocked with the reason). An answer marked as
 * placeholder data is no answer: it walks the same ladder as an unavailable tool, and if
 * nothing stands in, the step is skipped as `placeholder` (left out of the confidence).
 */
import { confidenceOf, formatAge, placeholderMarker, scoreToolResult, type ConfidenceFactor } from '../../confidence/score';
import { OrchestratorError, type ErrorKind } from '../../errors';
import type { CapabilityPolicy } from '../../policy/policies';
import { asOrchestratorError } from '../../policy/retry';
import { provenanceFactors, type ArgProvenance, type PlannedArg } from '../argPlanning';
import type { FallbackDefinition, JsonObject, RunContext, StepConfidenceRules, ToolStep } from '../definition';
import { localCapability, type LocalCapability } from '../local';
import { PLACEHOLDER_PENALTY, type StepResult } from '../results';
import { recordStepStart, type RunEnv } from '../runEnv';
import type { Scope } from '../scope';
import { errorInfo, failureResult, inputCap, jsonCopy, stepBase, type HubInputs } from '../stepResults';
import type { StepInfo } from '../validate';
import { prepareCall } from './toolArgs';
import { invokeTool } from './toolCall';
import { runFallback } from './toolFallback';

/** Kinds the recovery ladder does not paper over: the answer is real, or the input is wrong. */
const NOT_RECOVERABLE: ReadonlySet<ErrorKind> = new Set(['validation', 'compliance', 'auth', 'cancelled']);

/** What a step that calls a capability declares; a hub adds how many of its inputs arrived. */
export interface ToolCallingStep {
  capability: string;
  buildArgs: () => JsonObject;
  /** Arguments planned with their provenance (tool steps that declare `plan`). */
  plan?: () => PlannedArg[];
  fallback: FallbackDefinition<JsonObject> | undefined;
  rules: StepConfidenceRules<JsonObject> | undefined;
  inputs: HubInputs | undefined;
}

export function runToolStep(env: RunEnv, scope: Scope, info: StepInfo, step: ToolStep<JsonObject>, ctx: RunContext): Promise<StepResult> {
  return runToolLadder(env, scope, info, ctx, {
    capability: step.capability,
    buildArgs: () => step.args(ctx),
    ...(step.plan ? { plan: () => step.plan!(ctx) } : {}),
    fallback: step.fallback,
    rules: step.confidence,
    inputs: undefined,
  });
}

export async function runToolLadder(env: RunEnv, scope: Scope, info: StepInfo, ctx: RunContext, spec: ToolCallingStep): Promise<StepResult> {
  const { capability, rules, inputs } = spec;
  const stepId = scope.prefix + info.def.id;
  const started = await recordStepStart(env, scope, info, capability);
  let args: JsonObject;
  let planned: PlannedArg[];
  try {
    args = spec.buildArgs();
    planned = spec.plan?.() ?? [];
  } catch (error) {
    return failureResult(env, scope, info, asOrchestratorError(error, 'invalid_result'), started, 0, [`could not build the arguments`]);
  }
  const local = localCapability(capability);
  if (local) return serveLocal(env, scope, info, local, args, started);
  const policy = scope.policies.get(capability);
  const resolution = env.options.policy.resolve(capability);
  let failure: OrchestratorError;
  let attempts = 0;
  let provenance: ArgProvenance[] = [];
  let argWarnings: string[] = [];
  let placeholder = false;
  if (resolution.status === 'available' && resolution.writes && !info.writes) {
    return failureResult(
      env,
      scope,
      info,
      new OrchestratorError('validation', `${capability} (${resolution.tool}) writes, but step ${stepId} is not declared as writing: refusing to run it without an approval gate`),
      started,
      0,
    );
  }
  if (resolution.status === 'unavailable') {
    failure = new OrchestratorError('unavailable', `${capability} is not available on this server: ${resolution.reason}`, { tool: capability });
  } else {
    const prepared = await prepareCall(env, scope, info, { capability, args, planned, resolution, started });
    if (!prepared.ok) return prepared.result;
    ({ args, provenance, warnings: argWarnings } = prepared);
    const outcome = await invokeTool(env, scope, { stepId, capability, args, writes: info.writes });
    attempts = outcome.attempts;
    // A write's answer is kept whatever it says (it may have been applied); its confidence is capped at 0.
    const fake = outcome.ok && !info.writes ? placeholderMarker(outcome.data) : undefined;
    if (outcome.ok && !fake) {
      if (outcome.source === 'cache') env.emit({ type: 'cache_hit', runId: env.runId, stepId, capability, ageMs: outcome.ageMs ?? 0, at: env.clock.now() });
      const finishedAt = env.clock.now();
      const confidence = scoreToolResult({
        capability,
        base: rules?.base ?? policy.confidence.base,
        data: outcome.data,
        source: outcome.source,
        durationMs: outcome.durationMs,
        slowAfterMs: policy.confidence.slowAfterMs,
        slowPenalty: policy.confidence.slowPenalty,
        ...(outcome.ageMs !== undefined ? { cacheAgeMs: outcome.ageMs, cachedPenalty: 0 } : {}),
        ...(inputs ? { inputs } : {}),
        extra: [...ruleFactors(rules, outcome.data, ctx), ...inputCap(inputs), ...provenanceFactors(provenance)],
      });
      return {
        ...stepBase(scope, info, started),
        status: 'succeeded',
        source: outcome.source,
        capability,
        tool: outcome.tool,
        data: outcome.data,
        confidence,
        ...(outcome.source === 'cache' ? { label: `fresh cached result from ${formatAge(outcome.ageMs ?? 0)} ago`, cacheAgeMs: outcome.ageMs ?? 0 } : {}),
        ...(outcome.shared ? { shared: true } : {}),
        ...(outcome.links ? { links: outcome.links } : {}),
        attempts,
        durationMs: finishedAt - started,
        finishedAt,
        warnings: argWarnings,
        ...(provenance.length > 0 ? { argProvenance: provenance } : {}),
      };
    }
    placeholder = fake !== undefined;
    failure = outcome.ok ? new OrchestratorError('unavailable', `placeholder: server backend unavailable (${fake})`, { tool: capability }) : outcome.error;
  }
  const end = (result: StepResult) => withProvenance(placeholder ? asPlaceholder(result) : result, provenance);
  if (env.signal.aborted || info.writes || NOT_RECOVERABLE.has(failure.kind)) return end(failureResult(env, scope, info, failure, started, attempts));

  // Rung 2: a cached result within the capability's max age.
  const cached = fromCache(env, scope, info, ctx, { spec, policy, args, failure, started, attempts });
  if (cached) return withProvenance(cached, provenance);

  // Rung 3: the registered simplified fallback.
  if (spec.fallback) {
    const result = await runFallback(env, scope, info, ctx, { capability, args, fallback: spec.fallback, failure, started, attempts });
    if (result) return result;
  }
  return end(failureResult(env, scope, info, failure, started, attempts));
}

/** A capability the engine serves from its own state (local.ts): resolved before the server's tools. */
function serveLocal(env: RunEnv, scope: Scope, info: StepInfo, local: LocalCapability, args: JsonObject, started: number): StepResult {
  let data: JsonObject;
  try {
    data = jsonCopy(local.serve(env.options.policy, args));
  } catch (error) {
    return failureResult(env, scope, info, asOrchestratorError(error, 'invalid_result'), started, 0);
  }
  const finishedAt = env.clock.now();
  return {
    ...stepBase(scope, info, started),
    status: 'succeeded',
    source: 'live',
    capability: local.name,
    tool: `engine:${local.name}`,
    data,
    confidence: confidenceOf(1, `${local.description}: the engine's own state`),
    attempts: 0,
    durationMs: finishedAt - started,
    finishedAt,
    warnings: [],
  };
}

/** A non-critical step left with a placeholder: not a missing result averaged in as 0, but excluded and charged on the run. */
function asPlaceholder(result: StepResult): StepResult {
  if (result.skip?.cause !== 'unavailable' || !result.error) return result;
  const reason = result.error.message;
  return {
    ...result,
    skip: { cause: 'placeholder', reason },
    confidence: confidenceOf(0, `${reason}: left out of the phase confidence, −${PLACEHOLDER_PENALTY.toFixed(2)} on the run's`),
  };
}

function withProvenance(result: StepResult, provenance: ArgProvenance[]): StepResult {
  return provenance.length > 0 ? { ...result, argProvenance: provenance } : result;
}

interface Failed {
  spec: ToolCallingStep;
  policy: CapabilityPolicy;
  args: JsonObject;
  failure: OrchestratorError;
  started: number;
  attempts: number;
}

function fromCache(env: RunEnv, scope: Scope, info: StepInfo, ctx: RunContext, failed: Failed): StepResult | undefined {
  if (scope.cacheMode === 'off') return undefined;
  const { spec, policy, failure, started, attempts } = failed;
  const { capability, rules, inputs } = spec;
  const cached = env.options.policy.cachedWithin(capability, failed.args, policy.cache.maxAgeMs);
  if (!cached || placeholderMarker(cached.data)) return undefined;
  const label = `using cached result from ${formatAge(cached.ageMs)} ago`;
  env.emit({ type: 'fallback_used', runId: env.runId, stepId: scope.prefix + info.def.id, capability, fallback: 'cache', label, error: errorInfo(failure), at: env.clock.now() });
  const finishedAt = env.clock.now();
  return {
    ...stepBase(scope, info, started),
    status: 'succeeded',
    source: 'cache',
    capability,
    tool: cached.tool,
    data: cached.data,
    confidence: scoreToolResult({
      capability,
      base: rules?.base ?? policy.confidence.base,
      data: cached.data,
      source: 'cache',
      durationMs: 0,
      slowAfterMs: policy.confidence.slowAfterMs,
      slowPenalty: 0,
      cacheAgeMs: cached.ageMs,
      cachedPenalty: policy.confidence.cachedPenalty,
      ...(inputs ? { inputs } : {}),
      extra: [...ruleFactors(rules, cached.data, ctx), ...inputCap(inputs)],
    }),
    label,
    cacheAgeMs: cached.ageMs,
    error: errorInfo(failure),
    attempts,
    durationMs: finishedAt - started,
    finishedAt,
    warnings: [`${capability} failed (${failure.message}); ${label}`],
  };
}

/** The step's own confidence adjustments; a rule that throws costs 0.1 instead of failing the step. */
function ruleFactors(rules: StepConfidenceRules<JsonObject> | undefined, data: JsonObject, ctx: RunContext): ConfidenceFactor[] {
  if (!rules?.adjust) return [];
  try {
    return rules.adjust(data, ctx);
  } catch (error) {
    return [{ kind: 'adjust', label: `confidence rule failed (${(error as Error).message})`, delta: -0.1 }];
  }
}
