/**
 * The stored things a result links to (MCP `resource_link` content to `schedule://…`: a draft,
 * a swap, a person's schedule), opened in VS Code as read-only documents. The `schedule`
 * scheme's content is read from the connected server (`resources/read`) each time a document
 * opens, JSON pretty-printed. "Open Resource" takes a link (the run panel, a Runs tree link
 * node, other callers) or offers the links of the listed runs, each with its run's panel.
 */
import * as vscode from 'vscode';
import type { SchedulingApp } from '../core/app/schedulingApp';
import type { ResourceLink } from '../core/engine/invoker';
import { COMMAND } from './commands/ids';
import type { Host } from './host';

export const RESOURCE_SCHEME = 'schedule';

/** A link of a run's step result. */
export interface RunLink {
  runId: string;
  runTitle: string;
  link: ResourceLink;
}

/** The links of the listed runs' step results, newest run first, each uri once. */
export function runLinks(app: SchedulingApp): RunLink[] {
  const seen = new Set<string>();
  const out: RunLink[] = [];
  for (const { snapshot } of app.runs.list()) {
    for (const step of snapshot.phases.flatMap((p) => p.steps)) {
      for (const link of step.result?.links ?? []) {
        if (seen.has(link.uri)) continue;
        seen.add(link.uri);
        out.push({ runId: snapshot.runId, runTitle: snapshot.title, link });
      }
    }
  }
  return out;
}

/** Resource text as a reader wants it: JSON indented, anything else as sent. */
export function prettyText(text: string, mimeType: string | undefined): string {
  if (mimeType !== undefined && !/json/i.test(mimeType)) return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

class ScheduleResourceProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly host: Host) {}

  /** Reads the resource again into an open document. */
  refresh(uri: vscode.Uri): void {
    this.changed.fire(uri);
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const controller = new AbortController();
    const cancel = token.onCancellationRequested(() => controller.abort(new Error('the document was closed')));
    try {
      const app = await this.host.connected(controller.signal);
      const result = await app.connection.readResource(uri.toString(), controller.signal);
      if (result.contents.length === 0) return `(the server returned no content for ${uri.toString()})`;
      return result.contents.map((c) => ('text' in c ? prettyText(c.text, c.mimeType) : `(binary content${c.mimeType ? ` of type ${c.mimeType}` : ''} is not shown)`)).join('\n');
    } finally {
      cancel.dispose();
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** The command's argument: a uri, or anything carrying one (a Runs tree link node, a link). */
function uriOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const uri = typeof arg === 'object' && arg !== null ? (arg as { uri?: unknown }).uri : undefined;
  return typeof uri === 'string' ? uri : undefined;
}

type Choice = vscode.QuickPickItem & ({ uri: string } | { runId: string });

async function pickLink(app: SchedulingApp): Promise<Choice | undefined> {
  const links = runLinks(app);
  if (links.length === 0) {
    void vscode.window.showInformationMessage('No run result links to a stored resource yet (a generated draft or a swap does).');
    return undefined;
  }
  const items: Choice[] = links.flatMap(({ runId, runTitle, link }) => [
    { label: `$(file-code) ${link.title ?? link.name}`, description: link.uri, uri: link.uri },
    { label: `$(window) Open the run that produced it`, description: runTitle, runId },
  ]);
  return vscode.window.showQuickPick(items, { placeHolder: 'Open a resource a run result links to (or the run panel of the run)', matchOnDescription: true });
}

/** Registers the `schedule` scheme's provider and "Open Resource". */
export function registerResources(host: Host): vscode.Disposable[] {
  const provider = new ScheduleResourceProvider(host);
  const open = async (raw: string): Promise<vscode.TextEditor | undefined> => {
    let uri: vscode.Uri;
    try {
      uri = vscode.Uri.parse(raw, true);
    } catch {
      throw new Error(`"${raw}" is not a resource address`);
    }
    if (uri.scheme !== RESOURCE_SCHEME) throw new Error(`Only ${RESOURCE_SCHEME}:// resources open here, not "${uri.scheme}:"`);
    // An open document keeps its first content: read the resource again.
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) provider.refresh(uri);
    let document = await vscode.workspace.openTextDocument(uri);
    if (document.languageId !== 'json' && /^\s*[[{]/.test(document.getText())) document = await vscode.languages.setTextDocumentLanguage(document, 'json');
    return vscode.window.showTextDocument(document, { preview: true });
  };
  return [
    provider,
    vscode.workspace.registerTextDocumentContentProvider(RESOURCE_SCHEME, provider),
    vscode.commands.registerCommand(COMMAND.openResource, async (arg?: unknown) => {
      try {
        let uri = uriOf(arg);
        if (uri === undefined) {
          const choice = await pickLink(await host.ensureApp());
          if (!choice) return undefined;
          if ('runId' in choice) return await vscode.commands.executeCommand(COMMAND.openRun, choice.runId);
          uri = choice.uri;
        }
        return (await open(uri))?.document.uri.toString();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        void vscode.window.showErrorMessage(`Could not open the resource: ${message}`);
        return undefined;
      }
    }),
  ];
}
