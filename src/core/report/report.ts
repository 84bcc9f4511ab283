/**
 * The report of one run, as plain JSON: everything a reader needs to understand what ran,
 * what it found, what it decided and on what evidence — and what degraded on the way. The
 * Markdown rendering (markdown.ts) reads only this, so both always tell the same story.
 */
import type { Confidence } from '../confidence/score';
import { confidenceLevel } from '../confidence/levels';
import { placeholderMarker } from '../confidence/score';
import { describeProvenance, flagUsage } from '../engine/argPlanning';
import type { ApprovalAnswer, ExceptionRecord } from '../engine/approval';
import type { JsonObject } from '../engine/definition';
import type { EngineEvent } from '../engine/events';
import { PLACEHOLDER_PENALTY, type ResultSource, type RunStatus, type RunSummary, type SkipCause, type StepResult, type StepStatus } from '../engine/results';
import type { Finding } from '../workflows/shared/findings';
import type { WorkflowModule } from '../workflows/shared/module';
import type { NextAction } from '../workflows/shared/nextActions';
import { stepSource, type StepSource } from './stepSource';
import { uncertainView, uncertainWrites } from './uncertain';
import { viewOf, type Alert, type Metric, type Recommendation } from '../workflows/shared/outcome';
import { missingInputs } from '../workflows/shared/signals';

export const REPORT_FORMAT = 'sched-orch.report';

/** The statuses scripts and exit codes branch on (a rejected approval or a busy schedule is "blocked"); people read runStateLabel's word. */
export type ReportStatus = 'completed' | 'needs_review' | 'blocked' | 'failed' | 'cancelled';

export function reportStatus(status: RunStatus): ReportStatus {
  switch (status) {
    case 'completed':
    case 'needs_review':
    case 'blocked':
    case 'failed':
    case 'cancelled':
      return status;
    case 'rejected':
    case 'refused':
      return 'blocked';
    case 'running':
      return 'failed';
  }
}

export type ConfidenceView = { value: number; level: number; levelName: string; colour: string; reason: string };

function confidenceView(c: Confidence): ConfidenceView {
  return { value: c.value, level: c.level, levelName: c.levelName, colour: c.colour, reason: c.reason };
}

export type StepRow = {
  id: string;
  title: string;
  kind: StepResult['kind'];
  capability: string | null;
  /** The server's tool that answered (null when none did). */
  tool: string | null;
  status: StepStatus;
  source: StepSource;
  /** The engine's finer source (compute, human, none …). */
  origin: ResultSource;
  confidence: number;
  confidenceLevel: string;
  attempts: number;
  durationMs: number;
  /** "using cached result from 3.0 h ago", "Quick validation only", … */
  label: string | null;
  /** Why it did not run or failed. */
  note: string | null;
  /** Set when the step was skipped: by design (`mode`, `condition`, `branch`, `tier`) or not (`unavailable`, `failed`, …). */
  skipCause: SkipCause | null;
  writes: boolean;
  /** Where each planned argument of the call came from, e.g. "coverage_rate 0.94 from validate_schedule". */
  arguments: string[];
  /** For a `needs_input` step: the flags that would supply what was missing. */
  missingFlags: string[];
};

export type PhaseRow = {
  id: string;
  name: string;
  status: string;
  confidence: number | null;
  confidenceLevel: string | null;
  decision: string | null;
  warnings: string[];
  steps: StepRow[];
};

/** Steps the run never reached (it stopped first) are not degradations: the reason says why it stopped. */
export type DegradationKind =
  'cache' | 'fallback' | 'unavailable' | 'failed' | 'breaker' | 'timeout' | 'placeholder' | 'low_data' | 'dependency' | 'uncertain_write' | 'needs_input';

export type Degradation = { step: string; kind: DegradationKind; detail: string };

export type ApprovalRow = {
  step: string;
  title: string;
  summary: string;
  blockingIssues: string[];
  requestedAt: string;
  answer: (Omit<ApprovalAnswer, 'at'> & { at: string }) | null;
  exception: (Omit<ExceptionRecord, 'at'> & { at: string }) | null;
};

export type DecisionRow = { phase: string; source: 'confidence' | 'rule'; decision: string; status: string | null; reason: string; confidence: number | null };

export type BreakerRow = { capability: string; from: string; to: string; at: string };

