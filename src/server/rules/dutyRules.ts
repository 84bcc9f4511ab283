/**
 * The rules about runs of duty and the time off between them: continuous duty (24 + 4 h),
 * rest after 24-hour call (14 h) and between shifts (8 h), and the program's limits on
 * consecutive days and nights. Conventions are stated in person.ts.
 */
import type { Person } from '../domain/program';
import type { Shift } from '../domain/snapshot';
import { DAY_MS, HOUR_MS, dateToMs } from '../domain/time';
import { fmtHours, type FindingInput } from './findings';
import type { PersonRuleContext } from './person';
import { dateTimeText, label, who } from './personText';

const EPS = 1e-9;

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

export function continuousDuty(person: Person, blocks: readonly DutyBlock[], out: FindingInput[]): void {
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

export function rest(ctx: PersonRuleContext, person: Person, blocks: readonly DutyBlock[], out: FindingInput[]): void {
  const local = ctx.policies.restAfterCallHours;
  for (let i = 1; i < blocks.length; i++) {
    const prev = blocks[i - 1]!;
    const next = blocks[i]!;
    const gap = (next.startMs - prev.dutyEndMs) / HOUR_MS;
    // Most gaps break no rule: skip building the finding's parts (the N-1 model asks this often).
    if (gap >= Math.max(prev.isCall24 ? 14 : 8, prev.isCall24 && local.enabled ? local.limit : 0) - EPS) continue;
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
      `move the ${label(first)} to someone else, or start it ${fmtHours(limit - gap)} later (not before ${dateTimeText(prev.dutyEndMs + limit * HOUR_MS)})`;
    if (prev.isCall24) {
      if (ctx.rules.has('rest_after_call') && gap < 14 - EPS) {
        out.push({
          ...base,
          key: 'rest_after_call',
          severity: 'critical',
          limit: 14,
          excess: 14 - gap,
          message: `${who(person)} has ${fmtHours(gap)} free after 24-hour call ending ${dateTimeText(prev.dutyEndMs)} (at least 14 h required)`,
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
        message: `${who(person)} has ${fmtHours(gap)} off between shifts ending ${dateTimeText(prev.dutyEndMs)} and starting ${dateTimeText(next.startMs)} (8 h should be free)`,
        suggestedFix: startLater(8),
      });
    }
  }
}

export function consecutiveDays(
  person: Person,
  shifts: readonly Shift[],
  counts: (s: Shift) => boolean,
  limit: number,
  key: 'local_max_consecutive_duty_days' | 'local_max_consecutive_nights',
  out: FindingInput[],
): void {
  const days = [...new Set(shifts.filter(counts).map((s) => s.date))].sort();
  const dayMs = days.map(dateToMs);
  let runStart = 0;
  for (let i = 1; i <= days.length; i++) {
    const continues = i < days.length && dayMs[i]! - dayMs[i - 1]! === DAY_MS;
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
