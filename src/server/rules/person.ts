/**
 * The rules that concern one person's own shifts: duty hours, rest, call frequency,
 * days off, moonlighting, and the personal conflicts (double booking, leave, eligibility).
 * Pure functions of the person's sorted shift list, so the same code validates a
 * published schedule, a draft, or a hypothetical list with one shift added (swap and
 * substitute search).
 *
 * Conventions (stated once, tested at their boundaries)
 * - Rolling windows are 28 calendar days starting at midnight, one per day, inside the data
 *   range (a data range under 28 days is one window, judged pro rata). Hours are counted exactly: a shift crossing a window edge counts only its part inside, its
 *   counted hours spread evenly over its duty time (start to end of transition).
 * - 80 h/week averaged = at most 320 h in a window (88 h -> 352 h when every shift in the
 *   window is on a service granted the VI.F.4 exception).
 * - A free day is 24 continuous hours without duty (at-home call is duty); a gap of g hours
 *   holds floor(g / 24) free days; a window needs 4. Only windows inside the data range count.
 * - Every third night = at most 9 in-house 24-hour calls starting inside a window.
 * - Continuous duty: shifts that start less than 2 h after the previous one's duty (incl.
 *   transition) ended form one block (a lunch break between clinic half-days is not time
 *   off); scheduled time from the block's start <= 24 h, with transition <= 28 h.
 * - A "24-hour call" block is one containing a call_24 shift or 24 scheduled in-house hours;
 *   the rest after it is measured from the end of its transition time.
 */
import { defaultBlocking, type Absence, type Coverage, type Person, type Policies, type Service, type ShiftType } from '../domain/program';
import type { Shift } from '../domain/snapshot';
import { DAY_MS, HOUR_MS, dateToMs, msToDate } from '../domain/time';
import { WINDOW_DAYS, fmtHours, makeFinding, round2, type Finding, type FindingInput } from './findings';
import type { RuleKey } from './ruleIds';

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
  /** Dates whose shifts are known: windows reaching outside see no duty there. */
  data: DateRange;
  /** Only findings whose window touches these dates are reported. */
  focus: DateRange;
  rules: ReadonlySet<RuleKey>;
}

const EPS = 1e-9;

/**
 * Which rolling windows to judge: those touching the focus dates and lying inside the
 * data range. A data range shorter than 28 days is judged as one window, pro rata.
 */
export function windowPlan(ctx: Pick<PersonRuleContext, 'data' | 'focus'>): { first: number; last: number; days: number } {
  const dataFrom = dateToMs(ctx.data.start);
  const dataTo = dateToMs(ctx.data.end) + DAY_MS;
  const days = Math.min(WINDOW_DAYS, Math.round((dataTo - dataFrom) / DAY_MS));
  const first = Math.max(dataFrom, dateToMs(ctx.focus.start) - (days - 1) * DAY_MS);
  const last = Math.min(dataTo - days * DAY_MS, dateToMs(ctx.focus.end));
  return { first, last, days };
}

/** A run of shifts without a break: the unit for continuous-duty and rest rules. */
export interface DutyBlock {
  shifts: Shift[];
  startMs: number;
  /** End of scheduled work. */
  endMs: number;
  /** End including transition time. */
  dutyEndMs: number;
  /** Contains 24-hour in-house call (see file comment). */
  isCall24: boolean;
}

/** A gap shorter than this between two shifts is a break inside one duty period, not time off. */
export const BREAK_MAX_HOURS = 2;

export function dutyBlocks(shifts: readonly Shift[]): DutyBlock[] {
  const blocks: DutyBlock[] = [];
  let current: DutyBlock | undefined;
  for (const s of shifts) {
    if (current && s.startMs < current.dutyEndMs + BREAK_MAX_HOURS * HOUR_MS) {
      current.shifts.push(s);
      current.endMs = Math.max(current.endMs, s.endMs);
      current.dutyEndMs = Math.max(current.dutyEndMs, s.dutyEndMs);
    } else {
      current = { shifts: [s], startMs: s.startMs, endMs: s.endMs, dutyEndMs: s.dutyEndMs, isCall24: false };
      blocks.push(current);
    }
  }
  for (const b of blocks) {
    const inHouse = b.shifts.filter((s) => s.kind !== 'home_call');
    const span = inHouse.length ? Math.max(...inHouse.map((s) => s.endMs)) - inHouse[0]!.startMs : 0;
    b.isCall24 = inHouse.some((s) => s.kind === 'call_24') || span >= 24 * HOUR_MS - EPS;
  }
  return blocks;
}

