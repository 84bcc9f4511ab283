/**
 * Program-local wall-clock time as plain numbers: a date `YYYY-MM-DD` and a time `HH:MM`
 * become milliseconds on a UTC axis. Daylight-saving shifts are deliberately ignored:
 * duty-hour rules are stated in scheduled hours, and a schedule is written in local time.
 */
import { WEEKDAYS, type Weekday } from './program';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

// Rule checks convert the same few hundred dates hundreds of thousands of times.
const dateCache = new Map<string, number>();

export function dateToMs(date: string): number {
  let ms = dateCache.get(date);
  if (ms === undefined) {
    ms = Date.parse(`${date}T00:00:00Z`);
    if (dateCache.size >= 50_000) dateCache.clear();
    dateCache.set(date, ms);
  }
  return ms;
}

// ... and format the same few hundred days back: a date depends only on the UTC day.
const dayCache = new Map<number, string>();

export function msToDate(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let date = dayCache.get(day);
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (dayCache.size >= 50_000) dayCache.clear();
    dayCache.set(day, date);
  }
  return date;
}

export function msToDateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

export function addDays(date: string, days: number): string {
  return msToDate(dateToMs(date) + days * DAY_MS);
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round((dateToMs(b) - dateToMs(a)) / DAY_MS);
}

export function weekdayOf(date: string): Weekday {
  // 1970-01-01 was a Thursday; WEEKDAYS starts on Monday.
  const index = (Math.floor(dateToMs(date) / DAY_MS) + 3) % 7;
  return WEEKDAYS[(index + 7) % 7]!;
}

const clockCache = new Map<string, number>();

export function timeOnDate(date: string, hhmm: string): number {
  let offset = clockCache.get(hhmm);
  if (offset === undefined) {
    const [h, m] = hhmm.split(':').map(Number) as [number, number];
    offset = h * HOUR_MS + m * 60_000;
    clockCache.set(hhmm, offset);
  }
  return dateToMs(date) + offset;
}

/** Every date from start to end inclusive. */
export function eachDate(start: string, end: string): string[] {
  const out: string[] = [];
  for (let ms = dateToMs(start), last = dateToMs(end); ms <= last; ms += DAY_MS) out.push(msToDate(ms));
  return out;
}

/** Whether `s` is a real calendar date written as YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const ms = dateToMs(s);
  return !Number.isNaN(ms) && msToDate(ms) === s;
}
