/** Language-model tool: one finding of a run in plain words, every number from the report. */
import * as vscode from 'vscode';
import { explainFinding, worstFindings } from '../../core/report/summary';
import type { Host } from '../host';

export const EXPLAIN_FINDING_TOOL = 'schedOrch_explainFinding';

export class ExplainFindingTool implements vscode.LanguageModelTool<{ runId?: string; findingId?: string }> {
  constructor(private readonly host: Host) {}

  prepareInvocation(): vscode.PreparedToolInvocation {
    return { invocationMessage: 'Reading the finding from the run report' };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<{ runId?: string; findingId?: string }>): Promise<vscode.LanguageModelToolResult> {
    const app = await this.host.ensureApp();
    const runId = options.input.runId ?? app.runs.list().find((r) => !r.live)?.snapshot.runId;
    const report = runId ? await app.report(runId) : undefined;
    const text = (() => {
      if (!report) return 'No finished run with a report: run a workflow first.';
      const finding = options.input.findingId ? report.findings.find((f) => f.id === options.input.findingId) : worstFindings(report, 1)[0];
      if (!finding) return options.input.findingId ? `Run ${report.header.runId} has no finding ${options.input.findingId}.` : `Run ${report.header.runId} has no findings.`;
      return explainFinding(finding);
    })();
    return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
  }
}