/** Counted hours per calendar day from `gridStartMs`, split exactly at midnights. */
export function dailyHours(shifts: readonly Shift[], gridStartMs: number, days: number): Float64Array {
  const out = new Float64Array(days);
  for (const s of shifts) {
    const duration = s.dutyEndMs - s.startMs;
    if (duration <= 0 || s.countedHours <= 0) continue;
    const density = s.countedHours / duration;
    let t = s.startMs;
    while (t < s.dutyEndMs) {
      const day = Math.floor((t - gridStartMs) / DAY_MS);
      const dayEnd = gridStartMs + (day + 1) * DAY_MS;
      const until = Math.min(dayEnd, s.dutyEndMs);
      if (day >= 0 && day < days) out[day] += (until - t) * density;
      t = until;
    }
  }
  return out;
}

/** Free 24-hour periods inside [from, to) given merged duty intervals sorted by start. */
export function freeDaysIn(blocks: readonly { startMs: number; dutyEndMs: number }[], from: number, to: number, startIndex = 0): number {
  let free = 0;
  let cursor = from;
  for (let i = startIndex; i < blocks.length; i++) {
    const b = blocks[i]!;
    if (b.dutyEndMs <= from) continue;
    if (b.startMs >= to) break;
    if (b.startMs > cursor) free += Math.floor((b.startMs - cursor) / DAY_MS + EPS);
    cursor = Math.max(cursor, b.dutyEndMs);
  }
  if (to > cursor) free += Math.floor((to - cursor) / DAY_MS + EPS);
  return free;
}

export function checkPerson(ctx: PersonRuleContext, person: Person, shifts: readonly Shift[]): Finding[] {
  const out: FindingInput[] = [];
  const on = (k: RuleKey) => ctx.rules.has(k);
  const resident = person.role === 'resident';
  const focusFrom = dateToMs(ctx.focus.start);
  const focusTo = dateToMs(ctx.focus.end) + DAY_MS;
  const touchesFocus = (f: FindingInput) => f.startMs < focusTo && f.endMs > focusFrom;

  if (on('double_booking')) doubleBooking(person, shifts, out);
  if (on('leave_overlap')) leaveOverlap(ctx, person, shifts, out);
  if (on('credential_mismatch')) eligibility(ctx, person, shifts, out);
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
  return out.filter(touchesFocus).map((f) => makeFinding(f, ctx.policies));
}

function label(s: Shift): string {
  return `${s.date} ${s.shiftTypeId} shift (${s.assignmentId})`;
}

function who(p: Person): string {
  return `${p.name} (${p.id}${p.pgy ? `, PGY-${p.pgy}` : ''})`;
}

// ------------------------------------------------------------------ duty hours

/** The limit (h/week) for a window: 88 only when every shift in it is on an exception service. */
function weeklyLimitFor(ctx: PersonRuleContext, shifts: readonly Shift[]): number {
  let limit = Infinity;
  for (const s of shifts) limit = Math.min(limit, ctx.services.get(s.serviceId)?.weeklyHoursLimit ?? 80);
  return limit === Infinity ? 80 : limit;
}

