/** Swap execution: ranking, the three-way branch (each path), approvals and the audit record. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { swapWorkflow } from '../../../src/core/workflows/swap';
import { rankCandidates, swapPath } from '../../../src/core/workflows/swapSelection';
import { harness, load } from '../../support/engine/harness';
import { candidates, defineScheduler, WRITERS } from '../../support/workflows/fakeScheduler';

const wf = load(swapWorkflow, [...WRITERS]);
const INPUTS = { assignment_id: 'a-1', requester: 'r-01', today: '2026-03-01' };
const APPROVE = { approved: true, approver: 'coordinator', reason: 'ok' };

async function run(overrides: Parameters<typeof defineScheduler>[1] = {}, answers = [APPROVE, APPROVE], inputs: Record<string, unknown> = INPUTS, mode?: string) {
  const h = await harness();
  defineScheduler(h.tools, overrides);
  h.approvals.enqueue(...answers);
  const summary = await h.clock.run(h.engine.start(wf, { inputs, ...(mode ? { mode } : {}) }).result);
  const writes = h.tools.calls.filter((c) => (WRITERS as readonly string[]).includes(c.capability)).map((c) => c.capability);
  return { h, summary, writes, step: (id: string) => summary.steps.find((s) => s.stepId === id) };
}

describe('ranking and branch', () => {
  it('ranks by match score x 1.5 for mutual benefit, the preferred candidate first', () => {
    const ranked = rankCandidates({ candidates: candidates(3) }, undefined);
    assert.deepEqual(
      ranked.map((c) => [c.person, c.sortKey.toFixed(2)]),
      [
        ['r-03', '1.20'],
        ['r-02', '0.90'],
        ['r-04', '0.70'],
      ],
    );
    assert.equal(rankCandidates({ candidates: candidates(3) }, 'r-04')[0]!.person, 'r-04');
    assert.deepEqual(rankCandidates({ candidates: [{ match_score: 1 }] }, undefined), []);
  });

  it('3 or more: automated, 1–2: manual, 0: escalate', () => {
    assert.deepEqual([0, 1, 2, 3, 7].map(swapPath), ['escalate', 'manual', 'manual', 'automated', 'automated']);
  });
});

describe('swap workflow', () => {
  it('automated path: assesses the top three, picks the best compliant one, executes with the expected version, audits', async () => {
    const { h, summary, writes, step } = await run({
      validate_swap: {
        respond: (args) =>
          args['target_person_id'] === 'r-03'
            ? { valid: false, errors: [{ code: 'RULE_VIOLATION', message: 'r-03 would average 82 h/week' }], warnings: [] }
            : { valid: true, errors: [], warnings: [] },
      },
    });
    assert.equal(summary.status, 'completed', summary.reason);
    assert.equal(step('route')?.data?.['branch'], 'automated');
    assert.equal(h.tools.callsTo('validate_swap').length, 3);
    assert.equal(step('preview_manual')?.skip?.cause, 'branch');
    assert.deepEqual(writes, ['request_swap', 'record_swap_consent', 'approve_swap', 'execute_swap']);
    assert.deepEqual(h.tools.callsTo('request_swap')[0]!.args, {
      actor: 'r-01',
      expected_data_version: 7,
      requester_id: 'r-01',
      assignment_id: 'a-1',
      swap_type: 'one_to_one',
      target_person_id: 'r-02',
      target_assignment_id: 'a-10',
    });
    assert.deepEqual(h.tools.callsTo('record_swap_consent')[0]!.args, {
      actor: 'coordinator',
      expected_data_version: 8,
      swap_id: 'sw-1',
      person_id: 'r-02',
      consent: true,
      notes: 'ok',
    });
    assert.deepEqual(h.tools.callsTo('approve_swap')[0]!.args, { actor: 'coordinator', expected_data_version: 9, swap_id: 'sw-1', approve: true, reason: 'ok' });
    assert.deepEqual(h.tools.callsTo('execute_swap')[0]!.args, { actor: 'coordinator', expected_data_version: 10, swap_id: 'sw-1' });
    const audit = step('audit')!.data!;
    assert.equal(audit['swap_id'], 'sw-1');
    assert.equal(audit['rollback_deadline'], '2026-03-06T10:00:00.000Z');
    assert.equal(audit['backup_id'], 'bk-1');
    assert.equal(audit['approved_by'], 'coordinator');
    assert.equal(h.approvals.requests.length, 2);
  });

  it('manual path (1–2 candidates): no automated assessment of alternatives, coordinator reviews the previewed swap', async () => {
    const { h, summary, step } = await run({ analyze_swap_candidates: { respond: () => ({ candidates: candidates(2) }) } });
    assert.equal(summary.status, 'completed', summary.reason);
    assert.equal(step('route')?.data?.['branch'], 'manual');
    assert.equal(step('impact_1')?.skip?.cause, 'branch');
    assert.equal(h.tools.callsTo('validate_swap').length, 1);
    const coordinator = h.approvals.requests[1]!;
    assert.match(coordinator.summary, /manual path, compliant/);
  });

  it('no candidates: escalates to the coordinator, asks nothing and writes nothing', async () => {
    const { h, summary, writes, step } = await run({ analyze_swap_candidates: { respond: () => ({ candidates: [] }) } });
    assert.equal(summary.status, 'needs_review');
    assert.match(summary.reason!, /escalated to the coordinator/);
    assert.equal(step('escalate')?.status, 'succeeded');
    assert.equal(h.approvals.requests.length, 0);
    assert.deepEqual(writes, []);
  });

  it('a rejected approval writes nothing', async () => {
    const rejected = await run({}, [APPROVE, { approved: false, approver: 'coordinator', reason: 'not now' }]);
    assert.equal(rejected.summary.status, 'rejected');
    assert.deepEqual(rejected.writes, []);
    const noConsent = await run({}, [{ approved: false, approver: 'r-02', reason: 'declined' }]);
    assert.equal(noConsent.summary.status, 'rejected');
    assert.equal(noConsent.h.approvals.requests.length, 1);
    assert.deepEqual(noConsent.writes, []);
  });

  it('no compliant candidate blocks the swap with the violation', async () => {
    const { summary, writes } = await run({
      validate_swap: { respond: () => ({ valid: false, errors: [{ code: 'BACK_TO_BACK', message: 'less than 14 h after call' }], warnings: [] }) },
    });
    assert.equal(summary.status, 'blocked');
    assert.match(summary.reason!, /no assessed candidate keeps the schedule compliant/);
    assert.deepEqual(writes, []);
  });

  it('request rules: someone else’s or a past assignment is rejected before candidates are searched', async () => {
    const other = await run({ get_assignments: { respond: () => ({ assignments: [{ assignment_id: 'a-1', person_id: 'r-09', date: '2026-03-20' }] }) } });
    assert.equal(other.summary.status, 'blocked');
    assert.match(other.summary.reason!, /belongs to r-09, not r-01/);
    assert.equal(other.h.tools.callsTo('analyze_swap_candidates').length, 0);
    const past = await run({}, [], { ...INPUTS, today: '2026-04-01' });
    assert.match(past.summary.reason!, /is in the past/);
  });

  it('without lookup tools the request cannot be verified: blocked by the 0.80 request gate', async () => {
    const { summary } = await run({ list_people: null, get_assignments: null });
    assert.equal(summary.status, 'blocked');
    assert.match(summary.reason!, /request validation >= 0.80 required/);
  });

  it('the candidate list is critical: without it the workflow stops with the reason', async () => {
    const { summary } = await run({ analyze_swap_candidates: null });
    assert.equal(summary.status, 'blocked');
    assert.match(summary.reason!, /Cannot proceed - Swap candidates unavailable/);
  });

  it('a failed execution (version conflict) blocks the run and is reported', async () => {
    const { summary, step } = await run({ execute_swap: { script: [{ error: 'tool_error', message: 'CONFLICT: data version 12, expected 10' }] } });
    assert.equal(summary.status, 'blocked');
    assert.match(summary.reason!, /CONFLICT/);
    assert.equal(step('audit')?.status, 'skipped');
  });
});
