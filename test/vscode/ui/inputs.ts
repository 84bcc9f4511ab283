/**
 * Input asked for during a run, as a user meets it: a server's request for input (MCP
 * elicitation) as VS Code's modal dialog and quick inputs, and a step that needs an argument
 * as an input box that validates as the user types. The server is our degrading proxy in
 * front of the bundled server (test/support/workflows/proxyServer.ts): it asks for a form
 * before validating, and declares the real server's schemas, so the compliance check's
 * utilization step cannot derive `required_blocks`. Run in the dark and the light theme;
 * screenshots of each.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import type { Locator } from 'playwright-core';
import type { Workbench } from '../../support/vscode/workbench';
import { test } from '../../support/vscode/runner';
import { proxyBuildOptions } from '../../support/workflows/proxyBundle';
import type { ProxyScenario } from '../../support/workflows/scenario';
import type { UiScenario } from './index';
import { runSteps } from './scenario';

// run-tests.mjs runs from the repository's root (its dist/ is what the VSIX was packed from).
const ROOT = process.cwd();
let callLog: string | undefined;

/** The proxy bundled and its scenario written; returns the settings that start it. */
function proxySettings(): Record<string, unknown> {
  assert.ok(existsSync(join(ROOT, 'dist', 'server.js')), 'run the UI tests from the repository root, after npm run build');
  const dir = mkdtempSync(join(tmpdir(), 'sched-orch-ui-inputs-'));
  const bundle = join(dir, 'proxy.cjs');
  buildSync(proxyBuildOptions(ROOT, bundle));
  callLog = join(dir, 'calls.log');
  writeFileSync(callLog, '');
  const scenario: ProxyScenario = { server: join(ROOT, 'dist', 'server.js'), contract: 'real', elicit: { validate_schedule_tool: 'form' }, log: callLog };
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify(scenario));
  return {
    'schedOrch.server.kind': 'stdio',
    'schedOrch.server.command': process.execPath,
    'schedOrch.server.args': [bundle, file],
    // The form is answered while validate_schedule's call is open: its time limits must allow for that.
    'schedOrch.policies': { validate_schedule: { timeoutMs: 120_000, maxTotalTimeoutMs: 120_000, stepTimeoutMs: 120_000 } },
  };
}

function widget(workbench: Workbench, title: RegExp): Locator {
  return workbench.page.locator('.quick-input-widget', { has: workbench.page.locator('.quick-input-title', { hasText: title }) });
}

/** The quick input whose title matches and whose prompt (an input box's message, a pick's placeholder) contains `prompt`. */
function question(workbench: Workbench, title: RegExp, prompt: string): Locator {
  const base = widget(workbench, title);
  return base.filter({ hasText: prompt }).or(base.filter({ has: workbench.page.locator(`input[placeholder*="${prompt}"]`) }));
}

/** Waits for that quick input, types `text` (if any), presses Enter and waits for the next question. */
async function answer(workbench: Workbench, title: RegExp, prompt: string, text?: string): Promise<void> {
  const box = question(workbench, title, prompt);
  await box.waitFor({ timeout: 60_000 });
  await workbench.answerQuickInput(box, text);
}

/** Presses Enter on the workflow's own quick inputs (mode, range: their defaults). */
async function startWorkflow(workbench: Workbench, command: string, title: string, steps: number): Promise<void> {
  await workbench.runCommand(`Schedule Orchestrator: ${command}`);
  for (let n = 1; n <= steps; n++) {
    const box = widget(workbench, new RegExp(`${title} \\(${n}/${steps}\\)`));
    await box.waitFor({ timeout: 60_000 });
    await workbench.answerQuickInput(box);
  }
}

function runsRow(workbench: Workbench, text: RegExp): Locator {
  const runs = workbench.page.locator('.pane', { has: workbench.page.locator('.pane-header', { hasText: 'Runs' }) });
  return runs.locator('.monaco-list-row', { hasText: text });
}

