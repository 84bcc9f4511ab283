/**
 * The four workflows from their commands inside VS Code, against the bundled server: inputs
 * come from scripted quick picks and input boxes, approvals from a scripted modal dialog.
 * The Runs tree (the extension's exported provider) must show each run's phases and steps
 * with their confidences; the schedule is read back with the server's own read tool.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { RunSnapshot } from '../../../src/core/app/runSnapshot';
import type { SchedulingApp } from '../../../src/core/app/schedulingApp';
import { resultData } from '../../../src/core/mcp/results';
import type { SchedOrchApi } from '../../../src/extension/extension';
import type { RunsNode } from '../../../src/extension/views/runsTree';
import { eventually } from '../../support/mcp/wait';
import { afterEach, test } from '../../support/vscode/runner';
import { recordProgress, scriptPrompts } from './stubs';

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

async function api(): Promise<SchedOrchApi> {
  const ext = vscode.extensions.getExtension<SchedOrchApi>('sched-orch.sched-orch');
  assert.ok(ext);
  return ext.activate();
}

function script(s: Parameters<typeof scriptPrompts>[0]) {
  const prompts = scriptPrompts(s);
  restore = prompts.restore;
  return prompts.asked;
}

function app(a: SchedOrchApi): SchedulingApp {
  const found = a.app();
  assert.ok(found, 'the extension has no application');
  return found;
}

const FINISHED = new Set(['completed', 'needs_review', 'blocked', 'rejected', 'failed', 'cancelled', 'refused']);

async function finished(a: SchedOrchApi, runId: string, timeoutMs: number): Promise<RunSnapshot> {
  await eventually(() => FINISHED.has(app(a).runs.snapshot(runId)?.state ?? '') && !app(a).isLive(runId), `run ${runId} to finish`, timeoutMs);
  const snapshot = app(a).runs.snapshot(runId);
  assert.ok(snapshot);
  return snapshot;
}

/** What the Runs tree shows for a run: its phases' and steps' labels and descriptions. */
async function treeOf(a: SchedOrchApi, runId: string) {
  const tree = a.runsTree;
  const roots = (await tree.getChildren()) ?? [];
  const run = roots.find((n) => n.runId === runId);
  assert.ok(run, `the Runs tree does not list ${runId}`);
  const item = (n: RunsNode) => tree.getTreeItem(n) as vscode.TreeItem;
  const phases = await Promise.all(
    ((await tree.getChildren(run)) ?? []).map(async (p) => ({
      label: String(item(p).label),
      description: String(item(p).description ?? ''),
      steps: ((await tree.getChildren(p)) ?? []).map((s) => ({
        label: String(item(s).label),
        description: String(item(s).description ?? ''),
        tooltip: (item(s).tooltip as vscode.MarkdownString | undefined)?.value ?? '',
      })),
    })),
  );
  return { run: item(run), phases };
}

const CONFIDENCE = /\d\.\d\d (None|Very low|Low|Moderate|High|Very high)/;

async function schedule(a: SchedOrchApi): Promise<Record<string, unknown>> {
  // A settings change drops the application; connecting makes it again.
  if (!a.app()) assert.equal(await vscode.commands.executeCommand('schedOrch.connect'), true);
  const result = await app(a).connection.callTool('get_schedule_status_tool', {}, { signal: new AbortController().signal, timeoutMs: 20_000, maxTotalTimeoutMs: 30_000 });
  return resultData(result);
}

test('Check Compliance asks for mode and range, runs, and the Runs tree shows phases, steps and confidences', async () => {
  const a = await api();
  const asked = script({ picks: { Mode: 'standard' } });
  const runId = await vscode.commands.executeCommand<string>('schedOrch.checkCompliance');
  assert.ok(runId, 'the command returned no run id');
  // The range defaults to the current schedule's, read from the server.
  const status = await schedule(a);
  const inputs = asked.filter((q) => q.kind === 'input');
  assert.equal(inputs.length, 2);
  assert.deepEqual(app(a).runs.snapshot(runId)?.inputs['start_date'], status['start_date']);
  assert.deepEqual(asked[0]?.items, ['standard', 'quick', 'audit']);
  const run = await finished(a, runId, 120_000);
  assert.notEqual(run.state, 'failed', run.reason);
  const shown = await treeOf(a, runId);
  assert.match(String(shown.run.description), CONFIDENCE);
  const acgme = shown.phases.find((p) => /ACGME/i.test(p.label));
  assert.ok(acgme, `no ACGME phase in ${shown.phases.map((p) => p.label).join(', ')}`);
  assert.match(acgme.description, CONFIDENCE);
  const validated = acgme.steps.find((s) => CONFIDENCE.test(s.description));
  assert.ok(validated, JSON.stringify(acgme.steps));
  assert.match(validated.tooltip, /Confidence \*\*/);
  assert.match(validated.tooltip, /Source: live|Source: cache/);
}, 150_000);

