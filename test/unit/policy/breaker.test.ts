/**
 * Circuit breakers: open after N failures in the window, fail fast, half-open after the
 * wait with one trial call, close on success, and come back in the same state after a
 * restart. cockatiel times the open period with Date.now(), so Date is mocked in step
 * with the fake clock.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { OrchestratorError } from '../../../src/core/errors';
import { PolicyRuntime, type CallRequest } from '../../../src/core/policy/runtime';
import { JsonFileStateStore } from '../../../src/core/policy/stateStore';
import { FakeClock } from '../../support/engine/fakeClock';
import { FakeToolServer } from '../../support/engine/fakeTools';
import { tempDir } from '../../support/engine/harness';

const START = Date.UTC(2026, 0, 5, 8);

function clockWithDate(t: TestContext, start = START): FakeClock {
  t.mock.timers.enable({ apis: ['Date'], now: start });
  return new FakeClock(start, (now) => t.mock.timers.setTime(now));
}

async function setup(clock: FakeClock, tools: FakeToolServer, stateDir?: string) {
  const runtime = await PolicyRuntime.create({
    invoker: tools,
    clock,
    random: () => 0,
    ...(stateDir ? { stateStore: new JsonFileStateStore(stateDir) } : {}),
  });
  const changes: string[] = [];
  runtime.subscribe((e) => {
    if (e.type === 'breaker_changed') changes.push(`${e.capability}:${e.from}->${e.to}`);
  });
  // One attempt per call keeps the failure count equal to the call count.
  const call = (capability: string) => {
    const policy = runtime.policies.get(capability);
    const request: CallRequest = {
      capability,
      args: {},
      writes: false,
      policy: { ...policy, retry: { ...policy.retry, maxRetries: 0 } },
      cacheMode: 'off',
      signal: new AbortController().signal,
    };
    return clock.run(runtime.call(request));
  };
  return { runtime, changes, call };
}

describe('circuit breaker', () => {
  it('opens after 5 failures within 60 s for validate_schedule, then fails fast without calling the tool', async (t) => {
    const clock = clockWithDate(t);
    const tools = new FakeToolServer(clock).define('validate_schedule', { respond: () => ({ is_valid: true }) });
    for (let i = 0; i < 5; i++) tools.script('validate_schedule', { error: 'server_error' });
    const { runtime, changes, call } = await setup(clock, tools);
    for (let i = 0; i < 4; i++) {
      assert.equal((await call('validate_schedule')).ok, false);
      await clock.advance(10_000);
    }
    assert.equal(runtime.breakerState('validate_schedule'), 'closed');
    await call('validate_schedule');
    assert.equal(runtime.breakerState('validate_schedule'), 'open');
    assert.deepEqual(changes, ['validate_schedule:closed->open']);
    assert.equal(runtime.healthOf('validate_schedule').status, 'UNAVAILABLE');

    const fast = await call('validate_schedule');
    assert.equal(fast.ok, false);
    assert.ok(!fast.ok && fast.error.kind === 'circuit_open');
    assert.equal(tools.callsTo('validate_schedule').length, 5, 'the open breaker did not reach the server');
  });

  it('does not open when the failures are spread wider than the window', async (t) => {
    const clock = clockWithDate(t);
    const tools = new FakeToolServer(clock).define('validate_schedule');
    for (let i = 0; i < 6; i++) tools.script('validate_schedule', { error: 'timeout' });
    const { runtime, call } = await setup(clock, tools);
    for (let i = 0; i < 6; i++) {
      await call('validate_schedule');
      await clock.advance(20_000);
    }
    assert.equal(runtime.breakerState('validate_schedule'), 'closed');
  });

  it('ignores failures that say nothing about the tool being down', async (t) => {
    const clock = clockWithDate(t);
    const tools = new FakeToolServer(clock).define('validate_schedule');
    for (let i = 0; i < 8; i++) tools.script('validate_schedule', { error: 'validation' });
    const { runtime, call } = await setup(clock, tools);
    for (let i = 0; i < 8; i++) await call('validate_schedule');
    assert.equal(runtime.breakerState('validate_schedule'), 'closed');
  });

  it('deep contingency opens after 3 failures in 120 s and half-opens after 60 s', async (t) => {
    const clock = clockWithDate(t);
    const tools = new FakeToolServer(clock).define('run_contingency_analysis_deep', { respond: () => ({ gaps: 1 }) });
    for (let i = 0; i < 3; i++) tools.script('run_contingency_analysis_deep', { error: 'connection' });
    const { runtime, changes, call } = await setup(clock, tools);
    for (let i = 0; i < 3; i++) {
      await call('run_contingency_analysis_deep');
      await clock.advance(30_000);
    }
    assert.equal(runtime.breakerState('run_contingency_analysis_deep'), 'open');
    // Opened at +60 s; at +89 s (29 s later) it still fails fast.
    assert.equal((await call('run_contingency_analysis_deep')).ok, false);
    assert.equal(tools.callsTo('run_contingency_analysis_deep').length, 3);
    await clock.advance(31_000);
    const trial = await call('run_contingency_analysis_deep');
    assert.equal(trial.ok, true);
    assert.deepEqual(changes, ['run_contingency_analysis_deep:closed->open', 'run_contingency_analysis_deep:open->half_open', 'run_contingency_analysis_deep:half_open->closed']);
  });

  it('open -> half-open (one trial) -> open again on failure, then closed after a longer wait', async (t) => {
    const clock = clockWithDate(t);
    const tools = new FakeToolServer(clock).define('validate_schedule', { latencyMs: 10, respond: () => ({ is_valid: true }) });
    for (let i = 0; i < 6; i++) tools.script('validate_schedule', { error: 'server_error' });
    const { runtime, changes, call } = await setup(clock, tools);
    for (let i = 0; i < 5; i++) await call('validate_schedule');
    assert.equal(runtime.breakerState('validate_schedule'), 'open');
    await clock.advance(30_000);
    // Two callers at once in half-open: only one trial call reaches the server.
    const [a, b] = await Promise.all([call('validate_schedule'), call('validate_schedule')]);
    assert.equal(a.ok || b.ok, false);
    assert.equal(tools.callsTo('validate_schedule').length, 6);
    assert.equal(runtime.breakerState('validate_schedule'), 'open');
    // The second wait doubles: 30 s is not enough any more, 60 s is.
    await clock.advance(30_000);
    assert.equal((await call('validate_schedule')).ok, false);
    assert.equal(tools.callsTo('validate_schedule').length, 6);
    await clock.advance(30_000);
    assert.equal((await call('validate_schedule')).ok, true);
    assert.equal(runtime.breakerState('validate_schedule'), 'closed');
    assert.deepEqual(changes, [
      'validate_schedule:closed->open',
      'validate_schedule:open->half_open',
      'validate_schedule:half_open->open',
      'validate_schedule:open->half_open',
      'validate_schedule:half_open->closed',
    ]);
  });

  it('survives a restart: an open breaker is restored open, then half-opens and closes', async (t) => {
    const dir = tempDir('breaker');
    const clock = clockWithDate(t);
    const tools = new FakeToolServer(clock).define('validate_schedule', { respond: () => ({ is_valid: true }) });
    for (let i = 0; i < 5; i++) tools.script('validate_schedule', { error: 'connection' });
    const first = await setup(clock, tools, dir);
    for (let i = 0; i < 5; i++) await first.call('validate_schedule');
    assert.equal(first.runtime.breakerState('validate_schedule'), 'open');
    await first.runtime.flush();

    // "Restart": a new runtime over the same state directory, 10 s later.
    await clock.advance(10_000);
    const second = await setup(clock, tools, dir);
    assert.equal(second.runtime.breakerState('validate_schedule'), 'open');
    const fast = await second.call('validate_schedule');
    assert.ok(!fast.ok && fast.error instanceof OrchestratorError && fast.error.kind === 'circuit_open');
    assert.equal(tools.callsTo('validate_schedule').length, 5);
    await clock.advance(20_000);
    assert.equal((await second.call('validate_schedule')).ok, true);
    assert.equal(second.runtime.breakerState('validate_schedule'), 'closed');
  });

  it('survives a restart: failures counted in the window still count', async (t) => {
    const dir = tempDir('breaker-window');
    const clock = clockWithDate(t);
    const tools = new FakeToolServer(clock).define('validate_schedule');
    for (let i = 0; i < 5; i++) tools.script('validate_schedule', { error: 'timeout' });
    const first = await setup(clock, tools, dir);
    for (let i = 0; i < 4; i++) await first.call('validate_schedule');
    await first.runtime.flush();
    const second = await setup(clock, tools, dir);
    await second.call('validate_schedule');
    assert.equal(second.runtime.breakerState('validate_schedule'), 'open');
  });
});
