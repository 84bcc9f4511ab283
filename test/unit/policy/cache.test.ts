/** Result cache: keys, TTLs, single flight, invalidation, persistence, and the cache rung of the recovery ladder. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WorkflowDefinition } from '../../../src/core/engine/definition';
import { cacheKey, canonicalJson } from '../../../src/core/policy/cache';
import { PolicyTable } from '../../../src/core/policy/policies';
import { PolicyRuntime, dataVersionOf, type CacheMode, type CallRequest } from '../../../src/core/policy/runtime';
import { JsonFileStateStore } from '../../../src/core/policy/stateStore';
import { FakeClock } from '../../support/engine/fakeClock';
import { FakeToolServer } from '../../support/engine/fakeTools';
import { anyInputs, eventsOf, harness, load, tempDir } from '../../support/engine/harness';

const HOUR = 3_600_000;

async function setup(options: { stateDir?: string; clock?: FakeClock; tools?: FakeToolServer } = {}) {
  const clock = options.clock ?? new FakeClock();
  const tools = options.tools ?? new FakeToolServer(clock);
  const runtime = await PolicyRuntime.create({ invoker: tools, clock, random: () => 0, ...(options.stateDir ? { stateStore: new JsonFileStateStore(options.stateDir) } : {}) });
  const request = (capability: string, args: Record<string, unknown> = {}, cacheMode: CacheMode = 'use', extra: Partial<CallRequest> = {}): CallRequest => ({
    capability,
    args,
    writes: false,
    policy: runtime.policies.get(capability),
    cacheMode,
    signal: new AbortController().signal,
    ...extra,
  });
  return { clock, tools, runtime, request };
}

describe('cache keys', () => {
  it('canonical JSON ignores key order and undefined fields', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } }), '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
  });

  it('differ by capability, arguments, server identity and data version', () => {
    const base = cacheKey('srv', 'validate_schedule', { start: '2026-01-05', end: '2026-02-01' }, '7');
    assert.equal(base, cacheKey('srv', 'validate_schedule', { end: '2026-02-01', start: '2026-01-05' }, '7'));
    assert.notEqual(base, cacheKey('srv', 'detect_conflicts', { start: '2026-01-05', end: '2026-02-01' }, '7'));
    assert.notEqual(base, cacheKey('srv', 'validate_schedule', { start: '2026-01-06', end: '2026-02-01' }, '7'));
    assert.notEqual(base, cacheKey('other', 'validate_schedule', { start: '2026-01-05', end: '2026-02-01' }, '7'));
    assert.notEqual(base, cacheKey('srv', 'validate_schedule', { start: '2026-01-05', end: '2026-02-01' }, '8'));
  });

  it('reads the data version at the top level or under metadata', () => {
    assert.equal(dataVersionOf({ data_version: 12 }), '12');
    assert.equal(dataVersionOf({ metadata: { data_version: 'v3' } }), 'v3');
    assert.equal(dataVersionOf({ is_valid: true }), null);
  });
});

describe('runtime cache', () => {
  it('serves a fresh hit within the TTL (validation 6 h) and calls again after it', async () => {
    const { clock, tools, runtime, request } = await setup();
    tools.define('validate_schedule', { respond: () => ({ is_valid: true }) });
    const first = await clock.run(runtime.call(request('validate_schedule', { start: 'a' })));
    assert.equal(first.ok && first.source, 'live');
    await clock.advance(5 * HOUR);
    const second = await clock.run(runtime.call(request('validate_schedule', { start: 'a' })));
    assert.ok(second.ok && second.source === 'cache' && second.ageMs === 5 * HOUR);
    await clock.advance(1.5 * HOUR);
    const third = await clock.run(runtime.call(request('validate_schedule', { start: 'a' })));
    assert.equal(third.ok && third.source, 'live');
    assert.equal(tools.callsTo('validate_schedule').length, 2);
  });

  it('uses the seed TTLs per capability', () => {
    const table = new PolicyTable();
    assert.deepEqual(
      ['validate_schedule', 'run_contingency_analysis_deep', 'run_spc_analysis', 'get_unified_critical_index', 'calculate_burnout_rt'].map((c) => table.get(c).cache.ttlMs / HOUR),
      [6, 12, 2, 4, 24],
    );
  });

  it('refresh and off modes bypass fresh hits; off does not store either', async () => {
    const { clock, tools, runtime, request } = await setup();
    tools.define('validate_schedule', { respond: () => ({ is_valid: true }) });
    await clock.run(runtime.call(request('validate_schedule')));
    const refreshed = await clock.run(runtime.call(request('validate_schedule', {}, 'refresh')));
    assert.equal(refreshed.ok && refreshed.source, 'live');
    tools.define('run_spc_analysis');
    await clock.run(runtime.call(request('run_spc_analysis', {}, 'off')));
    assert.equal(runtime.cachedWithin('run_spc_analysis', {}, HOUR), undefined);
    assert.equal(tools.callsTo('validate_schedule').length, 2);
  });

  it('single flight: identical concurrent calls share one request; different arguments do not', async () => {
    const { clock, tools, runtime, request } = await setup();
    tools.define('run_contingency_analysis_deep', { latencyMs: 500, respond: (args) => ({ gaps: 3, args }) });
    const calls = [
      runtime.call(request('run_contingency_analysis_deep', { days: 30, n1: true }, 'refresh')),
      runtime.call(request('run_contingency_analysis_deep', { n1: true, days: 30 }, 'refresh')),
      runtime.call(request('run_contingency_analysis_deep', { days: 30, n1: true }, 'refresh')),
      runtime.call(request('run_contingency_analysis_deep', { days: 60, n1: true }, 'refresh')),
    ];
    const results = await clock.run(Promise.all(calls));
    assert.equal(tools.callsTo('run_contingency_analysis_deep').length, 2);
    assert.deepEqual(
      results.map((r) => r.ok && r.shared),
      [false, true, true, false],
    );
    assert.ok(results.every((r) => r.ok && r.durationMs === 500));
  });

  it('single flight: one caller leaving does not cancel the call for the others; the last one does', async () => {
    const { clock, tools, runtime, request } = await setup();
    tools.define('run_contingency_analysis_deep', { latencyMs: 500 });
    const a = new AbortController();
    const b = new AbortController();
    const pa = runtime.call(request('run_contingency_analysis_deep', {}, 'refresh', { signal: a.signal }));
    const pb = runtime.call(request('run_contingency_analysis_deep', {}, 'refresh', { signal: b.signal }));
    await clock.advance(100);
    a.abort(new Error('user left'));
    await clock.advance(100);
    assert.equal(tools.calls[0]!.outcome, undefined, 'still running for b');
    b.abort(new Error('user left too'));
    await clock.settle();
    const [ra, rb] = await Promise.all([pa, pb]);
    assert.equal(ra.ok, false);
    assert.equal(rb.ok, false);
    assert.equal(tools.calls[0]!.outcome, 'aborted');
  });

  it('a newer data_version in any result invalidates older cached results', async () => {
    const { clock, tools, runtime, request } = await setup();
    tools.define('validate_schedule', { respond: () => ({ is_valid: true, data_version: 1 }) });
    tools.define('detect_conflicts', { script: [{ data: { conflicts: [], data_version: 1 } }, { data: { conflicts: [], data_version: 2 } }] });
    await clock.run(runtime.call(request('validate_schedule')));
    assert.equal(runtime.dataVersion(), '1');
    assert.equal((await clock.run(runtime.call(request('validate_schedule')))).ok && 'cache', 'cache');
    await clock.run(runtime.call(request('detect_conflicts')));
    // The schedule changed elsewhere: detect_conflicts (refresh) sees version 2.
    await clock.run(runtime.call(request('detect_conflicts', {}, 'refresh')));
    assert.equal(runtime.dataVersion(), '2');
    const after = await clock.run(runtime.call(request('validate_schedule')));
    assert.ok(after.ok && after.source === 'live');
    assert.equal(tools.callsTo('validate_schedule').length, 2);
  });

  it('an older data_version arriving late does not roll the version back', async () => {
    const { clock, tools, runtime, request } = await setup();
    tools.define('validate_schedule', { script: [{ data: { data_version: 5 } }, { data: { data_version: 4 } }] });
    await clock.run(runtime.call(request('validate_schedule', {}, 'refresh')));
    await clock.run(runtime.call(request('validate_schedule', {}, 'refresh')));
    assert.equal(runtime.dataVersion(), '5');
  });

  it('a write invalidates the cache, and a read that started before the write is not cached after it', async () => {
    const { clock, tools, runtime, request } = await setup();
    tools.define('validate_schedule', { latencyMs: 100, respond: () => ({ is_valid: true }) });
    tools.define('apply_swap', { writes: true, latencyMs: 10 });
    await clock.run(runtime.call(request('validate_schedule', { a: 1 })));
    assert.ok(runtime.cachedWithin('validate_schedule', { a: 1 }, HOUR));
    const slowRead = runtime.call(request('validate_schedule', { a: 2 }));
    const write = runtime.call({ ...request('apply_swap'), writes: true });
    await clock.run(Promise.all([slowRead, write]));
    assert.equal(runtime.cachedWithin('validate_schedule', { a: 1 }, HOUR), undefined);
    assert.equal(runtime.cachedWithin('validate_schedule', { a: 2 }, HOUR), undefined);
  });

  it('persists cached results so a fallback survives a restart; expired ones are dropped', async () => {
    const dir = tempDir('cache');
    const clock = new FakeClock();
    const first = await setup({ stateDir: dir, clock });
    first.tools.define('validate_schedule', { respond: () => ({ is_valid: true, worst_week_hours: 78 }) });
    first.tools.define('run_spc_analysis', { respond: () => ({ violations: 0 }) });
    await clock.run(first.runtime.call(first.request('validate_schedule', { start: 'x' })));
    await clock.run(first.runtime.call(first.request('run_spc_analysis')));
    await first.runtime.flush();
    await clock.advance(3 * HOUR);
    const second = await setup({ stateDir: dir, clock, tools: first.tools });
    const hit = second.runtime.cachedWithin('validate_schedule', { start: 'x' }, 6 * HOUR);
    assert.equal(hit?.data['worst_week_hours'], 78);
    assert.equal(hit?.ageMs, 3 * HOUR);
    assert.equal(second.runtime.cachedWithin('run_spc_analysis', {}, 24 * HOUR), undefined, 'early warning keeps only 2 h');
  });
});

describe('cache rung of the recovery ladder', () => {
  const def: WorkflowDefinition = {
    id: 'check',
    title: 'Check',
    version: 1,
    parseInputs: anyInputs,
    modes: { standard: {}, audit: { cache: 'off' } },
    defaultMode: 'standard',
    timeoutMs: 120_000,
    phases: [
      {
        id: 'p1',
        title: 'Baseline',
        run: 'serial',
        steps: [{ kind: 'tool', id: 'validate', capability: 'validate_schedule', critical: true, args: () => ({ start: '2026-01-05' }) }],
      },
    ],
  };

  it('after retries time out, uses a result younger than 6 h, labelled with its age and with lowered confidence', async () => {
    const h = await harness();
    h.tools.define('validate_schedule', { script: [{ data: { is_valid: true } }] });
    const wf = load(def);
    const first = await h.clock.run(h.engine.start(wf).result);
    assert.equal(first.steps[0]!.confidence.value, 0.9);
    await h.clock.advance(3 * HOUR);
    // The TTL is 6 h, so a normal run would hit the cache; `refresh` forces the live call.
    h.tools.script('validate_schedule', { hang: true }, { hang: true }, { hang: true }, { hang: true });
    const second = await h.clock.run(h.engine.start(load({ ...def, modes: { standard: { cache: 'refresh' } } })).result);
    const step = second.steps[0]!;
    assert.equal(second.status, 'completed');
    assert.equal(step.status, 'succeeded');
    assert.equal(step.source, 'cache');
    assert.equal(step.label, 'using cached result from 3.0 h ago');
    assert.equal(step.error?.kind, 'timeout');
    // 0.90 − 0.10 (cached) = 0.80, capped at 0.90 for data older than 2 h.
    assert.equal(step.confidence.value, 0.8);
    assert.match(step.confidence.reason, /cached result from 3\.0 h ago/);
    const used = eventsOf(h.events, 'fallback_used');
    assert.equal(used.length, 1);
    assert.equal(used[0]!.fallback, 'cache');
    // Step budget 10 s: attempt 1 times out at 5 s, retry after 100 ms, the step limit cuts attempt 2
    // (plus the one call of the first run).
    assert.equal(h.tools.callsTo('validate_schedule').length, 3);
    assert.equal(step.attempts, 2);
    assert.equal(step.durationMs, 10_000);
  });

  it('a cached result older than the max age is not used: the critical step blocks the workflow', async () => {
    const h = await harness();
    h.tools.define('validate_schedule', { script: [{ data: { is_valid: true } }] });
    await h.clock.run(h.engine.start(load(def)).result);
    await h.clock.advance(7 * HOUR);
    h.tools.script('validate_schedule', { error: 'server_error' }, { error: 'server_error' }, { error: 'server_error' }, { error: 'server_error' });
    const summary = await h.clock.run(h.engine.start(load(def)).result);
    assert.equal(summary.status, 'blocked');
    assert.match(summary.reason!, /^Cannot proceed - validate unavailable: validate_schedule failed \(server_error\)/);
    assert.equal(summary.steps[0]!.attempts, 4);
  });

  it('audit mode does not fall back to the cache', async () => {
    const h = await harness();
    h.tools.define('validate_schedule', { script: [{ data: { is_valid: true } }, { error: 'tool_error', message: 'backend down' }] });
    await h.clock.run(h.engine.start(load(def)).result);
    const summary = await h.clock.run(h.engine.start(load(def), { mode: 'audit' }).result);
    assert.equal(summary.status, 'blocked');
    assert.equal(h.tools.callsTo('validate_schedule').length, 2);
  });
});
