/** The run store: the same snapshot for early and late subscribers, live and rebuilt from history; changes name what changed. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { snapshotFromHistory } from '../../../src/core/app/runSnapshot';
import { RunStore, type StoreChange } from '../../../src/core/app/runStore';
import type { RunEvent } from '../../../src/core/engine/events';
import { load, tempDir } from '../../support/engine/harness';
import { rig, settle, swapFlow, until } from './fixture';

const APPROVE = { approved: true, approver: 'pat', reason: 'checked' };

describe('run store', () => {
  it('shows the planned phases and steps as queued before they start', () => {
    const store = new RunStore(() => swapFlow);
    store.apply({
      type: 'run_started',
      runId: 'r1',
      workflowId: 'swap',
      workflowVersion: 1,
      title: 'Swap',
      mode: 'standard',
      inputs: {},
      scheduleId: 'default',
      writes: true,
      resumed: false,
      at: 1,
    });
    const s = store.snapshot('r1')!;
    assert.deepEqual(
      s.phases.map((p) => [p.phaseId, p.state, p.steps.map((x) => `${x.stepId}:${x.state}`)]),
      [
        ['check', 'queued', ['validate:queued']],
        ['apply', 'queued', ['approve:queued', 'write:queued']],
        ['post', 'queued', ['post_validate:queued']],
      ],
    );
    assert.equal(s.phases[1]!.steps[1]!.writes, true);
  });

  it('gives a late subscriber the same events and snapshot as an early one, and equals the fold of the recorded history', async () => {
    const r = await rig(tempDir('store'));
    const early: RunEvent[] = [];
    const handle = r.engine.start(load(swapFlow, ['apply_swap']), { inputs: { swap: 'S-1' } });
    r.store.subscribe(handle.runId, (e) => early.push(e));
    // The run starts on the next microtask: the early subscriber attached before any event.
    await until(r.clock, () => r.broker.pending().length > 0, 'the approval request');
    assert.equal(r.store.snapshot(handle.runId)!.state, 'waiting');
    assert.equal(r.broker.answer(handle.runId, 'approve', { ...APPROVE, at: r.clock.now() }), true);
    const summary = await settle(r.clock, handle.result);
    assert.equal(summary.status, 'completed');

    const late: RunEvent[] = [];
    r.store.subscribe(handle.runId, (e) => late.push(e));
    assert.deepEqual(
      late.map((e) => e.type),
      early.filter((e) => e.type !== 'progress').map((e) => e.type),
    );
    const live = r.store.snapshot(handle.runId)!;
    assert.equal(live.state, 'completed');
    assert.ok(live.phases.every((p) => p.steps.every((s) => s.state === 'succeeded')));
    const rebuilt = snapshotFromHistory(await r.history.read(handle.runId), swapFlow);
    assert.deepEqual(rebuilt, live);
  });

  it('names the changed run, phase or step in each change', async () => {
    const r = await rig(tempDir('store'));
    const changes: StoreChange[] = [];
    r.store.onDidChange((c) => changes.push(c));
    const handle = r.engine.start(load(swapFlow, ['apply_swap']), { inputs: { swap: 'S-2' } });
    await until(r.clock, () => r.broker.pending().length > 0, 'the approval request');
    r.broker.answer(handle.runId, 'approve', { ...APPROVE, at: r.clock.now() });
    await settle(r.clock, handle.result);
    assert.deepEqual(changes[0], { runId: handle.runId, kind: 'added' });
    const stepChanges = changes.filter((c) => c.stepId === 'write');
    assert.ok(stepChanges.length >= 2, 'started and finished');
    assert.ok(stepChanges.every((c) => c.phaseId === 'apply' && c.kind === 'changed'));
    assert.ok(changes.some((c) => c.phaseId === 'post' && c.stepId === undefined));
    assert.ok(changes.every((c) => c.runId === handle.runId));
  });

  it('lists runs of an earlier process from the history; an unfinished one is interrupted', async () => {
    const dir = tempDir('store');
    const first = await rig(dir);
    const done = first.engine.start(load(swapFlow, ['apply_swap']), { inputs: { swap: 'S-3' } });
    await until(first.clock, () => first.broker.pending().length > 0, 'the approval request');
    first.broker.answer(done.runId, 'approve', { ...APPROVE, at: first.clock.now() });
    await settle(first.clock, done.result);
    const left = first.engine.start(load(swapFlow, ['apply_swap']), { inputs: { swap: 'S-4' } });
    await until(first.clock, () => first.broker.pending().length > 0, 'the second approval request');
    // The first process is gone with its run waiting for approval.

    const second = new RunStore(() => swapFlow);
    await second.loadHistory(first.history);
    const listed = second.list().map((s) => [s.snapshot.runId, s.snapshot.state, s.live, s.interrupted]);
    assert.deepEqual(
      listed.sort(),
      [
        [done.runId, 'completed', false, false],
        [left.runId, 'waiting', false, true],
      ].sort(),
    );
  });
});
