/**
 * The bundled server's database: the program's reference data, schedules (published and
 * drafts) with their assignments, the audit trail, and the tables the write tools use
 * (backups, swaps, locks). Everything is synchronous: node-sqlite3-wasm is, and keeping a
 * whole write inside one synchronous call means no other request of this process can
 * interleave with it.
 *
 * Consistency rules
 * - One global data version, +1 on every write (`write()` is the only way to change data).
 * - `write()` runs in `BEGIN IMMEDIATE`: writers of other processes wait (busy timeout)
 *   instead of interleaving; the expected version is compared inside that transaction,
 *   so a writer that read an older version gets a CONFLICT instead of losing an update.
 * - Reads run in a read transaction and see one consistent version; the parsed reference
 *   data and assignments are cached per data version.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from '../../core/util/log';
import {
  policiesSchema,
  type Absence,
  type Assignment,
  type Coverage,
  type Person,
  type Policies,
  type ProgramFile,
  type Service,
  type ShiftType,
  type Wellbeing,
} from '../domain/program';
import { snapshotFrom, type ScheduleInfo, type ScheduleSnapshot } from '../domain/snapshot';
import { DAY_MS, dateToMs, isIsoDate } from '../domain/time';
import { ToolError } from '../tools/defineTool';
import type { SnapshotQuery } from '../tools/context';
import { parseProgram, ProgramValidationError } from '../program/load';
import { migrate } from './migrations';
import { MEMORY, SqliteDb, type Params, type Row } from './sqlite';

/** The program's reference data: everything in a program file except the schedules. */
export interface ReferenceData {
  program: ProgramFile['program'];
  schemaRef?: string;
  shiftTypes: ShiftType[];
  services: Service[];
  coverage: Coverage[];
  people: Person[];
  absences: Absence[];
  policies: Policies;
  wellbeing?: Wellbeing;
}

/** A schedule or draft as stored, with the store's bookkeeping. */
export interface StoredSchedule extends ScheduleInfo {
  /** The schedule a draft was made from. */
  parentId?: string;
  note?: string;
  createdBy: string;
  createdAt: string;
  /** Data version of the last write that changed this schedule or its assignments. */
  updatedVersion: number;
}

export interface NewSchedule {
  /** Generated (`draft-…` / `schedule-…`) when absent. */
  id?: string;
  name: string;
  start: string;
  end: string;
  status: 'published' | 'draft';
  lockedThrough?: string;
  parentId?: string;
  note?: string;
}

export type SchedulePatch = Partial<Pick<NewSchedule, 'name' | 'start' | 'end' | 'status' | 'lockedThrough' | 'note'>>;

/** An assignment to insert; the id is generated when absent, the role defaults to primary. */
export type AssignmentInput = Omit<Assignment, 'id' | 'role'> & { id?: string; role?: Assignment['role'] };

export type AssignmentPatch = Partial<Omit<Assignment, 'id'>>;

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target?: string;
  versionBefore: number;
  versionAfter: number;
  details?: Record<string, unknown>;
}

export interface WriteResult<T> {
  result: T;
  versionBefore: number;
  versionAfter: number;
  auditId: number;
}

/** Raw SQL for the tables without helpers (backups, swaps, swap_approvals, locks). */
export interface SqlAccess {
  all<T extends Row = Row>(sql: string, params?: Params): T[];
  get<T extends Row = Row>(sql: string, params?: Params): T | undefined;
  /** Returns the number of changed rows. */
  run(sql: string, params?: Params): number;
}

