/**
 * The extension's settings (`schedOrch.*`) read into the core's terms: which server to reach
 * (the bundled one by default, started with VS Code's own Node runtime; a stdio command; a
 * URL; or an entry of the workspace's `.vscode/mcp.json`), connection time limits, policy
 * overrides with cache TTLs, and the approver's name. The API key is never a setting: it
 * lives in SecretStorage.
 */
import { userInfo } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readMcpJson, type McpJsonServer } from '../core/app/mcpJson';
import type { ApiKeySource } from '../core/mcp/apiKey';
import { parseServerConfig, type ServerConfig } from '../core/mcp/config';
import type { McpConnectionOptions } from '../core/mcp/connectionTypes';
import { OrchestratorError } from '../core/errors';
import { parsePolicyOverrides, type PolicyOverrides } from '../core/policy/policies';

export const API_KEY_SECRET = 'schedOrch.apiKey';

/** The setting sections whose change needs a new connection (and a new application). */
export const RECONNECT_SECTIONS = ['schedOrch.server', 'schedOrch.bundled', 'schedOrch.connection', 'schedOrch.policies', 'schedOrch.cache'];

/** The bundled server's program and database files (the database defaults to global storage). */
export function bundledFiles(context: vscode.ExtensionContext): { program: string | undefined; database: string } {
  const settings = vscode.workspace.getConfiguration('schedOrch.bundled');
  const program = settings.get<string>('programFile', '').trim();
  const database = settings.get<string>('databaseFile', '').trim();
  return { program: program || undefined, database: database || path.join(context.globalStorageUri.fsPath, 'schedule.db') };
}

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

export function connectionLimits(): Pick<McpConnectionOptions, 'connectTimeoutMs' | 'requestTimeoutMs'> {
  const settings = vscode.workspace.getConfiguration('schedOrch.connection');
  return { connectTimeoutMs: settings.get<number>('connectTimeoutMs', 30_000), requestTimeoutMs: settings.get<number>('requestTimeoutMs', 30_000) };
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

/** The configured approver, else the OS user name. */
export function approverName(): string {
  const configured = vscode.workspace.getConfiguration('schedOrch').get<string>('approverName', '').trim();
  if (configured) return configured;
  try {
    return userInfo().username || 'VS Code user';
  } catch {
    return 'VS Code user';
  }
}

export function secretApiKeySource(secrets: vscode.SecretStorage): ApiKeySource {
  return { description: 'VS Code secret storage', get: async () => (await secrets.get(API_KEY_SECRET)) ?? undefined };
}
