/**
 * The report as Markdown: readable on its own and fit for an audit file. Rendered from the
 * JSON report only; server-provided text is escaped so it cannot break the tables.
 */
import { BY_DESIGN } from '../engine/results';
import type { Finding } from '../workflows/shared/findings';
import { RULE_LABELS } from '../workflows/shared/findings';
import type { RecommendationCategory } from '../workflows/shared/outcome';
import type { ApprovalRow, Report, StepRow } from './report';
import { runStateLabel } from './runState';

/** Escapes text for a table cell: backslashes, pipes, newlines, and a `<` that could open an HTML tag. */
export function cell(text: string | number | null | undefined): string {
  if (text === null || text === undefined || text === '') return '–';
  return String(text)
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/<(?=[A-Za-z/!?])/g, '&lt;')
    .replace(/\r?\n/g, ' ');
}

export function table(head: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
  return lines.join('\n');
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function confidenceText(value: number | null, level: string | null): string {
  return value === null ? '–' : `${value.toFixed(2)}${level ? ` ${level}` : ''}`;
}

function stepNote(s: StepRow): string {
  const args = s.arguments.length > 0 ? `arguments: ${s.arguments.join(', ')}` : undefined;
  return [s.label, s.note, args]
    .filter((x): x is string => !!x && x.length > 0)
    .filter((x, i, all) => all.indexOf(x) === i)
    .join('; ');
}

export function windowText(f: Finding): string {
  if (!f.window) return '';
  return f.window.start === f.window.end ? f.window.start : `${f.window.start} – ${f.window.end}`;
}

const CATEGORY_TITLES: Record<RecommendationCategory, string> = { immediate: 'Immediate', monitoring: 'Monitoring', long_term: 'Long term' };

function approvalLines(a: ApprovalRow): string[] {
  const lines = [`- **${a.title}** (step \`${a.step}\`, requested ${a.requestedAt}): ${a.summary}`];
  for (const issue of a.blockingIssues) lines.push(`  - blocking issue: ${issue}`);
  if (!a.answer) lines.push('  - no answer recorded');
  else {
    lines.push(`  - **${a.answer.approved ? 'approved' : 'rejected'}** by ${a.answer.approver} at ${a.answer.at}: ${a.answer.reason}`);
    if (a.answer.override) lines.push(`  - override justification: ${a.answer.override.justification}`);
  }
  if (a.exception) lines.push(`  - exception record \`${a.exception.id}\` (${a.exception.issues.length} issue(s), approver ${a.exception.approver})`);
  return lines;
}

export function renderMarkdown(report: Report): string {
  const h = report.header;
  const out: string[] = [];
  out.push(`# ${h.workflow.title}: ${runStateLabel(h.engineStatus)}`);
  out.push('');
  out.push(`> ${h.headline}`);
  out.push('');
  const range = h.schedule.start && h.schedule.end ? `${h.schedule.start} to ${h.schedule.end}` : null;
  const scheduleText = [h.schedule.id, range].filter(Boolean).join(', ');
  out.push(
    table(
      ['Field', 'Value'],
      [
        ['Workflow', `${h.workflow.title} (\`${h.workflow.id}\` v${h.workflow.version}, safety tier ${h.workflow.safetyTier})`],
        ['Mode', h.mode],
        ['Server', h.server],
        ['Schedule', scheduleText || '–'],
        ['Run', `${h.runId}; started ${h.startedAt}; took ${formatMs(h.durationMs)}`],
        ['Status', `${h.status}${h.engineStatus !== h.status ? ` (${h.engineStatus})` : ''}`],
        ['Reason', h.reason],
        ['Decision', h.decision],
        ['Confidence', h.confidence ? `${h.confidence.value.toFixed(2)}: level ${h.confidence.level} ${h.confidence.levelName} (${h.confidence.colour})` : '–'],
      ],
    ),
  );
  if (report.metrics.length > 0) {
    out.push('', '## Key figures', '');
    for (const m of report.metrics) out.push(`- **${m.label}:** ${m.value}`);
  }

  out.push('', '## Phases');
  for (const p of report.phases) {
    out.push('', `### ${p.name}`, '');
    const bits = [`status **${p.status}**`];
    if (p.confidence !== null) bits.push(`confidence ${confidenceText(p.confidence, p.confidenceLevel)}`);
    if (p.decision) bits.push(`gate: ${p.decision}`);
    out.push(bits.join(', '));
    if (p.steps.length > 0) {
      out.push('');
      out.push(
        table(
          ['Step', 'Tool', 'Status', 'Source', 'Confidence', 'Attempts', 'Duration', 'Note'],
          p.steps.map((s) => [
            s.title === s.id ? s.id : `${s.title} (${s.id})`,
            s.tool ?? s.capability ?? (s.kind === 'tool' ? '–' : s.kind),
            s.status,
            s.source,
            // A step skipped on purpose has no confidence worth showing (its 0 counts nowhere).
            s.skipCause && BY_DESIGN.has(s.skipCause) ? '–' : confidenceText(s.confidence, s.confidenceLevel),
            s.attempts,
            formatMs(s.durationMs),
            stepNote(s),
          ]),
        ),
      );
    }
    for (const w of p.warnings) out.push(`- warning: ${w}`);
  }

  out.push('', '## Findings', '');
  if (report.findings.length === 0) out.push('No violations or conflicts found.');
  else {
    out.push(
      table(
        ['Severity', 'Rule', 'Person / slot', 'Window', 'Measured', 'Limit', 'Excess', 'Suggested fix'],
        report.findings.map((f) => [
          f.severity,
          `${RULE_LABELS[f.rule] ?? f.rule}${f.ruleId && f.ruleId !== f.rule ? ` (${f.ruleId})` : ''}`,
          f.person ?? f.subject,
          windowText(f),
          f.measured !== undefined ? `${f.measured}${f.unit ? ` ${f.unit.replace(/_/g, ' ')}` : ''}` : null,
          f.limit,
          f.excess,
          f.suggestedFix ?? f.message,
        ]),
      ),
    );
  }

  if (report.alerts.length > 0) {
    out.push('', '## Alerts', '');
    out.push(
      table(
        ['Severity', 'Alert', 'Source', 'Confidence', 'Status'],
        report.alerts.map((a) => [a.severity, a.message, a.source, a.confidence.toFixed(2), a.note ? `${a.status}: ${a.note}` : a.status]),
      ),
    );
  }

  out.push('', '## Recommendations', '');
  if (report.recommendations.length === 0) out.push('None.');
  for (const category of ['immediate', 'monitoring', 'long_term'] as const) {
    const items = report.recommendations.filter((r) => r.category === category);
    if (items.length === 0) continue;
    out.push(`**${CATEGORY_TITLES[category]}**`, '');
    for (const r of items) out.push(`- ${r.text}`);
    out.push('');
  }

  out.push('## Approvals and exception records', '');
  if (report.approvals.length === 0) out.push(h.workflow.safetyTier === 1 ? 'None needed (read-only workflow).' : 'No approval was requested.');
  for (const a of report.approvals) out.push(...approvalLines(a));

  out.push('', '## What degraded', '');
  if (report.degraded.length === 0 && report.breakers.length === 0) out.push('Nothing: every step that ran answered live or from a fresh cache.');
  for (const d of report.degraded) out.push(`- \`${d.step}\` **${d.kind.replace('_', ' ')}**: ${d.detail}`);
  for (const b of report.breakers) out.push(`- circuit breaker of \`${b.capability}\`: ${b.from} -> ${b.to} at ${b.at}`);

  if (report.decisions.length > 0) {
    out.push('', '## Decisions', '');
    out.push(
      table(
        ['Phase', 'Kind', 'Decision', 'Confidence', 'Reason'],
        report.decisions.map((d) => [d.phase, d.source, d.status ? `${d.decision} (${d.status})` : d.decision, d.confidence !== null ? d.confidence.toFixed(2) : null, d.reason]),
      ),
    );
  }

  if (report.nextSteps.length > 0) {
    out.push('', '## Next steps', '');
    for (const s of report.nextSteps) out.push(`- ${s}`);
  }
  out.push('');
  return out.join('\n');
}
