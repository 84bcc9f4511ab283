/**
 * Saved breaker and cache state is checked on load: bad entries are dropped with a
 * warning (and not saved again), future times are bounded, and cache entries that were
 * edited, forged or left unsigned are not trusted. cockatiel times the open period with
 * Date.now(), so Date is mocked in step with the fake clock.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { canonicalJson } from '../../../src/core/policy/cache';
import { PolicyRuntime, type CallRequest } from '../../../src/core/policy/runtime';
import { JsonFileStateStore } from '../../../src/core/policy/stateStore';
import { MemoryLogger } from '../../../src/core/util/log';
import { FakeClock } from '../../support/engine/fakeClock';
import { FakeToolServer } from '../../support/engine/fakeTools';
import { tempDir } from '../../support/engine/harness';

const START = Date.UTC(2026, 0, 5, 8);
const HOUR = 3_600_000;
const SEP = '\u0001';

function clockWithDate(t: TestContext): FakeClock {
  t.mock.timers.enable({ apis: ['Date'], now: START });
  return new FakeClock(START, (now) => t.mock.timers.setTime(now));
}

async function open(dir: string, clock: FakeClock, tools: FakeToolServer) {
  const logger = new MemoryLogger();
  const runtime = await PolicyRuntime.create({ invoker: tools, clock, random: () => 0, logger, stateStore: new JsonFileStateStore(dir) });
  const call = (capability: string, cacheMode: CallRequest['cacheMode'] = 'use') => {
    const policy = runtime.policies.get(capability);
    const request: CallRequest = {
      capability,
      args: {},
      writes: false,
      policy: { ...policy, retry: { ...policy.retry, maxRetries: 0 } },
      cacheMode,
      signal: new AbortController().signal,
    };
    return clock.run(runtime.call(request));
  };
  return { runtime, logger, call };
}

function readJson(dir: string, name: string): unknown {
  return JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as unknown;
}

describe('state files', () => {
  it('drops invalid breaker entries, bounds an open time in the future, and saves only what is valid', async (t) => {
    const clock = clockWithDate(t);
    const dir = tempDir('state-breakers');
    const tools = new FakeToolServer(clock)
      .define('validate_schedule', { respond: () => ({ is_valid: true }) })
      .define('detect_conflicts', { respond: () => ({ conflicts: [] }) })
      .define('get_defense_level', { respond: () => ({ level: 1 }) });
    const server = tools.serverIdentity();
    writeFileSync(
      join(dir, 'breakers.json'),
      JSON.stringify({
        // Open "since" a year from now (a clock that jumped back): would fail fast for a year.
        [`${server}${SEP}validate_schedule`]: { ownState: { value: 1, openedAt: START + 365 * 24 * HOUR, attemptNo: 1 }, breakerState: { failures: [START + HOUR] } },
        // Isolated: held open by hand, never by this program.
        [`${server}${SEP}detect_conflicts`]: { ownState: { value: 3, counters: 1 }, breakerState: { failures: [] } },
        [`${server}${SEP}get_defense_level`]: 'open',
      }),
    );
    const { runtime, logger, call } = await open(dir, clock, tools);
    assert.equal((await call('detect_conflicts')).ok, true);
    assert.equal((await call('get_defense_level')).ok, true);
    assert.equal(runtime.breakerState('validate_schedule'), 'open');
    assert.equal((await call('validate_schedule')).ok, false, 'still open right after the restart');
    // Bounded by the policy: the half-open wait (30 s) counts from now, not from next year.
    await clock.advance(30_000);
    assert.equal((await call('validate_schedule')).ok, true);
    assert.equal(runtime.breakerState('validate_schedule'), 'closed');
    assert.equal(logger.lines.filter((l) => l.message.startsWith('Dropped a saved circuit breaker entry')).length, 2);
    await runtime.flush();
    const saved = readJson(dir, 'breakers') as Record<string, { ownState: { value: number } }>;
    assert.equal(saved[`${server}${SEP}detect_conflicts`]?.ownState.value, 0, 'the isolated entry was not saved again');
    assert.equal(saved[`${server}${SEP}validate_schedule`]?.ownState.value, 0);
    assert.equal(saved[`${server}${SEP}get_defense_level`]?.ownState.value, 0);
  });

  it('a breaker file that is not an object is ignored with a warning', async (t) => {
    const clock = clockWithDate(t);
    const dir = tempDir('state-breakers-bad');
    writeFileSync(join(dir, 'breakers.json'), '[1,2,3]');
    const tools = new FakeToolServer(clock).define('validate_schedule');
    const { logger, call } = await open(dir, clock, tools);
    assert.equal((await call('validate_schedule')).ok, true);
    assert.match(logger.text(), /Ignoring the saved circuit breaker state/);
  });

  it('drops cache entries that are edited, forged, unsigned, of the wrong shape or from the future', async (t) => {
    const clock = clockWithDate(t);
    const dir = tempDir('state-cache');
    const tools = new FakeToolServer(clock).define('validate_schedule', { respond: () => ({ is_valid: true }) }).define('detect_conflicts', { respond: () => ({ conflicts: [] }) });
    const first = await open(dir, clock, tools);
    await first.call('validate_schedule');
    await first.call('detect_conflicts');
    await first.runtime.flush();
    const key = readJson(dir, 'cache-key') as string;
    const saved = readJson(dir, 'result-cache') as { entries: [string, Record<string, unknown>, string][] };
    assert.equal(saved.entries.length, 2);
    const [validate, conflicts] = saved.entries.map((e) => e) as [[string, Record<string, unknown>, string], [string, Record<string, unknown>, string]];
    const sign = (k: string, entry: Record<string, unknown>) =>
      createHmac('sha256', key)
        .update(canonicalJson([k, entry]))
        .digest('hex');
    const entries = [
      // Edited: the signature no longer matches.
      [validate[0], { ...validate[1], data: { is_valid: false } }, validate[2]],
      // Correctly signed, but `data: null` (used to crash the step).
      [conflicts[0], { ...conflicts[1], data: null }, sign(conflicts[0], { ...conflicts[1], data: null })],
      // Unsigned.
      [`${validate[0]}x`, validate[1]],
      // Signed, stored an hour from now.
      [`${validate[0]}y`, { ...validate[1], storedAt: START + HOUR }, sign(`${validate[0]}y`, { ...validate[1], storedAt: START + HOUR })],
    ];
    writeFileSync(join(dir, 'result-cache.json'), JSON.stringify({ entries }));
    await clock.advance(60_000);
    const second = await open(dir, clock, tools);
    assert.equal(second.runtime.cachedEntries, 0);
    assert.equal(second.runtime.cachedWithin('validate_schedule', {}, 6 * HOUR), undefined);
    assert.equal(second.runtime.cachedWithin('detect_conflicts', {}, 6 * HOUR), undefined);
    const warning = second.logger.lines.find((l) => l.message === 'Dropped saved cache entries that cannot be trusted');
    assert.deepEqual(warning?.fields, { 'signature does not match': 1, malformed: 2, 'stored in the future': 1 });
    const result = await second.call('detect_conflicts');
    assert.ok(result.ok && result.source === 'live');
  });

  it('a signed entry from another state folder (another key) is not trusted', async (t) => {
    const clock = clockWithDate(t);
    const tools = new FakeToolServer(clock).define('validate_schedule', { respond: () => ({ is_valid: true }) });
    const a = tempDir('state-a');
    const b = tempDir('state-b');
    const first = await open(a, clock, tools);
    await first.call('validate_schedule');
    await first.runtime.flush();
    await (await open(b, clock, tools)).runtime.flush();
    writeFileSync(join(b, 'result-cache.json'), readFileSync(join(a, 'result-cache.json')));
    const second = await open(b, clock, tools);
    assert.equal(second.runtime.cachedEntries, 0);
    const third = await open(a, clock, tools);
    assert.equal(third.runtime.cachedEntries, 1, 'its own folder still trusts it');
  });
});
