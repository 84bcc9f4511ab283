/**
 * The schedules and assignments tables: row mapping, the checks every schedule write
 * makes, and how a query picks its schedule.
 */
import type { Assignment } from '../domain/program';
import { ToolError } from '../domain/errors';
import type { SnapshotQuery } from '../domain/query';
import { firstNotBefore } from '../domain/sorted';
import { DAY_MS, dateToMs, isIsoDate } from '../domain/time';
import type { Row, SqliteDb } from './sqlite';
import type { StoredSchedule } from './types';

export interface ScheduleRow extends Row {
  id: string;
  name: string;
  start_date: string;
  end_date: string;
  status: string;
  locked_through: string | null;
  parent_id: string | null;
  note: string | null;
  created_by: string;
  created_at: string;
  updated_version: number;
}

export interface AssignmentRow extends Row {
  id: string;
  person_id: string;
  service_id: string;
  shift_type_id: string;
  date: string;
  role: string;
  note: string | null;
}

// Tools limit their ranges to a year; a snapshot may add four weeks of context on either side.
const MAX_RANGE_DAYS = 1100;

export function readSchedules(db: SqliteDb): StoredSchedule[] {
  return db.all<ScheduleRow>('SELECT * FROM schedules ORDER BY ord').map(scheduleFromRow);
}

export function scheduleFromRow(r: ScheduleRow): StoredSchedule {
  return {
    id: r.id,
    name: r.name,
    start: r.start_date,
    end: r.end_date,
    status: r.status === 'draft' ? 'draft' : 'published',
    ...(r.locked_through !== null ? { lockedThrough: r.locked_through } : {}),
    ...(r.parent_id !== null ? { parentId: r.parent_id } : {}),
    ...(r.note !== null ? { note: r.note } : {}),
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedVersion: Number(r.updated_version),
  };
}

/** By date (for range queries) or in the order of the program file (for export). */
export function readAssignments(db: SqliteDb, scheduleId: string, order: 'date' | 'file' = 'date'): Assignment[] {
  // The whole schedule as one JSON text: every value read across the WebAssembly boundary
  // costs more than parsing it (about 5x on 60,000 assignments). Sorted here: an ORDER BY
  // inside the aggregate costs SQLite more than the sort does in JavaScript.
  const text = db.get<{ rows: string }>(
    'SELECT json_group_array(json_array(ord, id, person_id, service_id, shift_type_id, date, role, note)) AS rows FROM assignments WHERE schedule_id = ?',
    scheduleId,
  )?.rows;
  const rows = JSON.parse(text ?? '[]') as [number, string, string, string, string, string, string, string | null][];
  rows.sort(order === 'date' ? (a, b) => (a[5] < b[5] ? -1 : a[5] > b[5] ? 1 : a[0] - b[0]) : (a, b) => a[0] - b[0]);
  return rows.map(([, id, person_id, service_id, shift_type_id, date, role, note]) => assignmentFromRow({ id, person_id, service_id, shift_type_id, date, role, note }));
}

/** Some of a schedule's assignments: those with the given ids, and those around a few people's shifts. */
export interface AssignmentSelection {
  /** Assignments with these ids, wherever they are dated. */
  ids?: readonly string[];
  /** Assignments dated inside `range` that belong to one of `people`, or are dated inside one of `near` on its service. */
  around?: { range: DateSpan; people: readonly string[]; near: readonly (DateSpan & { serviceId: string })[] };
}

type DateSpan = { start: string; end: string };

/**
 * The selected assignments of a schedule, by date as readAssignments gives them: a union of
 * queries that each use an index (the primary key, by person, by date) instead of reading
 * the whole schedule.
 */
