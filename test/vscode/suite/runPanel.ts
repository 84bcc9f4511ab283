/**
 * The run panel inside the extension host: an application over the bundled server (started
 * with VS Code's own runtime), a compliance run watched live from its first event, a panel
 * reopened for a run read back from the history (what the serializer does after a reload), and
 * a generation run whose panel shows the draft's diff. The page reports what it drew
 * (`RunPanels.onDidShow`), so the checks are on the webview's own account of its content.
 * With SCHED_ORCH_SCREENSHOTS set (run-tests.mjs sets it), each panel is also photographed in
 * a light and a dark theme by the harness's browser.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ApprovalResponder } from '../../../src/core/app/approvalBroker';
import { runDescription } from '../../../src/core/app/runLabels';
import { SchedulingApp } from '../../../src/core/app/schedulingApp';
import { parseServerConfig } from '../../../src/core/mcp/config';
import { McpConnection } from '../../../src/core/mcp/connection';
import type { PolicyOverrides } from '../../../src/core/policy/policies';
import type { Logger } from '../../../src/core/util/log';
import { RUN_PANEL_VIEW_TYPE, RunPanels } from '../../../src/extension/panel/runPanel';
import type { PanelShown } from '../../../src/webview/runMessages';
import { eventually } from '../../support/mcp/wait';
import { afterEach, test } from '../../support/vscode/runner';

const EXTENSION_ID = 'sched-orch.sched-orch';
/** The sample program's first block; generation's baseline passes for its first week. */
const TODAY = '2027-01-04';

interface Fixture {
  app: SchedulingApp;
  panels: RunPanels;
  connection: McpConnection;
  dir: string;
}

const open: Fixture[] = [];

/** Warnings and errors reach the browser's console log (kept by run-tests.mjs). */
const logger: Logger = {
  log(level, message, fields) {
    if (level === 'warn' || level === 'error') console.log(`[run panel test] ${level}: ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
  },
};

function extension(): vscode.Extension<unknown> {
  const found = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(found, `extension ${EXTENSION_ID} is not loaded`);
  return found;
}

async function fixture(dir = mkdtempSync(join(tmpdir(), 'sched-orch-panel-')), policies?: PolicyOverrides): Promise<Fixture> {
  const ext = extension();
  const server = parseServerConfig({
    kind: 'stdio',
    command: process.execPath,
    args: [join(ext.extensionPath, 'dist', 'server.js'), '--db', join(dir, 'program.db')],
    env: { ELECTRON_RUN_AS_NODE: '1' },
  });
  const connection = new McpConnection({ server, reconnect: false });
  await connection.connect();
  const app = await SchedulingApp.create({ connection, stateDir: join(dir, 'state'), logger, ...(policies ? { policies } : {}) });
  const f = { app, connection, dir, panels: new RunPanels(ext.extensionUri, app, logger) };
  open.push(f);
  return f;
}

async function close(f: Fixture): Promise<void> {
  f.panels.dispose();
  await f.app.dispose();
  await f.connection.close();
}

function panelTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(RUN_PANEL_VIEW_TYPE));
}

/** Resolves with the first account of the page that satisfies `done`. */
function shown(panels: RunPanels, runId: string, done: (info: PanelShown) => boolean, what: string, ms = 60_000): Promise<PanelShown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`${what} did not happen within ${ms / 1000} s`));
    }, ms);
    const subscription = panels.onDidShow((info) => {
      if (info.runId !== runId || !done(info)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(info);
    });
  });
}

/** Asks the harness's browser for a screenshot of the workbench (light and dark), scrolled to `section`. */
async function photograph(name: string, sections: string[]): Promise<void> {
  if (!process.env['SCHED_ORCH_SCREENSHOTS']) return;
  const artifacts = join(extension().extensionPath, 'test-artifacts', 'vscode');
  const workbench = vscode.workspace.getConfiguration('workbench');
  await vscode.commands.executeCommand('workbench.action.closePanel');
  for (const [theme, label] of [
    ['Default Light Modern', 'light'],
    ['Default Dark Modern', 'dark'],
  ] as const) {
    await workbench.update('colorTheme', theme, vscode.ConfigurationTarget.Global);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    for (const section of sections) {
      const file = `run-panel-${name}-${label}-${section}`;
      rmSync(join(artifacts, `${file}.png`), { force: true });
      console.log(`[screenshot] ${file} #${section}`);
      await eventually(() => existsSync(join(artifacts, `${file}.png`)), `the screenshot ${file}`, 20_000);
    }
  }
  await workbench.update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
}

afterEach(async () => {
  for (const f of open.splice(0)) await close(f);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
});