function weeklyHours(ctx: PersonRuleContext, person: Person, shifts: readonly Shift[], out: FindingInput[]): void {
  const plan = windowPlan(ctx);
  if (plan.days <= 0 || plan.last < plan.first) return;
  const weeks = plan.days / 7;
  const windows = Math.round((plan.last - plan.first) / DAY_MS) + 1;
  const hours = dailyHours(shifts, plan.first, windows + plan.days);
  const prefix = new Float64Array(hours.length + 1);
  for (let i = 0; i < hours.length; i++) prefix[i + 1] = prefix[i]! + hours[i]!;
  const approaching = ctx.policies.approachingWeeklyHours;

  type Run = { kind: 'over' | 'near'; first: number; worst: number; worstAvg: number; limit: number };
  let run: Run | undefined;
  let cursor = 0;
  const flush = () => {
    if (run) out.push(hoursFinding(ctx, person, shifts, plan, run.kind, run.worst, run.worstAvg, run.limit, run.first));
    run = undefined;
  };
  for (let w = 0; w < windows; w++) {
    const avg = (prefix[w + plan.days]! - prefix[w]!) / weeks;
    if (avg < Math.min(approaching, 80) - EPS) {
      flush();
      continue;
    }
    const from = plan.first + w * DAY_MS;
    const to = from + plan.days * DAY_MS;
    while (cursor < shifts.length && shifts[cursor]!.dutyEndMs <= from) cursor++;
    const inWindow: Shift[] = [];
    for (let i = cursor; i < shifts.length && shifts[i]!.startMs < to; i++) if (shifts[i]!.dutyEndMs > from) inWindow.push(shifts[i]!);
    const limit = weeklyLimitFor(ctx, inWindow);
    const kind = avg > limit + EPS ? 'over' : avg >= approaching - EPS ? 'near' : undefined;
    if (kind === undefined || (kind === 'near' && !ctx.rules.has('approaching_weekly_hours')) || (kind === 'over' && !ctx.rules.has('weekly_hours'))) {
      flush();
      continue;
    }
    if (run && run.kind !== kind) flush();
    if (!run) run = { kind, first: w, worst: w, worstAvg: avg, limit };
    else if (avg > run.worstAvg) Object.assign(run, { worst: w, worstAvg: avg, limit });
  }
  flush();
}

function hoursFinding(
  ctx: PersonRuleContext,
  person: Person,
  shifts: readonly Shift[],
  plan: { first: number; days: number },
  kind: 'over' | 'near',
  w: number,
  avg: number,
  limit: number,
  firstWindow: number,
): FindingInput {
  const from = plan.first + w * DAY_MS;
  const to = from + plan.days * DAY_MS;
  const weeks = plan.days / 7;
  const inWindow = shifts.filter((s) => s.startMs < to && s.dutyEndMs > from);
  const total = avg * weeks;
  const excessHours = total - limit * weeks;
  const nightFloat = inWindow.filter((s) => s.kind === 'night_float').reduce((n, s) => n + s.countedHours, 0);
  const moonlighting = inWindow.filter((s) => s.kind === 'moonlighting').reduce((n, s) => n + s.countedHours, 0);
  const range = `${msToDate(from)}..${msToDate(to - 1)}`;
  // The shift to drop or move: voluntary moonlighting first, then the shortest shift that
  // alone clears the excess, else the longest.
  const movable = inWindow.filter((s) => s.startMs >= from);
  const clearing = (list: Shift[]) => list.filter((s) => s.countedHours >= excessHours).sort((a, b) => a.countedHours - b.countedHours || b.startMs - a.startMs)[0];
  const longest = (list: Shift[]) => [...list].sort((a, b) => b.countedHours - a.countedHours)[0];
  const moonlightingShifts = movable.filter((s) => s.kind === 'moonlighting');
  const pick = clearing(moonlightingShifts) ?? longest(moonlightingShifts) ?? clearing(movable) ?? longest(movable);
  const action = pick ? (pick.kind === 'moonlighting' ? `, e.g. cancel the ${label(pick)}: moonlighting is voluntary` : `, e.g. move the ${label(pick)} to someone else`) : '';
  const details: Record<string, unknown> = {
    window_start: msToDate(from),
    window_end: msToDate(to - 1),
    window_days: plan.days,
    total_hours: round2(total),
    average_weekly_hours: round2(avg),
    limit_weekly_hours: limit,
    ...(limit > 80 ? { exception: 'VI.F.4' } : {}),
    ...(moonlighting > 0 ? { moonlighting_hours: moonlighting } : {}),
    ...(nightFloat > 0 ? { night_float_hours: nightFloat, related_rule_ids: ['VI.F.6'] } : {}),
    first_window_start: msToDate(plan.first + firstWindow * DAY_MS),
  };
  const span = plan.days === WINDOW_DAYS ? '28 days' : `${plan.days} days, pro rata`;
  if (kind === 'over') {
    return {
      key: 'weekly_hours',
      severity: 'critical',
      personId: person.id,
      startMs: from,
      endMs: to,
      measured: avg,
      limit,
      excess: avg - limit,
      unit: 'hours_per_week',
      message: `${who(person)} averages ${fmtHours(avg)}/week over ${range} (${fmtHours(total)} in ${span}; limit ${limit} h/week = ${round2(limit * weeks)} h)`,
      suggestedFix: `remove ${fmtHours(excessHours)} from ${person.id} between ${range}${action}`,
      assignmentIds: pick ? [pick.assignmentId, ...inWindow.filter((s) => s !== pick).map((s) => s.assignmentId)] : inWindow.map((s) => s.assignmentId),
      details,
    };
  }
  return {
    key: 'approaching_weekly_hours',
    severity: 'warning',
    personId: person.id,
    startMs: from,
    endMs: to,
    measured: avg,
    limit,
    excess: 0,
    unit: 'hours_per_week',
    message: `${who(person)} averages ${fmtHours(avg)}/week over ${range}, approaching the ${limit} h limit`,
    suggestedFix: `avoid adding shifts to ${person.id} between ${range}; ${fmtHours(limit * weeks - total)} of headroom remain`,
    assignmentIds: inWindow.map((s) => s.assignmentId),
    details: { ...details, warning_threshold: ctx.policies.approachingWeeklyHours },
  };
}

