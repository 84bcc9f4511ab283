/**
 * The writing workflows end to end over stdio against dist/server.js with the sample
 * program: generation in every mode (regenerating the published block's first week) and the
 * swap in every mode and on each of the seed's three paths; a rejected approval leaves the
 * schedule untouched, an override leaves an exception record.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { list, str } from '../../../src/core/workflows/shared/read';
import { addDays } from '../../../src/core/workflows/shared/scope';
import { noLatencyPenaltyPolicy, proxyCommand, requireBuild, runJson, scratch, step, type RunJson } from '../../support/workflows/cli';
import { findSwapRequest, withServer, type SwapRequest } from '../../support/workflows/swapRequest';

const APPROVE = ['--approve', '--reason', 'integration test', '--approver', 'coordinator (integration test)'];
let request: SwapRequest;
let policy: string;

before(async () => {
  requireBuild();
  request = await findSwapRequest([], 3);
  policy = noLatencyPenaltyPolicy();
});

/** Runs a workflow with the latency penalties off (noLatencyPenaltyPolicy says why). */
async function run(args: string[]): Promise<{ code: number | null; run: RunJson }> {
  const { code, json } = await runJson([...args, '--policy', policy]);
  return { code, run: json as unknown as RunJson };
}

/** The published schedule's version and its assignments in a range, read from a database file. */
async function published(db: string, start: string, end: string): Promise<{ dataVersion: unknown; updated: unknown; assignments: string[] }> {
  return withServer(['--db', db], async (call) => {
    const status = await call('get_schedule_status', {});
    const own = (list(status, 'schedules') ?? []).find((s) => str(s, 'id') === str(status, 'schedule_id'));
    const assignments = (list(await call('get_assignments', { start_date: start, end_date: end }), 'assignments') ?? []).map(
      (a) => `${str(a, 'assignment_id')}:${str(a, 'person_id')}`,
    );
    return { dataVersion: status['data_version'], updated: own?.['updated_version'], assignments: assignments.sort() };
  });
}

