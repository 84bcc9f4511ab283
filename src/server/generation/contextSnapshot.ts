/**
 * The schedule a rule check judges when it is about a draft: the draft's assignments over
 * its dates plus the published schedule's on the 28 days either side, which every 28-day
 * window overlapping the draft reaches into (rules/person.ts states the window convention).
 * Generation judges the draft it writes with exactly this snapshot and validation reads a
 * stored draft with it, so the two agree by construction.
 */
import type { Assignment } from '../domain/program';
import { snapshotFrom, type ScheduleInfo, type ScheduleSnapshot } from '../domain/snapshot';
import { addDays } from '../domain/time';
import { WINDOW_DAYS } from '../rules/findings';
import type { DateRange } from '../rules/person';
import { ToolError } from '../domain/errors';
import type { ScheduleStore } from '../store/store';
import type { StoredSchedule } from '../store/types';

/** The range and the 28 days on either side of it. */
export function contextRange(range: DateRange): DateRange {
  return { start: addDays(range.start, -WINDOW_DAYS), end: addDays(range.end, WINDOW_DAYS) };
}

/**
 * The published schedule over `contextRange(range)` with its assignments inside `range`
 * replaced by `inside`, named `as` (default: the published schedule).
 */
export function snapshotInContext(
  store: ScheduleStore,
  published: StoredSchedule,
  range: DateRange,
  inside: readonly Assignment[],
  dataVersion: number,
  as: ScheduleInfo = published,
): ScheduleSnapshot {
  const context = contextRange(range);
  const around = store.assignments(published.id, context).filter((a) => a.date < range.start || a.date > range.end);
  return snapshotFrom(store.reference(), as, [...around, ...inside], context, dataVersion);
}

/** Dates a check read besides the ones it reports on, and the schedule each came from. */
export interface ContextRange {
  start: string;
  end: string;
  scheduleId: string;
}

/** A stored draft with its published context, and which dates outside `focus` were read from where. */
export function draftInContext(store: ScheduleStore, draft: StoredSchedule, focus: DateRange): { snapshot: ScheduleSnapshot; context: ContextRange[] } {
  if (draft.parentId === undefined) throw new Error(`${draft.id} is not a draft`);
  const parent = store.getSchedule(draft.parentId);
  if (!parent) throw new ToolError(`the published schedule "${draft.parentId}" of draft "${draft.id}" no longer exists`, 'NOT_FOUND');
  const range = { start: draft.start, end: draft.end };
  const snapshot = snapshotInContext(store, parent, range, store.assignments(draft.id), store.dataVersion(), draft);
  // Beyond the published schedule's own dates nothing was there to read.
  const read = { start: snapshot.range.start < parent.start ? parent.start : snapshot.range.start, end: snapshot.range.end > parent.end ? parent.end : snapshot.range.end };
  return { snapshot, context: contextRanges(read, focus, range, draft.id, parent.id) };
}

/** The parts of `read` outside `focus`, named by the schedule they came from: `inner` (a draft's dates) from `innerId`, the rest from `outerId`. */
export function contextRanges(read: DateRange, focus: DateRange, inner: DateRange, innerId: string, outerId: string): ContextRange[] {
  const out: ContextRange[] = [];
  const push = (start: string, end: string, scheduleId: string) => {
    const s = start < read.start ? read.start : start;
    const e = end > read.end ? read.end : end;
    if (s <= e) out.push({ start: s, end: e, scheduleId });
  };
  const before = addDays(focus.start, -1);
  const after = addDays(focus.end, 1);
  const beforeInner = addDays(inner.start, -1);
  const afterInner = addDays(inner.end, 1);
  push(read.start, before < beforeInner ? before : beforeInner, outerId);
  push(inner.start, before, innerId);
  push(after, inner.end, innerId);
  push(after > afterInner ? after : afterInner, read.end, outerId);
  return out;
}
