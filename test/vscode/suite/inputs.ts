/**
 * Input asked for during a run, inside VS Code, with scripted answers to the native dialogs
 * and quick inputs. The server is our degrading proxy in front of the bundled server
 * (test/support/workflows/proxyServer.ts), started from the `stdio` server settings:
 * - with `elicit`, it asks the client for input (MCP elicitation) before validating: a form
 *   with one field of every kind, or a URL to open; it logs what the client answered;
 * - with `contract: 'real'`, it declares the real server's schemas, so the resilience
 *   assessment cannot derive `required_blocks` and asks for it ("needs input").
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Esbuild from 'esbuild';
import * as vscode from 'vscode';
import type { RunSnapshot } from '../../../src/core/app/runSnapshot';
import type { SchedulingApp } from '../../../src/core/app/schedulingApp';
import type { RunEvent } from '../../../src/core/engine/events';
import type { SchedOrchApi } from '../../../src/extension/extension';
import { proxyBuildOptions } from '../../support/workflows/proxyBundle';
import type { ProxyScenario } from '../../support/workflows/scenario';
import { eventually } from '../../support/mcp/wait';
import { afterEach, test } from '../../support/vscode/runner';
import { scriptPrompts, type Asked } from './stubs';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function api(): Promise<{ api: SchedOrchApi; root: string }> {
  const ext = vscode.extensions.getExtension<SchedOrchApi>('sched-orch.sched-orch');
  assert.ok(ext);
  return { api: await ext.activate(), root: ext.extensionPath };
}

function app(a: SchedOrchApi): SchedulingApp {
  const found = a.app();
  assert.ok(found, 'the extension has no application');
  return found;
}

function script(s: Parameters<typeof scriptPrompts>[0]): Asked[] {
  const prompts = scriptPrompts(s);
  cleanups.push(prompts.restore);
  return prompts.asked;
}

let proxyBundle: string | undefined;

/** The proxy bundled once with the project's esbuild (loaded at run time, beside the extension). */
function bundledProxy(root: string): string {
  if (!proxyBundle) {
    const esbuild = createRequire(join(root, 'package.json'))('esbuild') as typeof Esbuild;
    const out = join(mkdtempSync(join(tmpdir(), 'sched-orch-proxy-')), 'proxy.cjs');
    esbuild.buildSync(proxyBuildOptions(root, out));
    proxyBundle = out;
  }
  return proxyBundle;
}

/** Points the extension at the proxy with `scenario` (settings restored afterwards); returns its call log's path. */
async function useProxy(a: SchedOrchApi, root: string, scenario: ProxyScenario): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'sched-orch-inputs-'));
  const log = join(dir, 'calls.log');
  writeFileSync(log, '');
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify({ server: join(root, 'dist', 'server.js'), log, ...scenario }));
  const settings = vscode.workspace.getConfiguration('schedOrch.server');
  const before = a.app();
  const values: Record<string, unknown> = { kind: 'stdio', command: process.execPath, args: [bundledProxy(root), file], env: { ELECTRON_RUN_AS_NODE: '1' } };
  // Each update's change event drops the application; connecting before the last one has been
  // handled would see its connection dropped (the extension's listener runs before this one).
  const expected = Object.entries(values).filter(([key, value]) => JSON.stringify(settings.inspect(key)?.globalValue) !== JSON.stringify(value)).length;
  let changes = 0;
  const counting = vscode.workspace.onDidChangeConfiguration((e) => void (e.affectsConfiguration('schedOrch.server') && changes++));
  for (const [key, value] of Object.entries(values)) await settings.update(key, value, vscode.ConfigurationTarget.Global);
  cleanups.push(async () => {
    // Closes the proxy's connection (the proxy and its server end with it) before the settings go back.
    await vscode.commands.executeCommand('schedOrch.disconnect');
    for (const key of Object.keys(values)) await settings.update(key, undefined, vscode.ConfigurationTarget.Global);
  });
  await eventually(() => changes >= expected && (before === undefined || a.app() !== before), 'every settings change to reach the extension', 10_000);
  counting.dispose();
  assert.equal(await vscode.commands.executeCommand('schedOrch.connect'), true);
  assert.equal(app(a).connection.serverInfo?.name, 'degrading-proxy');
  return log;
}

const FINISHED = new Set(['completed', 'needs_review', 'blocked', 'rejected', 'failed', 'cancelled', 'refused']);

async function finished(a: SchedOrchApi, runId: string): Promise<RunSnapshot> {
  await eventually(() => FINISHED.has(app(a).runs.snapshot(runId)?.state ?? '') && !app(a).isLive(runId), `run ${runId} to finish`, 120_000);
  const snapshot = app(a).runs.snapshot(runId);
  assert.ok(snapshot);
  return snapshot;
}

/** What the proxy logged as the client's answers to its requests for input. */
function elicited(log: string): { action: string; content?: Record<string, unknown> }[] {
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('elicited '))
    .map((l) => JSON.parse(l.split(' ').slice(2).join(' ')) as { action: string; content?: Record<string, unknown> });
}

