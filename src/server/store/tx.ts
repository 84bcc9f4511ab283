/**
 * The write transaction handed to `ScheduleStore.write()`: schedule and assignment
 * changes with their checks, and the swap and backup tables. Valid only during that call.
 */
import { randomUUID } from 'node:crypto';
import { ToolError } from '../domain/errors';
import type { Assignment, ProgramFile } from '../domain/program';
import { isIsoDate } from '../domain/time';
import { backupWrites, type BackupWrites } from './backups';
import { readReference, writeReference } from './reference';
import {
  assignmentFromRow,
  checkScheduleFields,
  inRange,
  readAssignments,
  readSchedules,
  scheduleFromRow,
  unknownSchedule,
  type AssignmentRow,
  type ScheduleRow,
} from './schedules';
import type { Params, Row, SqliteDb } from './sqlite';
import { notificationWrites, type NotificationWrites } from './notifications';
import { swapWrites, type SwapWrites } from './swaps';
import type { AssignmentInput, AssignmentPatch, NewSchedule, ReferenceData, SchedulePatch, StoredSchedule, StoreTx } from './types';

/** Raw SQL on the write's connection. */
export interface SqlAccess {
  all<T extends Row = Row>(sql: string, params?: Params): T[];
  get<T extends Row = Row>(sql: string, params?: Params): T | undefined;
  /** Returns the number of changed rows. */
  run(sql: string, params?: Params): number;
}

/**
 * Raw SQL inside a write, for tables no store file covers: the store's multi-process
 * tests (test/support/server/storeWorker.ts) count in `meta`. Services use the typed methods.
 */
export function rawSql(tx: StoreTx): SqlAccess {
  if (!(tx instanceof Tx)) throw new Error('not a transaction of ScheduleStore.write()');
  return tx.sql;
}

export class Tx implements StoreTx {
  auditDetails?: Record<string, unknown>;
  auditTarget?: string;
  readonly versionAfter: number;
  readonly sql: SqlAccess;
  readonly swaps: SwapWrites;
  readonly backups: BackupWrites;
  readonly notifications: NotificationWrites;
  private ref: ReferenceData | undefined;

  constructor(
    private readonly db: SqliteDb,
    readonly actor: string,
    readonly action: string,
    readonly versionBefore: number,
    readonly at: string,
  ) {
    this.versionAfter = versionBefore + 1;
    this.sql = { all: (s, p) => db.all(s, p), get: (s, p) => db.get(s, p), run: (s, p) => db.run(s, p) };
    this.swaps = swapWrites(db, at, actor);
    this.backups = backupWrites(db, this);
    this.notifications = notificationWrites(db, this);
  }

  audit(details: Record<string, unknown>, target?: string): void {
    this.auditDetails = { ...this.auditDetails, ...details };
    if (target !== undefined) this.auditTarget = target;
  }

  reference(): ReferenceData {
    return (this.ref ??= readReference(this.db));
  }

  schedule(id: string): StoredSchedule | undefined {
    const row = this.db.get<ScheduleRow>('SELECT * FROM schedules WHERE id = ?', id);
    return row ? scheduleFromRow(row) : undefined;
  }

  listSchedules(): StoredSchedule[] {
    return readSchedules(this.db);
  }

  assignments(scheduleId: string, range?: { start: string; end: string }): Assignment[] {
    this.requireSchedule(scheduleId);
    return inRange(readAssignments(this.db, scheduleId), range);
  }

