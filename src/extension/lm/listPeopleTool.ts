/** Language-model tool: the program's active people (ids for the swap workflow's arguments). */
import * as vscode from 'vscode';
import type { Host } from '../host';

export const LIST_PEOPLE_TOOL = 'schedOrch_listPeople';

export class ListPeopleTool implements vscode.LanguageModelTool<Record<string, never>> {
  constructor(private readonly host: Host) {}

  prepareInvocation(): vscode.PreparedToolInvocation {
    return { invocationMessage: 'Listing the program’s people' };
  }

  async invoke(_options: vscode.LanguageModelToolInvocationOptions<Record<string, never>>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    const controller = new AbortController();
    const cancel = token.onCancellationRequested(() => controller.abort());
    try {
      const people = await (await this.host.choices()).people(controller.signal);
      return new vscode.LanguageModelToolResult([
        new vscode.LanguageModelTextPart(people.map((p) => `${p.value}: ${p.label}${p.description ? ` (${p.description})` : ''}`).join('\n') || 'No people.'),
      ]);
    } finally {
      cancel.dispose();
    }
  }
}