function recorded(run: RunSnapshot): Extract<RunEvent, { type: 'elicitation_answered' }>[] {
  return run.events.filter((e): e is Extract<RunEvent, { type: 'elicitation_answered' }> => e.type === 'elicitation_answered');
}

/** Check Compliance in audit mode (scripted), which bypasses caches: every run calls validate_schedule. */
async function compliance(a: SchedOrchApi): Promise<RunSnapshot> {
  const runId = await vscode.commands.executeCommand<string>('schedOrch.checkCompliance');
  assert.ok(runId, 'the command returned no run id');
  return finished(a, runId);
}

test("a server's form request: a native dialog, then one quick input per field with the schema's validation; the answers reach the server and the history keeps them without the secret", async () => {
  const { api: a, root } = await api();
  const log = await useProxy(a, root, { elicit: { validate_schedule_tool: 'form' } });
  const asked = script({
    picks: { Mode: 'audit', 'Notify the program director': 'No', Site: 'South campus', 'Rotations covered': ['Intensive care', 'Wards'] },
    information: 'Answer…',
    inputs: {
      'On-call resident': ['Al', 'Dr. Ada Lovelace'],
      'Contact email': ['ada at example', 'ada@example.org'],
      'Pager token': 'tok-98765',
      'Weekly hour limit': ['100', '72.5', '72'],
      Comment: '',
    },
  });
  const run = await compliance(a);
  assert.notEqual(run.state, 'failed', run.reason);

  const dialog = asked.find((q) => q.kind === 'information' && /degrading-proxy asks for input/.test(q.title));
  assert.ok(dialog, JSON.stringify(asked));
  assert.equal(dialog.modal, true);
  assert.match(dialog.detail ?? '', /who is on call tonight[\s\S]*• On-call resident\n[\s\S]*• Comment \(optional\)/);
  const input = (key: string) => asked.find((q) => q.kind === 'input' && q.title.includes(key));
  assert.deepEqual(input('On-call resident')?.rejected, ['On-call resident needs at least 3 characters']);
  assert.deepEqual(input('Contact email')?.rejected, ['Contact email must be an email (e.g. name@example.org)']);
  assert.deepEqual(input('Weekly hour limit')?.rejected, ['Weekly hour limit must be between 40 and 80', 'Weekly hour limit must be a whole number']);
  assert.equal(input('Pager token')?.password, true, 'a secret-looking field is asked without echo');
  assert.match(input('Comment')?.title ?? '', /optional: leave empty to skip/);
  const pick = (key: string) => asked.find((q) => q.kind === 'pick' && q.title.includes(key));
  assert.deepEqual(pick('Notify the program director')?.items, ['Yes', 'No']);
  assert.deepEqual(pick('Site')?.items, ['North campus', 'South campus']);
  assert.equal(pick('Rotations covered')?.canPickMany, true);
  assert.match(asked.find((q) => q.kind === 'input' && q.title.includes('On-call'))?.title ?? '', /asks for input \(1\/8\)/);

  assert.deepEqual(elicited(log), [
    {
      action: 'accept',
      content: { on_call: 'Dr. Ada Lovelace', contact: 'ada@example.org', pager_token: 'tok-98765', max_hours: 72, notify: false, site: 'south', rotations: ['icu', 'wards'] },
    },
  ]);
  // Recorded once: on the validation's step, or (several calls in flight throughout) naming the calls it may belong to.
  const records = recorded(run);
  assert.equal(records.length, 1, `the answer is in the run history once: ${JSON.stringify(records)}`);
  assert.ok(records[0]!.stepId === 'validate' || (records[0]!.stepId === undefined && records[0]!.inFlight?.includes('validate') === true), JSON.stringify(records[0]));
  for (const record of records) {
    assert.equal(record.action, 'accept');
    assert.equal(record.answers?.['pager_token'], '[redacted]');
    assert.equal(record.answers?.['site'], 'south');
    assert.deepEqual(record.answers?.['rotations'], ['icu', 'wards']);
  }
  const report = await app(a).report(run.runId);
  assert.doesNotMatch(JSON.stringify(run.events) + JSON.stringify(report ?? ''), /tok-98765/, 'the secret is in no record');
}, 180_000);

test('Decline in the dialog declines; Escape on a field cancels', async () => {
  const { api: a, root } = await api();
  const log = await useProxy(a, root, { elicit: { validate_schedule_tool: 'form' } });
  script({ picks: { Mode: 'audit' }, information: 'Decline' });
  const declined = await compliance(a);
  script({ picks: { Mode: 'audit' }, information: 'Answer…', inputs: { 'On-call resident': 'Dr. Ada Lovelace', 'Contact email': null } });
  const cancelled = await compliance(a);
  assert.deepEqual(
    elicited(log).map((e) => e.action),
    ['decline', 'cancel'],
  );
  assert.equal(recorded(declined)[0]?.action, 'decline');
  assert.equal(recorded(cancelled)[0]?.action, 'cancel');
  assert.equal(recorded(cancelled)[0]?.answers, undefined, 'nothing of a cancelled form is recorded');
}, 240_000);

