/** `sched-orch demo` (npm start / npm run demo): the four workflows on the bundled server, headless. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { noLatencyPenaltyPolicy, requireBuild, runCli, runJson, scratch, type RunJson } from '../../support/workflows/cli';

/**
 * The draft's validation must reach 0.90 to publish, and a call slower than its 100 ms SLA
 * loses 0.05: on a loaded test machine wall-clock latency alone would decide these tests.
 * Latency penalties have their own unit tests; here they are switched off.
 */
let noLatencyPenalty: string;

before(() => {
  requireBuild();
  noLatencyPenalty = noLatencyPenaltyPolicy();
});

describe('sched-orch demo', () => {
  it('runs compliance, resilience, generation and a swap; the writes approved by the labelled demo approver', async () => {
    const { code, json } = await runJson(['demo', '--state-dir', scratch('demo'), '--policy', noLatencyPenalty]);
    assert.equal(code, 0);
    const runs = (json as { runs: RunJson[] }).runs;
    assert.deepEqual(
      runs.map((r) => r.workflow),
      ['compliance', 'resilience', 'generate', 'swap'],
    );
    const [check, , generate, swap] = runs as [RunJson, RunJson, RunJson, RunJson];
    assert.equal(check.status, 'blocked', 'the sample block has violations');
    assert.match(generate.decision, /^Published draft-/);
    assert.match(swap.decision, /^Executed swap /);
    for (const r of [generate, swap]) {
      assert.ok(r.report.approvals.length === 2 && r.report.approvals.every((a) => a.answer?.approved && a.answer.approver === 'demo approver (automatic)'));
    }
  });

  it('prints what a person wants to see first: per workflow the decision, confidence, phases, then a summary', async () => {
    const { code, stdout, stderr } = await runCli(['demo', '--state-dir', scratch('demo-text'), '--policy', noLatencyPenalty]);
    assert.equal(code, 0, stderr);
    for (const title of ['Compliance check', 'Resilience assessment', 'Schedule generation', 'Swap execution'])
      assert.match(stdout, new RegExp(`${title} +(COMPLETED|NEEDS REVIEW|BLOCKED|REJECTED|REFUSED)`));
    assert.match(stdout, /Decision: +Published draft-/);
    assert.match(stdout, /Confidence: \d\.\d\d level \d/);
    assert.match(stdout, /Summary \(/);
    assert.match(stderr, /approved by demo approver \(automatic\)/);
    assert.doesNotMatch(stdout, /\u001b\[/, 'no colour when not on a terminal');
  });
});