function scenario(theme: 'dark' | 'light'): UiScenario {
  const shot = (name: string) => `${theme}-${name}`;
  return {
    name: `inputs-${theme}`,
    setUp: () =>
      Promise.resolve({
        settings: { 'workbench.colorTheme': theme === 'dark' ? 'Default Dark Modern' : 'Default Light Modern', ...proxySettings() },
        tearDown: () => Promise.resolve(),
      }),
    run: (context) =>
      runSteps(context, (workbench) => {
        const { page } = workbench;
        const server = /degrading-proxy asks for input/;

        test("a server's request for input is a modal dialog naming the server, its message and the fields", async () => {
          await workbench.ready();
          await page.locator('.activitybar a.action-label[aria-label^="Schedule Orchestrator"]').click();
          await startWorkflow(workbench, 'Check Compliance', 'Compliance check', 3);
          const dialog = page.locator('.monaco-dialog-box');
          await dialog.waitFor({ timeout: 120_000 });
          const text = (await dialog.textContent()) ?? '';
          assert.match(text, /degrading-proxy asks for input/);
          assert.match(text, /who is on call tonight/);
          assert.match(text, /Comment \(optional\)/);
          await workbench.screenshot(shot('30-elicitation-dialog'));
          await dialog.locator('.monaco-button', { hasText: 'Answer' }).click();
        }, 180_000);

        test('each field is a quick input that validates as the user types; choices show their titles', async () => {
          const first = question(workbench, server, 'On-call resident');
          await first.waitFor({ timeout: 30_000 });
          await workbench.quickInput().fill('Al');
          await first.getByText('On-call resident needs at least 3 characters').waitFor({ timeout: 10_000 });
          await workbench.screenshot(shot('31-elicitation-field-invalid'));
          await answer(workbench, server, 'On-call resident', 'Dr. Ada Lovelace');
          await answer(workbench, server, 'Contact email', 'ada@example.org');
          await answer(workbench, server, 'Pager token', 'tok-ui-4242');
          await answer(workbench, server, 'Weekly hour limit');
          await answer(workbench, server, 'Notify the program director', 'No');
          const site = question(workbench, server, 'Site');
          await site.getByText('South campus').waitFor({ timeout: 30_000 });
          await workbench.screenshot(shot('32-elicitation-enum-titles'));
          await answer(workbench, server, 'Site', 'South');
          const many = question(workbench, server, 'Rotations covered');
          await many.waitFor({ timeout: 30_000 });
          await many.locator('.monaco-list-row', { hasText: 'Intensive care' }).click();
          await workbench.screenshot(shot('33-elicitation-multi-select'));
          await workbench.answerQuickInput(many);
          await answer(workbench, server, 'Comment');
          const log = readFileSync(callLog ?? '', 'utf8');
          assert.match(
            log,
            /elicited validate_schedule_tool \{"action":"accept","content":\{"on_call":"Dr. Ada Lovelace","contact":"ada@example.org","pager_token":"tok-ui-4242","max_hours":80,"notify":false,"site":"south","rotations":\["icu"\]\}\}/,
          );
        }, 180_000);

        test('a step that needs an argument asks in an input box with its meaning, where it could come from, and validation', async () => {
          // The same run's Faculty utilization step: the real contract requires required_blocks, which no read gives.
          const title = /Input needed: check_utilization_threshold \(step utilization\)/;
          const box = widget(workbench, title);
          await box.waitFor({ timeout: 120_000 });
          assert.match((await box.textContent()) ?? '', /required_blocks: .+; it could come from .+\(a whole number, ≥ 0\)/);
          await workbench.quickInput().fill('2.5');
          await box.getByText('required_blocks must be a whole number').waitFor({ timeout: 10_000 });
          await workbench.screenshot(shot('34-needs-input-invalid'));
          await workbench.quickInput().fill('120');
          // Validation runs a moment after typing: photograph the box once it accepts the answer.
          await box.getByText('required_blocks must be a whole number').waitFor({ state: 'hidden', timeout: 10_000 });
          await workbench.screenshot(shot('35-needs-input-box'));
          await workbench.answerQuickInput(box);
          const run = runsRow(workbench, /Compliance check/).first();
          await run.locator('.label-description', { hasText: /completed|needs review|blocked/ }).waitFor({ timeout: 120_000 });
          assert.match(readFileSync(callLog ?? '', 'utf8'), /args check_utilization_threshold_tool \{[^}]*"required_blocks":120/);
        }, 240_000);

        test("the Runs tree's step tooltip says where each argument came from", async () => {
          const step = runsRow(workbench, /Faculty utilization/).first();
          await step.waitFor({ timeout: 30_000 });
          await step.hover();
          const hover = page.locator('.monaco-hover, .workbench-hover', { hasText: 'Arguments:' }).first();
          await hover.waitFor({ timeout: 15_000 });
          assert.match((await hover.textContent()) ?? '', /required_blocks 120 answered during the run/);
          await workbench.screenshot(shot('36-step-tooltip-provenance'));
          // Away from the tree, so the tooltip does not cover the next screenshot.
          await page.mouse.move(700, 10);
          await hover.waitFor({ state: 'hidden', timeout: 15_000 });
        }, 60_000);

        test("the run panel's step drawer lists the arguments with their provenance", async () => {
          // The run's panel opened when it started.
          const view = workbench.webview();
          await view.locator('[data-step$="utilization"]').first().click();
          const drawer = view.locator('#drawer');
          await drawer.getByText('required_blocks 120 answered during the run').waitFor({ timeout: 30_000 });
          await drawer.getByText(/available_faculty \d+ from /).waitFor();
          await workbench.screenshot(shot('37-step-drawer-provenance'));
        }, 60_000);
      }),
  };
}

export const inputsDarkScenario = scenario('dark');
export const inputsLightScenario = scenario('light');
