/**
 * A thin, synchronous wrapper around node-sqlite3-wasm: typed queries, transactions,
 * and recovery from what a killed process leaves behind (a lock directory nobody
 * removes and a rollback journal SQLite does not play back under this VFS): see
 * staleLock.ts. Recovery runs when the database is opened, before any operation that
 * finds the lock directory, and when an operation gave up waiting for the lock.
 */
import { existsSync } from 'node:fs';
import { Database, type BindValues, type SQLiteValue } from 'node-sqlite3-wasm';
import type { Logger } from '../../core/util/log';
import { ToolError } from '../domain/errors';
import { LockOwner, recoverStaleLock } from './staleLock';

export const MEMORY = ':memory:';

export type Row = Record<string, SQLiteValue>;
export type Params = BindValues;

export interface SqliteOptions {
  /** A file path, or `:memory:`. */
  path: string;
  logger: Logger;
  /** How long a statement waits for another process's lock before failing (ms). */
  busyTimeoutMs?: number;
}

/** The database stayed locked by a live process for longer than the busy timeout (retryable). */
export class DatabaseBusyError extends ToolError {
  constructor(path: string) {
    super(`the database ${path} is busy (locked by another process); try again`, 'BUSY');
    this.name = 'DatabaseBusyError';
  }
}

export class SqliteDb {
  readonly path: string;
  private readonly db: Database;
  private readonly logger: Logger;
  private readonly owner?: LockOwner;

  constructor(options: SqliteOptions) {
    this.path = options.path;
    this.logger = options.logger;
    if (options.path !== MEMORY) this.owner = new LockOwner(options.path);
    try {
      if (this.owner) recoverStaleLock(this.owner, this.logger);
      this.db = new Database(options.path);
      this.db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
      this.db.exec('PRAGMA foreign_keys = ON');
    } catch (error) {
      this.owner?.remove();
      throw error;
    }
  }

  get isMemory(): boolean {
    return this.owner === undefined;
  }

  all<T extends Row = Row>(sql: string, params?: Params): T[] {
    return this.guarded(() => this.db.all(sql, params) as T[]);
  }

  get<T extends Row = Row>(sql: string, params?: Params): T | undefined {
    return this.guarded(() => (this.db.get(sql, params) as T | null) ?? undefined);
  }

  run(sql: string, params?: Params): number {
    return this.guarded(() => this.db.run(sql, params).changes);
  }

  exec(sql: string): void {
    this.guarded(() => this.db.exec(sql));
  }

  /** Outside a transaction a statement takes the lock itself: recover like BEGIN does. */
  private guarded<T>(fn: () => T): T {
    return this.db.inTransaction ? fn() : this.withLockRecovery(fn);
  }

  /** Runs one prepared statement for many parameter sets (bulk inserts). */
  runMany(sql: string, rows: Iterable<Params>): void {
    const stmt = this.db.prepare(sql);
    try {
      for (const params of rows) stmt.run(params);
    } finally {
      stmt.finalize();
    }
  }

  /**
   * Runs `fn` in a transaction. `immediate` takes the write lock up front (BEGIN
   * IMMEDIATE), so two writers serialise at BEGIN instead of one failing at COMMIT;
   * read transactions use a deferred BEGIN and see one consistent state.
   * Any exception rolls everything back.
   */
  transaction<T>(mode: 'read' | 'immediate', fn: () => T): T {
    if (this.db.inTransaction) throw new Error('nested transactions are not supported');
    // A read transaction takes its lock at its first statement, not at BEGIN, so the
    // whole transaction is retried after a recovery; a failed one changed nothing.
    return this.withLockRecovery(() => {
      this.db.exec(mode === 'immediate' ? 'BEGIN IMMEDIATE' : 'BEGIN');
      try {
        const result = fn();
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
    this.owner?.remove();
  }

  /**
   * Runs `fn` marked as possibly holding the lock. A lock directory found first is
   * recovered when stale; an operation that gave up waiting is retried once after a
   * recovery; a live lock is "busy".
   */
  private withLockRecovery<T>(fn: () => T): T {
    const owner = this.owner;
    if (!owner) return fn();
    if (existsSync(`${this.path}.lock`)) recoverStaleLock(owner, this.logger);
    try {
      return owner.holding(fn);
    } catch (error) {
      if (!isLockedError(error)) throw error;
      if (recoverStaleLock(owner, this.logger) === 'held') throw new DatabaseBusyError(this.path);
      try {
        return owner.holding(fn);
      } catch (retryError) {
        if (isLockedError(retryError)) throw new DatabaseBusyError(this.path);
        throw retryError;
      }
    }
  }
}

function isLockedError(error: unknown): boolean {
  return error instanceof Error && /database is locked|SQLITE_BUSY/i.test(error.message);
}