function callFrequency(ctx: PersonRuleContext, person: Person, shifts: readonly Shift[], out: FindingInput[]): void {
  const calls = shifts.filter((s) => s.kind === 'call_24');
  const plan = windowPlan(ctx);
  const limit = Math.floor(plan.days / 3);
  if (calls.length <= limit || plan.last < plan.first) return;
  const span = plan.days * DAY_MS;
  let run: { from: number; n: number } | undefined;
  const flush = () => {
    if (!run) return;
    const { from, n } = run;
    const to = from + span;
    const inWindow = calls.filter((c) => c.startMs >= from && c.startMs < to);
    const extra = inWindow[inWindow.length - 1]!;
    out.push({
      key: 'call_frequency',
      severity: 'critical',
      personId: person.id,
      startMs: from,
      endMs: to,
      measured: n,
      limit,
      excess: n - limit,
      unit: 'calls',
      message: `${who(person)} has ${n} in-house calls between ${msToDate(from)} and ${msToDate(to - 1)} (at most ${limit} in ${plan.days} days: every third night)`,
      suggestedFix: `move ${n - limit} call${n - limit > 1 ? 's' : ''} away from ${person.id}, e.g. the ${label(extra)} to someone else`,
      assignmentIds: [extra.assignmentId, ...inWindow.slice(0, -1).map((c) => c.assignmentId)],
      details: { window_start: msToDate(from), window_end: msToDate(to - 1), calls: inWindow.map((c) => c.date) },
    });
    run = undefined;
  };
  let lo = 0;
  let hi = 0;
  for (let from = plan.first; from <= plan.last; from += DAY_MS) {
    while (lo < calls.length && calls[lo]!.startMs < from) lo++;
    if (hi < lo) hi = lo;
    while (hi < calls.length && calls[hi]!.startMs < from + span) hi++;
    const n = hi - lo;
    if (n > limit) {
      if (!run || n > run.n) run = { from, n };
    } else flush();
  }
  flush();
}

