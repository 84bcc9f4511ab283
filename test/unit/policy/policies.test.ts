/** Policies as data: the seed's numbers, layered overrides, and config validation. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OrchestratorError } from '../../../src/core/errors';
import { PolicyTable, parsePolicyOverrides } from '../../../src/core/policy/policies';
import { PolicyRuntime } from '../../../src/core/policy/runtime';
import { FakeClock } from '../../support/engine/fakeClock';
import { FakeToolServer } from '../../support/engine/fakeTools';

describe('policy table', () => {
  const table = new PolicyTable();

  it('carries the seed numbers', () => {
    const v = table.get('validate_schedule');
    assert.deepEqual([v.slaMs, v.timeoutMs, v.confidence.base, v.breaker.failureThreshold, v.breaker.windowMs, v.breaker.halfOpenAfterMs], [100, 5000, 0.9, 5, 60_000, 30_000]);
    const deep = table.get('run_contingency_analysis_deep');
    assert.deepEqual([deep.slaMs, deep.timeoutMs, deep.breaker.failureThreshold, deep.breaker.windowMs, deep.breaker.halfOpenAfterMs], [5000, 30_000, 3, 120_000, 60_000]);
    assert.equal(table.get('detect_conflicts').confidence.slowAfterMs, 1000);
    assert.equal(table.get('check_utilization_threshold').confidence.base, 0.95);
  });

  it("judges a generation by the seed's generation time (backend 5-10 s), not the cautious default", async () => {
    const clock = new FakeClock();
    const tools = new FakeToolServer(clock)
      .define('generate_schedule', { latencyMs: 6000, writes: true, respond: () => ({ draft_id: 'draft-1' }) })
      .define('some_new_tool', { latencyMs: 6000, respond: () => ({}) });
    const runtime = await PolicyRuntime.create({ invoker: tools, clock });
    // Latency is judged from the third call in the window (health.ts LATENCY_SAMPLES).
    for (const capability of ['generate_schedule', 'some_new_tool', 'generate_schedule', 'some_new_tool', 'generate_schedule', 'some_new_tool']) {
      const policy = runtime.policies.get(capability);
      const result = await clock.run(
        runtime.call({
          capability,
          args: {},
          writes: capability === 'generate_schedule',
          policy: { ...policy, timeoutMs: 30_000 },
          cacheMode: 'off',
          signal: new AbortController().signal,
        }),
      );
      assert.equal(result.ok, true);
    }
    assert.equal(runtime.healthOf('generate_schedule').status, 'HEALTHY');
    assert.equal(runtime.healthOf('some_new_tool').status, 'CRITICAL');
  });

  it('gives unknown capabilities a cautious default', () => {
    const p = table.get('some_new_tool');
    assert.equal(p.capability, 'some_new_tool');
    assert.equal(p.cache.ttlMs, 0);
    assert.equal(p.cache.maxAgeMs, 24 * 3_600_000);
  });

  it('applies `*` then per-capability overrides, layer after layer', () => {
    const t = new PolicyTable({ '*': { retry: { maxRetries: 1 } }, validate_schedule: { timeoutMs: 2000 } }).with({ validate_schedule: { cache: { ttlMs: 0 } } });
    const v = t.get('validate_schedule');
    assert.equal(v.retry.maxRetries, 1);
    assert.equal(v.timeoutMs, 2000);
    assert.equal(v.cache.ttlMs, 0);
    assert.equal(v.cache.maxAgeMs, 6 * 3_600_000);
    assert.equal(t.get('detect_conflicts').retry.maxRetries, 1);
    assert.equal(t.get('detect_conflicts').timeoutMs, 5000);
  });

  it('rejects bad config with a clear error and never allows retrying validation errors', () => {
    assert.throws(
      () => parsePolicyOverrides({ validate_schedule: { retry: { retryOn: ['timeout', 'compliance'] } } }),
      (e: unknown) => e instanceof OrchestratorError && e.kind === 'validation' && /never retried/.test(e.message),
    );
    assert.throws(() => parsePolicyOverrides({ validate_schedule: { timeoutMs: -1 } }), /validate_schedule\.timeoutMs/);
    assert.throws(() => parsePolicyOverrides({ validate_schedule: { retries: 3 } }), /Invalid policy overrides/);
    assert.throws(() => new PolicyTable({ x: { confidence: { base: 2 } } }), /confidence\.base/);
  });
});
