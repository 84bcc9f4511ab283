/**
 * Benchmarks inside VS Code's extension host (run-tests.mjs --only bench; `npm run bench`
 * starts it through bench/extension.ts): the extension's activation, the time from Check
 * Compliance to the first phase in the Runs tree, and the run panel's update rate under a
 * 100-step run. Each measurement is one JSON line in SCHED_ORCH_VSCODE_BENCH; the checks that
 * make a number meaningful (nothing dropped or reordered, the phase really shown) are tests.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { SchedulingApp } from '../../../src/core/app/schedulingApp';
import { computeConfidence } from '../../../src/core/confidence/score';
import type { EngineEvent } from '../../../src/core/engine/events';
import { parseServerConfig } from '../../../src/core/mcp/config';
import { McpConnection } from '../../../src/core/mcp/connection';
import type { Logger } from '../../../src/core/util/log';
import { COMMAND } from '../../../src/extension/commands/ids';
import type { SchedOrchApi } from '../../../src/extension/extension';
import { RunPanels } from '../../../src/extension/panel/runPanel';
import type { RunsNode } from '../../../src/extension/views/runsTree';
import type { PanelShown } from '../../../src/webview/runMessages';
import { eventually } from '../../support/mcp/wait';
import { runRegisteredTests, test } from '../../support/vscode/runner';
import { scriptPrompts } from '../suite/stubs';

const EXTENSION_ID = 'sched-orch.sched-orch';
const STEPS = 100;

/** One benchmark figure, written as a JSON line for bench/extension.ts. */
export interface Measurement {
  case: string;
  value: number;
  unit: string;
  target?: string;
  note?: string;
}

function record(m: Measurement): void {
  const file = process.env['SCHED_ORCH_VSCODE_BENCH'];
  if (file) appendFileSync(file, `${JSON.stringify(m)}\n`);
  console.log(`[bench] ${m.case}: ${m.value.toFixed(1)} ${m.unit}`);
}

const logger: Logger = {
  log(level, message) {
    if (level === 'warn' || level === 'error') console.log(`[bench] ${level}: ${message}`);
  },
};

function extension(): vscode.Extension<SchedOrchApi> {
  const found = vscode.extensions.getExtension<SchedOrchApi>(EXTENSION_ID);
  assert.ok(found, `extension ${EXTENSION_ID} is not loaded`);
  return found;
}

let api: SchedOrchApi | undefined;

test('activation: loading the bundle and activate()', async () => {
  const ext = extension();
  assert.equal(ext.isActive, false, 'the extension must not be active before the benchmark activates it');
  const t0 = performance.now();
  api = await ext.activate();
  const total = performance.now() - t0;
  record({ case: 'activation (load dist/extension.js + activate)', value: total, unit: 'ms', target: '≤ 50 ms' });
  record({ case: 'activate() body (as the extension logs it)', value: api.activationMs, unit: 'ms', target: '≤ 50 ms' });
  // The same activation split: the extension's own work (evaluating its bundle, then activate()) and VS Code's around it.
  const own = api.evaluationMs + api.activationMs;
  record({ case: "the extension's own work: evaluating the bundle and activate()", value: own, unit: 'ms', target: '≤ 50 ms' });
  record({ case: "VS Code's work: before the bundle runs and until it calls activate()", value: total - own, unit: 'ms' });
});

/** Runs Check Compliance (quick mode, default range) and resolves with the ms until the new run shows a phase in the Runs tree. */
async function commandToFirstPhase(a: SchedOrchApi): Promise<{ ms: number; runId: string }> {
  const tree = a.runsTree;
  const before = new Set(((await tree.getChildren()) ?? []).map((n) => n.runId));
  const prompts = scriptPrompts({ picks: { Mode: 'quick' } });
  const cleanup: (() => void)[] = [() => prompts.restore()];
  try {
    const t0 = performance.now();
    const shown = new Promise<{ ms: number; runId: string }>((resolve, reject) => {
      const check = async () => {
        const roots: RunsNode[] = (await tree.getChildren()) ?? [];
        for (const run of roots.filter((n) => !before.has(n.runId))) {
          if (((await tree.getChildren(run)) ?? []).length > 0) resolve({ ms: performance.now() - t0, runId: run.runId });
        }
      };
      const subscription = tree.onDidChangeTreeData?.(() => void check().catch(reject));
      // The tree's change event is what makes VS Code ask again; the timer only guards against a missed one.
      const timer = setInterval(() => void check().catch(reject), 50);
      cleanup.push(
        () => subscription?.dispose(),
        () => clearInterval(timer),
      );
    });
    const command = vscode.commands.executeCommand<string>(COMMAND.checkCompliance);
    const result = await shown;
    assert.equal(await command, result.runId, 'the tree showed a run the command did not start');
    return result;
  } finally {
    for (const done of cleanup) done();
  }
}

