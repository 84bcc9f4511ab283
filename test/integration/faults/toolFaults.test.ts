/**
 * Tools misbehaving in a real server process, called through the orchestrator's real
 * path (connection, invoker, policy runtime): a tool that hangs, a slow one with
 * progress, malformed and oversized results, an isError storm, a server killed in the
 * middle of a write. Each case checks that nothing is lost, duplicated or stuck: the
 * server saw exactly the calls and cancellations expected, and the next call works.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PolicyOverrides } from '../../../src/core/policy/policies';
import { count, startFaultPeer, type FaultPeer } from '../../support/faults/faultPeer';

const once = { maxRetries: 0 };
const overrides: PolicyOverrides = {
  hang: { timeoutMs: 300, maxTotalTimeoutMs: 1000, stepTimeoutMs: 5000, retry: { maxRetries: 1, initialDelayMs: 50, jitter: 0 } },
  slow_progress: { timeoutMs: 400, maxTotalTimeoutMs: 5000, stepTimeoutMs: 10_000, retry: once },
  validate_schedule: { retry: { maxRetries: 2, initialDelayMs: 10 } },
  oversized: { timeoutMs: 15_000, maxTotalTimeoutMs: 15_000, retry: once },
  flaky: { retry: once, breaker: { failureThreshold: 3, windowMs: 10_000, halfOpenAfterMs: 400, maxHalfOpenAfterMs: 400 } },
};

let peer: FaultPeer;
before(async () => {
  peer = await startFaultPeer(overrides);
  peer.setFlaky('ok');
});
after(() => peer.close());

async function stillWorks(): Promise<void> {
  const next = await peer.call('flaky', {}, { policy: { ...peer.runtime.policies.get('flaky'), breaker: peer.runtime.policies.get('hang').breaker } });
  assert.ok(next.ok, 'the next call on the same connection works');
}

describe('tool faults (real server process)', { timeout: 60_000 }, () => {
  it('a hanging tool: each attempt times out, the retry is bounded, and every cancellation reaches the server', async () => {
    const started = Date.now();
    const result = await peer.call('hang');
    assert.ok(!result.ok && result.error.kind === 'timeout', 'timed out');
    assert.equal(result.attempts, 2);
    assert.ok(Date.now() - started < 2500, `bounded (${Date.now() - started} ms)`);
    const seen = await peer.waitObserved((o) => count(o, 'cancelled', 'hang') >= 2);
    assert.equal(count(seen, 'call', 'hang'), 2, 'one call per attempt, none lost or repeated');
    assert.equal(count(seen, 'cancelled', 'hang'), 2, 'the server was told to stop each attempt');
    await stillWorks();
  });

  it('a slow tool with progress: progress resets the attempt limit, the total cap still ends it', async () => {
    const steady = await peer.call('slow_progress', { steps: 5, interval_ms: 150 });
    assert.ok(steady.ok, 'progress every 150 ms keeps a 400 ms attempt limit from firing');
    assert.equal(steady.ok && steady.data['steps_done'], 5);
    const capped = await peer.call('slow_progress', { steps: 20, interval_ms: 150 }, { policy: { ...peer.runtime.policies.get('slow_progress'), maxTotalTimeoutMs: 700 } });
    assert.ok(!capped.ok && capped.error.kind === 'timeout');
    assert.match(capped.ok ? '' : capped.error.message, /700 ms/);
    const seen = await peer.waitObserved((o) => count(o, 'cancelled', 'slow_progress') >= 1);
    assert.equal(count(seen, 'call', 'slow_progress'), 2);
    assert.equal(count(seen, 'finished', 'slow_progress'), 1, 'the capped call never finished');
    assert.equal(count(seen, 'cancelled', 'slow_progress'), 1);
    await stillWorks();
  });

  it('malformed results: a schema mismatch names the path and is not retried; non-JSON text is passed on as text', async () => {
    const bad = await peer.call('validate_schedule');
    assert.ok(!bad.ok && bad.error.kind === 'invalid_result');
    assert.match(bad.ok ? '' : bad.error.message, /validate_schedule returned an unexpected result at is_valid/);
    assert.equal(bad.attempts, 1);
    assert.equal(peer.runtime.breakerState('validate_schedule'), 'closed');
    const text = await peer.call('not_json');
    assert.ok(text.ok && text.data['text'] === '{"truncated": [1, 2');
    await stillWorks();
  });

  it('an oversized result (8 MB) arrives whole and leaves the connection usable', async () => {
    const big = await peer.call('oversized', { megabytes: 8 });
    assert.ok(big.ok);
    assert.equal(String(big.ok && big.data['blob']).length, 8 * 1024 * 1024);
    await stillWorks();
  });

  it('an isError storm opens the breaker, which fails fast; after the wait one trial closes it', async () => {
    peer.setFlaky('caller');
    for (let i = 0; i < 4; i++) assert.equal((await peer.call('flaky')).ok, false);
    assert.equal(peer.runtime.breakerState('flaky'), 'closed', 'errors that blame the call do not count');
    peer.setFlaky('fail');
    for (let i = 0; i < 3; i++) {
      const r = await peer.call('flaky');
      assert.ok(!r.ok && r.error.kind === 'tool_error');
    }
    assert.equal(peer.runtime.breakerState('flaky'), 'open');
    const callsWhenOpened = count(peer.observed(), 'call', 'flaky');
    const fast = await peer.call('flaky');
    assert.ok(!fast.ok && fast.error.kind === 'circuit_open');
    assert.equal(count(peer.observed(), 'call', 'flaky'), callsWhenOpened, 'the open breaker did not reach the server');
    peer.setFlaky('ok');
    await new Promise((resolve) => setTimeout(resolve, 450));
    const trial = await peer.call('flaky');
    assert.ok(trial.ok, 'the half-open trial succeeds');
    assert.equal(peer.runtime.breakerState('flaky'), 'closed');
    assert.equal(count(peer.observed(), 'call', 'flaky'), callsWhenOpened + 1);
  });

  it('a server killed in the middle of a write: the write is not sent again, and the next read reconnects', async () => {
    const write = await peer.call('write_ledger', { id: 'w1', crash: true }, { writes: true });
    assert.ok(!write.ok && write.error.kind === 'connection');
    assert.equal(write.ok ? undefined : write.error.details?.['outcomeUnknown'], true, 'the caller is told to check');
    const read = await peer.call('flaky');
    assert.ok(read.ok, 'a new server process answers');
    assert.deepEqual(peer.ledger(), ['w1'], 'written once, not duplicated');
    const pids = new Set(peer.observed().map((o) => o.pid));
    assert.equal(pids.size, 2, 'the killed server was replaced');
  });
});
