/**
 * Generation locks and their owners: a lock whose owner process is gone, or whose heartbeat
 * stopped, is free; cancel_generation_tool ends a dead run (audited), refuses a live one in
 * another process unless forced, and tells a run of this process to stop.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { MemoryLogger } from '../../../src/core/util/log';
import { cancelGeneration, registerRun } from '../../../src/server/generation/cancel';
import { generationLockName } from '../../../src/server/generation/lockNames';
import { STALE_HEARTBEAT_MS, THIS_HOST } from '../../../src/server/store/locks';
import { ScheduleStore } from '../../../src/server/store/store';
import { rawSql } from '../../../src/server/store/tx';
import { ToolError } from '../../../src/server/domain/errors';
import { inMemoryServer } from '../../support/server/client';
import { fixture } from '../../support/server/fixtures';

let clock = Date.parse('2027-01-03T12:00:00Z');
const now = () => clock;
const LOCK = generationLockName('s1');
const HOUR = 3_600_000;

function open(): ScheduleStore {
  return ScheduleStore.open({ logger: new MemoryLogger(), now, seed: () => fixture({ assignments: [['r1', 'day', '2027-01-05']] }) });
}

/** A process id that existed and is gone now. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

/** Rewrites the lock's owner as if another process held it. */
function ownedBy(store: ScheduleStore, owner: { pid: number; host?: string; heartbeatAt?: number }): void {
  store.write('test', 'test', undefined, (tx) =>
    rawSql(tx).run('UPDATE locks SET owner_pid = ?, owner_host = ?, heartbeat_at = ? WHERE name = ?', [
      owner.pid,
      owner.host ?? THIS_HOST,
      new Date(owner.heartbeatAt ?? clock).toISOString(),
      LOCK,
    ]),
  );
}

describe('generation locks', () => {
  it('record their owner: pid, host and heartbeat', () => {
    const store = open();
    assert.ok(store.acquireLock(LOCK, 'run-a', HOUR, 'generate'));
    const holder = store.lockHolder(LOCK)!;
    assert.deepEqual([holder.owner, holder.pid, holder.host, holder.heartbeatAt], ['run-a', process.pid, THIS_HOST, new Date(clock).toISOString()]);
    clock += 5000;
    assert.ok(store.heartbeatLock(LOCK, 'run-a'));
    assert.equal(store.lockHolder(LOCK)!.heartbeatAt, new Date(clock).toISOString());
    assert.equal(store.heartbeatLock(LOCK, 'run-b'), false, 'only the owner renews it');
    store.close();
  });

  it('a live owner keeps the lock; a dead process or a stale heartbeat frees it', () => {
    const store = open();
    assert.ok(store.acquireLock(LOCK, 'run-a', HOUR));
    ownedBy(store, { pid: process.ppid });
    assert.equal(store.acquireLock(LOCK, 'run-b', HOUR), false, 'the owner process is alive');

    ownedBy(store, { pid: deadPid() });
    assert.ok(store.acquireLock(LOCK, 'run-b', HOUR), 'the owner process is gone');

    ownedBy(store, { pid: process.ppid, host: 'another-host', heartbeatAt: clock - STALE_HEARTBEAT_MS - 1000 });
    assert.ok(store.acquireLock(LOCK, 'run-c', HOUR), 'no heartbeat for longer than the threshold');
    ownedBy(store, { pid: process.ppid, host: 'another-host', heartbeatAt: clock });
    assert.equal(store.acquireLock(LOCK, 'run-d', HOUR), false, 'a process on another host with a fresh heartbeat is trusted');
    store.close();
  });
});

describe('cancel_generation', () => {
  it('releases the lock of a dead run, audited under the actor', () => {
    const store = open();
    store.acquireLock(LOCK, 'run-dead', HOUR, 'generate');
    ownedBy(store, { pid: deadPid() });
    const before = store.dataVersion();
    const out = cancelGeneration(store, now, { actor: 'alice', scheduleId: 's1', reason: 'server crashed', force: false });
    assert.deepEqual([out.runId, out.scheduleId, out.action], ['run-dead', 's1', 'released']);
    assert.match(out.why, /no longer exists/);
    assert.equal(store.lockHolder(LOCK), undefined);
    const [entry] = store.auditLog({ action: 'cancel_generation' });
    assert.equal(entry?.actor, 'alice');
    assert.equal(entry?.versionBefore, before);
    assert.equal((entry?.details as Record<string, unknown>)['run_id'], 'run-dead');
    store.close();
  });

  it('refuses a run alive in another process unless forced; NOT_FOUND when nothing holds the schedule', () => {
    const store = open();
    store.acquireLock(LOCK, 'run-alive', HOUR);
    ownedBy(store, { pid: process.ppid });
    assert.throws(
      () => cancelGeneration(store, now, { actor: 'alice', runId: 'run-alive', force: false }),
      (e: unknown) => e instanceof ToolError && e.code === 'LOCKED',
    );
    assert.ok(store.lockHolder(LOCK), 'a refusal changes nothing');
    assert.equal(store.auditLog({ action: 'cancel_generation' }).length, 0);
    assert.equal(cancelGeneration(store, now, { actor: 'alice', runId: 'run-alive', force: true }).action, 'released');
    assert.throws(
      () => cancelGeneration(store, now, { actor: 'alice', scheduleId: 's1', force: false }),
      (e: unknown) => e instanceof ToolError && e.code === 'NOT_FOUND',
    );
    store.close();
  });

  it('tells a run of this process to stop', () => {
    const store = open();
    store.acquireLock(LOCK, 'run-here', HOUR);
    const run = registerRun('run-here');
    const out = cancelGeneration(store, now, { actor: 'alice', scheduleId: 's1', force: false });
    assert.equal(out.action, 'aborted');
    assert.ok(run.signal.aborted);
    run.done();
    store.close();
  });

  it('is a write tool of the server that needs an actor', async () => {
    const server = await inMemoryServer();
    try {
      const tool = (await server.client.listTools()).tools.find((t) => t.name === 'cancel_generation_tool');
      assert.equal(tool?.annotations?.readOnlyHint, false);
      assert.ok(tool?.inputSchema.required?.includes('actor'));
      const missing = await server.client.callTool({ name: 'cancel_generation_tool', arguments: { actor: 'alice' } });
      assert.equal(missing.isError, true);
    } finally {
      await server.close();
    }
  });
});