async function finished(a: SchedOrchApi, runId: string): Promise<void> {
  await eventually(
    () => {
      const app = a.app();
      const state = app?.runs.snapshot(runId)?.state;
      return app !== undefined && state !== undefined && !['queued', 'running', 'waiting'].includes(state) && !app.isLive(runId);
    },
    `run ${runId} to finish`,
    120_000,
  );
}

test('Check Compliance to the first phase in the Runs tree (cold: starts the bundled server; warm: connected)', async () => {
  assert.ok(api, 'the activation benchmark did not run');
  for (const label of ['cold', 'warm']) {
    const { ms, runId } = await commandToFirstPhase(api);
    record({
      case: `command → first phase in the Runs tree (${label})`,
      value: ms,
      unit: 'ms',
      note: label === 'cold' ? 'includes starting and connecting the bundled server' : 'server connected',
    });
    await finished(api, runId);
  }
}, 300_000);

/** A synthetic run of `steps` tool steps in one phase, as the engine reports it (an unknown workflow: no planned steps are drawn first). */
function syntheticRun(runId: string, steps: number): EngineEvent[] {
  let at = 1_000;
  const phaseId = 'bench';
  const events: EngineEvent[] = [
    {
      type: 'run_started',
      runId,
      workflowId: 'panel-bench',
      workflowVersion: 1,
      title: 'Panel benchmark',
      mode: 'quick',
      inputs: {},
      scheduleId: 'bench',
      writes: false,
      resumed: false,
      at,
    },
    { type: 'phase_started', runId, phaseId, title: 'Steps', at: ++at },
  ];
  for (let i = 1; i <= steps; i++) {
    const stepId = `step-${String(i).padStart(3, '0')}`;
    const startedAt = ++at;
    events.push({ type: 'step_started', runId, phaseId, stepId, kind: 'tool', capability: 'bench', writes: false, at: startedAt });
    const finishedAt = ++at;
    events.push({
      type: 'step_finished',
      runId,
      phaseId,
      stepId,
      at: finishedAt,
      result: {
        stepId,
        phaseId,
        kind: 'tool',
        status: 'succeeded',
        source: 'live',
        capability: 'bench',
        confidence: computeConfidence([]),
        attempts: 1,
        durationMs: 1,
        startedAt,
        finishedAt,
        writes: false,
        critical: false,
        warnings: [],
      },
    });
  }
  events.push({ type: 'phase_finished', runId, phaseId, status: 'completed', warnings: [], at: ++at });
  events.push({ type: 'run_finished', runId, status: 'completed', durationMs: at - 1_000, at: ++at });
  return events;
}

test(`run panel: ${STEPS}-step run streamed through the panel's message path, nothing dropped or reordered`, async () => {
  const ext = extension();
  const dir = mkdtempSync(join(tmpdir(), 'sched-orch-bench-'));
  // An application that never connects: the run's events are fed to its store as the engine would.
  const connection = new McpConnection({ server: parseServerConfig({ kind: 'stdio', command: process.execPath, args: [] }), reconnect: false });
  const app = await SchedulingApp.create({ connection, stateDir: join(dir, 'state'), logger });
  const panels = new RunPanels(ext.extensionUri, app, logger);
  const shown: PanelShown[] = [];
  let drawnFinished: (info: PanelShown) => void = () => undefined;
  const finishedDrawn = new Promise<PanelShown>((resolve) => (drawnFinished = resolve));
  const subscription = panels.onDidShow((info) => {
    shown.push(info);
    if (info.state === 'completed') drawnFinished(info);
  });
  try {
    const runId = 'bench-panel-run';
    const [start, ...rest] = syntheticRun(runId, STEPS);
    app.runs.apply(start!);
    panels.open(runId);
    await eventually(() => shown.length > 0, 'the panel to draw the run', 60_000);
    let updates = 0;
    const counting = app.runs.onDidChange((c) => (c.runId === runId ? updates++ : undefined));
    const t0 = performance.now();
    for (const event of rest) app.runs.apply(event);
    const last = await finishedDrawn;
    const ms = performance.now() - t0;
    counting();
    assert.equal(last.steps, STEPS, 'steps drawn');
    assert.deepEqual(last.stepStates, { succeeded: STEPS }, 'every step shows its final state: an update was dropped or came out of order');
    assert.equal(last.events, rest.length + 1, 'events in the page');
    record({ case: `run panel: ${updates} updates of a ${STEPS}-step run, drawn`, value: ms, unit: 'ms' });
    record({ case: 'run panel update rate (burst, none dropped or reordered)', value: updates / (ms / 1000), unit: 'updates/s' });
  } finally {
    subscription.dispose();
    panels.dispose();
    await app.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);

export function run(): Promise<void> {
  const reportFile = process.env['SCHED_ORCH_VSCODE_REPORT'];
  return runRegisteredTests(reportFile === undefined ? {} : { reportFile });
}
