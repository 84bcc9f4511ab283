import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { OrchestratorError } from '../../../src/core/errors';
import { McpConnection } from '../../../src/core/mcp/connection';
import type { ConnectionEvents, ConnectionState } from '../../../src/core/mcp/connectionTypes';
import type { ServerEndpoint } from '../../../src/core/mcp/endpoints';
import { MemoryLogger } from '../../../src/core/util/log';
import { InMemoryEndpoint } from '../../support/mcp/inMemory';
import { ManualClock } from '../../support/mcp/manualClock';
import { createTestServer } from '../../support/mcp/testServer';
import { eventually, settle } from '../../support/mcp/wait';

const callOptions = () => ({ signal: new AbortController().signal, timeoutMs: 5000, maxTotalTimeoutMs: 10_000 });

/** A server that accepts the transport and never answers: the connect timeout must fire. */
const silentEndpoint: ServerEndpoint = {
  description: 'silent server',
  kinds: ['silent'],
  secrets: () => [],
  open: () => {
    const transport: Transport = {
      start: async () => undefined,
      send: async () => undefined,
      close: async () => transport.onclose?.(),
    };
    return { transport };
  },
};

function recordStates(connection: McpConnection): ConnectionState[] {
  const states: ConnectionState[] = [];
  connection.on('state', ({ state }) => states.push(state));
  return states;
}

