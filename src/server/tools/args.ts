/**
 * Argument shapes and checks shared by the read tools: dates, ranges (at most 366 days,
 * not reversed), ids, and the snapshot a rule check needs (the focus range plus the 28 days
 * on either side that rolling 28-day windows reach into).
 */
import { z } from 'zod';
import type { ScheduleSnapshot } from '../domain/snapshot';
import { DAY_MS, dateToMs, isIsoDate } from '../domain/time';
import { contextRange, contextRanges, draftInContext, type ContextRange } from '../generation/contextSnapshot';
import type { DateRange } from '../rules/person';
import type { ScheduleStore } from '../store/store';
import type { StoredSchedule } from '../store/types';
import { ToolError } from '../domain/errors';

export const MAX_RANGE_DAYS = 366;

export const dateArg = (description: string) => z.string().max(10).refine(isIsoDate, { message: 'expected a real date written as YYYY-MM-DD' }).describe(description);

export const idArg = (description: string) =>
  z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_.:-]+$/, 'ids use letters, digits and _ . : - only')
    .describe(description);

export const scheduleIdArg = idArg('A stored schedule or draft id; the published schedule covering the dates when omitted.').optional();

/** Longest series (hours, samples) a tool takes from its caller: far above a year of daily values. */
export const SERIES_MAX = 10_000;

/** A caller's series of numbers, bounded. */
export const seriesArg = (item: z.ZodNumber = z.number()) => z.array(item.finite()).max(SERIES_MAX);

/** A map from ids (or short keys) to values, with at most `max` entries. */
export function boundedRecord<V extends z.ZodType>(value: V, max = SERIES_MAX) {
  return z.record(z.string().max(64), value).refine((o) => Object.keys(o).length <= max, { message: `at most ${max} entries` });
}

/** A person id or "all" where a tool accepts either. */
export const personOrAllArg = z.string().min(1).max(64);

/** Paging of the list tools: skip this many entries (with `limit`, pages through a long list). */
export const offsetArg = z.number().int().min(0).max(10_000_000).default(0).describe('Entries to skip: pass next_offset of the previous page.');

export const nextOffsetOut = z.number().int().nullable().describe('The offset of the next page; null on the last page.');

export function nextOffset(total: number, page: { offset: number; limit: number }): number | null {
  return total > page.offset + page.limit ? page.offset + page.limit : null;
}

/** The contract's date_range: [first, last] inclusive. */
export const dateRangeOut = z.tuple([z.string(), z.string()]);

export function checkRange(start: string, end: string): DateRange {
  if (end < start) throw new ToolError(`end_date ${end} is before start_date ${start}`);
  const days = Math.round((dateToMs(end) - dateToMs(start)) / DAY_MS) + 1;
  if (days > MAX_RANGE_DAYS) throw new ToolError(`the range ${start}..${end} spans ${days} days; at most ${MAX_RANGE_DAYS} days are allowed`);
  return { start, end };
}

export interface FocusedSnapshot {
  snapshot: ScheduleSnapshot;
  schedule: StoredSchedule;
  focus: DateRange;
  /** Dates read around the focus for the rolling windows, and the schedule each came from. */
  context: ContextRange[];
}

/**
 * The schedule for a focus range (explicit id, or the published one covering it), loaded
 * with up to 28 days of context on either side, clipped to the schedule; a draft with its
 * published schedule's days around it. The focus itself is clipped to the schedule too:
 * outside it there is nothing to judge.
 */
export function focusedSnapshot(store: ScheduleStore, query: { start?: string; end?: string; scheduleId?: string }): FocusedSnapshot {
  if (query.start !== undefined && query.end !== undefined) checkRange(query.start, query.end);
  const schedule = store.resolveSchedule(query);
  const start = query.start ?? schedule.start;
  const end = query.end ?? schedule.end;
  if (end < schedule.start || start > schedule.end) {
    throw new ToolError(`schedule "${schedule.id}" runs ${schedule.start}..${schedule.end}, outside ${start}..${end}`, 'NOT_FOUND');
  }
  const focus = { start: start < schedule.start ? schedule.start : start, end: end > schedule.end ? schedule.end : end };
  // A draft is judged inside its published schedule, as generation judged it.
  if (schedule.status === 'draft' && schedule.parentId !== undefined) return { ...draftInContext(store, schedule, focus), schedule, focus };
  const read = contextRange(focus);
  const snapshot = store.snapshot({
    scheduleId: schedule.id,
    start: read.start < schedule.start ? schedule.start : read.start,
    end: read.end > schedule.end ? schedule.end : read.end,
  });
  return { snapshot, schedule, focus, context: contextRanges(snapshot.range, focus, focus, schedule.id, schedule.id) };
}