export type Report = {
  format: typeof REPORT_FORMAT;
  version: 1;
  header: {
    runId: string;
    workflow: { id: string; title: string; version: number; safetyTier: 1 | 2 };
    mode: string;
    server: string;
    schedule: { id: string | null; start: string | null; end: string | null };
    startedAt: string;
    finishedAt: string;
    durationMs: number;
    status: ReportStatus;
    /** The engine's own status (e.g. `rejected`) when it differs from `status`. */
    engineStatus: RunStatus;
    reason: string | null;
    decision: string;
    headline: string;
    confidence: ConfidenceView | null;
  };
  inputs: JsonObject;
  metrics: Metric[];
  phases: PhaseRow[];
  findings: Finding[];
  alerts: Alert[];
  recommendations: Recommendation[];
  approvals: ApprovalRow[];
  exceptions: ApprovalRow['exception'][];
  decisions: DecisionRow[];
  degraded: Degradation[];
  breakers: BreakerRow[];
  /** What a person can do next, as data each host renders its own way. */
  nextActions: NextAction[];
  /** The same, in the words of the host that wrote the report. */
  nextSteps: string[];
  warnings: string[];
};

const iso = (ms: number) => new Date(ms).toISOString();

function note(r: StepResult): string | null {
  if (r.skip) return r.skip.reason;
  if (r.status === 'failed') return r.error?.message ?? 'failed';
  if (r.error && r.label) return `${r.label} after: ${r.error.message}`;
  return r.warnings[0] ?? null;
}

function stepRow(r: StepResult): StepRow {
  return {
    id: r.stepId,
    title: r.title ?? r.stepId,
    kind: r.kind,
    capability: r.capability ?? null,
    tool: r.tool ?? null,
    status: r.status,
    source: stepSource(r),
    origin: r.source,
    confidence: r.confidence.value,
    confidenceLevel: `${r.confidence.levelName} (${r.confidence.colour})`,
    attempts: r.attempts,
    durationMs: r.durationMs,
    label: r.label ?? null,
    note: note(r),
    skipCause: r.skip?.cause ?? null,
    writes: r.writes,
    arguments: (r.argProvenance ?? []).map(describeProvenance),
    missingFlags: (r.missingArgs ?? []).map(flagUsage),
  };
}

/** What went worse than a clean live answer, step by step, in words. */
export function degradations(steps: readonly StepResult[]): Degradation[] {
  const out: Degradation[] = [];
  for (const r of steps) {
    const id = r.stepId;
    const err = r.error;
    if (r.status === 'succeeded') {
      if (r.source === 'cache' && err) out.push({ step: id, kind: 'cache', detail: `${r.label ?? 'cached result'} (${err.kind}: ${err.message})` });
      if (r.source === 'fallback') out.push({ step: id, kind: 'fallback', detail: `${r.label ?? 'fallback'}${err ? ` (${err.kind}: ${err.message})` : ''}` });
      if (err?.kind === 'circuit_open') out.push({ step: id, kind: 'breaker', detail: err.message });
      else if (err?.kind === 'timeout' && r.source !== 'live') out.push({ step: id, kind: 'timeout', detail: err.message });
      const fake = r.data ? placeholderMarker(r.data) : undefined;
      if (fake) out.push({ step: id, kind: 'placeholder', detail: `placeholder data (${fake}): confidence 0` });
      const missing = r.data ? missingInputs(r.data) : [];
      if (missing.length > 0) out.push({ step: id, kind: 'low_data', detail: `computed without ${missing.join(', ')}` });
      continue;
    }
    const cause = r.skip?.cause;
    if (err?.kind === 'circuit_open') out.push({ step: id, kind: 'breaker', detail: err.message });
    else if (cause === 'unavailable') out.push({ step: id, kind: 'unavailable', detail: r.skip!.reason });
    else if (cause === 'needs_input') out.push({ step: id, kind: 'needs_input', detail: r.skip!.reason });
    else if (cause === 'uncertain_write')
      out.push({ step: id, kind: cause, detail: `outcome unknown${err ? ` after ${err.kind}: ${err.message}` : ': the run stopped while it was in flight'}` });
    else if (cause === 'dependency') out.push({ step: id, kind: cause, detail: r.skip!.reason });
    else if (cause === 'placeholder')
      out.push({ step: id, kind: 'placeholder', detail: `${r.skip!.reason}: excluded from the confidence, −${PLACEHOLDER_PENALTY.toFixed(2)} on the run's` });
    else if (cause === 'failed' || r.status === 'failed')
      out.push({ step: id, kind: err?.kind === 'timeout' ? 'timeout' : 'failed', detail: r.skip?.reason ?? err?.message ?? 'failed' });
  }
  return out;
}

export interface ReportInput {
  module: WorkflowModule;
  summary: RunSummary;
  /** Every event seen while the run ran (run-scoped ones of this run, and breaker changes). */
  events: readonly EngineEvent[];
  /** The server's identity (name, version, endpoint). */
  server: string;
  /** How this host writes a next action in text (the CLI: a command line); default: its label. */
  renderAction?: (action: NextAction) => string;
}

