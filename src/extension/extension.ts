/**
 * The VS Code host, a thin layer over the application layer (src/core/app): this file only
 * wires the parts together — the host's connection and application, the commands, the Runs
 * and Server views, the status bar and the log channel. Nothing here knows a workflow.
 */
// First: its body must run before every other module's (see loadStart.ts).
import { loadStartedAt } from './loadStart';
import * as vscode from 'vscode';
import type { SchedulingApp } from '../core/app/schedulingApp';
import type { ConnectionState } from '../core/mcp/connectionTypes';
import { CatalogPanel } from './catalogPanel';
import { chatHandler, registerChatParticipant } from './chat/participant';
import { COMMAND, VIEW } from './commands/ids';
import { registerRunCommands } from './commands/runCommands';
import { describeConnectError, registerServerCommands } from './commands/serverCommands';
import { Host } from './host';
import { RunPanels } from './panel/runPanel';
import { channelLogger } from './log';
import { registerLanguageModelTools } from './lm/registerTools';
import { MCP_PROVIDER_ID, SchedulingServerProvider } from './mcpProvider';
import { RECONNECT_SECTIONS } from './settings';
import { registerResources } from './resources';
import { resumeTaskRuns, trackTaskRuns } from './taskRuns';
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
  /** The @scheduler participant's handler, for driving it without the chat view. */
  chat: vscode.ChatRequestHandler;
  mcpProvider: SchedulingServerProvider;
  /** How long activate() itself took, in ms (also in the log; the bundle's loading comes before it). */
  activationMs: number;
  /** How long the bundle's modules took to evaluate, in ms (before VS Code calls activate()). */
  evaluationMs: number;
}

let host: Host | undefined;

export function activate(context: vscode.ExtensionContext): SchedOrchApi {
  const started = performance.now();
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
    status.text = `${STATE_LABEL[state]}${latest ? ` · last run: ${latest}` : ''}`;
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

  // One set of run panels per application; their serializer restores the panels open before a reload.
  let panels: RunPanels | undefined;
  let serializer: vscode.Disposable | undefined;
  const bindPanels = (app: SchedulingApp | undefined) => {
    serializer?.dispose();
    panels?.dispose();
    panels = app ? new RunPanels(context.extensionUri, app, logger) : undefined;
    serializer = panels?.registerSerializer();
  };
  const openRun = async (runId: string) => {
    await current.ensureApp();
    if (!panels) throw new Error('The run panel is not available: the application could not start (see the log).');
    panels.open(runId);
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
      bindPanels(app);
      unwatchRuns();
      unwatchRuns = app ? app.runs.onDidChange((c) => (c.kind === 'changed' ? undefined : setContext())) : () => undefined;
      setContext();
    }),
    { dispose: () => unwatchRuns() },
    { dispose: () => bindPanels(undefined) },
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
    ...registerResources(current),
    trackTaskRuns(context, current),
    mcpProvider,
    vscode.lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, mcpProvider),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // The next command makes a new connection from the new settings: no reload needed.
      if (RECONNECT_SECTIONS.some((s) => e.affectsConfiguration(s))) void current.settingsChanged();
    }),
  );
  // Runs an earlier host of this window left on server tasks go on (after activation: nothing connects here).
  setTimeout(() => void resumeTaskRuns(context, current).catch((error: unknown) => logger.log('error', 'Interrupted runs could not be resumed', { error: String(error) })), 0);
  // The activation budget is 50 ms (nothing connects or reads files here).
  const activationMs = performance.now() - started;
  const evaluationMs = evaluatedAt - loadStartedAt;
  logger.log('info', `activated in ${activationMs.toFixed(1)} ms; the bundle evaluated in ${evaluationMs.toFixed(1)} ms`);
  return { app: () => current.app, runsTree, chat: chatHandler(current), mcpProvider, activationMs, evaluationMs };
}

export async function deactivate(): Promise<void> {
  await host?.shutdown();
  host = undefined;
}

// Last: every module of the bundle has been evaluated by now (see loadStart.ts).
const evaluatedAt = performance.now();
