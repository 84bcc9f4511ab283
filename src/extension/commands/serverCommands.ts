/**
 * The commands about the server: connect, disconnect, restart, the tool catalog, tool
 * health, the API key (secret storage only), the bundled server's program file and the
 * choice of a `.vscode/mcp.json` server.
 */
import * as vscode from 'vscode';
import type { OrchestratorError } from '../../core/errors';
import { CatalogPanel } from '../catalogPanel';
import type { Host } from '../host';
import { loadRuntime } from '../loadRuntime';
import { API_KEY_SECRET, bundledFiles } from '../settings';
import { COMMAND, VIEW } from './ids';

/** The cause first: a collapsed notification shows only its beginning. */
export function describeConnectError(error: unknown, hasKey?: boolean): string {
  // By kind, not class: the connection's errors come from the runtime bundle (loadRuntime.ts), which has its own copy of the class.
  if (error instanceof Error && (error as Partial<OrchestratorError>).kind === 'auth') {
    const what = hasKey === false ? 'requires an API key' : 'refused the API key';
    return `Scheduling server ${what} (authentication failed). Set it with "Set Server API Key".`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `Scheduling server unavailable: ${message}`;
}

export function registerServerCommands(context: vscode.ExtensionContext, host: Host, channel: vscode.LogOutputChannel): vscode.Disposable[] {
  const connectWithProgress = async () => {
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Connecting to the scheduling server…', cancellable: true },
        (_progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          return host.connected(abort.signal);
        },
      );
    } catch (error) {
      // Not awaited: the command ends now; the buttons act whenever the user picks one.
      const hasKey = (await context.secrets.get(API_KEY_SECRET)) !== undefined;
      void vscode.window.showErrorMessage(describeConnectError(error, hasKey), 'Set API Key', 'Show Log').then((choice) => {
        if (choice === 'Set API Key') void vscode.commands.executeCommand(COMMAND.setApiKey);
        else if (choice === 'Show Log') channel.show();
      });
      return undefined;
    }
  };

  return [
    vscode.commands.registerCommand(COMMAND.connect, async () => (await connectWithProgress()) !== undefined),
    vscode.commands.registerCommand(COMMAND.disconnect, () => host.reset()),
    vscode.commands.registerCommand(COMMAND.restartServer, async () => {
      await host.reset();
      return (await connectWithProgress()) !== undefined;
    }),
    vscode.commands.registerCommand(COMMAND.showTools, async () => {
      const app = await connectWithProgress();
      if (!app) return;
      const conn = app.connection;
      const server = conn.serverInfo ? `${conn.serverInfo.name} ${conn.serverInfo.version}` : conn.description;
      CatalogPanel.show(context.extensionUri, { type: 'catalog', server, toolCount: conn.tools.length, rows: app.capabilities() });
    }),
    vscode.commands.registerCommand(COMMAND.showToolHealth, async () => {
      await vscode.commands.executeCommand(`${VIEW.server}.focus`);
      await connectWithProgress();
    }),
    vscode.commands.registerCommand(COMMAND.setApiKey, async () => {
      const key = await vscode.window.showInputBox({ prompt: 'API key of the scheduling server (stored in VS Code secret storage)', password: true, ignoreFocusOut: true });
      if (!key) return;
      await context.secrets.store(API_KEY_SECRET, key.trim());
      await host.reset();
      void vscode.window.showInformationMessage('Scheduling server API key saved.');
    }),
    vscode.commands.registerCommand(COMMAND.clearApiKey, async () => {
      await context.secrets.delete(API_KEY_SECRET);
      await host.reset();
      void vscode.window.showInformationMessage('Scheduling server API key cleared.');
    }),
    vscode.commands.registerCommand(COMMAND.showLog, () => channel.show()),
    vscode.commands.registerCommand(COMMAND.openProgramFile, async () => {
      const { program } = bundledFiles(context);
      if (program) {
        await vscode.window.showTextDocument(vscode.Uri.file(program));
        return;
      }
      const sample = vscode.Uri.joinPath(context.extensionUri, 'samples', 'program.small.json');
      const choice = await vscode.window.showInformationMessage(
        'The bundled server runs the sample program. Choose a program file of your own (JSON, see schemas/program.schema.json), or open the sample.',
        'Choose File…',
        'Open Sample',
      );
      if (choice === 'Open Sample') await vscode.window.showTextDocument(sample);
      if (choice !== 'Choose File…') return;
      const [file] = (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Program JSON': ['json'] } })) ?? [];
      if (file) await vscode.workspace.getConfiguration('schedOrch.bundled').update('programFile', file.fsPath, vscode.ConfigurationTarget.Global);
    }),
    vscode.commands.registerCommand(COMMAND.selectMcpJsonServer, async () => {
      const servers = await (await loadRuntime()).workspaceMcpServers();
      if (!servers || servers.length === 0) {
        void vscode.window.showInformationMessage('This workspace has no servers in .vscode/mcp.json.');
        return undefined;
      }
      const chosen = await vscode.window.showQuickPick(
        servers.map((s) => ({
          label: s.name,
          description: s.status === 'usable' ? s.summary : 'cannot be used',
          ...(s.status === 'refused' ? { detail: s.reason } : {}),
          server: s,
        })),
        { placeHolder: 'Servers of .vscode/mcp.json' },
      );
      if (!chosen) return undefined;
      if (chosen.server.status === 'refused') {
        void vscode.window.showErrorMessage(`.vscode/mcp.json server "${chosen.label}": ${chosen.server.reason}`);
        return undefined;
      }
      const settings = vscode.workspace.getConfiguration('schedOrch.server');
      await settings.update('mcpJsonServer', chosen.label, vscode.ConfigurationTarget.Workspace);
      await settings.update('kind', 'mcpJson', vscode.ConfigurationTarget.Workspace);
      return chosen.label;
    }),
  ];
}