test('Assess Resilience in quick mode fills the tree', async () => {
  const a = await api();
  script({ picks: { Mode: 'quick' } });
  const runId = await vscode.commands.executeCommand<string>('schedOrch.assessResilience');
  assert.ok(runId);
  const run = await finished(a, runId, 120_000);
  assert.equal(run.mode, 'quick');
  const shown = await treeOf(a, runId);
  assert.ok(
    shown.phases.some((p) => p.steps.some((s) => CONFIDENCE.test(s.description))),
    JSON.stringify(shown.phases),
  );
}, 150_000);

test('Execute Swap picks the requester and one of their assignments from server lists; dismissing the approval rejects', async () => {
  const a = await api();
  const asked = script({ picks: { Mode: 'standard' } });
  const runId = await vscode.commands.executeCommand<string>('schedOrch.executeSwap');
  assert.ok(runId, `no run started; asked: ${JSON.stringify(asked)}`);
  const picks = asked.filter((q) => q.kind === 'pick');
  assert.ok((picks[1]?.items?.length ?? 0) > 3, 'the people list is short');
  assert.ok(
    (picks[2]?.items ?? []).every((label) => /^\d{4}-\d{2}-\d{2} /.test(label)),
    JSON.stringify(picks[2]?.items),
  );
  const run = await finished(a, runId, 120_000);
  const warnings = asked.filter((q) => q.kind === 'warning');
  if (warnings.length > 0) {
    // The swap reached its approval: a modal with what will be written, dismissed = rejected.
    assert.equal(warnings[0]?.modal, true);
    assert.match(warnings[0]?.detail ?? '', /Approving allows/);
    assert.ok(['rejected', 'blocked'].includes(run.state), run.state);
    assert.equal(run.approvals[0]?.answer?.approved, false);
  } else {
    assert.ok(['blocked', 'needs_review', 'failed'].includes(run.state), `${run.state}: ${run.reason ?? ''}`);
  }
  const shown = await treeOf(a, runId);
  assert.ok(shown.phases.length > 0);
}, 150_000);

// Keys match the input boxes' prompts (the fields' descriptions).
const GENERATE_RANGE = { 'First day': '2027-01-04', 'Last day': '2027-01-10' };

test('Cancel Run stops a generation waiting for its approval; the tree shows it cancelled and the "still waiting" notification closes', async () => {
  const a = await api();
  // "Approve…" then leaving the reason prompt: the request stays pending and the run waits.
  script({ picks: { Mode: 'express' }, inputs: GENERATE_RANGE, warning: 'Approve with override…' });
  const progress = recordProgress();
  const restorePrompts = restore;
  restore = () => (progress.restore(), restorePrompts?.());
  const stillWaiting = () => progress.shown.find((p) => /is still waiting for approval/.test(p.title));
  const window = vscode.window as unknown as { showInputBox: (o?: vscode.InputBoxOptions) => Thenable<string | undefined> };
  const scripted = window.showInputBox;
  window.showInputBox = (o) => (/Why approve|Reason for approving/.test(`${o?.title ?? ''} ${o?.prompt ?? ''}`) ? Promise.resolve(undefined) : scripted(o));
  const runId = await vscode.commands.executeCommand<string>('schedOrch.generateSchedule');
  assert.ok(runId);
  await eventually(
    () =>
      app(a)
        .approvals.pending()
        .some((p) => p.runId === runId),
    'the run to wait for its approval',
    60_000,
  );
  assert.equal(app(a).runs.snapshot(runId)?.state, 'waiting');
  await eventually(() => stillWaiting() !== undefined, 'the "still waiting for approval" notification', 10_000);
  assert.equal(stillWaiting()?.closed, false, 'the notification shows while the request waits');
  const badge = (await treeOf(a, runId)).run.contextValue ?? '';
  assert.match(badge, /\bwaiting\b/);
  // Tree menus pass the node, as here.
  const node = ((await a.runsTree.getChildren()) ?? []).find((n) => n.runId === runId);
  assert.equal(await vscode.commands.executeCommand('schedOrch.cancelRun', node), true);
  const run = await finished(a, runId, 30_000);
  assert.equal(run.state, 'cancelled');
  assert.equal(app(a).approvals.pending().length, 0, 'the cancelled run left its approval pending');
  assert.match(String((await treeOf(a, runId)).run.description), /cancelled/);
  await eventually(() => stillWaiting()?.closed === true, 'the "still waiting for approval" notification to close', 10_000);
}, 120_000);

