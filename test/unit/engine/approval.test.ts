/** Approval gates: the port's answer decides, records are on disk before the write, dismissal rejects, overrides need an exception record. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { WorkflowDefinition } from '../../../src/core/engine/definition';
import type { RunEvent } from '../../../src/core/engine/events';
import { FakeClock } from '../../support/engine/fakeClock';
import { FakeToolServer } from '../../support/engine/fakeTools';
import { eventsOf, harness, load, tempDir } from '../../support/engine/harness';
import { writeFlow } from '../../support/engine/writeFlow';

const HOUR = 3_600_000;

const deploy = (issues: string[] = [], timeoutMs?: number): WorkflowDefinition =>
  writeFlow({
    id: 'deploy',
    title: 'Deploy',
    timeoutMs: 48 * HOUR,
    approval: {
      title: 'Deploy the new schedule?',
      request: (ctx) => ({ summary: `valid: ${String(ctx.require('validate')['is_valid'])}`, details: { weeks: 4 }, blockingIssues: issues }),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    },
    write: { id: 'publish', capability: 'publish_schedule' },
  });

function server(clock: FakeClock, onPublish?: () => void): FakeToolServer {
  return new FakeToolServer(clock).define('validate_schedule', { respond: () => ({ is_valid: true }) }).define('publish_schedule', {
    writes: true,
    respond: () => {
      onPublish?.();
      return { published: true };
    },
  });
}

describe('approval gates', () => {
  it('asks the port with what will be written, and the answer is on disk before the write runs', async () => {
    const dir = tempDir('approval');
    const clock = new FakeClock();
    let onDisk: RunEvent[] = [];
    let path = '';
    const h = await harness({
      clock,
      historyDir: dir,
      tools: server(
        clock,
        () =>
          (onDisk = readFileSync(path, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as RunEvent)),
      ),
    });
    h.approvals.enqueue({ approved: true, approver: 'dr.chen', reason: 'checked the checklist' });
    const handle = h.engine.start(load(deploy(), ['publish_schedule']));
    path = h.history!.pathOf(handle.runId);
    const summary = await clock.run(handle.result);
    assert.equal(summary.status, 'completed');
    const request = h.approvals.requests[0]!;
    assert.equal(request.title, 'Deploy the new schedule?');
    assert.equal(request.summary, 'valid: true');
    assert.deepEqual(request.writes, ['publish_schedule']);
    assert.deepEqual(request.details, { weeks: 4 });
    const answered = onDisk.find((e) => e.type === 'approval_answered');
    assert.ok(answered && answered.type === 'approval_answered');
    assert.equal(answered.answer.approver, 'dr.chen');
    assert.equal(answered.answer.reason, 'checked the checklist');
    assert.equal(typeof answered.answer.at, 'number');
    assert.ok(
      onDisk.some((e) => e.type === 'step_started' && e.stepId === 'publish'),
      'the write was recorded as started before it ran',
    );
  });

  it('a rejection ends the run rejected and nothing is written', async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: server(clock) });
    h.approvals.enqueue({ approved: false, approver: 'dr.chen', reason: 'wait for Monday' });
    const summary = await clock.run(h.engine.start(load(deploy(), ['publish_schedule'])).result);
    assert.equal(summary.status, 'rejected');
    assert.equal(summary.reason, 'Rejected by dr.chen: wait for Monday');
    assert.equal(h.tools.callsTo('publish_schedule').length, 0);
    assert.equal(summary.steps.find((s) => s.stepId === 'publish')!.skip?.cause, 'rejected');
  });

  it('a dismissed dialog (the port fails) is a rejection', async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: server(clock) });
    const summary = await clock.run(h.engine.start(load(deploy(), ['publish_schedule'])).result);
    assert.equal(summary.status, 'rejected');
    assert.match(summary.reason!, /^Rejected by system: dismissed/);
    assert.equal(h.tools.callsTo('publish_schedule').length, 0);
  });

  it('no answer within the time limit is a rejection', async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: server(clock) });
    h.approvals.enqueue('hang');
    const summary = await clock.run(h.engine.start(load(deploy([], 24 * HOUR), ['publish_schedule'])).result);
    assert.equal(summary.status, 'rejected');
    assert.equal(summary.reason, 'Rejected by system: no answer within 24.0 h');
    assert.equal(summary.durationMs, 24 * HOUR);
    assert.equal(h.approvals.requests[0]!.expiresAt! - h.approvals.requests[0]!.requestedAt, 24 * HOUR);
  });

  it('a run cancelled while it waits is not a rejection by anyone: its steps say the approval was not answered', async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: server(clock) });
    h.approvals.enqueue('hang');
    const handle = h.engine.start(load(deploy(), ['publish_schedule']));
    await clock.advance(HOUR);
    handle.cancel('cancelled from VS Code');
    const summary = await clock.run(handle.result);
    assert.equal(summary.status, 'cancelled');
    assert.equal(summary.steps.find((s) => s.stepId === 'approve')!.skip?.reason, 'Not answered: cancelled from VS Code');
    assert.equal(h.tools.callsTo('publish_schedule').length, 0);
  });

  it('time spent waiting for the human does not count against the workflow time limit', async () => {
    const clock = new FakeClock();
    const slowHuman = new FakeToolServer(clock)
      .define('validate_schedule', { latencyMs: 4000, respond: () => ({ is_valid: true }) })
      .define('publish_schedule', { writes: true, latencyMs: 4000 });
    const h = await harness({ clock, tools: slowHuman });
    h.approvals.request = (request) => {
      h.approvals.requests.push(request);
      return clock.sleep(3 * HOUR).then(() => ({ approved: true, approver: 'dr.chen', reason: 'after lunch', at: clock.now() }));
    };
    // 8 s of machine work fits the 10 s limit; the 3 h wait for the approver does not count.
    const summary = await clock.run(h.engine.start(load({ ...deploy(), timeoutMs: 10_000 }, ['publish_schedule'])).result);
    assert.equal(summary.status, 'completed');
    assert.equal(summary.durationMs, 3 * HOUR + 8000);
  });

  it('approving despite blocking issues needs a justification, which becomes an exception record', async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: server(clock) });
    const issues = ['80-hour rule: resident r7 at 81.5 h in week 2'];
    h.approvals.enqueue({ approved: true, approver: 'dr.chen', reason: 'looks fine' });
    const refused = await clock.run(h.engine.start(load(deploy(issues), ['publish_schedule'])).result);
    assert.equal(refused.status, 'rejected');
    assert.match(refused.reason!, /needs an override justification/);
    assert.equal(h.tools.callsTo('publish_schedule').length, 0);

    h.approvals.enqueue({ approved: true, approver: 'dr.chen', reason: 'approved with waiver', override: { justification: 'one-off conference coverage, rebalanced next block' } });
    const overridden = await clock.run(h.engine.start(load(deploy(issues), ['publish_schedule'])).result);
    assert.equal(overridden.status, 'completed');
    const answered = eventsOf(h.events, 'approval_answered').at(-1)!;
    assert.deepEqual(answered.exception && { ...answered.exception, at: 0 }, {
      id: `${overridden.runId}-approve-exception`,
      runId: overridden.runId,
      workflowId: 'deploy',
      stepId: 'approve',
      approver: 'dr.chen',
      issues,
      justification: 'one-off conference coverage, rebalanced next block',
      reason: 'approved with waiver',
      at: 0,
    });
    assert.match(overridden.steps.find((s) => s.stepId === 'approve')!.warnings[0]!, /override: exception/);
  });
});
