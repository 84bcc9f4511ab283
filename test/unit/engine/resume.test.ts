/**
 * Run history, crash and resume: completed steps are kept (a completed write is never sent
 * again), a write that was in flight is not re-sent blindly, failed steps are re-driven alone.
 * A crash is simulated by cutting the run file where the process would have died.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { WorkflowDefinition } from '../../../src/core/engine/definition';
import type { RunEvent } from '../../../src/core/engine/events';
import { RunHistory, rebuildRun } from '../../../src/core/engine/history';
import { FakeClock } from '../../support/engine/fakeClock';
import { FakeToolServer } from '../../support/engine/fakeTools';
import { harness, load, tempDir } from '../../support/engine/harness';
import { writeFlow } from '../../support/engine/writeFlow';

const swap = writeFlow({
  id: 'swap',
  title: 'Swap',
  checkRun: 'parallel',
  critical: true,
  approval: { title: 'Apply the swap?', request: () => ({ summary: 'swap r1 <-> r2' }) },
  write: { capability: 'apply_swap', args: (ctx) => ({ swap: ctx.inputs['swap'] }) },
  after: [
    {
      id: 'post',
      title: 'Post-validation',
      run: 'parallel',
      steps: [
        { kind: 'tool', id: 'post_validate', capability: 'validate_schedule', dependsOn: ['write'], args: () => ({ after: true }) },
        { kind: 'tool', id: 'post_conflicts', capability: 'detect_conflicts', dependsOn: ['write'], args: () => ({}) },
      ],
    },
  ],
});

function tools(clock: FakeClock): FakeToolServer {
  return new FakeToolServer(clock)
    .define('validate_schedule', { latencyMs: 10, respond: () => ({ is_valid: true }) })
    .define('apply_swap', { latencyMs: 20, writes: true, respond: () => ({ applied: true, data_version: 2 }) })
    .define('detect_conflicts', { latencyMs: 10, respond: () => ({ conflicts: [] }) });
}

/** Keeps the run file up to and including the first line `keep` accepts, as if the process died there. */
function crashAfter(path: string, keep: (e: RunEvent) => boolean): void {
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  const index = lines.findIndex((l) => keep(JSON.parse(l) as RunEvent));
  assert.ok(index >= 0);
  writeFileSync(path, lines.slice(0, index + 1).join('\n') + '\n');
}

describe('run history', () => {
  it('records every step and rebuilds the run from its file', async () => {
    const dir = tempDir('history');
    const clock = new FakeClock();
    const h = await harness({ clock, tools: tools(clock), historyDir: dir });
    h.approvals.enqueue({ approved: true, approver: 'coordinator@example.org', reason: 'mutual consent' });
    const summary = await clock.run(h.engine.start(load(swap, ['apply_swap']), { inputs: { swap: 'S-1' } }).result);
    assert.equal(summary.status, 'completed');
    const record = await h.history!.load(summary.runId);
    assert.equal(record.status, 'completed');
    assert.equal(record.results.size, 5);
    assert.deepEqual(record.inputs, { swap: 'S-1' });
    assert.equal(record.approvals[0]!.answer!.approver, 'coordinator@example.org');
    assert.equal(record.inFlight.size, 0);
    const listed = await h.history!.list();
    assert.deepEqual(
      listed.map((r) => [r.runId, r.status]),
      [[summary.runId, 'completed']],
    );
  });

  it('ignores a torn last line but refuses damage in the middle', async () => {
    const dir = tempDir('torn');
    const clock = new FakeClock();
    const h = await harness({ clock, tools: tools(clock), historyDir: dir });
    h.approvals.enqueue({ approved: true, approver: 'c', reason: 'ok' });
    const { runId } = await clock.run(h.engine.start(load(swap, ['apply_swap'])).result);
    const history = new RunHistory(dir);
    const path = history.pathOf(runId);
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text + '{"type":"step_fin');
    assert.equal((await history.load(runId)).status, 'completed');
    const lines = text.split('\n');
    lines[2] = '{broken';
    writeFileSync(path, lines.join('\n'));
    await assert.rejects(history.load(runId), /line 3 is damaged/);
  });

  it('rejects run ids that could escape the directory', () => {
    assert.throws(() => new RunHistory(tempDir('ids')).pathOf('../etc/passwd'), /Invalid run id/);
  });
});

