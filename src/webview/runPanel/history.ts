/** The run's event history, filterable (failed / waiting / retried / from cache); new events are appended in place. */
import type { RunEvent } from '../../core/engine/events';
import { runStateLabel } from '../../core/report/runState';
import type { EventFilter } from '../runMessages';
import { age, clock, custom, el, icon, section } from './dom';
import { eventMatches } from './state';

const FILTERS: { value: EventFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'failed', label: 'Failed' },
  { value: 'waiting', label: 'Waiting' },
  { value: 'retried', label: 'Retried' },
  { value: 'cache', label: 'From cache' },
];

/** One line per event, in words. */
export function describeEvent(e: RunEvent): string {
  switch (e.type) {
    case 'run_started':
      return `run started (${e.workflowId}, ${e.mode})${e.resumed ? ', resumed' : ''}`;
    case 'run_queued':
      return `queued behind ${e.behindRunId}`;
    case 'run_finished':
      return `run ${runStateLabel(e.status)}${e.reason ? `: ${e.reason}` : ''}`;
    case 'phase_started':
      return `phase ${e.title} started`;
    case 'phase_finished':
      return `phase ${e.phaseId} ${e.status}${e.confidence !== undefined ? ` (confidence ${e.confidence.toFixed(2)})` : ''}`;
    case 'step_started':
      return `${e.stepId} started${e.capability ? ` (${e.capability})` : ''}`;
    case 'progress':
      return `${e.stepId} progress ${e.progress}${e.total ? `/${e.total}` : ''}`;
    case 'retry_scheduled':
      return `${e.stepId} attempt ${e.attempt} failed (${e.error.kind}: ${e.error.message}); retry scheduled`;
    case 'cache_hit':
      return `${e.stepId} answered from cache (${age(e.ageMs)} old)`;
    case 'fallback_used':
      return `${e.stepId} fell back to ${e.fallback}: ${e.label} (${e.error.message})`;
    case 'step_finished':
      return `${e.stepId} ${e.result.status} (${e.result.source}${e.result.attempts > 1 ? `, ${e.result.attempts} attempts` : ''})${e.result.error ? `: ${e.result.error.message}` : ''}`;
    case 'approval_requested':
      return `${e.stepId} waits for approval: ${e.request.title}`;
    case 'approval_answered':
      return `${e.stepId} ${e.answer.approved ? 'approved' : 'rejected'} by ${e.answer.approver}${e.answer.reason ? `: ${e.answer.reason}` : ''}`;
    case 'input_requested':
      return `${e.stepId} needs input: ${e.request.need.arg}`;
    case 'input_answered':
      return `${e.stepId} got ${e.arg} = ${e.answer.value} from ${e.answer.by}`;
    case 'elicitation_answered':
      return `${e.stepId ?? `one of ${(e.inFlight ?? []).join(', ')}`}: ${e.server} asked for input (${e.mode === 'url' ? `a page on ${e.domain ?? 'an unknown site'}` : 'a form'}): ${e.action}`;
    case 'decision':
      return `decision in ${e.phaseId}: ${e.decision}: ${e.reason}`;
    default:
      return (e as { type: string }).type;
  }
}

function eventIcon(e: RunEvent): string {
  if (eventMatches(e, 'failed')) return 'error';
  if (eventMatches(e, 'waiting')) return 'bell';
  if (eventMatches(e, 'retried')) return 'debug-restart';
  if (eventMatches(e, 'cache')) return 'database';
  return 'circle-small';
}

export function eventRow(e: RunEvent): HTMLLIElement {
  return el('li', { cls: `event event-${e.type}` }, icon(eventIcon(e)), el('time', { text: clock(e.at) }), el('span', { text: describeEvent(e) }));
}

export function renderHistory(events: readonly RunEvent[], filter: EventFilter, setFilter: (filter: EventFilter) => void): HTMLElement {
  const group = custom('vscode-radio-group', { 'aria-label': 'Show events' });
  for (const f of FILTERS) {
    const radio = custom(
      'vscode-radio',
      {
        name: 'event-filter',
        value: f.value,
        label: f.label,
        ...(f.value === filter ? { checked: '' } : {}),
      },
      f.label,
    );
    radio.addEventListener('change', () => setFilter(f.value));
    group.append(radio);
  }
  const list = el('ol', { cls: 'history', attrs: { id: 'history-list', 'aria-live': 'polite' } }, ...events.filter((e) => eventMatches(e, filter)).map(eventRow));
  return section('history', `Event history (${events.length})`, group, list);
}

/** Appends the new events that pass the filter; the heading's count follows. */
export function appendEvents(events: readonly RunEvent[], filter: EventFilter, total: number): void {
  const list = document.getElementById('history-list');
  list?.append(...events.filter((e) => eventMatches(e, filter)).map(eventRow));
  const title = document.getElementById('history-title');
  if (title) title.textContent = `Event history (${total})`;
}
