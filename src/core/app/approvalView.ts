/**
 * An approval request as a person reads it, whatever the host: the typed reading of the
 * details a workflow attaches (what will be written, the review checklist, the draft's
 * changes, the swap, the findings that block it). Details are read leniently: a field of
 * the wrong shape is left out, never guessed.
 */
import * as z from 'zod';
import type { ApprovalRequest } from '../engine/approval';
import type { Finding } from '../workflows/shared/findings';

const checklistItem = z.object({
  phase: z.string(),
  item: z.string(),
  ok: z.boolean().nullable(),
  note: z.string().optional(),
});
const range = z.object({ start: z.string(), end: z.string() });
const changes = z.object({ added: z.number().nullable(), removed: z.number().nullable() });
const candidate = z.object({
  person: z.string(),
  swapType: z.enum(['one_to_one', 'absorb']),
  assignment: z.string().optional(),
  matchScore: z.number(),
  mutual: z.boolean(),
});
const finding = z.object({ id: z.string(), severity: z.string(), rule: z.string(), message: z.string() }).passthrough();

export type ChecklistItem = z.infer<typeof checklistItem>;

export interface ApprovalView {
  title: string;
  workflowTitle: string;
  summary: string;
  /** Capabilities the approval unlocks. */
  writes: string[];
  /** Approving despite these is an override: it needs a justification and leaves an exception record. */
  blockingIssues: string[];
  checklist: ChecklistItem[];
  range?: z.infer<typeof range>;
  draftId?: string;
  /** Assignments the draft adds and removes against the published schedule. */
  changes?: z.infer<typeof changes>;
  /** The swap partner proposed. */
  candidate?: z.infer<typeof candidate>;
  /** The swap's path (fast, standard, review …). */
  swapPath?: string;
  /** Findings the request shows (a draft's violations, a swap's impact). */
  findings: Finding[];
  reason?: string;
  expiresAt?: number;
}

function read<T>(schema: z.ZodType<T>, value: unknown): T | undefined {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

export function approvalView(request: ApprovalRequest): ApprovalView {
  const d = request.details;
  const list = (value: unknown) => (Array.isArray(value) ? value : []);
  const draftId = read(z.string(), d['draft_id']);
  const rangeValue = read(range, d['range']);
  const changesValue = read(changes, d['changes']);
  const candidateValue = read(candidate, d['candidate']);
  const swapPath = read(z.string(), d['path']);
  const reason = read(z.string(), d['reason']);
  return {
    title: request.title,
    workflowTitle: request.workflowTitle,
    summary: request.summary,
    writes: request.writes,
    blockingIssues: request.blockingIssues,
    checklist: list(d['checklist']).flatMap((item) => read(checklistItem, item) ?? []),
    findings: [...list(d['violations']), ...list(d['findings'])].flatMap((f) => (read(finding, f) as Finding | undefined) ?? []),
    ...(rangeValue ? { range: rangeValue } : {}),
    ...(draftId ? { draftId } : {}),
    ...(changesValue ? { changes: changesValue } : {}),
    ...(candidateValue ? { candidate: candidateValue } : {}),
    ...(swapPath ? { swapPath } : {}),
    ...(reason ? { reason } : {}),
    ...(request.expiresAt !== undefined ? { expiresAt: request.expiresAt } : {}),
  };
}

/** The request as plain text lines (a terminal, a dialog's detail, a chat message). */
export function describeApproval(view: ApprovalView): string[] {
  const lines = [`${view.title} (${view.workflowTitle})`, view.summary];
  if (view.changes) lines.push(`Changes: ${view.changes.added ?? '?'} assignment(s) added, ${view.changes.removed ?? '?'} removed`);
  if (view.candidate) {
    const c = view.candidate;
    lines.push(
      `Swap partner: ${c.person} (${c.swapType === 'absorb' ? 'takes the shift' : `gives ${c.assignment ?? 'a shift'} in exchange`}; match ${c.matchScore.toFixed(2)}${c.mutual ? ', helps both' : ''})`,
    );
  }
  if (view.checklist.length > 0) {
    lines.push('Checklist:');
    for (const item of view.checklist) {
      const mark = item.ok === true ? 'ok ' : item.ok === false ? 'NO ' : ' ? ';
      lines.push(`  [${mark}] phase ${item.phase}: ${item.item}${item.note ? ` (${item.note})` : ''}`);
    }
  }
  if (view.blockingIssues.length > 0) {
    lines.push('Blocking issues (approving needs an override with a justification; an exception record is kept):');
    for (const issue of view.blockingIssues) lines.push(`  - ${issue}`);
  }
  if (view.writes.length > 0) lines.push(`Approving allows: ${view.writes.join(', ')}`);
  if (view.expiresAt !== undefined) lines.push(`Unanswered requests are rejected at ${new Date(view.expiresAt).toISOString()}.`);
  return lines;
}
