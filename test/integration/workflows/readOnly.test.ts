/**
 * The read-only workflows end to end: `sched-orch run compliance|resilience` over stdio
 * against dist/server.js with the sample program, in every mode, with the JSON contract,
 * the saved reports and the exit codes cron relies on.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { requireBuild, runJson, scratch, step, type RunJson } from '../../support/workflows/cli';

// The sample program's block runs 2027-01-04 .. 2027-01-31.
const TODAY = ['--today', '2027-01-04'];

before(requireBuild);

describe('run compliance (bundled server, sample program)', () => {
  for (const mode of ['quick', 'standard', 'audit']) {
    it(`${mode}: finds the sample's violations with their details and blocks deployment (exit 3)`, async () => {
      const state = scratch('compliance');
      const { code, json } = await runJson(['run', 'compliance', '--mode', mode, '--state-dir', state, ...TODAY]);
      const run = json as unknown as RunJson;
      assert.equal(code, 3, run.report.header.reason ?? '');
      assert.equal(run.workflow, 'compliance');
      assert.equal(run.mode, mode);
      assert.equal(run.status, 'blocked');
      assert.match(run.decision, /Do not deploy/);
      assert.ok(typeof run.confidence === 'number' && run.confidence > 0.7);
      const validate = step(run, 'validate')!;
      assert.deepEqual([validate.tool, validate.status, validate.source], ['validate_schedule_tool', 'succeeded', 'live']);
      assert.equal(step(run, 'validate_by_id')!.tool, 'validate_schedule_by_id_tool');
      const detailed = run.phases.find((p) => p.id === 'detailed')!;
      assert.equal(detailed.status, mode === 'quick' ? 'skipped' : 'completed');
      // The 80-hour breach of r-009: person, window, measured, limit, excess, suggested fix.
      const hours = run.report.findings.find((f) => f.rule === 'weekly_hours' && f.person === 'r-009')!;
      assert.equal(hours.severity, 'critical');
      assert.equal(hours.measured, 81.5);
      assert.equal(hours.limit, 80);
      assert.equal(hours.excess, 1.5);
      assert.match(hours.suggestedFix!, /r-009/);
      assert.ok(hours.window);
      for (const s of run.phases.flatMap((p) => p.steps)) {
        assert.ok(['live', 'cache', 'fallback', 'skipped'].includes(s.source), s.source);
        assert.equal(typeof s.attempts, 'number');
        assert.equal(typeof s.durationMs, 'number');
      }
      const files = (json as { reportFiles: { markdown: string; json: string } }).reportFiles;
      assert.ok(existsSync(files.json));
      const md = readFileSync(files.markdown, 'utf8');
      assert.match(md, /^# Compliance check: blocked/);
      assert.match(md, /## Findings/);
      assert.match(md, /\| critical \| 80 h\/week \(4-week average\) \(VI\.F\.1\) \| r-009 \|/);
      assert.ok(existsSync(`${state}/runs/${run.report.header.runId}.jsonl`), 'run history recorded');
    });
  }

  it('audit bypasses the cache; standard reuses fresh results', async () => {
    const state = scratch('compliance-cache');
    await runJson(['run', 'compliance', '--state-dir', state, ...TODAY]);
    const standard = (await runJson(['run', 'compliance', '--state-dir', state, ...TODAY])).json as unknown as RunJson;
    assert.equal(step(standard, 'validate')!.source, 'cache');
    const audit = (await runJson(['run', 'compliance', '--mode', 'audit', '--state-dir', state, ...TODAY])).json as unknown as RunJson;
    assert.equal(step(audit, 'validate')!.source, 'live');
  });

  it('a clean range completes (exit 0) and --schedule-id names the schedule validated by id', async () => {
    const state = scratch('compliance-clean');
    const { code, json } = await runJson([
      'run',
      'compliance',
      '--from',
      '2027-01-25',
      '--to',
      '2027-01-27',
      '--mode',
      'quick',
      '--schedule-id',
      'block-2027-01-04',
      '--state-dir',
      state,
      ...TODAY,
    ]);
    const run = json as unknown as RunJson;
    assert.ok(code === 0 || code === 2 || code === 3);
    assert.equal(run.report.header.schedule.id, 'block-2027-01-04');
    assert.equal(run.report.header.schedule.start, '2027-01-25');
  });
});

describe('run resilience (bundled server, sample program)', () => {
  it('quick: tier 1 and the unified index only', async () => {
    const { json } = await runJson(['run', 'resilience', '--mode', 'quick', '--state-dir', scratch('res'), ...TODAY]);
    const run = json as unknown as RunJson;
    assert.equal(step(run, 'utilization')!.source, 'live');
    assert.equal(step(run, 'contingency')!.status, 'skipped');
    assert.equal(step(run, 'unified')!.status, 'succeeded');
    assert.ok(['completed', 'needs_review'].includes(run.status));
  });

  it('standard: goes only as deep as the defense level asks', async () => {
    const { json } = await runJson(['run', 'resilience', '--state-dir', scratch('res'), ...TODAY]);
    const run = json as unknown as RunJson;
    const defense = run.report.metrics.find((m) => m.label === 'Defense level')!;
    const deeper = step(run, 'contingency')!.status === 'succeeded';
    assert.equal(deeper, Number(defense.value[0]) >= 3);
  });

  it('deep: every tier, early-warning tools in parallel, alerts gated by confidence', async () => {
    const { json, code } = await runJson(['run', 'resilience', '--mode', 'deep', '--state-dir', scratch('res'), ...TODAY]);
    const run = json as unknown as RunJson;
    for (const id of ['contingency', 'blast_radius', 'sacrifice', 'rt', 'contagion', 'precursors', 'spc', 'fire_danger', 'magnitude', 'creep_fatigue', 'hub_centrality']) {
      assert.equal(step(run, id)!.status, 'succeeded', id);
    }
    for (const alert of run.report.alerts) if (alert.severity === 'RED' && alert.status === 'confirmed') assert.ok(alert.confidence >= 0.85);
    assert.equal(code, run.status === 'completed' ? 0 : 2);
  });
});
