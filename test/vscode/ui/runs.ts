/**
 * The workflows as a user meets them: from the palette, through the quick picks, to the Runs
 * tree with confidences and the run panel (findings table, heat map, the approved draft's
 * diff), the modal approval of a generated draft (rejected, then approved with a reason),
 * Cancel from the tree, and the walkthrough. Run once in the dark theme and once in the light
 * one; every step leaves a screenshot, taken once the panel's page has drawn what it shows.
 */
import assert from 'node:assert/strict';
import type { FrameLocator, Locator } from 'playwright-core';
import { panelShows } from './panelFrame';
import type { Workbench } from '../../support/vscode/workbench';
import { test } from '../../support/vscode/runner';
import type { UiContext, UiScenario } from './index';
import { runSteps } from './scenario';

const TITLES = {
  checkCompliance: 'Schedule Orchestrator: Check Compliance',
  generateSchedule: 'Schedule Orchestrator: Generate Schedule',
};

/** The bundled sample program's schedule starts on this Monday: Generate Schedule's default week. */
const SAMPLE_FIRST_WEEK = ['2027-01-04', '2027-01-10'];

/** A loaded machine answers slower than the tools' SLAs; the UI is under test here, not the confidence gates. */
const PATIENT_POLICIES = { '*': { confidence: { slowAfterMs: 600_000 } } };

function quickInput(workbench: Workbench, title: RegExp): Locator {
  return workbench.page.locator('.quick-input-widget', { has: workbench.page.locator('.quick-input-title', { hasText: title }) });
}

/** Answers the open quick input: types `text` (or keeps the default) and presses Enter; returns the value it offered. */
async function answer(workbench: Workbench, title: RegExp, text?: string): Promise<string> {
  const widget = quickInput(workbench, title);
  await widget.waitFor({ timeout: 60_000 });
  const offered = await workbench.quickInput().inputValue();
  await workbench.answerQuickInput(widget, text);
  return offered;
}

/**
 * Answers the open quick pick with the row labelled `label` (or the one it offers first).
 * Enter is pressed once a row has the focus: pressed while the pick is still filling its list
 * it selects nothing and the pick stays open.
 */
async function choose(workbench: Workbench, title: RegExp, label?: string): Promise<void> {
  const widget = quickInput(workbench, title);
  await widget.waitFor({ timeout: 60_000 });
  if (label !== undefined) await workbench.quickInput().fill(label);
  await widget.locator('.quick-input-list .monaco-list-row.focused', label === undefined ? {} : { hasText: label }).waitFor({ timeout: 30_000 });
  await workbench.answerQuickInput(widget);
}

function runsView(workbench: Workbench): Locator {
  return workbench.page.locator('.pane', { has: workbench.page.locator('.pane-header', { hasText: 'Runs' }) });
}

function row(workbench: Workbench, text: string | RegExp): Locator {
  return runsView(workbench).locator('.monaco-list-row', { hasText: text });
}

/** The newest run of a workflow in the Runs tree (new runs are listed first) and its description. */
function newestRun(workbench: Workbench, title: string): { row: Locator; description: (text: RegExp) => Locator } {
  const first = row(workbench, title).first();
  return { row: first, description: (text) => first.locator('.label-description', { hasText: text }) };
}

/** The page of the run panel in the active editor (webviews nest the page in a second frame). */
async function scrollTo(view: FrameLocator, section: string): Promise<void> {
  await view.locator(`#${section}`).evaluate((node) => node.scrollIntoView({ block: 'start' }));
}

/** Starts Generate Schedule from the palette, keeping the offered dates; returns them. */
async function generate(workbench: Workbench, mode: string): Promise<string[]> {
  await workbench.runCommand(TITLES.generateSchedule);
  await choose(workbench, /Schedule generation \(1\/4\)/, mode);
  const from = await answer(workbench, /Schedule generation \(2\/4\)/);
  const to = await answer(workbench, /Schedule generation \(3\/4\)/);
  // The algorithm: Enter keeps the server's default.
  await choose(workbench, /Schedule generation \(4\/4\)/);
  return [from, to];
}

