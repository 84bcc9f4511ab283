/**
 * Whether a person could take one more shift without breaking a rule: the question behind
 * suggested fixes, swap candidates and N-1 contingency. The answer re-runs the person
 * rules on the person's shifts with the change applied, over the 28 days on either side,
 * so it agrees with validation by construction.
 */
import type { Person } from '../domain/program';
import { expandShift, isAbsent, type ScheduleSnapshot, type Shift } from '../domain/snapshot';
import { DAY_MS, HOUR_MS, addDays, dateToMs } from '../domain/time';
import { WINDOW_DAYS } from './findings';
import { personFindingInputs, type PersonRuleContext } from './person';
import { ineligibility } from './personConflicts';
import { RULE_KEYS, type RuleKey } from './ruleIds';
import { coverageLookup } from './slots';

/** Rules whose findings make a change unacceptable even below critical severity. */
const BLOCKING_WARNINGS: ReadonlySet<RuleKey> = new Set([
  'rest_between_shifts',
  'leave_overlap',
  'credential_mismatch',
  'double_booking',
  'local_max_consecutive_duty_days',
  'local_max_consecutive_nights',
  'local_rest_after_call',
]);
// The person rules whose findings can refuse a change: a warning of approaching the limit never does.
const PERSON_RULES: ReadonlySet<RuleKey> = new Set(
  RULE_KEYS.filter((k) => !k.startsWith('coverage_') && k !== 'supervision_pgy1' && k !== 'local_supervision_ratio' && k !== 'approaching_weekly_hours'),
);

export type Verdict = { ok: true } | { ok: false; reason: string };

/** Reusable per-snapshot lookups (build once, ask many questions). */
export class EligibilityIndex {
  readonly coverageFor: PersonRuleContext['coverageFor'];

  constructor(readonly snapshot: ScheduleSnapshot) {
    this.coverageFor = coverageLookup(snapshot);
  }

  /**
   * Could `person` hold `adds` after giving up the assignments in `removes`? Checks static
   * eligibility, absences, then the person rules over the affected dates.
   */
  check(person: Person, adds: readonly Shift[], removes: ReadonlySet<string> = new Set()): Verdict {
    const snap = this.snapshot;
    for (const s of adds) {
      const why = ineligibility({ services: snap.services, coverageFor: this.coverageFor }, person, s);
      if (why) return { ok: false, reason: `${person.id} ${why}` };
      if (isAbsent(snap.absences, person.id, s.date)) return { ok: false, reason: `${person.id} is on leave on ${s.date}` };
      if (person.role === 'resident' && person.pgy === 1 && s.kind === 'moonlighting') return { ok: false, reason: `${person.id} is PGY-1 and may not moonlight` };
    }
    if (adds.length === 0) return { ok: true };
    const dates = adds.map((s) => s.date).sort();
    // Findings caused by a shift can start the next days: overlaps, the rest after it.
    const focus = { start: addDays(dates[0]!, -1), end: addDays(dates[dates.length - 1]!, 2) };
    // Every window overlapping the focus lies within 27 days of it (a day more for overlaps).
    const data = { start: addDays(focus.start, -WINDOW_DAYS), end: addDays(focus.end, WINDOW_DAYS) };
    const from = dateToMs(data.start);
    const to = dateToMs(data.end) + DAY_MS;
    const own = (snap.byPerson.get(person.id) ?? []).filter((s) => !removes.has(s.assignmentId) && s.dutyEndMs > from && s.startMs < to);
    const moved = adds.map((s) => ({ ...s, personId: person.id }));
    const after = [...own, ...moved].sort((a, b) => a.startMs - b.startMs);
    const ctx: PersonRuleContext = {
      policies: snap.policies,
      services: snap.services,
      shiftTypes: snap.shiftTypes,
      absences: snap.absences,
      coverageFor: this.coverageFor,
      data,
      focus,
      rules: PERSON_RULES,
    };
    // The unformatted findings: only their severity, rule and message decide here.
    const problems = personFindingInputs(ctx, person, after).filter((f) => f.severity === 'critical' || BLOCKING_WARNINGS.has(f.key));
    if (problems.length > 0) return { ok: false, reason: problems[0]!.message };
    return { ok: true };
  }

  /** The shift a person would work if assigned this service and shift type on a date. */
  hypotheticalShift(personId: string, serviceId: string, shiftTypeId: string, date: string, role: Shift['role'] = 'primary'): Shift {
    const type = this.snapshot.shiftTypes.get(shiftTypeId);
    if (!type) throw new Error(`unknown shift type ${shiftTypeId}`);
    return expandShift({ id: `new:${serviceId}:${shiftTypeId}:${date}`, personId, serviceId, shiftTypeId, date, role }, type);
  }

  /**
   * People of `role` who could take `shift`, least loaded first (counted hours within two
   * weeks of it), at most `limit` of them.
   */
  substitutes(shift: Shift, role: Person['role'], options: { exclude?: ReadonlySet<string>; limit?: number } = {}): Person[] {
    const limit = options.limit ?? 3;
    const around = 14 * DAY_MS;
    const load = (p: Person) => (this.snapshot.byPerson.get(p.id) ?? []).reduce((n, s) => (Math.abs(s.startMs - shift.startMs) <= around ? n + s.countedHours : n), 0);
    const pool = this.snapshot.people
      .filter((p) => p.role === role && p.active && p.id !== shift.personId && !options.exclude?.has(p.id))
      .filter((p) => !p.services || p.services.includes(shift.serviceId))
      .map((p) => ({ p, load: load(p) }))
      .sort((a, b) => a.load - b.load || a.p.id.localeCompare(b.p.id));
    const found: Person[] = [];
    for (const { p } of pool) {
      if (this.check(p, [shift]).ok) found.push(p);
      if (found.length >= limit) break;
    }
    return found;
  }
}

/** Minimum rest in hours around a shift for a person (before and after), Infinity when free. */
export function restAround(snapshot: ScheduleSnapshot, personId: string, shift: Shift, removes: ReadonlySet<string> = new Set()): number {
  let best = Infinity;
  for (const s of snapshot.byPerson.get(personId) ?? []) {
    if (removes.has(s.assignmentId)) continue;
    if (s.dutyEndMs <= shift.startMs) best = Math.min(best, (shift.startMs - s.dutyEndMs) / HOUR_MS);
    else if (s.startMs >= shift.dutyEndMs) best = Math.min(best, (s.startMs - shift.dutyEndMs) / HOUR_MS);
    else best = 0;
  }
  return best;
}
