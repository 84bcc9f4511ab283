/**
 * Which tool server the extension talks to, from the `schedOrch.server.*` settings. The
 * default is the bundled scheduling server, started over stdio with VS Code's own Node
 * runtime and a database in the extension's global storage. The API key is never a
 * setting: it lives in SecretStorage.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ApiKeySource } from '../core/mcp/apiKey';
import { parseServerConfig, type ServerConfig } from '../core/mcp/config';

export const API_KEY_SECRET = 'schedOrch.apiKey';

export function serverConfigFromSettings(context: vscode.ExtensionContext): ServerConfig {
  const settings = vscode.workspace.getConfiguration('schedOrch.server');
  const kind = settings.get<string>('kind', 'bundled');
  if (kind === 'stdio') {
    return parseServerConfig({ kind: 'stdio', command: settings.get<string>('command', ''), args: settings.get<string[]>('args', []), env: settings.get('env', {}) });
  }
  if (kind === 'http') {
    return parseServerConfig({ kind: 'http', url: settings.get<string>('url', 'http://127.0.0.1:8080/mcp') });
  }
  const storage = context.globalStorageUri.fsPath;
  return parseServerConfig({
    kind: 'stdio',
    // VS Code's runtime runs plain Node scripts when ELECTRON_RUN_AS_NODE is set.
    command: process.execPath,
    args: [path.join(context.extensionPath, 'dist', 'server.js'), '--db', path.join(storage, 'schedule.db')],
    env: { ELECTRON_RUN_AS_NODE: '1' },
  });
}

export function secretApiKeySource(secrets: vscode.SecretStorage): ApiKeySource {
  return { description: 'VS Code secret storage', get: async () => (await secrets.get(API_KEY_SECRET)) ?? undefined };
}
