/**
 * The notification outbox: who is told what about a write (a publish, an executed swap),
 * recorded in the same transaction as the write so a change is never made without its
 * notice, and delivered afterwards (src/server/notifications/notifier.ts), which records
 * per channel whether it reached anyone. Delivery does not change the data version.
 */
import type { Reader } from './reader';
import type { SqliteDb } from './sqlite';

export interface NewNotification {
  /** What happened, e.g. `schedule_published`, `swap_executed`. */
  event: string;
  /** Person ids (or roles such as `coordinators`) the notice is for. */
  recipients: readonly string[];
  subject: string;
  message: string;
  /** The schedule or swap it is about. */
  target?: string;
  details?: Record<string, unknown>;
}

export interface DeliveryOutcome {
  /** Per channel: `mcp` (clients notified), `webhook` (HTTP status or error). */
  channels: Record<string, unknown>;
  /** Every configured channel succeeded. */
  delivered: boolean;
  error?: string;
}

export interface StoredNotification extends NewNotification {
  id: number;
  createdAt: string;
  createdBy: string;
  dataVersion: number;
  deliveredAt?: string;
  attempts: number;
  lastError?: string;
  channels?: Record<string, unknown>;
}

export interface NotificationReads {
  /** Oldest first; `afterId` pages on, `pending` keeps the undelivered ones. */
  list(options: { afterId?: number; sinceVersion?: number; event?: string; target?: string; pending?: boolean; limit?: number }): StoredNotification[];
}

export interface NotificationWrites {
  /** Records a notice of this write; returns its id. */
  insert(n: NewNotification): number;
}

type Row = Record<string, unknown>;

function fromRow(r: Row): StoredNotification {
  return {
    id: Number(r['id']),
    event: String(r['event']),
    recipients: JSON.parse(String(r['recipients'])) as string[],
    subject: String(r['subject']),
    message: String(r['message']),
    ...(r['target'] !== null ? { target: String(r['target']) } : {}),
    ...(r['details'] !== null ? { details: JSON.parse(String(r['details'])) as Record<string, unknown> } : {}),
    createdAt: String(r['created_at']),
    createdBy: String(r['created_by']),
    dataVersion: Number(r['data_version']),
    ...(r['delivered_at'] !== null ? { deliveredAt: String(r['delivered_at']) } : {}),
    attempts: Number(r['attempts']),
    ...(r['last_error'] !== null ? { lastError: String(r['last_error']) } : {}),
    ...(r['channels'] !== null ? { channels: JSON.parse(String(r['channels'])) as Record<string, unknown> } : {}),
  };
}

export function notificationReads(db: Reader): NotificationReads {
  return {
    list(options) {
      const where: string[] = [];
      const params: Record<string, string | number> = { ':limit': Math.min(Math.max(options.limit ?? 100, 1), 1000) };
      if (options.afterId !== undefined) {
        where.push('id > :after');
        params[':after'] = options.afterId;
      }
      if (options.sinceVersion !== undefined) {
        where.push('data_version >= :since');
        params[':since'] = options.sinceVersion;
      }
      if (options.event) {
        where.push('event = :event');
        params[':event'] = options.event;
      }
      if (options.target) {
        where.push('target = :target');
        params[':target'] = options.target;
      }
      if (options.pending) where.push('delivered_at IS NULL');
      return db.all(`SELECT * FROM notifications ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id LIMIT :limit`, params).map(fromRow);
    },
  };
}

export function notificationWrites(db: SqliteDb, tx: { at: string; actor: string; versionAfter: number }): NotificationWrites {
  return {
    insert(n) {
      db.run('INSERT INTO notifications (created_at, created_by, data_version, event, recipients, subject, message, target, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
        tx.at,
        tx.actor,
        tx.versionAfter,
        n.event,
        JSON.stringify([...n.recipients]),
        n.subject,
        n.message,
        n.target ?? null,
        n.details ? JSON.stringify(n.details) : null,
      ]);
      return Number(db.get<{ id: number }>('SELECT last_insert_rowid() AS id')!.id);
    },
  };
}

/** Records one delivery attempt (inside the caller's transaction). */
export function recordDelivery(db: SqliteDb, id: number, at: string, outcome: DeliveryOutcome): void {
  db.run('UPDATE notifications SET attempts = attempts + 1, channels = ?, last_error = ?, delivered_at = ? WHERE id = ?', [
    JSON.stringify(outcome.channels),
    outcome.error ?? null,
    outcome.delivered ? at : null,
    id,
  ]);
}
