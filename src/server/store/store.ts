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
import { createHash } from 'node:crypto';
import type { Logger } from '../../core/util/log';
import { ToolError } from '../domain/errors';
import type { Assignment, ProgramFile } from '../domain/program';
import type { SnapshotQuery } from '../domain/query';
import { snapshotFrom, type ScheduleSnapshot } from '../domain/snapshot';
import { isIsoDate } from '../domain/time';
import { parseProgram, ProgramValidationError } from '../program/load';
import { appendAudit, readAudit } from './audit';
import { backupReads, type BackupReads } from './backups';
import { migrate } from './migrations';
import { notificationReads, recordDelivery, type DeliveryOutcome, type NotificationReads } from './notifications';
import { readTransactions } from './reader';
import { hasProgram, readReference } from './reference';
import { checkRange, inRange, pickSchedule, readAssignments, readSchedules, readSelectedAssignments, unknownSchedule, type AssignmentSelection } from './schedules';
import { MEMORY, SqliteDb, type Params, type Row } from './sqlite';
import { swapReads, type SwapReads } from './swaps';
import { beat, readLock, readLocks, takeLock, type LockHolder } from './locks';
import { TaskTable } from './tasks';
import { rawSql, Tx } from './tx';
import type { AuditEntry, ReferenceData, StoredSchedule, StoreTx, WriteResult } from './types';

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

export class ScheduleStore {
  private readonly db: SqliteDb;
  private readonly logger: Logger;
  private readonly now: () => number;
  private cache?: Cache;
  /** Swap requests and their consents; each read is its own read transaction. */
  readonly swaps: SwapReads;
  /** What publishes, rollbacks and swaps replaced; each read is its own read transaction. */
  readonly backups: BackupReads;
  /** The notification outbox; each read is its own read transaction. */
  readonly notifications: NotificationReads;
  private readonly writeListeners = new Set<(w: { action: string; versionAfter: number }) => void>();
  /** MCP tasks: long tool calls that outlive their request and their server process. */
  readonly tasks: TaskTable;

