/**
 * HTTP failures between the orchestrator and a real MCP server on a socket: 401 (with
 * credentials in the URL, which must never be printed), 404 after the server lost the
 * session, 500, and a connection reset, each through connection, invoker and policy
 * runtime. Nothing lost (the read succeeds), nothing duplicated (the server ran the tool
 * as often as it should), nothing stuck (bounded, and the next call works).
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { OrchestratorError } from '../../../src/core/errors';
import { parseServerConfig } from '../../../src/core/mcp/config';
import { McpConnection } from '../../../src/core/mcp/connection';
import { McpToolInvoker } from '../../../src/core/mcp/invoker';
import { PolicyTable } from '../../../src/core/policy/policies';
import { PolicyRuntime, type CallResult } from '../../../src/core/policy/runtime';
import { MemoryLogger } from '../../../src/core/util/log';
import { startFaultProxy, type FaultProxy } from '../../support/faults/faultProxy';
import { startHttpTestServer, type HttpTestServer } from '../../support/mcp/httpServer';

const RANGE = { start_date: '2026-01-05', end_date: '2026-02-01' };
const PASSWORD = 'pw-Secret-42';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function serve(options: Parameters<typeof startHttpTestServer>[0]): Promise<HttpTestServer> {
  const server = await startHttpTestServer(options);
  closers.push(() => server.close());
  return server;
}

async function proxied(server: HttpTestServer): Promise<FaultProxy> {
  const proxy = await startFaultProxy(server.url);
  closers.push(() => proxy.close());
  return proxy;
}

async function orchestrator(url: string) {
  const logger = new MemoryLogger();
  const connection = new McpConnection({ server: parseServerConfig({ kind: 'http', url, sseFallback: false }), logger, connectTimeoutMs: 5000 });
  closers.push(() => connection.close());
  const runtime = await PolicyRuntime.create({
    invoker: new McpToolInvoker({ connection }),
    logger,
    policies: new PolicyTable({ validate_schedule: { retry: { maxRetries: 3, initialDelayMs: 20, jitter: 0 } } }),
  });
  const validate = (): Promise<CallResult> =>
    runtime.call({
      capability: 'validate_schedule',
      args: RANGE,
      writes: false,
      policy: runtime.policies.get('validate_schedule'),
      cacheMode: 'off',
      signal: new AbortController().signal,
    });
  return { connection, runtime, logger, validate };
}

const calls = (server: HttpTestServer) => server.requests.filter((r) => r.rpcMethod === 'tools/call').length;

describe('HTTP faults (real sockets)', { timeout: 30_000 }, () => {
  it('401 with credentials in the URL: they are sent as Basic auth and never printed', async () => {
    const server = await serve({ mode: 'stateless', apiKey: 'the-real-key' });
    const url = server.url.replace('http://', `http://alice:${encodeURIComponent(PASSWORD)}@`);
    const { connection, logger } = await orchestrator(url);
    const error = await connection.connect().then(
      () => assert.fail('connected without the key'),
      (e: unknown) => e as OrchestratorError,
    );
    assert.equal(error.kind, 'auth');
    const basic = Buffer.from(`alice:${PASSWORD}`).toString('base64');
    assert.equal(server.requests[0]?.authorization, `Basic ${basic}`);
    const printed = [error.message, String(error.cause ?? ''), connection.description, logger.text()].join('\n');
    for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), basic, 'alice:']) assert.ok(!printed.includes(secret), `"${secret}" was printed`);
  });

  it('404 after the server lost the session: initializes again and re-sends the read once', async () => {
    const server = await serve({ mode: 'stateful' });
    const { validate } = await orchestrator(server.url);
    assert.ok((await validate()).ok);
    server.forgetSessions();
    const again = await validate();
    assert.ok(again.ok, 'the read came back');
    assert.equal(server.requests.filter((r) => r.rpcMethod === 'initialize').length, 2);
    // First call, the one refused with 404 (never ran), the one sent again.
    assert.equal(calls(server), 3);
    assert.ok((await validate()).ok);
  });

  it('500 twice: retried with backoff, then answered; the tool ran once', async () => {
    const server = await serve({ mode: 'stateless' });
    const proxy = await proxied(server);
    const { validate, runtime } = await orchestrator(proxy.url);
    proxy.fail('500', 2);
    const result = await validate();
    assert.ok(result.ok);
    assert.equal(result.attempts, 3);
    assert.equal(proxy.forwardedCalls, 1);
    assert.equal(calls(server), 1);
    assert.equal(runtime.breakerState('validate_schedule'), 'closed');
  });

  it('500 on every attempt: fails after the bounded retries with a server error', async () => {
    const server = await serve({ mode: 'stateless' });
    const proxy = await proxied(server);
    const { validate } = await orchestrator(proxy.url);
    proxy.fail('500', 4);
    const started = Date.now();
    const result = await validate();
    assert.ok(!result.ok && result.error.kind === 'server_error');
    assert.equal(result.attempts, 4);
    assert.ok(Date.now() - started < 5000);
    assert.equal(calls(server), 0);
    assert.ok((await validate()).ok, 'then works again');
  });

  it('a connection reset mid-request: the read is sent again and runs once', async () => {
    const server = await serve({ mode: 'stateless' });
    const proxy = await proxied(server);
    const { validate } = await orchestrator(proxy.url);
    proxy.fail('reset', 1);
    const result = await validate();
    assert.ok(result.ok, result.ok ? '' : result.error.message);
    assert.equal(calls(server), 1);
    assert.equal(proxy.forwardedCalls, 1);
  });
});
