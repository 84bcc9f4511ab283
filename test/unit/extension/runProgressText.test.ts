/**
 * The run progress notification's message: a question waiting for the user stays the
 * message until answered, even when another step finishes meanwhile; then the latest news.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../../src/core/engine/events';
import { RunProgressText } from '../../../src/extension/runProgressText';

const at = 0;
const runId = 'run-1';

function finished(stepId: string, title: string): RunEvent {
  return { type: 'step_finished', runId, phaseId: 'p1', stepId, result: { title } as never, at };
}

describe('run progress message', () => {
  it('keeps a waiting question as the message while another step finishes, then goes back to the news', () => {
    const text = new RunProgressText();
    assert.equal(text.next({ type: 'phase_started', runId, phaseId: 'p1', title: 'Phase 1 · Checks', at }), 'Phase 1 · Checks');
    assert.equal(text.next({ type: 'input_requested', runId, stepId: 'draft', request: { need: { arg: 'start_date' } } as never, at }), 'waiting for input: start_date');
    assert.equal(text.next(finished('equity', 'Workload equity')), undefined, 'still waiting: unchanged');
    assert.equal(text.current, 'waiting for input: start_date', 'what a report for the finished step says');
    assert.equal(text.next({ type: 'progress', runId, stepId: 'spc', progress: 1, message: 'week 3 of 13', at }), undefined);
    assert.equal(text.next({ type: 'input_answered', runId, stepId: 'draft', arg: 'start_date', answer: {} as never, at }), 'week 3 of 13');
    assert.equal(text.next(finished('spc', 'SPC on weekly hours')), 'done: SPC on weekly hours');
  });

  it('shows the first of several questions, and the next when it is answered or its step ends', () => {
    const text = new RunProgressText();
    text.next({ type: 'approval_requested', runId, stepId: 'consent', request: { title: 'Candidate consent' } as never, at });
    assert.equal(text.next({ type: 'input_requested', runId, stepId: 'other', request: { need: { arg: 'reason' } } as never, at }), undefined);
    assert.equal(text.next({ type: 'approval_answered', runId, stepId: 'consent', answer: {} as never, at }), 'waiting for input: reason');
    assert.equal(text.next(finished('other', 'Other')), 'done: Other', 'a step that ends unanswered waits no more');
  });

  it('ignores events that say nothing new', () => {
    const text = new RunProgressText();
    assert.equal(text.next({ type: 'progress', runId, stepId: 's', progress: 1, at }), undefined);
  });
});
