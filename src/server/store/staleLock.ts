/**
 * Recovery from the locks and journals a killed process leaves behind.
 *
 * node-sqlite3-wasm locks a database by creating a `<db>.lock` directory (for readers
 * and writers alike) and removes it on unlock; the directory says nothing about who made
 * it. So every connection made through this module registers in `<db>.owners/` under a
 * name holding its pid, host and a random id, and marks the name `.active` (an atomic
 * rename) for exactly as long as it may hold the lock: around every statement outside a
 * transaction and around every transaction. A lock directory is stale when no other
 * registered owner is active and alive. Recovery adopts the stale directory (so nobody
 * can take the lock meanwhile), plays back the hot journal it guarded (hotJournal.ts),
 * and only then removes it. A `<db>.recovery` directory keeps two recoverers apart.
 * Only connections made through this module register: use the file through it alone.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../core/util/log';
import { journalPath, rollBackHotJournal } from './hotJournal';

const ACTIVE = '.active';
/** A recovery mutex still without its owner's pid after this long lost its creator. */
const ABANDONED_MUTEX_MS = 5000;
const HOST = hostname().replace(/[^A-Za-z0-9._]/g, '_');

export type Recovery = 'none' | 'recovered' | 'held';

interface OwnerName {
  pid: number;
  host: string;
  active: boolean;
}

/** This connection's registration in `<db>.owners/`. */
export class LockOwner {
  private readonly dir: string;
  private readonly name: string;
  private active = false;

  constructor(readonly dbPath: string) {
    this.dir = `${dbPath}.owners`;
    mkdirSync(this.dir, { recursive: true });
    this.name = `${process.pid}+${HOST}+${randomUUID()}`;
    writeFileSync(join(this.dir, this.name), '');
  }

  /** Marks this connection as (possibly) holding the lock while `fn` runs. */
  holding<T>(fn: () => T): T {
    if (this.active) return fn();
    this.mark(true);
    try {
      return fn();
    } finally {
      this.mark(false);
    }
  }

  isSelf(file: string): boolean {
    return file === this.name || file === this.name + ACTIVE;
  }

  remove(): void {
    removeQuietly(this.path(this.active));
  }

  private mark(active: boolean): void {
    try {
      renameSync(this.path(this.active), this.path(active));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // Someone removed the registration folder: register again.
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(this.path(active), '');
    }
    this.active = active;
  }

  private path(active: boolean): string {
    return join(this.dir, active ? this.name + ACTIVE : this.name);
  }
}

/**
 * Clears a lock left by a process that no longer runs, rolling back the transaction it
 * interrupted. `held`: a live process may hold the lock (wait for it); `none`: there was
 * nothing to recover. Call it while this connection holds no lock.
 */
export function recoverStaleLock(owner: LockOwner, logger: Logger): Recovery {
  const db = owner.dbPath;
  const lockDir = `${db}.lock`;
  if (!existsSync(lockDir) && !existsSync(journalPath(db))) return 'none';
  if (existsSync(lockDir) && liveHolders(owner) > 0) return 'held';
  const mutex = acquireRecoveryMutex(db);
  if (!mutex) return 'held';
  try {
    if (existsSync(lockDir)) {
      if (liveHolders(owner) > 0) return 'held';
    } else if (!tryMkdir(lockDir)) {
      return 'held';
    }
    const playback = rollBackHotJournal(db);
    rmdirSync(lockDir);
    logger.log('warn', 'removed a stale database lock left by a process that no longer runs, and rolled back the write it interrupted', {
      db,
      pagesRestored: playback?.pagesRestored ?? 0,
    });
    return 'recovered';
  } finally {
    rmSync(mutex, { recursive: true, force: true });
  }
}

/** Other registered connections that are alive and may hold the lock; forgets dead ones. */
function liveHolders(owner: LockOwner): number {
  const dir = `${owner.dbPath}.owners`;
  let live = 0;
  for (const file of safeReaddir(dir)) {
    if (owner.isSelf(file)) continue;
    const name = parseOwner(file);
    if (!name) continue;
    if (name.host !== HOST) {
      // Another machine's process cannot be checked: trust its marker.
      if (name.active) live++;
    } else if (!processAlive(name.pid)) {
      removeQuietly(join(dir, file));
    } else if (name.active) {
      live++;
    }
  }
  return live;
}

function parseOwner(file: string): OwnerName | undefined {
  const match = /^(\d+)\+([^+]+)\+[0-9a-f-]+(\.active)?$/.exec(file);
  if (!match) return undefined;
  return { pid: Number(match[1]), host: match[2]!, active: match[3] !== undefined };
}

/** `<db>.recovery/` with the recoverer's pid inside; a dead recoverer's is taken over. */
function acquireRecoveryMutex(db: string): string | undefined {
  const dir = `${db}.recovery`;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (tryMkdir(dir)) {
      writeFileSync(join(dir, 'owner'), `${process.pid}+${HOST}`);
      return dir;
    }
    const holder = readQuietly(join(dir, 'owner'));
    const [pid, host] = holder?.split('+') ?? [];
    // An empty mutex is one being created right now, unless its creator died at once.
    const abandoned = holder === undefined ? ageMs(dir) > ABANDONED_MUTEX_MS : host === HOST && !processAlive(Number(pid));
    if (!abandoned) return undefined;
    rmSync(dir, { recursive: true, force: true });
  }
  return undefined;
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryMkdir(dir: string): boolean {
  try {
    mkdirSync(dir);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function readQuietly(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}
