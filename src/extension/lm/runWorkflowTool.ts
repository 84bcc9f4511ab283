/**
 * Language-model tool: run one of the four workflows. Read-only workflows (compliance,
 * resilience) run without a confirmation; the writing ones (generate, swap) are confirmed
 * first, and every write still waits for the native approval dialog.
 */
import * as vscode from 'vscode';
import { summaryMarkdown } from '../../core/report/summary';
import { modalResponder } from '../approvals';
import type { Host } from '../host';
import { loadRuntime } from '../loadRuntime';

export const RUN_WORKFLOW_TOOL = 'schedOrch_runWorkflow';

export interface RunWorkflowInput {
  workflow: 'compliance' | 'resilience' | 'generate' | 'swap';
  mode?: string;
  inputs?: Record<string, unknown>;
}

export class RunWorkflowTool implements vscode.LanguageModelTool<RunWorkflowInput> {
  constructor(private readonly host: Host) {}

  async prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<RunWorkflowInput>): Promise<vscode.PreparedToolInvocation> {
    const module = (await loadRuntime()).workflowModule(options.input.workflow);
    const title = module.definition.title;
    const what = `${title}${options.input.mode ? ` (${options.input.mode})` : ''}`;
    if (module.safetyTier === 1) return { invocationMessage: `Running the ${what} (read-only)` };
    return {
      invocationMessage: `Running the ${what}`,
      confirmationMessages: {
        title: `Run the ${what}?`,
        message: new vscode.MarkdownString(
          `This workflow **writes to the schedule** (safety tier 2). It previews first, and nothing is written until you approve it in a dialog.\n\nInputs: \`${JSON.stringify(options.input.inputs ?? {})}\``,
        ),
      },
    };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<RunWorkflowInput>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    const app = await this.host.connected();
    const controller = new AbortController();
    const cancel = token.onCancellationRequested(() => controller.abort(new Error('the tool call was cancelled')));
    try {
      const { workflow, mode, inputs } = options.input;
      const outcome = await app.start({ workflow, mode, inputs: inputs ?? {}, signal: controller.signal, responder: modalResponder }).done;
      return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(`Run ${outcome.summary.runId}\n\n${summaryMarkdown(outcome.report, 5)}`)]);
    } finally {
      cancel.dispose();
    }
  }
}
