/**
 * Engine overhead on a generation-shaped workflow (the guide's phases 1–6) against a
 * synthetic server whose tools sleep for the seed's latencies scaled down 10×. Reports
 * wall time against the critical-path lower bound (phases are barriers, so the bound is
 * the sum of each phase's longest chain) and the speed-up over running every step serially.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PhaseDefinition, StepDefinition, WorkflowDefinition } from '../src/core/engine/definition';
import { Engine } from '../src/core/engine/engine';
import { RunHistory } from '../src/core/engine/history';
import type { ToolInvoker } from '../src/core/engine/invoker';
import { catalogOf, loadWorkflow } from '../src/core/engine/validate';
import { PolicyRuntime } from '../src/core/policy/runtime';
import { systemClock } from '../src/core/util/clock';
import type { BenchResult } from './run';

const SCALE = 10;

/** Seed latencies in ms: health-monitor SLAs, dependency-graph latencies, generation 5–10 s. */
interface Spec {
  id: string;
  capability: string;
  ms: number;
  after?: string[];
}

const PHASES: { id: string; run: 'parallel' | 'serial'; steps: Spec[] }[] = [
  {
    id: 'baseline',
    run: 'parallel',
    steps: [
      { id: 'validate', capability: 'validate_schedule', ms: 100 },
      { id: 'utilization', capability: 'check_utilization_threshold', ms: 50 },
      { id: 'conflicts', capability: 'detect_conflicts', ms: 100 },
    ],
  },
  {
    id: 'contingency',
    run: 'serial',
    steps: [
      { id: 'deep', capability: 'run_contingency_analysis_deep', ms: 5000 },
      { id: 'blast', capability: 'calculate_blast_radius', ms: 1000, after: ['deep'] },
      { id: 'sacrifice', capability: 'execute_sacrifice_hierarchy', ms: 1500, after: ['blast'] },
    ],
  },
  {
    id: 'warning',
    run: 'parallel',
    steps: [
      { id: 'precursors', capability: 'detect_burnout_precursors', ms: 500 },
      { id: 'spc', capability: 'run_spc_analysis', ms: 50 },
      { id: 'fire', capability: 'calculate_fire_danger_index', ms: 100 },
      { id: 'magnitude', capability: 'predict_burnout_magnitude', ms: 100 },
      { id: 'anomalies', capability: 'detect_workload_anomalies', ms: 100 },
    ],
  },
  { id: 'risk', run: 'serial', steps: [{ id: 'unified', capability: 'get_unified_critical_index', ms: 250 }] },
  { id: 'generate', run: 'serial', steps: [{ id: 'draft', capability: 'generate_schedule_draft', ms: 7500 }] },
  {
    id: 'post',
    run: 'parallel',
    steps: [
      { id: 'post_validate', capability: 'validate_schedule', ms: 100 },
      { id: 'post_conflicts', capability: 'detect_conflicts', ms: 100 },
      { id: 'post_contingency', capability: 'run_contingency_analysis', ms: 2000 },
      { id: 'post_unified', capability: 'get_unified_critical_index', ms: 250, after: ['post_validate', 'post_conflicts', 'post_contingency'] },
    ],
  },
];

function definition(allSerial: boolean): WorkflowDefinition {
  const phases: PhaseDefinition[] = PHASES.map((p) => {
    const steps: StepDefinition[] = p.steps.map((s) => ({
      kind: 'tool',
      id: s.id,
      capability: s.capability,
      ...(s.after ? { dependsOn: s.after } : {}),
      // Distinct arguments per step: no single flight or caching between steps.
      args: () => ({ step: s.id }),
    }));
    return allSerial || p.run === 'serial' ? { id: p.id, title: p.id, run: 'serial', steps } : { id: p.id, title: p.id, run: 'parallel', steps };
  });
  return {
    id: allSerial ? 'generation-serial' : 'generation',
    title: 'Generation (synthetic)',
    version: 1,
    parseInputs: () => ({}),
    modes: { thorough: { cache: 'off' } },
    defaultMode: 'thorough',
    timeoutMs: 120_000,
    phases,
  };
}

