/**
 * Findings as two sortable, filterable tables (ACGME requirements apart from the program's
 * own policy), then the report's recommendations and what to do next as buttons.
 */
import { isAcgmeFinding } from '../../core/app/panelData';
import type { Report } from '../../core/report/report';
import type { Finding } from '../../core/workflows/shared/findings';
import type { FindingSortKey, PanelUiState } from '../runMessages';
import { custom, el, icon, section } from './dom';
import { visibleFindings } from './state';

const COLUMNS: { key: FindingSortKey | null; label: string }[] = [
  { key: 'severity', label: 'Severity' },
  { key: 'person', label: 'Person' },
  { key: 'rule', label: 'Rule' },
  { key: 'measured', label: 'Measured / limit' },
  { key: 'excess', label: 'Excess' },
  { key: 'window', label: 'Window' },
  { key: null, label: 'Finding and suggested fix' },
];

const SEVERITY_ICON: Readonly<Record<string, string>> = {
  critical: 'error',
  high: 'warning',
  medium: 'info',
  low: 'circle-small',
};

function number(value: number | undefined): string {
  return value === undefined ? '' : String(Math.round(value * 100) / 100);
}

/** The window's ends, each kept on one line (a date would otherwise break at its hyphens). */
function windowCell(f: Finding): HTMLTableCellElement {
  const cell = el('td', { cls: 'window' });
  if (!f.window) return cell;
  const start = f.window.start.replace('T00:00', '');
  const end = f.window.end.replace('T00:00', '');
  if (start === end) cell.append(el('span', { cls: 'nowrap', text: start }));
  else cell.append(el('span', { cls: 'nowrap', text: `${start} →` }), document.createTextNode(' '), el('span', { cls: 'nowrap', text: end }));
  return cell;
}

function row(f: Finding): HTMLTableRowElement {
  const unit = f.unit ? ` ${f.unit.replace(/_/g, ' ')}` : '';
  // The figures stay on one line; the unit may wrap below them.
  const measured = el('td', { cls: 'num' });
  if (f.measured !== undefined)
    measured.append(el('span', { cls: 'nowrap', text: `${number(f.measured)}${f.limit !== undefined ? ` / ${number(f.limit)}` : ''}` }), document.createTextNode(unit));
  const detail = el('td', { cls: 'wide' }, el('div', { text: f.message }));
  if (f.suggestedFix) detail.append(el('div', { cls: 'fix' }, icon('lightbulb'), document.createTextNode(` ${f.suggestedFix}`)));
  return el(
    'tr',
    { cls: `sev-${f.severity}` },
    el('td', { cls: 'nowrap' }, icon(SEVERITY_ICON[f.severity] ?? 'circle-small', `sev-icon sev-${f.severity}`), document.createTextNode(` ${f.severity}`)),
    el('td', { cls: 'nowrap', text: f.person ?? f.subject ?? '' }),
    // Rule, measure and window wrap between words: in a panel beside the sidebar the seven columns would not fit on one line each.
    el('td', { text: f.ruleId ? `${f.ruleId} (${f.rule.replace(/_/g, ' ')})` : f.rule.replace(/_/g, ' ') }),
    measured,
    el('td', { cls: 'nowrap num', text: number(f.excess) }),
    windowCell(f),
    detail,
  );
}

function table(caption: string, findings: Finding[], ui: PanelUiState, sortBy: (key: FindingSortKey) => void): HTMLElement {
  if (findings.length === 0) return el('p', { cls: 'muted', text: `${caption}: none.` });
  const head = el('tr');
  for (const column of COLUMNS) {
    const th = el('th', { attrs: { scope: 'col' } });
    if (column.key) {
      const active = ui.findingSort.key === column.key;
      th.setAttribute('aria-sort', active ? (ui.findingSort.descending ? 'descending' : 'ascending') : 'none');
      const key = column.key;
      const button = el(
        'button',
        { cls: 'sort', attrs: { type: 'button' } },
        document.createTextNode(column.label),
        active ? icon(ui.findingSort.descending ? 'arrow-down' : 'arrow-up') : null,
      );
      button.addEventListener('click', () => sortBy(key));
      th.append(button);
    } else th.textContent = column.label;
    head.append(th);
  }
  return el('table', { cls: 'findings' }, el('caption', { text: `${caption} (${findings.length})` }), el('thead', {}, head), el('tbody', {}, ...findings.map(row)));
}

