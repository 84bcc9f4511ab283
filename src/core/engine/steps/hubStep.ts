/**
 * A hub (star) step: runs with whichever of its inputs arrived, either calling a capability
 * (through the tool step's ladder) or computing locally; its confidence is capped by the
 * inputs' aggregated confidence.
 */
import { aggregateConfidence } from '../../confidence/aggregate';
import { computeConfidence } from '../../confidence/score';
import type { HubStep, JsonObject, RunContext } from '../definition';
import type { StepResult } from '../results';
import { recordStepStart, succeededConfidences, type RunEnv } from '../runEnv';
import type { Scope } from '../scope';
import { inputCap, jsonCopy, placeholderCap, stepBase, type HubInputs } from '../stepResults';
import type { StepInfo } from '../validate';
import { runToolLadder } from './toolStep';

export async function runHubStep(env: RunEnv, scope: Scope, info: StepInfo, step: HubStep<JsonObject>, ctx: RunContext): Promise<StepResult> {
  const present = step.inputs.filter((i) => env.results.get(scope.prefix + i)?.status === 'succeeded').length;
  const method = step.inputConfidence ?? 'unified';
  const agg = aggregateConfidence(
    succeededConfidences(env, scope, step.inputs).map((value) => ({ value })),
    method,
  );
  const inputs: HubInputs = { expected: step.inputs.length, present, ...(agg !== undefined ? { confidence: { method, value: agg } } : {}) };
  if ('capability' in step) {
    return runToolLadder(env, scope, info, ctx, { capability: step.capability, buildArgs: () => step.args(ctx), fallback: step.fallback, rules: step.confidence, inputs });
  }
  const started = await recordStepStart(env, scope, info);
  const data = jsonCopy(step.compute(ctx));
  const finishedAt = env.clock.now();
  return {
    ...stepBase(scope, info, started),
    status: 'succeeded',
    source: 'compute',
    data,
    confidence: computeConfidence([
      { kind: 'base', label: `${method.replace('_', ' ')} of ${present} input confidences`, value: agg ?? 0 },
      ...inputCap(inputs),
      ...placeholderCap(data),
    ]),
    attempts: 0,
    durationMs: finishedAt - started,
    finishedAt,
    warnings: present < step.inputs.length ? [`${step.inputs.length - present} of ${step.inputs.length} inputs missing`] : [],
  };
}
