import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { MemoryLogger } from '../../../src/core/util/log';
import { createServer } from '../../../src/server/createServer';
import { isLoopback, startHttpServer, type RunningHttpServer } from '../../../src/server/http';
import { sampleProgram } from '../../../src/server/program/sample';
import { ScheduleStore } from '../../../src/server/store/store';
import { ensureBuilt, SERVER_JS } from '../../support/server/client';

const KEY = 'test-key-0123456789';

async function connect(url: string, token?: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(url), token ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : undefined);
  const client = new Client({ name: 'http-tests', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

describe('stateless Streamable HTTP', () => {
  const logger = new MemoryLogger();
  let store: ScheduleStore;
  let open: RunningHttpServer;
  let keyed: RunningHttpServer;
  before(async () => {
    store = ScheduleStore.open({ logger, seed: sampleProgram });
    const createMcpServer = () => createServer({ store, logger, now: () => Date.parse('2027-01-11T09:00:00Z') });
    open = await startHttpServer({ host: '127.0.0.1', port: 0, logger, createMcpServer, service: 'test', version: '0' });
    keyed = await startHttpServer({ host: '127.0.0.1', port: 0, apiKey: KEY, logger, createMcpServer, service: 'test', version: '0' });
  });
  after(async () => {
    await open.close();
    await keyed.close();
    store.close();
  });

  it('serves /health without authentication', async () => {
    const res = await fetch(keyed.url.replace('/mcp', '/health'));
    assert.equal(res.status, 200);
    const body = (await res.json()) as { status: string; checks: { api_key_configured: boolean } };
    assert.equal(body.status, 'healthy');
    assert.equal(body.checks.api_key_configured, true);
  });

  it('serves MCP at /mcp without sessions', async () => {
    const client = await connect(open.url);
    try {
      const result = await client.callTool({ name: 'get_schedule_status_tool', arguments: {} });
      assert.equal((result.structuredContent as { schedule_id: string }).schedule_id, 'block-2027-01-04');
      const again = await client.callTool({ name: 'validate_schedule_tool', arguments: { start_date: '2027-01-04', end_date: '2027-01-10' } });
      assert.notEqual(again.isError, true);
    } finally {
      await client.close();
    }
    const get = await fetch(open.url, { method: 'GET', headers: { Accept: 'text/event-stream' } });
    assert.equal(get.status, 405);
  });

  it('requires the bearer key when one is set and answers 401 JSON otherwise', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };
    const missing = await fetch(keyed.url, { method: 'POST', headers, body });
    assert.equal(missing.status, 401);
    assert.deepEqual(await missing.json(), { error: 'Unauthorized', message: 'Invalid or missing API key' });
    const wrong = await fetch(keyed.url, { method: 'POST', headers: { ...headers, Authorization: 'Bearer nope' }, body });
    assert.equal(wrong.status, 401);
    await assert.rejects(connect(keyed.url), /401|Unauthorized/);
    const client = await connect(keyed.url, KEY);
    try {
      assert.ok((await client.listTools()).tools.length > 10);
    } finally {
      await client.close();
    }
    assert.doesNotMatch(logger.text(), new RegExp(KEY));
  });

  it('binds loopback only unless an API key is set', async () => {
    assert.deepEqual(['127.0.0.1', 'localhost', '::1', '0.0.0.0', '192.168.1.5'].map(isLoopback), [true, true, true, false, false]);
    await assert.rejects(
      startHttpServer({ host: '0.0.0.0', port: 0, logger, createMcpServer: () => createServer({ store, logger }), service: 'test', version: '0' }),
      /refusing to listen on 0\.0\.0\.0 without an API key/,
    );
  });
});

describe('dist/server.js --http', () => {
  before(() => ensureBuilt());

  it('refuses a non-loopback bind without --api-key-env', async () => {
    const failed = await promisify(execFile)(process.execPath, [SERVER_JS, '--http', '--host', '0.0.0.0', '--port', '0']).then(
      () => assert.fail('should refuse'),
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /refusing to listen on 0\.0\.0\.0 without an API key/);
  });

  it('serves with a key from the environment and logs to stderr', async () => {
    const child = spawn(process.execPath, [SERVER_JS, '--http', '--port', '0', '--api-key-env', 'SCHED_TEST_KEY'], {
      env: { PATH: process.env.PATH ?? '', SCHED_TEST_KEY: KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const url = await new Promise<string>((resolve, reject) => {
        let err = '';
        child.stderr.on('data', (d: Buffer) => {
          err += d.toString();
          const m = /"url":"([^"]+)"/.exec(err);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
      });
      const client = await connect(url, KEY);
      try {
        assert.ok((await client.listTools()).tools.some((t) => t.name === 'validate_schedule_tool'));
      } finally {
        await client.close();
      }
      assert.equal(stdout, '', 'nothing on stdout');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
