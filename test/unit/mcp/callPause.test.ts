/**
 * A connection pauses a call's limits while the server asks a person (elicitation), on a
 * fake clock, over an in-memory server that asks during a call.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ElicitResultSchema, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { OrchestratorError } from '../../../src/core/errors';
import { McpConnection } from '../../../src/core/mcp/connection';
import { FakeClock } from '../../support/engine/fakeClock';
import { InMemoryEndpoint } from '../../support/mcp/inMemory';
import { eventually } from '../../support/mcp/wait';

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
