/**
 * While a person answers a question the server asked during a call, the attempt's time
 * limit stands still and that time is not the tool's: health latency and the duration the
 * caller scores (confidence) leave it out. On a fake clock.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WorkflowDefinition } from '../../../src/core/engine/definition';
import type { InvokeOptions, InvokeResult, ToolInvoker } from '../../../src/core/engine/invoker';
import { PolicyRuntime } from '../../../src/core/policy/runtime';
import { FakeClock } from '../../support/engine/fakeClock';
import { FakeToolServer } from '../../support/engine/fakeTools';
import { anyInputs, harness, load } from '../../support/engine/harness';

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

describe('a workflow step whose call waits on a person', () => {
  const oneStep: WorkflowDefinition = {
    id: 'one-check',
    title: 'One check',
    version: 1,
    parseInputs: anyInputs,
    modes: { standard: {} },
    defaultMode: 'standard',
    timeoutMs: 15_000,
    phases: [{ id: 'check', title: 'Check', run: 'serial', steps: [{ kind: 'tool', id: 'validate', capability: 'validate_schedule', args: () => ({}) }] }],
  };

  it('outlasts the step limit and the run limit while the person answers, and scores only the tool time', async () => {
    const clock = new FakeClock();
    const tools = new (class extends FakeToolServer {
      override async invoke(capability: string, args: Record<string, unknown>, options: InvokeOptions): Promise<InvokeResult> {
        options.onPause?.(true);
        await clock.sleep(20_000);
        options.onPause?.(false);
        return super.invoke(capability, args, options);
      }
    })(clock).define('validate_schedule', { latencyMs: 40, respond: () => ({ valid: true, violations: [] }) });
    const h = await harness({ clock, tools });
    const policy = h.runtime.policies.get('validate_schedule');
    assert.ok(policy.stepTimeoutMs < 20_000, 'the answer takes longer than the step may');
    const summary = await clock.run(h.engine.start(load(oneStep)).result);
    const step = summary.steps.find((s) => s.stepId === 'validate')!;
    assert.equal(step.status, 'succeeded', `the step was not timed out (${summary.reason ?? ''}; ${JSON.stringify(step.skip ?? step.error)})`);
    assert.ok(summary.durationMs >= 20_040, 'the run took the answer time');
    assert.equal(h.runtime.healthOf('validate_schedule').p50Ms, 40);
    assert.ok(!step.confidence.factors.some((f) => /slow/i.test(JSON.stringify(f))), 'no slow-call penalty for the answer time');
  });
});
