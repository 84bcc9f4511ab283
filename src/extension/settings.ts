/**
 * The extension's settings (`schedOrch.*`) read into the core's terms: the bundled server's
 * files, connection time limits and the approver's name. The API key is never a setting: it
 * lives in SecretStorage. The settings that are parsed and checked (which server, policy
 * overrides) are read in serverSettings.ts, loaded with the application.
 */
import { userInfo } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ApiKeySource } from '../core/mcp/apiKey';
import type { McpConnectionOptions } from '../core/mcp/connectionTypes';

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

export function connectionLimits(): Pick<McpConnectionOptions, 'connectTimeoutMs' | 'requestTimeoutMs'> {
  const settings = vscode.workspace.getConfiguration('schedOrch.connection');
  return { connectTimeoutMs: settings.get<number>('connectTimeoutMs', 30_000), requestTimeoutMs: settings.get<number>('requestTimeoutMs', 30_000) };
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
