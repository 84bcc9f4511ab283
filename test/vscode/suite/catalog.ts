/**
 * "Show Server Tools" end to end inside the extension host: the command connects to the
 * configured server (the bundled one by default, started with VS Code's own runtime) and
 * opens the catalog panel only once the connection is up. The extension exposes no API, so
 * the panel's tab is the observable sign that the state reached 'connected'.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { everythingServerScript } from '../../support/mcp/everything';
import { eventually } from '../../support/mcp/wait';
import { afterEach, test } from '../../support/vscode/runner';

const SERVER_SETTINGS = ['kind', 'command', 'args', 'env'] as const;

function catalogTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('schedOrch.catalog'));
}

async function useServer(values: Partial<Record<(typeof SERVER_SETTINGS)[number], unknown>>): Promise<void> {
  const settings = vscode.workspace.getConfiguration('schedOrch.server');
  for (const key of SERVER_SETTINGS) await settings.update(key, values[key], vscode.ConfigurationTarget.Global);
}

afterEach(async () => {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await useServer({});
  await eventually(() => catalogTabs().length === 0, 'the catalog panel to close');
});

test('Show Tools starts the bundled server and opens the catalog', async () => {
  await vscode.commands.executeCommand('schedOrch.showTools');
  await eventually(() => catalogTabs().length === 1, 'the catalog panel', 10_000);
  assert.equal(catalogTabs()[0]?.label, 'Scheduling Server Tools');
}, 90_000);

test('a stdio server from the settings is used instead of the bundled one', async () => {
  await useServer({ kind: 'stdio', command: process.execPath, args: [everythingServerScript(), 'stdio'] });
  await vscode.commands.executeCommand('schedOrch.showTools');
  await eventually(() => catalogTabs().length === 1, 'the catalog panel', 10_000);
}, 60_000);

test('a server that cannot start leaves no panel, and fixing the setting recovers', async () => {
  await useServer({ kind: 'stdio', command: join(tmpdir(), `no-such-server-${randomUUID()}`) });
  // The command reports the failure itself (an error message) and must not throw.
  await vscode.commands.executeCommand('schedOrch.showTools');
  assert.equal(catalogTabs().length, 0);

  await useServer({ kind: 'stdio', command: process.execPath, args: [everythingServerScript(), 'stdio'] });
  await vscode.commands.executeCommand('schedOrch.showTools');
  await eventually(() => catalogTabs().length === 1, 'the catalog panel after fixing the setting', 10_000);
}, 60_000);
