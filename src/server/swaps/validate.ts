/**
 * Swap validation on the hypothetical schedule: the published schedule with the swap
 * applied, judged by the rule engine against the schedule as it stands. A swap is refused
 * when it introduces a hard finding (ACGME or local rule, double booking, rest between
 * shifts, leave, eligibility) or touches the past; it is warned about when it is less than
 * 14 days away, touches the locked period, or brings someone close to the hour limit.
 */
import type { Assignment, Person } from '../domain/program';
import { isAbsent } from '../domain/snapshot';
import { DAY_MS, addDays, dateToMs, msToDate } from '../domain/time';
import { isHardViolation } from '../generation/metrics';
import { snapshotWith } from '../generation/service';
import { validateSnapshot } from '../rules/engine';
import type { Finding } from '../rules/findings';
import type { SwapIssue, SwapType } from '../domain/swap';
import type { ScheduleStore } from '../store/store';
import type { StoredSchedule } from '../store/types';

export interface SwapProposal {
  scheduleId: string;
  swapType: SwapType;
  requesterId: string;
  assignmentId: string;
  targetPersonId: string;
  targetAssignmentId?: string;
}

export interface SwapValidation {
  valid: boolean;
  errors: SwapIssue[];
  warnings: SwapIssue[];
  touchesLockedPeriod: boolean;
  /** Dates of the assignments that change hands. */
  dates: string[];
  /** The assignments that change hands with their new owner. */
  moves: { assignment: Assignment; to: string }[];
}

export const IMMINENT_DAYS = 14;

const CODE_OF: Partial<Record<Finding['key'], string>> = {
  rest_between_shifts: 'BACK_TO_BACK',
  rest_after_call: 'BACK_TO_BACK',
  local_rest_after_call: 'BACK_TO_BACK',
  continuous_duty: 'BACK_TO_BACK',
  double_booking: 'DOUBLE_BOOKING',
  leave_overlap: 'EXTERNAL_CONFLICT',
  credential_mismatch: 'NOT_ELIGIBLE',
};

/** Same rule, same subject, overlapping window: the finding existed before the swap. */
function sameFinding(a: Finding, b: Finding): boolean {
  return a.key === b.key && a.personId === b.personId && a.window.start < b.window.end && b.window.start < a.window.end && (a.personId !== null || a.id === b.id);
}

export function validateSwap(store: ScheduleStore, nowMs: number, proposal: SwapProposal): SwapValidation {
  const errors: SwapIssue[] = [];
  const warnings: SwapIssue[] = [];
  const fail = (code: string, message: string): SwapValidation => ({
    valid: false,
    errors: [...errors, { code, message }],
    warnings,
    touchesLockedPeriod: false,
    dates: [],
    moves: [],
  });
  const schedule = store.getSchedule(proposal.scheduleId);
  if (!schedule) return fail('SCHEDULE_NOT_FOUND', `unknown schedule "${proposal.scheduleId}"`);
  if (schedule.status !== 'published') return fail('INVALID_SCHEDULE', `swaps apply to published schedules; "${schedule.id}" is a draft`);
  const people = new Map(store.reference().people.map((p) => [p.id, p]));
  const requester = people.get(proposal.requesterId);
  if (!requester) return fail('REQUESTER_NOT_FOUND', `unknown person "${proposal.requesterId}"`);
  const target = people.get(proposal.targetPersonId);
  if (!target) return fail('TARGET_NOT_FOUND', `unknown person "${proposal.targetPersonId}"`);
  if (requester.id === target.id) return fail('SAME_PERSON', 'a person cannot swap with themselves');
  if (!requester.active || !target.active) return fail('INACTIVE', `${!requester.active ? requester.id : target.id} is not active`);
  if (requester.role !== target.role) return fail('ROLE_MISMATCH', `${requester.id} is ${requester.role} and ${target.id} is ${target.role}: swaps stay within one role`);
  const byId = new Map(
    store.selectedAssignments(schedule.id, { ids: [proposal.assignmentId, ...(proposal.targetAssignmentId ? [proposal.targetAssignmentId] : [])] }).map((a) => [a.id, a]),
  );
  const source = byId.get(proposal.assignmentId);
  if (!source) return fail('SOURCE_NOT_FOUND', `no assignment "${proposal.assignmentId}" in schedule "${schedule.id}"`);
  if (source.personId !== requester.id) return fail('NOT_OWNER', `assignment "${source.id}" belongs to ${source.personId}, not ${requester.id}`);
  let given: Assignment | undefined;
  if (proposal.swapType === 'one_to_one') {
    if (!proposal.targetAssignmentId) return fail('TARGET_NOT_FOUND', 'a one_to_one swap needs target_assignment_id (the shift given back)');
    given = byId.get(proposal.targetAssignmentId);
    if (!given) return fail('TARGET_NOT_FOUND', `no assignment "${proposal.targetAssignmentId}" in schedule "${schedule.id}"`);
    if (given.personId !== target.id) return fail('NOT_OWNER', `assignment "${given.id}" belongs to ${given.personId}, not ${target.id}`);
  } else if (proposal.targetAssignmentId) {
    return fail('INVALID_INPUT', 'an absorb swap takes no target_assignment_id: the target only takes the shift');
  }

  const moves = [{ assignment: source, to: target.id }, ...(given ? [{ assignment: given, to: requester.id }] : [])];
  const dates = moves.map((m) => m.assignment.date).sort();
  const today = msToDate(nowMs);
  for (const { assignment } of moves) {
    if (assignment.date < today) errors.push({ code: 'PAST_DATE', message: `assignment "${assignment.id}" on ${assignment.date} is in the past` });
    else if (dateToMs(assignment.date) - dateToMs(today) < IMMINENT_DAYS * DAY_MS) {
      warnings.push({ code: 'IMMINENT_SWAP', message: `assignment "${assignment.id}" on ${assignment.date} is less than ${IMMINENT_DAYS} days away` });
    }
  }
  const absences = store.reference().absences;
  for (const { assignment, to } of moves) {
    if (isAbsent(absences, to, assignment.date)) errors.push({ code: 'EXTERNAL_CONFLICT', message: `${to} is on leave on ${assignment.date}` });
  }
  const touchesLockedPeriod = lockedDates(schedule, dates).length > 0;
  if (touchesLockedPeriod) {
    warnings.push({
      code: 'LOCKED_PERIOD',
      message: `${lockedDates(schedule, dates).join(', ')} is in the locked period (through ${schedule.lockedThrough}): the coordinator must give a reason`,
    });
  }

  const { introduced, nearing } = ruleImpact(store, schedule, moves, dates, [requester, target]);
  for (const f of introduced) {
    const code = CODE_OF[f.key] ?? 'RULE_VIOLATION';
    if (!errors.some((e) => e.code === code && e.message === f.message)) errors.push({ code, message: `${f.ruleId}: ${f.message}` });
  }
  for (const f of nearing) warnings.push({ code: 'APPROACHING_LIMIT', message: f.message });
  return { valid: errors.length === 0, errors, warnings, touchesLockedPeriod, dates, moves };
}

