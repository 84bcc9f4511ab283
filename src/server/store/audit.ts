/** The audit table: one record per write, with the version it moved from and to. */
import type { SqliteDb } from './sqlite';
import type { AuditEntry } from './types';

/** An audit row before the database numbers it. */
export type AuditRecord = Omit<AuditEntry, 'id'>;

/** Appends a record; returns its id. */
export function appendAudit(db: SqliteDb, r: AuditRecord): number {
  db.run('INSERT INTO audit (at, actor, action, target, version_before, version_after, details) VALUES (?, ?, ?, ?, ?, ?, ?)', [
    r.at,
    r.actor,
    r.action,
    r.target ?? null,
    r.versionBefore,
    r.versionAfter,
    r.details ? JSON.stringify(r.details) : null,
  ]);
  return Number(db.get<{ id: number }>('SELECT last_insert_rowid() AS id')!.id);
}

/** Newest first; must run inside a transaction. */
export function readAudit(db: SqliteDb, options: { limit?: number; action?: string; target?: string }): AuditEntry[] {
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
  const rows = db.all(`SELECT * FROM audit ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT :limit`, params);
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
