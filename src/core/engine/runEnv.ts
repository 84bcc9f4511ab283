/**
 * What phases and steps see of the run executing them (implemented by RunExecution): its
 * identity, signal and clock, the results so far, and the recording of events. Step kinds
 * depend on this interface, not on RunExecution, so the engine has no import cycle.
 */
import type { PausableDeadline } from '../policy/abort';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/log';
import type { RunContext } from './definition';
import type { EngineOptions } from './engineOptions';
import type { RunEvent } from './events';
import type { StepResult } from './results';
import type { Scope, ScopeOutcome } from './scope';
import type { StepInfo } from './validate';

export interface RunEnv {
  readonly runId: string;
  /** The run's signal: aborted by cancel, the run's time limit, or a history failure. */
  readonly signal: AbortSignal;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly options: EngineOptions;
  /** The run's own time limit; paused while a human answers. */
  readonly deadline: PausableDeadline;
  /** Every step result so far, by prefixed step id. */
  readonly results: ReadonlyMap<string, StepResult>;
  /** Emits to subscribers and appends to the run file; durable records are on disk before this resolves. */
  record(event: RunEvent): Promise<void>;
  /** For events nobody waits on (progress, retries, cache notes): recorded in the background. */
  emit(event: RunEvent): void;
  context(scope: Scope): RunContext;
  /** False once the run is aborted or the scope (or the run) has stopped. */
  running(scope: Scope): boolean;
  finishStep(scope: Scope, info: StepInfo, result: StepResult): Promise<void>;
  /** Runs a (sub-)workflow's phases to its outcome. */
  runScope(scope: Scope): Promise<ScopeOutcome>;
}

/** Records `step_started` and returns the step's start time. */
export async function recordStepStart(env: RunEnv, scope: Scope, info: StepInfo, capability?: string): Promise<number> {
  const at = env.clock.now();
  await env.record({
    type: 'step_started',
    runId: env.runId,
    phaseId: scope.prefix + info.phaseId,
    stepId: scope.prefix + info.def.id,
    kind: info.def.kind,
    ...(capability ? { capability } : {}),
    writes: info.writes,
    at,
  });
  return at;
}

/** Confidence values of the listed steps that succeeded. */
export function succeededConfidences(env: RunEnv, scope: Scope, ids: readonly string[]): number[] {
  return ids
    .map((id) => env.results.get(scope.prefix + id))
    .filter((r): r is StepResult => r?.status === 'succeeded')
    .map((r) => r.confidence.value);
}