/** What a write function may do; valid only during the `write()` call that created it. */
export interface StoreTx {
  readonly actor: string;
  readonly action: string;
  readonly versionBefore: number;
  /** The version this write will commit as (versionBefore + 1). */
  readonly versionAfter: number;
  /** ISO time of the write. */
  readonly at: string;
  /** Adds fields to this write's audit record. */
  audit(details: Record<string, unknown>, target?: string): void;
  readonly sql: SqlAccess;
  reference(): ReferenceData;
  schedule(id: string): StoredSchedule | undefined;
  listSchedules(): StoredSchedule[];
  assignments(scheduleId: string, range?: { start: string; end: string }): Assignment[];
  createSchedule(input: NewSchedule): StoredSchedule;
  updateSchedule(id: string, patch: SchedulePatch): StoredSchedule;
  /** Deletes a schedule and its assignments. */
  deleteSchedule(id: string): void;
  /** Validates references and dates, then inserts; returns what was stored. */
  insertAssignments(scheduleId: string, list: readonly AssignmentInput[]): Assignment[];
  updateAssignment(scheduleId: string, id: string, patch: AssignmentPatch): Assignment;
  /** Returns how many were deleted; unknown ids are a NOT_FOUND error. */
  deleteAssignments(scheduleId: string, ids: readonly string[]): number;
  /** Deletes the schedule's assignments dated inside `range` (all when absent) and inserts `list`. */
  replaceAssignments(scheduleId: string, range: { start: string; end: string } | undefined, list: readonly AssignmentInput[]): Assignment[];
  /** A new schedule (usually a draft) holding a copy of another one's assignments. */
  copySchedule(fromId: string, to: NewSchedule): StoredSchedule;
  /** Replaces the whole program (reference data and schedules). */
  replaceProgram(program: ProgramFile): void;
}

export interface StoreOptions {
  /** Database file; an in-memory database when absent or `:memory:`. */
  path?: string;
  logger: Logger;
  now?: () => number;
  /** Imported (as actor "system", action "seed") when the database holds no program yet. */
  seed?: () => ProgramFile;
  busyTimeoutMs?: number;
}

interface Cache {
  version: number;
  reference: ReferenceData;
  schedules: StoredSchedule[];
  assignments: Map<string, Assignment[]>;
  /** Snapshots by schedule and range: callers share one object per data version. */
  snapshots: Map<string, ScheduleSnapshot>;
}

const MAX_CACHED_SNAPSHOTS = 32;

interface ScheduleRow extends Row {
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

interface AssignmentRow extends Row {
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

export class ScheduleStore {
  private readonly db: SqliteDb;
  private readonly logger: Logger;
  private readonly now: () => number;
  private cache?: Cache;

  private constructor(db: SqliteDb, logger: Logger, now: () => number) {
    this.db = db;
    this.logger = logger;
    this.now = now;
  }

