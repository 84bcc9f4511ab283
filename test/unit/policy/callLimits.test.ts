/**
 * A call's time limits pause while a person answers the server (elicitation), on a fake
 * clock. The connection's use of them is in test/unit/mcp/callPause.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CallLimits, type CallLimit } from '../../../src/core/policy/callLimits';
import { FakeClock } from '../../support/engine/fakeClock';

/** CallLimits whose pause() and resume() record when they stopped or started the clocks. */
function limits(clock: FakeClock, timeoutMs: number, maxTotalTimeoutMs: number) {
  const ended: { limit: CallLimit; ranMs: number }[] = [];
  const pauses: boolean[] = [];
  const limitsOf = new CallLimits(clock, { timeoutMs, maxTotalTimeoutMs }, (limit, ranMs) => ended.push({ limit, ranMs }));
  const call = {
    get exceeded() {
      return limitsOf.exceeded;
    },
    get pausedMs() {
      return limitsOf.pausedMs;
    },
    pause: () => limitsOf.pause() && pauses.push(true),
    resume: () => limitsOf.resume() && pauses.push(false),
    progress: () => limitsOf.progress(),
    dispose: () => limitsOf.dispose(),
  };
  return { call, ended, pauses };
}

describe('CallLimits', () => {
  it('ends a silent call at its timeout', async () => {
    const clock = new FakeClock();
    const { call, ended } = limits(clock, 1000, 5000);
    await clock.advance(999);
    assert.equal(ended.length, 0);
    await clock.advance(1);
    assert.equal(call.exceeded, 'timeout');
    assert.deepEqual(ended, [{ limit: 'timeout', ranMs: 1000 }]);
    assert.equal(clock.pending, 0, 'no timer left');
  });

  it('stops both clocks while paused and runs them again after, counting the paused time', async () => {
    const clock = new FakeClock();
    const { call, ended, pauses } = limits(clock, 1000, 1500);
    await clock.advance(600);
    call.pause();
    assert.equal(clock.pending, 0, 'no timer runs while a person answers');
    await clock.advance(20_000);
    assert.equal(ended.length, 0, 'neither the timeout nor the total cap fired during the answer');
    assert.equal(call.pausedMs, 20_000);
    call.resume();
    assert.deepEqual(pauses, [true, false]);
    await clock.advance(399);
    assert.equal(ended.length, 0, 'the timeout has 400 ms left, as before the pause');
    call.progress();
    await clock.advance(500);
    assert.equal(ended.length, 0, 'progress moved the timeout past the cap');
    await clock.advance(1);
    assert.equal(call.exceeded, 'total', 'the cap ends the call after 1500 ms of running time (600 + 900)');
    assert.deepEqual(ended, [{ limit: 'total', ranMs: 1500 }]);
    assert.equal(call.pausedMs, 20_000);
  });

  it('nested pauses resume only when the last answer is in; progress while paused restarts the timeout from the pause', async () => {
    const clock = new FakeClock();
    const { call, ended, pauses } = limits(clock, 1000, 60_000);
    await clock.advance(900);
    call.pause();
    call.pause();
    await clock.advance(5000);
    call.progress();
    call.resume();
    assert.equal(clock.pending, 0, 'one question is still open');
    await clock.advance(5000);
    call.resume();
    assert.deepEqual(pauses, [true, false]);
    await clock.advance(999);
    assert.equal(ended.length, 0, 'progress gave the call a full timeout again');
    await clock.advance(1);
    assert.equal(call.exceeded, 'timeout');
    assert.equal(call.pausedMs, 10_000);
  });

  it('counts an open pause up to the end of the call and leaves no timer', async () => {
    const clock = new FakeClock();
    const { call, pauses } = limits(clock, 1000, 2000);
    call.pause();
    await clock.advance(3000);
    call.dispose();
    call.resume();
    assert.equal(call.pausedMs, 3000);
    assert.deepEqual(pauses, [true], 'nothing resumes after the end');
    assert.equal(clock.pending, 0);
  });
});
