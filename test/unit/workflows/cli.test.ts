/** The run command's pieces: options to inputs, the --json shape, approvals, the state directory. */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import type { ApprovalRequest } from '../../../src/core/engine/approval';
import { findWorkflow } from '../../../src/core/workflows/catalog';
import { demoApprovals, flagApprovals, promptApprovals, rejectingApprovals } from '../../../src/cli/approvals';
import { inputsFrom, localDate } from '../../../src/cli/commands/run';
import { resolveStateDir } from '../../../src/cli/stateDir';
import { runCli } from '../../../src/cli/cli';

const clock = { now: () => 1_000, sleep: async () => undefined };
const request = (blockingIssues: string[] = []): ApprovalRequest => ({
  runId: 'r',
  workflowId: 'generate',
  workflowTitle: 'Schedule generation',
  stepId: 'approval',
  title: 'Publish the draft',
  summary: 'Publish draft d-1',
  details: { checklist: [{ phase: '1', item: 'Baseline compliant', ok: true, note: '0 finding(s)' }] },
  blockingIssues,
  writes: ['publish_draft'],
  requestedAt: 0,
});

describe('run options', () => {
  it('map to the workflow’s inputs and reject options of another workflow', () => {
    const generate = findWorkflow('generate')!;
    assert.deepEqual(inputsFrom(generate, { from: '2027-01-04', to: '2027-01-10', tighten: true, 'time-limit-seconds': '20' }, '2026-11-24'), {
      today: '2026-11-24',
      start_date: '2027-01-04',
      end_date: '2027-01-10',
      time_limit_seconds: 20,
      tighten: true,
    });
    assert.throws(() => inputsFrom(generate, { requester: 'r-1' }, '2026-11-24'), /--requester applies to "run swap" only/);
    assert.throws(() => inputsFrom(findWorkflow('compliance')!, { 'available-faculty': 'six' }, '2026-11-24'), /--available-faculty must be a whole number/);
    assert.throws(() => inputsFrom(findWorkflow('compliance')!, { from: '2027-01-10', to: '2027-01-01' }, '2026-11-24'), /end_date 2027-01-01 is before start_date/);
    assert.throws(() => inputsFrom(findWorkflow('swap')!, { requester: 'r-1' }, '2026-11-24'), /assignment_id/);
    assert.throws(() => inputsFrom(findWorkflow('swap')!, { requester: 'r-1', 'assignment-id': 'a', from: '2027-01-01', to: '2027-01-02' }, '2026-11-24'), /drop --from\/--to/);
    assert.equal(localDate(new Date(2027, 0, 4, 23, 59).getTime()), '2027-01-04');
  });

  it('usage errors exit 1 before anything connects', async () => {
    let err = '';
    const io = { out: () => undefined, err: (t: string) => (err += t), env: {}, signal: new AbortController().signal };
    assert.equal(await runCli(['run', 'nonsense'], io), 1);
    assert.match(err, /unknown workflow "nonsense"/);
    assert.equal(await runCli(['run', 'compliance', '--mode', 'deep'], io), 1);
    assert.match(err, /workflow compliance has no mode "deep" \(modes: quick, standard, audit\)/);
    assert.equal(await runCli(['run', 'generate', '--approve'], io), 1);
    assert.match(err, /--approve needs --reason/);
    assert.equal(await runCli(['run', 'compliance', '--override', 'x'], io), 1);
  });
});

describe('approvals', () => {
  it('--approve answers every request; an override is attached only where there are blocking issues', async () => {
    const port = flagApprovals({ approve: true, reason: 'reviewed', override: 'locum' }, 'pat (sched-orch --approve)', clock);
    const plain = await port.request(request(), new AbortController().signal);
    assert.deepEqual(plain, { approved: true, approver: 'pat (sched-orch --approve)', reason: 'reviewed', at: 1_000 });
    const blocked = await port.request(request(['r-009 over 80 h']), new AbortController().signal);
    assert.deepEqual(blocked.override, { justification: 'locum' });
  });

  it('without a terminal and --approve every request is rejected, saying how to approve', async () => {
    const answer = await rejectingApprovals(clock).request(request(), new AbortController().signal);
    assert.equal(answer.approved, false);
    assert.match(answer.reason, /--approve --reason/);
  });

  it('the demo approver approves, labelled, but never overrides', async () => {
    const port = demoApprovals(clock);
    assert.equal((await port.request(request(), new AbortController().signal)).approver, 'demo approver (automatic)');
    assert.equal((await port.request(request(['x']), new AbortController().signal)).approved, false);
  });

  it('the terminal prompt: yes, override with a justification, anything else rejects', async () => {
    const ask = async (answers: string[], blocking: string[] = []) => {
      const input = new PassThrough();
      const output = new PassThrough();
      let shown = '';
      output.on('data', (d: Buffer) => (shown += d.toString()));
      const pending = promptApprovals(input, output, 'pat', clock).request(request(blocking), new AbortController().signal);
      for (const a of answers) input.write(`${a}\n`);
      return { answer: await pending, shown };
    };
    const yes = await ask(['y', '', 'looks right']);
    assert.deepEqual(yes.answer, { approved: true, approver: 'pat', reason: 'looks right', at: 1_000 });
    assert.match(yes.shown, /Approval needed: Publish the draft/);
    assert.match(yes.shown, /\[ok \] phase 1: Baseline compliant/);
    const override = await ask(['o', 'sam', 'ok', 'locum booked'], ['r-009 over 80 h']);
    assert.deepEqual(override.answer.override, { justification: 'locum booked' });
    assert.equal(override.answer.approver, 'sam');
    assert.match(override.shown, /Blocking issues/);
    assert.equal((await ask(['y', 'sam', 'ok'], ['r-009 over 80 h'])).answer.approved, false);
    assert.equal((await ask(['o', 'sam', 'ok', ''], ['x'])).answer.approved, false);
    assert.equal((await ask(['maybe', '', ''])).answer.approved, false);
  });
});

describe('state directory', () => {
  it('--state-dir, else $XDG_STATE_HOME/sched-orch, else ~/.local/state/sched-orch', () => {
    assert.match(resolveStateDir('rel/dir', {}), /rel\/dir$/);
    assert.equal(resolveStateDir(undefined, { XDG_STATE_HOME: '/x/state' }), '/x/state/sched-orch');
    assert.match(resolveStateDir(undefined, {}), /\.local\/state\/sched-orch$/);
  });
});