test('Generate Schedule: rejecting in the modal leaves the published schedule unchanged', async () => {
  const a = await api();
  const asked = script({ picks: { Mode: 'express' }, inputs: GENERATE_RANGE, warning: 'Reject' });
  const before = await schedule(a);
  const runId = await vscode.commands.executeCommand<string>('schedOrch.generateSchedule');
  assert.ok(runId);
  const run = await finished(a, runId, 150_000);
  const modal = asked.find((q) => q.kind === 'warning');
  assert.ok(modal?.modal, `no modal approval; the run ended ${run.state}: ${run.reason ?? ''}`);
  assert.match(modal.detail ?? '', /Approving allows: /);
  assert.equal(run.approvals[0]?.answer?.approved, false);
  // One word for the run's state: the tree and the end-of-run notification both say "rejected".
  assert.equal(run.state, 'rejected');
  assert.match(String((await treeOf(a, runId)).run.description), / · rejected · /);
  await eventually(() => asked.some((q) => q.kind === 'information' && q.title.startsWith(`${run.title}: `)), 'the end-of-run notification', 30_000);
  assert.match(asked.find((q) => q.kind === 'information' && q.title.startsWith(`${run.title}: `))?.title ?? '', /: rejected( \(confidence [^)]*\))?$/);
  const after = await schedule(a);
  assert.equal(after['schedule_id'], before['schedule_id']);
  assert.deepEqual(after['last_change'] === null ? null : (after['last_change'] as Record<string, unknown>)['action'] !== 'publish_draft', true);
}, 180_000);

test('Generate Schedule: approving with an override publishes and keeps an exception record, with the configured approver', async () => {
  const a = await api();
  const settings = vscode.workspace.getConfiguration('schedOrch');
  await settings.update('approverName', 'Dr. Test Approver', vscode.ConfigurationTarget.Global);
  // Shared test machines are slow: a call over its latency budget loses 0.05 and the draft's
  // validation would miss the 0.90 needed to deploy. The policy setting moves the budget.
  await settings.update('policies', { '*': { confidence: { slowAfterMs: 60_000 } } }, vscode.ConfigurationTarget.Global);
  try {
    const before = await schedule(a);
    const asked = script({
      picks: { Mode: 'express' },
      warning: 'Approve with override…',
      inputs: { ...GENERATE_RANGE, 'Why approve despite': 'coverage gap accepted for one week', 'Reason for approving': 'reviewed the draft' },
    });
    const runId = await vscode.commands.executeCommand<string>('schedOrch.generateSchedule');
    assert.ok(runId);
    const run = await finished(a, runId, 150_000);
    const modal = asked.find((q) => q.kind === 'warning');
    assert.ok(modal, `no approval asked; ${run.state}: ${run.reason ?? ''}`);
    const approval = run.approvals[0];
    assert.ok(approval?.answer, 'the approval was not answered');
    assert.equal(approval.answer.approver, 'Dr. Test Approver');
    if (approval.request.blockingIssues.length > 0) {
      assert.equal(approval.answer.override?.justification, 'coverage gap accepted for one week');
      assert.ok(approval.exception, 'no exception record');
    }
    // After publishing, the workflow may still ask for a review (early-warning signals on the new schedule).
    assert.ok(['completed', 'needs_review'].includes(run.state), `${run.state}: ${run.reason ?? ''}`);
    const published = run.phases.flatMap((p) => p.steps).filter((s) => s.writes && s.capability === 'publish_draft');
    assert.deepEqual(
      published.map((s) => s.state),
      ['succeeded'],
    );
    const after = await schedule(a);
    assert.ok(Number(after['data_version']) > Number(before['data_version']), 'the schedule did not change');
    const report = await app(a).report(runId);
    assert.ok(report, 'no report');
  } finally {
    await settings.update('approverName', undefined, vscode.ConfigurationTarget.Global);
    await settings.update('policies', undefined, vscode.ConfigurationTarget.Global);
  }
}, 180_000);

