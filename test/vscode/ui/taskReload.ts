/**
 * A generation started in VS Code survives a window reload. Generate Schedule runs its
 * generation as a server task (MCP tasks); once the task id is in the run's history the page
 * is reloaded, which in code-server ends the extension host (deactivating the extension) and
 * starts a new one. The new host resumes the run by polling the recorded task: the Runs tree
 * shows it going on, exactly one publish approval is asked, the database holds exactly one
 * draft, and the draft's link in the Runs tree opens the draft as a read-only document.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Locator } from 'playwright-core';
import type { RunEvent } from '../../../src/core/engine/events';
import { test } from '../../support/vscode/runner';
import type { Workbench } from '../../support/vscode/workbench';
import type { UiContext, UiScenario } from './index';
import { panelShows } from './panelFrame';
import { runSteps } from './scenario';

let scratch: string | undefined;

/** Whether `row` is drawn entirely inside `container`. */
async function wholeIn(row: Locator, container: Locator): Promise<boolean> {
  const [r, c] = [await row.boundingBox(), await container.boundingBox()];
  return r !== null && c !== null && r.y >= c.y && r.y + r.height <= c.y + c.height;
}

function database(): string {
  assert.ok(scratch, 'the scenario was not set up');
  return join(scratch, 'schedule.db');
}

type TaskStarted = Extract<RunEvent, { type: 'task_started' }>;

/** The generation run's recorded events, read from the extension's run history (global storage). */
function recordedRun(context: UiContext): { runId: string; events: RunEvent[] } | undefined {
  const storage = join(dirname(context.vscodeLogsDir), 'User', 'globalStorage');
  if (!existsSync(storage)) return undefined;
  const file = readdirSync(storage, { recursive: true, encoding: 'utf8' }).find((f) => /runs[\\/]generate-[^\\/]+\.jsonl$/.test(f));
  if (!file) return undefined;
  const events: RunEvent[] = [];
  for (const line of readFileSync(join(storage, file), 'utf8').split('\n')) {
    try {
      if (line.trim() !== '') events.push(JSON.parse(line) as RunEvent);
    } catch {
      // the line being written
    }
  }
  return { runId: file.replace(/^.*[\\/]/, '').replace(/\.jsonl$/, ''), events };
}

const generateTasks = (events: readonly RunEvent[]) => events.filter((e): e is TaskStarted => e.type === 'task_started' && e.stepId === 'generate');

/** The extension's output channel logs, one per extension host process (VS Code gives each host its own log folder). */
function channelLogs(context: UiContext): string[] {
  return readdirSync(context.vscodeLogsDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name === 'Schedule Orchestrator.log')
    .map((entry) => join(entry.parentPath, entry.name));
}

function logLines(context: UiContext, text: string): string[] {
  return channelLogs(context)
    .flatMap((file) => readFileSync(file, 'utf8').split('\n'))
    .filter((line) => line.includes(text));
}

/** The log folders of the extension hosts in which the extension activated. */
function activatedHosts(context: UiContext): string[] {
  return channelLogs(context)
    .filter((file) => readFileSync(file, 'utf8').includes('activated in'))
    .map((file) => dirname(dirname(file)));
}

