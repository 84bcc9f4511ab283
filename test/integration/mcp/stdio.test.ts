/**
 * The connection layer against the test server running as a real child process over stdio.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import type { InvokeOptions } from '../../../src/core/engine/invoker';
import { OrchestratorError } from '../../../src/core/errors';
import { parseServerConfig } from '../../../src/core/mcp/config';
import { McpConnection } from '../../../src/core/mcp/connection';
import { McpToolInvoker } from '../../../src/core/mcp/invoker';
import { MemoryLogger } from '../../../src/core/util/log';
import { ManualClock } from '../../support/mcp/manualClock';
import type { Observation } from '../../support/mcp/testServer';

const repoRoot = join(__dirname, '../../..');
const childServer = join(repoRoot, 'test/support/mcp/childServer.ts');
const scratch = mkdtempSync(join(tmpdir(), 'sched-orch-stdio-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const invokeOptions = (): InvokeOptions => ({ signal: new AbortController().signal, timeoutMs: 10_000, maxTotalTimeoutMs: 20_000 });

function childConfig(extraArgs: string[], env: Record<string, string> = {}) {
  return parseServerConfig({ kind: 'stdio', command: process.execPath, args: ['--import', 'tsx', childServer, ...extraArgs], cwd: repoRoot, env });
}

function observations(file: string): Observation[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Observation);
}

describe('stdio child process server', () => {
  const open: McpConnection[] = [];
  afterEach(async () => {
    await Promise.all(open.map((c) => c.close()));
    open.length = 0;
  });

  function connect(extraArgs: string[], env?: Record<string, string>) {
    const logger = new MemoryLogger();
    // A manual clock parks background reconnects so the calls under test drive reconnection.
    const connection = new McpConnection({ server: childConfig(extraArgs, env), logger, clock: new ManualClock(), connectTimeoutMs: 15_000 });
    open.push(connection);
    return { connection, logger, invoker: new McpToolInvoker({ connection }) };
  }

  it('passes only a minimal environment plus what is configured, and logs stderr as info lines', async () => {
    process.env['SCHED_ORCH_PARENT_ONLY'] = 'should-not-leak';
    try {
      const { connection, logger, invoker } = connect([], { SCHED_ORCH_CONFIGURED: '1' });
      await connection.connect();
      const { data } = await invoker.invoke('env_names', {}, invokeOptions());
      const names = data['names'] as string[];
      assert.ok(names.includes('SCHED_ORCH_CONFIGURED'));
      assert.ok(!names.includes('SCHED_ORCH_PARENT_ONLY'));
      const stderr = logger.lines.filter((l) => l.message.startsWith('[server stderr]'));
      assert.ok(stderr.some((l) => /test server \d+ starting/.test(l.message)));
      assert.ok(stderr.every((l) => l.level === 'info'));
    } finally {
      delete process.env['SCHED_ORCH_PARENT_ONLY'];
    }
  });

  it('reports a server that exits before answering initialize with its exit code and last stderr lines', async () => {
    const { connection } = connect(['--exit-before-initialize', '3']);
    await assert.rejects(connection.connect(), (error: unknown) => {
      assert.ok(error instanceof OrchestratorError);
      assert.equal(error.kind, 'connection');
      assert.match(error.message, /the server process exited with code 3/);
      assert.match(error.message, /fatal: database file is locked/);
      return true;
    });
    assert.equal(connection.state, 'error');
  });

  it('reports a command that cannot be started', async () => {
    const connection = new McpConnection({ server: parseServerConfig({ kind: 'stdio', command: 'sched-orch-no-such-command' }), reconnect: false });
    open.push(connection);
    await assert.rejects(connection.connect(), (error: unknown) => error instanceof OrchestratorError && error.kind === 'connection' && /ENOENT/.test(error.message));
  });

  it('after a crash mid-write: error with the exit code, no re-send, and the next call starts a new server', async () => {
    const file = join(scratch, 'write.jsonl');
    const { connection, invoker } = connect(['--observe', file]);
    await connection.connect();
    await assert.rejects(invoker.invoke('publish_draft', { draft_id: 'd1', crash: true }, invokeOptions()), (error: unknown) => {
      assert.ok(error instanceof OrchestratorError);
      assert.equal(error.kind, 'connection');
      assert.equal(error.details?.['outcomeUnknown'], true);
      assert.match(error.message, /exited with code 9/);
      return true;
    });
    assert.equal(connection.state, 'error');
    const { data } = await invoker.invoke('detect_conflicts', {}, invokeOptions());
    assert.equal(data['total_conflicts'], 1);
    const seen = observations(file);
    assert.equal(seen.filter((o) => o.tool === 'publish_draft_tool').length, 1, 'the write reached the server once');
    const pids = new Set(seen.map((o) => o.pid));
    assert.equal(pids.size, 2, 'the second call ran on a new server process');
  });

  it('after a crash mid-read: reconnects and re-sends the read once', async () => {
    const file = join(scratch, 'read.jsonl');
    const { connection, invoker } = connect(['--observe', file]);
    await connection.connect();
    const { data } = await invoker.invoke('get_schedule_status', { crash_marker: join(scratch, 'read-marker') }, invokeOptions());
    assert.equal(data['published_schedule_id'], 'sched-1');
    const calls = observations(file).filter((o) => o.tool === 'get_schedule_status_tool');
    assert.equal(calls.length, 2);
    assert.notEqual(calls[0]?.pid, calls[1]?.pid);
  });
});
