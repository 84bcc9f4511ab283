/**
 * The phase graph (phases in order, their steps side by side when they run in parallel) and
 * the Gantt strip of the steps. Each step node has a stable id so an update replaces just
 * that node; the strip is redrawn whole (one small SVG) because its time scale moves.
 */
import type { PhaseSnapshot, RunSnapshot, StepSnapshot } from '../../core/app/runSnapshot';
import type { PhaseHead } from '../runMessages';
import { age, duration, el, levelColourClass, section, svg } from './dom';
import { stateIcon, stateLabel } from './header';

const WAITING_TEXT = { approval: 'waiting for approval', input: 'waiting for an answer' } as const;

/** Where a step's result came from, in a few words (live, cache from 3 min ago, fallback, skipped and why). */
export function sourceText(step: StepSnapshot): string {
  const r = step.result;
  if (!r) return step.state === 'running' ? 'running' : step.state === 'waiting' ? WAITING_TEXT[step.waitingFor ?? 'approval'] : 'not started';
  if (r.status === 'skipped') return `skipped${r.skip ? `: ${r.skip.reason}` : ''}`;
  if (r.status === 'failed') return `failed${r.error ? `: ${r.error.kind}` : ''}`;
  switch (r.source) {
    case 'cache':
      return r.cacheAgeMs !== undefined ? `cache, ${age(r.cacheAgeMs)} old` : 'cache';
    case 'fallback':
      return r.label ? `fallback: ${r.label}` : 'fallback';
    case 'compute':
      return 'computed';
    case 'human':
      return 'human decision';
    default:
      return r.source;
  }
}

/** State classes shared by a step's node and its timeline bar. */
function stepClass(step: StepSnapshot): string {
  const r = step.result;
  const source = r?.status === 'succeeded' && (r.source === 'cache' || r.source === 'fallback') ? ` from-${r.source}` : '';
  return `state-${r?.status ?? step.state}${source}`;
}

export function stepNode(step: StepSnapshot, selected: boolean, select: (stepId: string) => void): HTMLLIElement {
  const r = step.result;
  const state = r?.status ?? step.state;
  const button = el(
    'button',
    {
      cls: `step ${stepClass(step)}`,
      attrs: {
        type: 'button',
        'aria-pressed': String(selected),
        'data-step': step.stepId,
        title: `${step.title} (${step.stepId})`,
      },
    },
    stateIcon(state),
    el('span', { cls: 'step-title', text: step.title }),
  );
  const meta = el('span', { cls: 'step-meta' });
  if (r && r.status === 'succeeded')
    meta.append(
      el('span', {
        cls: `chip ${levelColourClass(r.confidence.colour)}`,
        text: r.confidence.value.toFixed(2),
      }),
    );
  meta.append(el('span', { cls: 'muted', text: sourceText(step) }));
  if (r) meta.append(el('span', { cls: 'muted', text: duration(r.durationMs) }));
  else if (step.progress)
    meta.append(
      el('span', {
        cls: 'muted',
        text: step.progress.total ? `${step.progress.progress}/${step.progress.total}` : `${step.progress.progress}`,
      }),
    );
  if (step.retries.length > 0)
    meta.append(
      el('span', {
        cls: 'chip warn',
        text: `${step.retries.length} retr${step.retries.length === 1 ? 'y' : 'ies'}`,
      }),
    );
  button.append(meta);
  button.addEventListener('click', () => select(step.stepId));
  return el(
    'li',
    {
      attrs: {
        id: `step-${step.stepId}`,
        'aria-label': `${step.title}: ${stateLabel(state)}`,
      },
    },
    button,
  );
}

export function phaseHeadNode(phase: PhaseHead): HTMLElement {
  const head = el(
    'div',
    { cls: 'phase-head', attrs: { id: `phase-head-${phase.phaseId}` } },
    stateIcon(phase.state === 'stopped' ? 'blocked' : phase.state),
    el('h3', { text: phase.title }),
  );
  if (phase.confidence !== undefined) head.append(el('span', { cls: 'chip', text: phase.confidence.toFixed(2) }));
  for (const warning of phase.warnings) head.append(el('p', { cls: 'phase-warning', text: warning }));
  return head;
}