  createSchedule(input: NewSchedule): StoredSchedule {
    const id = input.id ?? `${input.status === 'draft' ? 'draft' : 'schedule'}-${randomUUID().slice(0, 8)}`;
    checkScheduleFields(input);
    if (this.schedule(id)) throw new ToolError(`a schedule with id "${id}" already exists`, 'CONFLICT');
    if (input.parentId !== undefined) this.requireSchedule(input.parentId);
    const ord = Number(this.db.get<{ n: number }>('SELECT coalesce(max(ord), -1) + 1 AS n FROM schedules')!.n);
    this.db.run(
      `INSERT INTO schedules (id, ord, name, start_date, end_date, status, locked_through, parent_id, note, created_by, created_at, updated_version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, ord, input.name, input.start, input.end, input.status, input.lockedThrough ?? null, input.parentId ?? null, input.note ?? null, this.actor, this.at, this.versionAfter],
    );
    if (input.status === 'published') this.checkNoPublishedOverlap(id);
    return this.requireSchedule(id);
  }

  updateSchedule(id: string, patch: SchedulePatch): StoredSchedule {
    const current = this.requireSchedule(id);
    const next = { ...current, ...patch };
    checkScheduleFields(next);
    this.db.run('UPDATE schedules SET name = ?, start_date = ?, end_date = ?, status = ?, locked_through = ?, note = ?, updated_version = ? WHERE id = ?', [
      next.name,
      next.start,
      next.end,
      next.status,
      next.lockedThrough ?? null,
      next.note ?? null,
      this.versionAfter,
      id,
    ]);
    if (next.start !== current.start || next.end !== current.end) {
      const outside = this.db.get<{ n: number }>('SELECT count(*) AS n FROM assignments WHERE schedule_id = ? AND (date < ? OR date > ?)', [id, next.start, next.end])!;
      if (Number(outside.n) > 0) throw new ToolError(`${outside.n} assignments of "${id}" would fall outside ${next.start}..${next.end}`);
    }
    if (next.status === 'published') this.checkNoPublishedOverlap(id);
    return this.requireSchedule(id);
  }

  deleteSchedule(id: string): void {
    this.requireSchedule(id);
    this.db.run('DELETE FROM assignments WHERE schedule_id = ?', id);
    this.db.run('DELETE FROM schedules WHERE id = ?', id);
  }

  insertAssignments(scheduleId: string, list: readonly AssignmentInput[]): Assignment[] {
    const schedule = this.requireSchedule(scheduleId);
    const stored = list.map((a) => ({ ...a, id: a.id ?? `a-${randomUUID().slice(0, 12)}`, role: a.role ?? 'primary' }) as Assignment);
    this.checkAssignments(schedule, stored);
    const existing = new Set(this.db.all<{ id: string }>('SELECT id FROM assignments WHERE schedule_id = ?', scheduleId).map((r) => r.id));
    const seen = new Set<string>();
    for (const a of stored) {
      if (existing.has(a.id) || seen.has(a.id)) throw new ToolError(`assignment id "${a.id}" already exists in schedule "${scheduleId}"`, 'CONFLICT');
      seen.add(a.id);
    }
    let ord = Number(this.db.get<{ n: number }>('SELECT coalesce(max(ord), -1) + 1 AS n FROM assignments WHERE schedule_id = ?', scheduleId)!.n);
    this.db.runMany(
      'INSERT INTO assignments (schedule_id, id, ord, person_id, service_id, shift_type_id, date, role, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      stored.map((a) => [scheduleId, a.id, ord++, a.personId, a.serviceId, a.shiftTypeId, a.date, a.role, a.note ?? null]),
    );
    this.touch(scheduleId);
    return stored;
  }

  updateAssignment(scheduleId: string, id: string, patch: AssignmentPatch): Assignment {
    const schedule = this.requireSchedule(scheduleId);
    const row = this.db.get<AssignmentRow>('SELECT * FROM assignments WHERE schedule_id = ? AND id = ?', [scheduleId, id]);
    if (!row) throw new ToolError(`no assignment "${id}" in schedule "${scheduleId}"`, 'NOT_FOUND');
    const next: Assignment = { ...assignmentFromRow(row), ...patch, id };
    this.checkAssignments(schedule, [next]);
    this.db.run('UPDATE assignments SET person_id = ?, service_id = ?, shift_type_id = ?, date = ?, role = ?, note = ? WHERE schedule_id = ? AND id = ?', [
      next.personId,
      next.serviceId,
      next.shiftTypeId,
      next.date,
      next.role,
      next.note ?? null,
      scheduleId,
      id,
    ]);
    this.touch(scheduleId);
    return next;
  }

  deleteAssignments(scheduleId: string, ids: readonly string[]): number {
    this.requireSchedule(scheduleId);
    let deleted = 0;
    for (const id of ids) {
      const n = this.db.run('DELETE FROM assignments WHERE schedule_id = ? AND id = ?', [scheduleId, id]);
      if (n === 0) throw new ToolError(`no assignment "${id}" in schedule "${scheduleId}"`, 'NOT_FOUND');
      deleted += n;
    }
    this.touch(scheduleId);
    return deleted;
  }

  replaceAssignments(scheduleId: string, range: { start: string; end: string } | undefined, list: readonly AssignmentInput[]): Assignment[] {
    this.requireSchedule(scheduleId);
    if (range) this.db.run('DELETE FROM assignments WHERE schedule_id = ? AND date >= ? AND date <= ?', [scheduleId, range.start, range.end]);
    else this.db.run('DELETE FROM assignments WHERE schedule_id = ?', scheduleId);
    return this.insertAssignments(scheduleId, list);
  }

  copySchedule(fromId: string, to: NewSchedule): StoredSchedule {
    this.requireSchedule(fromId);
    const created = this.createSchedule({ ...to, parentId: to.parentId ?? fromId });
    const list = readAssignments(this.db, fromId).filter((a) => a.date >= created.start && a.date <= created.end);
    this.insertAssignments(created.id, list);
    return this.requireSchedule(created.id);
  }

  replaceProgram(program: ProgramFile): void {
    const db = this.db;
    for (const table of ['swap_approvals', 'swaps', 'backups', 'locks', 'assignments', 'schedules', 'absences', 'coverage', 'people', 'services', 'shift_types']) {
      db.run(`DELETE FROM ${table}`);
    }
    writeReference(db, program);
    this.ref = undefined;
    program.schedules.forEach((s, ord) => {
      db.run(
        `INSERT INTO schedules (id, ord, name, start_date, end_date, status, locked_through, parent_id, note, created_by, created_at, updated_version)
         VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?)`,
        [s.id, ord, s.name, s.start, s.end, s.status, s.lockedThrough ?? null, this.actor, this.at, this.versionAfter],
      );
      db.runMany(
        'INSERT INTO assignments (schedule_id, id, ord, person_id, service_id, shift_type_id, date, role, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        s.assignments.map((a, i) => [s.id, a.id, i, a.personId, a.serviceId, a.shiftTypeId, a.date, a.role, a.note ?? null]),
      );
    });
  }

  private requireSchedule(id: string): StoredSchedule {
    const s = this.schedule(id);
    if (!s) throw unknownSchedule(id, this.listSchedules());
    return s;
  }

  private touch(scheduleId: string): void {
    this.db.run('UPDATE schedules SET updated_version = ? WHERE id = ?', [this.versionAfter, scheduleId]);
  }

  private checkNoPublishedOverlap(id: string): void {
    const s = this.requireSchedule(id);
    const other = this.db.get<{ id: string }>("SELECT id FROM schedules WHERE status = 'published' AND id <> ? AND start_date <= ? AND end_date >= ?", [id, s.end, s.start]);
    if (other) throw new ToolError(`published schedule "${other.id}" already covers part of ${s.start}..${s.end}`, 'CONFLICT');
  }

  private checkAssignments(schedule: StoredSchedule, list: readonly Assignment[]): void {
    const ref = this.reference();
    const people = new Set(ref.people.map((p) => p.id));
    const services = new Set(ref.services.map((s) => s.id));
    const types = new Set(ref.shiftTypes.map((t) => t.id));
    const problems: string[] = [];
    for (const a of list) {
      if (!people.has(a.personId)) problems.push(`${a.id}: unknown person "${a.personId}"`);
      if (!services.has(a.serviceId)) problems.push(`${a.id}: unknown service "${a.serviceId}"`);
      if (!types.has(a.shiftTypeId)) problems.push(`${a.id}: unknown shift type "${a.shiftTypeId}"`);
      if (!isIsoDate(a.date)) problems.push(`${a.id}: "${a.date}" is not a date`);
      else if (a.date < schedule.start || a.date > schedule.end) problems.push(`${a.id}: ${a.date} is outside ${schedule.id} (${schedule.start}..${schedule.end})`);
      if (problems.length >= 20) break;
    }
    if (problems.length > 0) throw new ToolError(`invalid assignments: ${problems.join('; ')}`);
  }
}
