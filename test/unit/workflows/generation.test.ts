/** Schedule generation: phase rules, the greedy retry, post-validation, approvals, overrides and publish. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generationWorkflow } from '../../../src/core/workflows/generation';
import { eventsOf, harness, load } from '../../support/engine/harness';
import { defineScheduler, WRITERS } from '../../support/workflows/fakeScheduler';
import type { NextAction } from '../../../src/core/workflows/shared/nextActions';

const wf = load(generationWorkflow, [...WRITERS]);
const INPUTS = { start_date: '2026-03-30', end_date: '2026-04-05', today: '2026-03-25' };
const APPROVE = { approved: true, approver: 'coordinator', reason: 'reviewed' };
const DRAFT_VIOLATION = {
  severity: 'critical',
  rule_type: 'weekly_hours',
  person_id: 'r-03',
  window: { start: '2026-03-09T07:00', end: '2026-04-06T07:00' },
  measured: 84,
  limit: 80,
  excess: 4,
  unit: 'hours_per_week',
  message: 'r-03 averages 84 h/week',
  suggested_fix: 'Move the 2026-04-02 call shift of r-03 to r-05',
};

async function run(overrides: Parameters<typeof defineScheduler>[1] = {}, answers: object[] = [APPROVE, APPROVE], mode?: string, inputs: Record<string, unknown> = INPUTS) {
  const h = await harness();
  defineScheduler(h.tools, overrides);
  h.approvals.enqueue(...(answers as never[]));
  const summary = await h.clock.run(h.engine.start(wf, { inputs, ...(mode ? { mode } : {}) }).result);
  const writes = h.tools.calls.filter((c) => (WRITERS as readonly string[]).includes(c.capability)).map((c) => c.capability);
  return { h, summary, writes, step: (id: string) => summary.steps.find((s) => s.stepId === id) };
}

describe('generation workflow', () => {
  it('standard: every phase in order, a draft, post-validation, approval, publish with the expected version', async () => {
    const { h, summary, writes, step } = await run();
    assert.equal(summary.status, 'completed', summary.reason);
    assert.deepEqual(
      summary.phases.map((p) => p.phaseId),
      ['scope', 'baseline', 'contingency', 'early_warning', 'risk', 'generation', 'post_validation', 'approval', 'publish'],
    );
    assert.deepEqual(writes, ['generate_schedule', 'publish_draft']);
    assert.deepEqual(h.tools.callsTo('publish_draft')[0]!.args, { actor: 'coordinator', expected_data_version: 8, draft_id: 'draft-1' });
    const generate = h.tools.callsTo('generate_schedule')[0]!.args;
    assert.deepEqual([generate['actor'], generate['expected_data_version']], ['coordinator', 7]);
    // Baseline: the range and the 28 days before it.
    assert.deepEqual([h.tools.callsTo('validate_schedule')[0]!.args['start_date'], h.tools.callsTo('validate_schedule')[0]!.args['end_date']], ['2026-03-02', '2026-04-05']);
    assert.equal(h.tools.callsTo('validate_schedule_by_id')[0]!.args['schedule_id'], 'draft-1');
    assert.equal(step('draft_unified')?.status, 'succeeded');
    const [draftGate, publishGate] = h.approvals.requests;
    assert.match(draftGate!.summary, /Create a draft schedule for 2026-03-30 to 2026-04-05/);
    assert.match(publishGate!.summary, /Publish draft draft-1/);
    assert.deepEqual(publishGate!.writes, ['publish_draft']);
    const checklist = publishGate!.details['checklist'] as { phase: string }[];
    assert.deepEqual([...new Set(checklist.map((c) => c.phase))], ['1', '2', '3', '4', '6']);
  });

  it('phase 1: utilization BLACK blocks with "activate the sacrifice hierarchy first"; nothing is generated', async () => {
    const { summary, writes, h } = await run({ check_utilization_threshold: { respond: () => ({ level: 'black', utilization_rate: 0.97 }) } });
    assert.equal(summary.status, 'blocked');
    assert.match(summary.reason!, /Utilization BLACK \(97%\): activate the sacrifice hierarchy first/);
    assert.deepEqual(writes, []);
    assert.equal(h.approvals.requests.length, 0);
  });

  it('phase 1: a critical violation before the range stops with a request for a manual fix; one inside it is left to generation', async () => {
    const before = { ...DRAFT_VIOLATION, window: { start: '2026-03-02T07:00', end: '2026-03-20T07:00' } };
    const { summary } = await run({ validate_schedule: { respond: () => ({ is_valid: false, issues: [before] }) } });
    assert.equal(summary.status, 'blocked');
    assert.match(
      summary.reason!,
      /Baseline fails: 1 critical issue\(s\) before the range that generation cannot change \(80 h\/week \(4-week average\), r-03 from 2026-03-02: 84 vs limit 80\); request a manual fix first/,
    );

    const inside = await run({ validate_schedule: { respond: () => ({ is_valid: false, issues: [DRAFT_VIOLATION] }) } });
    assert.equal(inside.summary.status, 'completed', inside.summary.reason);
    assert.ok(inside.summary.phases.find((p) => p.phaseId === 'baseline')!.warnings.some((w) => /1 critical issue\(s\) in the range: the new schedule must fix them/.test(w)));
  });

  it('phase 1: the baseline stays within the current schedule the server reported', async () => {
    const { h } = await run({}, undefined, undefined, { ...INPUTS, start_date: '2026-03-09', end_date: '2026-03-15' });
    const args = h.tools.callsTo('validate_schedule')[0]!.args;
    assert.deepEqual([args['start_date'], args['end_date']], ['2026-03-02', '2026-03-15']);
  });

  it('phase 2: critical gaps over 50% continue with a warning and contingency advice; the run needs review', async () => {
    const { summary } = await run({
      run_contingency_analysis_deep: {
        respond: () => ({ n1_pass: false, n1_vulnerabilities: [{ severity: 'critical' }, { severity: 'critical' }, { severity: 'medium' }], n2_fatal_pairs: [] }),
      },
    });
    assert.equal(summary.status, 'needs_review');
    assert.match(summary.reason!, /Critical gaps 66.7% of 3 > 50%: plan contingencies \(sacrifice hierarchy level red\)/);
  });

  it('phase 4: a unified index over 70 requires review (shown at the draft approval)', async () => {
    const { summary, h } = await run({ get_unified_critical_index: { respond: () => ({ overall_index: 74, risk_level: 'critical' }) } });
    assert.equal(summary.status, 'needs_review');
    assert.match(summary.reason!, /Unified risk index 74 > 70/);
    assert.equal(h.approvals.requests[0]!.details['unified_index'], 74);
  });

  it('phase 5: low pre-generation confidence asks for greedy; a failed generation is retried with greedy', async () => {
    const lowConfidence = await run({
      detect_burnout_precursors: null,
      run_spc_analysis: null,
      calculate_fire_danger_index: null,
      predict_burnout_magnitude: null,
      calculate_blast_radius: null,
    });
    assert.equal(lowConfidence.h.tools.callsTo('generate_schedule')[0]!.args['algorithm'], 'greedy');

    const retried = await run({
      generate_schedule: {
        script: [{ error: 'tool_error', message: 'INFEASIBLE: solver found no schedule' }],
        respond: (args) => ({ draft_id: 'draft-2', data_version: 8, algorithm: args['algorithm'] }),
      },
    });
    assert.equal(retried.summary.status, 'completed', retried.summary.reason);
    assert.deepEqual(
      retried.h.tools.callsTo('generate_schedule').map((c) => c.args['algorithm'] ?? 'default'),
      ['default', 'greedy'],
    );
    assert.equal(retried.h.tools.callsTo('publish_draft')[0]!.args['draft_id'], 'draft-2');
  });

  it('phase 5: when greedy fails too, the last known good schedule stays and the run is blocked', async () => {
    const { summary, writes } = await run({
      generate_schedule: {
        script: [
          { error: 'tool_error', message: 'INFEASIBLE' },
          { error: 'tool_error', message: 'INFEASIBLE' },
        ],
      },
    });
    assert.equal(summary.status, 'blocked');
    assert.match(summary.reason!, /the last known good schedule S1 stays published/);
    assert.deepEqual(writes, ['generate_schedule', 'generate_schedule']);
  });

  it('phase 6/7 (scenario 2): a draft violation needs an override; without one the approval is refused and nothing is published', async () => {
    const violating = {
      validate_schedule_by_id: {
        respond: (args: Record<string, unknown>) => (args['schedule_id'] === 'draft-1' ? { is_valid: false, issues: [DRAFT_VIOLATION] } : { is_valid: true, issues: [] }),
      },
    };
    const refused = await run(violating);
    assert.equal(refused.summary.status, 'rejected');
    assert.match(refused.summary.reason!, /needs an override justification/);
    assert.deepEqual(refused.writes, ['generate_schedule']);
    const request = refused.h.approvals.requests[1]!;
    assert.equal(request.blockingIssues.length, 1);
    assert.match(request.blockingIssues[0]!, /r-03/);
    assert.ok((request.details['options'] as NextAction[]).some((o) => o.kind === 'run' && o.workflow === 'generate' && o.inputs?.['tighten'] === true));

    const overridden = await run(violating, [APPROVE, { ...APPROVE, override: { justification: 'locum unavailable; PD signed off' } }]);
    assert.equal(overridden.summary.status, 'completed', overridden.summary.reason);
    const answered = eventsOf(overridden.h.events, 'approval_answered').find((e) => e.stepId === 'approval')!;
    assert.equal(answered.exception?.justification, 'locum unavailable; PD signed off');
    assert.deepEqual(overridden.writes, ['generate_schedule', 'publish_draft']);
  });

  it('phase 6: a draft whose validation is a placeholder is not deployed', async () => {
    const { summary, writes } = await run({ validate_schedule_by_id: { respond: () => ({ is_valid: true, issues: [], metadata: { source: 'placeholder' } }) } });
    assert.equal(summary.status, 'blocked');
    assert.match(summary.reason!, /Draft validation confidence 0.00 < 0.9: do not deploy/);
    assert.deepEqual(writes, ['generate_schedule']);
  });

  it('phase 6: a draft with a worse unified index is flagged for review', async () => {
    const { summary } = await run({ get_unified_critical_index: { respond: (args) => ({ overall_index: args['schedule_id'] ? 48 : 35, risk_level: 'moderate' }) } });
    assert.equal(summary.status, 'needs_review');
    assert.match(summary.reason!, /Unified index worse on the draft: 35 -> 48/);
  });

  it('a rejected draft approval writes nothing; a rejected publish leaves only the draft', async () => {
    const none = await run({}, [{ approved: false, approver: 'coordinator', reason: 'not this week' }]);
    assert.equal(none.summary.status, 'rejected');
    assert.deepEqual(none.writes, []);
    const draftOnly = await run({}, [APPROVE, { approved: false, approver: 'coordinator', reason: 'too many changes' }]);
    assert.equal(draftOnly.summary.status, 'rejected');
    assert.deepEqual(draftOnly.writes, ['generate_schedule']);
  });

  it('modes: express skips the deep contingency, emergency also the blast radius, thorough adds a validation by id', async () => {
    const express = await run({}, undefined, 'express');
    assert.equal(express.step('contingency')?.skip?.cause, 'mode');
    assert.equal(express.step('blast_radius')?.status, 'succeeded');
    const emergency = await run({}, undefined, 'emergency');
    assert.equal(emergency.step('blast_radius')?.skip?.cause, 'mode');
    assert.equal(emergency.step('sacrifice')?.status, 'succeeded');
    const thorough = await run({}, undefined, 'thorough');
    assert.equal(thorough.h.tools.callsTo('validate_schedule_by_id')[0]!.args['schedule_id'], 'S1');
    assert.equal(thorough.summary.status, 'completed', thorough.summary.reason);
  });

  it('defaults to the next week when no range is given', async () => {
    const { h } = await run({}, undefined, undefined, { today: '2026-03-25' });
    const args = h.tools.callsTo('generate_schedule')[0]!.args;
    assert.deepEqual([args['start_date'], args['end_date']], ['2026-03-30', '2026-04-05']);
  });

  it("defaults to the current schedule's first week when that schedule starts after next week (a program set up ahead)", async () => {
    const { h } = await run({}, undefined, undefined, { today: '2026-02-18' });
    const args = h.tools.callsTo('generate_schedule')[0]!.args;
    assert.deepEqual([args['start_date'], args['end_date']], ['2026-03-02', '2026-03-08']);
  });
});
