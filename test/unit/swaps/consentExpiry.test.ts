/**
 * Swap consents expire: approving or executing with a party's consent older than the
 * consent lifetime (24 h unless configured) is refused with CONSENT_EXPIRED and changes
 * nothing; the party renews it with record_swap_consent, also on an approved swap. An
 * executed swap leaves a notice in the outbox for its parties.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { silentLogger } from '../../../src/core/util/log';
import { ToolError } from '../../../src/server/domain/errors';
import { sampleProgram } from '../../../src/server/program/sample';
import type { ScheduleStore } from '../../../src/server/store/store';
import { decideSwap, executeSwap, expiredConsents, getSwap, recordConsent, requestSwap, type SwapDeps } from '../../../src/server/swaps/service';
import { TestClock, findValidSwap, openStore } from '../../support/generation/fixtures';

function rejects(fn: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ToolError, String(error));
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('swap consent expiry', () => {
  let clock: TestClock;
  let store: ScheduleStore;
  const v = () => store.dataVersion();

  beforeEach(() => {
    clock = new TestClock();
    store = openStore(sampleProgram, clock);
  });
  afterEach(() => store.close());

  function requested(deps: SwapDeps) {
    const pick = findValidSwap(store, 'one_to_one', '2027-01-10');
    const { swap } = requestSwap(deps, {
      actor: pick.requesterId,
      expectedVersion: v(),
      requesterId: pick.requesterId,
      assignmentId: pick.assignmentId,
      swapType: 'one_to_one',
      targetPersonId: pick.targetPersonId,
      targetAssignmentId: pick.targetAssignmentId!,
    });
    recordConsent(deps, { actor: pick.targetPersonId, expectedVersion: v(), swapId: swap.id, personId: pick.targetPersonId, consent: true });
    return { pick, id: swap.id };
  }

  it('24 h by default: an approved swap whose consents are older cannot be executed until they are renewed', () => {
    const deps: SwapDeps = { store, now: clock.now, logger: silentLogger };
    const { pick, id } = requested(deps);
    clock.advanceHours(20);
    decideSwap(deps, { actor: 'coordinator', expectedVersion: v(), swapId: id, approve: true });
    clock.advanceHours(5);
    assert.deepEqual(
      expiredConsents(getSwap(store, id), clock.now())
        .map((e) => e.personId)
        .sort(),
      [pick.requesterId, pick.targetPersonId].sort(),
    );
    const before = v();
    rejects(
      () => executeSwap(deps, { actor: 'coordinator', expectedVersion: v(), swapId: id }),
      'CONSENT_EXPIRED',
      /cannot be executed: the consent of .* \(expired 20\d\d-.*\) .*older than 24 h; ask for it again/,
    );
    assert.equal(v(), before, 'nothing changed');
    assert.equal(getSwap(store, id).status, 'approved');

    for (const person of [pick.requesterId, pick.targetPersonId]) recordConsent(deps, { actor: person, expectedVersion: v(), swapId: id, personId: person, consent: true });
    assert.equal(executeSwap(deps, { actor: 'coordinator', expectedVersion: v(), swapId: id }).swap.status, 'executed');
    const [notice] = store.notifications.list({ event: 'swap_executed' });
    assert.equal(notice?.target, id);
    assert.deepEqual([...notice!.recipients].sort(), [pick.requesterId, pick.targetPersonId, 'coordinator'].sort());
    assert.equal(notice!.deliveredAt, undefined, 'recorded, not yet delivered');
  });

  it('the lifetime is configurable, and approval is refused as well', () => {
    const deps: SwapDeps = { store, now: clock.now, logger: silentLogger, consentTtlMs: 2 * 3_600_000 };
    const { id } = requested(deps);
    clock.advanceHours(3);
    rejects(() => decideSwap(deps, { actor: 'coordinator', expectedVersion: v(), swapId: id, approve: true }), 'CONSENT_EXPIRED', /cannot be approved: .*older than 2 h/);
    assert.equal(getSwap(store, id).status, 'pending');
  });
});
