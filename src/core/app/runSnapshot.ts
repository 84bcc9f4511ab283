/**
 * What a host shows of one run at any moment: the run, its phases and their steps, folded
 * event by event from the engine's stream (or from a run's history file). The fold is a pure
 * function, so a snapshot rebuilt from a recorded history equals the one built live.
 */
import type { Confidence } from '../confidence/score';
import type { ApprovalAnswer, ApprovalRequest, ExceptionRecord } from '../engine/approval';
import type { JsonObject, WorkflowDefinition } from '../engine/definition';
import type { RunEvent } from '../engine/events';
import type { InputAnswer, InputRequest } from '../engine/inputPort';
import type { ErrorInfo, RunStatus, StepResult } from '../engine/results';

/** A step as a host shows it; `queued` until it starts, `waiting` while an approval is open. */
export type StepState = 'queued' | 'running' | 'waiting' | StepResult['status'];

/** A run's state: the engine's statuses plus the live ones. */
export type RunState = 'queued' | 'running' | 'waiting' | RunStatus;

export type PhaseState = 'queued' | 'running' | 'completed' | 'skipped' | 'stopped';

export interface StepSnapshot {
  stepId: string;
  phaseId: string;
  title: string;
  kind: StepResult['kind'];
  capability?: string;
  writes: boolean;
  state: StepState;
  /** While `state` is `waiting`: what a person is asked for (an approval, or an argument's value). */
  waitingFor?: 'approval' | 'input';
  startedAt?: number;
  progress?: { progress: number; total?: number; message?: string };
  /** Retries scheduled so far, newest last. */
  retries: { attempt: number; delayMs: number; error: ErrorInfo; at: number }[];
  /** "using cached result from 3.0 h ago", a fallback's label … */
  note?: string;
  /** The server task the step's call runs as (MCP tasks), once started. */
  taskId?: string;
  result?: StepResult;
}

export interface PhaseSnapshot {
  phaseId: string;
  title: string;
  state: PhaseState;
  confidence?: number;
  warnings: string[];
  steps: StepSnapshot[];
}

export interface ApprovalEntry {
  stepId: string;
  request: ApprovalRequest;
  answer?: ApprovalAnswer;
  exception?: ExceptionRecord;
}

/** A "needs input" question of a step and, once given, its answer. */
export interface InputEntry {
  stepId: string;
  request: InputRequest;
  answer?: InputAnswer;
}

export interface RunSnapshot {
  runId: string;
  workflowId: string;
  workflowVersion: number;
  title: string;
  mode: string;
  inputs: JsonObject;
  scheduleId: string;
  writes: boolean;
  state: RunState;
  reason?: string;
  confidence?: Confidence;
  startedAt: number;
  finishedAt?: number;
  durationMs?: number;
  /** How many times the run was started (1 + resumes). */
  starts: number;
  phases: PhaseSnapshot[];
  approvals: ApprovalEntry[];
  /** "Needs input" questions asked during the run (answered ones carry the answer). */
  questions: InputEntry[];
  /** The phase decisions, in order (gates and the phases' own rules). */
  decisions: Extract<RunEvent, { type: 'decision' }>[];
  /** Every event folded so far (progress ticks excluded), for event histories and reports. */
  events: RunEvent[];
}

/** What a fold changed, for node-level refresh: the run itself, or one phase, or one step. */
export type SnapshotChange = { runId: string; phaseId?: string; stepId?: string };

/** The phases and steps of a definition as `queued`, so a host shows the whole plan from the start. */
export function plannedPhases(definition: Pick<WorkflowDefinition, 'phases'>): PhaseSnapshot[] {
  return definition.phases.map((phase) => {
    const steps = phase.run === 'tiered' ? phase.tiers.flatMap((t) => t.steps) : phase.steps;
    return {
      phaseId: phase.id,
      title: phase.title,
      state: 'queued',
      warnings: [],
      steps: steps.map((s) => ({
        stepId: s.id,
        phaseId: phase.id,
        title: s.title ?? s.id,
        kind: s.kind,
        ...('capability' in s && typeof s.capability === 'string' ? { capability: s.capability } : {}),
        writes: 'writes' in s && s.writes === true,
        state: 'queued',
        retries: [],
      })),
    };
  });
}