function lockedDates(schedule: StoredSchedule, dates: readonly string[]): string[] {
  return schedule.lockedThrough ? dates.filter((d) => d <= schedule.lockedThrough!) : [];
}

/** Findings the swap introduces, from a before/after run of the rule engine around the moved dates. */
function ruleImpact(
  store: ScheduleStore,
  schedule: StoredSchedule,
  moves: readonly { assignment: Assignment; to: string }[],
  dates: readonly string[],
  parties: readonly Person[],
): { introduced: Finding[]; nearing: Finding[] } {
  const focus = { start: addDays(dates[0]!, -27), end: addDays(dates[dates.length - 1]!, 27) };
  const context = { start: addDays(focus.start, -28), end: addDays(focus.end, 28) };
  // The hypothetical schedules hold only what the findings below depend on: the parties'
  // shifts (their person rules) and the shifts on a moved one's service within three days of
  // it (the rules of the slots that change hands, rules/slots.ts: coverage counts the slot's
  // shifts, supervision the service's faculty overlapping them; a shift is at most 28 h long).
  const near = moves.map(({ assignment: a }) => ({ start: addDays(a.date, -3), end: addDays(a.date, 3), serviceId: a.serviceId }));
  const around = store.selectedAssignments(schedule.id, { around: { range: context, people: parties.map((p) => p.id), near } });
  const moved = new Map(moves.map((m) => [m.assignment.id, m.to]));
  const after = around.map((a) => (moved.has(a.id) ? { ...a, personId: moved.get(a.id)! } : a));
  const version = store.dataVersion();
  const concerned = new Set(parties.map((p) => p.id));
  const slotsTouched = new Set(moves.map((m) => `${m.assignment.serviceId}|${m.assignment.shiftTypeId}|${m.assignment.date}`));
  // Only the two parties' findings and those about the slots that change hands matter.
  const relevant = (f: Finding) =>
    f.personId !== null ? concerned.has(f.personId) : slotsTouched.has(`${String(f.details.service_id)}|${String(f.details.shift_type_id)}|${String(f.details.date)}`);
  // Other people's findings and other slots' cannot change, and relevant() drops them: check
  // only the parties and the slots that change hands.
  const slots = moves.map((m) => m.assignment);
  const run = (list: readonly Assignment[]) =>
    validateSnapshot(snapshotWith(store, schedule, list, context, version), { focus, suggestions: false, people: concerned, slots }).findings.filter(relevant);
  const before = run(around);
  const afterFindings = run(after);
  const isNew = (f: Finding) => !before.some((b) => sameFinding(b, f));
  return {
    introduced: afterFindings.filter((f) => isHardViolation(f) && isNew(f)),
    nearing: afterFindings.filter((f) => f.key === 'approaching_weekly_hours' && isNew(f)),
  };
}
