/** JSON-RPC tracing: every message at trace level, and nothing built when no one takes trace lines. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { TracingTransport } from '../../../src/core/mcp/tracingTransport';
import { MemoryLogger, filteredLogger, type Logger } from '../../../src/core/util/log';

function innerTransport(): Transport & { sent: JSONRPCMessage[] } {
  const sent: JSONRPCMessage[] = [];
  return { sent, start: async () => undefined, send: async (message) => void sent.push(message), close: async () => undefined };
}

const request: JSONRPCMessage = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
const response: JSONRPCMessage = { jsonrpc: '2.0', id: 1, result: { tools: [] } };

async function exchange(logger: Logger): Promise<{ sent: JSONRPCMessage[]; received: JSONRPCMessage[] }> {
  const inner = innerTransport();
  const tracing = new TracingTransport(inner, logger, 'stdio');
  const received: JSONRPCMessage[] = [];
  tracing.onmessage = (message) => received.push(message);
  await tracing.send(request);
  inner.onmessage?.(response);
  return { sent: inner.sent, received };
}

describe('TracingTransport', () => {
  it('logs both directions at trace level with the message', async () => {
    const memory = new MemoryLogger();
    const { sent, received } = await exchange(filteredLogger(memory, 'trace'));
    assert.deepEqual(
      memory.lines.map((l) => [l.level, l.message, l.fields?.['message']]),
      [
        ['trace', '-> stdio', request],
        ['trace', '<- stdio', response],
      ],
    );
    assert.deepEqual(sent, [request]);
    assert.deepEqual(received, [response]);
  });

  it('asks the logger first: one that takes no trace lines is never handed one, and messages still pass both ways', async () => {
    const asked: string[] = [];
    const handed: string[] = [];
    const { sent, received } = await exchange({
      log: (level, message) => handed.push(`${level} ${message}`),
      enabled: (level) => (asked.push(level), level !== 'trace'),
    });
    assert.deepEqual(asked, ['trace', 'trace']);
    assert.deepEqual(handed, []);
    assert.deepEqual(sent, [request]);
    assert.deepEqual(received, [response]);
  });
});
