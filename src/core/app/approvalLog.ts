/**
 * The approvals given outside a workflow (a direct call of a tool that writes): one JSON line
 * each in `approvals.jsonl` of the state directory, flushed before the write is sent, so
 * every write a host sent has its approval (or its refusal) on record.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { ApprovalAnswer } from '../engine/approval';

export interface CallApprovalRecord {
  /** ISO time of the decision. */
  at: string;
  tool: string;
  capability: string;
  args: Record<string, unknown>;
  approved: boolean;
  approver: string;
  reason: string;
  /** Approved despite blocking issues: the issues and the justification (an exception). */
  exception?: { issues: string[]; justification: string };
}

export function approvalLogPath(stateDir: string): string {
  return join(stateDir, 'approvals.jsonl');
}

export function callApprovalRecord(
  call: { tool: string; capability: string; args: Record<string, unknown> },
  answer: ApprovalAnswer,
  blockingIssues: readonly string[],
): CallApprovalRecord {
  return {
    at: new Date(answer.at).toISOString(),
    ...call,
    approved: answer.approved,
    approver: answer.approver,
    reason: answer.reason,
    ...(answer.approved && answer.override && blockingIssues.length > 0 ? { exception: { issues: [...blockingIssues], justification: answer.override.justification } } : {}),
  };
}

/** Appends the record and waits until it is on disk. */
export async function appendApprovalRecord(stateDir: string, record: CallApprovalRecord): Promise<void> {
  await fs.mkdir(stateDir, { recursive: true });
  const handle = await fs.open(approvalLogPath(stateDir), 'a', 0o600);
  try {
    await handle.appendFile(`${JSON.stringify(record)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}
