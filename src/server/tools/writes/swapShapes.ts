/** The swap tools' arguments and result shapes. */
import { z } from 'zod';
import type { SwapRecord } from '../../domain/swap';
import type { SwapWriteResult } from '../../swaps/service';
import { idArg, scheduleIdArg } from '../args';
import { issueOut } from './shared';

export const swapOut = z.object({
  swap_id: z.string(),
  schedule_id: z.string(),
  swap_type: z.enum(['one_to_one', 'absorb']),
  status: z.enum(['pending', 'approved', 'executed', 'rejected', 'cancelled', 'rolled_back']),
  requester_id: z.string(),
  assignment_id: z.string(),
  target_person_id: z.string(),
  target_assignment_id: z.string().nullable(),
  dates: z.array(z.string()),
  requested_at: z.string(),
  requested_by: z.string(),
  decided_at: z.string().nullable(),
  decided_by: z.string().nullable(),
  executed_at: z.string().nullable(),
  executed_by: z.string().nullable(),
  backup_id: z.string().nullable(),
  rollback_deadline: z.string().nullable(),
  rolled_back_at: z.string().nullable(),
  rolled_back_by: z.string().nullable(),
  reason: z.string().nullable(),
  decision_reason: z.string().nullable(),
  touches_locked_period: z.boolean(),
  warnings: z.array(issueOut),
  match: z
    .object({ score: z.number(), ranking_score: z.number(), mutual: z.boolean(), factors: z.record(z.string(), z.number()) })
    .nullable()
    .describe('The score analyze_swap_candidates_tool gives this swap, when it is among its candidates.'),
  consents: z.array(
    z.object({
      person_id: z.string(),
      role: z.enum(['requester', 'candidate', 'coordinator']),
      approved: z.boolean().nullable(),
      responded_at: z.string().nullable(),
      notes: z.string().nullable(),
    }),
  ),
});

export function swapResult(s: SwapRecord): z.infer<typeof swapOut> {
  return {
    swap_id: s.id,
    schedule_id: s.scheduleId,
    swap_type: s.swapType,
    status: s.status,
    requester_id: s.requesterId,
    assignment_id: s.assignmentId,
    target_person_id: s.targetPersonId,
    target_assignment_id: s.targetAssignmentId ?? null,
    dates: s.details.dates,
    requested_at: s.requestedAt,
    requested_by: s.requestedBy,
    decided_at: s.decidedAt ?? null,
    decided_by: s.decidedBy ?? null,
    executed_at: s.executedAt ?? null,
    executed_by: s.executedBy ?? null,
    backup_id: s.backupId ?? null,
    rollback_deadline: s.rollbackDeadline ?? null,
    rolled_back_at: s.rolledBackAt ?? null,
    rolled_back_by: s.rolledBackBy ?? null,
    reason: s.reason ?? null,
    decision_reason: s.details.decision_reason ?? null,
    touches_locked_period: s.details.touches_locked_period,
    warnings: s.details.warnings,
    match: s.details.match ?? null,
    consents: s.consents.map((c) => ({ person_id: c.personId, role: c.role, approved: c.approved, responded_at: c.respondedAt ?? null, notes: c.notes ?? null })),
  };
}

export const swapWriteOut = {
  swap: swapOut,
  awaiting: z.array(z.string()).describe('What the swap still waits for.'),
  schedule_id: z.string(),
  data_version: z.number().int(),
};

export function swapWrite(r: SwapWriteResult) {
  return { swap: swapResult(r.swap), awaiting: r.awaiting, schedule_id: r.swap.scheduleId, data_version: r.dataVersion };
}

export const swapIdArg = idArg('The swap request id (from request_swap_tool).');

/** What names a swap proposal. */
export const proposalArgs = {
  requester_id: idArg('The person giving the assignment away.'),
  assignment_id: idArg("The requester's assignment."),
  swap_type: z.enum(['one_to_one', 'absorb']).describe('one_to_one: the target gives target_assignment_id back; absorb: the target only takes the shift.'),
  target_person_id: idArg('The person taking the assignment.'),
  target_assignment_id: idArg("The target's assignment given back (one_to_one only).").optional(),
  schedule_id: scheduleIdArg,
};
