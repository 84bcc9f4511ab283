/**
 * A compute step: a pure synthesis of earlier results. Its confidence is the step's own rule,
 * or an aggregate of its inputs' confidences.
 */
import { aggregateConfidence } from '../../confidence/aggregate';
import { computeConfidence, type Confidence } from '../../confidence/score';
import type { ComputeStep, JsonObject, RunContext } from '../definition';
import type { StepResult } from '../results';
import { recordStepStart, succeededConfidences, type RunEnv } from '../runEnv';
import type { Scope } from '../scope';
import { jsonCopy, placeholderCap, stepBase } from '../stepResults';
import type { StepInfo } from '../validate';

export async function runComputeStep(env: RunEnv, scope: Scope, info: StepInfo, step: ComputeStep<JsonObject>, ctx: RunContext): Promise<StepResult> {
  const started = await recordStepStart(env, scope, info);
  const data = jsonCopy(step.compute(ctx));
  let confidence: Confidence;
  if (typeof step.confidence === 'function') {
    confidence = computeConfidence(step.confidence(data, ctx));
  } else {
    const method = step.confidence ?? 'weighted_mean';
    const deps = info.deps.filter((d) => d !== info.branch);
    const value = aggregateConfidence(
      succeededConfidences(env, scope, deps).map((v) => ({ value: v })),
      method,
    );
    confidence = computeConfidence([
      value === undefined ? { kind: 'base', label: 'computed without tool inputs', value: 1 } : { kind: 'base', label: `${method.replace('_', ' ')} of its inputs`, value },
      ...placeholderCap(data),
    ]);
  }
  const finishedAt = env.clock.now();
  return { ...stepBase(scope, info, started), status: 'succeeded', source: 'compute', data, confidence, attempts: 0, durationMs: finishedAt - started, finishedAt, warnings: [] };
}
