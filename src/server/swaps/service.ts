/**
 * The swap lifecycle on the published schedule, as the real backend models it:
 *   pending --(both parties consent, coordinator approves)--> approved --execute--> executed
 *   pending --(a party declines / coordinator rejects)--> rejected
 *   pending | approved --cancel--> cancelled;  executed --rollback within 24 h--> rolled_back
 * A party's consent holds for `consentTtlMs` (24 h unless the server is configured otherwise):
 * an approval or execution after that is refused with CONSENT_EXPIRED until the party
 * consents again (record_swap_consent renews it, also on an approved swap).
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
import type { ScheduleStore } from '../store/store';
import type { SwapReads } from '../store/swaps';
import { ToolError } from '../domain/errors';
import type { SwapDetails, SwapRecord, SwapStatus, SwapType } from '../domain/swap';
import { validateSwap, type SwapProposal, type SwapValidation } from './validate';
import { snapshotWith } from '../generation/service';

/** What executing a swap replaced: the backup its rollback restores. */
interface SwapBackup {
  kind: 'swap';
  swapId: string;
  assignments: Assignment[];
}

/** How long a party's consent holds unless the server is configured otherwise. */
export const DEFAULT_CONSENT_TTL_MS = 24 * HOUR_MS;

/** The swap service's dependencies: the generation service's plus how long consents hold. */
export interface SwapDeps extends ServiceDeps {
  consentTtlMs?: number;
}

/** The parties whose consent is older than the consent lifetime, with when it expired. */
export function expiredConsents(s: SwapRecord, now: number, ttlMs = DEFAULT_CONSENT_TTL_MS): { personId: string; expiredAt: string }[] {
  return s.consents
    .filter((c) => c.role !== 'coordinator' && c.approved === true && c.respondedAt !== undefined && now > Date.parse(c.respondedAt) + ttlMs)
    .map((c) => ({ personId: c.personId, expiredAt: new Date(Date.parse(c.respondedAt!) + ttlMs).toISOString() }));
}

function requireFreshConsents(deps: SwapDeps, s: SwapRecord, action: string): void {
  const ttl = deps.consentTtlMs ?? DEFAULT_CONSENT_TTL_MS;
  const expired = expiredConsents(s, deps.now(), ttl);
  if (expired.length === 0) return;
  const who = expired.map((e) => `${e.personId} (expired ${e.expiredAt})`).join(' and ');
  throw new ToolError(
    `swap ${s.id} cannot be ${action}: the consent of ${who} is older than ${Math.round(ttl / HOUR_MS)} h; ask for it again (record_swap_consent)`,
    'CONSENT_EXPIRED',
  );
}

function loadSwap(swaps: SwapReads, id: string): SwapRecord {
  const swap = swaps.get(id);
  if (!swap) throw new ToolError(`unknown swap id "${id}"`, 'NOT_FOUND');
  return swap;
}

/** The proposal a stored swap request makes. */
export function proposalOf(s: SwapRecord): SwapProposal {
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
  const out = new Map<string, number>();
  for (const r of store.swaps.exchanges(personId)) out.set(r.otherPersonId, (out.get(r.otherPersonId) ?? 0) + (r.status === 'executed' ? 1 : -1));
  return out;
}

