/** Retry timings and the classes of failure that are never retried. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OrchestratorError } from '../../../src/core/errors';
import { PolicyTable } from '../../../src/core/policy/policies';
import { backoffDelay, withRetry } from '../../../src/core/policy/retry';
import { PolicyRuntime, type CallRequest } from '../../../src/core/policy/runtime';
import { FakeClock } from '../../support/engine/fakeClock';
import { FakeToolServer } from '../../support/engine/fakeTools';

const policies = new PolicyTable();

describe('backoff', () => {
  const retry = policies.get('validate_schedule').retry;

  it('starts at 100 ms, doubles, and is capped at 5 s', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(retry, n, () => 0));
    assert.deepEqual(delays, [100, 200, 400, 800, 1600, 3200, 5000, 5000]);
  });

  it('jitter only shortens a delay, by at most the jitter fraction', () => {
    assert.equal(
      backoffDelay(retry, 1, () => 1),
      80,
    );
    assert.equal(
      backoffDelay(retry, 3, () => 0.5),
      360,
    );
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(retry, 2, Math.random);
      assert.ok(d >= 160 && d <= 200, String(d));
    }
  });

  it('allows at most 3 retries by default', () => {
    assert.equal(retry.maxRetries, 3);
    assert.deepEqual(retry.retryOn, ['timeout', 'connection', 'rate_limited', 'server_error']);
  });
});

describe('withRetry', () => {
  it('waits the backoff on the injected clock between attempts and gives up after 3 retries', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const attempts: number[] = [];
    const promise = withRetry(
      async () => {
        attempts.push(clock.now() - t0);
        throw new OrchestratorError('server_error', 'HTTP 503');
      },
      { policy: policies.get('validate_schedule').retry, clock, signal: new AbortController().signal, random: () => 0, retryable: true },
    );
    await assert.rejects(clock.run(promise), (e: unknown) => e instanceof OrchestratorError && e.kind === 'server_error');
    assert.deepEqual(attempts, [0, 100, 300, 700]);
  });

  for (const kind of ['validation', 'compliance', 'tool_error', 'auth', 'circuit_open'] as const) {
    it(`never retries a ${kind} error`, async () => {
      const clock = new FakeClock();
      let calls = 0;
      const promise = withRetry(
        async () => {
          calls++;
          throw new OrchestratorError(kind, 'no');
        },
        { policy: policies.get('validate_schedule').retry, clock, signal: new AbortController().signal, random: () => 0, retryable: true },
      );
      await assert.rejects(clock.run(promise), (e: unknown) => e instanceof OrchestratorError && e.kind === kind);
      assert.equal(calls, 1);
    });
  }

  it('never retries when told the operation writes, even on a timeout', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const promise = withRetry(
      async () => {
        calls++;
        throw new OrchestratorError('timeout', 'slow');
      },
      { policy: policies.get('validate_schedule').retry, clock, signal: new AbortController().signal, random: () => 0, retryable: false },
    );
    await assert.rejects(clock.run(promise));
    assert.equal(calls, 1);
  });

  it('stops waiting as soon as the signal aborts', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    let calls = 0;
    const promise = withRetry(
      async () => {
        calls++;
        throw new OrchestratorError('connection', 'refused');
      },
      { policy: { ...policies.get('validate_schedule').retry, initialDelayMs: 10_000 }, clock, signal: controller.signal, random: () => 0, retryable: true },
    );
    promise.catch(() => undefined);
    await clock.settle();
    controller.abort(new OrchestratorError('cancelled', 'stop'));
    await assert.rejects(promise, (e: unknown) => e instanceof OrchestratorError && e.kind === 'cancelled');
    assert.equal(calls, 1);
  });
});

describe('runtime retries', () => {
  async function setup() {
    const clock = new FakeClock();
    const tools = new FakeToolServer(clock);
    const runtime = await PolicyRuntime.create({ invoker: tools, clock, random: () => 0 });
    const request = (capability: string, extra: Partial<CallRequest> = {}): CallRequest => ({
      capability,
      args: {},
      writes: false,
      policy: runtime.policies.get(capability),
      cacheMode: 'off',
      signal: new AbortController().signal,
      ...extra,
    });
    return { clock, tools, runtime, request };
  }

  it('a timed-out attempt is aborted on the server and retried; 429 and 5xx are retried too', async () => {
    const { clock, tools, runtime, request } = await setup();
    tools.define('validate_schedule', { script: [{ hang: true }, { error: 'rate_limited' }, { error: 'server_error' }, { data: { is_valid: true } }] });
    const result = await clock.run(runtime.call(request('validate_schedule')));
    assert.equal(result.ok, true);
    assert.equal(result.attempts, 4);
    const calls = tools.callsTo('validate_schedule');
    assert.equal(calls[0]!.outcome, 'aborted');
    assert.ok(calls[0]!.abortedWith instanceof OrchestratorError && calls[0]!.abortedWith.kind === 'timeout');
    assert.deepEqual(
      calls.map((c) => c.startedAt - calls[0]!.startedAt),
      [0, 5100, 5300, 5700],
    );
  });

  it('passes the attempt limits to the invoker and resets the attempt timer on progress', async () => {
    const { clock, tools, runtime, request } = await setup();
    // 1.6 s of work with progress every 0.4 s against a 1 s attempt limit (hard cap 3 s).
    tools.define('check_utilization_threshold', { latencyMs: 1600, progressAt: [0.25, 0.5, 0.75] });
    const progress: number[] = [];
    const result = await clock.run(runtime.call(request('check_utilization_threshold', { onProgress: (p) => progress.push(p.progress) })));
    assert.equal(result.ok, true);
    assert.deepEqual(progress, [0.25, 0.5, 0.75]);
    const options = tools.callsTo('check_utilization_threshold')[0]!.options;
    assert.equal(options.timeoutMs, 1000);
    assert.equal(options.maxTotalTimeoutMs, 3000);
  });

  it('a write is sent once even when it times out', async () => {
    const { clock, tools, runtime, request } = await setup();
    tools.define('apply_swap', { writes: true, script: [{ hang: true }] });
    const result = await clock.run(runtime.call(request('apply_swap', { writes: true })));
    assert.equal(result.ok, false);
    assert.equal(tools.callsTo('apply_swap').length, 1);
  });
});
