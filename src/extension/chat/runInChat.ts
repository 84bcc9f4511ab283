/**
 * A workflow run from chat: the same application, approvals and Runs tree as the palette
 * commands; each phase streamed as progress; a Markdown summary at the end with buttons that
 * run the extension's commands and references to the report files. Cancelling the chat
 * request cancels the run (and the server's work in flight).
 */
import * as vscode from 'vscode';
import type { RunOutcome } from '../../core/app/schedulingApp';
import { summaryMarkdown, worstFindings } from '../../core/report/summary';
import { modalResponder } from '../approvals';
import { COMMAND } from '../commands/ids';
import type { Host } from '../host';

export interface ChatRun {
  workflow: string;
  mode?: string | undefined;
  inputs: Record<string, unknown>;
}

/** What a chat result remembers for its followups. */
export interface ChatRunMetadata {
  runId: string;
  workflow: string;
  status: string;
  findings: number;
  redAlerts: number;
  worstFinding?: string;
  nextRuns: { workflow: string; mode?: string; label: string }[];
}

export async function runInChat(host: Host, run: ChatRun, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<ChatRunMetadata | undefined> {
  const app = await host.connected();
  const controller = new AbortController();
  const cancel = token.onCancellationRequested(() => controller.abort(new Error('the chat request was cancelled')));
  const ticket = app.start({ ...run, signal: controller.signal, responder: modalResponder });
  const unsubscribe = app.runs.subscribe(ticket.runId, (event) => {
    if (event.type === 'phase_started') stream.progress(event.title);
    else if (event.type === 'approval_requested') stream.progress(`Waiting for your approval: ${event.request.title}`);
  });
  let outcome: RunOutcome;
  try {
    outcome = await ticket.done;
  } finally {
    unsubscribe();
    cancel.dispose();
  }
  if (token.isCancellationRequested) {
    stream.markdown(`Run \`${ticket.runId}\` was cancelled; the server was told to stop.`);
    return undefined;
  }
  const { report, files } = outcome;
  stream.markdown(summaryMarkdown(report));
  stream.markdown('\n\n');
  stream.button({ command: COMMAND.openRun, arguments: [ticket.runId], title: 'Open Run' });
  stream.button({ command: COMMAND.exportReport, arguments: [ticket.runId], title: 'Export Report' });
  if (app.approvals.pending().some((p) => p.runId === ticket.runId)) stream.button({ command: COMMAND.approveRun, arguments: [ticket.runId], title: 'Approve…' });
  stream.reference(vscode.Uri.file(files.markdown));
  stream.reference(vscode.Uri.file(files.json));
  const [worst] = worstFindings(report, 1);
  return {
    runId: ticket.runId,
    workflow: report.header.workflow.id,
    status: report.header.status,
    findings: report.findings.length,
    redAlerts: report.alerts.filter((a) => a.severity === 'RED').length,
    ...(worst ? { worstFinding: worst.id } : {}),
    nextRuns: report.nextActions.flatMap((a) => (a.kind === 'run' ? [{ workflow: a.workflow, ...(a.mode ? { mode: a.mode } : {}), label: a.label }] : [])),
  };
}

/** The natural next steps after a run, as chat followups. */
export function followupsFor(meta: ChatRunMetadata): vscode.ChatFollowup[] {
  const out: vscode.ChatFollowup[] = [];
  if (meta.workflow === 'compliance' && meta.findings > 0) {
    out.push({ prompt: `the worst violation of ${meta.runId}`, command: 'explain', label: 'Explain the worst violation' });
    out.push({ prompt: 'next week', command: 'generate', label: 'Generate a corrected draft' });
  }
  for (const next of meta.nextRuns) out.push({ prompt: next.mode ?? '', command: next.workflow, label: next.label });
  if (meta.workflow === 'resilience' && meta.redAlerts > 0 && !meta.nextRuns.some((n) => n.mode === 'deep'))
    out.push({ prompt: 'deep', command: 'resilience', label: 'Run the deep assessment' });
  return out;
}
