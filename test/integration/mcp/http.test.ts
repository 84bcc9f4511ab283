/**
 * The connection layer against the test server over HTTP (node:http + the SDK's server
 * transports), started inside each test on a free port.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { InvokeOptions } from '../../../src/core/engine/invoker';
import { OrchestratorError } from '../../../src/core/errors';
import type { ApiKeySource } from '../../../src/core/mcp/apiKey';
import { envApiKeySource } from '../../../src/core/mcp/apiKey';
import { parseServerConfig } from '../../../src/core/mcp/config';
import { McpConnection } from '../../../src/core/mcp/connection';
import { McpToolInvoker } from '../../../src/core/mcp/invoker';
import { MemoryLogger } from '../../../src/core/util/log';
import { startHttpTestServer, type HttpTestServer, type HttpTestServerOptions } from '../../support/mcp/httpServer';
import { ManualClock } from '../../support/mcp/manualClock';

const KEY = 'sk-test-6f1c2e9a-key';
const invokeOptions = (): InvokeOptions => ({ signal: new AbortController().signal, timeoutMs: 5000, maxTotalTimeoutMs: 10_000 });

describe('Streamable HTTP and SSE', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup.length = 0;
  });

  async function setup(server: HttpTestServerOptions, apiKey?: ApiKeySource, sseFallback = true) {
    const http: HttpTestServer = await startHttpTestServer(server);
    const logger = new MemoryLogger();
    const connection = new McpConnection({
      server: parseServerConfig({ kind: 'http', url: http.url, sseFallback }),
      logger: { log: (level, message, fields) => logger.log(level, message, fields) },
      ...(apiKey ? { apiKey } : {}),
      clock: new ManualClock(),
    });
    cleanup.push(
      () => http.close(),
      () => connection.close(),
    );
    return { http, connection, logger, invoker: new McpToolInvoker({ connection }) };
  }

  it('talks to a stateless server without an API key', async () => {
    const { http, connection, invoker } = await setup({ mode: 'stateless' });
    await connection.connect();
    assert.equal(connection.transportKind, 'streamable-http');
    const { data } = await invoker.invoke('validate_schedule', { start_date: '2026-01-05', end_date: '2026-02-01' }, invokeOptions());
    assert.equal(data['is_valid'], false);
    assert.ok(http.requests.every((r) => r.authorization === undefined));
    assert.equal(connection.identity(), `sched-test-server@1.2.3 (http: ${http.url})`);
  });

  it('sends the API key as a bearer token and never logs it, even at trace level', async () => {
    const { http, connection, invoker, logger } = await setup({ mode: 'stateless', apiKey: KEY }, envApiKeySource('SCHED_KEY', { SCHED_KEY: KEY }));
    await connection.connect();
    const progress: number[] = [];
    await invoker.invoke('slow_operation', { steps: 2, interval_ms: 10 }, { ...invokeOptions(), onProgress: (p) => progress.push(p.progress) });
    assert.deepEqual(progress, [1, 2]);
    assert.ok(http.requests.length >= 3);
    assert.ok(http.requests.every((r) => r.authorization === `Bearer ${KEY}`));
    assert.ok(
      logger.lines.some((l) => l.level === 'trace'),
      'JSON-RPC traffic was logged',
    );
    assert.ok(!logger.text().includes(KEY), 'the key is in no log line');
  });

  it('turns a 401 into an authentication error that names the key source, not the key', async () => {
    const { connection, logger } = await setup({ mode: 'stateless', apiKey: KEY }, envApiKeySource('SCHED_KEY', { SCHED_KEY: 'wrong-key-value' }));
    await assert.rejects(connection.connect(), (error: unknown) => {
      assert.ok(error instanceof OrchestratorError);
      assert.equal(error.kind, 'auth');
      assert.match(error.message, /authentication failed \(HTTP 401\): .*Invalid or missing API key.*; check the API key in environment variable SCHED_KEY/);
      assert.doesNotMatch(error.message, /wrong-key-value/);
      return true;
    });
    assert.equal(connection.state, 'error');
    assert.ok(!logger.text().includes('wrong-key-value'));
  });

  it('redacts the key when a server echoes it back in an error body', async () => {
    const { connection, logger } = await setup({ mode: 'stateless', echoAuthIn500: true }, envApiKeySource('SCHED_KEY', { SCHED_KEY: KEY }));
    await assert.rejects(connection.connect(), (error: unknown) => {
      assert.ok(error instanceof OrchestratorError);
      assert.equal(error.kind, 'server_error');
      assert.match(error.message, /upstream rejected Bearer \*\*\*/);
      assert.ok(!`${error.message}${error.stack ?? ''}${String(error.cause ?? '')}`.includes(KEY));
      return true;
    });
    assert.ok(!logger.text().includes(KEY));
  });

  it('without a key, a 401 says that the server needs one', async () => {
    const { connection } = await setup({ mode: 'stateless', apiKey: KEY });
    await assert.rejects(
      connection.connect(),
      (error: unknown) => error instanceof OrchestratorError && error.kind === 'auth' && /needs an API key and none is configured/.test(error.message),
    );
  });

  it('falls back to SSE when the server refuses Streamable HTTP', async () => {
    const { http, connection, invoker, logger } = await setup({ mode: 'sse-only', apiKey: KEY }, envApiKeySource('SCHED_KEY', { SCHED_KEY: KEY }));
    await connection.connect();
    assert.equal(connection.transportKind, 'sse');
    assert.match(logger.text(), /refused streamable-http \(HTTP 405\); trying sse/);
    const { data } = await invoker.invoke('detect_conflicts', {}, invokeOptions());
    assert.equal(data['total_conflicts'], 1);
    assert.ok(http.requests.some((r) => r.method === 'GET' && r.path === '/mcp'));
    assert.ok(http.requests.every((r) => r.authorization === `Bearer ${KEY}`));
  });

  it('does not fall back when fallback is off', async () => {
    const { connection } = await setup({ mode: 'sse-only' }, undefined, false);
    await assert.rejects(connection.connect(), (error: unknown) => error instanceof OrchestratorError && error.kind === 'protocol' && /HTTP 405/.test(error.message));
  });

  it('initializes again after a 404 on its session and re-sends the read', async () => {
    const { http, connection, invoker } = await setup({ mode: 'stateful' });
    await connection.connect();
    await invoker.invoke('detect_conflicts', {}, invokeOptions());
    http.forgetSessions();
    const { data } = await invoker.invoke('detect_conflicts', {}, invokeOptions());
    assert.equal(data['total_conflicts'], 1);
    assert.equal(http.requests.filter((r) => r.rpcMethod === 'initialize').length, 2);
    assert.equal(connection.state, 'connected');
  });

  it('reports an unreachable server as a connection error', async () => {
    const { http, connection } = await setup({ mode: 'stateless' });
    await http.close();
    await assert.rejects(connection.connect(), (error: unknown) => error instanceof OrchestratorError && error.kind === 'connection' && /ECONNREFUSED/.test(error.message));
  });
});
