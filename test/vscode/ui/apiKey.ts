/**
 * An HTTP server that needs an API key, as the real scheduling server does: refused without
 * one, reached once the user enters the key (kept in VS Code's secret storage), refused again
 * after the key is cleared. The key must never appear in the output channel or any log file.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHttpTestServer, type HttpTestServer } from '../../support/mcp/httpServer';
import { test } from '../../support/vscode/runner';
import type { UiScenario } from './index';
import { capabilityCells, COMMAND_TITLES, runSteps } from './scenario';

const KEY = `ui-test-key-${randomUUID()}`;
let server: HttpTestServer | undefined;

function started(): HttpTestServer {
  assert.ok(server, 'the HTTP test server was not started');
  return server;
}

function filesContaining(dir: string, needle: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => readFileSync(file, 'utf8').includes(needle));
}

export const apiKeyScenario: UiScenario = {
  name: 'http-server-with-key',
  async setUp() {
    const http = await startHttpTestServer({ mode: 'stateless', apiKey: KEY });
    server = http;
    return {
      settings: { 'schedOrch.server.kind': 'http', 'schedOrch.server.url': http.url },
      tearDown: () => http.close(),
    };
  },
  run: (context) =>
    runSteps(context, (workbench) => {
      const { page } = workbench;

      test('without a key the server refuses the connection, and the user is told why', async () => {
        await workbench.ready();
        await workbench.runCommand(COMMAND_TITLES.showTools);
        // The cause comes first: a collapsed notification shows only its beginning.
        const toast = workbench.notification('Scheduling server requires an API key');
        await toast.waitFor();
        assert.match((await toast.textContent()) ?? '', /Set API Key/);
        await workbench.statusBarItem('Scheduling: error').waitFor();
        // The failed command must also close its progress notification.
        await workbench.notification('Connecting to the scheduling server').waitFor({ state: 'detached' });
        await workbench.screenshot('05-http-server-refuses-without-key');
        await workbench.clearNotifications();
      }, 120_000);

      test('Set Server API Key asks for the key in a password box and saves it', async () => {
        await workbench.runCommand(COMMAND_TITLES.setApiKey);
        const input = page.locator('.quick-input-widget input.input[type="password"]');
        await input.fill(KEY);
        await workbench.screenshot('06-api-key-prompt');
        await page.keyboard.press('Enter');
        await workbench.notification('API key saved').waitFor();
        // A new key drops the failed connection; the next command connects afresh.
        await workbench.statusBarItem('Scheduling: disconnected').waitFor();
        await workbench.clearNotifications();
      });

      test('with the key the server answers and the catalog shows its tools', async () => {
        await workbench.runCommand(COMMAND_TITLES.showTools);
        await workbench.webview().locator('h2', { hasText: 'sched-test-server 1.2.3' }).waitFor();
        assert.equal(await capabilityCells(workbench, 'validate_schedule').nth(2).textContent(), 'validate_schedule_tool');
        await workbench.statusBarItem('Scheduling: connected').waitFor();
        assert.ok(
          started().requests.some((r) => r.authorization === `Bearer ${KEY}`),
          'the server never received the key',
        );
        await workbench.screenshot('07-catalog-http-server-with-key');
      }, 60_000);

      test('Show Log shows the connection and never the key', async () => {
        await workbench.runCommand(COMMAND_TITLES.showLog);
        const output = page.locator('.part.panel .view-lines');
        // The editor renders spaces as no-break spaces, which \s matches.
        await output.filter({ hasText: /connected\sto\ssched-test-server@1\.2\.3/ }).waitFor();
        await workbench.screenshot('08-log');
        assert.equal((await output.textContent())?.includes(KEY), false, 'the output channel shows the key');
        assert.deepEqual(filesContaining(context.vscodeLogsDir, KEY), []);
      });

      test('Clear Server API Key forgets the key: the server refuses again', async () => {
        await workbench.runCommand(COMMAND_TITLES.clearApiKey);
        await workbench.notification('API key cleared').waitFor();
        await workbench.statusBarItem('Scheduling: disconnected').waitFor();
        await workbench.clearNotifications();
        await workbench.runCommand(COMMAND_TITLES.showTools);
        await workbench.notification('Scheduling server requires an API key').waitFor();
        // The catalog of the earlier connection stays, marked as out of date.
        await workbench.webview().locator('.banner', { hasText: 'Not connected' }).waitFor();
        await workbench.statusBarItem('Scheduling: error').waitFor();
        // The failed command must also close its progress notification.
        await workbench.notification('Connecting to the scheduling server').waitFor({ state: 'detached' });
        await workbench.screenshot('09-refused-after-clearing-key');
      }, 60_000);
    }),
};