export function readSelectedAssignments(db: SqliteDb, scheduleId: string, select: AssignmentSelection): Assignment[] {
  const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
  const columns = 'SELECT id, ord, person_id, service_id, shift_type_id, date, role, note FROM assignments';
  const from = `${columns} WHERE schedule_id = ?`;
  const parts: string[] = [];
  const params: string[] = [];
  const ids = select.ids ?? [];
  if (ids.length > 0) {
    parts.push(`${from} AND id IN (${marks(ids.length)})`);
    params.push(scheduleId, ...ids);
  }
  const around = select.around;
  if (around && around.people.length > 0) {
    // Left to itself the planner scans the dates (assignments_by_date) for a few people's rows.
    parts.push(`${columns} INDEXED BY assignments_by_person WHERE schedule_id = ? AND person_id IN (${marks(around.people.length)}) AND date BETWEEN ? AND ?`);
    params.push(scheduleId, ...around.people, around.range.start, around.range.end);
  }
  for (const near of around?.near ?? []) {
    const start = near.start > around!.range.start ? near.start : around!.range.start;
    const end = near.end < around!.range.end ? near.end : around!.range.end;
    if (start > end) continue;
    parts.push(`${from} AND date BETWEEN ? AND ? AND service_id = ?`);
    params.push(scheduleId, start, end, near.serviceId);
  }
  if (parts.length === 0) return [];
  return db.all<AssignmentRow>(`${parts.join(' UNION ')} ORDER BY date, ord`, params).map(assignmentFromRow);
}

export function assignmentFromRow(r: AssignmentRow): Assignment {
  return {
    id: r.id,
    personId: r.person_id,
    serviceId: r.service_id,
    shiftTypeId: r.shift_type_id,
    date: r.date,
    role: r.role as Assignment['role'],
    ...(r.note !== null ? { note: r.note } : {}),
  };
}

/** Assignments sorted by date, cut to the dates inside `range` by binary search. */
export function inRange(sorted: Assignment[], range?: { start: string; end: string }): Assignment[] {
  if (!range) return sorted;
  const lo = firstNotBefore(sorted, (a) => a.date < range.start);
  return sorted.slice(
    lo,
    firstNotBefore(sorted, (a) => a.date <= range.end),
  );
}

export function checkRange(start: string, end: string): void {
  if (end < start) throw new ToolError(`the range is reversed: end ${end} is before start ${start}`);
  const days = (dateToMs(end) - dateToMs(start)) / DAY_MS + 1;
  if (days > MAX_RANGE_DAYS) throw new ToolError(`the range ${start}..${end} spans ${days} days; at most ${MAX_RANGE_DAYS} are allowed`);
}

export function checkScheduleFields(s: Pick<StoredSchedule, 'name' | 'start' | 'end' | 'lockedThrough'>): void {
  if (!s.name.trim()) throw new ToolError('a schedule needs a name');
  for (const d of [s.start, s.end, ...(s.lockedThrough !== undefined ? [s.lockedThrough] : [])]) {
    if (!isIsoDate(d)) throw new ToolError(`"${d}" is not a date written as YYYY-MM-DD`);
  }
  checkRange(s.start, s.end);
}

export function unknownSchedule(id: string, schedules: readonly StoredSchedule[]): ToolError {
  const known = schedules.map((s) => `${s.id} (${s.status}, ${s.start}..${s.end})`).join(', ') || 'none';
  return new ToolError(`unknown schedule id "${id}"; known schedules: ${known}`, 'NOT_FOUND');
}

export function pickSchedule(schedules: readonly StoredSchedule[], query: SnapshotQuery, nowMs: number): StoredSchedule {
  if (query.scheduleId !== undefined) {
    const s = schedules.find((x) => x.id === query.scheduleId);
    if (!s) throw unknownSchedule(query.scheduleId, schedules);
    return s;
  }
  const published = schedules.filter((s) => s.status === 'published');
  const known = () => schedules.map((s) => `${s.id} (${s.status}, ${s.start}..${s.end})`).join(', ') || 'none';
  if (query.start !== undefined || query.end !== undefined) {
    const start = query.start ?? query.end!;
    const end = query.end ?? query.start!;
    const found = published.find((s) => s.start <= start && start <= s.end) ?? published.find((s) => s.start <= end && start <= s.end);
    if (!found) throw new ToolError(`no published schedule covers ${start}..${end}; schedules: ${known()}`, 'NOT_FOUND');
    return found;
  }
  if (published.length === 0) throw new ToolError(`there is no published schedule; schedules: ${known()}`, 'NOT_FOUND');
  const today = new Date(nowMs).toISOString().slice(0, 10);
  const sorted = [...published].sort((a, b) => a.start.localeCompare(b.start));
  return sorted.find((s) => s.start <= today && today <= s.end) ?? sorted.find((s) => s.start > today) ?? sorted[sorted.length - 1]!;
}
