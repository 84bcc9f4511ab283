/** The header (what ran, how it ended, how sure), the run's action buttons and an approval waiting inline. */
import { runStateLabel } from '../../core/report/runState';
import type { PanelCommand, PanelState, PendingApprovalView } from '../runMessages';
import { custom, duration, el, icon, levelColourClass, svg } from './dom';

const STATE_ICON: Readonly<Record<string, string>> = {
  queued: 'clock',
  running: 'sync',
  waiting: 'bell',
  completed: 'pass',
  succeeded: 'pass',
  skipped: 'debug-step-over',
  needs_review: 'warning',
  blocked: 'circle-slash',
  rejected: 'thumbsdown',
  refused: 'circle-slash',
  failed: 'error',
  cancelled: 'stop-circle',
};

export function stateIcon(state: string): HTMLSpanElement {
  return icon(STATE_ICON[state] ?? 'circle-outline', `state-${state}${state === 'running' ? ' codicon-modifier-spin' : ''}`);
}

export function stateLabel(state: string): string {
  return state.replace(/_/g, ' ');
}

/** A half-circle gauge of a value in [0, 1], in the level's colour. */
export function gauge(value: number | undefined, colour: string | undefined, label: string): SVGSVGElement {
  const r = 34;
  const cx = 42;
  const cy = 40;
  const v = value === undefined ? 0 : Math.max(0, Math.min(1, value));
  const angle = Math.PI * (1 - v);
  const x = cx + r * Math.cos(angle);
  const y = cy - r * Math.sin(angle);
  const root = svg('svg', {
    viewBox: '0 0 84 52',
    width: 84,
    height: 52,
    role: 'img',
    'aria-label': label,
    class: 'gauge',
  });
  root.append(
    svg('path', {
      d: `M ${cx - r} ${cy} A ${r} ${r} 0 0 1 ${cx + r} ${cy}`,
      class: 'gauge-track',
    }),
    ...(value === undefined
      ? []
      : [
          svg('path', {
            d: `M ${cx - r} ${cy} A ${r} ${r} 0 0 1 ${x.toFixed(2)} ${y.toFixed(2)}`,
            class: `gauge-value ${levelColourClass(colour)}`,
          }),
        ]),
    svg('text', { x: cx, y: cy - 4, 'text-anchor': 'middle', class: 'gauge-text' }, value === undefined ? '—' : value.toFixed(2)),
  );
  return root;
}

function fact(label: string, value: string | Node): HTMLElement {
  const dd = el('dd');
  dd.append(value);
  return el('div', { cls: 'fact' }, el('dt', { text: label }), dd);
}

export function renderHeader(state: PanelState): HTMLElement {
  const { run, report } = state;
  const confidence =
    report?.header.confidence ??
    (run.confidence
      ? {
          value: run.confidence.value,
          levelName: run.confidence.levelName,
          colour: run.confidence.colour,
        }
      : undefined);
  const decision = report?.header.decision ?? run.reason ?? run.decisions[run.decisions.length - 1]?.reason ?? '';
  // The run's own state, in the word every host uses (not the report's status for scripts).
  const status = el('span', { cls: `status status-${run.state}` }, stateIcon(run.state), document.createTextNode(` ${runStateLabel(run.state)}`));
  const elapsed = run.durationMs ?? (run.finishedAt ?? Date.now()) - run.startedAt;
  const facts = el(
    'dl',
    { cls: 'facts' },
    fact('Mode', run.mode),
    fact('Status', status),
    fact('Duration', duration(elapsed)),
    fact('Schedule', run.scheduleId || '—'),
    fact('Server', state.server),
    fact('Run', run.runId),
  );
  const gaugeBox = el(
    'div',
    { cls: 'confidence' },
    gauge(confidence?.value, confidence?.colour, confidence ? `Overall confidence ${confidence.value.toFixed(2)}, ${confidence.levelName}` : 'Overall confidence not known yet'),
    el('div', {
      cls: `confidence-label ${levelColourClass(confidence?.colour)}`,
      text: confidence ? `${confidence.levelName} (${confidence.colour})` : 'confidence pending',
    }),
  );
  const title = el('div', { cls: 'title' }, el('h1', { text: run.title }), el('p', { cls: 'decision', text: decision }));
  if (report?.header.headline && report.header.headline !== decision) title.append(el('p', { cls: 'muted', text: report.header.headline }));
  return el('header', { cls: 'run-header', attrs: { id: 'header' } }, gaugeBox, title, facts);
}

interface ActionSpec {
  command: PanelCommand;
  label: string;
  icon: string;
  secondary?: boolean;
}

