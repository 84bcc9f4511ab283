/**
 * Named advisory locks (e.g. "generation of schedule X") that record their owner: the
 * process (pid and host) and a heartbeat the owner renews while it works. A lock whose
 * owner is gone is free: its time is up, its heartbeat is older than STALE_HEARTBEAT_MS,
 * or its process no longer exists on this host. Locks are coordination, not data: taking,
 * renewing and releasing one does not change the data version.
 */
import { hostname } from 'node:os';
import type { SqliteDb } from './sqlite';

/** How often a holder renews its heartbeat. */
export const HEARTBEAT_MS = 10_000;
/** A heartbeat this old means the holder stopped working (crashed, killed, or hung). */
export const STALE_HEARTBEAT_MS = 90_000;

export interface LockHolder {
  name: string;
  owner: string;
  purpose?: string;
  acquiredAt: string;
  expiresAt: string;
  pid?: number;
  host?: string;
  heartbeatAt?: string;
}

type LockRow = {
  name: string;
  owner: string;
  acquired_at: string;
  expires_at: string;
  purpose: string | null;
  owner_pid: number | null;
  owner_host: string | null;
  heartbeat_at: string | null;
};

export const THIS_HOST = hostname();

function holderOf(row: LockRow): LockHolder {
  return {
    name: row.name,
    owner: row.owner,
    acquiredAt: row.acquired_at,
    expiresAt: row.expires_at,
    ...(row.purpose !== null ? { purpose: row.purpose } : {}),
    ...(row.owner_pid !== null ? { pid: row.owner_pid } : {}),
    ...(row.owner_host !== null ? { host: row.owner_host } : {}),
    ...(row.heartbeat_at !== null ? { heartbeatAt: row.heartbeat_at } : {}),
  };
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why the holder no longer holds the lock, or undefined while it is alive. */
export function goneReason(holder: LockHolder, now: number): string | undefined {
  if (Date.parse(holder.expiresAt) <= now) return `its time ran out at ${holder.expiresAt}`;
  if (holder.heartbeatAt !== undefined && now - Date.parse(holder.heartbeatAt) > STALE_HEARTBEAT_MS) return `no heartbeat since ${holder.heartbeatAt}`;
  if (holder.host === THIS_HOST && holder.pid !== undefined && holder.pid !== process.pid && !processExists(holder.pid)) {
    return `its process ${holder.pid} on ${holder.host} no longer exists`;
  }
  return undefined;
}

/** Must run inside a transaction. */
export function readLock(db: SqliteDb, name: string): LockHolder | undefined {
  const row = db.get<LockRow>('SELECT * FROM locks WHERE name = ?', name);
  return row ? holderOf(row) : undefined;
}

/** Every lock whose name starts with `prefix`; must run inside a transaction. */
export function readLocks(db: SqliteDb, prefix: string): LockHolder[] {
  return db.all<LockRow>('SELECT * FROM locks WHERE substr(name, 1, length(?)) = ? ORDER BY acquired_at', [prefix, prefix]).map(holderOf);
}

/** Takes the lock for this process unless a live owner holds it; must run inside an immediate transaction. */
export function takeLock(db: SqliteDb, name: string, owner: string, ttlMs: number, now: number, purpose?: string): { ok: true } | { ok: false; holder: LockHolder } {
  const held = readLock(db, name);
  if (held && held.owner !== owner && goneReason(held, now) === undefined) return { ok: false, holder: held };
  const at = new Date(now).toISOString();
  db.run('INSERT OR REPLACE INTO locks (name, owner, acquired_at, expires_at, purpose, owner_pid, owner_host, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
    name,
    owner,
    at,
    new Date(now + ttlMs).toISOString(),
    purpose ?? null,
    process.pid,
    THIS_HOST,
    at,
  ]);
  return { ok: true };
}

/** Renews the owner's heartbeat; false when it no longer holds the lock (cancelled or taken over). */
export function beat(db: SqliteDb, name: string, owner: string, now: number): boolean {
  return db.run('UPDATE locks SET heartbeat_at = ? WHERE name = ? AND owner = ?', [new Date(now).toISOString(), name, owner]) > 0;
}
