/**
 * The swap lifecycle on the published schedule, as the real backend models it:
 *   pending --(both parties consent, coordinator approves)--> approved --execute--> executed
 *   pending --(a party declines / coordinator rejects)--> rejected
 *   pending | approved --cancel--> cancelled;  executed --rollback within 24 h--> rolled_back
 * Every step is one store write: the status is read and changed inside the write
 * transaction with the caller's expected data version, so of two conflicting requests
 * exactly one wins and the other gets CONFLICT (or INVALID_STATUS when it is already done).
 */
import { randomUUID } from 'node:crypto';
import type { Assignment } from '../domain/program';
import { HOUR_MS, addDays } from '../domain/time';
import { ROLLBACK_WINDOW_HOURS, type ServiceDeps } from '../generation/service';
import { EligibilityIndex } from '../rules/eligibility';
import { findSwapCandidates } from '../rules/swapCandidates';
import type { Params, Row } from '../store/sqlite';
import type { ScheduleStore, StoreTx } from '../store/store';
import { ToolError } from '../domain/errors';
import { validateSwap, type SwapIssue, type SwapProposal, type SwapType, type SwapValidation } from './validate';
import { snapshotWith } from '../generation/service';

export type SwapStatus = 'pending' | 'approved' | 'executed' | 'rejected' | 'cancelled' | 'rolled_back';

export interface SwapRecord {
  id: string;
  scheduleId: string;
  swapType: SwapType;
  status: SwapStatus;
  requesterId: string;
  assignmentId: string;
  targetPersonId: string;
  targetAssignmentId?: string;
  requestedAt: string;
  requestedBy: string;
  decidedAt?: string;
  decidedBy?: string;
  executedAt?: string;
  executedBy?: string;
  backupId?: string;
  rollbackDeadline?: string;
  rolledBackAt?: string;
  rolledBackBy?: string;
  reason?: string;
  details: SwapDetails;
  consents: Consent[];
}

export interface SwapDetails {
  dates: string[];
  touches_locked_period: boolean;
  warnings: SwapIssue[];
  match?: { score: number; ranking_score: number; mutual: boolean; factors: Record<string, number> };
  decision_reason?: string;
  cancel_reason?: string;
  rollback_reason?: string;
}

