/** The JSON report and its Markdown rendering, built from real engine runs on the fake scheduler. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cell, renderMarkdown } from '../../../src/core/report/markdown';
import { buildReport, reportStatus } from '../../../src/core/report/report';
import { stepSource } from '../../../src/core/report/stepSource';
import { compliance } from '../../../src/core/workflows/compliance';
import { generation } from '../../../src/core/workflows/generation';
import { harness, load } from '../../support/engine/harness';
import { defineScheduler, WRITERS } from '../../support/workflows/fakeScheduler';

const VIOLATION = {
  severity: 'critical',
  rule_type: 'VI.F.1',
  rule_key: 'weekly_hours',
  person_id: 'r-03',
  window: { start: '2026-03-02T07:00', end: '2026-03-30T07:00' },
  measured: 86.5,
  limit: 80,
  excess: 6.5,
  unit: 'hours_per_week',
  message: 'r-03 | averages 86.5 h/week\n<script>x</script>',
  suggested_fix: 'Move the 2026-03-14 call of r-03 to r-05',
};

describe('report', () => {
  it('a compliance run: header, phases with sources and labels, findings, degradations, decisions', async () => {
    const h = await harness();
    defineScheduler(h.tools, { validate_schedule: { respond: () => ({ is_valid: false, issues: [VIOLATION] }) }, run_spc_analysis: null });
    const events: Parameters<typeof buildReport>[0]['events'][number][] = [];
    h.engine.subscribe((e) => events.push(e));
    const summary = await h.clock.run(h.engine.start(load(compliance.definition, [...WRITERS]), { inputs: { today: '2026-03-01' } }).result);
    const report = buildReport({ module: compliance, summary, events, server: 'fake-server 1.0' });

    assert.equal(report.format, 'sched-orch.report');
    assert.equal(report.header.status, 'blocked');
    assert.equal(report.header.workflow.safetyTier, 1);
    assert.deepEqual(report.header.schedule, { id: 'S1', start: '2026-03-02', end: '2026-03-29' });
    assert.equal(report.header.decision, 'Do not deploy: fix the blocking issues first');
    assert.ok(report.header.confidence && report.header.confidence.levelName.length > 0);
    assert.deepEqual(
      report.phases.map((p) => p.id),
      ['scope', 'acgme', 'detailed', 'advanced', 'synthesis'],
    );
    const validate = report.phases[1]!.steps.find((s) => s.id === 'validate')!;
    assert.deepEqual([validate.tool, validate.source, validate.attempts], ['validate_schedule_tool', 'live', 1]);
    assert.deepEqual(
      report.degraded.map((d) => [d.step, d.kind]),
      [['spc', 'unavailable']],
    );
    assert.equal(report.findings[0]!.excess, 6.5);
    assert.ok(report.decisions.some((d) => d.source === 'rule' && d.status === 'blocked'));
    assert.equal(report.inputs['today'], '2026-03-01');

    const md = renderMarkdown(report);
    assert.match(md, /^# Compliance check: blocked\n/);
    assert.match(md, /\| Confidence \| 0\.\d\d: level \d \w/);
    assert.match(md, /### Phase 1 · ACGME rules/);
    assert.match(
      md,
      /\| critical \| 80 h\/week \(4-week average\) \(VI\.F\.1\) \| r-03 \| 2026-03-02T07:00 – 2026-03-30T07:00 \| 86\.5 hours per week \| 80 \| 6\.5 \| Move the 2026-03-14 call/,
    );
    assert.match(md, /- `spc` \*\*unavailable\*\*/);
    assert.match(md, /None needed \(read-only workflow\)\./);
  });

  it('a generation run: approvals with exception records, and a rejected run shows as blocked', async () => {
    const h = await harness();
    defineScheduler(h.tools, {
      validate_schedule_by_id: { respond: (args) => (args['schedule_id'] === 'draft-1' ? { is_valid: false, issues: [VIOLATION] } : { is_valid: true, issues: [] }) },
    });
    h.approvals.enqueue({ approved: true, approver: 'pat', reason: 'ok' }, { approved: true, approver: 'pat', reason: 'ok', override: { justification: 'locum booked' } });
    const events: Parameters<typeof buildReport>[0]['events'][number][] = [];
    h.engine.subscribe((e) => events.push(e));
    const summary = await h.clock.run(
      h.engine.start(load(generation.definition, [...WRITERS]), { inputs: { start_date: '2026-03-30', end_date: '2026-04-05', today: '2026-03-25' } }).result,
    );
    const report = buildReport({ module: generation, summary, events, server: 'fake' });
    assert.equal(report.approvals.length, 2);
    assert.equal(report.exceptions.length, 1);
    assert.equal(report.exceptions[0]!.justification, 'locum booked');
    assert.match(report.header.decision, /^Published draft-1 under exception /);
    const md = renderMarkdown(report);
    assert.match(md, /- override justification: locum booked/);
    assert.match(md, /exception record `[^`]+` \(1 issue\(s\), approver pat\)/);

    assert.equal(reportStatus('rejected'), 'blocked');
    assert.equal(reportStatus('refused'), 'blocked');
    assert.equal(stepSource({ status: 'succeeded', source: 'compute' }), 'live');
    assert.equal(stepSource({ status: 'skipped', source: 'none' }), 'skipped');
  });

  it('escapes table cells: pipes, newlines and tags from server text', () => {
    assert.equal(cell('a | b\nc <script> 0.5 < 0.7'), 'a \\| b c &lt;script> 0.5 < 0.7');
    assert.equal(cell(null), '–');
    assert.equal(cell(0), '0');
  });
});