export function buildReport(input: ReportInput): Report {
  const { module, summary, events } = input;
  const def = module.definition;
  const own = events.filter((e) => !('runId' in e) || e.runId === summary.runId);
  const started = own.find((e): e is Extract<EngineEvent, { type: 'run_started' }> => e.type === 'run_started');
  const inputs = started?.inputs ?? {};
  const view = viewOf(summary.mode, inputs, summary.steps);
  const end = { status: summary.status, ...(summary.reason !== undefined ? { reason: summary.reason } : {}) };
  const workflowOutcome = module.outcome(view, end);
  // An unknown write outcome overrides what the workflow concluded from its other steps.
  const uncertain = uncertainView(uncertainWrites(summary.steps, inputs));
  const outcome = uncertain
    ? { ...workflowOutcome, headline: uncertain.headline, decision: uncertain.decision, nextActions: [...uncertain.nextActions, ...workflowOutcome.nextActions] }
    : workflowOutcome;

  const byPhase = new Map<string, StepResult[]>();
  for (const r of summary.steps) byPhase.set(r.phaseId, [...(byPhase.get(r.phaseId) ?? []), r]);
  const order = new Map<string, number>();
  def.phases.forEach((p) => {
    const ids = p.run === 'tiered' ? p.tiers.flatMap((t) => t.steps.map((s) => s.id)) : p.steps.map((s) => s.id);
    ids.forEach((sid) => order.set(sid, order.size));
  });
  const phases: PhaseRow[] = def.phases.map((p) => {
    const s = summary.phases.find((x) => x.phaseId === p.id);
    const steps = (byPhase.get(p.id) ?? []).sort((a, b) => (order.get(a.stepId) ?? 0) - (order.get(b.stepId) ?? 0)).map(stepRow);
    return {
      id: p.id,
      name: p.title,
      status: s?.status ?? 'not reached',
      confidence: s?.confidence ?? null,
      confidenceLevel: s?.confidence !== undefined ? levelOf(s.confidence) : null,
      decision: s?.decision ?? null,
      warnings: s?.warnings ?? [],
      steps,
    };
  });

  const approvals: ApprovalRow[] = [];
  for (const e of own) {
    if (e.type === 'approval_requested') {
      approvals.push({
        step: e.stepId,
        title: e.request.title,
        summary: e.request.summary,
        blockingIssues: e.request.blockingIssues,
        requestedAt: iso(e.request.requestedAt),
        answer: null,
        exception: null,
      });
    } else if (e.type === 'approval_answered') {
      const row = [...approvals].reverse().find((a) => a.step === e.stepId && a.answer === null);
      if (row) {
        row.answer = { ...e.answer, at: iso(e.answer.at) };
        if (e.exception) row.exception = { ...e.exception, at: iso(e.exception.at) };
      }
    }
  }
  const decisions: DecisionRow[] = own
    .filter((e): e is Extract<EngineEvent, { type: 'decision' }> => e.type === 'decision')
    .map((e) => ({ phase: e.phaseId, source: e.source, decision: e.decision, status: e.status ?? null, reason: e.reason, confidence: e.confidence ?? null }));
  const breakers: BreakerRow[] = own
    .filter((e): e is Extract<EngineEvent, { type: 'breaker_changed' }> => e.type === 'breaker_changed')
    .map((e) => ({ capability: e.capability, from: e.from, to: e.to, at: iso(e.at) }));
  const scope = view.data('scope');
  const scheduleId = typeof scope?.['schedule_id'] === 'string' ? scope['schedule_id'] : typeof inputs['schedule_id'] === 'string' ? inputs['schedule_id'] : null;

  return {
    format: REPORT_FORMAT,
    version: 1,
    header: {
      runId: summary.runId,
      workflow: { id: def.id, title: def.title, version: def.version, safetyTier: module.safetyTier },
      mode: summary.mode,
      server: input.server,
      schedule: {
        id: scheduleId,
        start: typeof scope?.['start_date'] === 'string' ? scope['start_date'] : null,
        end: typeof scope?.['end_date'] === 'string' ? scope['end_date'] : null,
      },
      startedAt: iso(summary.startedAt),
      finishedAt: iso(summary.finishedAt),
      durationMs: summary.durationMs,
      status: uncertain?.failed ? 'failed' : reportStatus(summary.status),
      engineStatus: summary.status,
      reason: uncertain?.reason ?? summary.reason ?? null,
      decision: outcome.decision,
      headline: outcome.headline,
      confidence: summary.confidence ? confidenceView(summary.confidence) : null,
    },
    inputs,
    metrics: outcome.metrics,
    phases,
    findings: outcome.findings,
    alerts: outcome.alerts,
    recommendations: outcome.recommendations,
    approvals,
    exceptions: approvals.map((a) => a.exception).filter((x) => x !== null),
    decisions,
    degraded: degradations(summary.steps),
    breakers,
    nextActions: outcome.nextActions,
    nextSteps: outcome.nextActions.map(input.renderAction ?? ((a) => a.label)),
    warnings: summary.warnings,
  };
}

function levelOf(value: number): string {
  const c = confidenceLevel(value);
  return `${c.name} (${c.colour})`;
}
