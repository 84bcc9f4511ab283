/**
 * Browser side of the run panel. The host sends the run once (`init`), then small updates;
 * each update replaces only the nodes it names (a step, a phase head, the header) and
 * appends new events, so the page never re-renders while a run streams. The UI's own state
 * (selected step, sorting, filters) is kept with setState, with the run's id, so the panel
 * serializer can reopen the same run after VS Code reloads.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode/codicons/dist/codicon.css';
import './runPanel.css';
import type { PanelCommand, PanelMessage, PanelRequest, PanelState, PanelUiState } from '../runMessages';
import { renderPictures } from './charts';
import { el } from './dom';
import { renderDrawer } from './drawer';
import { findingTables, renderAdvice, renderFindings, type FindingHandlers } from './findings';
import { renderGantt, renderGraph, updatePhaseHead, updateStepNode } from './graph';
import { renderActions, renderHeader, renderPending } from './header';
import { appendEvents, renderHistory } from './history';
import { applyMessage, findStep, isFinished, restoreUi } from './state';

interface VsCodeApi {
  postMessage(message: PanelRequest): void;
  getState(): unknown;
  setState(state: PanelUiState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;
let state: PanelState | null = null;
let ui: PanelUiState = restoreUi(vscode.getState(), '');

function command(name: PanelCommand): void {
  vscode.postMessage({ type: 'command', command: name });
}

function saveUi(): void {
  vscode.setState(ui);
}

function replace(id: string, node: HTMLElement | null): void {
  const existing = document.getElementById(id);
  if (existing && node) existing.replaceWith(node);
  else if (existing) existing.replaceChildren();
  else if (node) root.append(node);
}

function select(stepId: string | null): void {
  const previous = ui.selectedStep;
  ui = { ...ui, selectedStep: stepId };
  saveUi();
  if (!state) return;
  for (const id of [previous, stepId]) {
    const step = id ? findStep(state, id) : undefined;
    if (step) updateStepNode(step, step.stepId === stepId, select);
  }
  replace('drawer', drawer());
  if (stepId) document.getElementById('drawer')?.scrollIntoView({ block: 'nearest' });
}

function drawer(): HTMLElement {
  const s = state!;
  return renderDrawer(
    ui.selectedStep ? findStep(s, ui.selectedStep) : undefined,
    s.run.events,
    () => select(null),
    (uri) => vscode.postMessage({ type: 'openResource', uri }),
  );
}

function header(): HTMLElement {
  const s = state!;
  return el('div', { attrs: { id: 'top' } }, renderHeader(s), renderActions(s, command));
}

function pending(): HTMLElement {
  return el('div', { attrs: { id: 'pending' } }, renderPending(state!.pending, command));
}

const findingHandlers: FindingHandlers = {
  sortBy: (key) => {
    ui = {
      ...ui,
      findingSort: {
        key,
        descending: ui.findingSort.key === key ? !ui.findingSort.descending : false,
      },
    };
    saveUi();
    redrawFindingTables();
  },
  filter: (change) => {
    ui = { ...ui, findingFilter: { ...ui.findingFilter, ...change } };
    saveUi();
    redrawFindingTables();
  },
};

function findings(): HTMLElement {
  return renderFindings(state!.report, ui, findingHandlers);
}

/** Only the tables: the filter box keeps its focus and caret while typing, a sort button its focus. */
function redrawFindingTables(): void {
  const tables = document.getElementById('finding-tables');
  if (!tables || !state?.report) return;
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement.closest('th') : null;
  const column = focused?.cellIndex;
  const table = focused?.closest('table')?.querySelector('caption')?.textContent?.split(' (')[0];
  tables.replaceChildren(...findingTables(state.report.findings, ui, findingHandlers));
  if (column === undefined) return;
  const again = Array.from(tables.querySelectorAll('table')).find((t) => t.querySelector('caption')?.textContent?.startsWith(table ?? '\u0000'));
  (again?.querySelector(`thead th:nth-child(${column + 1}) button`) as HTMLElement | null)?.focus();
}