test('runs of an earlier application are listed from the history; Export Report writes one where the save dialog points', async () => {
  const a = await api();
  await vscode.commands.executeCommand('schedOrch.disconnect');
  assert.equal(await vscode.commands.executeCommand('schedOrch.connect'), true);
  await app(a).loadHistory();
  const done = app(a)
    .runs.list()
    .find((r) => !r.live && r.snapshot.workflowId === 'compliance');
  assert.ok(done);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  assert.ok(folder);
  const target = vscode.Uri.joinPath(folder, 'exported.md');
  const saved = await vscode.commands.executeCommand<string>('schedOrch.exportReport', done.snapshot.runId, 'markdown', target);
  assert.equal(saved, target.fsPath);
  assert.match(readFileSync(target.fsPath, 'utf8'), /^# /m);
  await vscode.workspace.fs.delete(target);
});

test('a settings change takes effect without a reload: a new server on the next command', async () => {
  const a = await api();
  await vscode.commands.executeCommand('schedOrch.connect');
  const first = app(a);
  assert.match(first.connection.serverInfo?.name ?? '', /sched/i);
  await vscode.workspace.getConfiguration('schedOrch.connection').update('connectTimeoutMs', 45_000, vscode.ConfigurationTarget.Global);
  try {
    await eventually(() => a.app() !== first, 'the application to be dropped', 10_000);
    assert.equal(await vscode.commands.executeCommand('schedOrch.connect'), true);
    assert.notEqual(app(a), first);
    assert.equal(app(a).connection.state, 'connected');

    // A change event that leaves the values as they were (here the workspace repeats the user's value) keeps the connection.
    const second = app(a);
    let seen = false;
    const listening = vscode.workspace.onDidChangeConfiguration((e) => (seen ||= e.affectsConfiguration('schedOrch.connection')));
    try {
      await vscode.workspace.getConfiguration('schedOrch.connection').update('connectTimeoutMs', 45_000, vscode.ConfigurationTarget.Workspace);
      // The extension's listener was registered first, so it has run when this one has.
      await eventually(() => seen, 'the change event', 10_000);
      assert.equal(a.app(), second);
      assert.equal(second.connection.state, 'connected');
    } finally {
      listening.dispose();
    }
  } finally {
    await vscode.workspace.getConfiguration('schedOrch.connection').update('connectTimeoutMs', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.getConfiguration('schedOrch.connection').update('connectTimeoutMs', undefined, vscode.ConfigurationTarget.Global);
  }
}, 90_000);

test('.vscode/mcp.json servers are offered; ${input:...} entries are refused with the reason', async () => {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  assert.ok(folder);
  const file = vscode.Uri.joinPath(folder, '.vscode', 'mcp.json');
  const config = {
    servers: {
      bundledCopy: { type: 'stdio', command: process.execPath, args: ['${env:SCHED_ORCH_TEST_SERVER}'], env: { ELECTRON_RUN_AS_NODE: '1' } },
      prompted: { type: 'http', url: 'https://example.invalid/mcp', headers: { Authorization: 'Bearer ${input:token}' } },
    },
  };
  const a = await api();
  const ext = vscode.extensions.getExtension('sched-orch.sched-orch');
  assert.ok(ext);
  process.env['SCHED_ORCH_TEST_SERVER'] = join(ext.extensionPath, 'dist', 'server.js');
  await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(JSON.stringify(config)));
  const asked = script({ picks: { 'mcp.json': 'bundledCopy' } });
  const before = a.app();
  try {
    assert.equal(await vscode.commands.executeCommand('schedOrch.selectMcpJsonServer'), 'bundledCopy');
    assert.deepEqual(asked[0]?.items, ['bundledCopy', 'prompted']);
    assert.equal(vscode.workspace.getConfiguration('schedOrch.server').get('kind'), 'mcpJson');
    // The chosen entry is the server of the next command (an in-memory copy of the bundled server).
    await eventually(() => a.app() !== before || before === undefined, 'the application to be dropped', 10_000);
    assert.equal(await vscode.commands.executeCommand('schedOrch.connect'), true);
    assert.match(app(a).connection.description, /stdio/);
  } finally {
    const settings = vscode.workspace.getConfiguration('schedOrch.server');
    await settings.update('kind', undefined, vscode.ConfigurationTarget.Workspace);
    await settings.update('mcpJsonServer', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.fs.delete(file);
  }
}, 60_000);

test('the API key stays in secret storage: never in settings, run histories or reports', async () => {
  const key = `vscode-secret-${Date.now()}`;
  script({ inputs: { 'API key': key } });
  await vscode.commands.executeCommand('schedOrch.setApiKey');
  const a = await api();
  restore?.();
  script({ picks: { Mode: 'quick' } });
  const runId = await vscode.commands.executeCommand<string>('schedOrch.checkCompliance');
  assert.ok(runId);
  await finished(a, runId, 120_000);
  const settingsText = JSON.stringify(vscode.workspace.getConfiguration('schedOrch'));
  assert.ok(!settingsText.includes(key));
  const stateDir = dirname(dirname(app(a).reportFiles(runId).json));
  const leaking = readdirSync(stateDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => `${e.parentPath}/${e.name}`)
    .filter((f) => readFileSync(f, 'utf8').includes(key));
  assert.deepEqual(leaking, []);
  await vscode.commands.executeCommand('schedOrch.clearApiKey');
}, 150_000);
