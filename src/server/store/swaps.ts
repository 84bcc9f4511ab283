/** The swaps and swap_approvals tables: swap requests and each party's consent or decision. */
import type { Consent, SwapDetails, SwapRecord, SwapStatus, SwapType } from '../domain/swap';
import type { Reader } from './reader';
import type { Row, SqliteDb } from './sqlite';

export interface NewSwap {
  id: string;
  scheduleId: string;
  swapType: SwapType;
  requesterId: string;
  assignmentId: string;
  targetPersonId: string;
  targetAssignmentId?: string;
  reason?: string;
  details: SwapDetails;
}

/** The fields a step of the lifecycle changes. */
export type SwapPatch = Partial<
  Pick<SwapRecord, 'status' | 'decidedAt' | 'decidedBy' | 'executedAt' | 'executedBy' | 'backupId' | 'rollbackDeadline' | 'rolledBackAt' | 'rolledBackBy' | 'details'>
>;

export interface SwapReads {
  get(id: string): SwapRecord | undefined;
  /** The pending or approved request for an assignment, if any. */
  openRequestFor(assignmentId: string): string | undefined;
  /** Swaps a person requested or was asked to take, newest first. */
  history(personId: string, options: { status?: SwapStatus; limit: number }): SwapRecord[];
  /** The other party and status of each executed or rolled-back swap of a person. */
  exchanges(personId: string): { otherPersonId: string; status: SwapStatus }[];
}

export interface SwapWrites extends SwapReads {
  /** Inserts a pending request made now by the transaction's actor. */
  insert(swap: NewSwap): void;
  /** Records (or replaces) one party's answer. */
  setConsent(swapId: string, consent: Consent): void;
  update(id: string, patch: SwapPatch): void;
}

interface SwapRow extends Row {
  id: string;
  schedule_id: string;
  swap_type: string;
  status: string;
  requester_id: string;
  assignment_id: string;
  target_person_id: string;
  target_assignment_id: string | null;
  requested_at: string;
  requested_by: string;
  decided_at: string | null;
  decided_by: string | null;
  executed_at: string | null;
  executed_by: string | null;
  backup_id: string | null;
  rollback_deadline: string | null;
  rolled_back_at: string | null;
  rolled_back_by: string | null;
  reason: string | null;
  data: string | null;
}

const COLUMN: Record<Exclude<keyof SwapPatch, 'details'>, string> = {
  status: 'status',
  decidedAt: 'decided_at',
  decidedBy: 'decided_by',
  executedAt: 'executed_at',
  executedBy: 'executed_by',
  backupId: 'backup_id',
  rollbackDeadline: 'rollback_deadline',
  rolledBackAt: 'rolled_back_at',
  rolledBackBy: 'rolled_back_by',
};

export function swapReads(db: Reader): SwapReads {
  return {
    get(id) {
      const row = db.get<SwapRow>('SELECT * FROM swaps WHERE id = ?', [id]);
      return row ? fromRow(row, db) : undefined;
    },
    openRequestFor(assignmentId) {
      return db.get<{ id: string }>("SELECT id FROM swaps WHERE assignment_id = ? AND status IN ('pending', 'approved')", [assignmentId])?.id;
    },
    history(personId, options) {
      const rows = db.all<SwapRow>(
        `SELECT * FROM swaps WHERE (requester_id = ? OR target_person_id = ?) ${options.status ? 'AND status = ?' : ''} ORDER BY requested_at DESC, id DESC LIMIT ?`,
        [personId, personId, ...(options.status ? [options.status] : []), options.limit],
      );
      return rows.map((r) => fromRow(r, db));
    },
    exchanges(personId) {
      return db
        .all<{ other: string; status: string }>(
          `SELECT CASE WHEN requester_id = :p THEN target_person_id ELSE requester_id END AS other, status FROM swaps
           WHERE (requester_id = :p OR target_person_id = :p) AND status IN ('executed', 'rolled_back')`,
          { ':p': personId },
        )
        .map((r) => ({ otherPersonId: r.other, status: r.status as SwapStatus }));
    },
  };
}

export function swapWrites(db: SqliteDb, at: string, actor: string): SwapWrites {
  return {
    ...swapReads(db),
    insert(s) {
      db.run(
        `INSERT INTO swaps (id, schedule_id, swap_type, status, requester_id, assignment_id, target_person_id, target_assignment_id, requested_at, requested_by, reason, data)
         VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?)`,
        [s.id, s.scheduleId, s.swapType, s.requesterId, s.assignmentId, s.targetPersonId, s.targetAssignmentId ?? null, at, actor, s.reason ?? null, JSON.stringify(s.details)],
      );
    },
    setConsent(swapId, c) {
      db.run('INSERT OR REPLACE INTO swap_approvals (swap_id, person_id, role, approved, responded_at, notes) VALUES (?, ?, ?, ?, ?, ?)', [
        swapId,
        c.personId,
        c.role,
        c.approved === null ? null : c.approved ? 1 : 0,
        c.respondedAt ?? null,
        c.notes ?? null,
      ]);
    },
    update(id, patch) {
      const sets: string[] = [];
      const values: (string | null)[] = [];
      for (const [key, column] of Object.entries(COLUMN) as [keyof typeof COLUMN, string][]) {
        if (!(key in patch)) continue;
        sets.push(`${column} = ?`);
        values.push(patch[key] ?? null);
      }
      if (patch.details) {
        sets.push('data = ?');
        values.push(JSON.stringify(patch.details));
      }
      if (sets.length > 0) db.run(`UPDATE swaps SET ${sets.join(', ')} WHERE id = ?`, [...values, id]);
    },
  };
}

function fromRow(r: SwapRow, db: Reader): SwapRecord {
  const opt = <K extends string>(key: K, v: string | number | null) => (v === null ? {} : ({ [key]: String(v) } as Record<K, string>));
  const consents = db
    .all<{ person_id: string; role: string; approved: number | null; responded_at: string | null; notes: string | null }>(
      "SELECT * FROM swap_approvals WHERE swap_id = ? ORDER BY CASE role WHEN 'requester' THEN 0 WHEN 'candidate' THEN 1 ELSE 2 END",
      [r.id],
    )
    .map((c) => ({
      personId: c.person_id,
      role: c.role as Consent['role'],
      approved: c.approved === null ? null : Number(c.approved) === 1,
      ...opt('respondedAt', c.responded_at),
      ...opt('notes', c.notes),
    }));
  return {
    id: r.id,
    scheduleId: r.schedule_id,
    swapType: r.swap_type as SwapType,
    status: r.status as SwapStatus,
    requesterId: r.requester_id,
    assignmentId: r.assignment_id,
    targetPersonId: r.target_person_id,
    ...opt('targetAssignmentId', r.target_assignment_id),
    requestedAt: r.requested_at,
    requestedBy: r.requested_by,
    ...opt('decidedAt', r.decided_at),
    ...opt('decidedBy', r.decided_by),
    ...opt('executedAt', r.executed_at),
    ...opt('executedBy', r.executed_by),
    ...opt('backupId', r.backup_id),
    ...opt('rollbackDeadline', r.rollback_deadline),
    ...opt('rolledBackAt', r.rolled_back_at),
    ...opt('rolledBackBy', r.rolled_back_by),
    ...opt('reason', r.reason),
    details: r.data ? (JSON.parse(r.data) as SwapDetails) : { dates: [], touches_locked_period: false, warnings: [] },
    consents,
  };
}
