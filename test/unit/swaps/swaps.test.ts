/**
 * The swap lifecycle against a store: request (validated on the hypothetical schedule by
 * the rule engine), consent, coordinator decision (reason required in the locked period),
 * execution with a backup, rollback inside and outside 24 hours, cancellation, history,
 * the error codes, and an audit record with data versions for every write.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { silentLogger } from '../../../src/core/util/log';
import { addDays, dateToMs } from '../../../src/server/domain/time';
import type { ServiceDeps } from '../../../src/server/generation/service';
import { sampleProgram } from '../../../src/server/program/sample';
import type { ScheduleStore } from '../../../src/server/store/store';
import { ToolError } from '../../../src/server/domain/errors';
import { cancelSwap, decideSwap, executeSwap, getSwap, recordConsent, requestSwap, rollbackSwap, swapHistory } from '../../../src/server/swaps/service';
import { validateSwap } from '../../../src/server/swaps/validate';
import { TestClock, findValidSwap, openStore, type SwapPick } from '../../support/generation/fixtures';

const SCHEDULE = 'block-2027-01-04';

function rejects(fn: () => unknown, code: string, pattern?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ToolError, String(error));
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  });
}

describe('swaps', () => {
  let clock: TestClock;
  let store: ScheduleStore;
  let deps: ServiceDeps;
  const v = () => store.dataVersion();
  const owner = (assignmentId: string) => store.assignments(SCHEDULE).find((a) => a.id === assignmentId)?.personId;
  const request = (pick: SwapPick, type: 'one_to_one' | 'absorb'): ReturnType<typeof requestSwap> =>
    requestSwap(deps, {
      actor: pick.requesterId,
      expectedVersion: v(),
      requesterId: pick.requesterId,
      assignmentId: pick.assignmentId,
      swapType: type,
      targetPersonId: pick.targetPersonId,
      ...(pick.targetAssignmentId ? { targetAssignmentId: pick.targetAssignmentId } : {}),
    });

  beforeEach(() => {
    clock = new TestClock();
    store = openStore(sampleProgram, clock);
    deps = { store, now: clock.now, logger: silentLogger };
  });
  afterEach(() => store.close());

  it('runs a one_to_one swap from request to rollback, auditing every step', () => {
    const pick = findValidSwap(store, 'one_to_one', '2027-01-10');
    const start = v();
    const requested = request(pick, 'one_to_one');
    assert.equal(requested.swap.status, 'pending');
    assert.equal(requested.dataVersion, start + 1);
    assert.deepEqual(requested.awaiting, [`consent of ${pick.targetPersonId}`, 'coordinator approval']);
    assert.ok(requested.swap.details.match && requested.swap.details.match.score > 0, 'scored like analyze_swap_candidates_tool');
    const id = requested.swap.id;

    rejects(() => decideSwap(deps, { actor: 'coordinator', expectedVersion: v(), swapId: id, approve: true }), 'INVALID_STATUS', /waiting for the consent/);
    const consented = recordConsent(deps, { actor: pick.targetPersonId, expectedVersion: v(), swapId: id, personId: pick.targetPersonId, consent: true });
    assert.deepEqual(consented.awaiting, ['coordinator approval']);
    rejects(() => decideSwap(deps, { actor: pick.requesterId, expectedVersion: v(), swapId: id, approve: true }), 'FORBIDDEN');
    rejects(() => executeSwap(deps, { actor: 'coordinator', expectedVersion: v(), swapId: id }), 'INVALID_STATUS');
    assert.equal(decideSwap(deps, { actor: 'coordinator', expectedVersion: v(), swapId: id, approve: true }).swap.status, 'approved');

    const executed = executeSwap(deps, { actor: 'coordinator', expectedVersion: v(), swapId: id });
    assert.equal(executed.swap.status, 'executed');
    assert.equal(owner(pick.assignmentId), pick.targetPersonId);
    assert.equal(owner(pick.targetAssignmentId!), pick.requesterId);
    assert.equal(executed.swap.rollbackDeadline, new Date(clock.now() + 24 * 3_600_000).toISOString());
    const backup = store.query<{ payload: string }>('SELECT payload FROM backups WHERE id = ?', [executed.swap.backupId!]);
    assert.equal(backup.length, 1, 'a backup before execution');

    clock.advanceHours(23);
    assert.equal(rollbackSwap(deps, { actor: 'coordinator', expectedVersion: v(), swapId: id, reason: 'changed plans' }).swap.status, 'rolled_back');
    assert.equal(owner(pick.assignmentId), pick.requesterId);
    assert.equal(owner(pick.targetAssignmentId!), pick.targetPersonId);

    const history = swapHistory(store, pick.targetPersonId, { limit: 10 });
    assert.deepEqual(
      history.map((s) => [s.id, s.status]),
      [[id, 'rolled_back']],
    );
    const audit = store.auditLog({ limit: 5 }).reverse();
    assert.deepEqual(
      audit.map((e) => e.action),
      ['request_swap', 'record_swap_consent', 'approve_swap', 'execute_swap', 'rollback_swap'],
    );
    for (const e of audit) {
      assert.equal(e.target, id);
      assert.equal(e.versionAfter, e.versionBefore + 1);
    }
  });

  it('refuses a rollback after 24 hours, and after the assignment changed again', () => {
    const pick = findValidSwap(store, 'absorb', '2027-01-10');
    const id = request(pick, 'absorb').swap.id;
    recordConsent(deps, { actor: pick.targetPersonId, expectedVersion: v(), swapId: id, personId: pick.targetPersonId, consent: true });
    decideSwap(deps, { actor: 'coordinator', expectedVersion: v(), swapId: id, approve: true });
    executeSwap(deps, { actor: 'coordinator', expectedVersion: v(), swapId: id });
    store.write('coordinator', 'manual_edit', v(), (tx) => tx.updateAssignment(SCHEDULE, pick.assignmentId, { personId: pick.requesterId }));
    rejects(() => rollbackSwap(deps, { actor: 'coordinator', expectedVersion: v(), swapId: id }), 'CONFLICT', /changed after swap/);
    clock.advanceHours(25);
    rejects(() => rollbackSwap(deps, { actor: 'coordinator', expectedVersion: v(), swapId: id }), 'ROLLBACK_WINDOW_EXPIRED');
    assert.equal(getSwap(store, id).status, 'executed');
  });

  it('lets a party decline (rejected) and a requester cancel; finished swaps cannot move on', () => {
    const pick = findValidSwap(store, 'absorb', '2027-01-10');
    const declined = request(pick, 'absorb').swap.id;
    assert.equal(
      recordConsent(deps, { actor: pick.targetPersonId, expectedVersion: v(), swapId: declined, personId: pick.targetPersonId, consent: false, notes: 'on holiday' }).swap.status,
      'rejected',
    );
    rejects(() => decideSwap(deps, { actor: 'coordinator', expectedVersion: v(), swapId: declined, approve: true }), 'INVALID_STATUS');
    rejects(() => recordConsent(deps, { actor: 'x', expectedVersion: v(), swapId: declined, personId: 'r-001', consent: true }), 'INVALID_STATUS');

    const cancelled = request(pick, 'absorb').swap.id;
    rejects(() => request(pick, 'absorb'), 'CONFLICT', /already has an open swap request/);
    assert.equal(cancelSwap(deps, { actor: pick.requesterId, expectedVersion: v(), swapId: cancelled }).swap.status, 'cancelled');
    rejects(() => cancelSwap(deps, { actor: pick.requesterId, expectedVersion: v(), swapId: cancelled }), 'INVALID_STATUS');
    rejects(() => getSwap(store, 'swap-missing'), 'NOT_FOUND');
  });

  it('needs a coordinator reason for a swap in the locked period', () => {
    const pick = findValidSwap(store, 'absorb', '2027-01-10');
    store.write('coordinator', 'lock', v(), (tx) => tx.updateSchedule(SCHEDULE, { lockedThrough: addDays(pick.date, 1) }));
    const requested = request(pick, 'absorb');
    assert.equal(requested.swap.details.touches_locked_period, true);
    assert.ok(requested.validation.warnings.some((w) => w.code === 'LOCKED_PERIOD'));
    recordConsent(deps, { actor: pick.targetPersonId, expectedVersion: v(), swapId: requested.swap.id, personId: pick.targetPersonId, consent: true });
    rejects(() => decideSwap(deps, { actor: 'coordinator', expectedVersion: v(), swapId: requested.swap.id, approve: true }), 'REASON_REQUIRED');
    const approved = decideSwap(deps, { actor: 'coordinator', expectedVersion: v(), swapId: requested.swap.id, approve: true, reason: 'sick child, cover agreed' });
    assert.equal(approved.swap.details.decision_reason, 'sick child, cover agreed');
  });

  it('refuses past dates, warns under 14 days, refuses a swap the rule engine rejects, and stale versions', () => {
    const pick = findValidSwap(store, 'absorb', '2027-01-10');
    const proposal = { scheduleId: SCHEDULE, swapType: 'absorb' as const, requesterId: pick.requesterId, assignmentId: pick.assignmentId, targetPersonId: pick.targetPersonId };
    assert.equal(validateSwap(store, clock.now(), proposal).valid, true);
    const soon = validateSwap(store, dateToMs(pick.date) - 5 * 86_400_000, proposal);
    assert.equal(soon.valid, true);
    assert.ok(soon.warnings.some((w) => w.code === 'IMMINENT_SWAP'));
    const past = validateSwap(store, dateToMs(pick.date) + 2 * 86_400_000, proposal);
    assert.ok(past.errors.some((e) => e.code === 'PAST_DATE'));

    // Somebody already working at the same time cannot take the shift.
    const shift = store.assignments(SCHEDULE).find((a) => a.id === pick.assignmentId)!;
    const busy = store
      .assignments(SCHEDULE)
      .find(
        (a) =>
          a.date === shift.date &&
          a.shiftTypeId === shift.shiftTypeId &&
          a.personId !== shift.personId &&
          store.reference().people.find((p) => p.id === a.personId)?.role === 'resident',
      );
    assert.ok(busy, 'another resident works the same shift type that day');
    const clash = validateSwap(store, clock.now(), { ...proposal, targetPersonId: busy.personId });
    assert.equal(clash.valid, false);
    assert.ok(
      clash.errors.some((e) => e.code === 'DOUBLE_BOOKING'),
      JSON.stringify(clash.errors),
    );
    rejects(() => request({ ...pick, targetPersonId: busy.personId }, 'absorb'), 'VALIDATION_FAILED', /DOUBLE_BOOKING/);
    assert.equal(validateSwap(store, clock.now(), { ...proposal, requesterId: pick.targetPersonId }).errors[0]!.code, 'SAME_PERSON');
    assert.equal(validateSwap(store, clock.now(), { ...proposal, requesterId: busy.personId }).errors[0]!.code, 'NOT_OWNER');

    const before = v();
    rejects(
      () =>
        requestSwap(deps, {
          actor: 'x',
          expectedVersion: before - 1,
          requesterId: pick.requesterId,
          assignmentId: pick.assignmentId,
          swapType: 'absorb',
          targetPersonId: pick.targetPersonId,
        }),
      'CONFLICT',
    );
    assert.equal(v(), before, 'nothing written');
  });

  it('of two executions touching the same assignment exactly one wins: the other sees CONFLICT, nothing is lost', () => {
    const first = findValidSwap(store, 'absorb', '2027-01-10');
    const id = request(first, 'absorb').swap.id;
    recordConsent(deps, { actor: first.targetPersonId, expectedVersion: v(), swapId: id, personId: first.targetPersonId, consent: true });
    decideSwap(deps, { actor: 'coordinator', expectedVersion: v(), swapId: id, approve: true });
    const seen = v();
    executeSwap(deps, { actor: 'a', expectedVersion: seen, swapId: id });
    rejects(() => executeSwap(deps, { actor: 'b', expectedVersion: seen, swapId: id }), 'CONFLICT');
    rejects(() => executeSwap(deps, { actor: 'b', expectedVersion: v(), swapId: id }), 'INVALID_STATUS');
    assert.equal(owner(first.assignmentId), first.targetPersonId);
    assert.equal(store.auditLog({ action: 'execute_swap' }).length, 1);
  });
});
