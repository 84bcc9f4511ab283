/** Resilience assessment: tier rules, alert gating by confidence, and whole runs on the fake scheduler. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gateAlert } from '../../../src/core/workflows/shared/alerts';
import { resilienceWorkflow, type ResilienceAssessment } from '../../../src/core/workflows/resilience';
import { harness, load } from '../../support/engine/harness';
import { defineScheduler, WRITERS } from '../../support/workflows/fakeScheduler';

const wf = load(resilienceWorkflow, [...WRITERS]);
const INPUTS = { today: '2026-03-01' };
const many = (n: number, severity = 'medium') => Array.from({ length: n }, (_, i) => ({ faculty_id: `f-${i}`, severity }));

async function run(overrides: Parameters<typeof defineScheduler>[1] = {}, mode?: string) {
  const h = await harness();
  defineScheduler(h.tools, overrides);
  const summary = await h.clock.run(h.engine.start(wf, { inputs: INPUTS, ...(mode ? { mode } : {}) }).result);
  const assessment = summary.steps.find((s) => s.stepId === 'assessment')?.data as ResilienceAssessment | undefined;
  const ran = (id: string) => summary.steps.find((s) => s.stepId === id)?.status === 'succeeded';
  return { h, summary, assessment, ran };
}

describe('alert gating', () => {
  it('keeps a RED alert at 0.85 and above, downgrades it below, holds it back under 0.60', () => {
    const red = { severity: 'RED' as const, message: 'm', source: 's' };
    assert.equal(gateAlert(red, 0.85).status, 'confirmed');
    const down = gateAlert(red, 0.8);
    assert.deepEqual([down.severity, down.status, down.raisedAs], ['YELLOW', 'downgraded', 'RED']);
    assert.equal(gateAlert(red, 0.6).severity, 'INFO');
    const held = gateAlert(red, 0.59);
    assert.deepEqual([held.severity, held.status], ['RED', 'held_back']);
    assert.equal(gateAlert({ ...red, severity: 'YELLOW' }, 0.75).status, 'confirmed');
  });
});

describe("resilience phase 1: the orchestrator's own breakers and tool health", () => {
  it('without a breaker tool on the server, the orchestrator reports its breakers and the server step is skipped by design', async () => {
    const { summary, assessment, ran, h } = await run({ check_circuit_breakers: null });
    assert.ok(ran('orchestrator'));
    const own = summary.steps.find((s) => s.stepId === 'orchestrator')!;
    assert.deepEqual([own.tool, own.confidence.value], ['engine:orchestrator_health', 1]);
    assert.equal(own.data?.['capabilities'] && (own.data['capabilities'] as Record<string, string>)['check_circuit_breakers'], 'unavailable');
    const server = summary.steps.find((s) => s.stepId === 'breakers')!;
    assert.deepEqual(server.skip, { cause: 'condition', reason: "the server has no breaker tool: the orchestrator's own breakers are reported" });
    assert.equal(h.tools.callsTo('check_circuit_breakers').length, 0);
    assert.equal(summary.status, 'completed', summary.reason);
    assert.deepEqual(assessment!.breakers.orchestrator, { open: [], half_open: [], degraded_tools: [], unavailable_tools: ['check_circuit_breakers'] });
    assert.equal(assessment!.breakers.server, null);
  });

  it('with a breaker tool both are reported; a breaker the engine opened in an earlier run is an alert before the tool is called again', async () => {
    const h = await harness({
      overrides: { run_contingency_analysis_deep: { timeoutMs: 1000, retry: { maxRetries: 0 }, breaker: { failureThreshold: 1, halfOpenAfterMs: 600_000 } } },
    });
    defineScheduler(h.tools, { run_contingency_analysis_deep: { script: [{ hang: true }] } });
    await h.clock.run(h.engine.start(wf, { inputs: INPUTS, mode: 'deep' }).result);
    const summary = await h.clock.run(h.engine.start(wf, { inputs: INPUTS }).result);
    const a = summary.steps.find((s) => s.stepId === 'assessment')?.data as ResilienceAssessment;
    assert.deepEqual(a.breakers.orchestrator?.open, ['run_contingency_analysis_deep']);
    assert.deepEqual(a.breakers.server, { open: [], half_open: [] });
    const alert = a.alerts.find((x) => x.source === 'orchestrator');
    assert.equal(alert?.severity, 'YELLOW');
    assert.match(alert!.message, /Orchestrator circuit breaker open for run_contingency_analysis_deep/);
  });
});

describe('resilience workflow', () => {
  it('standard: defense level below 3 is all clear after tier 1; synthesis still runs', async () => {
    const { summary, assessment, ran } = await run();
    assert.equal(summary.status, 'completed', summary.reason);
    assert.ok(ran('utilization') && ran('defense') && ran('breakers'));
    assert.equal(summary.steps.find((s) => s.stepId === 'contingency')?.skip?.cause, 'tier');
    assert.ok(ran('unified'));
    assert.deepEqual(assessment?.tiers_run, ['quick status']);
    assert.equal(assessment?.defense_level, 2);
  });

  it('defense level 3 runs contingency; 10 gaps or fewer stops there', async () => {
    const { assessment, ran, summary } = await run({
      get_defense_level: { respond: () => ({ current_level: 'prevention', recommended_level: 'safety_systems' }) },
      run_contingency_analysis_deep: { respond: () => ({ n1_pass: true, n1_vulnerabilities: many(10), n2_fatal_pairs: [] }) },
    });
    assert.ok(ran('contingency') && ran('blast_radius') && ran('sacrifice'));
    assert.equal(summary.steps.find((s) => s.stepId === 'rt')?.skip?.cause, 'tier');
    assert.deepEqual(assessment?.tiers_run, ['quick status', 'contingency']);
  });

  it('more than 10 gaps runs the full analysis; contingency runs as a serial chain', async () => {
    const { h, assessment, ran } = await run({
      get_defense_level: { respond: () => ({ current_level: 'containment', recommended_level: 'containment' }) },
      run_contingency_analysis_deep: { respond: () => ({ n1_pass: false, n1_vulnerabilities: [...many(10), ...many(2, 'critical')], n2_fatal_pairs: [] }) },
      calculate_burnout_rt: { respond: () => ({ rt: 1.8, status: 'spreading' }) },
    });
    for (const id of ['rt', 'contagion', 'precursors', 'spc', 'fire_danger', 'magnitude', 'creep_fatigue', 'hub_centrality']) assert.ok(ran(id), id);
    const [c] = h.tools.callsTo('run_contingency_analysis_deep');
    const [b] = h.tools.callsTo('calculate_blast_radius');
    const [s] = h.tools.callsTo('execute_sacrifice_hierarchy');
    assert.ok(c!.endedAt! <= b!.startedAt && b!.endedAt! <= s!.startedAt);
    assert.deepEqual(s!.args, { target_level: 'red', simulate_only: true });
    const bySource = new Map(assessment!.alerts.map((a) => [a.source, a]));
    assert.deepEqual([bySource.get('defense')?.severity, bySource.get('defense')?.status], ['RED', 'confirmed']);
    // Contingency's base confidence (0.75) is below the 0.85 a RED alert needs: it stands as YELLOW.
    assert.deepEqual([bySource.get('contingency')?.severity, bySource.get('contingency')?.status], ['YELLOW', 'downgraded']);
    // Rt from a tool with base confidence 0.55 cannot confirm a RED alert.
    assert.equal(bySource.get('rt')?.status, 'held_back');
  });

  it('a confirmed RED alert ends the run needing review (cron exit 2)', async () => {
    const { summary } = await run({ check_utilization_threshold: { respond: () => ({ level: 'red', utilization_rate: 0.93 }) } });
    assert.equal(summary.status, 'needs_review');
    assert.match(summary.reason!, /confirmed RED alert.*Faculty utilization 93%/);
  });

  it('deep mode runs every tier whatever the findings; quick mode only tier 1 and the unified index', async () => {
    const deep = await run({}, 'deep');
    for (const id of ['contingency', 'rt', 'spc']) assert.ok(deep.ran(id), id);
    const quick = await run({ get_defense_level: { respond: () => ({ current_level: 'emergency' }) } }, 'quick');
    assert.equal(quick.summary.steps.find((s) => s.stepId === 'contingency')?.skip?.cause, 'mode');
    assert.ok(quick.ran('unified'));
  });

  it('without the unified index tool the index is estimated from the signals, with low confidence', async () => {
    const { summary, assessment } = await run(
      {
        get_unified_critical_index: null,
        run_contingency_analysis_deep: { respond: () => ({ n1_pass: false, n1_vulnerabilities: [...many(6), ...many(6, 'critical')], n2_fatal_pairs: [] }) },
      },
      'deep',
    );
    const unified = summary.steps.find((s) => s.stepId === 'unified')!;
    assert.equal(unified.source, 'fallback');
    assert.equal(unified.confidence.value, 0.35);
    assert.equal(assessment?.unified_estimated, true);
    // contingency 50 (0.40), hub 30 (0.35), epidemiology 30 (0.25) -> 38
    assert.equal(assessment?.unified_index, 38);
    assert.equal(summary.status, 'needs_review');
  });
});
