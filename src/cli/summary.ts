/**
 * A run's report as a person wants to see it first in a terminal: status and decision with
 * the confidence, key figures, the phases with their confidences, the top findings and
 * alerts, recommendations, approvals, what degraded and where the full reports are.
 */
import { formatMs } from '../core/report/markdown';
import type { Report } from '../core/report/report';
import { runStateLabel } from '../core/report/runState';
import { RULE_LABELS } from '../core/workflows/shared/findings';
import { resumeLine } from './nextActions';
import { confidenceStyle, statusStyle, type Paint } from './style';

const MAX_FINDINGS = 5;
const MAX_RECOMMENDATIONS = 6;

function shorten(text: string, max = 110): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function renderSummary(report: Report, paint: Paint, files: { markdown: string; json: string } | undefined): string {
  const h = report.header;
  const out: string[] = [];
  const rule = '─'.repeat(78);
  out.push(paint('dim', rule));
  out.push(`${paint('bold', h.workflow.title)}  ${paint(statusStyle(h.status), runStateLabel(h.engineStatus).toUpperCase())}  mode ${h.mode}  ${formatMs(h.durationMs)}`);
  out.push(`  ${h.headline}`);
  out.push(`  Decision:   ${paint('bold', h.decision)}`);
  if (h.confidence) {
    out.push(
      `  Confidence: ${paint(confidenceStyle(h.confidence.colour), `${h.confidence.value.toFixed(2)} level ${h.confidence.level} ${h.confidence.levelName} (${h.confidence.colour})`)}`,
    );
  }
  if (h.reason) out.push(`  Why:        ${shorten(h.reason, 200)}`);
  for (const m of report.metrics) out.push(`  ${`${m.label}:`.padEnd(30)} ${m.value}`);

  out.push('  Phases:');
  for (const p of report.phases) {
    if (p.status === 'not reached') continue;
    const conf = p.confidence !== null ? p.confidence.toFixed(2) : '  – ';
    const ran = p.steps.filter((s) => s.status === 'succeeded').length;
    out.push(`    ${p.name.padEnd(34)} ${paint(statusStyle(p.status), p.status.padEnd(9))} ${conf}  ${ran}/${p.steps.length} steps${p.decision ? `  gate ${p.decision}` : ''}`);
  }

  if (report.findings.length > 0) {
    out.push(`  Findings (${report.findings.length}):`);
    for (const f of report.findings.slice(0, MAX_FINDINGS)) {
      const style = f.severity === 'critical' ? 'red' : f.severity === 'high' ? 'magenta' : f.severity === 'medium' ? 'yellow' : 'dim';
      const measured = f.measured !== undefined && f.limit !== undefined ? ` ${f.measured}/${f.limit}${f.excess ? ` (+${f.excess})` : ''}` : '';
      out.push(
        `    ${paint(style, f.severity.padEnd(8))} ${RULE_LABELS[f.rule] ?? f.rule}: ${f.person ?? f.subject ?? ''}${f.window ? ` ${f.window.start.slice(0, 10)}` : ''}${measured}`,
      );
      if (f.suggestedFix) out.push(`             fix: ${shorten(f.suggestedFix)}`);
    }
    if (report.findings.length > MAX_FINDINGS) out.push(`    … ${report.findings.length - MAX_FINDINGS} more in the report`);
  }
  if (report.alerts.length > 0) {
    out.push('  Alerts:');
    for (const a of report.alerts) {
      const style = a.status === 'held_back' ? 'dim' : a.severity === 'RED' ? 'red' : a.severity === 'YELLOW' ? 'yellow' : 'blue';
      out.push(
        `    ${paint(style, a.severity.padEnd(6))} ${shorten(a.message, 90)} (${a.confidence.toFixed(2)}${a.status !== 'confirmed' ? `, ${a.status.replace('_', ' ')}` : ''})`,
      );
    }
  }
  // A recommendation that only repeats a fix printed with its finding above is left out here.
  const shownFixes = report.findings.slice(0, MAX_FINDINGS).flatMap((f) => (f.suggestedFix ? [f.suggestedFix] : []));
  const recommendations = report.recommendations.filter((r) => !shownFixes.some((fix) => r.text.startsWith(fix)));
  if (recommendations.length > 0) {
    out.push('  Recommendations:');
    for (const r of recommendations.slice(0, MAX_RECOMMENDATIONS)) out.push(`    [${r.category.replace('_', ' ')}] ${shorten(r.text)}`);
  }
  for (const a of report.approvals) {
    const answer = a.answer ? `${a.answer.approved ? 'approved' : 'rejected'} by ${a.answer.approver}` : 'unanswered';
    out.push(`  Approval:   ${a.title}: ${answer}${a.exception ? ` (exception ${a.exception.id})` : ''}`);
  }
  if (report.degraded.length > 0) {
    out.push('  Degraded:');
    for (const d of report.degraded.slice(0, 6)) out.push(`    ${paint('yellow', d.kind.padEnd(12))} ${d.step}: ${shorten(d.detail, 90)}`);
    if (report.degraded.length > 6) out.push(`    … ${report.degraded.length - 6} more in the report`);
  }
  for (const s of report.nextSteps) out.push(`  Next:       ${shorten(s, 150)}`);
  const resume = resumeLine(report);
  if (resume) out.push(`  Then:       ${resume}`);
  if (files) out.push(`  Report:     ${files.markdown}`, `              ${files.json}`);
  return `${out.join('\n')}\n`;
}
