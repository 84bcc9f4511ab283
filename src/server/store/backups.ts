/**
 * The backups table: what a publish, a publish rollback or a swap replaced, as a JSON
 * payload with a `kind` ('publish' | 'rollback_publish' | 'swap'). A publish backup is the
 * publish record (its `draftId`); a rollback backup names the `publishId` it undid.
 */
import { randomUUID } from 'node:crypto';
import type { Reader } from './reader';
import type { SqliteDb } from './sqlite';

export interface BackupReads {
  /** The parsed payload of a backup of any kind. */
  payload(id: string): unknown;
  /** The parsed payload of a publish backup (undefined for other kinds and unknown ids). */
  publish(id: string): unknown;
  /** The newest publish of a draft. */
  latestPublishOf(draftId: string): { id: string; payload: unknown } | undefined;
  /** Whether a rollback backup names this publish. */
  isRolledBack(publishId: string): boolean;
}

export interface BackupWrites extends BackupReads {
  /** Stores a backup made by this write (at the version before it); returns its id. */
  insert<P extends { kind: string }>(scheduleId: string, reason: string, payload: P): string;
}

export function backupReads(db: Reader): BackupReads {
  const parsed = (row: { payload: string } | undefined): unknown => (row ? JSON.parse(row.payload) : undefined);
  return {
    payload: (id) => parsed(db.get<{ payload: string }>('SELECT payload FROM backups WHERE id = ?', [id])),
    publish: (id) => parsed(db.get<{ payload: string }>("SELECT payload FROM backups WHERE id = ? AND json_extract(payload, '$.kind') = 'publish'", [id])),
    latestPublishOf(draftId) {
      const row = db.get<{ id: string; payload: string }>(
        "SELECT id, payload FROM backups WHERE json_extract(payload, '$.kind') = 'publish' AND json_extract(payload, '$.draftId') = ? ORDER BY created_at DESC",
        [draftId],
      );
      return row ? { id: row.id, payload: JSON.parse(row.payload) } : undefined;
    },
    isRolledBack: (publishId) =>
      db.all("SELECT id FROM backups WHERE json_extract(payload, '$.kind') = 'rollback_publish' AND json_extract(payload, '$.publishId') = ?", [publishId]).length > 0,
  };
}

export function backupWrites(db: SqliteDb, write: { at: string; actor: string; versionBefore: number }): BackupWrites {
  return {
    ...backupReads(db),
    insert(scheduleId, reason, payload) {
      const id = `backup-${randomUUID().slice(0, 8)}`;
      db.run('INSERT INTO backups (id, schedule_id, created_at, created_by, data_version, reason, payload) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        id,
        scheduleId,
        write.at,
        write.actor,
        write.versionBefore,
        reason,
        JSON.stringify(payload),
      ]);
      return id;
    },
  };
}