export function emptySnapshot(start: Extract<RunEvent, { type: 'run_started' }>, phases: PhaseSnapshot[]): RunSnapshot {
  return {
    runId: start.runId,
    workflowId: start.workflowId,
    workflowVersion: start.workflowVersion,
    title: start.title,
    mode: start.mode,
    inputs: start.inputs,
    scheduleId: start.scheduleId,
    writes: start.writes,
    state: 'running',
    startedAt: start.at,
    starts: 0,
    phases,
    approvals: [],
    questions: [],
    decisions: [],
    events: [],
  };
}

function phaseOf(run: RunSnapshot, phaseId: string, title?: string): PhaseSnapshot {
  let phase = run.phases.find((p) => p.phaseId === phaseId);
  if (!phase) {
    phase = { phaseId, title: title ?? phaseId, state: 'queued', warnings: [], steps: [] };
    run.phases.push(phase);
  }
  return phase;
}

/** Sub-workflow steps (`<id>/<child>`) and steps a definition does not list are added on first sight. */
function stepOf(run: RunSnapshot, phaseId: string, stepId: string, seed: Partial<StepSnapshot> = {}): StepSnapshot {
  for (const p of run.phases) {
    const found = p.steps.find((s) => s.stepId === stepId);
    if (found) return found;
  }
  const step: StepSnapshot = { stepId, phaseId, title: stepId, kind: 'tool', writes: false, state: 'queued', retries: [], ...seed };
  phaseOf(run, phaseId).steps.push(step);
  return step;
}

function findStep(run: RunSnapshot, stepId: string): StepSnapshot | undefined {
  for (const p of run.phases) {
    const found = p.steps.find((s) => s.stepId === stepId);
    if (found) return found;
  }
  return undefined;
}

/**
 * Folds one event into the snapshot (mutating it) and says what changed. Progress ticks
 * update the step but are not kept in `events` (the history does not record them either).
 */
