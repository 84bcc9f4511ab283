/**
 * A run in a few lines of Markdown, for chat and other short surfaces: status, decision,
 * confidence with its level, the worst findings (capped) and the recommendations. Written
 * from the report alone, with the same cell escaping as the full Markdown report.
 */
import { RULE_LABELS, SEVERITY_RANK, type Finding } from '../workflows/shared/findings';
import { cell, formatMs, table, windowText } from './markdown';
import type { Report } from './report';
import { runStateLabel } from './runState';

export function worstFindings(report: Report, limit: number): Finding[] {
  return [...report.findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || (b.excess ?? 0) - (a.excess ?? 0)).slice(0, limit);
}

export function summaryMarkdown(report: Report, maxFindings = 8): string {
  const h = report.header;
  const c = h.confidence;
  const lines = [
    `**${cell(h.workflow.title)}: ${runStateLabel(h.engineStatus)}** (${h.mode}, ${formatMs(h.durationMs)})`,
    '',
    `- Decision: ${cell(h.decision)}`,
    `- Confidence: ${c ? `${c.value.toFixed(2)}, level ${c.level} ${c.levelName} (${c.colour})` : 'not computed'}`,
  ];
  for (const m of report.metrics.slice(0, 4)) lines.push(`- ${cell(m.label)}: ${cell(m.value)}`);
  if (h.reason) lines.push(`- Why: ${cell(h.reason)}`);
  const worst = worstFindings(report, maxFindings);
  if (worst.length > 0) {
    lines.push('', `**Findings** (${report.findings.length}; worst first${report.findings.length > worst.length ? `, ${worst.length} shown` : ''})`, '');
    lines.push(
      table(
        ['severity', 'rule', 'who', 'measured / limit', 'window', 'fix'],
        worst.map((f) => [
          f.severity,
          RULE_LABELS[f.rule] ?? f.rule,
          f.person ?? f.subject,
          f.measured !== undefined ? `${f.measured}${f.limit !== undefined ? ` / ${f.limit}` : ''}${f.unit ? ` ${f.unit}` : ''}` : '',
          windowText(f),
          f.suggestedFix,
        ]),
      ),
    );
  }
  for (const a of report.alerts.filter((x) => x.status === 'confirmed').slice(0, 3)) lines.push('', `**${a.severity} alert:** ${cell(a.message)}`);
  if (report.recommendations.length > 0) {
    lines.push('', '**Recommendations**', '');
    for (const r of report.recommendations.slice(0, 5)) lines.push(`- ${cell(r.text)}`);
  }
  return lines.join('\n');
}

/** A finding in plain words, every number taken from the report. */
export function explainFinding(f: Finding): string {
  const rule = RULE_LABELS[f.rule] ?? f.rule;
  const parts = [
    `**${rule}** (${f.severity}${f.ruleId ? `, ${f.ruleId}` : ''})${f.person ? ` for ${f.person}` : f.subject ? ` on ${f.subject}` : ''}${f.window ? `, ${windowText(f)}` : ''}.`,
  ];
  parts.push(cell(f.message));
  if (f.measured !== undefined && f.limit !== undefined) {
    parts.push(
      `Measured ${f.measured}${f.unit ? ` ${f.unit}` : ''} against a limit of ${f.limit}${f.unit ? ` ${f.unit}` : ''}${f.excess !== undefined ? `: ${f.excess} over` : ''}.`,
    );
  }
  if (f.suggestedFix) parts.push(`Suggested fix: ${cell(f.suggestedFix)}.`);
  parts.push(`Reported by: ${f.sources.join(', ')}.`);
  return parts.join(' ');
}

/** Every number written in the report (its JSON), for checking what a model says against it. */
export function reportNumbers(report: Report): Set<number> {
  const out = new Set<number>();
  const visit = (v: unknown): void => {
    if (typeof v === 'number') out.add(v);
    else if (typeof v === 'string') for (const m of v.match(/-?\d+(?:\.\d+)?/g) ?? []) out.add(Number(m));
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(report);
  return out;
}

/**
 * Numbers in `text` that the report does not contain (allowing the rounding a writer uses:
 * 81.5 may be quoted for 81.52, 82 % for 0.82). Dates and ids are not numbers here.
 */
export function unsupportedNumbers(text: string, report: Report): number[] {
  const known = [...reportNumbers(report)];
  const stripped = text.replace(/\b\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?\b/g, ' ').replace(/\b[A-Za-z]+-\d+\b/g, ' ');
  const quoted = (stripped.match(/-?\d+(?:\.\d+)?/g) ?? []).map(Number);
  const close = (n: number) => known.some((k) => Math.abs(k - n) <= Math.max(0.051, Math.abs(k) * 0.005) || Math.abs(k * 100 - n) <= 0.51);
  return [...new Set(quoted.filter((n) => !close(n)))];
}