export interface FindingHandlers {
  sortBy(key: FindingSortKey): void;
  filter(change: Partial<PanelUiState['findingFilter']>): void;
}

/** The filter bar stays in place while typing; only the tables below it are redrawn. */
export function renderFindings(report: Report | null, ui: PanelUiState, handlers: FindingHandlers): HTMLElement {
  if (!report)
    return section(
      'findings',
      'Findings',
      el('p', {
        cls: 'muted',
        text: 'Findings are listed when the run has finished.',
      }),
    );
  const text = custom('vscode-textfield', {
    placeholder: 'Filter: person, rule, text…',
    'aria-label': 'Filter findings',
    value: ui.findingFilter.text,
  });
  text.addEventListener('input', () => handlers.filter({ text: (text as HTMLInputElement).value ?? '' }));
  const severity = custom('vscode-single-select', { 'aria-label': 'Severity' });
  for (const value of ['all', 'critical', 'high', 'medium', 'low']) {
    severity.append(
      custom(
        'vscode-option',
        {
          value,
          ...(value === ui.findingFilter.severity ? { selected: '' } : {}),
        },
        value === 'all' ? 'All severities' : value,
      ),
    );
  }
  severity.addEventListener('change', () => handlers.filter({ severity: (severity as HTMLSelectElement).value }));
  const bar = el('div', { cls: 'filters' }, text, severity);
  const tables = el('div', { attrs: { id: 'finding-tables' } }, ...findingTables(report.findings, ui, handlers));
  return section('findings', 'Findings', bar, tables);
}

export function findingTables(all: readonly Finding[], ui: PanelUiState, handlers: FindingHandlers): HTMLElement[] {
  if (all.length === 0) return [el('p', { cls: 'muted', text: 'No findings.' })];
  const shown = visibleFindings(all, ui);
  return [
    table('ACGME requirements', shown.filter(isAcgmeFinding), ui, handlers.sortBy),
    table(
      'Local policy',
      shown.filter((f) => !isAcgmeFinding(f)),
      ui,
      handlers.sortBy,
    ),
    ...(shown.length < all.length
      ? [
          el('p', {
            cls: 'muted',
            text: `${all.length - shown.length} finding(s) hidden by the filter.`,
          }),
        ]
      : []),
  ];
}

export function renderAdvice(report: Report | null, runNextAction: (index: number) => void): HTMLElement | null {
  if (!report || (report.recommendations.length === 0 && report.nextActions.length === 0 && report.alerts.length === 0)) return null;
  const body: HTMLElement[] = [];
  if (report.alerts.length > 0)
    body.push(
      el(
        'ul',
        { cls: 'alerts' },
        ...report.alerts.map((a) => el('li', { cls: `alert alert-${a.severity.toLowerCase()}` }, icon('warning'), document.createTextNode(` ${a.message}`))),
      ),
    );
  if (report.recommendations.length > 0) {
    body.push(
      el('h3', { text: 'Recommendations' }),
      el(
        'ul',
        { cls: 'recommendations' },
        ...report.recommendations.map((r) => el('li', {}, el('span', { cls: 'chip', text: r.category }), document.createTextNode(` ${r.text}`))),
      ),
    );
  }
  if (report.nextActions.length > 0) {
    const list = el('div', { cls: 'next-actions' });
    report.nextActions.forEach((action, index) => {
      if (action.kind === 'call') {
        list.append(el('p', { cls: 'muted' }, icon('terminal'), document.createTextNode(` ${action.label} (${action.capability})`)));
        return;
      }
      const button = custom(
        'vscode-button',
        {
          secondary: '',
          icon: action.kind === 'override' ? 'shield' : action.kind === 'fix' ? 'tools' : 'play',
        },
        action.label,
      );
      button.addEventListener('click', () => runNextAction(index));
      list.append(button);
    });
    body.push(el('h3', { text: 'What to do next' }), list);
  }
  return section('advice', 'Recommendations and next steps', ...body);
}