  private constructor(db: SqliteDb, logger: Logger, now: () => number) {
    this.db = db;
    this.logger = logger;
    this.now = now;
    const reader = readTransactions(db);
    this.swaps = swapReads(reader);
    this.backups = backupReads(reader);
    this.notifications = notificationReads(reader);
    this.tasks = new TaskTable(db, now);
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
          if (hasProgram(db)) return;
          const program = seed();
          tx.replaceProgram(program);
          // Every process makes its own in-memory database: named by its seed, two seeded
          // alike are the same data until one of them is written to (docs/caching.md).
          if (db.isMemory) db.run("UPDATE meta SET value = ? WHERE key = 'database_id'", `seed-${createHash('sha256').update(JSON.stringify(program)).digest('hex').slice(0, 32)}`);
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
    return this.db.transaction('read', () => !hasProgram(this.db));
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
        throw new ToolError(`the data changed since it was read (data version is ${before}, expected ${expectedVersion}); read it again and retry`, 'CONFLICT');
      }
      const tx = new Tx(this.db, actor, action, before, new Date(this.now()).toISOString());
      // Written to, an in-memory database is like no other process's any more.
      if (this.db.isMemory) this.db.run("UPDATE meta SET value = lower(hex(randomblob(16))) WHERE key = 'database_id'");
      const value = fn(tx);
      const after = before + 1;
      this.db.run("UPDATE meta SET value = ? WHERE key = 'data_version'", String(after));
      const auditId = appendAudit(this.db, {
        at: tx.at,
        actor,
        action,
        ...(tx.auditTarget !== undefined ? { target: tx.auditTarget } : {}),
        versionBefore: before,
        versionAfter: after,
        ...(tx.auditDetails ? { details: tx.auditDetails } : {}),
      });
      return { result: value, versionBefore: before, versionAfter: after, auditId };
    });
    this.logger.log('info', 'data written', { actor, action, version: result.versionAfter });
    for (const listener of this.writeListeners) {
      try {
        listener({ action, versionAfter: result.versionAfter });
      } catch (error) {
        this.logger.log('warn', 'a write listener failed', { error: String(error) });
      }
    }
    return result;
  }

  /** Called after every committed write of this process (e.g. to deliver the outbox); returns the unsubscribe. */
  onWrite(listener: (w: { action: string; versionAfter: number }) => void): () => void {
    this.writeListeners.add(listener);
    return () => this.writeListeners.delete(listener);
  }

  /** Records one delivery attempt of an outbox notice; not a data change (the data version stays). */
  recordDelivery(id: number, outcome: DeliveryOutcome): void {
    const at = new Date(this.now()).toISOString();
    this.db.transaction('immediate', () => recordDelivery(this.db, id, at, outcome));
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
   * Takes a named advisory lock (e.g. while generating a schedule) for this process unless
   * a live owner holds it (see locks.ts: a crashed, killed or silent owner does not). Locks
   * are coordination, not data: they do not change the data version. Returns whether this
   * owner now holds the lock.
   */
  acquireLock(name: string, owner: string, ttlMs: number, purpose?: string): boolean {
    const now = this.now();
    return this.db.transaction('immediate', () => takeLock(this.db, name, owner, ttlMs, now, purpose)).ok;
  }

  /** Renews the owner's heartbeat; false when it no longer holds the lock. */
  heartbeatLock(name: string, owner: string): boolean {
    const now = this.now();
    return this.db.transaction('immediate', () => beat(this.db, name, owner, now));
  }

  /** Releases a lock held by `owner`; returns false when it did not hold it. */
  releaseLock(name: string, owner: string): boolean {
    return this.db.transaction('immediate', () => this.db.run('DELETE FROM locks WHERE name = ? AND owner = ?', [name, owner]) > 0);
  }

  /**
   * Removes a lock as an audited write by `actor` when `decide` (given the holder, inside the
   * write) returns the reason to; throws what `decide` throws. Returns the removed holder.
   */
  breakLock(actor: string, action: string, name: string, decide: (holder: LockHolder | undefined) => Record<string, unknown>): WriteResult<LockHolder | undefined> {
    return this.write(actor, action, undefined, (tx) => {
      const holder = readLock(this.db, name);
      const details = decide(holder);
      if (holder) rawSql(tx).run('DELETE FROM locks WHERE name = ? AND owner = ?', [name, holder.owner]);
      tx.audit({ lock: name, ...details }, name);
      return holder;
    });
  }

  // ----------------------------------------------------------------- reads

  /** Read-only SQL in one consistent read transaction, for tests and diagnostics; services use the typed reads. */
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

  /**
   * Some of a schedule's assignments (AssignmentSelection), sorted as assignments() sorts
   * them: reads only those rows, where assignments() reads the whole schedule once per data
   * version (for a check around a few shifts right after a write, e.g. approving a swap).
   */
  selectedAssignments(scheduleId: string, select: AssignmentSelection): Assignment[] {
    return this.db.transaction('read', () => {
      const cache = this.loaded();
      if (!cache.schedules.some((s) => s.id === scheduleId)) throw unknownSchedule(scheduleId, cache.schedules);
      return readSelectedAssignments(this.db, scheduleId, select);
    });
  }

  /** Newest first. */
  auditLog(options: { limit?: number; action?: string; target?: string } = {}): AuditEntry[] {
    return this.db.transaction('read', () => readAudit(this.db, options));
  }

  /** The holder of a lock, if anyone holds it (expired or not). */
  lockHolder(name: string): LockHolder | undefined {
    return this.db.transaction('read', () => readLock(this.db, name));
  }

  /** Every lock whose name starts with `prefix` (expired or not), oldest first. */
  locks(prefix: string): LockHolder[] {
    return this.db.transaction('read', () => readLocks(this.db, prefix));
  }

  /** The published schedule holding an assignment id, if any. */
  publishedScheduleOf(assignmentId: string): string | undefined {
    return this.db.transaction('read', () =>
      this.db.get<{ schedule_id: string }>("SELECT a.schedule_id FROM assignments a JOIN schedules s ON s.id = a.schedule_id WHERE a.id = ? AND s.status = 'published'", [
        assignmentId,
      ]),
    )?.schedule_id;
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
