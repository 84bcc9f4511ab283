/**
 * A server's request for input (MCP elicitation) is recorded in the history of the run whose
 * call it came during, on that call's step only. The degrading proxy asks before answering
 * get_schedule_status (the scope phase's one call: nothing else is in flight) and before
 * validate_schedule (in parallel with the validation by id); the CLI, without a terminal,
 * declines both.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { RunEvent } from '../../../src/core/engine/events';
import { noLatencyPenaltyPolicy, proxyCommand, requireBuild, runJson, scratch } from '../../support/workflows/cli';

before(requireBuild);

type Recorded = Extract<RunEvent, { type: 'elicitation_answered' }>;

function recorded(stateDir: string): Recorded[] {
  const runs = join(stateDir, 'runs');
  return readdirSync(runs)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(runs, f), 'utf8').split('\n'))
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RunEvent)
    .filter((e): e is Recorded => e.type === 'elicitation_answered');
}

describe('elicitation records', () => {
  it('each request is recorded once, on the step whose call it came during (or naming the calls it may belong to)', async () => {
    const dir = scratch('elicit-records');
    const state = join(dir, 'state');
    const server = proxyCommand(dir, { elicit: { get_schedule_status_tool: 'form', validate_schedule_tool: 'form' } });
    const { json } = await runJson(['run', 'compliance', '--mode', 'audit', '--today', '2027-01-04', '--state-dir', state, '--policy', noLatencyPenaltyPolicy(), ...server]);
    const steps = (json['phases'] as { steps: { id: string }[] }[]).flatMap((p) => p.steps.map((s) => s.id));
    const records = recorded(state);
    assert.deepEqual(
      records.map((r) => r.action),
      ['decline', 'decline'],
      `one record per request: ${JSON.stringify(records)}`,
    );
    const [status, validate] = records;
    assert.equal(status!.stepId, 'status', 'the only call in flight asked');
    assert.equal(status!.inFlight, undefined);
    if (validate!.stepId !== undefined) assert.equal(validate!.stepId, 'validate');
    else {
      const candidates = validate!.inFlight ?? [];
      assert.ok(candidates.includes('validate'), JSON.stringify(validate));
      assert.ok(candidates.every((id) => steps.includes(id)));
    }
  });
});
