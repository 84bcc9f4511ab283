/**
 * The settings that are parsed and checked before a connection is made (loaded with the
 * application, not on activation: see runtime.ts): which server to reach (the bundled one by
 * default, started with VS Code's own Node runtime; a stdio command; a URL; or an entry of the
 * workspace's `.vscode/mcp.json`) and the policy overrides with cache TTLs.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readMcpJson, type McpJsonServer } from '../core/app/mcpJson';
import { parseServerConfig, type ServerConfig } from '../core/mcp/config';
import { OrchestratorError } from '../core/errors';
import { parsePolicyOverrides, type PolicyOverrides } from '../core/policy/policies';
import { bundledFiles } from './settings';

/** The `.vscode/mcp.json` of the first workspace folder, or undefined when there is none. */
export async function workspaceMcpServers(): Promise<McpJsonServer[] | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, '.vscode', 'mcp.json'));
  } catch {
    return undefined;
  }
  return readMcpJson(new TextDecoder().decode(bytes), process.env, folder.uri.fsPath);
}

export async function serverConfigFromSettings(context: vscode.ExtensionContext): Promise<ServerConfig> {
  const settings = vscode.workspace.getConfiguration('schedOrch.server');
  const kind = settings.get<string>('kind', 'bundled');
  if (kind === 'stdio') {
    return parseServerConfig({ kind: 'stdio', command: settings.get<string>('command', ''), args: settings.get<string[]>('args', []), env: settings.get('env', {}) });
  }
  if (kind === 'http') return parseServerConfig({ kind: 'http', url: settings.get<string>('url', 'http://127.0.0.1:8080/mcp') });
  if (kind === 'mcpJson') {
    const name = settings.get<string>('mcpJsonServer', '');
    const servers = await workspaceMcpServers();
    if (!servers) throw new OrchestratorError('validation', 'schedOrch.server.kind is "mcpJson" but the workspace has no .vscode/mcp.json');
    const entry = name ? servers.find((s) => s.name === name) : servers.length === 1 ? servers[0] : undefined;
    if (!entry)
      throw new OrchestratorError('validation', `choose one of the .vscode/mcp.json servers (${servers.map((s) => s.name).join(', ')}) with "Select Server from mcp.json"`);
    if (entry.status === 'refused') throw new OrchestratorError('validation', `.vscode/mcp.json server "${entry.name}": ${entry.reason}`);
    return entry.config;
  }
  const files = bundledFiles(context);
  return parseServerConfig({
    kind: 'stdio',
    // VS Code's runtime runs plain Node scripts when ELECTRON_RUN_AS_NODE is set.
    command: process.execPath,
    args: [path.join(context.extensionPath, 'dist', 'server.js'), '--db', files.database, ...(files.program ? ['--program', files.program] : [])],
    env: { ELECTRON_RUN_AS_NODE: '1' },
  });
}

/** `schedOrch.policies` with `schedOrch.cache.ttlSeconds` on top; a bad value throws a validation error naming it. */
export function policyOverrides(): PolicyOverrides | undefined {
  const raw = { ...vscode.workspace.getConfiguration('schedOrch').get<Record<string, Record<string, unknown>>>('policies', {}) };
  const ttls = vscode.workspace.getConfiguration('schedOrch.cache').get<Record<string, number>>('ttlSeconds', {});
  for (const [capability, seconds] of Object.entries(ttls)) {
    const own = raw[capability] ?? {};
    raw[capability] = { ...own, cache: { ...(own['cache'] as Record<string, unknown> | undefined), ttlMs: seconds * 1000 } };
  }
  if (Object.keys(raw).length === 0) return undefined;
  try {
    return parsePolicyOverrides(raw);
  } catch (error) {
    throw new OrchestratorError('validation', `schedOrch.policies / schedOrch.cache.ttlSeconds: ${error instanceof Error ? error.message : String(error)}`);
  }
}
