/** Language-model tool: a run's status and its summary (the latest run when none is named). */
import * as vscode from 'vscode';
import { runDescription } from '../../core/app/runLabels';
import { summaryMarkdown } from '../../core/report/summary';
import type { Host } from '../host';

export const GET_RUN_TOOL = 'schedOrch_getRun';

export class GetRunTool implements vscode.LanguageModelTool<{ runId?: string }> {
  constructor(private readonly host: Host) {}

  prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<{ runId?: string }>): vscode.PreparedToolInvocation {
    return { invocationMessage: options.input.runId ? `Reading run ${options.input.runId}` : 'Reading the latest run' };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<{ runId?: string }>): Promise<vscode.LanguageModelToolResult> {
    const app = await this.host.ensureApp();
    const stored = options.input.runId ? app.runs.get(options.input.runId) : app.runs.list()[0];
    if (!stored) return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(options.input.runId ? `No run ${options.input.runId} is known.` : 'No run yet.')]);
    const run = stored.snapshot;
    const report = await app.report(run.runId);
    const head = `Run ${run.runId}: ${run.title}, ${runDescription(run, Date.now())}${stored.interrupted ? ' (interrupted: it can be resumed)' : ''}`;
    return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(report ? `${head}\n\n${summaryMarkdown(report, 5)}` : `${head}\n\nStill running: no report yet.`)]);
  }
}
