/**
 * The VS Code host, a thin layer over the application layer (src/core/app): this file only
 * wires the parts together — the host's connection and application, the commands, the Runs
 * and Server views, the status bar and the log channel. Nothing here knows a workflow.
 */
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { SchedulingApp } from '../core/app/schedulingApp';
import type { ConnectionState } from '../core/mcp/connection';
import { CatalogPanel } from './catalogPanel';
import { chatHandler, registerChatParticipant } from './chat/participant';
import { COMMAND, VIEW } from './commands/ids';
import { registerRunCommands } from './commands/runCommands';
import { describeConnectError, registerServerCommands } from './commands/serverCommands';
import { Host } from './host';
import { channelLogger } from './log';
import { registerLanguageModelTools } from './lm/registerTools';
import { MCP_PROVIDER_ID, SchedulingServerProvider } from './mcpProvider';
import { RECONNECT_SECTIONS } from './settings';
import { RunsTree, type RunsNode } from './views/runsTree';
import { ServerTree } from './views/serverTree';

const STATE_LABEL: Record<ConnectionState, string> = {
  disconnected: '$(debug-disconnect) Scheduling: disconnected',
  connecting: '$(sync~spin) Scheduling: connecting',
  connected: '$(plug) Scheduling: connected',
  error: '$(error) Scheduling: error',
};

/** What the extension offers other extensions (and its integration tests): read-only views of its state. */
export interface SchedOrchApi {
  app(): SchedulingApp | undefined;
  runsTree: vscode.TreeDataProvider<RunsNode>;
  serverTree: ServerTree;
  /** The @scheduler participant's handler, for driving it without the chat view. */
  chat: vscode.ChatRequestHandler;
  mcpProvider: SchedulingServerProvider;
}

let host: Host | undefined;

export function activate(context: vscode.ExtensionContext): SchedOrchApi {
  const channel = vscode.window.createOutputChannel('Schedule Orchestrator', { log: true });
  const logger = channelLogger(channel);
  host = new Host(context, logger);
  const current = host;

  const status = vscode.window.createStatusBarItem('schedOrch.status', vscode.StatusBarAlignment.Left);
  status.name = 'Schedule Orchestrator';
  status.command = `${VIEW.server}.focus`;
  let latest: string | undefined;
  const showStatus = () => {
    const { state, error } = current.connection;
    status.text = `${STATE_LABEL[state]}${latest ? ` · ${latest}` : ''}`;
    status.tooltip = error ? describeConnectError(error) : (current.app?.connection.description ?? 'Open the Server view');
  };
  showStatus();
  status.show();

  const runsTree = new RunsTree(current);
  const runsView = vscode.window.createTreeView(VIEW.runs, { treeDataProvider: runsTree, showCollapseAll: true });
  runsTree.attach(runsView);
  const serverTree = new ServerTree(current);
  const serverView = vscode.window.createTreeView(VIEW.server, { treeDataProvider: serverTree });

  const setContext = () => {
    void vscode.commands.executeCommand('setContext', 'schedOrch.connected', current.connection.state === 'connected');
    void vscode.commands.executeCommand('setContext', 'schedOrch.hasRuns', (current.app?.runs.list().length ?? 0) > 0);
  };
  setContext();

  const openRun = async (runId: string) => {
    const app = await current.ensureApp();
    const report = app.reportFiles(runId).markdown;
    if (existsSync(report)) {
      await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(report));
      return;
    }
    // A run still going has no report yet: show it in the tree.
    await runsView.reveal({ kind: 'run', runId }, { select: true, focus: true, expand: true }).then(undefined, () => undefined);
  };

  const mcpProvider = new SchedulingServerProvider(context);
  let unwatchRuns: () => void = () => undefined;
  context.subscriptions.push(
    channel,
    status,
    current,
    runsTree,
    runsView,
    serverTree,
    serverView,
    current.onDidChangeConnection(({ state, error }) => {
      showStatus();
      setContext();
      CatalogPanel.connectionChanged({ type: 'state', state, ...(error ? { error: describeConnectError(error) } : {}) });
    }),
    current.onDidChangeApp((app) => {
      unwatchRuns();
      unwatchRuns = app ? app.runs.onDidChange((c) => (c.kind === 'changed' ? undefined : setContext())) : () => undefined;
      setContext();
    }),
    { dispose: () => unwatchRuns() },
    ...registerServerCommands(context, current, channel),
    ...registerRunCommands(current, {
      openRun,
      onResult: (result) => {
        latest = result;
        showStatus();
      },
    }),
    vscode.commands.registerCommand(COMMAND.refreshRuns, () => current.app?.loadHistory()),
    registerChatParticipant(context, current),
    ...registerLanguageModelTools(current),
    mcpProvider,
    vscode.lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, mcpProvider),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // The next command makes a new connection from the new settings: no reload needed.
      if (RECONNECT_SECTIONS.some((s) => e.affectsConfiguration(s))) void current.reset();
    }),
  );
  return { app: () => current.app, runsTree, serverTree, chat: chatHandler(current), mcpProvider };
}

export async function deactivate(): Promise<void> {
  await host?.reset();
  host = undefined;
}
