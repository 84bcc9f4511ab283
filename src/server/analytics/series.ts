/** Per-person time series derived from the schedule: daily and weekly counted hours, daily event counts. */
import type { ScheduleSnapshot } from '../domain/snapshot';
import { addDays, daysBetween } from '../domain/time';

export interface Week {
  start: string;
  end: string;
}

/** Full 7-day weeks from the start of the range; a trailing partial week is left out. */
export function fullWeeks(range: { start: string; end: string }): Week[] {
  const days = daysBetween(range.start, range.end) + 1;
  const weeks: Week[] = [];
  for (let w = 0; (w + 1) * 7 <= days; w++) weeks.push({ start: addDays(range.start, w * 7), end: addDays(range.start, w * 7 + 6) });
  return weeks;
}

/** Counted hours per day of the range, by shift start date. */
export function dailyHours(snapshot: ScheduleSnapshot, personId: string): number[] {
  const days = daysBetween(snapshot.range.start, snapshot.range.end) + 1;
  const out = new Array<number>(days).fill(0);
  for (const s of snapshot.byPerson.get(personId) ?? []) {
    const i = daysBetween(snapshot.range.start, s.date);
    if (i >= 0 && i < days) out[i]! += s.countedHours;
  }
  return out;
}

/** Counted hours per full week of the range. */
export function weeklyHours(snapshot: ScheduleSnapshot, personId: string): number[] {
  const daily = dailyHours(snapshot, personId);
  return fullWeeks(snapshot.range).map((_, w) => {
    let h = 0;
    for (let d = w * 7; d < w * 7 + 7; d++) h += daily[d]!;
    return h;
  });
}

/** Number of dated events per day of the range for one person. */
export function dailyCounts(range: { start: string; end: string }, events: readonly { personId: string; date: string }[], personId: string): number[] {
  const days = daysBetween(range.start, range.end) + 1;
  const out = new Array<number>(days).fill(0);
  for (const e of events) {
    if (e.personId !== personId) continue;
    const i = daysBetween(range.start, e.date);
    if (i >= 0 && i < days) out[i]! += 1;
  }
  return out;
}
