/**
 * An approval step: asks a human (through the ApprovalPort) before the writes that depend on
 * it. Human time is not counted against the run's time limit. Approving despite blocking
 * issues needs an override justification and is recorded as an exception; a rejection stops
 * the workflow `rejected`.
 */
import { confidenceOf, formatAge } from '../../confidence/score';
import { OrchestratorError } from '../../errors';
import { deadlineSignal, raceAbort } from '../../policy/abort';
import { asOrchestratorError } from '../../policy/retry';
import type { ApprovalAnswer, ExceptionRecord } from '../approval';
import type { ApprovalStep, JsonObject, RunContext } from '../definition';
import type { StepResult } from '../results';
import { recordStepStart, type RunEnv } from '../runEnv';
import type { Scope } from '../scope';
import { capabilityOf, jsonCopy, stepBase } from '../stepResults';
import type { LoadedWorkflow, StepInfo } from '../validate';

/** The approver named when no one answered (dismissed, timed out, cancelled). */
const SYSTEM = 'system';

export async function runApprovalStep(env: RunEnv, scope: Scope, info: StepInfo, step: ApprovalStep<JsonObject>, ctx: RunContext): Promise<StepResult> {
  const started = await recordStepStart(env, scope, info);
  const runId = env.runId;
  const stepId = scope.prefix + step.id;
  const content = step.request(ctx);
  const def = scope.workflow.definition;
  // Each capability once: a write and its retry with other arguments unlock the same thing.
  const gatedWrites = [
    ...new Set([...scope.workflow.steps.values()].filter((s) => s.writes && dependsTransitively(scope.workflow, s.def.id, step.id)).map((s) => capabilityOf(s.def) ?? s.def.id)),
  ];
  const request = {
    runId,
    workflowId: def.id,
    workflowTitle: def.title,
    stepId,
    title: step.title,
    summary: content.summary,
    details: jsonCopy(content.details ?? {}),
    blockingIssues: [...(content.blockingIssues ?? [])],
    writes: gatedWrites,
    requestedAt: started,
    ...(step.timeoutMs !== undefined ? { expiresAt: started + step.timeoutMs } : {}),
  };
  await env.record({ type: 'approval_requested', runId, stepId, request, at: started });
  const limit = deadlineSignal(
    env.clock,
    step.timeoutMs ?? Number.POSITIVE_INFINITY,
    env.signal,
    () => new OrchestratorError('timeout', `no answer within ${formatAge(step.timeoutMs ?? 0)}`),
  );
  let answer: ApprovalAnswer;
  // Human time does not count against the workflow's time limit.
  env.deadline.pause();
  try {
    answer = checkAnswer(await raceAbort(env.options.approvals.request(request, limit.signal), limit.signal), env.clock.now());
  } catch (error) {
    const reason = limit.signal.aborted ? asOrchestratorError(limit.signal.reason).message : `dismissed (${(error as Error).message})`;
    answer = { approved: false, approver: SYSTEM, reason, at: env.clock.now() };
  } finally {
    limit.dispose();
    env.deadline.resume();
  }
  let refusal: string | undefined;
  if (answer.approved && request.blockingIssues.length > 0 && !answer.override?.justification?.trim()) {
    refusal = `approving despite ${request.blockingIssues.length} blocking issue(s) needs an override justification`;
  }
  const exception: ExceptionRecord | undefined =
    answer.approved && !refusal && request.blockingIssues.length > 0
      ? {
          id: `${runId}-${step.id}-exception`,
          runId,
          workflowId: def.id,
          stepId,
          approver: answer.approver,
          issues: request.blockingIssues,
          justification: answer.override!.justification,
          reason: answer.reason,
          at: answer.at,
        }
      : undefined;
  await env.record({ type: 'approval_answered', runId, stepId, answer, ...(exception ? { exception } : {}), at: env.clock.now() });
  const finishedAt = env.clock.now();
  const common = { ...stepBase(scope, info, started), source: 'human' as const, attempts: 0, durationMs: finishedAt - started, finishedAt };
  if (answer.approved && !refusal) {
    return {
      ...common,
      status: 'succeeded',
      data: { approved: true, approver: answer.approver, reason: answer.reason, at: answer.at, ...(exception ? { exceptionId: exception.id } : {}) },
      confidence: confidenceOf(1, `approved by ${answer.approver}`),
      warnings: exception ? [`override: exception ${exception.id}`] : [],
    };
  }
  // A run cancelled while it waits was not rejected by anyone: say so.
  const reason = refusal
    ? `Not approved: ${refusal}`
    : env.signal.aborted && answer.approver === SYSTEM
      ? `Not answered: ${answer.reason}`
      : `Rejected by ${answer.approver}: ${answer.reason}`;
  scope.stop ??= { status: 'rejected', reason };
  return { ...common, status: 'skipped', skip: { cause: 'rejected', reason }, confidence: confidenceOf(0, reason), warnings: [] };
}

function checkAnswer(answer: ApprovalAnswer, now: number): ApprovalAnswer {
  if (typeof answer?.approved !== 'boolean' || typeof answer.approver !== 'string' || answer.approver.trim() === '' || typeof answer.reason !== 'string') {
    throw new OrchestratorError('validation', 'the approval answer must name the approver, the decision and a reason');
  }
  return { ...answer, at: typeof answer.at === 'number' ? answer.at : now };
}

function dependsTransitively(workflow: LoadedWorkflow, from: string, target: string): boolean {
  const seen = new Set<string>();
  const stack = [...(workflow.steps.get(from)?.deps ?? [])];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === target) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(workflow.steps.get(id)?.deps ?? []));
  }
  return false;
}