export function foldEvent(run: RunSnapshot, event: RunEvent): SnapshotChange {
  const runId = run.runId;
  if (event.type !== 'progress') run.events.push(event);
  switch (event.type) {
    case 'run_started':
      run.starts++;
      run.state = 'running';
      delete run.reason;
      delete run.finishedAt;
      delete run.durationMs;
      return { runId };
    case 'run_queued':
      run.state = 'queued';
      run.reason = `waiting for run ${event.behindRunId} to finish writing schedule ${event.scheduleId}`;
      return { runId };
    case 'run_finished':
      run.state = event.status;
      if (event.reason !== undefined) run.reason = event.reason;
      else delete run.reason;
      if (event.confidence) run.confidence = event.confidence;
      run.finishedAt = event.at;
      run.durationMs = event.durationMs;
      // Whatever was still running when the run ended did not finish.
      for (const p of run.phases) {
        if (p.state === 'running') p.state = 'stopped';
        for (const s of p.steps)
          if (s.state === 'running' || s.state === 'waiting') {
            s.state = 'failed';
            delete s.waitingFor;
          }
      }
      return { runId };
    case 'phase_started': {
      const phase = phaseOf(run, event.phaseId, event.title);
      phase.state = 'running';
      if (run.state === 'queued') run.state = 'running';
      return { runId, phaseId: event.phaseId };
    }
    case 'phase_finished': {
      const phase = phaseOf(run, event.phaseId);
      phase.state = event.status;
      if (event.confidence !== undefined) phase.confidence = event.confidence;
      phase.warnings = event.warnings;
      return { runId, phaseId: event.phaseId };
    }
    case 'step_started': {
      const step = stepOf(run, event.phaseId, event.stepId, {
        kind: event.kind,
        writes: event.writes,
        ...(event.capability !== undefined ? { capability: event.capability } : {}),
      });
      step.state = 'running';
      step.startedAt = event.at;
      step.retries = [];
      delete step.progress;
      delete step.note;
      delete step.taskId;
      delete step.result;
      return { runId, phaseId: step.phaseId, stepId: step.stepId };
    }
    case 'progress': {
      const step = findStep(run, event.stepId);
      if (!step) return { runId };
      step.progress = {
        progress: event.progress,
        ...(event.total !== undefined ? { total: event.total } : {}),
        ...(event.message !== undefined ? { message: event.message } : {}),
      };
      return { runId, phaseId: step.phaseId, stepId: step.stepId };
    }
    case 'task_started': {
      const step = findStep(run, event.stepId);
      if (!step) return { runId };
      step.taskId = event.taskId;
      step.note = `running as server task ${event.taskId}`;
      return { runId, phaseId: step.phaseId, stepId: step.stepId };
    }
    case 'elicitation_answered': {
      // Not knowing which call asked, no step is marked.
      const step = event.stepId !== undefined ? findStep(run, event.stepId) : undefined;
      if (!step) return { runId };
      step.note = `input requested by ${event.server}: ${event.action}`;
      return { runId, phaseId: step.phaseId, stepId: step.stepId };
    }
    case 'retry_scheduled': {
      const step = findStep(run, event.stepId);
      if (!step) return { runId };
      step.retries.push({ attempt: event.attempt, delayMs: event.delayMs, error: event.error, at: event.at });
      return { runId, phaseId: step.phaseId, stepId: step.stepId };
    }
    case 'cache_hit':
    case 'fallback_used': {
      const step = findStep(run, event.stepId);
      if (!step) return { runId };
      step.note = event.type === 'cache_hit' ? `from cache (${Math.round(event.ageMs / 60_000)} min old)` : event.label;
      return { runId, phaseId: step.phaseId, stepId: step.stepId };
    }
    case 'step_finished': {
      const step = stepOf(run, event.phaseId, event.stepId, { kind: event.result.kind, writes: event.result.writes });
      step.state = event.result.status;
      delete step.waitingFor;
      step.result = event.result;
      if (event.result.title) step.title = event.result.title;
      if (event.result.label) step.note = event.result.label;
      delete step.progress;
      return { runId, phaseId: step.phaseId, stepId: step.stepId };
    }
    case 'approval_requested': {
      run.approvals.push({ stepId: event.stepId, request: event.request });
      run.state = 'waiting';
      const step = findStep(run, event.stepId);
      if (step) waitFor(step, 'approval');
      return step ? { runId, phaseId: step.phaseId, stepId: step.stepId } : { runId };
    }
    case 'approval_answered': {
      const open = [...run.approvals].reverse().find((a) => a.stepId === event.stepId && !a.answer);
      if (open) {
        open.answer = event.answer;
        if (event.exception) open.exception = event.exception;
      }
      if (run.state === 'waiting') run.state = 'running';
      const step = findStep(run, event.stepId);
      if (step) stopWaiting(step);
      return step ? { runId, phaseId: step.phaseId, stepId: step.stepId } : { runId };
    }
    case 'input_requested': {
      run.questions.push({ stepId: event.stepId, request: event.request });
      const step = findStep(run, event.stepId);
      if (step) waitFor(step, 'input');
      return step ? { runId, phaseId: step.phaseId, stepId: step.stepId } : { runId };
    }
    case 'input_answered': {
      const open = [...run.questions].reverse().find((q) => q.stepId === event.stepId && q.request.need.arg === event.arg && !q.answer);
      if (open) open.answer = event.answer;
      const step = findStep(run, event.stepId);
      if (step) stopWaiting(step);
      return step ? { runId, phaseId: step.phaseId, stepId: step.stepId } : { runId };
    }
    case 'decision':
      run.decisions.push(event);
      return { runId, phaseId: event.phaseId };
  }
}

function waitFor(step: StepSnapshot, what: 'approval' | 'input'): void {
  step.state = 'waiting';
  step.waitingFor = what;
}

function stopWaiting(step: StepSnapshot): void {
  if (step.state !== 'waiting') return;
  step.state = 'running';
  delete step.waitingFor;
}

/** A run's snapshot rebuilt from its recorded events (a history file). */
export function snapshotFromHistory(events: readonly RunEvent[], definition?: Pick<WorkflowDefinition, 'phases'>): RunSnapshot {
  const start = events.find((e): e is Extract<RunEvent, { type: 'run_started' }> => e.type === 'run_started');
  if (!start) throw new Error('the run history has no run_started record');
  const run = emptySnapshot(start, definition ? plannedPhases(definition) : []);
  for (const event of events) foldEvent(run, event);
  return run;
}

/** The questions of a run nobody has answered yet (a step waits on each while its host asks). */
export function pendingQuestions(run: RunSnapshot): InputEntry[] {
  return run.questions.filter((q) => !q.answer && findStep(run, q.stepId)?.state === 'waiting');
}

/** The open approval of a run, if it waits for one. */
export function pendingApproval(run: RunSnapshot): ApprovalEntry | undefined {
  return run.state === 'waiting' ? [...run.approvals].reverse().find((a) => !a.answer) : undefined;
}