  /** Opens (creating and migrating as needed) a store; seeds an empty one when `seed` is given. */
  static open(options: StoreOptions): ScheduleStore {
    const now = options.now ?? Date.now;
    const db = new SqliteDb({ path: options.path ?? MEMORY, logger: options.logger, busyTimeoutMs: options.busyTimeoutMs ?? 5000 });
    try {
      const applied = migrate(db, now);
      if (applied.length > 0) options.logger.log('debug', 'database migrated', { db: db.path, versions: applied });
      const store = new ScheduleStore(db, options.logger, now);
      if (options.seed && store.isEmpty()) {
        const seed = options.seed;
        store.write('system', 'seed', undefined, (tx) => {
          // Another process may have seeded it since we looked.
          if (tx.sql.get('SELECT 1 AS x FROM people LIMIT 1')) return;
          const program = seed();
          tx.replaceProgram(program);
          // Every process makes its own in-memory database: named by its seed, two seeded
          // alike are the same data until one of them is written to (docs/caching.md).
          if (db.isMemory) tx.sql.run("UPDATE meta SET value = ? WHERE key = 'database_id'", `seed-${createHash('sha256').update(JSON.stringify(program)).digest('hex').slice(0, 32)}`);
        });
      }
      return store;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Where the data lives: a file path or `:memory:`. */
  get location(): string {
    return this.db.path;
  }

  close(): void {
    this.db.close();
  }

  isEmpty(): boolean {
    return this.db.transaction('read', () => !this.db.get('SELECT 1 AS x FROM people LIMIT 1'));
  }

  /** Random, made when the database was created: another file at the same path has another. */
  databaseId(): string {
    return this.db.transaction('read', () => String(this.db.get<{ value: string }>("SELECT value FROM meta WHERE key = 'database_id'")?.value ?? ''));
  }

  /** The current global data version (0 for a new database). */
  dataVersion(): number {
    return this.db.transaction('read', () => this.readVersion());
  }

  // ---------------------------------------------------------------- writes

  /**
   * The write primitive. Inside one IMMEDIATE transaction: checks `expectedVersion`
   * (when given) against the current data version and throws ToolError CONFLICT when it
   * differs, runs `fn`, increments the data version and appends an audit record. Any
   * exception rolls back everything, including the version bump.
   */
  write<T>(actor: string, action: string, expectedVersion: number | undefined, fn: (tx: StoreTx) => T): WriteResult<T> {
    if (!actor.trim()) throw new ToolError('a write needs an actor');
    if (!action.trim()) throw new ToolError('a write needs an action');
    const result = this.db.transaction('immediate', () => {
      const before = this.readVersion();
      if (expectedVersion !== undefined && expectedVersion !== before) {
        throw new ToolError(
          `the data changed since it was read (data version is ${before}, expected ${expectedVersion}); read it again and retry`,
          'CONFLICT',
        );
      }
      const tx = new Tx(this.db, actor, action, before, new Date(this.now()).toISOString());
      // Written to, an in-memory database is like no other process's any more.
      if (this.db.isMemory) this.db.run("UPDATE meta SET value = lower(hex(randomblob(16))) WHERE key = 'database_id'");
      const value = fn(tx);
      const after = before + 1;
      this.db.run("UPDATE meta SET value = ? WHERE key = 'data_version'", String(after));
      this.db.run('INSERT INTO audit (at, actor, action, target, version_before, version_after, details) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        tx.at,
        actor,
        action,
        tx.auditTarget ?? null,
        before,
        after,
        tx.auditDetails ? JSON.stringify(tx.auditDetails) : null,
      ]);
      const auditId = Number(this.db.get<{ id: number }>('SELECT last_insert_rowid() AS id')!.id);
      return { result: value, versionBefore: before, versionAfter: after, auditId };
    });
    this.logger.log('info', 'data written', { actor, action, version: result.versionAfter });
    return result;
  }

  /** Validates a program document (zod + references) and replaces the stored program with it. */
  importProgram(actor: string, document: unknown, expectedVersion?: number): WriteResult<{ people: number; assignments: number }> {
    const parsed = parseProgram(document);
    if (!parsed.ok) throw new ProgramValidationError(parsed.issues);
    const program = parsed.program;
    return this.write(actor, 'import_program', expectedVersion, (tx) => {
      tx.replaceProgram(program);
      const assignments = program.schedules.reduce((n, s) => n + s.assignments.length, 0);
      tx.audit({ program: program.program.id, people: program.people.length, schedules: program.schedules.length, assignments }, program.program.id);
      return { people: program.people.length, assignments };
    });
  }

  /**
   * Takes a named advisory lock (e.g. while generating a schedule) unless another owner
   * holds it unexpired. Locks are coordination, not data: they do not change the data
   * version. Returns whether this owner now holds the lock.
   */
  acquireLock(name: string, owner: string, ttlMs: number, purpose?: string): boolean {
    const now = this.now();
    return this.db.transaction('immediate', () => {
      const row = this.db.get<{ owner: string; expires_at: string }>('SELECT owner, expires_at FROM locks WHERE name = ?', name);
      if (row && row.owner !== owner && Date.parse(row.expires_at) > now) return false;
      this.db.run('INSERT OR REPLACE INTO locks (name, owner, acquired_at, expires_at, purpose) VALUES (?, ?, ?, ?, ?)', [
        name,
        owner,
        new Date(now).toISOString(),
        new Date(now + ttlMs).toISOString(),
        purpose ?? null,
      ]);
      return true;
    });
  }

  /** Releases a lock held by `owner`; returns false when it did not hold it. */
  releaseLock(name: string, owner: string): boolean {
    return this.db.transaction('immediate', () => this.db.run('DELETE FROM locks WHERE name = ? AND owner = ?', [name, owner]) > 0);
  }

  // ----------------------------------------------------------------- reads

  /** Read-only SQL for tables without helpers, in one consistent read transaction. */
  query<T extends Row = Row>(sql: string, params?: Params): T[] {
    return this.db.transaction('read', () => this.db.all<T>(sql, params));
  }

  reference(): ReferenceData {
    return this.db.transaction('read', () => this.loaded().reference);
  }

  listSchedules(): StoredSchedule[] {
    return this.db.transaction('read', () => this.loaded().schedules);
  }

  getSchedule(id: string): StoredSchedule | undefined {
    return this.listSchedules().find((s) => s.id === id);
  }

  /** A schedule's assignments sorted by date, optionally only those dated inside `range`. */
  assignments(scheduleId: string, range?: { start: string; end: string }): Assignment[] {
    return this.db.transaction('read', () => {
      const cache = this.loaded();
      if (!cache.schedules.some((s) => s.id === scheduleId)) throw unknownSchedule(scheduleId, cache.schedules);
      return inRange(this.cachedAssignments(cache, scheduleId), range);
    });
  }

  /** Newest first. */
  auditLog(options: { limit?: number; action?: string; target?: string } = {}): AuditEntry[] {
    const where: string[] = [];
    const params: Record<string, string | number> = { ':limit': Math.min(Math.max(options.limit ?? 100, 1), 10_000) };
    if (options.action) {
      where.push('action = :action');
      params[':action'] = options.action;
    }
    if (options.target) {
      where.push('target = :target');
      params[':target'] = options.target;
    }
    const rows = this.query(`SELECT * FROM audit ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT :limit`, params);
    return rows.map((r) => ({
      id: Number(r.id),
      at: String(r.at),
      actor: String(r.actor),
      action: String(r.action),
      ...(r.target !== null ? { target: String(r.target) } : {}),
      versionBefore: Number(r.version_before),
      versionAfter: Number(r.version_after),
      ...(r.details !== null ? { details: JSON.parse(String(r.details)) as Record<string, unknown> } : {}),
    }));
  }

  /**
   * Picks the schedule a query means: the given id, else the published schedule covering
   * the query's start (or overlapping its range), else — without dates — the published
   * schedule covering today, the next one to start, or the latest one.
   * Throws ToolError NOT_FOUND when there is none.
   */
  resolveSchedule(query: SnapshotQuery): StoredSchedule {
    return this.db.transaction('read', () => pickSchedule(this.loaded().schedules, query, this.now()));
  }

  /**
   * The schedule as plain data for the rule engine and analytics: reference data plus the
   * assignments dated inside the range (default: the schedule's own range), expanded into
   * shifts. Throws ToolError for malformed or reversed dates, ranges over 366 days and
   * unknown schedule ids. The result is cached per data version and shared between
   * callers (derived indexes are memoised on it): treat it as read-only.
   */
  snapshot(query: SnapshotQuery): ScheduleSnapshot {
    for (const [name, value] of [
      ['start', query.start],
      ['end', query.end],
    ] as const) {
      if (value !== undefined && !isIsoDate(value)) throw new ToolError(`${name} date "${value}" is not a real date written as YYYY-MM-DD`);
    }
    if (query.start && query.end) checkRange(query.start, query.end);
    return this.db.transaction('read', () => {
      const cache = this.loaded();
      const schedule = pickSchedule(cache.schedules, query, this.now());
      const range = { start: query.start ?? schedule.start, end: query.end ?? schedule.end };
      checkRange(range.start, range.end);
      const key = `${schedule.id}|${range.start}|${range.end}`;
      const cached = cache.snapshots.get(key);
      if (cached) return cached;
      const ref = cache.reference;
      const snapshot = snapshotFrom(ref, schedule, inRange(this.cachedAssignments(cache, schedule.id), range), range, cache.version);
      if (cache.snapshots.size >= MAX_CACHED_SNAPSHOTS) cache.snapshots.delete(cache.snapshots.keys().next().value!);
      cache.snapshots.set(key, snapshot);
      return snapshot;
    });
  }

  /** The whole program as a program file (schedules and drafts included). */
  exportProgram(): ProgramFile {
    return this.db.transaction('read', () => {
      const cache = this.loaded();
      const ref = cache.reference;
      return {
        ...(ref.schemaRef !== undefined ? { $schema: ref.schemaRef } : {}),
        format: 'sched-orch.program',
        formatVersion: 1,
        program: ref.program,
        shiftTypes: ref.shiftTypes,
        services: ref.services,
        coverage: ref.coverage,
        people: ref.people,
        absences: ref.absences,
        schedules: cache.schedules.map((s) => ({
          id: s.id,
          name: s.name,
          start: s.start,
          end: s.end,
          status: s.status,
          ...(s.lockedThrough !== undefined ? { lockedThrough: s.lockedThrough } : {}),
          assignments: readAssignments(this.db, s.id, 'file'),
        })),
        policies: ref.policies,
        ...(ref.wellbeing ? { wellbeing: ref.wellbeing } : {}),
      };
    });
  }

  // -------------------------------------------------------------- internals

  private readVersion(): number {
    return Number(this.db.get<{ value: string }>("SELECT value FROM meta WHERE key = 'data_version'")?.value ?? 0);
  }

  /** Must run inside a transaction. */
  private loaded(): Cache {
    const version = this.readVersion();
    if (this.cache?.version !== version) {
      this.cache = { version, reference: readReference(this.db), schedules: readSchedules(this.db), assignments: new Map(), snapshots: new Map() };
    }
    return this.cache;
  }

  private cachedAssignments(cache: Cache, scheduleId: string): Assignment[] {
    let list = cache.assignments.get(scheduleId);
    if (!list) {
      list = readAssignments(this.db, scheduleId);
      cache.assignments.set(scheduleId, list);
    }
    return list;
  }
}

// ------------------------------------------------------------------ the write transaction

class Tx implements StoreTx {
  auditDetails?: Record<string, unknown>;
  auditTarget?: string;
  readonly versionAfter: number;
  readonly sql: SqlAccess;
  private ref?: ReferenceData;

