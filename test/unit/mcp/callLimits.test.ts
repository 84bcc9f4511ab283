/**
 * A call's time limits pause while a person answers the server (elicitation), on a fake
 * clock: CallLimits alone, then a connection whose in-memory server asks during a call.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ElicitResultSchema, ErrorCode, type ElicitResult, type McpError } from '@modelcontextprotocol/sdk/types.js';
import { OrchestratorError } from '../../../src/core/errors';
import { CallLimits } from '../../../src/core/mcp/callLimits';
import { McpConnection } from '../../../src/core/mcp/connection';
import { FakeClock } from '../../support/engine/fakeClock';
import { InMemoryEndpoint } from '../../support/mcp/inMemory';
import { eventually } from '../../support/mcp/wait';

function limits(clock: FakeClock, timeoutMs: number, maxTotalTimeoutMs: number) {
  const ended: McpError[] = [];
  const pauses: boolean[] = [];
  const call = new CallLimits(clock, { timeoutMs, maxTotalTimeoutMs, onPause: (p) => pauses.push(p) }, (reason) => ended.push(reason));
  return { call, ended, pauses };
}

describe('CallLimits', () => {
  it('ends a silent call at its timeout with the SDK timeout error', async () => {
    const clock = new FakeClock();
    const { call, ended } = limits(clock, 1000, 5000);
    await clock.advance(999);
    assert.equal(ended.length, 0);
    await clock.advance(1);
    assert.equal(call.exceeded, 'timeout');
    assert.equal(ended[0]?.code, ErrorCode.RequestTimeout);
    assert.deepEqual(ended[0]?.data, { timeout: 1000 });
    assert.equal(clock.pending, 0, 'no timer left');
  });

  it('stops both clocks while paused and runs them again after, counting the paused time', async () => {
    const clock = new FakeClock();
    const { call, ended, pauses } = limits(clock, 1000, 1500);
    await clock.advance(600);
    call.pause();
    assert.equal(clock.pending, 0, 'no timer runs while a person answers');
    await clock.advance(20_000);
    assert.equal(ended.length, 0, 'neither the timeout nor the total cap fired during the answer');
    assert.equal(call.pausedMs, 20_000);
    call.resume();
    assert.deepEqual(pauses, [true, false]);
    await clock.advance(399);
    assert.equal(ended.length, 0, 'the timeout has 400 ms left, as before the pause');
    call.progress();
    await clock.advance(500);
    assert.equal(ended.length, 0, 'progress moved the timeout past the cap');
    await clock.advance(1);
    assert.equal(call.exceeded, 'total', 'the cap ends the call after 1500 ms of running time (600 + 900)');
    assert.equal((ended[0]?.data as { totalElapsed?: number }).totalElapsed, 1500);
    assert.equal(call.pausedMs, 20_000);
  });

  it('nested pauses resume only when the last answer is in; progress while paused restarts the timeout from the pause', async () => {
    const clock = new FakeClock();
    const { call, ended, pauses } = limits(clock, 1000, 60_000);
    await clock.advance(900);
    call.pause();
    call.pause();
    await clock.advance(5000);
    call.progress();
    call.resume();
    assert.equal(clock.pending, 0, 'one question is still open');
    await clock.advance(5000);
    call.resume();
    assert.deepEqual(pauses, [true, false]);
    await clock.advance(999);
    assert.equal(ended.length, 0, 'progress gave the call a full timeout again');
    await clock.advance(1);
    assert.equal(call.exceeded, 'timeout');
    assert.equal(call.pausedMs, 10_000);
  });

  it('counts an open pause up to the end of the call and leaves no timer', async () => {
    const clock = new FakeClock();
    const { call, pauses } = limits(clock, 1000, 2000);
    call.pause();
    await clock.advance(3000);
    call.dispose();
    call.resume();
    assert.equal(call.pausedMs, 3000);
    assert.deepEqual(pauses, [true], 'nothing resumes after the end');
    assert.equal(clock.pending, 0);
  });
});

describe('a connection pauses a call while the server asks a person', () => {
  const open: McpConnection[] = [];
  afterEach(async () => {
    await Promise.all(open.map((c) => c.close()));
    open.length = 0;
  });

  function setup() {
    const clock = new FakeClock();
    const endpoint = new InMemoryEndpoint(() => {
      const server = new McpServer({ name: 'asking', version: '1.0.0' });
      server.registerTool('ask_then_answer', { description: 'asks one question, then answers' }, async (extra) => {
        const answer = await extra.sendRequest(
          { method: 'elicitation/create', params: { message: 'Who is on call?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } } } } },
          ElicitResultSchema,
          {
            timeout: 3_600_000,
          },
        );
        return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
      });
      server.registerTool('silent', { description: 'never answers' }, async (extra) => {
        await new Promise((resolve) => extra.signal.addEventListener('abort', resolve, { once: true }));
        return { content: [] };
      });
      return server;
    });
    const questions: ((answer: ElicitResult) => void)[] = [];
    const connection = new McpConnection({
      server: endpoint,
      reconnect: false,
      callClock: clock,
      elicitation: () => new Promise<ElicitResult>((resolve) => questions.push(resolve)),
    });
    open.push(connection);
    return { clock, endpoint, connection, questions };
  }

  it('keeps the call alive while the answer takes longer than its timeout and total cap', async () => {
    const { clock, connection, questions } = setup();
    await connection.connect();
    const pauses: boolean[] = [];
    const call = connection.callTool('ask_then_answer', {}, { signal: new AbortController().signal, timeoutMs: 1000, maxTotalTimeoutMs: 2000, onPause: (p) => pauses.push(p) });
    await eventually(() => questions.length === 1, 'the question to reach the person');
    assert.deepEqual(pauses, [true]);
    await clock.advance(30_000);
    questions[0]!({ action: 'accept', content: { name: 'Dr. Lee' } });
    const result = await call;
    assert.deepEqual(JSON.parse((result.content[0] as { text: string }).text), { action: 'accept', content: { name: 'Dr. Lee' } });
    assert.deepEqual(pauses, [true, false]);
  });

  it('still times out a silent call, and tells the server', async () => {
    const { clock, endpoint, connection } = setup();
    await connection.connect();
    const call = connection.callTool('silent', {}, { signal: new AbortController().signal, timeoutMs: 1000, maxTotalTimeoutMs: 2000 });
    const outcome = assert.rejects(call, (error: unknown) => error instanceof OrchestratorError && error.kind === 'timeout' && /1000 ms/.test(error.message));
    await clock.advance(1000);
    await outcome;
    await eventually(() => endpoint.receivedMethods().includes('notifications/cancelled'), 'the cancellation to reach the server');
  });
});
