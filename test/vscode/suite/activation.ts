/** The extension as VS Code sees it: found by id, activated by its own command, commands in place. */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMAND } from '../../../src/extension/commands/ids';
import { test } from '../../support/vscode/runner';

const EXTENSION_ID = 'sched-orch.sched-orch';
// The manifest and the typed ids (src/extension/commands/ids.ts) must agree.
const COMMANDS = Object.values(COMMAND).sort();

function extension(): vscode.Extension<unknown> {
  const found = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(found, `extension ${EXTENSION_ID} is not loaded`);
  return found;
}

function contributedCommands(ext: vscode.Extension<unknown>): string[] {
  const manifest = ext.packageJSON as { contributes?: { commands?: { command: string }[] } };
  return (manifest.contributes?.commands ?? []).map((c) => c.command).sort();
}

test('the extension stays inactive until one of its commands runs', async () => {
  const ext = extension();
  assert.equal(ext.isActive, false, 'nothing should activate the extension at start-up');
  await vscode.commands.executeCommand('schedOrch.showLog');
  assert.equal(ext.isActive, true);
});

test('the manifest contributes every command id and each one is registered', async () => {
  const contributed = contributedCommands(extension());
  assert.deepEqual(contributed, COMMANDS);
  const registered = new Set(await vscode.commands.getCommands(true));
  assert.deepEqual(
    contributed.filter((c) => !registered.has(c)),
    [],
  );
});