function moonlighting(person: Person, shifts: readonly Shift[], out: FindingInput[]): void {
  for (const s of shifts) {
    if (s.kind !== 'moonlighting') continue;
    out.push({
      key: 'moonlighting_pgy1',
      severity: 'critical',
      personId: person.id,
      startMs: s.startMs,
      endMs: s.endMs,
      measured: s.countedHours,
      limit: 0,
      excess: s.countedHours,
      unit: 'hours',
      message: `${who(person)} is a PGY-1 resident scheduled to moonlight on ${s.date}`,
      suggestedFix: `remove the ${label(s)}: PGY-1 residents may not moonlight`,
      assignmentIds: [s.assignmentId],
    });
  }
}

// ------------------------------------------------------------------ continuity and rest

function continuousDuty(person: Person, blocks: readonly DutyBlock[], out: FindingInput[]): void {
  for (const b of blocks) {
    const scheduled = (b.endMs - b.startMs) / HOUR_MS;
    const duty = (b.dutyEndMs - b.startMs) / HOUR_MS;
    const overScheduled = scheduled > 24 + EPS;
    if (!overScheduled && duty <= 28 + EPS) continue;
    const [measured, limit] = overScheduled ? [scheduled, 24] : [duty, 28];
    const last = b.shifts[b.shifts.length - 1]!;
    out.push({
      key: 'continuous_duty',
      severity: 'critical',
      personId: person.id,
      startMs: b.startMs,
      endMs: b.dutyEndMs,
      measured,
      limit,
      excess: measured - limit,
      unit: 'hours',
      message: `${who(person)} is on duty for ${fmtHours(measured)} without a break from ${b.shifts[0]!.date} (${overScheduled ? 'scheduled clinical work' : 'including transition time'} limit ${limit} h)`,
      suggestedFix: `move the ${label(last)} to someone else or start it after a rest period`,
      assignmentIds: [last.assignmentId, ...b.shifts.slice(0, -1).map((s) => s.assignmentId)],
      details: { scheduled_hours: scheduled, duty_hours_with_transition: duty },
    });
  }
}

function rest(ctx: PersonRuleContext, person: Person, blocks: readonly DutyBlock[], out: FindingInput[]): void {
  const local = ctx.policies.restAfterCallHours;
  for (let i = 1; i < blocks.length; i++) {
    const prev = blocks[i - 1]!;
    const next = blocks[i]!;
    const gap = (next.startMs - prev.dutyEndMs) / HOUR_MS;
    const first = next.shifts[0]!;
    const lastPrev = prev.shifts[prev.shifts.length - 1]!;
    const base = {
      personId: person.id,
      startMs: prev.dutyEndMs,
      endMs: next.startMs,
      measured: gap,
      unit: 'hours' as const,
      assignmentIds: [first.assignmentId, lastPrev.assignmentId],
    };
    const startLater = (limit: number) =>
      `move the ${label(first)} to someone else, or start it ${fmtHours(limit - gap)} later (not before ${msToDateTimeText(prev.dutyEndMs + limit * HOUR_MS)})`;
    if (prev.isCall24) {
      if (ctx.rules.has('rest_after_call') && gap < 14 - EPS) {
        out.push({
          ...base,
          key: 'rest_after_call',
          severity: 'critical',
          limit: 14,
          excess: 14 - gap,
          message: `${who(person)} has ${fmtHours(gap)} free after 24-hour call ending ${msToDateTimeText(prev.dutyEndMs)} (at least 14 h required)`,
          suggestedFix: startLater(14),
        });
      }
      if (ctx.rules.has('local_rest_after_call') && local.enabled && gap < local.limit - EPS) {
        out.push({
          ...base,
          key: 'local_rest_after_call',
          severity: 'warning',
          limit: local.limit,
          excess: local.limit - gap,
          message: `${who(person)} has ${fmtHours(gap)} of rest after 24-hour call (program policy: ${local.limit} h)`,
          suggestedFix: startLater(local.limit),
        });
      }
    } else if (ctx.rules.has('rest_between_shifts') && gap < 8 - EPS) {
      out.push({
        ...base,
        key: 'rest_between_shifts',
        severity: 'warning',
        limit: 8,
        excess: 8 - gap,
        message: `${who(person)} has ${fmtHours(gap)} off between shifts ending ${msToDateTimeText(prev.dutyEndMs)} and starting ${msToDateTimeText(next.startMs)} (8 h should be free)`,
        suggestedFix: startLater(8),
      });
    }
  }
}

