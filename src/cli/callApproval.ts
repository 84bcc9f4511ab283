/**
 * The approval a direct `call` of a tool that writes goes through: the same answers as a
 * workflow's (a terminal prompt, or --approve --reason, --override for blocking issues; else
 * refused), recorded in the state directory's approvals log before the write is sent.
 */
import type { ApprovalAnswer, ApprovalPort, ApprovalRequest } from '../core/engine/approval';
import type { InvokeOptions } from '../core/engine/invoker';
import { appendApprovalRecord, callApprovalRecord } from '../core/app/approvalLog';
import type { McpToolInvoker } from '../core/mcp/invoker';
import type { Clock } from '../core/util/clock';
import { list, str } from '../core/workflows/shared/read';

export interface CallToApprove {
  capability: string;
  tool: string;
  args: Record<string, unknown>;
  /** The tool takes an `actor` argument (its input schema says so). */
  takesActor: boolean;
}

/**
 * What blocks a write before a person looks at it: a draft to publish must pass the ACGME
 * check (critical issues block, as in the generation workflow); a draft that cannot be
 * checked blocks too.
 */
async function blockingIssues(invoker: McpToolInvoker, call: CallToApprove, options: Pick<InvokeOptions, 'signal'>): Promise<string[]> {
  const draftId = call.args['draft_id'];
  if (call.capability !== 'publish_draft' || typeof draftId !== 'string') return [];
  try {
    const result = await invoker.invoke(
      'validate_schedule_by_id',
      { schedule_id: draftId, constraint_config: 'default' },
      { signal: options.signal, timeoutMs: 60_000, maxTotalTimeoutMs: 300_000 },
    );
    return (list(result.data, 'issues') ?? []).filter((i) => str(i, 'severity') === 'critical').map((i) => str(i, 'message') ?? 'critical ACGME issue');
  } catch (error) {
    return [`the draft could not be checked for ACGME compliance: ${error instanceof Error ? error.message : String(error)}`];
  }
}

/**
 * Asks for the approval of one write and records the answer; returns it. An approved write
 * with no `actor` argument gets the approver as its actor, so the server's audit names them.
 */
export async function approveCall(
  invoker: McpToolInvoker,
  call: CallToApprove,
  approvals: ApprovalPort,
  context: { stateDir: string; clock: Clock; signal: AbortSignal },
): Promise<{ answer: ApprovalAnswer; args: Record<string, unknown> }> {
  const issues = await blockingIssues(invoker, call, context);
  const request: ApprovalRequest = {
    runId: `call-${context.clock.now()}`,
    workflowId: 'call',
    workflowTitle: `sched-orch call ${call.tool}`,
    stepId: call.tool,
    title: `Call ${call.tool} (writes)`,
    summary: `sched-orch call sends ${call.tool} with ${JSON.stringify(call.args)}`,
    details: { tool: call.tool, arguments: call.args },
    blockingIssues: issues,
    writes: [call.capability],
    requestedAt: context.clock.now(),
  };
  const asked = await approvals.request(request, context.signal);
  // Approving blocking issues needs an override justification; a plain approval of them is a refusal.
  const answer: ApprovalAnswer =
    asked.approved && issues.length > 0 && !asked.override
      ? { ...asked, approved: false, reason: `${issues.length} blocking issue(s): approve with --override "<why the exception is justified>"` }
      : asked;
  await appendApprovalRecord(context.stateDir, callApprovalRecord({ tool: call.tool, capability: call.capability, args: call.args }, answer, issues));
  const args = answer.approved && call.takesActor && call.args['actor'] === undefined ? { ...call.args, actor: answer.approver } : call.args;
  return { answer, args };
}
