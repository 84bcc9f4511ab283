/**
 * The panel's state and how each host message changes it: a pure reducer (unit-tested under
 * Node), plus the pure selections the views draw (findings sorted and filtered, events
 * filtered). The DOM code only reads what these return.
 */
import type { StepSnapshot } from '../../core/app/runSnapshot';
import type { RunEvent } from '../../core/engine/events';
import type { Finding } from '../../core/workflows/shared/findings';
import type { EventFilter, FindingSortKey, PanelMessage, PanelState, PanelUiState } from '../runMessages';

/** The run states that can still change; every other state is final. */
const ONGOING: ReadonlySet<PanelState['run']['state']> = new Set(['queued', 'running', 'waiting']);

export function isFinished(run: Pick<PanelState['run'], 'state'>): boolean {
  return !ONGOING.has(run.state);
}

export function applyMessage(state: PanelState | null, message: PanelMessage): PanelState | null {
  switch (message.type) {
    case 'init':
      return message.state;
    case 'missing':
      return state;
    case 'approvals':
      return state && { ...state, pending: message.pending };
    case 'report':
      return (
        state && {
          ...state,
          report: message.report,
          pictures: message.pictures,
        }
      );
    case 'update': {
      if (!state || state.run.runId !== message.head.runId) return state;
      let phases = state.run.phases;
      if (message.phase) {
        const head = message.phase;
        phases = phases.some((p) => p.phaseId === head.phaseId)
          ? phases.map((p) => (p.phaseId === head.phaseId ? { ...head, steps: p.steps } : p))
          : [...phases, { ...head, steps: [] }];
      }
      if (message.step) phases = withStep(phases, message.step);
      return {
        ...state,
        live: message.live,
        // A run resumed in this window (after a reload) is no longer interrupted.
        interrupted: state.interrupted && !message.live,
        run: {
          ...state.run,
          ...message.head,
          phases,
          events: [...state.run.events, ...message.events],
        },
        ...(message.pictures ? { pictures: message.pictures } : {}),
      };
    }
  }
}

function withStep(phases: PanelState['run']['phases'], step: StepSnapshot): PanelState['run']['phases'] {
  const owner = phases.find((p) => p.phaseId === step.phaseId)
    ? phases
    : [
        ...phases,
        {
          phaseId: step.phaseId,
          title: step.phaseId,
          state: 'running' as const,
          warnings: [],
          steps: [],
        },
      ];
  return owner.map((p) => {
    if (p.phaseId !== step.phaseId) return p;
    const known = p.steps.some((s) => s.stepId === step.stepId);
    return {
      ...p,
      steps: known ? p.steps.map((s) => (s.stepId === step.stepId ? step : s)) : [...p.steps, step],
    };
  });
}

/** Where a step is in the plan: the graph and the Gantt strip redraw just that node. */
export function findStep(state: PanelState, stepId: string): StepSnapshot | undefined {
  for (const phase of state.run.phases) for (const step of phase.steps) if (step.stepId === stepId) return step;
  return undefined;
}

export const DEFAULT_UI: Omit<PanelUiState, 'runId'> = {
  selectedStep: null,
  findingSort: { key: 'severity', descending: false },
  findingFilter: { text: '', severity: 'all' },
  eventFilter: 'all',
};

/** Reads a saved UI state leniently: anything of the wrong shape falls back to the default. */
export function restoreUi(saved: unknown, runId: string): PanelUiState {
  const s = typeof saved === 'object' && saved !== null ? (saved as Partial<PanelUiState>) : {};
  const sortKeys: readonly FindingSortKey[] = ['severity', 'person', 'rule', 'measured', 'excess', 'window'];
  const filters: readonly EventFilter[] = ['all', 'failed', 'waiting', 'retried', 'cache'];
  return {
    runId,
    selectedStep: typeof s.selectedStep === 'string' ? s.selectedStep : null,
    findingSort:
      s.findingSort && sortKeys.includes(s.findingSort.key)
        ? {
            key: s.findingSort.key,
            descending: s.findingSort.descending === true,
          }
        : DEFAULT_UI.findingSort,
    findingFilter: {
      text: typeof s.findingFilter?.text === 'string' ? s.findingFilter.text : '',
      severity: typeof s.findingFilter?.severity === 'string' ? s.findingFilter.severity : 'all',
    },
    eventFilter: s.eventFilter && filters.includes(s.eventFilter) ? s.eventFilter : 'all',
  };
}

const SEVERITY_ORDER: Readonly<Record<string, number>> = {
  critical: 0,
  high: 1,
  medium: 2,
  low: 3,
};

function sortValue(f: Finding, key: FindingSortKey): string | number {
  switch (key) {
    case 'severity':
      return SEVERITY_ORDER[f.severity] ?? 9;
    case 'person':
      return f.person ?? f.subject ?? '';
    case 'rule':
      return f.ruleId ?? f.rule;
    case 'measured':
      return f.measured ?? Number.NEGATIVE_INFINITY;
    case 'excess':
      return f.excess ?? Number.NEGATIVE_INFINITY;
    case 'window':
      return f.window?.start ?? '';
  }
}

export function visibleFindings(findings: readonly Finding[], ui: Pick<PanelUiState, 'findingSort' | 'findingFilter'>): Finding[] {
  const text = ui.findingFilter.text.trim().toLowerCase();
  const shown = findings.filter(
    (f) =>
      (ui.findingFilter.severity === 'all' || f.severity === ui.findingFilter.severity) &&
      (text.length === 0 || [f.person, f.subject, f.rule, f.ruleId, f.message, f.suggestedFix].some((v) => v?.toLowerCase().includes(text))),
  );
  const { key, descending } = ui.findingSort;
  const sign = descending ? -1 : 1;
  return shown.sort((a, b) => {
    const x = sortValue(a, key);
    const y = sortValue(b, key);
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return sign * order || (SEVERITY_ORDER[a.severity] ?? 9) - (SEVERITY_ORDER[b.severity] ?? 9) || a.id.localeCompare(b.id);
  });
}

/** Which filter an event matches (an event can match none but "all"). */
export function eventMatches(event: RunEvent, filter: EventFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'failed':
      return (event.type === 'step_finished' && event.result.status === 'failed') || (event.type === 'run_finished' && (event.status === 'failed' || event.status === 'cancelled'));
    case 'waiting':
      return event.type === 'approval_requested' || event.type === 'approval_answered' || event.type === 'run_queued';
    case 'retried':
      return event.type === 'retry_scheduled' || (event.type === 'step_finished' && event.result.attempts > 1);
    case 'cache':
      return (
        event.type === 'cache_hit' || event.type === 'fallback_used' || (event.type === 'step_finished' && (event.result.source === 'cache' || event.result.source === 'fallback'))
      );
  }
}
