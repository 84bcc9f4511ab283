/**
 * /explain: a finding (the worst, one named by id or person) or a whole run, in plain words.
 * Without a language model the report's own sentences are used; with one, the model writes
 * from the report's facts (explainPrompt.tsx) and every number it quotes is checked against
 * the report: an answer with a number the report does not hold is not shown.
 */
import type * as vscode from 'vscode';
import type { Report } from '../../core/report/report';
import { explainFinding, summaryMarkdown, unsupportedNumbers, worstFindings } from '../../core/report/summary';
import type { Finding } from '../../core/workflows/shared/findings';
import type { Host } from '../host';

/** The run the text names by id, else the newest finished one (with findings, when a finding is asked about). */
async function reportFor(host: Host, text: string): Promise<Report | undefined> {
  const app = await host.ensureApp();
  const runs = app.runs.list();
  const named = runs.find((r) => text.includes(r.snapshot.runId));
  const wantsFinding = ASKS_FOR_FINDING.test(text);
  for (const r of named ? [named] : runs.filter((x) => !x.live)) {
    const report = await app.report(r.snapshot.runId);
    if (report && (named || !wantsFinding || report.findings.length > 0)) return report;
  }
  return undefined;
}

const ASKS_FOR_FINDING = /\b(violations?|findings?|issues?)\b/i;

/** The finding the text points at: by id, by a person id in it, else the worst; none when the run itself is asked about. */
export function findingFor(report: Report, text: string): Finding | undefined {
  if (/\b(run|overall|summary)\b/i.test(text) && !ASKS_FOR_FINDING.test(text)) return undefined;
  const byId = report.findings.find((f) => text.includes(f.id));
  if (byId) return byId;
  const person = report.findings.find((f) => f.person && new RegExp(`\\b${f.person.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(text));
  return person ?? worstFindings(report, 1)[0];
}

export async function explainInChat(
  host: Host,
  text: string,
  model: vscode.LanguageModelChat | undefined,
  stream: vscode.ChatResponseStream,
  token: vscode.CancellationToken,
): Promise<vscode.ChatResult> {
  const report = await reportFor(host, text);
  if (!report) {
    stream.markdown('There is no finished run to explain yet: run `/compliance` first.');
    return {};
  }
  const finding = findingFor(report, text);
  const own = finding ? explainFinding(finding) : summaryMarkdown(report);
  const subject = finding ? `finding ${finding.id} of run ${report.header.runId}` : `run ${report.header.runId}`;
  if (!model) {
    stream.markdown(`${own}\n\n_From the report of ${subject}._`);
    return { metadata: { runId: report.header.runId } };
  }
  stream.progress('Asking the language model, then checking its numbers against the report…');
  const facts = `${summaryMarkdown(report, 5)}\n\n${finding ? explainFinding(finding) : ''}`;
  // Imported here, not at the top: the build maps this module to the lazily loaded dist/chat.js.
  const { renderExplainPrompt } = await import('./explainPrompt');
  const messages = await renderExplainPrompt({ question: text || `Explain ${subject}.`, facts }, model);
  const response = await model.sendRequest(messages, {}, token);
  let answer = '';
  for await (const part of response.text) answer += part;
  const unsupported = unsupportedNumbers(answer, report);
  if (unsupported.length > 0) {
    stream.markdown(`The model's answer quoted numbers the report does not contain (${unsupported.join(', ')}), so here are the report's own words:\n\n${own}`);
    return { metadata: { runId: report.header.runId, rejectedNumbers: unsupported } };
  }
  stream.markdown(`${answer}\n\n_Every number above was checked against the report of ${subject}._`);
  return { metadata: { runId: report.header.runId } };
}
