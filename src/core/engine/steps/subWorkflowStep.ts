/**
 * A sub-workflow step: runs a child workflow in its own scope (its steps appear as
 * `<id>/<child id>`); completed or needs-review children succeed with their results, any other
 * outcome ends the step like a failed call.
 */
import { confidenceOf } from '../../confidence/score';
import { OrchestratorError, type ErrorKind } from '../../errors';
import type { JsonObject, RunContext, SubWorkflowStep } from '../definition';
import type { StepResult } from '../results';
import { recordStepStart, type RunEnv } from '../runEnv';
import { createScope, type Scope } from '../scope';
import { failureResult, jsonCopy, stepBase } from '../stepResults';
import type { StepInfo } from '../validate';

export async function runSubWorkflowStep(env: RunEnv, scope: Scope, info: StepInfo, step: SubWorkflowStep<JsonObject>, ctx: RunContext): Promise<StepResult> {
  const child = scope.workflow.children.get(step.id)!;
  const started = await recordStepStart(env, scope, info);
  let inputs: JsonObject;
  try {
    inputs = jsonCopy(child.definition.parseInputs(step.inputs(ctx)));
  } catch (error) {
    return failureResult(env, scope, info, new OrchestratorError('validation', `Invalid inputs for sub-workflow ${child.definition.id}: ${(error as Error).message}`), started, 0);
  }
  const childScope = createScope(env.options.policy, child, `${scope.prefix}${step.id}/`, step.mode ?? child.definition.defaultMode, inputs);
  const outcome = await env.runScope(childScope);
  scope.warnings.push(...childScope.warnings.map((w) => `${step.id}: ${w}`));
  const finishedAt = env.clock.now();
  const data = {
    status: outcome.status,
    ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}),
    ...(outcome.confidence ? { confidence: outcome.confidence.value } : {}),
    results: Object.fromEntries(
      [...child.steps.keys()].flatMap((id) => {
        const r = env.results.get(childScope.prefix + id);
        return r?.status === 'succeeded' && r.data ? [[id, r.data]] : [];
      }),
    ),
  };
  if (outcome.status === 'completed' || outcome.status === 'needs_review') {
    if (outcome.status === 'needs_review') scope.reviews.push(`${step.title ?? step.id}: ${outcome.reason ?? 'needs review'}`);
    return {
      ...stepBase(scope, info, started),
      status: 'succeeded',
      source: 'compute',
      data,
      confidence: outcome.confidence ?? confidenceOf(1, `sub-workflow ${child.definition.id} completed`),
      attempts: 0,
      durationMs: finishedAt - started,
      finishedAt,
      warnings: outcome.status === 'needs_review' ? [`needs review: ${outcome.reason ?? ''}`] : [],
    };
  }
  const kind: ErrorKind = outcome.status === 'cancelled' ? 'cancelled' : 'compliance';
  const result = failureResult(env, scope, info, new OrchestratorError(kind, `sub-workflow ${child.definition.id} ended ${outcome.status}: ${outcome.reason ?? ''}`), started, 0);
  return { ...result, data };
}