/** The published schedule holding an assignment (or the given schedule). */
export function scheduleOfAssignment(store: ScheduleStore, assignmentId: string, scheduleId?: string): string {
  if (scheduleId !== undefined) {
    if (!store.getSchedule(scheduleId)) throw new ToolError(`unknown schedule id "${scheduleId}"`, 'NOT_FOUND');
    return scheduleId;
  }
  const found = store.publishedScheduleOf(assignmentId);
  if (found === undefined) throw new ToolError(`no published assignment "${assignmentId}"`, 'NOT_FOUND');
  return found;
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
  // The score of a candidate depends on the two people's shifts only: the snapshot holds just those.
  const parties = { range: context, people: [proposal.requesterId, proposal.targetPersonId], near: [] };
  const snapshot = snapshotWith(store, schedule, store.selectedAssignments(schedule.id, { around: parties }), context, store.dataVersion());
  const shift = snapshot.shifts.find((s) => s.assignmentId === source.id);
  if (!shift) return undefined;
  const found = findSwapCandidates(new EligibilityIndex(snapshot), { requester, shift, window, history: swapCounts(store, requester.id), onlyPerson: proposal.targetPersonId });
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
  const swap = loadSwap(store.swaps, written.result);
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
    const open = tx.swaps.openRequestFor(input.assignmentId);
    if (open !== undefined) throw new ToolError(`assignment "${input.assignmentId}" already has an open swap request (${open})`, 'CONFLICT');
    const id = `swap-${randomUUID().slice(0, 8)}`;
    const details: SwapDetails = {
      dates: validation.dates,
      touches_locked_period: validation.touchesLockedPeriod,
      warnings: validation.warnings,
      ...(match ? { match } : {}),
    };
    tx.swaps.insert({ ...proposal, id, ...(input.reason !== undefined ? { reason: input.reason } : {}), details });
    // Requesting is the requester's consent; the other party has yet to answer.
    tx.swaps.setConsent(id, { personId: proposal.requesterId, role: 'requester', approved: true, respondedAt: tx.at });
    tx.swaps.setConsent(id, { personId: proposal.targetPersonId, role: 'candidate', approved: null });
    tx.audit(
      {
        swap_id: id,
        swap_type: proposal.swapType,
        requester: proposal.requesterId,
        target: proposal.targetPersonId,
        assignments: validation.moves.map((m) => m.assignment.id),
        warnings: validation.warnings.map((w) => w.code),
      },
      id,
    );
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

export function recordConsent(deps: SwapDeps, input: ConsentInput): SwapWriteResult {
  const written = deps.store.write(input.actor, 'record_swap_consent', input.expectedVersion, (tx) => {
    const swap = loadSwap(tx.swaps, input.swapId);
    // An approved swap takes a renewed consent (or a withdrawal) until it is executed.
    requireStatus(swap, ['pending', 'approved'], 'consented to');
    const party = swap.consents.find((c) => c.personId === input.personId && c.role !== 'coordinator');
    if (!party) throw new ToolError(`${input.personId} is not a party to swap ${swap.id} (parties: ${swap.requesterId}, ${swap.targetPersonId})`, 'FORBIDDEN');
    tx.swaps.setConsent(swap.id, {
      personId: input.personId,
      role: party.role,
      approved: input.consent,
      respondedAt: tx.at,
      ...(input.notes !== undefined ? { notes: input.notes } : {}),
    });
    if (!input.consent) tx.swaps.update(swap.id, { status: 'rejected', decidedAt: tx.at, decidedBy: input.personId });
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

export function decideSwap(deps: SwapDeps, input: DecisionInput): SwapWriteResult {
  const { store } = deps;
  // Validated on the expected version; the write below refuses any other version.
  const validation = input.approve
    ? atVersion(store, input.expectedVersion, () => {
        const swap = getSwap(store, input.swapId);
        return swap.status === 'pending' ? validateSwap(store, deps.now(), proposalOf(swap)) : undefined;
      })
    : undefined;
  const written = store.write(input.actor, input.approve ? 'approve_swap' : 'reject_swap', input.expectedVersion, (tx) => {
    const swap = loadSwap(tx.swaps, input.swapId);
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
      requireFreshConsents(deps, swap, 'approved');
      if (validation && !validation.valid) refuse(validation, `swap ${swap.id} cannot be approved`);
    }
    const details: SwapDetails = { ...swap.details, ...(input.reason ? { decision_reason: input.reason } : {}) };
    tx.swaps.update(swap.id, { status: input.approve ? 'approved' : 'rejected', decidedAt: tx.at, decidedBy: input.actor, details });
    tx.swaps.setConsent(swap.id, {
      personId: input.actor,
      role: 'coordinator',
      approved: input.approve,
      respondedAt: tx.at,
      ...(input.reason !== undefined ? { notes: input.reason } : {}),
    });
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

export function executeSwap(deps: SwapDeps, input: ExecuteInput): SwapWriteResult {
  const { store } = deps;
  // Validated on the expected version; the write below refuses any other version.
  const validation = atVersion(store, input.expectedVersion, () => {
    const swap = getSwap(store, input.swapId);
    return swap.status === 'approved' ? validateSwap(store, deps.now(), proposalOf(swap)) : undefined;
  });
  const written = store.write(input.actor, 'execute_swap', input.expectedVersion, (tx) => {
    const swap = loadSwap(tx.swaps, input.swapId);
    requireStatus(swap, ['approved'], 'executed');
    requireFreshConsents(deps, swap, 'executed');
    if (!validation?.valid) refuse(validation!, `swap ${swap.id} cannot be executed`);
    const before = validation.moves.map((m) => m.assignment);
    const backupId = tx.backups.insert(swap.scheduleId, `before executing swap ${swap.id}`, { kind: 'swap', swapId: swap.id, assignments: before } satisfies SwapBackup);
    for (const { assignment, to } of validation.moves) tx.updateAssignment(swap.scheduleId, assignment.id, { personId: to });
    const deadline = new Date(deps.now() + ROLLBACK_WINDOW_HOURS * HOUR_MS).toISOString();
    tx.swaps.update(swap.id, { status: 'executed', executedAt: tx.at, executedBy: input.actor, backupId, rollbackDeadline: deadline });
    const moves = validation.moves.map((m) => ({ assignment: m.assignment.id, from: m.assignment.personId, to: m.to }));
    tx.audit({ swap_id: swap.id, backup_id: backupId, rollback_deadline: deadline, moves }, swap.id);
    tx.notifications.insert({
      event: 'swap_executed',
      recipients: [...new Set([swap.requesterId, swap.targetPersonId, ...(swap.decidedBy ? [swap.decidedBy] : [])])],
      subject: `Swap ${swap.id} executed`,
      message: `Swap ${swap.id} (${swap.swapType}) between ${swap.requesterId} and ${swap.targetPersonId} on ${swap.details.dates.join(', ')} was executed by ${input.actor}; it can be rolled back until ${deadline}.`,
      target: swap.id,
      details: { swap_id: swap.id, schedule_id: swap.scheduleId, moves },
    });
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
    const swap = loadSwap(tx.swaps, input.swapId);
    requireStatus(swap, ['executed'], 'rolled back');
    if (!swap.rollbackDeadline || deps.now() > Date.parse(swap.rollbackDeadline)) {
      throw new ToolError(`swap ${swap.id} can no longer be rolled back: the ${ROLLBACK_WINDOW_HOURS}-hour window ended at ${swap.rollbackDeadline}`, 'ROLLBACK_WINDOW_EXPIRED');
    }
    const backup = tx.backups.payload(swap.backupId ?? '') as SwapBackup | undefined;
    if (!backup) throw new ToolError(`the backup of swap ${swap.id} is missing`, 'ROLLBACK_FAILED');
    const before = backup.assignments;
    const current = tx.assignments(swap.scheduleId);
    const expectedOwner = new Map([[swap.assignmentId, swap.targetPersonId], ...(swap.targetAssignmentId ? [[swap.targetAssignmentId, swap.requesterId] as const] : [])]);
    for (const [id, owner] of expectedOwner) {
      const now = current.find((a) => a.id === id);
      if (!now || now.personId !== owner) {
        throw new ToolError(
          `assignment "${id}" changed after swap ${swap.id} was executed (now ${now ? now.personId : 'deleted'}); it cannot be rolled back automatically`,
          'CONFLICT',
        );
      }
    }
    for (const a of before) tx.updateAssignment(swap.scheduleId, a.id, { personId: a.personId });
    const details: SwapDetails = { ...swap.details, ...(input.reason ? { rollback_reason: input.reason } : {}) };
    tx.swaps.update(swap.id, { status: 'rolled_back', rolledBackAt: tx.at, rolledBackBy: input.actor, details });
    tx.audit(
      { swap_id: swap.id, backup_id: swap.backupId, restored: before.map((a) => ({ assignment: a.id, to: a.personId })), ...(input.reason ? { reason: input.reason } : {}) },
      swap.id,
    );
    return swap.id;
  });
  return finish(deps.store, written);
}

export function cancelSwap(deps: ServiceDeps, input: RollbackInput): SwapWriteResult {
  const written = deps.store.write(input.actor, 'cancel_swap', input.expectedVersion, (tx) => {
    const swap = loadSwap(tx.swaps, input.swapId);
    requireStatus(swap, ['pending', 'approved'], 'cancelled');
    const details: SwapDetails = { ...swap.details, ...(input.reason ? { cancel_reason: input.reason } : {}) };
    tx.swaps.update(swap.id, { status: 'cancelled', details });
    tx.audit({ swap_id: swap.id, previous_status: swap.status, ...(input.reason ? { reason: input.reason } : {}) }, swap.id);
    return swap.id;
  });
  return finish(deps.store, written);
}

export function getSwap(store: ScheduleStore, id: string): SwapRecord {
  return loadSwap(store.swaps, id);
}

/** Swaps a person requested or was asked to take, newest first. */
export function swapHistory(store: ScheduleStore, personId: string, options: { status?: SwapStatus; limit: number }): SwapRecord[] {
  return store.swaps.history(personId, options);
}
