/** The run panel's reducer and selections (pure: they run under Node without a DOM). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAcgmeFinding } from '../../../src/core/app/panelData';
import type { RunSnapshot, StepSnapshot } from '../../../src/core/app/runSnapshot';
import type { RunEvent } from '../../../src/core/engine/events';
import type { Finding } from '../../../src/core/workflows/shared/findings';
import { isPanelRequest, type PanelState } from '../../../src/webview/runMessages';
import { applyMessage, eventMatches, isFinished, restoreUi, visibleFindings } from '../../../src/webview/runPanel/state';

const step = (stepId: string, phaseId: string, state: StepSnapshot['state'] = 'queued'): StepSnapshot => ({
  stepId,
  phaseId,
  title: stepId,
  kind: 'tool',
  writes: false,
  state,
  retries: [],
});

function run(): RunSnapshot {
  return {
    runId: 'r1',
    workflowId: 'compliance',
    workflowVersion: 1,
    title: 'Compliance',
    mode: 'standard',
    inputs: {},
    scheduleId: 's',
    writes: false,
    state: 'running',
    startedAt: 0,
    starts: 1,
    phases: [
      {
        phaseId: 'a',
        title: 'A',
        state: 'running',
        warnings: [],
        steps: [step('a1', 'a'), step('a2', 'a')],
      },
      {
        phaseId: 'b',
        title: 'B',
        state: 'queued',
        warnings: [],
        steps: [step('b1', 'b')],
      },
    ],
    approvals: [],
    questions: [],
    decisions: [],
    events: [],
  };
}

function initial(): PanelState {
  return {
    run: run(),
    live: true,
    interrupted: false,
    server: 'bundled',
    report: null,
    pictures: {
      heatMap: null,
      spc: [],
      utilization: null,
      unified: null,
      draftDiff: null,
      swap: null,
    },
    pending: [],
  };
}

const head = (state: PanelState, change: Partial<RunSnapshot> = {}) => {
  const { phases: _p, events: _e, ...rest } = { ...state.run, ...change };
  return rest;
};

const started: RunEvent = {
  type: 'step_started',
  runId: 'r1',
  phaseId: 'a',
  stepId: 'a2',
  kind: 'tool',
  writes: false,
  at: 5,
};

describe('run panel reducer', () => {
  it('replaces only the changed step and appends the new events', () => {
    const s0 = initial();
    const s1 = applyMessage(s0, {
      type: 'update',
      head: head(s0),
      live: true,
      step: { ...step('a2', 'a', 'running'), startedAt: 5 },
      events: [started],
    })!;
    assert.equal(s1.run.phases[0]!.steps[1]!.state, 'running');
    assert.equal(s1.run.phases[0]!.steps[0], s0.run.phases[0]!.steps[0], 'the untouched step is the same object');
    assert.equal(s1.run.phases[1], s0.run.phases[1], 'the untouched phase is the same object');
    assert.deepEqual(s1.run.events, [started]);
    assert.equal(s0.run.phases[0]!.steps[1]!.state, 'queued', 'the previous state is not mutated');
  });

  it('updates a phase head and keeps its steps; adds phases and steps it did not know (sub-workflows)', () => {
    const s0 = initial();
    const s1 = applyMessage(s0, {
      type: 'update',
      head: head(s0),
      live: true,
      phase: {
        phaseId: 'a',
        title: 'A',
        state: 'completed',
        warnings: ['w'],
        confidence: 0.8,
      },
      events: [],
    })!;
    assert.deepEqual([s1.run.phases[0]!.state, s1.run.phases[0]!.confidence, s1.run.phases[0]!.steps.length], ['completed', 0.8, 2]);
    const s2 = applyMessage(s1, {
      type: 'update',
      head: head(s1),
      live: true,
      step: step('sub/x', 'c', 'running'),
      events: [],
    })!;
    assert.deepEqual(
      s2.run.phases.map((p) => p.phaseId),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(
      s2.run.phases[2]!.steps.map((s) => s.stepId),
      ['sub/x'],
    );
  });

  it('takes the run head, liveness and pictures from an update; ignores another run and updates before init', () => {
    const s0 = initial();
    const s1 = applyMessage(s0, {
      type: 'update',
      head: head(s0, { state: 'completed', durationMs: 42 }),
      live: false,
      events: [],
      pictures: { ...s0.pictures, spc: [] },
    })!;
    assert.deepEqual([s1.run.state, s1.run.durationMs, s1.live], ['completed', 42, false]);
    assert.equal(
      applyMessage(s0, {
        type: 'update',
        head: head(s0, { runId: 'other' }),
        live: true,
        events: [started],
      }),
      s0,
    );
    assert.equal(
      applyMessage(null, {
        type: 'update',
        head: head(s0),
        live: true,
        events: [],
      }),
      null,
    );
  });

  it('tells a final run state from one that can still change (the page reports a finished run once drawn)', () => {
    for (const state of ['queued', 'running', 'waiting'] as const) assert.equal(isFinished({ state }), false, state);
    for (const state of ['completed', 'needs_review', 'blocked', 'failed', 'cancelled'] as const) assert.equal(isFinished({ state }), true, state);
  });

  it('a run resumed in this window is no longer shown as interrupted; an update of a run not live here keeps it so', () => {
    const s0 = { ...initial(), live: false, interrupted: true };
    const idle = applyMessage(s0, { type: 'update', head: head(s0), live: false, events: [] })!;
    assert.equal(idle.interrupted, true);
    const resumed = applyMessage(s0, { type: 'update', head: head(s0, { state: 'running' }), live: true, events: [] })!;
    assert.deepEqual([resumed.live, resumed.interrupted], [true, false]);
  });

  it('restores a saved UI state leniently', () => {
    assert.deepEqual(
      restoreUi(
        {
          selectedStep: 'a1',
          findingSort: { key: 'excess', descending: true },
          eventFilter: 'cache',
        },
        'r1',
      ),
      {
        runId: 'r1',
        selectedStep: 'a1',
        findingSort: { key: 'excess', descending: true },
        findingFilter: { text: '', severity: 'all' },
        eventFilter: 'cache',
      },
    );
    const fallback = restoreUi({ findingSort: { key: 'nope' }, eventFilter: 'bogus', selectedStep: 3 }, 'r2');
    assert.deepEqual([fallback.findingSort.key, fallback.eventFilter, fallback.selectedStep], ['severity', 'all', null]);
  });
});

describe('run panel selections', () => {
  const findings: Finding[] = [
    {
      id: 'f1',
      severity: 'medium',
      rule: 'credential_mismatch',
      ruleId: 'conflict.credential_mismatch',
      person: 'r-008',
      measured: 1,
      limit: 0,
      excess: 1,
      message: 'lacks procedures',
      sources: [],
    },
    {
      id: 'f2',
      severity: 'critical',
      rule: 'weekly_hours',
      ruleId: 'VI.F.1',
      person: 'r-009',
      measured: 81.5,
      limit: 80,
      excess: 1.5,
      message: 'averages 81.5 h',
      suggestedFix: 'cancel the moonlight shift',
      sources: [],
    },
    {
      id: 'f3',
      severity: 'critical',
      rule: 'rest',
      person: 'r-005',
      measured: 2,
      limit: 14,
      excess: 12,
      message: 'rest gap',
      sources: [],
    },
    {
      id: 'f4',
      severity: 'high',
      rule: 'coverage',
      subject: 'wards/night',
      message: 'understaffed',
      sources: [],
    },
  ];
  const ui = (over: Partial<Pick<ReturnType<typeof restoreUi>, 'findingSort' | 'findingFilter'>> = {}) => ({ ...restoreUi(undefined, 'r'), ...over });

  it('sorts by severity by default, and by any column both ways', () => {
    assert.deepEqual(
      visibleFindings(findings, ui()).map((f) => f.id),
      ['f2', 'f3', 'f4', 'f1'],
    );
    assert.deepEqual(
      visibleFindings(findings, ui({ findingSort: { key: 'excess', descending: true } })).map((f) => f.id),
      ['f3', 'f2', 'f1', 'f4'],
    );
    assert.deepEqual(
      visibleFindings(findings, ui({ findingSort: { key: 'person', descending: false } })).map((f) => f.id),
      ['f3', 'f1', 'f2', 'f4'],
    );
  });

  it('filters by severity and by text in person, rule, message or fix', () => {
    assert.deepEqual(
      visibleFindings(findings, ui({ findingFilter: { text: '', severity: 'critical' } })).map((f) => f.id),
      ['f2', 'f3'],
    );
    assert.deepEqual(
      visibleFindings(findings, ui({ findingFilter: { text: 'MOONLIGHT', severity: 'all' } })).map((f) => f.id),
      ['f2'],
    );
    assert.deepEqual(
      visibleFindings(findings, ui({ findingFilter: { text: 'wards', severity: 'all' } })).map((f) => f.id),
      ['f4'],
    );
  });

  it('puts ACGME requirements apart from local policy', () => {
    assert.deepEqual(
      findings.filter(isAcgmeFinding).map((f) => f.id),
      ['f2', 'f3'],
    );
  });

  it('filters events: failed, waiting, retried, from cache', () => {
    const base = { runId: 'r1', at: 1 };
    const result = (over: Record<string, unknown>) =>
      ({
        stepId: 's',
        phaseId: 'a',
        kind: 'tool',
        status: 'succeeded',
        source: 'live',
        attempts: 1,
        ...over,
      }) as never;
    const events: RunEvent[] = [
      {
        ...base,
        type: 'step_finished',
        phaseId: 'a',
        stepId: 's1',
        result: result({ status: 'failed' }),
      },
      {
        ...base,
        type: 'step_finished',
        phaseId: 'a',
        stepId: 's2',
        result: result({ attempts: 3 }),
      },
      {
        ...base,
        type: 'step_finished',
        phaseId: 'a',
        stepId: 's3',
        result: result({ source: 'cache' }),
      },
      {
        ...base,
        type: 'retry_scheduled',
        stepId: 's2',
        capability: 'c',
        attempt: 1,
        delayMs: 10,
        error: { kind: 'timeout', message: 't' },
      },
      {
        ...base,
        type: 'cache_hit',
        stepId: 's3',
        capability: 'c',
        ageMs: 1000,
      },
      {
        ...base,
        type: 'approval_requested',
        stepId: 's4',
        request: {} as never,
      },
      { ...base, type: 'run_finished', status: 'cancelled', durationMs: 1 },
    ];
    const pick = (filter: Parameters<typeof eventMatches>[1]) => events.flatMap((e, i) => (eventMatches(e, filter) ? [i] : []));
    assert.deepEqual(pick('all'), [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(pick('failed'), [0, 6]);
    assert.deepEqual(pick('retried'), [1, 3]);
    assert.deepEqual(pick('cache'), [2, 4]);
    assert.deepEqual(pick('waiting'), [5]);
  });

  it('accepts only well-formed requests from the webview', () => {
    assert.equal(isPanelRequest({ type: 'ready' }), true);
    assert.equal(isPanelRequest({ type: 'command', command: 'cancelRun' }), true);
    assert.equal(isPanelRequest({ type: 'command', command: 'workbench.action.quit' }), false);
    assert.equal(isPanelRequest({ type: 'nextAction', index: -1 }), false);
    assert.equal(isPanelRequest({ type: 'nextAction', index: 2 }), true);
    assert.equal(isPanelRequest('ready'), false);
    assert.equal(isPanelRequest({ type: 'openResource', uri: 'schedule://schedules/draft-1' }), true);
    assert.equal(isPanelRequest({ type: 'openResource', uri: 'file:///etc/passwd' }), false, 'only schedule:// resources');
    assert.equal(isPanelRequest({ type: 'openResource', uri: 42 }), false);
  });
});