describe('McpConnection lifecycle', () => {
  const open: McpConnection[] = [];
  afterEach(async () => {
    await Promise.all(open.map((c) => c.close()));
    open.length = 0;
  });

  function setup(reconnect?: { maxAttempts?: number }) {
    const clock = new ManualClock();
    const endpoint = new InMemoryEndpoint(() => createTestServer({ naming: 'suffixed' }));
    const logger = new MemoryLogger();
    const connection = new McpConnection({ server: endpoint, clock, logger, ...(reconnect ? { reconnect } : {}) });
    open.push(connection);
    const reconnecting: ConnectionEvents['reconnecting'][] = [];
    connection.on('reconnecting', (e) => reconnecting.push(e));
    return { clock, endpoint, connection, logger, reconnecting, states: recordStates(connection) };
  }

  it('goes connecting -> connected, knows the server and its tools, and logs lifecycle at info', async () => {
    const { connection, states, logger, endpoint } = setup();
    const toolEvents: number[] = [];
    connection.on('tools', ({ tools }) => toolEvents.push(tools.length));
    await connection.connect();
    await connection.callTool('detect_conflicts_tool', {}, callOptions());
    await settle();
    assert.deepEqual(endpoint.receivedMethods(), ['initialize', 'notifications/initialized', 'tools/list', 'tools/call'], 'nothing completed is cancelled afterwards');
    assert.deepEqual(states, ['connecting', 'connected']);
    assert.equal(connection.serverInfo?.name, 'sched-test-server');
    assert.equal(connection.identity(), 'sched-test-server@1.2.3 (in-memory test server)');
    assert.ok(connection.tools.some((t) => t.name === 'validate_schedule_tool'));
    assert.deepEqual(toolEvents, [connection.tools.length]);
    assert.ok(logger.lines.some((l) => l.level === 'info' && /connected to sched-test-server@1\.2\.3/.test(l.message)));
    assert.ok(logger.lines.some((l) => l.level === 'trace' && l.message.startsWith('->') && JSON.stringify(l.fields).includes('"initialize"')));
    await connection.close();
    assert.equal(connection.state, 'disconnected');
  });

  it('shares one connect between concurrent callers', async () => {
    const { connection, endpoint } = setup();
    await Promise.all([connection.connect(), connection.connect(), connection.refreshTools()]);
    assert.equal(endpoint.servers.length, 1);
  });

  it('reconnects with exponential backoff after the server drops, while still wanted', async () => {
    const { clock, endpoint, connection, reconnecting, states } = setup();
    await connection.connect();
    endpoint.available = false;
    await endpoint.servers[0]?.close();
    await eventually(() => connection.state === 'error', 'the drop to be noticed');
    assert.equal(connection.error?.kind, 'connection');

    for (const delay of [500, 1000, 2000]) {
      await eventually(() => clock.pending().length === 1, 'a backoff sleep');
      assert.deepEqual(clock.pending(), [delay]);
      if (delay === 2000) endpoint.available = true;
      clock.advance(delay);
      await settle();
    }
    await eventually(() => connection.state === 'connected', 'the reconnect');
    assert.deepEqual(reconnecting, [
      { attempt: 1, delayMs: 500 },
      { attempt: 2, delayMs: 1000 },
      { attempt: 3, delayMs: 2000 },
    ]);
    assert.deepEqual(states, ['connecting', 'connected', 'error', 'connecting', 'error', 'connecting', 'error', 'connecting', 'connected']);
    assert.equal(endpoint.servers.length, 2);
    assert.deepEqual(clock.pending(), [], 'no further attempts once connected');
  });

  it('does not reconnect once the host no longer wants the connection', async () => {
    const { clock, endpoint, connection } = setup();
    await connection.connect();
    await endpoint.servers[0]?.close();
    await eventually(() => clock.pending().length === 1, 'a backoff sleep');
    await connection.close();
    assert.deepEqual(clock.pending(), [], 'the backoff sleep was abandoned');
    clock.advance(60_000);
    await settle();
    assert.equal(endpoint.servers.length, 1);
    assert.equal(connection.state, 'disconnected');
  });

  it('lets a call reconnect at once instead of waiting for the backoff', async () => {
    const { clock, endpoint, connection } = setup();
    await connection.connect();
    await endpoint.servers[0]?.close();
    await eventually(() => clock.pending().length === 1, 'a backoff sleep');
    const result = await connection.callTool('detect_conflicts_tool', {}, callOptions());
    assert.equal(result.isError, undefined);
    assert.equal(endpoint.servers.length, 2);
    clock.advance(500);
    await settle();
    assert.equal(endpoint.servers.length, 2, 'the woken backoff loop saw the connection was back');
  });

  it('gives up after the configured attempts; the next call still tries', async () => {
    const { clock, endpoint, connection, logger } = setup({ maxAttempts: 2 });
    await connection.connect();
    endpoint.available = false;
    await endpoint.servers[0]?.close();
    for (const delay of [500, 1000]) {
      await eventually(() => clock.pending().length === 1, 'a backoff sleep');
      clock.advance(delay);
      await settle();
    }
    await eventually(() => /gave up reconnecting/.test(logger.text()), 'the loop to give up');
    assert.deepEqual(clock.pending(), []);
    assert.equal(connection.state, 'error');
    endpoint.available = true;
    await connection.callTool('detect_conflicts_tool', {}, callOptions());
    assert.equal(connection.state, 'connected');
  });

  it('fails a connect that takes longer than the connect timeout', async () => {
    const clock = new ManualClock();
    const connection = new McpConnection({ server: silentEndpoint, clock, connectTimeoutMs: 3000, reconnect: false });
    open.push(connection);
    const connecting = connection.connect();
    await eventually(() => clock.pending().includes(3000), 'the connect timer');
    clock.advance(3000);
    await assert.rejects(connecting, (error: unknown) => {
      assert.ok(error instanceof OrchestratorError);
      assert.equal(error.kind, 'timeout');
      assert.match(error.message, /connecting to silent server timed out after 3000 ms/);
      return true;
    });
    assert.equal(connection.state, 'error');
  });

  it('reports a failed connect as a connection error with state error', async () => {
    const { endpoint, connection } = setup();
    endpoint.available = false;
    await assert.rejects(connection.connect(), (error: unknown) => error instanceof OrchestratorError && error.kind === 'connection' && /ECONNREFUSED/.test(error.message));
    assert.equal(connection.state, 'error');
  });

  it('rejects a call made with an aborted signal without touching the server', async () => {
    const { endpoint, connection } = setup();
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(connection.callTool('detect_conflicts_tool', {}, { ...callOptions(), signal: abort.signal }), (error: unknown) => {
      return error instanceof OrchestratorError && error.kind === 'cancelled' && error.details?.['requestSent'] === false;
    });
    assert.equal(endpoint.servers.length, 0);
  });

  it('ends a call at its total time limit when progress has pushed its timeout past it', async () => {
    // Progress at 400 ms moves the 1 s timeout to 1.4 s; the total limit (1.2 s) must end
    // the call first, with a timer that starts only then.
    const endpoint = new InMemoryEndpoint(() => {
      const server = new McpServer({ name: 'late-progress', version: '1.0.0' });
      server.registerTool('late_progress', { description: 'One progress notification after 400 ms, then no answer until cancelled', inputSchema: {} }, async (_args, extra) => {
        const aborted = new Promise<void>((resolve) => extra.signal.addEventListener('abort', () => resolve(), { once: true }));
        await Promise.race([aborted, new Promise((resolve) => setTimeout(resolve, 400))]);
        const token = extra._meta?.progressToken;
        if (token !== undefined && !extra.signal.aborted) await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: 1 } });
        await aborted;
        return { content: [] };
      });
      return server;
    });
    const connection = new McpConnection({ server: endpoint, reconnect: false });
    open.push(connection);
    const progress: number[] = [];
    const call = connection.callTool(
      'late_progress',
      {},
      { signal: new AbortController().signal, timeoutMs: 1000, maxTotalTimeoutMs: 1200, onProgress: (p) => progress.push(p.progress) },
    );
    await assert.rejects(
      call,
      (error: unknown) => error instanceof OrchestratorError && error.kind === 'timeout' && error.message.includes('exceeded its total time limit of 1200 ms'),
    );
    assert.deepEqual(progress, [1]);
    await eventually(() => endpoint.receivedMethods().includes('notifications/cancelled'), 'the cancellation to reach the server');
  });

  it('closing while connecting cancels the connect', async () => {
    const clock = new ManualClock();
    const connection = new McpConnection({ server: silentEndpoint, clock, reconnect: false });
    const connecting = connection.connect();
    await settle();
    await connection.close();
    await assert.rejects(connecting, (error: unknown) => error instanceof OrchestratorError && error.kind === 'cancelled');
    assert.equal(connection.state, 'disconnected');
  });
});