function advice(): HTMLElement {
  return renderAdvice(state!.report, (index) => vscode.postMessage({ type: 'nextAction', index })) ?? el('div', { attrs: { id: 'advice' } });
}

function history(): HTMLElement {
  return renderHistory(state!.run.events, ui.eventFilter, (filter) => {
    ui = { ...ui, eventFilter: filter };
    saveUi();
    replace('history', history());
  });
}

function skipLinks(): HTMLElement {
  const links: [string, string][] = [
    ['graph', 'Phases'],
    ['drawer', 'Step details'],
    ['findings', 'Findings'],
    ['advice', 'Next steps'],
    ['pictures', 'Pictures'],
    ['history', 'Events'],
  ];
  return el('nav', { cls: 'skip', attrs: { 'aria-label': 'Sections' } }, ...links.map(([id, label]) => el('a', { text: label, attrs: { href: `#${id}` } })));
}

function renderAll(): void {
  const s = state!;
  root.removeAttribute('aria-busy');
  root.replaceChildren(header(), skipLinks(), pending(), renderGraph(s.run, ui.selectedStep, select), drawer(), findings(), advice(), renderPictures(s.pictures), history());
}

/** Tells the host what the page now shows. */
function shown(): void {
  const s = state!;
  const pictures = Object.entries(s.pictures).flatMap(([name, value]) => (Array.isArray(value) ? (value.length > 0 ? [name] : []) : value ? [name] : []));
  const steps = Array.from(document.querySelectorAll('#graph .steps > li'));
  const stepStates: Record<string, number> = {};
  for (const li of steps) {
    const node = li.querySelector('button.step');
    const state = (node ? Array.from(node.classList) : []).find((c) => c.startsWith('state-'))?.slice('state-'.length) ?? 'unknown';
    stepStates[state] = (stepStates[state] ?? 0) + 1;
  }
  vscode.postMessage({
    type: 'shown',
    runId: s.run.runId,
    state: s.run.state,
    status: document.querySelector('#header .status')?.textContent?.trim() ?? '',
    steps: steps.length,
    stepStates,
    events: s.run.events.length,
    findings: document.querySelectorAll('#finding-tables tbody tr').length,
    pictures,
  });
}

function onMessage(message: PanelMessage): void {
  const before = state;
  state = applyMessage(state, message);
  switch (message.type) {
    case 'init':
      ui = restoreUi(ui.runId === message.state.run.runId ? ui : undefined, message.state.run.runId);
      saveUi();
      renderAll();
      shown();
      return;
    case 'missing':
      root.replaceChildren(
        el('p', {
          cls: 'banner',
          text: `Run ${message.runId}: ${message.reason}`,
        }),
      );
      return;
    case 'approvals':
      replace('pending', pending());
      replace('top', header());
      return;
    case 'report':
      replace('top', header());
      replace('findings', findings());
      replace('advice', advice());
      replace('pictures', renderPictures(message.pictures));
      shown();
      return;
    case 'update': {
      if (!state || state === before) return;
      replace('top', header());
      if (message.phase && !updatePhaseHead(message.phase)) replace('graph', renderGraph(state.run, ui.selectedStep, select));
      if (message.step && !updateStepNode(message.step, message.step.stepId === ui.selectedStep, select)) replace('graph', renderGraph(state.run, ui.selectedStep, select));
      document.getElementById('gantt')?.replaceChildren(renderGantt(state.run, select));
      if (message.step && message.step.stepId === ui.selectedStep) replace('drawer', drawer());
      if (message.events.length > 0) appendEvents(message.events, ui.eventFilter, state.run.events.length);
      if (message.pictures) replace('pictures', renderPictures(message.pictures));
      // The host learns that the last update of the run is drawn (before any report arrives).
      if (isFinished(state.run) && before && !isFinished(before.run)) shown();
      return;
    }
  }
}

window.addEventListener('message', (event: MessageEvent<PanelMessage>) => {
  if (typeof event.data !== 'object' || event.data === null || typeof event.data.type !== 'string') return;
  try {
    onMessage(event.data);
  } catch (error) {
    console.error('[run panel] could not show the message', error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
});
vscode.postMessage({ type: 'ready' });
