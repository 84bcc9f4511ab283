/**
 * While a person answers a question the server asked during a call, the attempt's time
 * limit stands still and that time is not the tool's: health latency and the duration the
 * caller scores (confidence) leave it out. On a fake clock.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InvokeOptions, InvokeResult, ToolInvoker } from '../../../src/core/engine/invoker';
import { PolicyRuntime } from '../../../src/core/policy/runtime';
import { FakeClock } from '../../support/engine/fakeClock';

/** A tool that works `workMs`, then (if asked to) waits `answerMs` for a person, then answers. */
function askingTool(clock: FakeClock, script: { workMs: number; answerMs?: number }): ToolInvoker & { seen: InvokeOptions[] } {
  const seen: InvokeOptions[] = [];
  return {
    seen,
    resolve: (capability) => ({ status: 'available', capability, tool: `${capability}_tool`, writes: false }),
    serverIdentity: () => 'asking-server@1',
    async invoke(capability, _args, options): Promise<InvokeResult> {
      seen.push(options);
      const stop = new Promise<never>((_, reject) => options.signal.addEventListener('abort', () => reject(options.signal.reason), { once: true }));
      await Promise.race([clock.sleep(script.workMs), stop]);
      if (script.answerMs !== undefined) {
        options.onPause?.(true);
        await Promise.race([clock.sleep(script.answerMs), stop]);
        options.onPause?.(false);
      }
      return { tool: `${capability}_tool`, data: { ok: true } };
    },
  };
}

describe('a call paused while a person answers', () => {
  it('does not time out during a 20 s answer, and reports only the tool time to health and the caller', async () => {
    const clock = new FakeClock();
    const invoker = askingTool(clock, { workMs: 40, answerMs: 20_000 });
    const runtime = await PolicyRuntime.create({ invoker, clock });
    const policy = runtime.policies.get('validate_schedule');
    assert.ok(policy.timeoutMs < 20_000 && policy.slaMs < 20_000, 'the answer takes longer than the attempt limit and the SLA');
    const result = await clock.run(runtime.call({ capability: 'validate_schedule', args: {}, writes: false, policy, cacheMode: 'off', signal: new AbortController().signal }));
    assert.ok(result.ok, 'the call was not timed out while the person answered');
    assert.equal(result.attempts, 1);
    assert.equal(result.durationMs, 40, 'the answer time is not the tool’s');
    const health = runtime.healthOf('validate_schedule');
    assert.equal(health.p50Ms, 40);
    assert.equal(health.status, 'HEALTHY');
    assert.ok(invoker.seen[0]?.controller?.signal === invoker.seen[0]?.signal, 'the attempt hands over its own controller');
  });

  it('still times out a tool that does not answer, the paused time not counted towards the limit', async () => {
    const clock = new FakeClock();
    const runtime = await PolicyRuntime.create({ invoker: askingTool(clock, { workMs: 60_000 }), clock });
    const policy = { ...runtime.policies.get('validate_schedule'), retry: { ...runtime.policies.get('validate_schedule').retry, maxRetries: 0 } };
    const started = clock.now();
    const result = await clock.run(runtime.call({ capability: 'validate_schedule', args: {}, writes: false, policy, cacheMode: 'off', signal: new AbortController().signal }));
    assert.ok(!result.ok && result.error.kind === 'timeout');
    assert.equal(clock.now() - started, policy.timeoutMs);
    assert.equal(runtime.healthOf('validate_schedule').p50Ms, policy.timeoutMs);
  });

  it('holds the tool to its limit for its own time only: 1 s of work and a 30 s answer pass a 1.5 s limit', async () => {
    const clock = new FakeClock();
    const runtime = await PolicyRuntime.create({ invoker: askingTool(clock, { workMs: 1000, answerMs: 30_000 }), clock });
    const base = runtime.policies.get('validate_schedule');
    const policy = { ...base, timeoutMs: 1500, retry: { ...base.retry, maxRetries: 0 } };
    const result = await clock.run(runtime.call({ capability: 'validate_schedule', args: {}, writes: false, policy, cacheMode: 'off', signal: new AbortController().signal }));
    assert.ok(result.ok);
    assert.equal(result.durationMs, 1000);
  });
});
