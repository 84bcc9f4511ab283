/** The guide's six orchestration patterns, each run by the real engine against the fake server. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WorkflowDefinition } from '../../../src/core/engine/definition';
import { anyInputs, eventsOf, harness, load } from '../../support/engine/harness';

const MODES = { standard: {} };

function workflow(phases: WorkflowDefinition['phases'], extra: Partial<WorkflowDefinition> = {}): WorkflowDefinition {
  return { id: 'wf', title: 'Test workflow', version: 1, parseInputs: anyInputs, modes: MODES, defaultMode: 'standard', timeoutMs: 60_000, phases, ...extra };
}

describe('pattern 1: serial dependency chain', () => {
  it('runs T1 -> T2 -> T3 one after another, each reading the previous result', async () => {
    const h = await harness();
    h.tools
      .define('validate_schedule', { latencyMs: 50, respond: () => ({ is_valid: true, schedule_id: 'S1' }) })
      .define('run_contingency_analysis', { latencyMs: 200, respond: (args) => ({ gaps: 2, for: args['schedule_id'] }) })
      .define('run_spc_analysis', { latencyMs: 30, respond: () => ({ violations: 0 }) });
    const wf = load(
      workflow([
        {
          id: 'chain',
          title: 'Chain',
          run: 'serial',
          steps: [
            { kind: 'tool', id: 't1', capability: 'validate_schedule', args: () => ({ start: '2026-01-05' }) },
            { kind: 'tool', id: 't2', capability: 'run_contingency_analysis', dependsOn: ['t1'], args: (ctx) => ({ schedule_id: ctx.require('t1')['schedule_id'] }) },
            { kind: 'tool', id: 't3', capability: 'run_spc_analysis', dependsOn: ['t2'], args: () => ({}) },
          ],
        },
      ]),
    );
    const t0 = h.clock.now();
    const summary = await h.clock.run(h.engine.start(wf).result);
    assert.equal(summary.status, 'completed');
    const [c1, c2, c3] = [h.tools.callsTo('validate_schedule')[0]!, h.tools.callsTo('run_contingency_analysis')[0]!, h.tools.callsTo('run_spc_analysis')[0]!];
    assert.equal(c1.startedAt, t0);
    assert.equal(c2.startedAt, c1.endedAt);
    assert.equal(c3.startedAt, c2.endedAt);
    assert.deepEqual(c2.args, { schedule_id: 'S1' });
    assert.equal(summary.durationMs, 280);
    assert.deepEqual(
      summary.steps.map((s) => s.stepId),
      ['t1', 't2', 't3'],
    );
  });

  it('skips the rest of the chain with a reason when a link fails', async () => {
    const h = await harness();
    h.tools.define('validate_schedule', { script: [{ error: 'tool_error', message: 'backend down' }] }).define('detect_conflicts');
    const wf = load(
      workflow([
        {
          id: 'chain',
          title: 'Chain',
          run: 'serial',
          steps: [
            { kind: 'tool', id: 't1', capability: 'validate_schedule', args: () => ({}) },
            { kind: 'tool', id: 't2', capability: 'detect_conflicts', dependsOn: ['t1'], args: () => ({}) },
          ],
        },
      ]),
    );
    const summary = await h.clock.run(h.engine.start(wf).result);
    const t2 = summary.steps.find((s) => s.stepId === 't2')!;
    assert.equal(t2.status, 'skipped');
    assert.equal(t2.skip?.cause, 'dependency');
    assert.match(t2.skip!.reason, /needs t1: failed: backend down/);
    assert.equal(h.tools.callsTo('detect_conflicts').length, 0);
  });
});

describe('pattern 2: parallel fan-out', () => {
  it('starts all tools together, keeps siblings going when one fails, aggregates with warnings', async () => {
    const h = await harness();
    h.tools
      .define('validate_schedule', { latencyMs: 100, respond: () => ({ is_valid: true }) })
      .define('validate_schedule_by_id', { latencyMs: 80, respond: () => ({ is_valid: true }) })
      .define('detect_conflicts', { latencyMs: 60, script: [{ error: 'tool_error', message: 'conflict engine crashed' }] })
      .define('analyze_workload_trend', { latencyMs: 120, respond: () => ({ trend: 'flat' }) });
    const wf = load(
      workflow([
        {
          id: 'fan',
          title: 'Fan-out',
          run: 'parallel',
          aggregation: 'weighted_mean',
          steps: [
            { kind: 'tool', id: 'a', capability: 'validate_schedule', args: () => ({}) },
            { kind: 'tool', id: 'b', capability: 'validate_schedule_by_id', args: () => ({}) },
            { kind: 'tool', id: 'c', capability: 'detect_conflicts', args: () => ({}) },
            { kind: 'tool', id: 'd', capability: 'analyze_workload_trend', args: () => ({}) },
          ],
        },
      ]),
    );
    const t0 = h.clock.now();
    const summary = await h.clock.run(h.engine.start(wf).result);
    assert.equal(summary.status, 'completed');
    assert.ok(
      h.tools.calls.every((c) => c.startedAt === t0),
      'all four started at once',
    );
    assert.equal(summary.durationMs, 120, 'wall time is the slowest tool, not the sum');
    const c = summary.steps.find((s) => s.stepId === 'c')!;
    assert.equal(c.status, 'skipped');
    assert.equal(c.skip?.cause, 'failed');
    assert.equal(c.confidence.value, 0);
    for (const id of ['a', 'b', 'd']) assert.equal(summary.steps.find((s) => s.stepId === id)!.status, 'succeeded');
    const phase = summary.phases[0]!;
    assert.equal(phase.warnings.length, 1);
    assert.match(phase.warnings[0]!, /^c: failed: conflict engine crashed/);
    // (0.90 + 0.90 + 0 + (0.70 − 0.05 for 120 ms > its 100 ms SLA)) / 4
    assert.ok(Math.abs(phase.confidence! - 0.6125) < 1e-9);
  });

  it('honours the concurrency limit', async () => {
    const h = await harness();
    for (const c of ['run_spc_analysis', 'calculate_fire_danger_index', 'detect_burnout_precursors', 'predict_burnout_magnitude']) h.tools.define(c, { latencyMs: 40 });
    const wf = load(
      workflow([
        {
          id: 'fan',
          title: 'Fan-out',
          run: 'parallel',
          concurrency: 2,
          steps: ['run_spc_analysis', 'calculate_fire_danger_index', 'detect_burnout_precursors', 'predict_burnout_magnitude'].map((c, i) => ({
            kind: 'tool' as const,
            id: `s${i}`,
            capability: c,
            args: () => ({}),
          })),
        },
      ]),
    );
    const summary = await h.clock.run(h.engine.start(wf).result);
    assert.equal(summary.durationMs, 80);
    const starts = h.tools.calls.map((c) => c.startedAt - summary.startedAt).sort((a, b) => a - b);
    assert.deepEqual(starts, [0, 0, 40, 40]);
  });
});

describe('pattern 3: tiered execution', () => {
  const tiered = (defenseLevel: number, gaps: number) => {
    const def = workflow([
      {
        id: 'assess',
        title: 'Assessment',
        run: 'tiered',
        tiers: [
          {
            id: 'quick',
            title: 'Tier 1 (quick status)',
            steps: [
              { kind: 'tool', id: 'utilization', capability: 'check_utilization_threshold', args: () => ({}) },
              { kind: 'tool', id: 'defense', capability: 'get_defense_level', args: () => ({}) },
            ],
            allClear: (ctx) => Number(ctx.require('defense')['level']) < 3,
          },
          {
            id: 'contingency',
            title: 'Tier 2 (contingency)',
            steps: [
              { kind: 'tool', id: 'deep', capability: 'run_contingency_analysis_deep', args: () => ({}) },
              { kind: 'tool', id: 'blast', capability: 'calculate_blast_radius', dependsOn: ['deep'], args: () => ({}) },
            ],
            allClear: (ctx) => Number(ctx.require('deep')['gaps']) <= 10,
          },
          { id: 'full', title: 'Tier 3 (full)', steps: [{ kind: 'tool', id: 'unified', capability: 'get_unified_critical_index', args: () => ({}) }] },
        ],
      },
    ]);
    return { def, defenseLevel, gaps };
  };

  async function runTiered(defenseLevel: number, gaps: number) {
    const h = await harness();
    h.tools
      .define('check_utilization_threshold', { latencyMs: 5, respond: () => ({ utilization: 0.7 }) })
      .define('get_defense_level', { latencyMs: 5, respond: () => ({ level: defenseLevel }) })
      .define('run_contingency_analysis_deep', { latencyMs: 300, respond: () => ({ gaps }) })
      .define('calculate_blast_radius', { latencyMs: 100 })
      .define('get_unified_critical_index', { latencyMs: 50, respond: () => ({ overall_index: 55 }) });
    const summary = await h.clock.run(h.engine.start(load(tiered(defenseLevel, gaps).def)).result);
    return { h, summary };
  }

  it('stops after tier 1 when it is all clear', async () => {
    const { h, summary } = await runTiered(2, 0);
    assert.equal(summary.status, 'completed');
    assert.equal(summary.durationMs, 5);
    assert.equal(h.tools.callsTo('run_contingency_analysis_deep').length, 0);
    for (const id of ['deep', 'blast', 'unified']) {
      const s = summary.steps.find((r) => r.stepId === id)!;
      assert.equal(s.skip?.cause, 'tier');
      assert.match(s.skip!.reason, /Tier 1 \(quick status\) all clear/);
    }
    // Tier skips are by design: the phase's confidence only counts what ran.
    assert.ok(Math.abs(summary.phases[0]!.confidence! - (0.95 + 0.9) / 2) < 1e-9);
  });

  it('goes one tier deeper on YELLOW and stops when the contingency is clean', async () => {
    const { h, summary } = await runTiered(3, 4);
    assert.equal(h.tools.callsTo('calculate_blast_radius').length, 1);
    assert.equal(h.tools.callsTo('get_unified_critical_index').length, 0);
    assert.equal(summary.steps.find((r) => r.stepId === 'unified')!.skip?.cause, 'tier');
    assert.equal(summary.durationMs, 405);
  });

  it('runs every tier when each one finds problems', async () => {
    const { h, summary } = await runTiered(4, 25);
    assert.equal(h.tools.callsTo('get_unified_critical_index').length, 1);
    assert.equal(summary.durationMs, 455);
  });
});

describe('pattern 4: star topology (hub aggregation)', () => {
  it('feeds every available input into the hub and caps its confidence by the missing ones', async () => {
    const h = await harness();
    const inputs = ['run_contingency_analysis_deep', 'analyze_hub_centrality', 'calculate_burnout_rt', 'detect_burnout_precursors', 'run_spc_analysis'];
    inputs.forEach((c, i) => h.tools.define(c, { latencyMs: 10 * (i + 1), respond: () => ({ score: i }) }));
    h.tools.define('analyze_hub_centrality', { unavailable: 'armory domain resilience_advanced is off' });
    h.tools.define('get_unified_critical_index', { latencyMs: 20, respond: (args) => ({ overall_index: 40, received: Object.keys(args['signals'] as object).sort() }) });
    const wf = load(
      workflow([
        { id: 'signals', title: 'Signals', run: 'parallel', steps: inputs.map((c, i) => ({ kind: 'tool' as const, id: `in${i}`, capability: c, args: () => ({}) })) },
        {
          id: 'synthesis',
          title: 'Synthesis',
          run: 'serial',
          steps: [
            {
              kind: 'hub',
              id: 'unified',
              inputs: inputs.map((_, i) => `in${i}`),
              minInputs: 3,
              capability: 'get_unified_critical_index',
              args: (ctx) => ({ signals: Object.fromEntries(inputs.flatMap((_, i) => (ctx.data(`in${i}`) ? [[`in${i}`, ctx.data(`in${i}`)]] : []))) }),
            },
          ],
        },
      ]),
    );
    const summary = await h.clock.run(h.engine.start(wf).result);
    assert.equal(summary.status, 'completed');
    const hub = summary.steps.find((s) => s.stepId === 'unified')!;
    assert.equal(hub.status, 'succeeded');
    assert.deepEqual(hub.data?.['received'], ['in0', 'in2', 'in3', 'in4']);
    const missing = summary.steps.find((s) => s.stepId === 'in1')!;
    assert.equal(missing.skip?.cause, 'unavailable');
    assert.match(missing.confidence.reason, /capability missing/);
    // 4 of 5 inputs: at most 0.75; inputs 0.75/0.55/0.65/0.80 blend to min × 0.9 + mean × 0.1 = 0.564.
    assert.ok(hub.confidence.factors.some((f) => f.kind === 'cap' && f.max === 0.75 && /4\/5 inputs/.test(f.label)));
    assert.equal(hub.confidence.value, 0.564);
    assert.match(hub.confidence.reason, /inputs' confidence \(unified\) 0\.56/);
    // The hub started when the slowest input finished.
    assert.equal(h.tools.callsTo('get_unified_critical_index')[0]!.startedAt - summary.startedAt, 50);
  });

  it('skips the hub when fewer than minInputs arrive', async () => {
    const h = await harness();
    h.tools.define('run_spc_analysis', { script: [{ error: 'tool_error' }] }).define('calculate_fire_danger_index', { script: [{ error: 'tool_error' }] });
    h.tools.define('get_unified_critical_index');
    const wf = load(
      workflow([
        {
          id: 'p',
          title: 'P',
          run: 'parallel',
          steps: [
            { kind: 'tool', id: 'a', capability: 'run_spc_analysis', args: () => ({}) },
            { kind: 'tool', id: 'b', capability: 'calculate_fire_danger_index', args: () => ({}) },
            { kind: 'hub', id: 'hub', inputs: ['a', 'b'], capability: 'get_unified_critical_index', args: () => ({}) },
          ],
        },
      ]),
    );
    const summary = await h.clock.run(h.engine.start(wf).result);
    const hub = summary.steps.find((s) => s.stepId === 'hub')!;
    assert.equal(hub.skip?.cause, 'dependency');
    assert.match(hub.skip!.reason, /only 0 of 2 inputs/);
    assert.equal(h.tools.callsTo('get_unified_critical_index').length, 0);
  });
});

describe('pattern 5: three-way conditional branch', () => {
  const def = (): WorkflowDefinition =>
    workflow([
      {
        id: 'candidates',
        title: 'Candidates',
        run: 'serial',
        steps: [
          { kind: 'tool', id: 'find', capability: 'analyze_swap_candidates', args: (ctx) => ({ person: ctx.inputs['person'] }) },
          {
            kind: 'branch',
            id: 'route',
            dependsOn: ['find'],
            choose: (ctx) => {
              const n = (ctx.require('find')['candidates'] as unknown[]).length;
              return n >= 3 ? 'automated' : n > 0 ? 'manual' : 'none';
            },
            branches: { automated: ['impact'], manual: ['manual_review'] },
            default: ['escalate'],
          },
        ],
      },
      {
        id: 'next',
        title: 'Next',
        run: 'parallel',
        steps: [
          { kind: 'tool', id: 'impact', capability: 'run_contingency_analysis', args: (ctx) => ({ ids: ctx.require('find')['candidates'] }) },
          { kind: 'compute', id: 'manual_review', compute: (ctx) => ({ path: 'manual_review', candidates: ctx.require('find')['candidates'] }) },
          { kind: 'compute', id: 'escalate', compute: () => ({ path: 'escalate', reason: 'no_candidates' }) },
        ],
      },
    ]);

  async function route(count: number) {
    const h = await harness();
    h.tools.define('analyze_swap_candidates', { respond: () => ({ candidates: Array.from({ length: count }, (_, i) => `f${i}`) }) }).define('run_contingency_analysis');
    const summary = await h.clock.run(h.engine.start(load(def()), { inputs: { person: 'r1' } }).result);
    const status = (id: string) => summary.steps.find((s) => s.stepId === id)!;
    return { h, summary, status };
  }

  it('3+ candidates: automated impact assessment', async () => {
    const { h, status } = await route(4);
    assert.equal(status('impact').status, 'succeeded');
    assert.deepEqual(h.tools.callsTo('run_contingency_analysis')[0]!.args, { ids: ['f0', 'f1', 'f2', 'f3'] });
    assert.equal(status('manual_review').skip?.cause, 'branch');
    assert.equal(status('escalate').skip?.cause, 'branch');
    assert.equal(status('route').data?.['branch'], 'automated');
  });

  it('1-2 candidates: manual review', async () => {
    const { h, status } = await route(2);
    assert.equal(status('manual_review').status, 'succeeded');
    assert.equal(status('manual_review').data?.['path'], 'manual_review');
    assert.equal(h.tools.callsTo('run_contingency_analysis').length, 0);
    assert.match(status('impact').skip!.reason, /branch route chose "manual"/);
  });

  it('0 candidates: the default branch escalates', async () => {
    const { status, summary } = await route(0);
    assert.equal(status('escalate').status, 'succeeded');
    assert.equal(status('route').data?.['branch'], 'default');
    assert.equal(summary.status, 'completed');
  });
});

describe('pattern 6: retry with exponential backoff', () => {
  it('retries transient failures 100 ms then 200 ms apart and succeeds on the third attempt', async () => {
    const h = await harness({ overrides: { validate_schedule: { timeoutMs: 1000, stepTimeoutMs: 10_000 } } });
    h.tools.define('validate_schedule', {
      latencyMs: 20,
      script: [{ error: 'connection', latencyMs: 20 }, { hang: true }, { data: { is_valid: true }, latencyMs: 20 }],
    });
    const wf = load(workflow([{ id: 'p', title: 'P', run: 'serial', steps: [{ kind: 'tool', id: 'v', capability: 'validate_schedule', args: () => ({}) }] }]));
    const summary = await h.clock.run(h.engine.start(wf).result);
    const step = summary.steps[0]!;
    assert.equal(step.status, 'succeeded');
    assert.equal(step.attempts, 3);
    const starts = h.tools.callsTo('validate_schedule').map((c) => c.startedAt - summary.startedAt);
    // attempt 1 fails at 20; +100 -> attempt 2 hangs until its 1000 ms timeout at 1120; +200 -> attempt 3.
    assert.deepEqual(starts, [0, 120, 1320]);
    assert.deepEqual(
      eventsOf(h.events, 'retry_scheduled').map((e) => [e.attempt, e.delayMs, e.error.kind]),
      [
        [1, 100, 'connection'],
        [2, 200, 'timeout'],
      ],
    );
    assert.equal(h.tools.callsTo('validate_schedule')[1]!.outcome, 'aborted', 'the timed-out attempt was cancelled on the server');
    assert.equal(step.durationMs, 1340);
  });
});
