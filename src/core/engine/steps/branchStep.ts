/**
 * A branch step: picks one list of steps to run (or the default); the scheduler skips the
 * unchosen ones with cause `branch`.
 */
import { aggregateConfidence } from '../../confidence/aggregate';
import { confidenceOf } from '../../confidence/score';
import type { BranchStep, JsonObject, RunContext } from '../definition';
import type { StepResult } from '../results';
import { recordStepStart, succeededConfidences, type RunEnv } from '../runEnv';
import type { Scope } from '../scope';
import { stepBase } from '../stepResults';
import type { StepInfo } from '../validate';

export async function runBranchStep(env: RunEnv, scope: Scope, info: StepInfo, step: BranchStep<JsonObject>, ctx: RunContext): Promise<StepResult> {
  const started = await recordStepStart(env, scope, info);
  const requested = step.choose(ctx);
  const known = Object.prototype.hasOwnProperty.call(step.branches, requested);
  const chosen = known ? step.branches[requested]! : (step.default ?? []);
  const value = aggregateConfidence(
    succeededConfidences(env, scope, step.dependsOn ?? []).map((v) => ({ value: v })),
    'minimum',
  );
  const finishedAt = env.clock.now();
  return {
    ...stepBase(scope, info, started),
    status: 'succeeded',
    source: 'compute',
    data: { branch: known ? requested : 'default', requested, chosen: [...chosen] },
    confidence: confidenceOf(value ?? 1, `branch "${known ? requested : 'default'}" chosen`),
    attempts: 0,
    durationMs: finishedAt - started,
    finishedAt,
    warnings: [],
  };
}