/** Approves every approval the run asks for (an override needs a justification first) until the run ends. */
async function approveUntilFinished(workbench: Workbench, finished: Locator): Promise<number> {
  const dialog = workbench.page.locator('.monaco-dialog-box');
  let approvals = 0;
  for (;;) {
    const next = await Promise.race([dialog.waitFor({ timeout: 180_000 }).then(() => 'dialog' as const), finished.waitFor({ timeout: 180_000 }).then(() => 'finished' as const)]);
    if (next === 'finished') return approvals;
    await dialog.locator('.monaco-button', { hasText: /^Approve/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    // Blocking issues ask for the override's justification before the reason.
    const prompt = quickInput(workbench, /^(Override|Approve): /);
    await prompt.waitFor({ timeout: 30_000 });
    if (/^Override: /.test((await prompt.locator('.quick-input-title').textContent()) ?? '')) {
      await answer(workbench, /^Override: /, 'UI test: the generated week is reviewed separately');
    }
    await answer(workbench, /^Approve: /, 'UI test: draft reviewed');
    approvals += 1;
  }
}

function scenario(theme: 'dark' | 'light'): UiScenario {
  const shot = (name: string) => `${theme}-${name}`;
  return {
    name: `runs-${theme}`,
    setUp: () =>
      Promise.resolve({
        settings: {
          'workbench.colorTheme': theme === 'dark' ? 'Default Dark Modern' : 'Default Light Modern',
          'workbench.view.alwaysShowHeaderActions': true,
          'schedOrch.policies': PATIENT_POLICIES,
        },
        tearDown: () => Promise.resolve(),
      }),
    run: (context: UiContext) =>
      runSteps(context, (workbench) => {
        const { page } = workbench;

        test('the activity bar has the Schedule Orchestrator container with its welcome content', async () => {
          await workbench.ready();
          await page.locator('.activitybar a.action-label[aria-label^="Schedule Orchestrator"]').click();
          // Away from the activity bar: its hover would cover the tree in the screenshots.
          await page.mouse.move(1000, 15);
          await runsView(workbench).getByText('No runs yet').waitFor({ timeout: 60_000 });
          await workbench.screenshot(shot('10-runs-welcome'));
        }, 120_000);

        test('Check Compliance from the palette: mode and range quick inputs, then the Runs tree shows phases with confidences', async () => {
          await workbench.runCommand(TITLES.checkCompliance);
          await choose(workbench, /Compliance check \(1\/3\)/);
          await workbench.screenshot(shot('11-compliance-range-prompt'));
          await answer(workbench, /Compliance check \(2\/3\)/);
          await answer(workbench, /Compliance check \(3\/3\)/);
          await row(workbench, /ACGME/).first().waitFor({ timeout: 60_000 });
          await row(workbench, /\d\.\d\d (Moderate|High|Very high|Low|Very low|None)/)
            .first()
            .waitFor({ timeout: 90_000 });
          await newestRun(workbench, 'Compliance check')
            .description(/standard · (completed|needs review|blocked)/)
            .waitFor({ timeout: 90_000 });
          assert.ok((await row(workbench, /\d\.\d\d/).count()) >= 3);
          await panelShows(workbench, 'Compliance check', /completed|needs review|blocked/i);
          await workbench.screenshot(shot('12-compliance-runs-tree'));
        }, 150_000);

        test("the compliance run's panel shows the findings table and the heat map", async () => {
          const view = await panelShows(workbench, 'Compliance check', /completed|needs review|blocked/i);
          const findings = view.locator('#finding-tables tbody tr');
          await findings.first().waitFor({ timeout: 60_000 });
          assert.ok((await findings.count()) > 0);
          // ACGME findings come first, apart from the local-policy ones.
          assert.match((await view.locator('#finding-tables caption').first().textContent()) ?? '', /ACGME/);
          // The run's toasts would cover the table's right-hand column.
          await workbench.clearNotifications().catch(() => undefined);
          await scrollTo(view, 'findings');
          await workbench.screenshot(shot('20-compliance-panel-findings'));
          const heat = view.locator('svg.heatmap');
          await heat.waitFor();
          assert.match((await heat.getAttribute('aria-label')) ?? '', /Weekly hours of \d+ resident\(s\) against 80 h/);
          assert.ok((await heat.locator('rect.heat').count()) > 0, 'the heat map has cells');
          await scrollTo(view, 'pictures');
          await workbench.screenshot(shot('21-compliance-panel-heat-map'));
        }, 120_000);

        test("Generate Schedule offers the sample schedule's first week, reaches the modal approval; Reject publishes nothing", async () => {
          await workbench.clearNotifications().catch(() => undefined);
          assert.deepEqual(await generate(workbench, 'express'), SAMPLE_FIRST_WEEK);
          const dialog = page.locator('.monaco-dialog-box');
          await dialog.waitFor({ timeout: 120_000 });
          assert.match((await dialog.textContent()) ?? '', /Approving allows/);
          await workbench.screenshot(shot('13-generate-modal-approval'));
          await dialog.locator('.monaco-button', { hasText: 'Reject' }).click();
          await newestRun(workbench, 'Schedule generation')
            .description(/express · (rejected|blocked)/)
            .waitFor({ timeout: 60_000 });
          const view = await panelShows(workbench, 'Schedule generation', /rejected|blocked/i);
          assert.equal(await view.locator('table.diff').count(), 0, 'a rejected run has no draft to show');
          await workbench.screenshot(shot('14-generate-rejected'));
        }, 180_000);

        test("Generate Schedule again, approved with a reason: the panel shows the published draft's diff", async () => {
          await workbench.clearNotifications().catch(() => undefined);
          assert.deepEqual(await generate(workbench, 'standard'), SAMPLE_FIRST_WEEK);
          const run = newestRun(workbench, 'Schedule generation');
          await page.locator('.monaco-dialog-box').waitFor({ timeout: 120_000 });
          await workbench.screenshot(shot('22-generate-approval-again'));
          const approvals = await approveUntilFinished(workbench, run.description(/standard · (completed|needs review|blocked|refused|failed)/));
          assert.ok(approvals >= 1);
          await run.description(/standard · (completed|needs review)/).waitFor({ timeout: 5_000 });
          const view = await panelShows(workbench, 'Schedule generation', /completed|needs review/i);
          const diff = view.locator('figure', { has: view.locator('table.diff') });
          await diff.waitFor({ timeout: 60_000 });
          assert.match((await diff.locator('figcaption').textContent()) ?? '', /Draft \S+ \(2027-01-04 \.\. 2027-01-10\) against the published schedule: \d+ added, \d+ removed/);
          assert.ok((await diff.locator('tbody tr').count()) > 0, 'the diff lists the people whose hours changed');
          await workbench.clearNotifications().catch(() => undefined);
          await diff.evaluate((node) => {
            node.scrollIntoView({ block: 'start' });
            // A little of what is above, so the caption is not cut at the top edge.
            window.scrollBy(0, -16);
          });
          await workbench.screenshot(shot('23-generate-approved-diff'));
        }, 300_000);

        test('a run left waiting for its approval is cancelled from the tree', async () => {
          await workbench.clearNotifications().catch(() => undefined);
          await generate(workbench, 'standard');
          // Approve…, then close the reason prompt: the run keeps waiting (the tree's badge counts it).
          const dialog = page.locator('.monaco-dialog-box');
          await dialog.waitFor({ timeout: 120_000 });
          await dialog.locator('.monaco-button', { hasText: /^Approve/ }).click();
          await page.locator('.quick-input-widget', { hasText: /(Approve|Override): / }).waitFor();
          await page.keyboard.press('Escape');
          const waiting = newestRun(workbench, 'Schedule generation');
          await waiting.description(/waiting/).waitFor({ timeout: 30_000 });
          await panelShows(workbench, 'Schedule generation', /waiting/i);
          await workbench.screenshot(shot('15-run-waiting-for-approval'));
          await waiting.row.click({ button: 'right', force: true });
          const cancel = page.locator('.context-view .monaco-menu .action-item', { hasText: 'Cancel Run' });
          await cancel.waitFor({ timeout: 10_000 });
          await workbench.screenshot(shot('16-cancel-context-menu'));
          await cancel.click();
          await waiting.description(/cancelled/).waitFor({ timeout: 30_000 });
          await panelShows(workbench, 'Schedule generation', /cancelled/i);
          await workbench.screenshot(shot('17-cancelled-from-tree'));
          // One panel per run: three generation runs, three tabs (each with its run's page).
          assert.equal(await page.locator('.tabs-container .tab', { hasText: 'Schedule generation' }).count(), 3);
        }, 180_000);

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
