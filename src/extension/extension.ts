/**
 * The VS Code host: a thin layer over the core. It owns one connection to the configured
 * scheduling server, one log channel, and the commands; everything it shows comes from the
 * core (connection layer, capability catalogue).
 */
import * as vscode from 'vscode';
import { OrchestratorError } from '../core/errors';
import { CAPABILITIES } from '../core/mcp/capabilities';
import { resolveCapability } from '../core/mcp/catalog';
import { McpConnection, type ConnectionState } from '../core/mcp/connection';
import type { CapabilityRow } from '../webview/messages';
import { CatalogPanel } from './catalogPanel';
import { channelLogger } from './log';
import { API_KEY_SECRET, secretApiKeySource, serverConfigFromSettings } from './serverSettings';

const STATE_LABEL: Record<ConnectionState, string> = {
  disconnected: '$(debug-disconnect) Scheduling: disconnected',
  connecting: '$(sync~spin) Scheduling: connecting',
  connected: '$(plug) Scheduling: connected',
  error: '$(error) Scheduling: error',
};

let connection: McpConnection | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const channel = vscode.window.createOutputChannel('Schedule Orchestrator', { log: true });
  const logger = channelLogger(channel);
  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left);
  status.command = 'schedOrch.showTools';
  status.text = STATE_LABEL.disconnected;
  status.show();
  context.subscriptions.push(channel, status);

  const connect = async (): Promise<McpConnection> => {
    if (connection) return connection;
    await vscode.workspace.fs.createDirectory(context.globalStorageUri);
    const created = new McpConnection({ server: serverConfigFromSettings(context), logger, apiKey: secretApiKeySource(context.secrets) });
    created.on('state', ({ state, error }) => {
      status.text = STATE_LABEL[state];
      status.tooltip = error ? error.message : created.description;
      CatalogPanel.connectionChanged({ type: 'state', state, ...(error ? { error: describeError(error) } : {}) });
    });
    connection = created;
    return created;
  };

  const resetConnection = async () => {
    const old = connection;
    connection = undefined;
    await old?.close();
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('schedOrch.showTools', async () => {
      try {
        const conn = await connect();
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Connecting to the scheduling server…', cancellable: true }, (_progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          return conn.connect(abort.signal);
        });
        const rows: CapabilityRow[] = CAPABILITIES.map((spec) => {
          const r = resolveCapability(spec.name, conn.tools);
          return r.status === 'available'
            ? { capability: spec.name, description: spec.description, status: r.status, tool: r.tool, writes: r.writes }
            : { capability: spec.name, description: spec.description, status: r.status, reason: r.reason };
        });
        const server = conn.serverInfo ? `${conn.serverInfo.name} ${conn.serverInfo.version}` : conn.description;
        CatalogPanel.show(context.extensionUri, { type: 'catalog', server, toolCount: conn.tools.length, rows });
      } catch (error) {
        // Not awaited: the command ends now; the buttons act whenever the user picks one.
        const hasKey = (await context.secrets.get(API_KEY_SECRET)) !== undefined;
        void vscode.window.showErrorMessage(describeError(error, hasKey), 'Set API Key', 'Show Log').then((choice) => {
          if (choice === 'Set API Key') void vscode.commands.executeCommand('schedOrch.setApiKey');
          else if (choice === 'Show Log') channel.show();
        });
      }
    }),
    vscode.commands.registerCommand('schedOrch.setApiKey', async () => {
      const key = await vscode.window.showInputBox({ prompt: 'API key of the scheduling server (stored in VS Code secret storage)', password: true, ignoreFocusOut: true });
      if (!key) return;
      await context.secrets.store(API_KEY_SECRET, key.trim());
      await resetConnection();
      void vscode.window.showInformationMessage('Scheduling server API key saved.');
    }),
    vscode.commands.registerCommand('schedOrch.clearApiKey', async () => {
      await context.secrets.delete(API_KEY_SECRET);
      await resetConnection();
      void vscode.window.showInformationMessage('Scheduling server API key cleared.');
    }),
    vscode.commands.registerCommand('schedOrch.showLog', () => channel.show()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('schedOrch.server')) void resetConnection();
    }),
  );
}

/** The cause first: a collapsed notification shows only its beginning. */
function describeError(error: unknown, hasKey?: boolean): string {
  if (error instanceof OrchestratorError && error.kind === 'auth') {
    const what = hasKey === false ? 'requires an API key' : 'refused the API key';
    return `Scheduling server ${what} (authentication failed). Set it with "Set Server API Key".`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `Scheduling server unavailable: ${message}`;
}

export async function deactivate(): Promise<void> {
  await connection?.close();
  connection = undefined;
}
