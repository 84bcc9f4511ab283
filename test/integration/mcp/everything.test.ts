/**
 * Conformance run against the reference server @modelcontextprotocol/server-everything over
 * stdio: a peer we did not write, exercising initialize, tools/list, plain and structured
 * results, progress notifications and cancellation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InvokeOptions, ToolProgress } from '../../../src/core/engine/invoker';
import { OrchestratorError } from '../../../src/core/errors';
import { McpConnection } from '../../../src/core/mcp/connection';
import { McpToolInvoker } from '../../../src/core/mcp/invoker';
import { MemoryLogger } from '../../../src/core/util/log';
import { everythingServerConfig } from '../../support/mcp/everything';

const invokeOptions = (overrides: Partial<InvokeOptions> = {}): InvokeOptions => ({
  signal: new AbortController().signal,
  timeoutMs: 10_000,
  maxTotalTimeoutMs: 20_000,
  ...overrides,
});

describe('conformance with server-everything over stdio', () => {
  const logger = new MemoryLogger();
  // The server ignores cancellation and keeps running the cancelled operation: do not wait for it on close.
  const connection = new McpConnection({ server: everythingServerConfig(), logger, reconnect: false, closeGraceMs: 200 });
  const invoker = new McpToolInvoker({ connection });
  before(() => connection.connect());
  after(() => connection.close());

  it('connects and lists its tools', () => {
    assert.equal(connection.serverInfo?.name, 'mcp-servers/everything');
    const names = connection.tools.map((t) => t.name);
    for (const expected of ['echo', 'get-sum', 'trigger-long-running-operation', 'get-structured-content']) assert.ok(names.includes(expected), expected);
    assert.deepEqual(invoker.resolve('echo'), { status: 'available', capability: 'echo', tool: 'echo', writes: false });
    assert.equal(invoker.resolve('validate_schedule').status, 'unavailable');
    assert.ok(logger.lines.some((l) => l.message === '[server stderr] Starting default (STDIO) server...' && l.level === 'info'));
  });

  it('calls echo and reads a plain text result', async () => {
    const { tool, data } = await invoker.invoke('echo', { message: 'hello' }, invokeOptions());
    assert.equal(tool, 'echo');
    assert.deepEqual(data, { text: 'Echo: hello' });
  });

  it('reads structured content', async () => {
    const { data } = await invoker.invoke('get-structured-content', { location: 'Chicago' }, invokeOptions());
    assert.deepEqual(data, { temperature: 36, conditions: 'Light rain / drizzle', humidity: 82 });
  });

  it('receives progress notifications from the long-running operation', async () => {
    const progress: ToolProgress[] = [];
    const { data } = await invoker.invoke('trigger-long-running-operation', { duration: 0.5, steps: 5 }, invokeOptions({ onProgress: (p) => progress.push(p) }));
    assert.match(String(data['text']), /Long running operation completed/);
    // The server sends its last notification after the result, so at least four arrive first.
    assert.ok(progress.length >= 4, `got ${progress.length} progress events`);
    assert.deepEqual(
      progress.slice(0, 4),
      [1, 2, 3, 4].map((n) => ({ progress: n, total: 5 })),
    );
  });

  it('cancels a call: notifications/cancelled goes out, the call rejects at once, the connection stays usable', async () => {
    const abort = new AbortController();
    const started = Date.now();
    const call = invoker.invoke('trigger-long-running-operation', { duration: 5, steps: 5 }, invokeOptions({ signal: abort.signal, onProgress: () => abort.abort() }));
    await assert.rejects(call, (error: unknown) => error instanceof OrchestratorError && error.kind === 'cancelled');
    assert.ok(Date.now() - started < 4000, 'did not wait for the operation to finish');
    const sent = logger.lines.filter((l) => l.level === 'trace' && l.message.startsWith('->')).map((l) => l.fields?.['message'] as { method?: string });
    assert.ok(sent.some((m) => m.method === 'notifications/cancelled'));
    const { data } = await invoker.invoke('get-sum', { a: 2, b: 3 }, invokeOptions());
    assert.match(String(data['text']), /5/);
  });
});