function phaseNode(phase: PhaseSnapshot, selected: string | null, select: (stepId: string) => void): HTMLElement {
  return el(
    'li',
    {
      cls: `phase phase-${phase.state}`,
      attrs: { id: `phase-${phase.phaseId}` },
    },
    phaseHeadNode(phase),
    el('ul', { cls: 'steps', attrs: { id: `steps-${phase.phaseId}` } }, ...phase.steps.map((s) => stepNode(s, s.stepId === selected, select))),
  );
}

export function renderGraph(run: RunSnapshot, selected: string | null, select: (stepId: string) => void): HTMLElement {
  return section(
    'graph',
    'Phases and steps',
    el('ol', { cls: 'phases' }, ...run.phases.map((p) => phaseNode(p, selected, select))),
    el('div', { attrs: { id: 'gantt' } }, renderGantt(run, select)),
  );
}

/** Replaces one step's node (or adds it to its phase); false when its phase is not drawn yet. */
export function updateStepNode(step: StepSnapshot, selected: boolean, select: (stepId: string) => void): boolean {
  const node = stepNode(step, selected, select);
  const existing = document.getElementById(`step-${step.stepId}`);
  if (existing) {
    const hadFocus = existing.contains(document.activeElement);
    existing.replaceWith(node);
    if (hadFocus) node.querySelector('button')?.focus();
    return true;
  }
  const list = document.getElementById(`steps-${step.phaseId}`);
  list?.append(node);
  return list !== null;
}

export function updatePhaseHead(phase: PhaseHead): boolean {
  const existing = document.getElementById(`phase-head-${phase.phaseId}`);
  existing?.replaceWith(phaseHeadNode(phase));
  const li = document.getElementById(`phase-${phase.phaseId}`);
  if (li) li.className = `phase phase-${phase.state}`;
  return existing !== null;
}

const ROW = 16;
const LABEL = 150;
const WIDTH = 720;

/** Steps that started, one bar each from start to finish (running ones to now): parallel fan-out shows as overlapping bars. */
export function renderGantt(run: RunSnapshot, select: (stepId: string) => void): SVGSVGElement {
  const now = Date.now();
  const started = run.phases.flatMap((p) => p.steps).filter((s) => s.result?.status !== 'skipped' && (s.startedAt !== undefined || s.result));
  const spans = started.map((s) => {
    const start = s.result?.startedAt ?? s.startedAt ?? run.startedAt;
    const end = s.result?.finishedAt ?? run.finishedAt ?? now;
    return { step: s, start, end: Math.max(end, start + 1) };
  });
  const t0 = run.startedAt;
  const t1 = Math.max(run.finishedAt ?? now, ...spans.map((s) => s.end), t0 + 1);
  const scale = (t: number) => LABEL + ((t - t0) / (t1 - t0)) * (WIDTH - LABEL - 8);
  const height = Math.max(1, spans.length) * ROW + 20;
  const root = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${height}`,
    class: 'gantt',
    role: 'img',
    'aria-label': `Timeline of ${spans.length} step(s) over ${duration(t1 - t0)}`,
  });
  root.append(svg('title', {}, 'Timeline of the steps'));
  spans.forEach(({ step, start, end }, i) => {
    const y = i * ROW + 2;
    const bar = svg('rect', {
      x: scale(start).toFixed(1),
      y,
      width: Math.max(2, scale(end) - scale(start)).toFixed(1),
      height: ROW - 5,
      rx: 2,
      class: `bar ${stepClass(step)}`,
    });
    bar.append(svg('title', {}, `${step.title}: ${duration(end - start)}`));
    bar.addEventListener('click', () => select(step.stepId));
    root.append(
      svg(
        'text',
        {
          x: LABEL - 6,
          y: y + ROW - 7,
          'text-anchor': 'end',
          class: 'gantt-label',
        },
        step.title.length > 24 ? `${step.title.slice(0, 23)}…` : step.title,
      ),
      bar,
    );
  });
  const axisY = spans.length * ROW + 14;
  root.append(
    svg('text', { x: LABEL, y: axisY, class: 'gantt-label' }, '0'),
    svg('text', { x: WIDTH - 8, y: axisY, 'text-anchor': 'end', class: 'gantt-label' }, duration(t1 - t0)),
  );
  return root;
}
