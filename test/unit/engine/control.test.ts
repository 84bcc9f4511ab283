/** Cancellation, time limits, and the writer lock. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WorkflowDefinition } from '../../../src/core/engine/definition';
import { OrchestratorError } from '../../../src/core/errors';
import { FakeClock } from '../../support/engine/fakeClock';
import { FakeToolServer } from '../../support/engine/fakeTools';
import { anyInputs, eventsOf, harness, load } from '../../support/engine/harness';

const analysis: WorkflowDefinition = {
  id: 'analysis',
  title: 'Analysis',
  version: 1,
  parseInputs: anyInputs,
  modes: { standard: {}, express: { timeoutMs: 300 } },
  defaultMode: 'standard',
  timeoutMs: 60_000,
  phases: [
    {
      id: 'signals',
      title: 'Signals',
      run: 'parallel',
      steps: [
        { kind: 'tool', id: 'fast', capability: 'run_spc_analysis', args: () => ({}) },
        { kind: 'tool', id: 'slow', capability: 'run_contingency_analysis_deep', args: () => ({}) },
        { kind: 'tool', id: 'slower', capability: 'calculate_burnout_rt', args: () => ({}) },
      ],
    },
    { id: 'synthesis', title: 'Synthesis', run: 'serial', steps: [{ kind: 'tool', id: 'unified', capability: 'get_unified_critical_index', args: () => ({}) }] },
  ],
};

function server(clock: FakeClock): FakeToolServer {
  return new FakeToolServer(clock)
    .define('run_spc_analysis', { latencyMs: 10 })
    .define('run_contingency_analysis_deep', { latencyMs: 2000 })
    .define('calculate_burnout_rt', { latencyMs: 3000 })
    .define('get_unified_critical_index', { latencyMs: 100 });
}

describe('cancellation', () => {
  it('cancelling mid-phase aborts the calls in flight on the server and ends the run cancelled', async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: server(clock) });
    const handle = h.engine.start(load(analysis));
    await clock.advance(500);
    handle.cancel('Stop pressed');
    const summary = await clock.run(handle.result);
    assert.equal(summary.status, 'cancelled');
    assert.equal(summary.reason, 'Stop pressed');
    for (const capability of ['run_contingency_analysis_deep', 'calculate_burnout_rt']) {
      const call = h.tools.callsTo(capability)[0]!;
      assert.equal(call.outcome, 'aborted');
      assert.ok(call.options.signal.aborted);
      assert.ok(call.abortedWith instanceof OrchestratorError && call.abortedWith.kind === 'cancelled');
      assert.equal(call.endedAt! - summary.startedAt, 500, 'aborted at the moment of cancellation');
    }
    assert.equal(h.tools.callsTo('run_contingency_analysis_deep').length, 1, 'no retry after a cancel');
    assert.equal(h.tools.callsTo('get_unified_critical_index').length, 0);
    assert.equal(summary.steps.find((s) => s.stepId === 'fast')!.status, 'succeeded');
    assert.equal(summary.steps.find((s) => s.stepId === 'slow')!.status, 'failed');
    assert.equal(summary.steps.find((s) => s.stepId === 'unified')!.skip?.cause, 'not_run');
    assert.equal(eventsOf(h.events, 'run_finished')[0]!.status, 'cancelled');
  });

  it("the caller's AbortSignal cancels the run too", async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: server(clock) });
    const controller = new AbortController();
    const handle = h.engine.start(load(analysis), { signal: controller.signal });
    await clock.advance(100);
    controller.abort('window closed');
    const summary = await clock.run(handle.result);
    assert.equal(summary.status, 'cancelled');
    assert.equal(summary.reason, 'window closed');
    assert.equal(h.tools.callsTo('calculate_burnout_rt')[0]!.outcome, 'aborted');
  });

  it("the workflow's time limit (here the mode's) stops everything in flight", async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: server(clock) });
    const summary = await clock.run(h.engine.start(load(analysis), { mode: 'express' }).result);
    assert.equal(summary.status, 'failed');
    assert.equal(summary.reason, 'The workflow exceeded its 300 ms time limit');
    assert.equal(summary.durationMs, 300);
    assert.equal(h.tools.callsTo('calculate_burnout_rt')[0]!.outcome, 'aborted');
  });
});

describe('run handles', () => {
  it('subscribing to the handle right after start sees the whole run, and only that run', async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: server(clock) });
    const a = h.engine.start(load(analysis));
    const b = h.engine.start(load(analysis));
    const seen: string[] = [];
    a.subscribe((e) => seen.push(`${e.runId}:${e.type}`));
    await clock.run(Promise.all([a.result, b.result]));
    assert.equal(seen[0], `${a.runId}:run_started`);
    assert.equal(seen.at(-1), `${a.runId}:run_finished`);
    assert.ok(seen.every((e) => e.startsWith(a.runId + ':')));
  });

  it('dispose cancels every active run', async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: server(clock) });
    const handle = h.engine.start(load(analysis));
    await clock.advance(50);
    const disposed = h.engine.dispose();
    await clock.run(disposed);
    assert.equal((await handle.result).status, 'cancelled');
    assert.deepEqual(h.engine.activeRuns(), []);
  });
});

describe('writer lock', () => {
  const writer = (id: string): WorkflowDefinition => ({
    id,
    title: id,
    version: 1,
    parseInputs: anyInputs,
    modes: { standard: {} },
    defaultMode: 'standard',
    timeoutMs: 60_000,
    phases: [
      {
        id: 'p',
        title: 'P',
        run: 'serial',
        steps: [
          { kind: 'approval', id: 'ok', title: 'Go?', request: () => ({ summary: 'write' }) },
          { kind: 'tool', id: 'w', capability: 'generate_schedule', writes: true, dependsOn: ['ok'], args: () => ({}) },
        ],
      },
    ],
  });

  it('a second writer on the same schedule waits, visibly queued behind the first', async () => {
    const clock = new FakeClock();
    const h = await harness({
      clock,
      tools: new FakeToolServer(clock).define('generate_schedule', { writes: true, latencyMs: 1000 }).define('run_spc_analysis', { latencyMs: 10 }),
    });
    h.approvals.enqueue({ approved: true, approver: 'a', reason: 'ok' }, { approved: true, approver: 'b', reason: 'ok' });
    const first = h.engine.start(load(writer('gen'), ['generate_schedule']), { scheduleId: 'block-7' });
    const second = h.engine.start(load(writer('gen'), ['generate_schedule']), { scheduleId: 'block-7' });
    const reader = h.engine.start(
      load({ ...analysis, phases: [{ id: 'p', title: 'P', run: 'serial', steps: [{ kind: 'tool', id: 'spc', capability: 'run_spc_analysis', args: () => ({}) }] }] }),
      { scheduleId: 'block-7' },
    );
    const [a, b, r] = await clock.run(Promise.all([first.result, second.result, reader.result]));
    assert.deepEqual([a.status, b.status, r.status], ['completed', 'completed', 'completed']);
    const queued = eventsOf(h.events, 'run_queued');
    assert.equal(queued.length, 1);
    assert.equal(queued[0]!.runId, second.runId);
    assert.equal(queued[0]!.behindRunId, first.runId);
    const [c1, c2] = h.tools.callsTo('generate_schedule');
    assert.ok(c2!.startedAt >= c1!.endedAt!, 'the writes did not overlap');
    assert.equal(r.durationMs, 10, 'the read-only run did not wait');
  });

  it('time spent queued does not count against the workflow time limit', async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: new FakeToolServer(clock).define('generate_schedule', { writes: true, latencyMs: 4000 }) });
    h.approvals.enqueue({ approved: true, approver: 'a', reason: 'ok' }, { approved: true, approver: 'b', reason: 'ok' });
    const def = { ...writer('gen'), timeoutMs: 6000 };
    const [a, b] = await clock.run(Promise.all([h.engine.start(load(def, ['generate_schedule'])).result, h.engine.start(load(def, ['generate_schedule'])).result]));
    assert.deepEqual([a.status, b.status], ['completed', 'completed']);
    assert.equal(b.durationMs, 8000);
  });

  it('can refuse instead of queueing; other schedules are independent', async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, whenBusy: 'refuse', tools: new FakeToolServer(clock).define('generate_schedule', { writes: true, latencyMs: 1000 }) });
    h.approvals.enqueue({ approved: true, approver: 'a', reason: 'ok' }, { approved: true, approver: 'b', reason: 'ok' });
    const first = h.engine.start(load(writer('gen'), ['generate_schedule']), { scheduleId: 'block-7' });
    const second = h.engine.start(load(writer('gen'), ['generate_schedule']), { scheduleId: 'block-7' });
    const other = h.engine.start(load(writer('gen'), ['generate_schedule']), { scheduleId: 'block-8' });
    const [a, b, c] = await clock.run(Promise.all([first.result, second.result, other.result]));
    assert.equal(a.status, 'completed');
    assert.equal(b.status, 'refused');
    assert.equal(b.reason, `Schedule block-7 is being changed by run ${first.runId}`);
    assert.equal(c.status, 'completed');
    assert.equal(h.tools.callsTo('generate_schedule').length, 2);
  });

  it('a queued run that is cancelled leaves the queue', async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: new FakeToolServer(clock).define('generate_schedule', { writes: true, latencyMs: 1000 }) });
    h.approvals.enqueue({ approved: true, approver: 'a', reason: 'ok' }, { approved: true, approver: 'c', reason: 'ok' });
    const first = h.engine.start(load(writer('gen'), ['generate_schedule']));
    const second = h.engine.start(load(writer('gen'), ['generate_schedule']));
    await clock.advance(10);
    second.cancel('no longer needed');
    const third = h.engine.start(load(writer('gen'), ['generate_schedule']));
    const [a, b, c] = await clock.run(Promise.all([first.result, second.result, third.result]));
    assert.deepEqual([a.status, b.status, c.status], ['completed', 'cancelled', 'completed']);
    assert.equal(h.tools.callsTo('generate_schedule').length, 2);
  });
});
