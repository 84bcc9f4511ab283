/**
 * The step drawer: everything recorded about one step (what it called, where each argument
 * and the answer came from, attempts and retries with their timings, the cache entry's age, the confidence
 * factors, the error, the raw result as collapsible JSON) and its events.
 */
import type { ConfidenceFactor } from '../../core/confidence/score';
import type { StepSnapshot } from '../../core/app/runSnapshot';
import type { RunEvent } from '../../core/engine/events';
import { describeProvenance } from '../../core/engine/provenance';
import type { ResourceLink } from '../../core/engine/invoker';
import { age, clock, custom, duration, el, icon, levelColourClass, section } from './dom';
import { sourceText } from './graph';
import { stateLabel } from './header';
import { describeEvent } from './history';

function factorText(f: ConfidenceFactor): string {
  switch (f.kind) {
    case 'base':
      return `base ${f.value.toFixed(2)}: ${f.label}`;
    case 'adjust':
      return `${f.delta >= 0 ? '+' : ''}${f.delta.toFixed(2)}: ${f.label}`;
    case 'cap':
      return `at most ${f.max.toFixed(2)}: ${f.label}`;
  }
}

function row(label: string, value: string): HTMLElement {
  return el('div', { cls: 'fact' }, el('dt', { text: label }), el('dd', { text: value }));
}

/** The stored things the step's result links to: each opens as a document in the editor. */
function renderLinks(links: readonly ResourceLink[], open: (uri: string) => void): HTMLElement[] {
  const items = links.map((link) => {
    const anchor = el('a', { text: link.title ?? link.name, attrs: { href: '#', title: link.uri } });
    anchor.addEventListener('click', (event) => {
      event.preventDefault();
      open(link.uri);
    });
    return el('li', {}, anchor, link.description ? document.createTextNode(` — ${link.description}`) : null);
  });
  return [el('h3', { text: 'Links' }), el('ul', { cls: 'links' }, ...items)];
}

export function renderDrawer(step: StepSnapshot | undefined, events: readonly RunEvent[], close: () => void, openLink: (uri: string) => void): HTMLElement {
  if (!step)
    return section(
      'drawer',
      'Step details',
      el('p', {
        cls: 'muted',
        text: 'Select a step in the graph or the timeline to see its details.',
      }),
    );
  const r = step.result;
  const closeButton = custom('vscode-button', { secondary: '', icon: 'close', 'aria-label': 'Close the step details' }, 'Close');
  closeButton.addEventListener('click', close);
  const facts = el(
    'dl',
    { cls: 'facts' },
    row('Step', `${step.title} (${step.stepId})`),
    row('State', stateLabel(r?.status ?? step.state)),
    row('Kind', `${step.kind}${step.writes ? ', writes' : ''}`),
    row('Capability', step.capability ?? '—'),
    row('Tool', r?.tool ?? '—'),
    row('Source', sourceText(step)),
    row('Started', r ? clock(r.startedAt) : step.startedAt !== undefined ? clock(step.startedAt) : '—'),
    row('Duration', r ? duration(r.durationMs) : '—'),
    row('Attempts', r ? String(r.attempts) : '—'),
    row('Cache age', r?.cacheAgeMs !== undefined ? age(r.cacheAgeMs) : '—'),
  );
  const args = r?.argProvenance ?? [];
  facts.append(
    args.length > 0
      ? el('div', { cls: 'fact' }, el('dt', { text: 'Arguments' }), el('dd', {}, el('ul', { cls: 'provenance' }, ...args.map((p) => el('li', { text: describeProvenance(p) })))))
      : row('Arguments', r ? 'no planned arguments recorded' : '—'),
  );
  const body: (HTMLElement | null)[] = [closeButton, facts];
  if (step.note || r?.label) body.push(el('p', { cls: 'muted', text: step.note ?? r?.label ?? '' }));
  if (r?.error) body.push(el('div', { cls: 'error', attrs: { role: 'alert' } }, icon('error'), document.createTextNode(` ${r.error.kind}: ${r.error.message}`)));
  if (r?.skip) body.push(el('p', { text: `Skipped (${r.skip.cause}): ${r.skip.reason}` }));
  if (r?.links && r.links.length > 0) body.push(...renderLinks(r.links, openLink));
  if (step.retries.length > 0) {
    body.push(
      el('h3', { text: 'Retries' }),
      el(
        'ol',
        {},
        ...step.retries.map((t) =>
          el('li', {
            text: `${clock(t.at)} attempt ${t.attempt} failed (${t.error.kind}: ${t.error.message}); next in ${duration(t.delayMs)}`,
          }),
        ),
      ),
    );
  }
  if (r) {
    body.push(
      el(
        'h3',
        {},
        document.createTextNode('Confidence '),
        el('span', {
          cls: `chip ${levelColourClass(r.confidence.colour)}`,
          text: `${r.confidence.value.toFixed(2)} ${r.confidence.levelName}`,
        }),
      ),
    );
    body.push(el('ul', { cls: 'factors' }, ...r.confidence.factors.map((f) => el('li', { text: factorText(f) }))));
    if (r.warnings.length > 0) body.push(el('ul', { cls: 'warnings' }, ...r.warnings.map((w) => el('li', { text: w }))));
  }
  const own = events.filter((e) => 'stepId' in e && e.stepId === step.stepId);
  if (own.length > 0) body.push(el('h3', { text: 'Events' }), el('ol', { cls: 'events' }, ...own.map((e) => el('li', { text: `${clock(e.at)} ${describeEvent(e)}` }))));
  if (r?.data !== undefined) {
    const raw = custom('vscode-collapsible', {
      title: 'Result (raw JSON)',
      heading: 'Result (raw JSON)',
    });
    raw.append(el('pre', { cls: 'json', text: JSON.stringify(r.data, null, 2) }));
    body.push(raw);
  }
  return section('drawer', `Step: ${step.title}`, ...body);
}
