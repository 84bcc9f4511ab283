/**
 * Truthful caching against the real bundled server, run after run (each run: a new
 * server process and a new policy runtime over the same state folder): a result is
 * reused across runs only when the server reports the same data version of the same
 * database; a database file replaced under the same path, or the same relative --db
 * path in another folder, never gets the other one's results.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseServerConfig } from '../../../src/core/mcp/config';
import { McpConnection } from '../../../src/core/mcp/connection';
import { McpToolInvoker } from '../../../src/core/mcp/invoker';
import { PolicyRuntime } from '../../../src/core/policy/runtime';
import { JsonFileStateStore } from '../../../src/core/policy/stateStore';
import { silentLogger } from '../../../src/core/util/log';
import { sampleProgram } from '../../../src/server/program/sample';
import { ScheduleStore } from '../../../src/server/store/store';
import { ensureBuilt, SERVER_JS } from '../../support/server/client';

const root = mkdtempSync(join(tmpdir(), 'sched-orch-replaced-'));
const state = join(root, 'state');
after(() => rmSync(root, { recursive: true, force: true }));

function database(folder: string): void {
  mkdirSync(folder, { recursive: true });
  ScheduleStore.open({ path: join(folder, 'x.db'), logger: silentLogger, seed: sampleProgram }).close();
}

/** One run in `folder` with `--db x.db`: reads the status, then validates; says where the validation came from. */
async function runIn(folder: string): Promise<{ source: string; databaseId: unknown }> {
  ensureBuilt();
  const connection = new McpConnection({
    server: parseServerConfig({ kind: 'stdio', command: process.execPath, args: [SERVER_JS, '--db', 'x.db'], cwd: folder }),
    connectTimeoutMs: 20_000,
  });
  try {
    await connection.connect();
    const runtime = await PolicyRuntime.create({ invoker: new McpToolInvoker({ connection }), stateStore: new JsonFileStateStore(state) });
    const call = (capability: string, args: Record<string, unknown>) =>
      runtime.call({ capability, args, writes: false, policy: runtime.policies.get(capability), cacheMode: 'use', signal: new AbortController().signal });
    const status = await call('get_schedule_status', {});
    assert.ok(status.ok && status.source === 'live');
    const validate = await call('validate_schedule', { start_date: '2027-01-04', end_date: '2027-01-31' });
    assert.ok(validate.ok, validate.ok ? '' : validate.error.message);
    await runtime.flush();
    return { source: validate.source, databaseId: status.data['database_id'] };
  } finally {
    await connection.close();
  }
}

describe('cache across runs against the bundled server', { timeout: 60_000 }, () => {
  it('reuses only what the same database at the same version answered', async () => {
    const a = join(root, 'a');
    database(a);
    const first = await runIn(a);
    assert.equal(first.source, 'live');
    const same = await runIn(a);
    assert.equal(same.source, 'cache', 'same version of the same database: proven unchanged');
    assert.equal(same.databaseId, first.databaseId);

    // Another database put in its place: same path, same data version (1), other data.
    database(join(root, 'other'));
    renameSync(join(root, 'other', 'x.db'), join(a, 'x.db'));
    const replaced = await runIn(a);
    assert.notEqual(replaced.databaseId, first.databaseId);
    assert.equal(replaced.source, 'live');

    // The same relative --db path in another folder is another server.
    const b = join(root, 'b');
    database(b);
    assert.equal((await runIn(b)).source, 'live');
    assert.equal((await runIn(a)).source, 'cache');
  });
});