test('a compliance run: the panel shows it live, then its findings and pictures from the report', async () => {
  const f = await fixture();
  await vscode.commands.executeCommand('workbench.action.closeSidebar');
  const ticket = f.app.start({ workflow: 'compliance', inputs: { today: TODAY } });
  const drawn = shown(f.panels, ticket.runId, () => true, 'the first drawing of the run');
  const withFindings = shown(f.panels, ticket.runId, (info) => info.findings > 0, 'the findings of the finished run');
  f.panels.open(ticket.runId);
  await eventually(() => panelTabs().length === 1, 'the run panel tab', 10_000);
  const first = await drawn;
  const outcome = await ticket.done;
  const final = await withFindings;

  const snapshot = f.app.runs.snapshot(ticket.runId)!;
  const planned = snapshot.phases.flatMap((p) => p.steps).length;
  assert.equal(first.steps, planned, 'every planned step is drawn from the start');
  assert.equal(final.steps, planned);
  assert.equal(final.events, snapshot.events.length, 'every event reached the page, none twice');
  assert.equal(final.findings, outcome.report.findings.length);
  assert.equal(final.state, outcome.summary.status);
  for (const picture of ['heatMap', 'spc', 'utilization']) assert.ok(final.pictures.includes(picture), `the ${picture} picture is drawn (${final.pictures.join(', ')})`);
  assert.equal(panelTabs()[0]?.label, snapshot.title);

  f.panels.open(ticket.runId);
  assert.equal(panelTabs().length, 1, 'one panel per run');
  assert.deepEqual(f.panels.openRuns(), [ticket.runId]);
  await photograph('compliance', ['header', 'findings', 'pictures']);
}, 180_000);

test('a finished run read back from the history is shown the same in a new window', async () => {
  const first = await fixture();
  const ticket = first.app.start({ workflow: 'compliance', mode: 'quick', inputs: { today: TODAY } });
  const outcome = await ticket.done;
  const events = first.app.runs.snapshot(ticket.runId)!.events.length;
  await close(first);
  open.splice(0);

  // A new application over the same state folder: what the panel serializer meets after a reload.
  const again = await fixture(first.dir);
  const restored = shown(again.panels, ticket.runId, (i) => i.findings === outcome.report.findings.length, 'the restored run with its findings');
  again.panels.open(ticket.runId);
  const info = await restored;
  assert.equal(info.events, events);
  assert.equal(info.state, outcome.summary.status);
  assert.equal(again.app.isLive(ticket.runId), false);
}, 120_000);

/** A loaded test machine answers slower than the validators' SLA, which lowers confidence below the draft's gate; the panel is under test here, not the gate. */
const PATIENT: PolicyOverrides = {
  validate_schedule: { confidence: { slowAfterMs: 10_000 } },
  validate_schedule_by_id: { confidence: { slowAfterMs: 10_000 } },
  detect_conflicts: { confidence: { slowAfterMs: 10_000 } },
};

test('a generation run: the panel shows the draft against the published schedule', async () => {
  const f = await fixture(undefined, PATIENT);
  const approve: ApprovalResponder = () =>
    Promise.resolve({
      approved: true,
      approver: 'integration test',
      reason: 'panel test',
      at: Date.now(),
      override: { justification: 'panel test: the baseline issue is outside the generated week' },
    });
  const ticket = f.app.start({ workflow: 'generate', inputs: { today: TODAY, start_date: TODAY, end_date: '2027-01-10' }, responder: approve });
  const withDiff = shown(f.panels, ticket.runId, (i) => i.pictures.includes('draftDiff') && i.state !== 'running' && i.state !== 'waiting', 'the draft diff', 200_000);
  f.panels.open(ticket.runId);
  const outcome = await ticket.done;
  assert.ok(['completed', 'needs_review'].includes(outcome.summary.status), `${outcome.summary.status}: ${outcome.summary.reason ?? ''}`);
  const info = await withDiff;
  assert.equal(info.state, outcome.summary.status);
  assert.ok(info.pictures.includes('unified'), `the unified index is drawn (${info.pictures.join(', ')})`);
  await photograph('generation', ['header', 'graph', 'pictures']);
}, 240_000);

test('a rejected generation: the panel header says "rejected", the word the Runs tree uses', async () => {
  const f = await fixture(undefined, PATIENT);
  const reject: ApprovalResponder = () => Promise.resolve({ approved: false, approver: 'integration test', reason: 'panel test: not this week', at: Date.now() });
  const ticket = f.app.start({ workflow: 'generate', inputs: { today: TODAY, start_date: TODAY, end_date: '2027-01-10' }, responder: reject });
  const ended = shown(f.panels, ticket.runId, (i) => i.state !== 'running' && i.state !== 'waiting', 'the ended run', 200_000);
  f.panels.open(ticket.runId);
  const outcome = await ticket.done;
  assert.equal(outcome.summary.status, 'rejected', outcome.summary.reason);
  const info = await ended;
  assert.equal(info.status, 'rejected');
  assert.match(runDescription(f.app.runs.snapshot(ticket.runId)!, Date.now()), / · rejected · /);
  await photograph('rejected', ['header']);
}, 240_000);
