/**
 * The third rung of a tool step's recovery ladder: the step's registered simplified fallback,
 * either another capability or a local computation, with its own (lower) confidence.
 */
import { computeConfidence, scoreToolResult } from '../../confidence/score';
import type { OrchestratorError } from '../../errors';
import type { FallbackDefinition, JsonObject, RunContext } from '../definition';
import type { StepResult } from '../results';
import type { RunEnv } from '../runEnv';
import type { Scope } from '../scope';
import { errorInfo, jsonCopy, placeholderCap, stepBase } from '../stepResults';
import type { StepInfo } from '../validate';
import { fitCall } from '../argPlanning';
import { invokeTool } from './toolCall';

export interface FallbackAttempt {
  capability: string;
  /** The arguments of the failed call; a tool fallback without its own args reuses them. */
  args: JsonObject;
  fallback: FallbackDefinition<JsonObject>;
  failure: OrchestratorError;
  started: number;
  attempts: number;
}

/** The fallback's result, or undefined when it is unavailable or failed too. */
export async function runFallback(env: RunEnv, scope: Scope, info: StepInfo, ctx: RunContext, attempt: FallbackAttempt): Promise<StepResult | undefined> {
  const { capability, args, fallback, failure, started, attempts } = attempt;
  const stepId = scope.prefix + info.def.id;
  const announce = (kind: 'tool' | 'compute') =>
    env.emit({ type: 'fallback_used', runId: env.runId, stepId, capability, fallback: kind, label: fallback.label, error: errorInfo(failure), at: env.clock.now() });
  const warning = `${capability} failed (${failure.message}); fallback: ${fallback.label}`;
  try {
    if (fallback.kind === 'compute') {
      const data = jsonCopy(fallback.compute(ctx));
      announce('compute');
      const finishedAt = env.clock.now();
      return {
        ...stepBase(scope, info, started),
        status: 'succeeded',
        source: 'fallback',
        capability,
        data,
        confidence: computeConfidence([{ kind: 'base', label: `fallback: ${fallback.label}`, value: fallback.base }, ...placeholderCap(data)]),
        label: fallback.label,
        error: errorInfo(failure),
        attempts,
        durationMs: finishedAt - started,
        finishedAt,
        warnings: [warning],
      };
    }
    if (env.options.policy.resolve(fallback.capability).status !== 'available') return undefined;
    // The fallback's call is fitted to its own tool's schema too; one that does not fit is not sent.
    const declared = env.options.policy.argumentSchema(fallback.capability);
    const fitted = fitCall({
      args: fallback.args ? fallback.args(ctx) : args,
      planned: [],
      answers: env.answers,
      schema: declared?.inputSchema,
      ...(declared?.aliases ? { aliases: declared.aliases } : {}),
    });
    if (fitted.status !== 'ready') return undefined;
    const outcome = await invokeTool(env, scope, { stepId, capability: fallback.capability, args: fitted.args, writes: false });
    if (!outcome.ok) return undefined;
    announce('tool');
    const fbPolicy = scope.policies.get(fallback.capability);
    const finishedAt = env.clock.now();
    return {
      ...stepBase(scope, info, started),
      status: 'succeeded',
      source: 'fallback',
      capability,
      tool: outcome.tool,
      data: outcome.data,
      confidence: scoreToolResult({
        capability: fallback.capability,
        base: fbPolicy.confidence.base,
        data: outcome.data,
        source: 'fallback',
        fallbackLabel: fallback.label,
        fallbackPenalty: fallback.penalty ?? fbPolicy.confidence.fallbackPenalty,
        durationMs: outcome.durationMs,
        slowAfterMs: fbPolicy.confidence.slowAfterMs,
        slowPenalty: 0,
      }),
      label: fallback.label,
      error: errorInfo(failure),
      attempts: attempts + outcome.attempts,
      durationMs: finishedAt - started,
      finishedAt,
      warnings: [warning],
    };
  } catch (error) {
    env.logger.log('warn', `Fallback of ${stepId} failed`, { error: String(error) });
    return undefined;
  }
}