  constructor(
    private readonly db: SqliteDb,
    readonly actor: string,
    readonly action: string,
    readonly versionBefore: number,
    readonly at: string,
  ) {
    this.versionAfter = versionBefore + 1;
    this.sql = { all: (s, p) => db.all(s, p), get: (s, p) => db.get(s, p), run: (s, p) => db.run(s, p) };
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
    this.db.run(
      'UPDATE schedules SET name = ?, start_date = ?, end_date = ?, status = ?, locked_through = ?, note = ?, updated_version = ? WHERE id = ?',
      [next.name, next.start, next.end, next.status, next.lockedThrough ?? null, next.note ?? null, this.versionAfter, id],
    );
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
    const meta = (key: string, value: unknown) => db.run('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', [key, JSON.stringify(value)]);
    meta('program', { ...program.program, ...(program.$schema !== undefined ? { $schema: program.$schema } : {}) });
    meta('policies', program.policies);
    if (program.wellbeing) meta('wellbeing', program.wellbeing);
    else db.run("DELETE FROM meta WHERE key = 'wellbeing'");
    db.runMany('INSERT INTO shift_types (id, ord, kind, data) VALUES (?, ?, ?, ?)', program.shiftTypes.map((t, i) => [t.id, i, t.kind, JSON.stringify(t)]));
    db.runMany('INSERT INTO services (id, ord, data) VALUES (?, ?, ?)', program.services.map((s, i) => [s.id, i, JSON.stringify(s)]));
    db.runMany(
      'INSERT INTO coverage (id, ord, service_id, shift_type_id, data) VALUES (?, ?, ?, ?, ?)',
      program.coverage.map((c, i) => [c.id, i, c.serviceId, c.shiftTypeId, JSON.stringify(c)]),
    );
    db.runMany(
      'INSERT INTO people (id, ord, role, pgy, active, data) VALUES (?, ?, ?, ?, ?, ?)',
      program.people.map((p, i) => [p.id, i, p.role, p.pgy ?? null, p.active ? 1 : 0, JSON.stringify(p)]),
    );
    db.runMany(
      'INSERT INTO absences (id, ord, person_id, start_date, end_date, data) VALUES (?, ?, ?, ?, ?, ?)',
      program.absences.map((a, i) => [a.id, i, a.personId, a.start, a.end, JSON.stringify(a)]),
    );
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
    const other = this.db.get<{ id: string }>(
      "SELECT id FROM schedules WHERE status = 'published' AND id <> ? AND start_date <= ? AND end_date >= ?",
      [id, s.end, s.start],
    );
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

// ------------------------------------------------------------------ row mapping

function readReference(db: SqliteDb): ReferenceData {
  const meta = new Map(db.all<{ key: string; value: string }>('SELECT key, value FROM meta').map((r) => [r.key, r.value]));
  const programMeta = JSON.parse(meta.get('program') ?? 'null') as (ProgramFile['program'] & { $schema?: string }) | null;
  const data = <T>(table: string): T[] => db.all<{ data: string }>(`SELECT data FROM ${table} ORDER BY ord`).map((r) => JSON.parse(r.data) as T);
  const { $schema, ...program } = programMeta ?? { id: 'empty', name: 'No program loaded', timezone: 'UTC' };
  const wellbeing = meta.get('wellbeing');
  return {
    program,
    ...($schema !== undefined ? { schemaRef: $schema } : {}),
    shiftTypes: data<ShiftType>('shift_types'),
    services: data<Service>('services'),
    coverage: data<Coverage>('coverage'),
    people: data<Person>('people'),
    absences: data<Absence>('absences'),
    policies: meta.has('policies') ? (JSON.parse(meta.get('policies')!) as Policies) : policiesSchema.parse({}),
    ...(wellbeing ? { wellbeing: JSON.parse(wellbeing) as Wellbeing } : {}),
  };
}

function readSchedules(db: SqliteDb): StoredSchedule[] {
  return db.all<ScheduleRow>('SELECT * FROM schedules ORDER BY ord').map(scheduleFromRow);
}

function scheduleFromRow(r: ScheduleRow): StoredSchedule {
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
function readAssignments(db: SqliteDb, scheduleId: string, order: 'date' | 'file' = 'date'): Assignment[] {
  const by = order === 'date' ? 'date, ord' : 'ord';
  return db
    .all<AssignmentRow>(`SELECT id, person_id, service_id, shift_type_id, date, role, note FROM assignments WHERE schedule_id = ? ORDER BY ${by}`, scheduleId)
    .map(assignmentFromRow);
}

function assignmentFromRow(r: AssignmentRow): Assignment {
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

// ------------------------------------------------------------------ helpers

/** Assignments sorted by date, cut to the dates inside `range` by binary search. */
function inRange(sorted: Assignment[], range?: { start: string; end: string }): Assignment[] {
  if (!range) return sorted;
  const lo = lowerBound(sorted, range.start);
  let hi = lowerBound(sorted, range.end);
  while (hi < sorted.length && sorted[hi]!.date === range.end) hi++;
  return sorted.slice(lo, hi);
}

function lowerBound(sorted: Assignment[], date: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.date < date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function checkRange(start: string, end: string): void {
  if (end < start) throw new ToolError(`the range is reversed: end ${end} is before start ${start}`);
  const days = (dateToMs(end) - dateToMs(start)) / DAY_MS + 1;
  if (days > MAX_RANGE_DAYS) throw new ToolError(`the range ${start}..${end} spans ${days} days; at most ${MAX_RANGE_DAYS} are allowed`);
}

function checkScheduleFields(s: Pick<NewSchedule, 'name' | 'start' | 'end' | 'lockedThrough'>): void {
  if (!s.name.trim()) throw new ToolError('a schedule needs a name');
  for (const d of [s.start, s.end, ...(s.lockedThrough !== undefined ? [s.lockedThrough] : [])]) {
    if (!isIsoDate(d)) throw new ToolError(`"${d}" is not a date written as YYYY-MM-DD`);
  }
  checkRange(s.start, s.end);
}

function unknownSchedule(id: string, schedules: readonly StoredSchedule[]): ToolError {
  const known = schedules.map((s) => `${s.id} (${s.status}, ${s.start}..${s.end})`).join(', ') || 'none';
  return new ToolError(`unknown schedule id "${id}"; known schedules: ${known}`, 'NOT_FOUND');
}

function pickSchedule(schedules: readonly StoredSchedule[], query: SnapshotQuery, nowMs: number): StoredSchedule {
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
