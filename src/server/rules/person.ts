/**
 * The rules that concern one person's own shifts: duty hours, rest, call frequency,
 * days off, moonlighting, and the personal conflicts (double booking, leave, eligibility).
 * Pure functions of the person's sorted shift list, so the same code validates a
 * published schedule, a draft, or a hypothetical list with one shift added (swap and
 * substitute search). The rules live in windowRules.ts, dutyRules.ts and personConflicts.ts.
 *
 * Conventions (stated once, tested at their boundaries)
 * - Rolling windows are 28 calendar days starting at midnight, one per day: every window
 *   that overlaps the focus dates is judged, whatever the length of the range asked about
 *   (ACGME averages over 4 weeks; a one-week range is judged by the windows around it).
 *   A window's days outside the data range hold no known duty: no hours, free days (of
 *   equally bad windows, one inside the data is reported). The
 *   callers read 28 days of context around the focus so that no window lacks known data.
 *   Hours are counted exactly: a shift crossing a window edge counts only its part inside,
 *   its counted hours spread evenly over its duty time (start to end of transition).
 * - 80 h/week averaged = at most 320 h in a window (88 h -> 352 h when every shift in the
 *   window is on a service granted the VI.F.4 exception).
 * - A free day is 24 continuous hours without duty (at-home call is duty); a gap of g hours
 *   holds floor(g / 24) free days; a window needs 4.
 * - Every third night = at most 9 in-house 24-hour calls starting inside a window.
 * - Continuous duty: shifts that start less than 2 h after the previous one's duty (incl.
 *   transition) ended form one block (a lunch break between clinic half-days is not time
 *   off); scheduled time from the block's start <= 24 h, with transition <= 28 h.
 * - A "24-hour call" block is one containing a call_24 shift or 24 scheduled in-house hours;
 *   the rest after it is measured from the end of its transition time.
 */
import type { Absence, Coverage, Person, Policies, Service, ShiftType } from '../domain/program';
import type { Shift } from '../domain/snapshot';
import { DAY_MS, dateToMs } from '../domain/time';
import { consecutiveDays, continuousDuty, dutyBlocks, rest } from './dutyRules';
import { makeFinding, type Finding, type FindingInput } from './findings';
import { doubleBooking, eligibility, leaveOverlap, moonlighting } from './personConflicts';
import type { RuleKey } from './ruleIds';
import { callFrequency, oneDayInSeven, weeklyHours } from './windowRules';

export interface DateRange {
  start: string;
  end: string;
}

export interface PersonRuleContext {
  policies: Policies;
  services: ReadonlyMap<string, Service>;
  shiftTypes: ReadonlyMap<string, ShiftType>;
  /** The person's absences (any type; blocking ones matter). */
  absences: readonly Absence[];
  /** The coverage rule a shift fills, if any (for PGY restrictions). */
  coverageFor(shift: Shift): Coverage | undefined;
  /** Dates whose shifts are known: a window's days outside hold no known duty. */
  data: DateRange;
  /** Only findings whose window touches these dates are reported. */
  focus: DateRange;
  rules: ReadonlySet<RuleKey>;
}

export function checkPerson(ctx: PersonRuleContext, person: Person, shifts: readonly Shift[]): Finding[] {
  return personFindingInputs(ctx, person, shifts).map((f) => makeFinding(f, ctx.policies));
}

/** checkPerson's findings before they are formatted: enough for a yes/no on a change (EligibilityIndex.check). */
export function personFindingInputs(ctx: PersonRuleContext, person: Person, shifts: readonly Shift[]): FindingInput[] {
  const out: FindingInput[] = [];
  const on = (k: RuleKey) => ctx.rules.has(k);
  const resident = person.role === 'resident';
  const focusFrom = dateToMs(ctx.focus.start);
  const focusTo = dateToMs(ctx.focus.end) + DAY_MS;
  const touchesFocus = (f: FindingInput) => f.startMs < focusTo && f.endMs > focusFrom;

  if (on('double_booking')) doubleBooking(person, shifts, out);
  // A shift's own leave and eligibility findings span the shift: only those touching the focus count.
  const touching = shifts.filter((s) => s.startMs < focusTo && s.endMs > focusFrom);
  if (on('leave_overlap')) leaveOverlap(ctx, person, touching, out);
  if (on('credential_mismatch')) eligibility(ctx, person, touching, out);
  if (resident && shifts.length > 0) {
    if (on('weekly_hours') || on('approaching_weekly_hours')) weeklyHours(ctx, person, shifts, out);
    if (on('call_frequency')) callFrequency(ctx, person, shifts, out);
    if (on('moonlighting_pgy1') && person.pgy === 1) moonlighting(person, shifts, out);
    const blocks = dutyBlocks(shifts);
    if (on('continuous_duty')) continuousDuty(person, blocks, out);
    if (on('rest_after_call') || on('rest_between_shifts') || on('local_rest_after_call')) rest(ctx, person, blocks, out);
    if (on('one_day_in_seven')) oneDayInSeven(ctx, person, blocks, out);
    if (on('local_max_consecutive_duty_days') && ctx.policies.maxConsecutiveDutyDays.enabled) {
      consecutiveDays(person, shifts, () => true, ctx.policies.maxConsecutiveDutyDays.limit, 'local_max_consecutive_duty_days', out);
    }
    if (on('local_max_consecutive_nights') && ctx.policies.maxConsecutiveNights.enabled) {
      consecutiveDays(person, shifts, (s) => s.kind === 'night_float', ctx.policies.maxConsecutiveNights.limit, 'local_max_consecutive_nights', out);
    }
  }
  return out.filter(touchesFocus);
}