test("a server's URL request: the dialog shows only the domain; the page opens only after 'Open page'", async () => {
  const { api: a, root } = await api();
  const log = await useProxy(a, root, { elicit: { validate_schedule_tool: 'url' } });
  const opened: string[] = [];
  const env = vscode.env as unknown as { openExternal: (uri: vscode.Uri) => Thenable<boolean> };
  const original = env.openExternal;
  env.openExternal = (uri) => {
    opened.push(uri.toString(true));
    return Promise.resolve(true);
  };
  cleanups.push(() => (env.openExternal = original));

  const first = script({ picks: { Mode: 'audit' }, warning: 'Decline' });
  const declined = await compliance(a);
  const dialog = first.find((q) => q.kind === 'warning' && /open a page/.test(q.title));
  assert.ok(dialog, JSON.stringify(first));
  assert.match(dialog.title, /degrading-proxy asks you to open a page on login\.rota\.example\.org/);
  assert.doesNotMatch(`${dialog.title} ${dialog.detail ?? ''}`, /s3cr3t|authorize|session=/, 'nothing of the URL but its domain is shown');
  assert.deepEqual(opened, [], 'nothing is opened on Decline');

  script({ picks: { Mode: 'audit' }, warning: 'Open page' });
  const accepted = await compliance(a);
  assert.deepEqual(opened, ['https://login.rota.example.org/authorize?session=s3cr3t-session-value']);
  assert.deepEqual(
    elicited(log).map((e) => e.action),
    ['decline', 'accept'],
  );
  for (const [run, action] of [
    [declined, 'decline'],
    [accepted, 'accept'],
  ] as const) {
    const record = recorded(run)[0];
    assert.deepEqual({ mode: record?.mode, action: record?.action, domain: record?.domain }, { mode: 'url', action, domain: 'login.rota.example.org' });
    assert.doesNotMatch(JSON.stringify(run.events), /s3cr3t/, 'the URL is not recorded');
  }
}, 240_000);

test('a step that needs an argument asks in an input box with its meaning and validation; the run continues with the answer and the tree shows where each argument came from', async () => {
  const { api: a, root } = await api();
  const log = await useProxy(a, root, { contract: 'real' });
  const asked = script({ picks: { Mode: 'standard' }, inputs: { required_blocks: ['-3', '2.5', '120'] } });
  const runId = await vscode.commands.executeCommand<string>('schedOrch.assessResilience');
  assert.ok(runId);
  const run = await finished(a, runId);
  assert.notEqual(run.state, 'failed', run.reason);

  const box = asked.find((q) => q.kind === 'input' && q.title.includes('required_blocks'));
  assert.ok(box, JSON.stringify(asked));
  assert.match(box.title, /^Input needed: check_utilization_threshold \(step utilization\) required_blocks: .+; it could come from .+\(a whole number, ≥ 0\)$/);
  assert.deepEqual(box.rejected, ['required_blocks must be at least 0', 'required_blocks must be a whole number']);

  const sent = readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('args check_utilization_threshold_tool '))
    .map((l) => JSON.parse(l.split(' ').slice(2).join(' ')) as Record<string, unknown>);
  assert.equal(sent.length, 1, 'the tool was called once, with the answer');
  assert.equal(sent[0]!['required_blocks'], 120);
  assert.doesNotMatch(readFileSync(log, 'utf8'), /^rejected /m, 'no call the peer rejects was sent');

  const question = run.questions.find((q) => q.request.need.arg === 'required_blocks');
  assert.equal(question?.answer?.value, 120);
  assert.match(question?.answer?.by ?? '', /\(VS Code\)$/);
  const step = run.phases.flatMap((p) => p.steps).find((s) => s.stepId === 'utilization');
  assert.equal(step?.result?.status, 'succeeded');
  assert.deepEqual(
    step?.result?.argProvenance?.map((p) => [p.arg, p.source]),
    [
      ['available_faculty', 'derived'],
      ['required_blocks', 'user'],
    ],
  );

  // The Runs tree's tooltip for that step.
  const tree = a.runsTree;
  const item = (n: Parameters<typeof tree.getTreeItem>[0]) => tree.getTreeItem(n) as vscode.TreeItem;
  const runNode = ((await tree.getChildren()) ?? []).find((n) => n.runId === runId);
  assert.ok(runNode);
  const steps = (await Promise.all(((await tree.getChildren(runNode)) ?? []).map(async (p) => (await tree.getChildren(p)) ?? []))).flat();
  const node = steps.find((s) => /utilization/i.test(String(item(s).label)));
  assert.ok(node, 'no utilization step in the tree');
  const tooltip = (item(node).tooltip as vscode.MarkdownString).value;
  assert.match(tooltip, /Arguments:\n- available\\_faculty \d+ from \S+\n- required\\_blocks 120 answered during the run/);
}, 180_000);
