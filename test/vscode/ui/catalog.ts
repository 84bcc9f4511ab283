/** From the palette to the catalog panel with the default, bundled scheduling server. */
import assert from 'node:assert/strict';
import { CAPABILITIES } from '../../../src/core/mcp/capabilities';
import { test } from '../../support/vscode/runner';
import type { UiScenario } from './index';
import { capabilityCells, COMMAND_TITLES, runSteps } from './scenario';

export const bundledServerScenario: UiScenario = {
  name: 'bundled-server',
  setUp: () => Promise.resolve({ settings: {}, tearDown: () => Promise.resolve() }),
  run: (context) =>
    runSteps(context, (workbench) => {
      const { page } = workbench;

      test('the workbench opens with the extension installed', async () => {
        await workbench.ready();
        await workbench.screenshot('01-workbench');
      }, 120_000);

      test('the command palette lists the commands', async () => {
        // More commands than the palette shows at once: look each one up by its title.
        for (const title of Object.values(COMMAND_TITLES)) {
          await workbench.findCommand(title);
          await page.keyboard.press('Escape');
        }
        await workbench.findCommand('Schedule Orchestrator');
        await workbench.screenshot('02-command-palette');
        await page.keyboard.press('Escape');
      });

      test('Show Server Tools lists every capability and the tool that answers it', async () => {
        await workbench.runCommand(COMMAND_TITLES.showTools);
        const view = workbench.webview();
        const rows = view.locator('tr:has(td)');
        await rows.first().waitFor({ timeout: 90_000 });
        assert.equal(await rows.count(), CAPABILITIES.length);
        assert.deepEqual(await view.locator('th').allTextContents(), ['Capability', 'Status', 'Tool', 'Kind', 'Notes']);
        const validate = capabilityCells(workbench, 'validate_schedule');
        assert.deepEqual((await validate.allTextContents()).slice(1, 4), ['● available', 'validate_schedule_tool', 'read-only']);
        const summary = (await view.locator('p.summary').textContent()) ?? '';
        assert.match(summary, new RegExp(`^\\d+ tools on the server; \\d+ of ${CAPABILITIES.length} capabilities available\\.$`));
        await workbench.screenshot('03-catalog-bundled-server');
      }, 150_000);

      test('the status bar shows the connection as connected', async () => {
        await workbench.statusBarItem('Scheduling: connected').waitFor();
        await workbench.screenshot('04-status-bar-connected', page.locator('.part.statusbar'));
      });
    }),
};