/** Which buttons the run offers now. */
export function availableActions(state: PanelState): ActionSpec[] {
  const { run, live, interrupted, pending, report } = state;
  const actions: ActionSpec[] = [];
  if (pending.length > 0) actions.push({ command: 'approveRun', label: 'Approve…', icon: 'check' }, { command: 'rejectRun', label: 'Reject', icon: 'close', secondary: true });
  if (live)
    actions.push({
      command: 'cancelRun',
      label: 'Cancel run',
      icon: 'debug-stop',
      secondary: true,
    });
  const ended = !live && run.state !== 'running' && run.state !== 'waiting' && run.state !== 'queued';
  if (interrupted || (ended && ['failed', 'blocked', 'cancelled'].includes(run.state)))
    actions.push({
      command: 'resumeRun',
      label: 'Resume where it stopped',
      icon: 'debug-continue',
      secondary: true,
    });
  if (ended || interrupted)
    actions.push(
      { command: 'rerun', label: 'Re-run', icon: 'refresh', secondary: true },
      {
        command: 'rerunWithInputs',
        label: 'Re-run with edited inputs…',
        icon: 'edit',
        secondary: true,
      },
    );
  if (report)
    actions.push({
      command: 'exportReport',
      label: 'Export report…',
      icon: 'export',
      secondary: true,
    });
  return actions;
}

export function renderActions(state: PanelState, run: (command: PanelCommand) => void): HTMLElement {
  const bar = el('div', {
    cls: 'actions',
    attrs: { role: 'toolbar', 'aria-label': 'Run actions' },
  });
  for (const action of availableActions(state)) {
    const button = custom(
      'vscode-button',
      {
        icon: action.icon,
        ...(action.secondary ? { secondary: '' } : {}),
        'data-command': action.command,
      },
      action.label,
    );
    button.addEventListener('click', () => run(action.command));
    bar.append(button);
  }
  return bar;
}

/** An approval the run is waiting for, readable in place; the buttons ask in VS Code's own dialog. */
export function renderPending(pending: readonly PendingApprovalView[], run: (command: PanelCommand) => void): HTMLElement | null {
  const first = pending[0];
  if (!first) return null;
  const v = first.view;
  const box = el(
    'section',
    {
      cls: 'card pending',
      attrs: {
        id: 'approval',
        'aria-labelledby': 'approval-title',
        role: 'region',
      },
    },
    el('h2', { attrs: { id: 'approval-title' } }, icon('bell'), document.createTextNode(` Waiting for your approval: ${v.title}`)),
  );
  box.append(el('p', { text: v.summary }));
  if (v.changes)
    box.append(
      el('p', {
        text: `The draft adds ${v.changes.added ?? '?'} and removes ${v.changes.removed ?? '?'} assignment(s).`,
      }),
    );
  if (v.candidate)
    box.append(
      el('p', {
        text: `Swap partner: ${v.candidate.person} (${v.candidate.swapType === 'absorb' ? 'takes the shift' : `gives ${v.candidate.assignment ?? 'a shift'} in exchange`}; match ${v.candidate.matchScore.toFixed(2)})`,
      }),
    );
  if (v.writes.length > 0)
    box.append(
      el('p', {
        cls: 'muted',
        text: `Approving allows: ${v.writes.join(', ')}`,
      }),
    );
  if (v.blockingIssues.length > 0) {
    box.append(
      el('p', {
        cls: 'blocking',
        text: 'Blocking issues (approving is an override with a justification; an exception record is kept):',
      }),
    );
    box.append(el('ul', {}, ...v.blockingIssues.map((issue) => el('li', { text: issue }))));
  }
  if (v.checklist.length > 0) {
    box.append(
      el(
        'ul',
        { cls: 'checklist' },
        ...v.checklist.map((c) =>
          el('li', {}, icon(c.ok === true ? 'pass' : c.ok === false ? 'error' : 'question'), document.createTextNode(` ${c.item}${c.note ? ` (${c.note})` : ''}`)),
        ),
      ),
    );
  }
  const buttons = el('div', { cls: 'actions' });
  const approve = custom('vscode-button', { icon: 'check' }, 'Approve…');
  approve.addEventListener('click', () => run('approveRun'));
  const reject = custom('vscode-button', { icon: 'close', secondary: '' }, 'Reject');
  reject.addEventListener('click', () => run('rejectRun'));
  buttons.append(approve, reject);
  box.append(buttons);
  if (pending.length > 1)
    box.append(
      el('p', {
        cls: 'muted',
        text: `${pending.length - 1} more approval(s) waiting.`,
      }),
    );
  return box;
}
