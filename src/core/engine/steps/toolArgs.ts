/**
 * The arguments of a tool step's call, planned and fitted before anything is sent
 * (argPlanning.ts): planned values, answers already given in the run, then a question through
 * the input port for each argument still missing. A step whose call still lacks a required
 * argument is skipped as `needs_input`, naming each argument, its meaning and the flag that
 * supplies it; one whose arguments the schema rejects fails as a validation error.
 */
import { OrchestratorError } from '../../errors';
import { fitCall, flagUsage, needText, parseAnswer, type ArgNeed, type ArgProvenance, type CallPlan, type PlannedArg } from '../argPlanning';
import type { JsonObject } from '../definition';
import type { Resolution } from '../invoker';
import type { StepResult } from '../results';
import type { RunEnv } from '../runEnv';
import type { Scope } from '../scope';
import { failureResult, skippedResult } from '../stepResults';
import type { StepInfo } from '../validate';

export type PreparedCall = { ok: true; args: JsonObject; provenance: ArgProvenance[]; warnings: string[] } | { ok: false; result: StepResult };

interface CallSpec {
  capability: string;
  args: JsonObject;
  planned: readonly PlannedArg[];
  resolution: Extract<Resolution, { status: 'available' }>;
  started: number;
}

export async function prepareCall(env: RunEnv, scope: Scope, info: StepInfo, spec: CallSpec): Promise<PreparedCall> {
  const { capability, resolution, started } = spec;
  const stepId = scope.prefix + info.def.id;
  const declared = env.options.policy.argumentSchema(capability);
  const fit = (): CallPlan =>
    fitCall({
      args: spec.args,
      planned: spec.planned,
      answers: env.answers,
      schema: declared?.inputSchema,
      ...(declared?.aliases ? { aliases: declared.aliases } : {}),
    });
  let plan = fit();
  if (plan.status === 'needs_input' && plan.missing.length > 0 && env.options.inputs) {
    for (const need of plan.missing) await ask(env, { stepId, capability, workflowId: scope.workflow.definition.id }, need);
    plan = fit();
  }
  if (plan.status === 'ready') {
    const warnings = [
      ...(plan.dropped.length > 0 ? [`arguments ${resolution.tool} does not declare were not sent: ${plan.dropped.join(', ')}`] : []),
      ...(plan.renamed.length > 0 ? [`arguments renamed for ${resolution.tool}: ${plan.renamed.join(', ')}`] : []),
    ];
    return { ok: true, args: plan.args, provenance: plan.provenance, warnings };
  }
  if (plan.status === 'invalid') {
    const error = new OrchestratorError('validation', `not sent: the arguments do not match ${resolution.tool}'s input schema (${plan.message})`, { tool: resolution.tool });
    return { ok: false, result: { ...failureResult(env, scope, info, error, started, 0), argProvenance: plan.provenance } };
  }
  const named = plan.missing.map((n) => `${n.arg} (${n.meaning}; from ${n.where}; next time pass ${flagUsage(n)})`);
  const unknown = plan.unknown.map((a) => `${a} (no workflow input supplies it)`);
  const reason = `needs input: ${resolution.tool} requires ${[...named, ...unknown].join(', ')}; the call was not sent`;
  const skipped = skippedResult(scope, info, 'needs_input', reason, started);
  // A critical step cannot be done without: the run stops here, saying what to give.
  if (info.critical) scope.stop ??= { status: 'blocked', reason: `Cannot proceed - ${info.def.title ?? info.def.id} ${reason}` };
  return {
    ok: false,
    result: {
      ...skipped,
      finishedAt: env.clock.now(),
      argProvenance: plan.provenance,
      missingArgs: plan.missing.map((n) => ({ arg: n.arg, meaning: n.meaning, where: n.where, flag: n.flag, kind: n.kind })),
      warnings: [reason],
    },
  };
}

/** Asks once for one argument; a checked answer is recorded (durably) and kept for the rest of the run. */
async function ask(env: RunEnv, at: { stepId: string; capability: string; workflowId: string }, need: ArgNeed): Promise<void> {
  const { stepId, capability, workflowId } = at;
  const port = env.options.inputs;
  if (!port || env.answers.has(need.arg)) return;
  const request = { runId: env.runId, workflowId, stepId, capability, need, question: needText(need, capability), requestedAt: env.clock.now() };
  await env.record({ type: 'input_requested', runId: env.runId, stepId, request, at: request.requestedAt });
  env.deadline.pause();
  let answer;
  try {
    answer = await port.ask(request, env.signal);
  } catch (error) {
    env.logger.log('warn', `asking for ${need.arg} failed`, { error: String(error) });
  } finally {
    env.deadline.resume();
  }
  if (!answer) return;
  const checked = parseAnswer(need, String(answer.value));
  if ('error' in checked) {
    env.logger.log('warn', `ignored an invalid answer for ${need.arg}: ${checked.error}`);
    return;
  }
  env.answers.set(need.arg, checked.value);
  await env.record({ type: 'input_answered', runId: env.runId, stepId, arg: need.arg, answer: { ...answer, value: checked.value }, at: env.clock.now() });
}