describe('run generate (bundled server, sample program)', () => {
  const week = () => ['--from', request.blockStart, '--to', addDays(request.blockStart, 6), '--today', request.blockStart];

  for (const mode of ['standard', 'express', 'thorough', 'emergency']) {
    it(`${mode}: baseline to publish, approved twice, published with the expected data version`, async () => {
      const { code, run: r } = await run(['run', 'generate', '--mode', mode, ...week(), '--state-dir', scratch('gen'), ...APPROVE]);
      assert.ok(r.status === 'completed' || r.status === 'needs_review', `${r.status}: ${r.report.header.reason}`);
      assert.equal(code, r.status === 'completed' ? 0 : 2);
      assert.equal(step(r, 'generate')!.tool, 'generate_schedule_tool');
      assert.equal(step(r, 'publish')!.status, 'succeeded');
      assert.match(r.decision, /^Published draft-/);
      assert.deepEqual(
        r.report.approvals.map((a) => [a.title, a.answer?.approved, a.answer?.approver]),
        [
          ['Create a draft schedule', true, 'coordinator (integration test)'],
          ['Publish the draft', true, 'coordinator (integration test)'],
        ],
      );
      assert.equal(step(r, 'contingency')!.status, mode === 'express' || mode === 'emergency' ? 'skipped' : 'succeeded');
      assert.equal(step(r, 'blast_radius')!.status, mode === 'emergency' ? 'skipped' : 'succeeded');
      assert.equal(step(r, 'validate_by_id')!.status, mode === 'thorough' ? 'succeeded' : 'skipped');
      assert.ok(r.report.nextSteps.some((s) => s.includes('rollback_publish')));
      // Phase 8 reports the notice the publish sent (the CLI is the connected client).
      assert.equal(step(r, 'notifications')!.tool, 'list_notifications_tool');
      assert.match(r.report.metrics.find((m) => m.label === 'Notifications')?.value ?? '', /^1 sent to coordinators, .* \(1 delivered\)$/);
    });
  }

  it('without --approve and without a terminal the draft approval is rejected: nothing is written (exit 3)', async () => {
    const db = join(scratch('gen-reject'), 'program.db');
    const start = request.blockStart;
    const end = addDays(start, 6);
    const beforeRun = await published(db, start, end);
    const { code, run: r } = await run(['run', 'generate', '--from', start, '--to', end, '--today', start, '--db', db, '--state-dir', scratch('gen-reject-state')]);
    assert.equal(code, 3);
    assert.equal(r.status, 'blocked');
    assert.equal(r.report.header.engineStatus, 'rejected');
    assert.match(r.report.approvals[0]!.answer!.reason, /no terminal .* --approve --reason/);
    assert.equal(step(r, 'generate')!.status, 'skipped');
    assert.deepEqual(await published(db, start, end), beforeRun);
  });

  it('a draft that breaks a rule is not published without an override; an override leaves an exception record', async () => {
    const dir = scratch('gen-override');
    const db = join(dir, 'program.db');
    const start = request.blockStart;
    const end = addDays(start, 6);
    const violation = {
      severity: 'critical',
      rule_type: 'VI.F.1',
      message: 'r-009 averages 81.5 h/week over 4 weeks',
      constraint_name: 'weekly_hours: 80 hours per week averaged over 4 weeks',
      affected_entity_ref: 'r-009',
      date_context: `${start}..${addDays(start, 27)}`,
      details: { measured: 81.5, limit: 80, excess: 1.5, unit: 'hours_per_week' },
      suggested_action: 'remove 6 h from r-009',
    };
    const server = proxyCommand(dir, { draftViolations: [violation], serverArgs: ['--db', db] });
    const args = ['run', 'generate', '--from', start, '--to', end, '--today', start, '--state-dir', join(dir, 'state'), ...server];
    const beforeRun = await published(db, start, end);

    const refused = await run([...args, ...APPROVE]);
    assert.equal(refused.code, 3);
    assert.equal(refused.run.report.header.engineStatus, 'rejected');
    assert.match(refused.run.report.header.reason!, /needs an override justification/);
    const publishRequest = refused.run.report.approvals.find((a) => a.title === 'Publish the draft')!;
    assert.equal(publishRequest.blockingIssues.length, 1);
    const hours = refused.run.report.findings.find((f) => f.rule === 'weekly_hours' && f.person === 'r-009')!;
    assert.deepEqual([hours.measured, hours.limit, hours.excess, hours.suggestedFix], [81.5, 80, 1.5, 'remove 6 h from r-009']);
    assert.ok(refused.run.report.nextSteps.some((s) => /--tighten/.test(s)) && refused.run.report.nextSteps.some((s) => /Override/.test(s)));
    const afterRefusal = await published(db, start, end);
    assert.deepEqual([afterRefusal.updated, afterRefusal.assignments], [beforeRun.updated, beforeRun.assignments], 'only a draft was written');

    const justification = 'locum covers r-009 on 2027-01-28; PD signed off';
    const overridden = await run([...args, ...APPROVE, '--override', justification]);
    assert.ok(['completed', 'needs_review'].includes(overridden.run.status), overridden.run.report.header.reason ?? '');
    assert.equal(step(overridden.run, 'publish')!.status, 'succeeded');
    const [exception] = overridden.run.report.exceptions;
    assert.equal(exception?.justification, justification);
    assert.equal(exception?.approver, 'coordinator (integration test)');
    assert.match(overridden.run.decision, /under exception/);
    const history = readFileSync(join(dir, 'state', 'runs', `${overridden.run.report.header.runId}.jsonl`), 'utf8');
    assert.match(history, new RegExp(`"justification":"${justification}"`));
    const markdown = readFileSync((overridden.run as unknown as { reportFiles: { markdown: string } }).reportFiles.markdown, 'utf8');
    assert.match(markdown, /exception record `[^`]+`/);
  });
});

describe('run swap (bundled server, sample program)', () => {
  const swapArgs = () => ['--assignment-id', request.assignmentId, '--requester', request.requester, '--today', request.blockStart];

  for (const mode of ['express', 'standard', 'audit']) {
    it(`${mode}: automated path (${'3+'} candidates), consent and approval, executed with the expected version, audited`, async () => {
      const { code, run: r } = await run(['run', 'swap', '--mode', mode, ...swapArgs(), '--state-dir', scratch('swap'), ...APPROVE]);
      assert.equal(r.status, 'completed', r.report.header.reason ?? '');
      assert.equal(code, 0);
      assert.ok(r.report.metrics.some((m) => m.label === 'Path' && m.value === 'automated'));
      for (const id of ['impact_1', 'impact_2', 'impact_3', 'request', 'consent_record', 'approve', 'execute', 'audit']) assert.equal(step(r, id)!.status, 'succeeded', id);
      assert.equal(step(r, 'impact_conflicts')!.status, mode === 'express' ? 'skipped' : 'succeeded');
      assert.match(r.decision, /^Executed swap swap-.*rollback possible until /);
      assert.ok(r.report.nextSteps[0]!.includes('rollback_swap'));
    });
  }

  it('manual path (1–2 candidates): the coordinator reviews the previewed swap', async () => {
    const dir = scratch('swap-manual');
    const { run: r } = await run(['run', 'swap', ...swapArgs(), '--state-dir', join(dir, 'state'), ...proxyCommand(dir, { maxCandidates: 2 }), ...APPROVE]);
    assert.equal(r.status, 'completed', r.report.header.reason ?? '');
    assert.ok(r.report.metrics.some((m) => m.label === 'Path' && m.value === 'manual'));
    assert.equal(step(r, 'impact_1')!.status, 'skipped');
    assert.equal(step(r, 'preview_manual')!.status, 'succeeded');
    assert.match(r.report.approvals[1]!.summary, /manual path/);
  });

  it('no candidates: escalated to the coordinator, nothing asked or written (exit 2)', async () => {
    const dir = scratch('swap-escalate');
    const { code, run: r } = await run(['run', 'swap', ...swapArgs(), '--state-dir', join(dir, 'state'), ...proxyCommand(dir, { maxCandidates: 0 }), ...APPROVE]);
    assert.equal(code, 2);
    assert.match(r.report.header.reason!, /escalated to the coordinator/);
    assert.equal(r.report.approvals.length, 0);
    assert.equal(step(r, 'request')!.status, 'skipped');
  });

  it('a rejected approval leaves the schedule untouched', async () => {
    const db = join(scratch('swap-reject'), 'program.db');
    const beforeRun = await published(db, request.date, request.date);
    const { code, run: r } = await run(['run', 'swap', ...swapArgs(), '--db', db, '--state-dir', scratch('swap-reject-state')]);
    assert.equal(code, 3);
    assert.equal(r.report.header.engineStatus, 'rejected');
    assert.equal(step(r, 'request')!.status, 'skipped');
    const afterRun = await published(db, request.date, request.date);
    assert.deepEqual(afterRun, beforeRun);
    assert.ok(afterRun.assignments.includes(`${request.assignmentId}:${request.requester}`));
  });
});
