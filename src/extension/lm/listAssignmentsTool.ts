/** Language-model tool: a person's upcoming assignments (ids for the swap workflow's arguments). */
import * as vscode from 'vscode';
import { localDate } from '../../core/util/clock';
import type { Host } from '../host';

export const LIST_ASSIGNMENTS_TOOL = 'schedOrch_listAssignments';

export class ListAssignmentsTool implements vscode.LanguageModelTool<{ personId: string; from?: string }> {
  constructor(private readonly host: Host) {}

  prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<{ personId: string }>): vscode.PreparedToolInvocation {
    return { invocationMessage: `Listing the assignments of ${options.input.personId}` };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<{ personId: string; from?: string }>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    const controller = new AbortController();
    const cancel = token.onCancellationRequested(() => controller.abort());
    try {
      const list = await (await this.host.choices()).assignments(options.input.personId, options.input.from ?? localDate(Date.now()), controller.signal);
      return new vscode.LanguageModelToolResult([
        new vscode.LanguageModelTextPart(
          list.map((a) => `${a.value}: ${a.label}${a.description ? ` (${a.description})` : ''}`).join('\n') || `${options.input.personId} has no upcoming assignments.`,
        ),
      ]);
    } finally {
      cancel.dispose();
    }
  }
}
