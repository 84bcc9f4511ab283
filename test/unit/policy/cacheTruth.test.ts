/**
 * A cached result is served as fresh only when the server proved the data unchanged
 * (same data version of the same database, seen in this run); results a server cannot
 * stamp are fresh within one run only, unless the capability opts in (cache.acrossRuns).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PolicyTable } from '../../../src/core/policy/policies';
import { PolicyRuntime, type CacheMode, type CallRequest } from '../../../src/core/policy/runtime';
import { JsonFileStateStore } from '../../../src/core/policy/stateStore';
import { FakeClock } from '../../support/engine/fakeClock';
import { FakeToolServer } from '../../support/engine/fakeTools';
import { tempDir } from '../../support/engine/harness';

const HOUR = 3_600_000;

/** One run: a runtime over the shared state folder and tool server. */
async function run(stateDir: string, clock: FakeClock, tools: FakeToolServer, policies = new PolicyTable()) {
  const runtime = await PolicyRuntime.create({ invoker: tools, clock, random: () => 0, policies, stateStore: new JsonFileStateStore(stateDir) });
  const call = async (capability: string, cacheMode: CacheMode = 'use') => {
    const request: CallRequest = { capability, args: {}, writes: false, policy: runtime.policies.get(capability), cacheMode, signal: new AbortController().signal };
    const result = await clock.run(runtime.call(request));
    assert.ok(result.ok, `${capability} failed`);
    return result.source;
  };
  return { runtime, call };
}

function status(version: number, databaseId: string) {
  return { data: { data_version: version, database_id: databaseId } };
}

describe('cache truth', () => {
  it('a server without data versions: fresh within one run, never across runs', async () => {
    const dir = tempDir('truth-unversioned');
    const clock = new FakeClock();
    const tools = new FakeToolServer(clock).define('validate_schedule', { respond: () => ({ is_valid: true }) });
    const first = await run(dir, clock, tools);
    assert.equal(await first.call('validate_schedule'), 'live');
    assert.equal(await first.call('validate_schedule'), 'cache');
    await first.runtime.flush();
    const second = await run(dir, clock, tools);
    assert.equal(await second.call('validate_schedule'), 'live', 'another run must ask the server again');
    assert.equal(await second.call('validate_schedule'), 'cache');
    // The earlier run's result still stands in when the tool fails (labelled with its age).
    await second.runtime.flush();
    await clock.advance(HOUR);
    const third = await run(dir, clock, tools);
    assert.equal(third.runtime.cachedWithin('validate_schedule', {}, 6 * HOUR)?.ageMs, HOUR);
    assert.equal(tools.callsTo('validate_schedule').length, 2);
  });

  it("cache.acrossRuns lets a capability reuse an earlier run's result as fresh", async () => {
    const dir = tempDir('truth-opt-in');
    const clock = new FakeClock();
    const tools = new FakeToolServer(clock).define('validate_schedule', { respond: () => ({ is_valid: true }) });
    const policies = new PolicyTable({ validate_schedule: { cache: { acrossRuns: true } } });
    const first = await run(dir, clock, tools, policies);
    await first.call('validate_schedule');
    await first.runtime.flush();
    const second = await run(dir, clock, tools, policies);
    assert.equal(await second.call('validate_schedule'), 'cache');
    assert.equal(tools.callsTo('validate_schedule').length, 1);
  });

  it('across runs, fresh only after this run saw the same version of the same database', async () => {
    const dir = tempDir('truth-versioned');
    const clock = new FakeClock();
    const tools = new FakeToolServer(clock)
      .define('get_schedule_status', { script: [status(3, 'db-a')] })
      .define('validate_schedule', { respond: () => ({ is_valid: true, data_version: 3 }) });
    const first = await run(dir, clock, tools);
    await first.call('get_schedule_status');
    assert.equal(await first.call('validate_schedule'), 'live');
    await first.runtime.flush();

    // Same version, same database: proven unchanged once this run has seen them.
    tools.script('get_schedule_status', status(3, 'db-a'));
    const again = await run(dir, clock, tools);
    await again.call('get_schedule_status', 'refresh');
    assert.equal(await again.call('validate_schedule'), 'cache');
    assert.equal(tools.callsTo('validate_schedule').length, 1);
    await again.runtime.flush();

    // The file was replaced: same version number, another database.
    tools.script('get_schedule_status', status(3, 'db-b'));
    const replaced = await run(dir, clock, tools);
    await replaced.call('get_schedule_status', 'refresh');
    assert.equal(await replaced.call('validate_schedule'), 'live');
    assert.equal(tools.callsTo('validate_schedule').length, 2);
  });

  it("before the status is read, an earlier run's result is not fresh, and reading it first keeps it", async () => {
    const dir = tempDir('truth-order');
    const clock = new FakeClock();
    const tools = new FakeToolServer(clock)
      .define('get_schedule_status', { respond: () => status(3, 'db-a').data })
      .define('validate_schedule', { respond: () => ({ is_valid: true, data_version: 3 }) })
      .define('detect_conflicts', { respond: () => ({ conflicts: [], data_version: 3 }) });
    const first = await run(dir, clock, tools);
    await first.call('get_schedule_status');
    await first.call('validate_schedule');
    await first.runtime.flush();
    const second = await run(dir, clock, tools);
    // A result naming only the version proves nothing about which database it is.
    assert.equal(await second.call('detect_conflicts'), 'live');
    assert.ok(second.runtime.cachedWithin('validate_schedule', {}, HOUR), 'kept: nothing contradicts it');
    await second.call('get_schedule_status', 'refresh');
    assert.equal(await second.call('validate_schedule'), 'cache');
  });

  it('a version going down is a change: results of the newer version are not served', async () => {
    const dir = tempDir('truth-down');
    const clock = new FakeClock();
    const tools = new FakeToolServer(clock)
      .define('get_schedule_status', { script: [status(5, 'db-a'), status(4, 'db-a')] })
      .define('validate_schedule', { respond: () => ({ is_valid: true }) });
    const { runtime, call } = await run(dir, clock, tools);
    await call('get_schedule_status', 'refresh');
    assert.equal(await call('validate_schedule'), 'live');
    assert.equal(await call('validate_schedule'), 'cache');
    // An older copy of the database was restored under the server.
    await call('get_schedule_status', 'refresh');
    assert.equal(await call('validate_schedule'), 'live');
    assert.equal(runtime.cachedWithin('validate_schedule', {}, HOUR)?.dataVersion, '4');
    assert.equal(tools.callsTo('validate_schedule').length, 2);
  });
});
