/**
 * VS Code's answer to a server's request for input (MCP elicitation; the core's port is
 * src/core/app/elicitation.ts). Form mode: a modal dialog names the server, its message and
 * the fields, with "Answer…" and "Decline" (closing it cancels); then each field is asked with
 * native quick inputs (fieldInput.ts), and Escape on any of them cancels. URL mode: a modal
 * shows only the URL's domain and opens the page in the browser (vscode.env.openExternal)
 * after "Open page"; the URL itself is never shown in a dialog nor written to a log. The
 * broker records every answer in the runs whose calls were in flight, secrets redacted.
 */
import * as vscode from 'vscode';
import type { ElicitationAnswer, ElicitationPort, ElicitationRequest, FieldValue } from '../../core/app/elicitation';
import { askField, CANCELLED, tokenFor, type PromptQueue } from './fieldInput';

const ANSWER = 'Answer…';
const DECLINE = 'Decline';
const OPEN = 'Open page';

type FormRequest = Extract<ElicitationRequest, { mode: 'form' }>;
type UrlRequest = Extract<ElicitationRequest, { mode: 'url' }>;

function fieldList(request: FormRequest): string {
  return request.fields.map((f) => `• ${f.title}${f.required ? '' : ' (optional)'}`).join('\n');
}

async function askForm(request: FormRequest, token: vscode.CancellationToken): Promise<ElicitationAnswer> {
  const choice = await vscode.window.showInformationMessage(
    `${request.server} asks for input`,
    { modal: true, detail: `${request.message}\n\n${fieldList(request)}\n\nDecline to refuse; close this dialog to cancel.` },
    ANSWER,
    DECLINE,
  );
  if (choice === undefined || token.isCancellationRequested) return { action: 'cancel' };
  if (choice === DECLINE) return { action: 'decline' };
  const content: Record<string, FieldValue> = {};
  for (const [index, field] of request.fields.entries()) {
    const value = await askField(field, { title: `${request.server} asks for input (${index + 1}/${request.fields.length})`, token });
    if (value === CANCELLED || token.isCancellationRequested) return { action: 'cancel' };
    if (value !== undefined) content[field.name] = value;
  }
  return { action: 'accept', content };
}

async function askUrl(request: UrlRequest): Promise<ElicitationAnswer> {
  const choice = await vscode.window.showWarningMessage(
    `${request.server} asks you to open a page on ${request.domain}`,
    {
      modal: true,
      detail: `${request.message}\n\nOnly the site's domain is shown here. "${OPEN}" opens it in your browser; nothing is opened otherwise. Close this dialog to cancel.`,
    },
    OPEN,
    DECLINE,
  );
  if (choice === undefined) return { action: 'cancel' };
  if (choice === DECLINE) return { action: 'decline' };
  const opened = await vscode.env.openExternal(vscode.Uri.parse(request.url, true));
  return opened ? { action: 'accept' } : { action: 'decline' };
}

/** The extension's elicitation port; `queue` keeps it from overlapping "needs input" questions. */
export function nativeElicitation(queue: PromptQueue): ElicitationPort {
  return {
    elicit(request, signal) {
      return queue.run(async () => {
        if (signal.aborted) return { action: 'cancel' } as const;
        const source = tokenFor(signal);
        try {
          return request.mode === 'url' ? await askUrl(request) : await askForm(request, source.token);
        } finally {
          source.dispose();
        }
      });
    },
  };
}
