/**
 * Builders of StepResult shared by every step kind: the common fields, a skipped step, the end
 * of the recovery ladder (failure), and the confidence caps that apply to any produced data.
 */
import type { AggregationMethod } from '../confidence/aggregate';
import { confidenceOf, scoreToolResult, type ConfidenceFactor } from '../confidence/score';
import { OrchestratorError, type ErrorKind } from '../errors';
import type { JsonObject, StepDefinition } from './definition';
import { BY_DESIGN, type ErrorInfo, type SkipCause, type StepResult } from './results';
import type { RunEnv } from './runEnv';
import type { Scope } from './scope';
import type { StepInfo } from './validate';

/** Kinds after which a failed write certainly did not change anything. */
const DEFINITE_WRITE_FAILURES: ReadonlySet<ErrorKind> = new Set(['validation', 'compliance', 'tool_error', 'auth', 'unavailable', 'circuit_open', 'rate_limited']);

/** How many of a hub's inputs arrived, and their aggregated confidence (caps the hub's own). */
export interface HubInputs {
  expected: number;
  present: number;
  confidence?: { method: AggregationMethod; value: number };
}

export function errorInfo(error: OrchestratorError): ErrorInfo {
  return { kind: error.kind, message: error.message };
}

export function capabilityOf(step: StepDefinition): string | undefined {
  if (step.kind === 'tool') return step.capability;
  if (step.kind === 'hub' && 'capability' in step) return step.capability;
  return undefined;
}

export function stepBase(scope: Scope, info: StepInfo, at: number): Pick<StepResult, 'stepId' | 'phaseId' | 'kind' | 'title' | 'writes' | 'critical' | 'startedAt'> {
  const step = info.def;
  return {
    stepId: scope.prefix + step.id,
    phaseId: scope.prefix + info.phaseId,
    kind: step.kind,
    ...(step.title !== undefined ? { title: step.title } : {}),
    writes: info.writes,
    critical: info.critical,
    startedAt: at,
  };
}

/** A step that did not run; by-design skips and rejections do not count as missing results. */
export function skippedResult(scope: Scope, info: StepInfo, cause: SkipCause, reason: string, at: number, error?: OrchestratorError): StepResult {
  const step = info.def;
  const counts = !BY_DESIGN.has(cause) && cause !== 'rejected';
  const capability = capabilityOf(step);
  return {
    stepId: scope.prefix + step.id,
    phaseId: scope.prefix + info.phaseId,
    kind: step.kind,
    ...(step.title !== undefined ? { title: step.title } : {}),
    status: 'skipped',
    source: 'none',
    ...(capability ? { capability } : {}),
    confidence: confidenceOf(0, counts ? `no result: ${reason}` : `not run: ${reason}`),
    skip: { cause, reason },
    ...(error ? { error: errorInfo(error) } : {}),
    attempts: 0,
    durationMs: 0,
    startedAt: at,
    finishedAt: at,
    writes: info.writes,
    critical: info.critical,
    warnings: [],
  };
}

/**
 * The end of the ladder: a write that may have been applied stops the scope for review, a
 * critical step blocks it, any other is skipped with confidence 0.
 */
export function failureResult(
  env: Pick<RunEnv, 'clock' | 'signal'>,
  scope: Scope,
  info: StepInfo,
  error: OrchestratorError,
  started: number,
  attempts: number,
  extra: string[] = [],
): StepResult {
  const step = info.def;
  const finishedAt = env.clock.now();
  const name = step.title ?? step.id;
  const common = { ...stepBase(scope, info, started), source: 'none' as const, error: errorInfo(error), attempts, durationMs: finishedAt - started, finishedAt, warnings: extra };
  const capability = capabilityOf(step);
  const withCapability = capability ? { capability } : {};
  if (env.signal.aborted) {
    return { ...common, ...withCapability, status: 'failed', confidence: confidenceOf(0, `not finished: ${error.message}`) };
  }
  if (info.writes && !DEFINITE_WRITE_FAILURES.has(error.kind)) {
    const reason = `the write failed with ${error.kind} (${error.message}) and may have been applied: check the server, then resume with retryUncertainWrites: ["${common.stepId}"]`;
    scope.stop ??= { status: 'needs_review', reason: `Write ${common.stepId}: ${reason}` };
    return { ...common, ...withCapability, status: 'skipped', skip: { cause: 'uncertain_write', reason }, confidence: confidenceOf(0, 'outcome of the write is unknown') };
  }
  if (info.critical) {
    const reason = `Cannot proceed - ${name} unavailable: ${error.message}`;
    scope.stop ??= { status: 'blocked', reason };
    return { ...common, ...withCapability, status: 'failed', confidence: confidenceOf(0, `failed: ${error.message}`) };
  }
  const cause: SkipCause = error.kind === 'unavailable' ? 'unavailable' : 'failed';
  return {
    ...common,
    ...withCapability,
    status: 'skipped',
    skip: { cause, reason: `${cause === 'unavailable' ? 'capability missing' : 'failed'}: ${error.message}` },
    confidence: confidenceOf(0, cause === 'unavailable' ? `capability missing: ${error.message}` : `failed: ${error.message}`),
  };
}

export function inputCap(inputs: HubInputs | undefined): ConfidenceFactor[] {
  const c = inputs?.confidence;
  return c ? [{ kind: 'cap', label: `inputs' confidence (${c.method.replace('_', ' ')}) ${c.value.toFixed(2)}`, max: c.value }] : [];
}

/** The zero caps a tool result would get for placeholder data, applied to computed data too. */
export function placeholderCap(data: JsonObject): ConfidenceFactor[] {
  return scoreToolResult({ capability: '', base: 1, data, source: 'live', durationMs: 0, slowAfterMs: 1, slowPenalty: 0 }).factors.filter((f) => f.kind === 'cap' && f.max === 0);
}

/** Results are recorded and replayed as JSON: anything else is a bug in the workflow. */
export function jsonCopy(value: JsonObject): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new OrchestratorError('invalid_result', 'A step must produce a JSON object');
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}
