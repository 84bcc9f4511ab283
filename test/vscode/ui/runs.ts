/**
 * The workflows as a user meets them: from the palette, through the quick picks, to the Runs
 * tree with confidences, the modal approval of a generated draft, Cancel from the tree, and
 * the walkthrough. Run once in the dark theme and once in the light one; every step leaves a
 * screenshot.
 */
import assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import type { Workbench } from '../../support/vscode/workbench';
import { test } from '../../support/vscode/runner';
import type { UiScenario } from './index';
import { runSteps } from './scenario';

const TITLES = {
  checkCompliance: 'Schedule Orchestrator: Check Compliance',
  generateSchedule: 'Schedule Orchestrator: Generate Schedule',
};

/** Answers the open quick input: types `text` (or keeps the default) and presses Enter. */
async function answer(workbench: Workbench, title: RegExp, text?: string): Promise<void> {
  const widget = workbench.page.locator('.quick-input-widget', { hasText: title });
  await widget.waitFor({ timeout: 60_000 });
  if (text !== undefined) await workbench.quickInput().fill(text);
  await workbench.page.keyboard.press('Enter');
  await widget.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'hidden', timeout: 30_000 });
}

function runsView(workbench: Workbench): Locator {
  return workbench.page.locator('.pane', { has: workbench.page.locator('.pane-header', { hasText: 'Runs' }) });
}

function row(workbench: Workbench, text: string | RegExp): Locator {
  return runsView(workbench).locator('.monaco-list-row', { hasText: text });
}

async function generate(workbench: Workbench, mode: string): Promise<void> {
  await workbench.runCommand(TITLES.generateSchedule);
  await answer(workbench, /Schedule generation \(1\/4\)/, mode);
  await answer(workbench, /Schedule generation \(2\/4\)/, '2027-01-04');
  await answer(workbench, /Schedule generation \(3\/4\)/, '2027-01-10');
  // The algorithm: Enter keeps the server's default.
  await answer(workbench, /Schedule generation \(4\/4\)/);
}

function scenario(theme: 'dark' | 'light'): UiScenario {
  const shot = (name: string) => `${theme}-${name}`;
  return {
    name: `runs-${theme}`,
    setUp: () =>
      Promise.resolve({
        settings: { 'workbench.colorTheme': theme === 'dark' ? 'Default Dark Modern' : 'Default Light Modern', 'workbench.view.alwaysShowHeaderActions': true },
        tearDown: () => Promise.resolve(),
      }),
    run: (context) =>
      runSteps(context, (workbench) => {
        const { page } = workbench;

        test('the activity bar has the Schedule Orchestrator container with its welcome content', async () => {
          await workbench.ready();
          await page.locator('.activitybar a.action-label[aria-label^="Schedule Orchestrator"]').click();
          await runsView(workbench).getByText('No runs yet').waitFor({ timeout: 60_000 });
          await workbench.screenshot(shot('10-runs-welcome'));
        }, 120_000);

        test('Check Compliance from the palette: mode and range quick inputs, then the Runs tree shows phases with confidences', async () => {
          await workbench.runCommand(TITLES.checkCompliance);
          await answer(workbench, /Compliance check \(1\/3\)/, undefined);
          await workbench.screenshot(shot('11-compliance-range-prompt'));
          await answer(workbench, /Compliance check \(2\/3\)/);
          await answer(workbench, /Compliance check \(3\/3\)/);
          await row(workbench, /ACGME/).first().waitFor({ timeout: 60_000 });
          await row(workbench, /\d\.\d\d (Moderate|High|Very high|Low|Very low|None)/)
            .first()
            .waitFor({ timeout: 90_000 });
          await runsView(workbench)
            .locator('.monaco-list-row', { hasText: /Compliance check/ })
            .first()
            .locator('.label-description', { hasText: /standard · (completed|needs review|blocked)/ })
            .waitFor({ timeout: 90_000 });
          await workbench.screenshot(shot('12-compliance-runs-tree'));
          assert.ok((await row(workbench, /\d\.\d\d/).count()) >= 3);
        }, 150_000);

        if (theme === 'dark') {
          test('Generate Schedule reaches the modal approval; Reject publishes nothing', async () => {
            await workbench.clearNotifications().catch(() => undefined);
            await generate(workbench, 'express');
            const dialog = page.locator('.monaco-dialog-box');
            await dialog.waitFor({ timeout: 120_000 });
            assert.match((await dialog.textContent()) ?? '', /Approving allows/);
            await workbench.screenshot(shot('13-generate-modal-approval'));
            await dialog.locator('.monaco-button', { hasText: 'Reject' }).click();
            await row(workbench, /Schedule generation/)
              .first()
              .locator('.label-description', { hasText: /rejected|blocked/ })
              .waitFor({ timeout: 60_000 });
            await workbench.screenshot(shot('14-generate-rejected'));
          }, 180_000);

          test('a run left waiting for its approval is cancelled from the tree', async () => {
            await generate(workbench, 'standard');
            // Approve…, then close the reason prompt: the run keeps waiting (the tree's badge counts it).
            const dialog = page.locator('.monaco-dialog-box');
            await dialog.waitFor({ timeout: 120_000 });
            await dialog.locator('.monaco-button', { hasText: 'Approve' }).click();
            await page.locator('.quick-input-widget', { hasText: /Approve: / }).waitFor();
            await page.keyboard.press('Escape');
            const waiting = row(workbench, /Schedule generation/).first();
            await waiting.locator('.label-description', { hasText: /waiting/ }).waitFor({ timeout: 30_000 });
            await workbench.screenshot(shot('15-run-waiting-for-approval'));
            await waiting.click({ button: 'right', force: true });
            const cancel = page.locator('.context-view .monaco-menu .action-item', { hasText: 'Cancel Run' });
            await cancel.waitFor({ timeout: 10_000 });
            await workbench.screenshot(shot('16-cancel-context-menu'));
            await cancel.click();
            await waiting.locator('.label-description', { hasText: /cancelled/ }).waitFor({ timeout: 30_000 });
            await workbench.screenshot(shot('17-cancelled-from-tree'));
          }, 180_000);
        }

        test('the status bar shows the connection and the latest result; the Server view lists capabilities and health', async () => {
          await workbench.statusBarItem('Scheduling: connected').waitFor();
          // The status bar item opens (focuses) the Server view.
          await workbench.statusBarItem('Scheduling: connected').click();
          await page.locator('.pane .monaco-list-row', { hasText: 'Tool health' }).waitFor();
          await workbench.screenshot(shot('18-server-view'));
        }, 60_000);

        test('the walkthrough opens', async () => {
          await workbench.runCommand('Welcome: Open Walkthrough...');
          await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get started with the Schedule Orchestrator' }).click();
          await page.getByText('Get started with the Schedule Orchestrator').first().waitFor({ timeout: 30_000 });
          await page.getByText('Run a compliance check').first().waitFor();
          await workbench.screenshot(shot('19-walkthrough'));
        }, 60_000);
      }),
  };
}

export const runsDarkScenario = scenario('dark');
export const runsLightScenario = scenario('light');