/** Longest chain within each phase, summed over phases (phases are barriers). */
function criticalPath(): number {
  let total = 0;
  for (const phase of PHASES) {
    const finish = new Map<string, number>();
    for (const s of phase.steps) {
      const start = phase.run === 'serial' ? Math.max(0, ...[...finish.values()]) : Math.max(0, ...(s.after ?? []).map((a) => finish.get(a)!));
      finish.set(s.id, start + s.ms / SCALE);
    }
    total += Math.max(...finish.values());
  }
  return total;
}

/** A synthetic server: each step's tool sleeps for its scaled seed latency (instant when unknown). */
async function makeEngine(historyDir?: string): Promise<Engine> {
  const latency = new Map(PHASES.flatMap((p) => p.steps.map((s) => [s.id, s.ms / SCALE] as const)));
  const invoker: ToolInvoker = {
    resolve: (capability) => ({ status: 'available', capability, tool: `${capability}_tool`, writes: false }),
    serverIdentity: () => 'bench-server',
    invoke: async (capability, args, options) => {
      const ms = latency.get(String(args['step'])) ?? 0;
      if (ms > 0) await systemClock.sleep(ms, options.signal);
      return { tool: `${capability}_tool`, data: { ok: true } };
    },
  };
  const runtime = await PolicyRuntime.create({ invoker, clock: systemClock });
  return new Engine({
    policy: runtime,
    approvals: { request: () => Promise.reject(new Error('no approvals in the benchmark')) },
    clock: systemClock,
    ...(historyDir ? { history: new RunHistory(historyDir) } : {}),
  });
}

async function wall(engine: Engine, def: WorkflowDefinition): Promise<number> {
  const capabilities = PHASES.flatMap((p) => p.steps.map((s) => s.capability));
  const loaded = loadWorkflow(def, catalogOf(capabilities));
  const started = performance.now();
  const summary = await engine.start(loaded).result;
  const elapsed = performance.now() - started;
  if (summary.status !== 'completed') throw new Error(`benchmark run ended ${summary.status}: ${summary.reason ?? ''}`);
  return elapsed;
}

const WIDE = 2000;

/** Microseconds of engine time per step: many instant tools in one parallel phase (after a warm-up run). */
async function perStepOverhead(engine: Engine): Promise<number> {
  const wide: WorkflowDefinition = {
    ...definition(false),
    id: 'wide',
    phases: [
      {
        id: 'wide',
        title: 'wide',
        run: 'parallel',
        concurrency: 50,
        steps: Array.from({ length: WIDE }, (_, i) => ({ kind: 'tool' as const, id: `s${i}`, capability: 'run_spc_analysis', args: () => ({ i }) })),
      },
    ],
  };
  const loaded = loadWorkflow(wide, catalogOf(['run_spc_analysis']));
  await engine.start(loaded).result;
  const started = performance.now();
  await engine.start(loaded).result;
  return ((performance.now() - started) / WIDE) * 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function run(): Promise<BenchResult[]> {
  const engine = await makeEngine();
  const bound = criticalPath();
  const parallel: number[] = [];
  for (let i = 0; i < 5; i++) parallel.push(await wall(engine, definition(false)));
  const serial = await wall(engine, definition(true));
  const wallMs = median(parallel);

  const bare = await perStepOverhead(await makeEngine());
  const dir = mkdtempSync(join(tmpdir(), 'sched-orch-bench-'));
  const recorded = await perStepOverhead(await makeEngine(dir));
  rmSync(dir, { recursive: true, force: true });

  return [
    { bench: 'orchestration', case: 'generation wall time (seed latencies / 10)', value: wallMs, unit: 'ms', note: `median of 5; critical path ${bound.toFixed(0)} ms` },
    { bench: 'orchestration', case: 'wall / critical-path lower bound', value: wallMs / bound, unit: 'ratio', target: '<= 1.05' },
    { bench: 'orchestration', case: 'speed-up over all-serial', value: serial / wallMs, unit: 'x', note: `all-serial run ${serial.toFixed(0)} ms` },
    { bench: 'orchestration', case: 'engine overhead per instant tool step', value: bare, unit: 'us', note: `${WIDE} steps, concurrency 50, no history` },
    { bench: 'orchestration', case: 'same, with the run history on disk', value: recorded, unit: 'us', note: `${WIDE} steps, JSON lines, no fsync for reads` },
  ];
}