async function until<T>(what: string, probe: () => T | undefined, limitMs: number): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The stored schedules as the server reports them (get_schedule_status through the CLI, a second client of the same database). */
function storedSchedules(): { id: string; status: string }[] {
  const cli = resolve('dist', 'cli.js');
  assert.ok(existsSync(cli), `${cli} is missing: build first`);
  const state = mkdtempSync(join(tmpdir(), 'sched-orch-ui-state-'));
  try {
    const result = spawnSync(process.execPath, [cli, 'call', 'get_schedule_status', '--db', database(), '--state-dir', state], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(result.status, 0, result.stderr);
    return (JSON.parse(result.stdout) as { schedules: { id: string; status: string }[] }).schedules;
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}

async function answer(workbench: Workbench, title: RegExp, text?: string): Promise<void> {
  const widget = workbench.page.locator('.quick-input-widget', { hasText: title });
  await widget.waitFor({ timeout: 60_000 });
  await workbench.answerQuickInput(widget.locator('.quick-input-title', { hasText: title }), text);
}

function runsView(workbench: Workbench): Locator {
  return workbench.page.locator('.pane', { has: workbench.page.locator('.pane-header', { hasText: 'Runs' }) });
}

export const taskReloadScenario: UiScenario = {
  name: 'task-survives-reload',
  setUp() {
    scratch = mkdtempSync(join(tmpdir(), 'sched-orch-ui-reload-'));
    return Promise.resolve({
      settings: {
        'schedOrch.bundled.databaseFile': database(),
        // Latency penalties off: the machine's speed under load must not decide the publish gate.
        'schedOrch.policies': { '*': { confidence: { slowAfterMs: 600_000 } } },
        'workbench.view.alwaysShowHeaderActions': true,
      },
      tearDown: () => Promise.resolve(rmSync(scratch!, { recursive: true, force: true })),
    });
  },
  run: (context) =>
    runSteps(context, (workbench) => {
      const { page } = workbench;
      const generationRow = () => runsView(workbench).locator('.monaco-list-row', { hasText: 'Schedule generation' }).first();
      let task: TaskStarted | undefined;
      let runId = '';

      test('Generate Schedule: the draft is approved and the generation runs as a server task', async () => {
        await workbench.ready();
        await page.locator('.activitybar a.action-label[aria-label^="Schedule Orchestrator"]').click();
        await runsView(workbench).getByText('No runs yet').waitFor({ timeout: 60_000 });
        await workbench.runCommand('Schedule Orchestrator: Generate Schedule');
        await answer(workbench, /Schedule generation \(1\/4\)/, 'standard');
        await answer(workbench, /Schedule generation \(2\/4\)/, '2027-01-04');
        await answer(workbench, /Schedule generation \(3\/4\)/, '2027-01-10');
        await answer(workbench, /Schedule generation \(4\/4\)/);
        const dialog = page.locator('.monaco-dialog-box');
        await dialog.waitFor({ timeout: 120_000 });
        assert.match((await dialog.textContent()) ?? '', /Create a draft/);
        await dialog.locator('.monaco-button', { hasText: 'Approve' }).click();
        await answer(workbench, /Approve: /, 'UI test: survive a reload');
        const run = await until(
          'the generation task in the run history',
          () => {
            const found = recordedRun(context);
            const started = found ? generateTasks(found.events)[0] : undefined;
            return found && started ? { runId: found.runId, started } : undefined;
          },
          120_000,
        );
        task = run.started;
        runId = run.runId;
        assert.equal(
          recordedRun(context)!.events.some((e) => e.type === 'step_finished' && e.stepId === 'generate'),
          false,
          'the generation was still running when the page reloaded',
        );
        await workbench.screenshot('reload-1-generation-running-before-reload');
      }, 240_000);

      test('page.reload() restarts the extension host; the new one resumes the run and the Runs tree shows it going on', async () => {
        const hostsBefore = activatedHosts(context);
        assert.equal(hostsBefore.length, 1, `one extension host ran the extension before the reload: ${hostsBefore.join(', ')}`);
        await page.reload();
        await workbench.ready();
        // A new extension host (its own log folder) activated the extension and resumed the run.
        await until('a second extension host to activate the extension', () => (activatedHosts(context).length > 1 ? true : undefined), 90_000);
        await until('the resume', () => (logLines(context, `Resuming run ${runId}`).length > 0 ? true : undefined), 60_000);
        await page.locator('.activitybar a.action-label[aria-label^="Schedule Orchestrator"]').waitFor({ timeout: 60_000 });
        const row = generationRow();
        await row.locator('.label-description', { hasText: /standard · (running|waiting)/ }).waitFor({ timeout: 60_000 });
        // As before the reload: a run going on in this window shows expanded, its phases under it.
        await runsView(workbench).locator('.monaco-list-row[aria-expanded="true"]', { hasText: 'Schedule generation' }).first().waitFor({ timeout: 15_000 });
        // The run's panel, open before the reload, is restored and draws the resumed run.
        await panelShows(workbench, 'Schedule generation', /running|waiting/i);
        await workbench.screenshot('reload-2-run-continues-after-reload');
      }, 180_000);

      test('the resumed run polled the same task and asks exactly one approval (publish); one draft exists', async () => {
        const dialog = page.locator('.monaco-dialog-box');
        await dialog.waitFor({ timeout: 180_000 });
        assert.match((await dialog.textContent()) ?? '', /Publish/);
        await workbench.screenshot('reload-3-one-publish-approval');
        const events = recordedRun(context)!.events;
        assert.deepEqual(
          generateTasks(events).map((t) => t.taskId),
          [task!.taskId, task!.taskId],
          'the resumed run polled the recorded task instead of starting another generation',
        );
        assert.equal(events.filter((e) => e.type === 'step_finished' && e.stepId === 'generate').length, 1, 'the generation finished once');
        const asked = events.filter((e): e is Extract<RunEvent, { type: 'approval_requested' }> => e.type === 'approval_requested');
        // The draft's approval before the reload, the publish approval after it: no approval is asked twice.
        assert.equal(new Set(asked.map((a) => a.stepId)).size, asked.length, `approvals asked: ${asked.map((a) => a.stepId).join(', ')}`);
        assert.equal(await page.locator('.monaco-dialog-box').count(), 1, 'one approval dialog');
        const drafts = storedSchedules().filter((s) => s.status === 'draft');
        assert.equal(drafts.length, 1, `exactly one draft: ${JSON.stringify(drafts)}`);
        await dialog.locator('.monaco-button', { hasText: 'Reject' }).click();
        await generationRow()
          .locator('.label-description', { hasText: /rejected/ })
          .waitFor({ timeout: 60_000 });
      }, 240_000);

      test("the draft's link in the Runs tree opens the draft, read from the server, as a read-only JSON document", async () => {
        const draftId = storedSchedules().find((s) => s.status === 'draft')!.id;
        // The resumed run's node is expanded (Phase 5 and its step with links open expanded).
        assert.equal(await generationRow().getAttribute('aria-expanded'), 'true');
        const link = runsView(workbench)
          .locator('.monaco-list-row', { hasText: `Draft ${draftId}` })
          .first();
        // The tree draws only the rows in view: scroll down to the generation phase.
        const list = runsView(workbench).locator('.monaco-list').first();
        await list.hover();
        for (let i = 0; i < 20 && (await link.count()) === 0; i++) {
          await page.mouse.wheel(0, 200);
          await page.waitForTimeout(200);
        }
        await link.waitFor({ timeout: 30_000 });
        // A row cut by the view's bottom edge takes its click on the row above: scroll until it is whole.
        for (let i = 0; i < 10 && !(await wholeIn(link, list)); i++) {
          await page.mouse.wheel(0, 60);
          await page.waitForTimeout(200);
        }
        // No hover tooltip over the rows in the pictures.
        await page.mouse.move(900, 500);
        await workbench.screenshot('reload-4-draft-link-in-runs-tree', runsView(workbench));
        await link.click();
        const tab = page.locator('.tabs-container .tab', { hasText: draftId });
        await tab.waitFor({ timeout: 60_000 });
        const editor = page.locator('.editor-instance .monaco-editor').first();
        await editor.locator('.view-lines', { hasText: '"assignments"' }).waitFor({ timeout: 60_000 });
        assert.match((await editor.locator('.view-lines').textContent()) ?? '', new RegExp(draftId));
        await page.mouse.move(900, 500);
        await workbench.screenshot('reload-5-draft-resource-document');
      }, 120_000);
    }),
};
