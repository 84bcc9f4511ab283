/** Compliance check: the score formula, the status bands, and whole runs on the fake scheduler. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { complianceScore, complianceStatus, complianceWorkflow, type ComplianceSynthesis } from '../../../src/core/workflows/compliance';
import type { Finding } from '../../../src/core/workflows/shared/findings';
import { eventsOf, harness, load } from '../../support/engine/harness';
import { defineScheduler, WRITERS } from '../../support/workflows/fakeScheduler';

const wf = load(complianceWorkflow, [...WRITERS]);
const INPUTS = { today: '2026-03-01' };

function finding(severity: Finding['severity'], rule = 'weekly_hours'): Finding {
  return { id: `${rule}:${severity}:${Math.random()}`, severity, rule, message: 'x', sources: ['validate'] };
}

const VIOLATION = {
  severity: 'critical',
  rule_type: '80_HOUR_VIOLATION',
  person_id: 'r-03',
  date_range: ['2026-03-02', '2026-03-29'],
  message: 'r-03 averages 86.5 h/week over 4 weeks',
  details: { average_weekly_hours: 86.5, limit: 80 },
  suggested_fix: 'Move the 2026-03-14 call of r-03 to r-05',
};

async function run(overrides: Parameters<typeof defineScheduler>[1] = {}, mode?: string, inputs: Record<string, unknown> = INPUTS) {
  const h = await harness();
  defineScheduler(h.tools, overrides);
  const summary = await h.clock.run(h.engine.start(wf, { inputs, ...(mode ? { mode } : {}) }).result);
  const synthesis = summary.steps.find((s) => s.stepId === 'synthesis')?.data as ComplianceSynthesis | undefined;
  return { h, summary, synthesis };
}

describe('compliance score', () => {
  it('takes 15/8/3/1 per critical/high/medium/low finding and caps quality penalties at 20', () => {
    assert.deepEqual(complianceScore([], []), { score: 100, violations: 0, quality: 0 });
    assert.equal(complianceScore([finding('critical'), finding('high'), finding('medium'), finding('low')], []).score, 73);
    const quality = [
      { metric: 'spc', penalty: 5, reason: '' },
      { metric: 'equity', penalty: 5, reason: '' },
      { metric: 'utilization', penalty: 10, reason: '' },
      { metric: 'process_capability', penalty: 5, reason: '' },
    ];
    assert.deepEqual(complianceScore([], quality), { score: 80, violations: 0, quality: 20 });
    assert.equal(
      complianceScore(
        Array.from({ length: 10 }, () => finding('critical')),
        [],
      ).score,
      0,
    );
  });

  it('bands: any critical or < 70 CRITICAL, any high/medium or < 85 ISSUES, else COMPLIANT; no validation UNKNOWN', () => {
    const none = { critical: 0, high: 0, medium: 0, low: 0 };
    assert.equal(complianceStatus(100, none, true), 'COMPLIANT');
    assert.equal(complianceStatus(99, { ...none, low: 1 }, true), 'COMPLIANT');
    assert.equal(complianceStatus(85, none, true), 'COMPLIANT');
    assert.equal(complianceStatus(84, none, true), 'ISSUES');
    assert.equal(complianceStatus(97, { ...none, medium: 1 }, true), 'ISSUES');
    assert.equal(complianceStatus(70, none, true), 'ISSUES');
    assert.equal(complianceStatus(69, none, true), 'CRITICAL');
    assert.equal(complianceStatus(85, { ...none, critical: 1 }, true), 'CRITICAL');
    assert.equal(complianceStatus(100, none, false), 'UNKNOWN');
  });
});

describe('compliance workflow', () => {
  it('standard: a clean schedule is COMPLIANT, deployable automatically, and the run completes', async () => {
    const { summary, synthesis } = await run();
    assert.equal(summary.status, 'completed', summary.reason);
    assert.equal(synthesis?.compliance_summary.status, 'COMPLIANT');
    assert.equal(synthesis?.compliance_summary.overall_score, 100);
    assert.equal(synthesis?.deployment_readiness.approval_level, 'automatic');
    assert.deepEqual(
      summary.phases.map((p) => p.phaseId),
      ['scope', 'acgme', 'detailed', 'advanced', 'synthesis'],
    );
    // The decision uses the seed's weighted confidence; the run reports its weakest phase.
    assert.ok(synthesis!.overall_confidence! >= 0.85);
    assert.equal(summary.phases.find((p) => p.phaseId === 'scope')?.confidence, undefined);
    assert.ok(summary.confidence!.value >= 0.75 && summary.confidence!.value <= synthesis!.overall_confidence!, summary.confidence!.reason);
  });

  it('runs phase 1 tools in parallel with the range the server reported and the schedule id', async () => {
    const { h } = await run();
    const [v] = h.tools.callsTo('validate_schedule');
    const [b] = h.tools.callsTo('validate_schedule_by_id');
    assert.equal(v!.startedAt, b!.startedAt);
    assert.equal(v!.args['start_date'], '2026-03-02');
    assert.equal(v!.args['end_date'], '2026-03-29');
    assert.equal(b!.args['schedule_id'], 'S1');
  });

  it('a critical violation makes it CRITICAL: ranked first, blocked, with the person, window and fix', async () => {
    const { summary, synthesis } = await run({
      validate_schedule: { respond: () => ({ is_valid: false, issues: [VIOLATION, { severity: 'warning', rule_type: 'rest', person_id: 'r-04', message: 'short rest' }] }) },
      detect_conflicts: {
        respond: () => ({
          total_conflicts: 1,
          conflicts: [{ conflict_type: 'work_hour_violation', severity: 'warning', affected_people: ['r-03'], date_range: ['2026-03-02', '2026-03-29'], description: 'hours' }],
        }),
      },
    });
    assert.equal(summary.status, 'blocked');
    assert.match(summary.reason!, /CRITICAL .*deployment blocked by 1 critical/);
    const top = synthesis!.detailed_violations[0]!;
    assert.equal(top.severity, 'critical');
    assert.equal(top.person, 'r-03');
    assert.equal(top.measured, 86.5);
    assert.equal(top.excess, 6.5);
    assert.deepEqual(top.sources, ['validate', 'conflicts']);
    assert.equal(synthesis!.compliance_summary.total_violations, 2);
    assert.equal(synthesis!.deployment_readiness.can_deploy, false);
    assert.ok(synthesis!.recommendations.some((r) => r.category === 'immediate' && r.text.includes('r-05')));
  });

  it('quick mode runs phase 1 only, and audit mode bypasses the cache', async () => {
    const quick = await run({}, 'quick');
    assert.equal(quick.summary.status, 'completed');
    assert.equal(quick.h.tools.callsTo('detect_conflicts').length, 0);
    assert.equal(quick.h.tools.callsTo('run_spc_analysis').length, 0);

    const h = await harness();
    defineScheduler(h.tools);
    await h.clock.run(h.engine.start(wf, { inputs: INPUTS }).result);
    const cached = await h.clock.run(h.engine.start(wf, { inputs: INPUTS }).result);
    assert.equal(cached.steps.find((s) => s.stepId === 'validate')?.source, 'cache');
    const audit = await h.clock.run(h.engine.start(wf, { inputs: INPUTS, mode: 'audit' }).result);
    assert.equal(audit.steps.find((s) => s.stepId === 'validate')?.source, 'live');
  });

  it('a placeholder validate_schedule_by_id counts as no evidence: excluded from the confidence with a penalty, and every phase still runs', async () => {
    const { summary, synthesis } = await run({
      validate_schedule_by_id: { respond: () => ({ is_valid: true, compliance_rate: 1, issues: [], metadata: { source: 'placeholder' } }) },
      detect_conflicts: {
        respond: () => ({
          total_conflicts: 1,
          conflicts: [
            { conflict_type: 'double_booking', severity: 'critical', affected_people: ['r-02'], date_range: ['2026-03-09', '2026-03-09'], description: 'r-02 assigned twice' },
          ],
        }),
      },
    });
    const byId = summary.steps.find((s) => s.stepId === 'validate_by_id')!;
    assert.equal(byId.confidence.value, 0);
    assert.deepEqual(byId.skip, { cause: 'placeholder', reason: 'placeholder: server backend unavailable (metadata.source = "placeholder")' });
    assert.equal(byId.data, undefined, 'a placeholder is not evidence');
    // The synthesis ran; its own rule then stops the run (a CRITICAL finding blocks deployment).
    assert.deepEqual(
      summary.phases.map((p) => p.status),
      ['completed', 'completed', 'completed', 'completed', 'stopped'],
    );
    assert.deepEqual(synthesis!.evidence, ['validate']);
    assert.equal(synthesis!.detailed_violations[0]!.rule, 'double_booking');
    assert.equal(summary.status, 'blocked');
    assert.match(summary.reason!, /CRITICAL .*1 critical/);
    assert.ok(summary.confidence!.factors.some((f) => f.kind === 'adjust' && f.label === 'placeholder: validate_by_id (server backend unavailable)' && f.delta === -0.1));
    const acgme = summary.phases.find((p) => p.phaseId === 'acgme')!;
    assert.equal(acgme.confidence, summary.steps.find((s) => s.stepId === 'validate')!.confidence.value, 'the placeholder is not averaged in as 0');
  });

  it('read-only: a gate below its block threshold lowers the decision but the later phases run and report what they found', async () => {
    const { summary, synthesis, h } = await run({
      validate_schedule: { script: [{ hang: true }, { hang: true }, { hang: true }, { hang: true }] },
      validate_schedule_by_id: null,
      detect_conflicts: {
        respond: () => ({
          total_conflicts: 1,
          conflicts: [
            { conflict_type: 'double_booking', severity: 'critical', affected_people: ['r-02'], date_range: ['2026-03-09', '2026-03-09'], description: 'r-02 assigned twice' },
          ],
        }),
      },
    });
    assert.equal(summary.steps.find((s) => s.stepId === 'validate')!.source, 'fallback');
    const acgme = summary.phases.find((p) => p.phaseId === 'acgme')!;
    assert.equal(acgme.decision, 'block');
    assert.ok(eventsOf(h.events, 'decision').some((d) => d.phaseId === 'acgme' && d.decision === 'block'));
    assert.equal(h.tools.callsTo('detect_conflicts').length, 1, 'phase 2 ran');
    // The synthesis ran; its own rule then stops the run (a CRITICAL finding blocks deployment).
    assert.deepEqual(
      summary.phases.map((p) => p.status),
      ['completed', 'completed', 'completed', 'completed', 'stopped'],
    );
    assert.equal(synthesis!.detailed_violations.find((f) => f.rule === 'double_booking')?.person, 'r-02');
    assert.equal(summary.status, 'blocked');
    assert.match(summary.reason!, /ACGME validation >= 0\.85 .* below 0\.7 \(read-only: the later phases still ran\)/);
  });

  it('without the analytics tools the advanced phase continues with lower confidence and the run needs review', async () => {
    const { summary, synthesis } = await run({
      run_spc_analysis: null,
      calculate_process_capability: null,
      calculate_equity_metrics: null,
      analyze_workload_trend: null,
      analyze_supply_demand_cycles: null,
    });
    assert.equal(summary.status, 'needs_review', summary.reason);
    const advanced = summary.phases.find((p) => p.phaseId === 'advanced')!;
    assert.ok(advanced.confidence! < 0.7);
    assert.equal(synthesis?.compliance_summary.status, 'COMPLIANT');
    assert.ok(synthesis!.recommendations.some((r) => /Enable the analytics tools/.test(r.text)));
    const unavailable = summary.steps.filter((s) => s.skip?.cause === 'unavailable').map((s) => s.stepId);
    assert.deepEqual(unavailable.sort(), ['capability', 'equity', 'spc', 'supply_demand', 'workload_trend']);
  });

  it('validate_schedule timing out: cached result (< 6 h), else quick validation, else blocked', async () => {
    // A short freshness window, so the second run calls the tool and falls back to the 3-hour-old result.
    const policy = { validate_schedule: { retry: { maxRetries: 1 }, cache: { ttlMs: 60_000 } } };
    const h = await harness({ overrides: policy });
    defineScheduler(h.tools);
    await h.clock.run(h.engine.start(wf, { inputs: INPUTS }).result);
    defineScheduler(h.tools, { validate_schedule: { script: [{ hang: true }, { hang: true }] } });
    await h.clock.advance(3 * 3_600_000);
    const cached = await h.clock.run(h.engine.start(wf, { inputs: INPUTS }).result);
    const v1 = cached.steps.find((s) => s.stepId === 'validate')!;
    assert.equal(v1.source, 'cache');
    assert.equal(v1.label, 'using cached result from 3.0 h ago');
    assert.equal(v1.error?.kind, 'timeout');
    assert.equal(v1.attempts, 2);

    const h2 = await harness({ overrides: policy });
    defineScheduler(h2.tools, { validate_schedule: { script: [{ hang: true }, { hang: true }] } });
    const quick = await h2.clock.run(h2.engine.start(wf, { inputs: INPUTS }).result);
    const v2 = quick.steps.find((s) => s.stepId === 'validate')!;
    assert.equal(v2.source, 'fallback');
    assert.equal(v2.label, 'Quick validation only');
    assert.equal(h2.tools.callsTo('quick_validate_schedule').length, 1);
    assert.equal(eventsOf(h2.events, 'fallback_used')[0]?.fallback, 'tool');
    assert.ok(v2.confidence.value < 0.85);

    const h3 = await harness({ overrides: policy });
    defineScheduler(h3.tools, { validate_schedule: { script: [{ hang: true }, { hang: true }] }, quick_validate_schedule: null });
    const blocked = await h3.clock.run(h3.engine.start(wf, { inputs: INPUTS }).result);
    assert.equal(blocked.status, 'blocked');
    assert.match(blocked.reason!, /Cannot proceed - 80-hour, 1-in-7, supervision, rest unavailable/);
  });

  it('rejects bad inputs before anything runs', () => {
    assert.throws(() => complianceWorkflow.parseInputs({ start_date: '2026-03-10', end_date: '2026-03-01' }), /end_date 2026-03-01 is before start_date/);
    assert.throws(() => complianceWorkflow.parseInputs({ start_date: '2026-03-10' }), /give both start_date and end_date/);
    assert.throws(() => complianceWorkflow.parseInputs({ start_date: '2026-02-30', end_date: '2026-03-01' }), /not a real calendar date/);
    assert.throws(() => complianceWorkflow.parseInputs({ bogus: 1 }), /Invalid inputs/);
  });
});
