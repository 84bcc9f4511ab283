/** The run snapshot's fold: what a waiting step waits for. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptySnapshot, foldEvent, type StepSnapshot } from '../../../src/core/app/runSnapshot';
import type { ApprovalRequest } from '../../../src/core/engine/approval';
import type { InputRequest } from '../../../src/core/engine/inputPort';
import { ARG_NEEDS } from '../../../src/core/workflows/shared/argPlans';

const base = { runId: 'r1', at: 1 };
const started = {
  ...base,
  type: 'run_started',
  workflowId: 'resilience',
  workflowVersion: 1,
  title: 'R',
  mode: 'standard',
  inputs: {},
  scheduleId: 's',
  writes: false,
  resumed: false,
} as const;
const question: InputRequest = {
  runId: 'r1',
  workflowId: 'resilience',
  stepId: 'utilization',
  capability: 'check_utilization_threshold',
  need: ARG_NEEDS.required_blocks,
  question: 'needs required_blocks',
  requestedAt: 1,
};

describe('run snapshot: waiting steps', () => {
  it('says whether a waiting step waits for an answer or an approval, and forgets it once answered or finished', () => {
    const run = emptySnapshot(started, []);
    const step = (): StepSnapshot => run.phases[0]!.steps[0]!;
    foldEvent(run, { ...base, type: 'phase_started', phaseId: 'p', title: 'P' });
    foldEvent(run, { ...base, type: 'step_started', phaseId: 'p', stepId: 'utilization', kind: 'tool', writes: false });
    foldEvent(run, { ...base, type: 'input_requested', stepId: 'utilization', request: question });
    assert.deepEqual([step().state, step().waitingFor], ['waiting', 'input']);
    foldEvent(run, { ...base, type: 'input_answered', stepId: 'utilization', arg: 'required_blocks', answer: { value: 120, by: 'pat', at: 2 } });
    assert.deepEqual([step().state, step().waitingFor], ['running', undefined]);
    foldEvent(run, { ...base, type: 'approval_requested', stepId: 'utilization', request: {} as ApprovalRequest });
    assert.deepEqual([step().state, step().waitingFor], ['waiting', 'approval']);
    foldEvent(run, { ...base, type: 'run_finished', status: 'cancelled', durationMs: 3 });
    assert.deepEqual([step().state, step().waitingFor], ['failed', undefined]);
  });
});