export interface Consent {
  personId: string;
  role: 'requester' | 'candidate' | 'coordinator';
  approved: boolean | null;
  respondedAt?: string;
  notes?: string;
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

/** Reads inside a write transaction or outside one, the same way. */
interface Reader {
  get<T extends Row>(sql: string, params?: Params): T | undefined;
  all<T extends Row>(sql: string, params?: Params): T[];
}

function readerOf(tx: StoreTx): Reader {
  return { get: (s, p) => tx.sql.get(s, p), all: (s, p) => tx.sql.all(s, p) };
}

function storeReader(store: ScheduleStore): Reader {
  return {
    get<T extends Row>(s: string, p?: Params): T | undefined {
      return store.query<T>(s, p)[0];
    },
    all<T extends Row>(s: string, p?: Params): T[] {
      return store.query<T>(s, p);
    },
  };
}

function loadSwap(db: Reader, id: string): SwapRecord {
  const row = db.get<SwapRow>('SELECT * FROM swaps WHERE id = ?', [id]);
  if (!row) throw new ToolError(`unknown swap id "${id}"`, 'NOT_FOUND');
  return fromRow(row, db);
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

function proposalOf(s: SwapRecord): SwapProposal {
  return {
    scheduleId: s.scheduleId,
    swapType: s.swapType,
    requesterId: s.requesterId,
    assignmentId: s.assignmentId,
    targetPersonId: s.targetPersonId,
    ...(s.targetAssignmentId ? { targetAssignmentId: s.targetAssignmentId } : {}),
  };
}

function requireStatus(s: SwapRecord, allowed: readonly SwapStatus[], action: string): void {
  if (!allowed.includes(s.status)) throw new ToolError(`swap ${s.id} is ${s.status}; only a ${allowed.join(' or ')} swap can be ${action}`, 'INVALID_STATUS');
}

function refuse(validation: SwapValidation, what: string): never {
  const lost = validation.errors.find((e) => e.code === 'NOT_OWNER' || e.code === 'SOURCE_NOT_FOUND' || e.code === 'TARGET_NOT_FOUND');
  const text = validation.errors.map((e) => `${e.code}: ${e.message}`).join('; ');
  // An assignment that changed hands since the request means someone else's write won.
  if (lost) throw new ToolError(`${what}: the schedule changed since the swap was requested (${text})`, 'CONFLICT');
  throw new ToolError(`${what}: ${text}`, 'VALIDATION_FAILED');
}

/**
 * Runs `read` on the version the caller expects: the writes that follow compare the same
 * version inside their transaction, so what `read` saw is exactly what they change.
 * (Store reads cannot run inside a write transaction.)
 */
function atVersion<T>(store: ScheduleStore, expected: number, read: () => T): T {
  const check = () => {
    const version = store.dataVersion();
    if (version !== expected) {
      throw new ToolError(`the data changed since it was read (data version is ${version}, expected ${expected}); read it again and retry`, 'CONFLICT');
    }
  };
  check();
  const result = read();
  check();
  return result;
}

/** Executed swaps between a person and each other person (+1), minus rolled-back ones. */
export function swapCounts(store: ScheduleStore, personId: string): Map<string, number> {
  const rows = store.query<{ other: string; status: string }>(
    `SELECT CASE WHEN requester_id = :p THEN target_person_id ELSE requester_id END AS other, status FROM swaps
     WHERE (requester_id = :p OR target_person_id = :p) AND status IN ('executed', 'rolled_back')`,
    { ':p': personId },
  );
  const out = new Map<string, number>();
  for (const r of rows) out.set(r.other, (out.get(r.other) ?? 0) + (r.status === 'executed' ? 1 : -1));
  return out;
}

/** The published schedule holding an assignment (or the given schedule). */
export function scheduleOfAssignment(store: ScheduleStore, assignmentId: string, scheduleId?: string): string {
  if (scheduleId !== undefined) {
    if (!store.getSchedule(scheduleId)) throw new ToolError(`unknown schedule id "${scheduleId}"`, 'NOT_FOUND');
    return scheduleId;
  }
  const rows = store.query<{ schedule_id: string }>(
    "SELECT a.schedule_id FROM assignments a JOIN schedules s ON s.id = a.schedule_id WHERE a.id = ? AND s.status = 'published'",
    [assignmentId],
  );
  if (rows.length === 0) throw new ToolError(`no published assignment "${assignmentId}"`, 'NOT_FOUND');
  return rows[0]!.schedule_id;
}

/**
 * The score the swap-candidate analysis gives this exact swap (same function as the
 * read-only analyze_swap_candidates_tool), or undefined when it is not among them.
 */
function matchOf(store: ScheduleStore, proposal: SwapProposal, validation: SwapValidation): SwapDetails['match'] {
  const source = validation.moves[0]?.assignment;
  if (!source) return undefined;
  const schedule = store.getSchedule(proposal.scheduleId)!;
  const people = store.reference().people;
  const requester = people.find((p) => p.id === proposal.requesterId)!;
  const theirs = validation.moves[1]?.assignment;
  const window = { start: addDays(source.date, -7), end: addDays(source.date, 7) };
  if (theirs && theirs.date < window.start) window.start = theirs.date;
  if (theirs && theirs.date > window.end) window.end = theirs.date;
  const context = { start: addDays(window.start, -28), end: addDays(window.end, 28) };
  const snapshot = snapshotWith(
    store,
    schedule,
    store.assignments(schedule.id).filter((a) => a.date >= context.start && a.date <= context.end),
    context,
    store.dataVersion(),
  );
  const shift = snapshot.shifts.find((s) => s.assignmentId === source.id);
  if (!shift) return undefined;
  const found = findSwapCandidates(new EligibilityIndex(snapshot), { requester, shift, window, history: swapCounts(store, requester.id) });
  const hit = found.candidates.find(
    (c) => c.personId === proposal.targetPersonId && c.swapType === proposal.swapType && (c.theirAssignment?.assignmentId ?? undefined) === proposal.targetAssignmentId,
  );
  return hit ? { score: hit.score, ranking_score: hit.rankingScore, mutual: hit.mutual, factors: { ...hit.factors } } : undefined;
}

export interface SwapWriteResult {
  swap: SwapRecord;
  dataVersion: number;
  /** What the swap still waits for. */
  awaiting: string[];
}

function awaiting(s: SwapRecord): string[] {
  if (s.status === 'pending') {
    const missing = s.consents.filter((c) => c.role !== 'coordinator' && c.approved !== true).map((c) => `consent of ${c.personId}`);
    return [...missing, 'coordinator approval'];
  }
  if (s.status === 'approved') return ['execution'];
  return [];
}

function finish(store: ScheduleStore, written: { result: string; versionAfter: number }): SwapWriteResult {
  const swap = loadSwap(storeReader(store), written.result);
  return { swap, dataVersion: written.versionAfter, awaiting: awaiting(swap) };
}

export interface RequestInput {
  actor: string;
  expectedVersion: number;
  scheduleId?: string;
  requesterId: string;
  assignmentId: string;
  swapType: SwapType;
  targetPersonId: string;
  targetAssignmentId?: string;
  reason?: string;
}

export function requestSwap(deps: ServiceDeps, input: RequestInput): SwapWriteResult & { validation: SwapValidation } {
  const { store } = deps;
  const proposal: SwapProposal = {
    scheduleId: scheduleOfAssignment(store, input.assignmentId, input.scheduleId),
    swapType: input.swapType,
    requesterId: input.requesterId,
    assignmentId: input.assignmentId,
    targetPersonId: input.targetPersonId,
    ...(input.targetAssignmentId ? { targetAssignmentId: input.targetAssignmentId } : {}),
  };
  const { validation, match } = atVersion(store, input.expectedVersion, () => {
    const v = validateSwap(store, deps.now(), proposal);
    if (!v.valid) refuse(v, 'the swap cannot be requested');
    return { validation: v, match: matchOf(store, proposal, v) };
  });
  const written = store.write(input.actor, 'request_swap', input.expectedVersion, (tx) => {
    const open = tx.sql.get<{ id: string }>("SELECT id FROM swaps WHERE assignment_id = ? AND status IN ('pending', 'approved')", [input.assignmentId]);
    if (open) throw new ToolError(`assignment "${input.assignmentId}" already has an open swap request (${open.id})`, 'CONFLICT');
    const id = `swap-${randomUUID().slice(0, 8)}`;
    const details: SwapDetails = {
      dates: validation.dates,
      touches_locked_period: validation.touchesLockedPeriod,
      warnings: validation.warnings,
      ...(match ? { match } : {}),
    };
    tx.sql.run(
      `INSERT INTO swaps (id, schedule_id, swap_type, status, requester_id, assignment_id, target_person_id, target_assignment_id, requested_at, requested_by, reason, data)
       VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, proposal.scheduleId, proposal.swapType, proposal.requesterId, proposal.assignmentId, proposal.targetPersonId, proposal.targetAssignmentId ?? null, tx.at, tx.actor, input.reason ?? null, JSON.stringify(details)],
    );
    // Requesting is the requester's consent; the other party has yet to answer.
    tx.sql.run("INSERT INTO swap_approvals (swap_id, person_id, role, approved, responded_at) VALUES (?, ?, 'requester', 1, ?)", [id, proposal.requesterId, tx.at]);
    tx.sql.run("INSERT INTO swap_approvals (swap_id, person_id, role, approved) VALUES (?, ?, 'candidate', NULL)", [id, proposal.targetPersonId]);
    tx.audit({ swap_id: id, swap_type: proposal.swapType, requester: proposal.requesterId, target: proposal.targetPersonId, assignments: validation.moves.map((m) => m.assignment.id), warnings: validation.warnings.map((w) => w.code) }, id);
    return id;
  });
  return { ...finish(store, written), validation };
}

export interface ConsentInput {
  actor: string;
  expectedVersion: number;
  swapId: string;
  personId: string;
  consent: boolean;
  notes?: string;
}

export function recordConsent(deps: ServiceDeps, input: ConsentInput): SwapWriteResult {
  const written = deps.store.write(input.actor, 'record_swap_consent', input.expectedVersion, (tx) => {
    const swap = loadSwap(readerOf(tx), input.swapId);
    requireStatus(swap, ['pending'], 'consented to');
    const party = swap.consents.find((c) => c.personId === input.personId && c.role !== 'coordinator');
    if (!party) throw new ToolError(`${input.personId} is not a party to swap ${swap.id} (parties: ${swap.requesterId}, ${swap.targetPersonId})`, 'FORBIDDEN');
    tx.sql.run('UPDATE swap_approvals SET approved = ?, responded_at = ?, notes = ? WHERE swap_id = ? AND person_id = ? AND role = ?', [
      input.consent ? 1 : 0,
      tx.at,
      input.notes ?? null,
      swap.id,
      input.personId,
      party.role,
    ]);
    if (!input.consent) {
      tx.sql.run("UPDATE swaps SET status = 'rejected', decided_at = ?, decided_by = ? WHERE id = ?", [tx.at, input.personId, swap.id]);
    }
    tx.audit({ swap_id: swap.id, person_id: input.personId, consent: input.consent, ...(input.notes ? { notes: input.notes } : {}) }, swap.id);
    return swap.id;
  });
  return finish(deps.store, written);
}

export interface DecisionInput {
  actor: string;
  expectedVersion: number;
  swapId: string;
  approve: boolean;
  reason?: string;
}

export function decideSwap(deps: ServiceDeps, input: DecisionInput): SwapWriteResult {
  const { store } = deps;
  // Validated on the expected version; the write below refuses any other version.
  const validation = input.approve
    ? atVersion(store, input.expectedVersion, () => {
        const swap = getSwap(store, input.swapId);
        return swap.status === 'pending' ? validateSwap(store, deps.now(), proposalOf(swap)) : undefined;
      })
    : undefined;
  const written = store.write(input.actor, input.approve ? 'approve_swap' : 'reject_swap', input.expectedVersion, (tx) => {
    const swap = loadSwap(readerOf(tx), input.swapId);
    requireStatus(swap, ['pending'], input.approve ? 'approved' : 'rejected');
    if (input.actor === swap.requesterId || input.actor === swap.targetPersonId) {
      throw new ToolError(`${input.actor} is a party to swap ${swap.id}; a coordinator must decide it`, 'FORBIDDEN');
    }
    if (swap.details.touches_locked_period && !input.reason?.trim()) {
      throw new ToolError(`swap ${swap.id} touches the locked period (${swap.details.dates.join(', ')}): give a reason for the decision`, 'REASON_REQUIRED');
    }
    if (input.approve) {
      const missing = swap.consents.filter((c) => c.role !== 'coordinator' && c.approved !== true).map((c) => c.personId);
      if (missing.length > 0) throw new ToolError(`swap ${swap.id} is waiting for the consent of ${missing.join(' and ')}`, 'INVALID_STATUS');
      if (validation && !validation.valid) refuse(validation, `swap ${swap.id} cannot be approved`);
    }
    const details: SwapDetails = { ...swap.details, ...(input.reason ? { decision_reason: input.reason } : {}) };
    tx.sql.run('UPDATE swaps SET status = ?, decided_at = ?, decided_by = ?, data = ? WHERE id = ?', [
      input.approve ? 'approved' : 'rejected',
      tx.at,
      input.actor,
      JSON.stringify(details),
      swap.id,
    ]);
    tx.sql.run("INSERT OR REPLACE INTO swap_approvals (swap_id, person_id, role, approved, responded_at, notes) VALUES (?, ?, 'coordinator', ?, ?, ?)", [
      swap.id,
      input.actor,
      input.approve ? 1 : 0,
      tx.at,
      input.reason ?? null,
    ]);
    tx.audit({ swap_id: swap.id, approved: input.approve, ...(input.reason ? { reason: input.reason } : {}), locked_period: swap.details.touches_locked_period }, swap.id);
    return swap.id;
  });
  return finish(store, written);
}

export interface ExecuteInput {
  actor: string;
  expectedVersion: number;
  swapId: string;
}

export function executeSwap(deps: ServiceDeps, input: ExecuteInput): SwapWriteResult {
  const { store } = deps;
  // Validated on the expected version; the write below refuses any other version.
  const validation = atVersion(store, input.expectedVersion, () => {
    const swap = getSwap(store, input.swapId);
    return swap.status === 'approved' ? validateSwap(store, deps.now(), proposalOf(swap)) : undefined;
  });
  const written = store.write(input.actor, 'execute_swap', input.expectedVersion, (tx) => {
    const swap = loadSwap(readerOf(tx), input.swapId);
    requireStatus(swap, ['approved'], 'executed');
    if (!validation?.valid) refuse(validation!, `swap ${swap.id} cannot be executed`);
    const before = validation.moves.map((m) => m.assignment);
    const backupId = `backup-${randomUUID().slice(0, 8)}`;
    tx.sql.run('INSERT INTO backups (id, schedule_id, created_at, created_by, data_version, reason, payload) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      backupId,
      swap.scheduleId,
      tx.at,
      tx.actor,
      tx.versionBefore,
      `before executing swap ${swap.id}`,
      JSON.stringify({ kind: 'swap', swapId: swap.id, assignments: before }),
    ]);
    for (const { assignment, to } of validation.moves) tx.updateAssignment(swap.scheduleId, assignment.id, { personId: to });
    const deadline = new Date(deps.now() + ROLLBACK_WINDOW_HOURS * HOUR_MS).toISOString();
    tx.sql.run("UPDATE swaps SET status = 'executed', executed_at = ?, executed_by = ?, backup_id = ?, rollback_deadline = ? WHERE id = ?", [
      tx.at,
      input.actor,
      backupId,
      deadline,
      swap.id,
    ]);
    tx.audit({ swap_id: swap.id, backup_id: backupId, rollback_deadline: deadline, moves: validation.moves.map((m) => ({ assignment: m.assignment.id, from: m.assignment.personId, to: m.to })) }, swap.id);
    return swap.id;
  });
  return finish(store, written);
}

export interface RollbackInput {
  actor: string;
  expectedVersion: number;
  swapId: string;
  reason?: string;
}

export function rollbackSwap(deps: ServiceDeps, input: RollbackInput): SwapWriteResult {
  const written = deps.store.write(input.actor, 'rollback_swap', input.expectedVersion, (tx) => {
    const swap = loadSwap(readerOf(tx), input.swapId);
    requireStatus(swap, ['executed'], 'rolled back');
    if (!swap.rollbackDeadline || deps.now() > Date.parse(swap.rollbackDeadline)) {
      throw new ToolError(`swap ${swap.id} can no longer be rolled back: the ${ROLLBACK_WINDOW_HOURS}-hour window ended at ${swap.rollbackDeadline}`, 'ROLLBACK_WINDOW_EXPIRED');
    }
    const backup = tx.sql.get<{ payload: string }>('SELECT payload FROM backups WHERE id = ?', [swap.backupId ?? '']);
    if (!backup) throw new ToolError(`the backup of swap ${swap.id} is missing`, 'ROLLBACK_FAILED');
    const before = (JSON.parse(backup.payload) as { assignments: Assignment[] }).assignments;
    const current = tx.assignments(swap.scheduleId);
    const expectedOwner = new Map([[swap.assignmentId, swap.targetPersonId], ...(swap.targetAssignmentId ? [[swap.targetAssignmentId, swap.requesterId] as const] : [])]);
    for (const [id, owner] of expectedOwner) {
      const now = current.find((a) => a.id === id);
      if (!now || now.personId !== owner) {
        throw new ToolError(`assignment "${id}" changed after swap ${swap.id} was executed (now ${now ? now.personId : 'deleted'}); it cannot be rolled back automatically`, 'CONFLICT');
      }
    }
    for (const a of before) tx.updateAssignment(swap.scheduleId, a.id, { personId: a.personId });
    const details: SwapDetails = { ...swap.details, ...(input.reason ? { rollback_reason: input.reason } : {}) };
    tx.sql.run("UPDATE swaps SET status = 'rolled_back', rolled_back_at = ?, rolled_back_by = ?, data = ? WHERE id = ?", [tx.at, input.actor, JSON.stringify(details), swap.id]);
    tx.audit({ swap_id: swap.id, backup_id: swap.backupId, restored: before.map((a) => ({ assignment: a.id, to: a.personId })), ...(input.reason ? { reason: input.reason } : {}) }, swap.id);
    return swap.id;
  });
  return finish(deps.store, written);
}

export function cancelSwap(deps: ServiceDeps, input: RollbackInput): SwapWriteResult {
  const written = deps.store.write(input.actor, 'cancel_swap', input.expectedVersion, (tx) => {
    const swap = loadSwap(readerOf(tx), input.swapId);
    requireStatus(swap, ['pending', 'approved'], 'cancelled');
    const details: SwapDetails = { ...swap.details, ...(input.reason ? { cancel_reason: input.reason } : {}) };
    tx.sql.run("UPDATE swaps SET status = 'cancelled', data = ? WHERE id = ?", [JSON.stringify(details), swap.id]);
    tx.audit({ swap_id: swap.id, previous_status: swap.status, ...(input.reason ? { reason: input.reason } : {}) }, swap.id);
    return swap.id;
  });
  return finish(deps.store, written);
}

export function getSwap(store: ScheduleStore, id: string): SwapRecord {
  return loadSwap(storeReader(store), id);
}

/** Swaps a person requested or was asked to take, newest first. */
export function swapHistory(store: ScheduleStore, personId: string, options: { status?: SwapStatus; limit: number }): SwapRecord[] {
  const db = storeReader(store);
  const rows = db.all<SwapRow>(
    `SELECT * FROM swaps WHERE (requester_id = ? OR target_person_id = ?) ${options.status ? 'AND status = ?' : ''} ORDER BY requested_at DESC, id DESC LIMIT ?`,
    [personId, personId, ...(options.status ? [options.status] : []), options.limit],
  );
  return rows.map((r) => fromRow(r, db));
}