describe('crash and resume', () => {
  it('a crash after the write: resume keeps the write and the approval, runs only what is left', async () => {
    const dir = tempDir('resume');
    const clock = new FakeClock();
    const server = tools(clock);
    const first = await harness({ clock, tools: server, historyDir: dir });
    first.approvals.enqueue({ approved: true, approver: 'coordinator', reason: 'ok' });
    const done = await clock.run(first.engine.start(load(swap, ['apply_swap']), { inputs: { swap: 'S-9' } }).result);
    assert.equal(server.callsTo('apply_swap').length, 1);
    crashAfter(first.history!.pathOf(done.runId), (e) => e.type === 'step_finished' && e.stepId === 'write');
    const crashed = await first.history!.load(done.runId);
    assert.equal(crashed.status, 'running', 'the file shows an unfinished run');

    // A new process: new engine and runtime, same history directory and server.
    const second = await harness({ clock, tools: server, historyDir: dir });
    const handle = await second.engine.resume(load(swap, ['apply_swap']), done.runId);
    const summary = await clock.run(handle.result);
    assert.equal(summary.status, 'completed');
    assert.equal(server.callsTo('apply_swap').length, 1, 'the completed write was not sent again');
    assert.equal(second.approvals.requests.length, 0, 'the recorded approval was not asked again');
    assert.equal(server.callsTo('detect_conflicts').length, 2, 'post-validation ran in the resumed run');
    assert.deepEqual(server.callsTo('validate_schedule').at(-1)!.args, { after: true });
    const record = await second.history!.load(done.runId);
    assert.equal(record.starts, 2);
    assert.equal(record.status, 'completed');
    const resumed = record.results.get('write')!;
    assert.equal(resumed.status, 'succeeded');
  });

  it('a crash while the write was in flight: the write is not re-sent until a human says so', async () => {
    const dir = tempDir('inflight');
    const clock = new FakeClock();
    const server = tools(clock);
    const first = await harness({ clock, tools: server, historyDir: dir });
    first.approvals.enqueue({ approved: true, approver: 'coordinator', reason: 'ok' });
    const done = await clock.run(first.engine.start(load(swap, ['apply_swap'])).result);
    crashAfter(first.history!.pathOf(done.runId), (e) => e.type === 'step_started' && e.stepId === 'write');

    const second = await harness({ clock, tools: server, historyDir: dir });
    const summary = await clock.run((await second.engine.resume(load(swap, ['apply_swap']), done.runId)).result);
    assert.equal(summary.status, 'needs_review');
    assert.match(summary.reason!, /may have been applied.*retryUncertainWrites: \["write"\]/);
    assert.equal(server.callsTo('apply_swap').length, 1);
    assert.equal(summary.steps.find((s) => s.stepId === 'write')!.skip?.cause, 'uncertain_write');

    // Resuming again changes nothing until the write is named explicitly.
    const again = await clock.run((await second.engine.resume(load(swap, ['apply_swap']), done.runId)).result);
    assert.equal(again.status, 'needs_review');
    assert.equal(server.callsTo('apply_swap').length, 1);

    const third = await clock.run((await second.engine.resume(load(swap, ['apply_swap']), done.runId, { retryUncertainWrites: ['write'] })).result);
    assert.equal(third.status, 'completed');
    assert.equal(server.callsTo('apply_swap').length, 2);
  });

  it('re-drives only the failed steps of a blocked run', async () => {
    const dir = tempDir('redrive');
    const clock = new FakeClock();
    const server = new FakeToolServer(clock)
      .define('validate_schedule', { respond: () => ({ is_valid: true }) })
      .define('detect_conflicts', { script: [{ error: 'validation', message: 'bad date range' }] })
      .define('run_spc_analysis', { script: [{ error: 'compliance', message: '80-hour rule violated' }] });
    const def: WorkflowDefinition = {
      ...swap,
      id: 'check',
      phases: [
        {
          id: 'p',
          title: 'P',
          run: 'parallel',
          steps: [
            { kind: 'tool', id: 'a', capability: 'validate_schedule', args: () => ({}) },
            { kind: 'tool', id: 'b', capability: 'detect_conflicts', args: () => ({}) },
            { kind: 'tool', id: 'c', capability: 'run_spc_analysis', critical: true, args: () => ({}) },
          ],
        },
      ],
    };
    const first = await harness({ clock, tools: server, historyDir: dir });
    const summary = await clock.run(first.engine.start(load(def)).result);
    assert.equal(summary.status, 'blocked');
    assert.equal(summary.steps.find((s) => s.stepId === 'b')!.skip?.cause, 'failed');

    const resumed = await clock.run((await first.engine.resume(load(def), summary.runId)).result);
    assert.equal(resumed.status, 'completed');
    assert.equal(server.callsTo('validate_schedule').length, 1, 'the succeeded step was kept');
    assert.equal(server.callsTo('detect_conflicts').length, 2);
    assert.equal(server.callsTo('run_spc_analysis').length, 2);
  });

  it('a recorded rejection stands when the run is resumed', async () => {
    const dir = tempDir('rejected');
    const clock = new FakeClock();
    const server = tools(clock);
    const h = await harness({ clock, tools: server, historyDir: dir });
    h.approvals.enqueue({ approved: false, approver: 'coordinator', reason: 'not this week' });
    const first = await clock.run(h.engine.start(load(swap, ['apply_swap'])).result);
    assert.equal(first.status, 'rejected');
    const again = await clock.run((await h.engine.resume(load(swap, ['apply_swap']), first.runId)).result);
    assert.equal(again.status, 'rejected');
    assert.equal(again.reason, 'Rejected by coordinator: not this week');
    assert.equal(h.approvals.requests.length, 1);
    assert.equal(server.callsTo('apply_swap').length, 0);
  });

  it('refuses to resume with a different workflow or version', async () => {
    const dir = tempDir('version');
    const clock = new FakeClock();
    const h = await harness({ clock, tools: tools(clock), historyDir: dir });
    h.approvals.enqueue({ approved: true, approver: 'c', reason: 'ok' });
    const { runId } = await clock.run(h.engine.start(load(swap, ['apply_swap'])).result);
    await assert.rejects(h.engine.resume(load({ ...swap, version: 2 }, ['apply_swap']), runId), /recorded with swap version 1; this is version 2/);
    await assert.rejects(h.engine.resume(load({ ...swap, id: 'other' }, ['apply_swap']), runId), /belongs to workflow swap/);
  });

  it('rebuildRun folds events from several starts into the latest state', () => {
    const base = { runId: 'r', at: 1 };
    const started = {
      ...base,
      type: 'run_started' as const,
      workflowId: 'w',
      workflowVersion: 1,
      title: 'W',
      mode: 'm',
      inputs: {},
      scheduleId: 's',
      writes: false,
      resumed: false,
    };
    const record = rebuildRun([started, { ...base, type: 'run_finished', status: 'blocked', reason: 'x', durationMs: 1 }, { ...started, resumed: true }]);
    assert.equal(record.status, 'running');
    assert.equal(record.starts, 2);
    assert.equal(record.reason, undefined);
  });
});
