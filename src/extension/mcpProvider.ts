/**
 * Offers the configured scheduling server (the bundled one by default) to Copilot's agent
 * mode as an MCP server. For an HTTP server the API key is read from secret storage only when
 * VS Code resolves the definition, so it is never written to a file, a setting or a log; the
 * definitions change when the server settings or the key change.
 */
import * as vscode from 'vscode';
import { loadRuntime } from './loadRuntime';
import { API_KEY_SECRET, RECONNECT_SECTIONS } from './settings';

export const MCP_PROVIDER_ID = 'schedOrch.schedulingServer';
const LABEL = 'Scheduling server (Schedule Orchestrator)';

export class SchedulingServerProvider implements vscode.McpServerDefinitionProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeMcpServerDefinitions = this.changed.event;
  private readonly listeners: vscode.Disposable[];

  constructor(private readonly context: vscode.ExtensionContext) {
    this.listeners = [
      vscode.workspace.onDidChangeConfiguration((e) => (RECONNECT_SECTIONS.some((s) => e.affectsConfiguration(s)) ? this.changed.fire() : undefined)),
      context.secrets.onDidChange((e) => (e.key === API_KEY_SECRET ? this.changed.fire() : undefined)),
    ];
  }

  async provideMcpServerDefinitions(): Promise<vscode.McpServerDefinition[]> {
    const { describeServer, serverConfigFromSettings } = await loadRuntime();
    const config = await serverConfigFromSettings(this.context);
    const version = String((this.context.extension.packageJSON as { version?: string }).version ?? '0');
    if (config.kind === 'stdio') return [new vscode.McpStdioServerDefinition(LABEL, config.command, config.args, config.env, version)];
    // The definition VS Code lists carries no secret; the key is added when it is resolved.
    return [new vscode.McpHttpServerDefinition(`${LABEL}: ${describeServer(config)}`, vscode.Uri.parse(config.url), {}, version)];
  }

  async resolveMcpServerDefinition(server: vscode.McpServerDefinition): Promise<vscode.McpServerDefinition> {
    if (!(server instanceof vscode.McpHttpServerDefinition)) return server;
    const key = await this.context.secrets.get(API_KEY_SECRET);
    if (key) server.headers = { ...server.headers, Authorization: `Bearer ${key}` };
    return server;
  }

  dispose(): void {
    this.listeners.forEach((l) => l.dispose());
    this.changed.dispose();
  }
}
