/**
 * Native approvals: every request the engine makes is a modal dialog with the request's
 * summary and, as its detail, what will be written and any blocking issues (the core's
 * describeApproval). Dismissing is a rejection. Approving asks for the reason (required);
 * blocking issues need "Approve with override" and a justification (the engine keeps an
 * exception record). A request whose reason prompt is left stays pending: the run waits and
 * can be approved later from its tree node or its panel, and a notification says so until then.
 */
import * as vscode from 'vscode';
import type { ApprovalResponder, PendingApproval } from '../core/app/approvalBroker';
import type { ApprovalView } from '../core/app/approvalView';
import type { ApprovalAnswer } from '../core/engine/approval';
import { loadRuntime } from './loadRuntime';
import { approverName } from './settings';

const APPROVE = 'Approve…';
const OVERRIDE = 'Approve with override…';
const REJECT = 'Reject';

function answer(approved: boolean, reason: string, justification?: string): ApprovalAnswer {
  return { approved, approver: approverName(), reason, at: Date.now(), ...(justification !== undefined ? { override: { justification } } : {}) };
}

const required = (what: string) => (value: string) => (value.trim() === '' ? `${what} is required (it is recorded with the decision)` : undefined);

/** Asks for the reason (and, with blocking issues, the override's justification); undefined when left. */
export async function approveWithReason(view: ApprovalView): Promise<ApprovalAnswer | undefined> {
  let justification: string | undefined;
  if (view.blockingIssues.length > 0) {
    justification = await vscode.window.showInputBox({
      title: `Override: ${view.title}`,
      prompt: `Why approve despite ${view.blockingIssues.length} blocking issue(s)? An exception record is kept.`,
      ignoreFocusOut: true,
      validateInput: required('A justification'),
    });
    if (justification === undefined) return undefined;
  }
  const reason = await vscode.window.showInputBox({ title: `Approve: ${view.title}`, prompt: 'Reason for approving', ignoreFocusOut: true, validateInput: required('A reason') });
  if (reason === undefined) return undefined;
  return answer(true, reason.trim(), justification?.trim());
}

export async function rejectWithReason(view: ApprovalView): Promise<ApprovalAnswer | undefined> {
  const reason = await vscode.window.showInputBox({ title: `Reject: ${view.title}`, prompt: 'Reason for rejecting (optional)', ignoreFocusOut: true });
  if (reason === undefined) return undefined;
  return answer(false, reason.trim() || 'rejected in VS Code');
}

/**
 * Says a request still waits until it no longer does (answered from the tree or the panel, or
 * withdrawn with its cancelled run). A message cannot be closed by the extension; a progress
 * notification closes when its task ends.
 */
function noticeWhileWaiting(view: ApprovalView, signal: AbortSignal): void {
  if (signal.aborted) return;
  void vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `"${view.title}" is still waiting for approval: approve or reject it from the Runs view.` },
    () => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })),
  );
}

/** The modal dialog; resolves with an answer, or undefined to leave the request pending (`signal` aborts once it no longer is). */
async function askInModal(view: ApprovalView, signal: AbortSignal): Promise<ApprovalAnswer | undefined> {
  const [headline, ...rest] = (await loadRuntime()).describeApproval(view);
  const approve = view.blockingIssues.length > 0 ? OVERRIDE : APPROVE;
  const choice = await vscode.window.showWarningMessage(headline ?? view.title, { modal: true, detail: rest.join('\n') }, approve, REJECT);
  if (choice === undefined) return answer(false, 'dismissed the approval dialog in VS Code');
  if (choice === REJECT) return answer(false, 'rejected in VS Code');
  const given = await approveWithReason(view);
  if (!given) noticeWhileWaiting(view, signal);
  return given;
}

export const modalResponder: ApprovalResponder = (_request, view, signal) => askInModal(view, signal);

/** A pending approval answered later (from the tree or the panel). */
export async function answerPending(pending: PendingApproval, approved: boolean): Promise<ApprovalAnswer | undefined> {
  return approved ? approveWithReason(pending.view) : rejectWithReason(pending.view);
}
