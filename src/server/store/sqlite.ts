/**
 * A thin, synchronous wrapper around node-sqlite3-wasm: typed queries, transactions,
 * and recovery from the one failure mode this build has that SQLite normally does not.
 *
 * node-sqlite3-wasm locks a database file by creating a `<db>.lock` directory, for
 * readers and writers alike, and removes it when the lock is released. A process killed
 * while holding the lock leaves the directory behind and every later access reports
 * "database is locked" forever (the rollback journal itself is fine: SQLite rolls it back
 * once the lock is gone). To tell a stale lock from a live one, every connection
 * registers itself in `<db>.owners/<pid>-<random>` while open; a lock is stale when no
 * registered owner other than this connection is alive. Only connections made through
 * this module register, so the database file should be used through it alone.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database, type BindValues, type SQLiteValue } from 'node-sqlite3-wasm';
import type { Logger } from '../../core/util/log';
import { ToolError } from '../tools/defineTool';

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
  private readonly ownerFile?: string;

  constructor(options: SqliteOptions) {
    this.path = options.path;
    this.logger = options.logger;
    if (options.path !== MEMORY) {
      this.ownerFile = registerOwner(options.path);
      clearStaleLock(options.path, this.ownerFile, this.logger);
    }
    this.db = new Database(options.path);
    this.db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    this.db.exec('PRAGMA foreign_keys = ON');
  }

  get isMemory(): boolean {
    return this.ownerFile === undefined;
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
    this.withLockRecovery(() => this.db.exec(mode === 'immediate' ? 'BEGIN IMMEDIATE' : 'BEGIN'));
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
    if (this.ownerFile) removeQuietly(this.ownerFile);
  }

  /** Retries once after clearing a lock left by a dead process; a live lock is "busy". */
  private withLockRecovery<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (!isLockedError(error) || !this.ownerFile) throw error;
      if (!clearStaleLock(this.path, this.ownerFile, this.logger)) throw new DatabaseBusyError(this.path);
      try {
        return fn();
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

function ownersDir(dbPath: string): string {
  return `${dbPath}.owners`;
}

function registerOwner(dbPath: string): string {
  const dir = ownersDir(dbPath);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${process.pid}-${randomUUID()}`);
  writeFileSync(file, '');
  return file;
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes `<db>.lock` when no other registered connection is alive, and forgets the
 * registrations of dead processes. Returns whether a stale lock was removed.
 */
export function clearStaleLock(dbPath: string, ownFile: string, logger: Logger): boolean {
  const dir = ownersDir(dbPath);
  let liveOthers = 0;
  for (const name of safeReaddir(dir)) {
    const file = join(dir, name);
    if (file === ownFile) continue;
    const pid = Number(name.split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) liveOthers++;
    else removeQuietly(file);
  }
  if (liveOthers > 0) return false;
  try {
    rmdirSync(`${dbPath}.lock`);
    logger.log('warn', 'removed a stale database lock left by a process that no longer runs', { db: dbPath });
    return true;
  } catch {
    return false;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}