function oneDayInSeven(ctx: PersonRuleContext, person: Person, blocks: readonly DutyBlock[], out: FindingInput[]): void {
  const plan = windowPlan(ctx);
  const required = Math.floor(plan.days / 7);
  if (required === 0 || plan.last < plan.first) return;
  const span = plan.days * DAY_MS;
  let run: { from: number; free: number } | undefined;
  const flush = () => {
    if (!run) return;
    const { from, free } = run;
    const to = from + span;
    const inWindow = blocks.filter((b) => b.startMs < to && b.dutyEndMs > from).flatMap((b) => b.shifts);
    const shortfall = required - free;
    const pick = inWindow.find((s) => s.kind === 'home_call') ?? inWindow[Math.floor(inWindow.length / 2)];
    out.push({
      key: 'one_day_in_seven',
      severity: 'critical',
      personId: person.id,
      startMs: from,
      endMs: to,
      measured: free,
      limit: required,
      excess: shortfall,
      unit: 'free_days',
      message: `${who(person)} has ${free} free 24-hour period${free === 1 ? '' : 's'} between ${msToDate(from)} and ${msToDate(to - 1)} (at least ${required} needed: one day in seven${plan.days === WINDOW_DAYS ? ', averaged over 4 weeks' : ''}; at-home call is not free)`,
      suggestedFix: `free ${shortfall} more full day${shortfall > 1 ? 's' : ''} for ${person.id} between ${msToDate(from)} and ${msToDate(to - 1)}${pick ? `, e.g. move the ${label(pick)} to someone else` : ''}`,
      assignmentIds: pick ? [pick.assignmentId] : [],
      details: { window_start: msToDate(from), window_end: msToDate(to - 1), free_days: free },
    });
    run = undefined;
  };
  let index = 0;
  for (let from = plan.first; from <= plan.last; from += DAY_MS) {
    while (index < blocks.length && blocks[index]!.dutyEndMs <= from) index++;
    const free = freeDaysIn(blocks, from, from + span, index);
    if (free < required) {
      if (!run || free < run.free) run = { from, free };
    } else flush();
  }
  flush();
}

function consecutiveDays(
  person: Person,
  shifts: readonly Shift[],
  counts: (s: Shift) => boolean,
  limit: number,
  key: 'local_max_consecutive_duty_days' | 'local_max_consecutive_nights',
  out: FindingInput[],
): void {
  const days = [...new Set(shifts.filter(counts).map((s) => s.date))].sort();
  let runStart = 0;
  for (let i = 1; i <= days.length; i++) {
    const continues = i < days.length && dateToMs(days[i]!) - dateToMs(days[i - 1]!) === DAY_MS;
    if (continues) continue;
    const length = i - runStart;
    if (length > limit) {
      const from = days[runStart]!;
      const to = days[i - 1]!;
      const over = shifts.filter((s) => counts(s) && s.date === days[runStart + limit]!);
      const nights = key === 'local_max_consecutive_nights';
      out.push({
        key,
        severity: 'warning',
        personId: person.id,
        startMs: dateToMs(from),
        endMs: dateToMs(to) + DAY_MS,
        measured: length,
        limit,
        excess: length - limit,
        unit: nights ? 'nights' : 'days',
        message: `${who(person)} works ${length} consecutive ${nights ? 'night-float nights' : 'days'} ${from}..${to} (program policy: at most ${limit})`,
        suggestedFix: `give ${person.id} ${nights ? 'a night off' : 'a day off'} on or before ${days[runStart + limit]}${over[0] ? `, e.g. move the ${label(over[0])}` : ''}`,
        assignmentIds: over.map((s) => s.assignmentId),
        details: { first_day: from, last_day: to },
      });
    }
    runStart = i;
  }
}

