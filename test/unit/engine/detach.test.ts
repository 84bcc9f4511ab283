/**
 * A run left to the next process (Engine.detach: its host is going away while a server task
 * works for it) records nothing more, asks no approval and sends no write after the detach;
 * dispose() does not wait for it, and the next process resumes it from its history. Live
 * results keep the resource links the server sent.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ToolInvoker } from '../../../src/core/engine/invoker';
import { FakeClock } from '../../support/engine/fakeClock';
import { FakeToolServer } from '../../support/engine/fakeTools';
import { harness, load, tempDir } from '../../support/engine/harness';
import { writeFlow } from '../../support/engine/writeFlow';

const generate = writeFlow({
  id: 'generate',
  title: 'Generate',
  approval: { title: 'Write?', request: () => ({ summary: 'write the draft' }) },
  write: { capability: 'generate_schedule' },
});

function tools(clock: FakeClock): FakeToolServer {
  return new FakeToolServer(clock)
    .define('validate_schedule', { latencyMs: 1000, respond: () => ({ is_valid: true }) })
    .define('generate_schedule', { latencyMs: 10, writes: true, respond: () => ({ draft_id: 'draft-1' }) });
}

describe('Engine.detach', () => {
  it('freezes the run: nothing more is recorded, no approval is asked, no write is sent; resuming finishes it', async () => {
    const dir = tempDir('detach');
    const clock = new FakeClock();
    const server = tools(clock);
    const h = await harness({ clock, tools: server, historyDir: dir });
    h.approvals.enqueue({ approved: true, approver: 'coordinator', reason: 'ok' });
    const handle = h.engine.start(load(generate, ['generate_schedule']), {});
    await clock.advance(100);
    const before = await h.history!.read(handle.runId);
    assert.ok(before.some((e) => e.type === 'step_started' && e.stepId === 'validate'));

    assert.equal(h.engine.detach(handle.runId), true);
    assert.equal(h.engine.detach(handle.runId), false, 'a detached run is no longer active');
    await clock.advance(60_000);
    assert.deepEqual(await h.history!.read(handle.runId), before, 'nothing recorded after the detach');
    assert.equal(server.callsTo('generate_schedule').length, 0, 'no write sent');
    assert.equal(h.approvals.requests.length, 0, 'no approval asked');
    await h.engine.dispose();

    // The next process: the same history, a new engine.
    const next = await harness({ clock, tools: server, historyDir: dir });
    next.approvals.enqueue({ approved: true, approver: 'coordinator', reason: 'ok' });
    const resumed = await next.engine.resume(load(generate, ['generate_schedule']), handle.runId);
    const summary = await clock.run(resumed.result);
    assert.equal(summary.status, 'completed');
    assert.equal(server.callsTo('generate_schedule').length, 1, 'the write is sent once, by the resumed run');
  });

  it('keeps the resource links of a live result on the step result', async () => {
    const clock = new FakeClock();
    const server = tools(clock);
    const h = await harness({ clock, tools: server });
    const link = { uri: 'schedule://schedules/draft-1', name: 'draft-1', title: 'Draft draft-1' };
    const invoke: ToolInvoker['invoke'] = server.invoke.bind(server);
    server.invoke = async (capability, args, options) => ({ ...(await invoke(capability, args, options)), ...(capability === 'generate_schedule' ? { links: [link] } : {}) });
    h.approvals.enqueue({ approved: true, approver: 'coordinator', reason: 'ok' });
    const summary = await clock.run(h.engine.start(load(generate, ['generate_schedule']), {}).result);
    assert.deepEqual(summary.steps.find((s) => s.stepId === 'write')?.links, [link]);
    assert.equal(summary.steps.find((s) => s.stepId === 'validate')?.links, undefined);
  });
});
