/** The approval broker: per-run responders, pending requests answered later (also after a host restart), withdrawal on cancel. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApprovalResponder } from '../../../src/core/app/approvalBroker';
import { approvalView, describeApproval } from '../../../src/core/app/approvalView';
import type { ApprovalRequest } from '../../../src/core/engine/approval';
import { load, tempDir } from '../../support/engine/harness';
import { rig, settle, swapFlow, until } from './fixture';

const answerAs =
  (approver: string, approved: boolean): ApprovalResponder =>
  async () => ({ approved, approver, reason: `${approver} decided`, at: 0 });

describe('approval broker', () => {
  it('routes each run to its own responder and the rest to the default one', async () => {
    const r = await rig(tempDir('broker'));
    r.broker.setDefaultResponder(answerAs('default', false));
    const loaded = load(swapFlow, ['apply_swap']);
    const fromChat = r.engine.start(loaded, { inputs: { swap: 'A' } });
    const fromTree = r.engine.start(loaded, { inputs: { swap: 'B' }, scheduleId: 'other' });
    const plain = r.engine.start(loaded, { inputs: { swap: 'C' }, scheduleId: 'third' });
    r.broker.route(fromChat.runId, answerAs('chat user', true));
    r.broker.route(fromTree.runId, answerAs('tree user', false));
    const [a, b, c] = await settle(r.clock, Promise.all([fromChat.result, fromTree.result, plain.result]));
    assert.equal(a.status, 'completed');
    assert.equal(b.status, 'rejected');
    assert.match(b.reason!, /tree user/);
    assert.equal(c.status, 'rejected');
    assert.match(c.reason!, /default/);
    assert.deepEqual(
      r.tools.calls.filter((x) => x.capability === 'apply_swap').map((x) => x.args['swap']),
      ['A'],
    );
  });

  it('lists a request no responder answered, and takes the answer later from any host', async () => {
    const r = await rig(tempDir('broker'));
    const kinds: string[] = [];
    r.broker.onDidChange((c) => kinds.push(c.kind));
    r.broker.setDefaultResponder(async () => undefined);
    const run = r.engine.start(load(swapFlow, ['apply_swap']), { inputs: { swap: 'S-9' } });
    await until(r.clock, () => r.broker.pending().length === 1, 'a pending request');
    const [pending] = r.broker.pending();
    assert.equal(pending!.runId, run.runId);
    assert.equal(pending!.view.summary, 'swap S-9');
    assert.deepEqual(pending!.view.checklist, [{ phase: '1', item: 'Baseline compliant', ok: true, note: '0 finding(s)' }]);
    assert.equal(r.broker.answer(run.runId, 'approve', { approved: true, approver: 'pat', reason: 'ok', at: r.clock.now() }), true);
    assert.equal(r.broker.answer(run.runId, 'approve', { approved: false, approver: 'late', reason: 'too late', at: r.clock.now() }), false);
    assert.equal((await settle(r.clock, run.result)).status, 'completed');
    assert.deepEqual(kinds, ['pending', 'answered']);
    assert.equal(r.broker.pending().length, 0);
  });

  it('withdraws a pending request when its run is cancelled: nothing is written', async () => {
    const r = await rig(tempDir('broker'));
    const kinds: string[] = [];
    r.broker.onDidChange((c) => kinds.push(c.kind));
    const run = r.engine.start(load(swapFlow, ['apply_swap']), { inputs: { swap: 'S-5' } });
    await until(r.clock, () => r.broker.pending().length === 1, 'a pending request');
    run.cancel('Stop pressed');
    const summary = await settle(r.clock, run.result);
    assert.equal(summary.status, 'cancelled');
    assert.deepEqual(kinds, ['pending', 'withdrawn']);
    assert.equal(r.broker.pending().length, 0);
    assert.equal(r.broker.answer(run.runId, 'approve', { approved: true, approver: 'pat', reason: 'ok', at: 0 }), false);
    assert.equal(r.tools.calls.filter((x) => x.capability === 'apply_swap').length, 0);
  });

  it("the responder's signal aborts once the request no longer waits: answered from another host, or withdrawn on cancel", async () => {
    const r = await rig(tempDir('broker'));
    const signals: AbortSignal[] = [];
    r.broker.setDefaultResponder(async (_request, _view, signal) => {
      signals.push(signal);
      return undefined;
    });
    const loaded = load(swapFlow, ['apply_swap']);
    const answered = r.engine.start(loaded, { inputs: { swap: 'S-1' } });
    await until(r.clock, () => signals.length === 1, 'the first request');
    assert.equal(signals[0]!.aborted, false, 'the request still waits');
    r.broker.answer(answered.runId, 'approve', { approved: true, approver: 'pat', reason: 'ok', at: r.clock.now() });
    assert.equal(signals[0]!.aborted, true, 'answered elsewhere: what the responder shows can close');
    await settle(r.clock, answered.result);
    const cancelled = r.engine.start(loaded, { inputs: { swap: 'S-2' } });
    await until(r.clock, () => signals.length === 2, 'the second request');
    cancelled.cancel('Stop pressed');
    assert.equal((await settle(r.clock, cancelled.result)).status, 'cancelled');
    assert.equal(signals[1]!.aborted, true, 'withdrawn: what the responder shows can close');
  });

  it('answers after a host restart: the waiting run, resumed from its history, gets the answer given for it', async () => {
    const dir = tempDir('broker');
    const first = await rig(dir);
    const run = first.engine.start(load(swapFlow, ['apply_swap']), { inputs: { swap: 'S-7' } });
    await until(first.clock, () => first.broker.pending().length === 1, 'a pending request');
    // The host stops here; a new one reads the history and sees the run waiting.
    const second = await rig(dir, first.clock);
    await second.store.loadHistory(second.history);
    const waiting = second.store.get(run.runId)!;
    assert.equal(waiting.interrupted, true);
    assert.equal(waiting.snapshot.state, 'waiting');
    const stepId = waiting.snapshot.approvals.at(-1)!.stepId;
    second.broker.prepare(run.runId, stepId, { approved: true, approver: 'pat (after restart)', reason: 'reviewed', at: second.clock.now() });
    const resumed = await second.engine.resume(load(swapFlow, ['apply_swap']), run.runId);
    const summary = await settle(second.clock, resumed.result);
    assert.equal(summary.status, 'completed');
    const record = await second.history.load(run.runId);
    assert.equal(record.approvals.at(-1)!.answer!.approver, 'pat (after restart)');
    assert.equal(second.tools.calls.filter((x) => x.capability === 'apply_swap').length, 1);
    assert.equal(second.store.snapshot(run.runId)!.state, 'completed');
  });

  it('reads approval details as typed fields and describes them in words', () => {
    const request: ApprovalRequest = {
      runId: 'r',
      workflowId: 'generate',
      workflowTitle: 'Schedule generation',
      stepId: 'approval',
      title: 'Publish the draft?',
      summary: 'Publish draft d-1',
      details: {
        draft_id: 'd-1',
        changes: { added: 4, removed: 2 },
        checklist: [{ phase: '6', item: 'Draft compliant', ok: false }, { bogus: true }],
        violations: [{ id: 'f1', severity: 'high', rule: 'weekly_hours', message: 'r-03 at 81 h', sources: ['v'] }],
      },
      blockingIssues: ['r-03 at 81 h'],
      writes: ['publish_draft'],
      requestedAt: 0,
    };
    const view = approvalView(request);
    assert.equal(view.draftId, 'd-1');
    assert.deepEqual(view.changes, { added: 4, removed: 2 });
    assert.equal(view.checklist.length, 1, 'a malformed item is left out');
    assert.equal(view.findings[0]!.rule, 'weekly_hours');
    const text = describeApproval(view).join('\n');
    assert.match(text, /4 assignment\(s\) added, 2 removed/);
    assert.match(text, /\[NO \] phase 6: Draft compliant/);
    assert.match(text, /Blocking issues[\s\S]*r-03 at 81 h/);
    assert.match(text, /Approving allows: publish_draft/);
  });
});