// ------------------------------------------------------------------ personal conflicts

function doubleBooking(person: Person, shifts: readonly Shift[], out: FindingInput[]): void {
  let latest: Shift | undefined;
  for (const s of shifts) {
    if (latest && s.startMs < latest.endMs) {
      const overlap = (Math.min(latest.endMs, s.endMs) - s.startMs) / HOUR_MS;
      out.push({
        key: 'double_booking',
        severity: 'critical',
        personId: person.id,
        subject: s.assignmentId,
        startMs: s.startMs,
        endMs: Math.min(latest.endMs, s.endMs),
        measured: overlap,
        limit: 0,
        excess: overlap,
        unit: 'hours',
        message: `${who(person)} is booked on two overlapping shifts: ${label(latest)} and ${label(s)} (${fmtHours(overlap)} overlap)`,
        suggestedFix: `move the ${label(s)} to someone else`,
        assignmentIds: [s.assignmentId, latest.assignmentId],
      });
    }
    if (!latest || s.endMs > latest.endMs) latest = s;
  }
}

function leaveOverlap(ctx: PersonRuleContext, person: Person, shifts: readonly Shift[], out: FindingInput[]): void {
  const blocking = ctx.absences.filter((a) => a.personId === person.id && defaultBlocking(a));
  if (blocking.length === 0) return;
  for (const s of shifts) {
    const a = blocking.find((x) => x.start <= s.date && s.date <= x.end);
    if (!a) continue;
    out.push({
      key: 'leave_overlap',
      severity: 'warning',
      personId: person.id,
      subject: s.assignmentId,
      startMs: s.startMs,
      endMs: s.endMs,
      measured: 1,
      limit: 0,
      excess: 1,
      unit: 'shifts',
      message: `${who(person)} is scheduled for the ${label(s)} during ${a.type} leave ${a.start}..${a.end}`,
      suggestedFix: `move the ${label(s)} to someone who is not on leave`,
      assignmentIds: [s.assignmentId],
      details: { absence_id: a.id, absence_type: a.type },
    });
  }
}

function eligibility(ctx: PersonRuleContext, person: Person, shifts: readonly Shift[], out: FindingInput[]): void {
  for (const s of shifts) {
    const reason = ineligibility(ctx, person, s);
    if (!reason) continue;
    out.push({
      key: 'credential_mismatch',
      severity: 'warning',
      personId: person.id,
      subject: s.assignmentId,
      startMs: s.startMs,
      endMs: s.endMs,
      measured: 1,
      limit: 0,
      excess: 1,
      unit: 'shifts',
      message: `${who(person)} is assigned the ${label(s)} but ${reason}`,
      suggestedFix: `move the ${label(s)} to an eligible person`,
      assignmentIds: [s.assignmentId],
    });
  }
}

/** Why a person may not work a shift of this service and type at all (static eligibility). */
export function ineligibility(ctx: Pick<PersonRuleContext, 'services' | 'coverageFor'>, person: Person, shift: Shift): string | undefined {
  if (!person.active) return 'is not active';
  const service = ctx.services.get(shift.serviceId);
  if (person.services && !person.services.includes(shift.serviceId)) return `is not cleared for service ${shift.serviceId}`;
  if (service?.requiredCredential && !person.credentials.includes(service.requiredCredential)) {
    return `lacks the "${service.requiredCredential}" credential that ${shift.serviceId} requires`;
  }
  const rule = ctx.coverageFor(shift);
  if (rule && person.role === 'resident' && rule.residents.pgy && !rule.residents.pgy.includes(person.pgy ?? 0)) {
    return `is PGY-${person.pgy} and the slot takes PGY ${rule.residents.pgy.join('/')}`;
  }
  if (rule && person.role === 'resident' && rule.residents.max === 0) return 'the slot is for faculty only';
  if (rule && person.role === 'faculty' && rule.faculty.max === 0) return 'the slot is for residents only';
  return undefined;
}

function msToDateTimeText(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}
