import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import type { InvokeOptions, ToolProgress } from '../../../src/core/engine/invoker';
import { OrchestratorError } from '../../../src/core/errors';
import { McpConnection } from '../../../src/core/mcp/connection';
import { McpToolInvoker } from '../../../src/core/mcp/invoker';
import { MemoryLogger } from '../../../src/core/util/log';
import { InMemoryEndpoint } from '../../support/mcp/inMemory';
import { ManualClock } from '../../support/mcp/manualClock';
import { createTestServer, type Observation } from '../../support/mcp/testServer';
import { eventually } from '../../support/mcp/wait';

function options(overrides: Partial<InvokeOptions> = {}): InvokeOptions {
  return { signal: new AbortController().signal, timeoutMs: 5000, maxTotalTimeoutMs: 10_000, ...overrides };
}

async function rejection(promise: Promise<unknown>): Promise<OrchestratorError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof OrchestratorError, `expected an OrchestratorError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('McpToolInvoker over a live in-process server', () => {
  let observations: Observation[];
  let endpoint: InMemoryEndpoint;
  let connection: McpConnection;
  let invoker: McpToolInvoker;
  let logger: MemoryLogger;
  const scratch = mkdtempSync(join(tmpdir(), 'sched-orch-invoker-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  beforeEach(async () => {
    observations = [];
    logger = new MemoryLogger();
    endpoint = new InMemoryEndpoint(() => createTestServer({ naming: 'suffixed', observe: (o) => observations.push(o) }));
    // The manual clock never advances: background reconnects stay parked, calls reconnect on their own.
    connection = new McpConnection({ server: endpoint, logger, clock: new ManualClock() });
    invoker = new McpToolInvoker({ connection });
    await connection.connect();
  });
  afterEach(() => connection.close());

  const cancelledOnServer = () => observations.filter((o) => o.event === 'cancelled');

  it('returns structured data, keeping fields the schema does not name', async () => {
    const result = await invoker.invoke('validate_schedule', { start_date: '2026-01-05', end_date: '2026-02-01' }, options());
    assert.equal(result.tool, 'validate_schedule_tool');
    assert.equal(result.data['is_valid'], false);
    assert.equal(result.data['validated_at'], '2026-01-05T08:00:00Z');
    assert.deepEqual((result.data['issues'] as Record<string, unknown>[])[0]?.['person_id'], 'r1');
  });

  it('reads JSON text content when the server sends no structuredContent', async () => {
    const result = await invoker.invoke('detect_conflicts', {}, options());
    assert.equal(result.data['total_conflicts'], 1);
  });

  it('turns an isError result into a typed tool error', async () => {
    const error = await rejection(invoker.invoke('check_utilization_threshold', { available_faculty: 0, required_blocks: 10 }, options()));
    assert.equal(error.kind, 'tool_error');
    assert.equal(error.tool, 'check_utilization_threshold_tool');
    assert.match(error.message, /available_faculty must be positive/);
    assert.equal(connection.state, 'connected', 'a tool error leaves the connection alone');
  });

  it('turns a malformed result into a typed error naming the tool and the failing path', async () => {
    const error = await rejection(invoker.invoke('validate_schedule_by_id', { schedule_id: 's1' }, options()));
    assert.equal(error.kind, 'invalid_result');
    assert.match(error.message, /validate_schedule_by_id_tool returned an unexpected result at issues\.1\.severity/);
    assert.equal((error.details?.['issues'] as { path: string }[])[0]?.path, 'issues.1.severity');
  });

  it('reports a capability the server lacks as unavailable without calling anything', async () => {
    const error = await rejection(invoker.invoke('calculate_blast_radius', {}, options()));
    assert.equal(error.kind, 'unavailable');
    assert.ok(!endpoint.receivedMethods().includes('tools/call'));
  });

  it('delivers progress as it arrives and lets progress reset the timeout', async () => {
    const progress: ToolProgress[] = [];
    // 10 steps of 40 ms take 400 ms, well past the 300 ms timeout: only the resets keep the call alive.
    const result = await invoker.invoke('slow_operation', { steps: 10, interval_ms: 40 }, options({ timeoutMs: 300, onProgress: (p) => progress.push(p) }));
    assert.deepEqual(result.data, { steps_done: 10 });
    assert.deepEqual(
      progress.map((p) => p.progress),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    assert.deepEqual(progress[0], { progress: 1, total: 10, message: 'step 1' });
    const call = endpoint.received().find((m) => 'method' in m && m.method === 'tools/call');
    assert.ok(call && 'params' in call && (call.params?._meta as { progressToken?: unknown }).progressToken !== undefined, 'a progress token was sent');
  });

  it('caps a call at the total time limit even while progress keeps arriving, and cancels it on the server', async () => {
    const progress: ToolProgress[] = [];
    const started = Date.now();
    const error = await rejection(
      invoker.invoke('slow_operation', { steps: 100, interval_ms: 40 }, options({ timeoutMs: 300, maxTotalTimeoutMs: 700, onProgress: (p) => progress.push(p) })),
    );
    assert.equal(error.kind, 'timeout');
    assert.match(error.message, /total time limit of 700 ms/);
    assert.ok(Date.now() - started >= 690, 'not before the cap');
    assert.ok(progress.length >= 3, 'progress arrived and reset the per-request timeout before the cap');
    await eventually(() => cancelledOnServer().length === 1, 'the server to see the cancellation');
    assert.equal(endpoint.receivedMethods().filter((m) => m === 'notifications/cancelled').length, 1, 'cancelled once');
  });

  it('cancels a call on the server when it times out without progress', async () => {
    const error = await rejection(invoker.invoke('slow_operation', { steps: 1, interval_ms: 2000 }, options({ timeoutMs: 150 })));
    assert.equal(error.kind, 'timeout');
    assert.match(error.message, /no response or progress within 150 ms/);
    await eventually(() => cancelledOnServer().length === 1, 'the server to see the cancellation');
    assert.match(cancelledOnServer()[0]?.reason ?? '', /timed out/i);
    assert.equal(endpoint.receivedMethods().filter((m) => m === 'notifications/cancelled').length, 1, 'cancelled once');
  });

  it('cancels a call on the server when the caller aborts', async () => {
    const abort = new AbortController();
    const call = invoker.invoke('slow_operation', { steps: 50, interval_ms: 20 }, options({ signal: abort.signal, onProgress: () => abort.abort(new Error('user pressed stop')) }));
    const error = await rejection(call);
    assert.equal(error.kind, 'cancelled');
    await eventually(() => cancelledOnServer().length === 1, 'the server to see the cancellation');
    assert.match(cancelledOnServer()[0]?.reason ?? '', /user pressed stop/);
    // The connection stays usable.
    assert.equal((await invoker.invoke('detect_conflicts', {}, options())).data['total_conflicts'], 1);
  });

  it('treats closing the connection under a running call as a cancellation, not as a failure to recover from', async () => {
    const call = invoker.invoke('slow_operation', { steps: 50, interval_ms: 20 }, options({ onProgress: () => void connection.close() }));
    const error = await rejection(call);
    assert.equal(error.kind, 'cancelled');
    assert.equal(endpoint.servers.length, 1, 'no reconnect to re-send the read');
    assert.equal(connection.state, 'disconnected');
  });

  it('re-sends a read once after the server crashed mid-call, on a fresh connection', async () => {
    const marker = join(scratch, 'crash-read');
    const result = await invoker.invoke('get_schedule_status', { crash_marker: marker }, options());
    assert.equal(result.data['published_schedule_id'], 'sched-1');
    assert.equal(endpoint.servers.length, 2, 'reconnected to a new server');
    assert.equal(observations.filter((o) => o.tool === 'get_schedule_status_tool').length, 2);
    assert.match(logger.text(), /re-sending the read get_schedule_status_tool once/);
  });

  it('never re-sends a write after the server crashed mid-call; the next call reconnects', async () => {
    const error = await rejection(invoker.invoke('publish_draft', { draft_id: 'd1', crash: true }, options()));
    assert.equal(error.kind, 'connection');
    assert.equal(error.details?.['outcomeUnknown'], true);
    assert.match(error.message, /publish_draft_tool is not known to be read-only, so it was not sent again/);
    assert.equal(observations.filter((o) => o.tool === 'publish_draft_tool').length, 1);
    assert.equal(endpoint.servers.length, 1, 'nothing reconnected to re-send it');
    assert.equal(connection.state, 'error');

    const next = await invoker.invoke('detect_conflicts', {}, options());
    assert.equal(next.data['total_conflicts'], 1);
    assert.equal(endpoint.servers.length, 2);
    assert.equal(observations.filter((o) => o.tool === 'publish_draft_tool').length, 1, 'still exactly one publish');
  });
});
