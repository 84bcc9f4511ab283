/**
 * The rules judged over rolling 28-day windows: 80 hours per week averaged (VI.F.1, 88 h
 * under VI.F.4), in-house call every third night (VI.F.7) and one day in seven free
 * (VI.F.2.c). Conventions are stated in person.ts.
 */
import type { Person } from '../domain/program';
import type { Shift } from '../domain/snapshot';
import { DAY_MS, dateToMs, msToDate } from '../domain/time';
import type { DutyBlock } from './dutyRules';
import { WINDOW_DAYS, fmtHours, round2, type FindingInput } from './findings';
import type { PersonRuleContext } from './person';
import { label, who } from './personText';

const EPS = 1e-9;

/**
 * Which rolling windows to judge: every 28-day window overlapping the focus dates, as
 * start times from `first` to `last` (one a day). `better` says whether a window should
 * stand for a run of failing windows instead of the current one: it is worse, or as bad
 * and lies inside the known data while the current one reaches outside it.
 */
export function windowPlan(ctx: Pick<PersonRuleContext, 'focus' | 'data'>): {
  first: number;
  last: number;
  better(from: number, badness: number, current: { from: number; badness: number }): boolean;
} {
  const dataFrom = dateToMs(ctx.data.start);
  const dataTo = dateToMs(ctx.data.end) + DAY_MS;
  const inside = (from: number) => from >= dataFrom && from + WINDOW_DAYS * DAY_MS <= dataTo;
  return {
    first: dateToMs(ctx.focus.start) - (WINDOW_DAYS - 1) * DAY_MS,
    last: dateToMs(ctx.focus.end),
    better: (from, badness, current) => badness > current.badness + EPS || (badness > current.badness - EPS && inside(from) && !inside(current.from)),
  };
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
      if (day >= 0 && day < days) out[day]! += (until - t) * density;
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

/** The limit (h/week) for a window: 88 only when every shift in it is on an exception service. */
function weeklyLimitFor(ctx: PersonRuleContext, shifts: readonly Shift[]): number {
  let limit = Infinity;
  for (const s of shifts) limit = Math.min(limit, ctx.services.get(s.serviceId)?.weeklyHoursLimit ?? 80);
  return limit === Infinity ? 80 : limit;
}

export function weeklyHours(ctx: PersonRuleContext, person: Person, shifts: readonly Shift[], out: FindingInput[]): void {
  const plan = windowPlan(ctx);
  if (plan.last < plan.first) return;
  const weeks = WINDOW_DAYS / 7;
  const windows = Math.round((plan.last - plan.first) / DAY_MS) + 1;
  const hours = dailyHours(shifts, plan.first, windows + WINDOW_DAYS);
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
    const avg = (prefix[w + WINDOW_DAYS]! - prefix[w]!) / weeks;
    if (avg < Math.min(approaching, 80) - EPS) {
      flush();
      continue;
    }
    const from = plan.first + w * DAY_MS;
    const to = from + WINDOW_DAYS * DAY_MS;
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
    else if (plan.better(plan.first + w * DAY_MS, avg, { from: plan.first + run.worst * DAY_MS, badness: run.worstAvg })) Object.assign(run, { worst: w, worstAvg: avg, limit });
  }
  flush();
}

function hoursFinding(
  ctx: PersonRuleContext,
  person: Person,
  shifts: readonly Shift[],
  plan: { first: number },
  kind: 'over' | 'near',
  w: number,
  avg: number,
  limit: number,
  firstWindow: number,
): FindingInput {
  const from = plan.first + w * DAY_MS;
  const to = from + WINDOW_DAYS * DAY_MS;
  const weeks = WINDOW_DAYS / 7;
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
    window_days: WINDOW_DAYS,
    total_hours: round2(total),
    average_weekly_hours: round2(avg),
    limit_weekly_hours: limit,
    ...(limit > 80 ? { exception: 'VI.F.4' } : {}),
    ...(moonlighting > 0 ? { moonlighting_hours: moonlighting } : {}),
    ...(nightFloat > 0 ? { night_float_hours: nightFloat, related_rule_ids: ['VI.F.6'] } : {}),
    first_window_start: msToDate(plan.first + firstWindow * DAY_MS),
  };
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
      message: `${who(person)} averages ${fmtHours(avg)}/week over ${range} (${fmtHours(total)} in 28 days; limit ${limit} h/week = ${round2(limit * weeks)} h)`,
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

export function callFrequency(ctx: PersonRuleContext, person: Person, shifts: readonly Shift[], out: FindingInput[]): void {
  const calls = shifts.filter((s) => s.kind === 'call_24');
  const plan = windowPlan(ctx);
  const limit = Math.floor(WINDOW_DAYS / 3);
  if (calls.length <= limit || plan.last < plan.first) return;
  const span = WINDOW_DAYS * DAY_MS;
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
      message: `${who(person)} has ${n} in-house calls between ${msToDate(from)} and ${msToDate(to - 1)} (at most ${limit} in 28 days: every third night)`,
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
      if (!run || plan.better(from, n, { from: run.from, badness: run.n })) run = { from, n };
    } else flush();
  }
  flush();
}

export function oneDayInSeven(ctx: PersonRuleContext, person: Person, blocks: readonly DutyBlock[], out: FindingInput[]): void {
  const plan = windowPlan(ctx);
  const required = Math.floor(WINDOW_DAYS / 7);
  if (plan.last < plan.first) return;
  const span = WINDOW_DAYS * DAY_MS;
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
      message: `${who(person)} has ${free} free 24-hour period${free === 1 ? '' : 's'} between ${msToDate(from)} and ${msToDate(to - 1)} (at least ${required} needed: one day in seven, averaged over 4 weeks; at-home call is not free)`,
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
      if (!run || plan.better(from, -free, { from: run.from, badness: -run.free })) run = { from, free };
    } else flush();
  }
  flush();
}
