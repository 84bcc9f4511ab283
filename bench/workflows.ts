/**
 * The workflows end to end as a host runs them: SchedulingApp (src/core/app/schedulingApp.ts)
 * over the project's stdio connection to the bundled server (dist/server.js, built by
 * `npm run bench`) holding a generated program, per size: S 12 residents x 4 weeks,
 * M 36 x 13, L 150 x 52 (the programs bench/validate.ts checks, written by the server's
 * `generate-program`).
 *
 * Each workflow gets a fresh server process and a fresh state directory, so nothing is served
 * from an earlier run's cache: compliance and resilience over the whole schedule, and a swap
 * of a resident's primary assignment (found before the clock starts, as
 * test/support/workflows/swapRequest.ts finds one) with both approvals answered at once by
 * the demo's approver. Each runs twice: first thing on a fresh server (whose code V8 has not
 * compiled yet: the first run after a start pays for it), then on a warm server that has just
 * executed another swap, as a server in use would have (the swap changed the data version, so
 * the server has nothing cached for the measured run either). Generation is left out:
 * bench/generate.ts measures it per size.
 *
 * Reports the run's wall time (start to report written; the swap also without the time its
 * approvals waited, which is the human's), the server's CPU time during the run (from /proc,
 * steadier than wall time on a loaded machine), the connect time (server start with the program
 * import, handshake, tool list), the peak RSS of the server (its VmHWM, Linux) and of this
 * client process (sampled), and the growth exponent of run time over shifts fitted by least
 * squares over the sizes run. Latency penalties are off (slowAfterMs 600 s, as the workflow
 * tests run): on a loaded machine they would change the outcomes compared across sizes.
 * Targets on M: compliance <= 300 ms, resilience <= 1 s, swap without human time <= 300 ms;
 * on L: compliance <= 1.5 s. BENCH_WORKFLOW_SIZES=S,M runs only those sizes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { responderOf } from '../src/core/app/approvalBroker';
import { SchedulingApp, type RunOutcome } from '../src/core/app/schedulingApp';
import type { EngineEvent } from '../src/core/engine/events';
import { parseServerConfig } from '../src/core/mcp/config';
import { McpConnection } from '../src/core/mcp/connection';
import { endpointFor, type ServerEndpoint } from '../src/core/mcp/endpoints';
import type { StdioProcessTransport } from '../src/core/mcp/stdioTransport';
import { systemClock } from '../src/core/util/clock';
import { silentLogger } from '../src/core/util/log';
import { demoApprovals } from '../src/cli/approvals';
import { str } from '../src/core/workflows/shared/read';
import { findSwapRequest, withServer, type SwapRequest } from '../test/support/workflows/swapRequest';
import type { BenchResult } from './run';
import { growthExponent, withPeakRss } from './support/measure';

const SERVER = join(__dirname, '..', 'dist', 'server.js');

const SIZES = [
  { label: 'S', residentsPerPgy: 4, faculty: 6, weeks: 4 },
  { label: 'M', residentsPerPgy: 12, faculty: 16, weeks: 13 },
  { label: 'L', residentsPerPgy: 50, faculty: 75, weeks: 52 },
];

const TARGETS: Record<string, Record<string, string>> = {
  M: { compliance: '<= 300 ms', resilience: '<= 1,000 ms', swap: '<= 300 ms without human time' },
  L: { compliance: '<= 1,500 ms' },
};

const NO_LATENCY_PENALTY = { '*': { confidence: { slowAfterMs: 600_000 } } };

interface Measured {
  workflow: string;
  /** Run on a server that had just executed another swap (compiled code, caches of an older data version). */
  warm: boolean;
  status: string;
  confidence: string;
  wallMs: number;
  /** Time the run's approvals waited for their answers. */
  approvalMs: number;
  connectMs: number;
  serverPeakMb: number | undefined;
  clientPeakMb: number;
  /** This process's RSS before the run: the loaded modules, not the run. */
  clientBaseMb: number;
  /** The three slowest steps, `id ms`. */
  slowest: string;
  /** CPU time the server used during the run: unlike wall time, barely changed by the machine's load. */
  serverCpuMs: number | undefined;
}

/** The server's peak resident set (VmHWM) from /proc; undefined where there is no /proc. */
function serverPeakMb(pid: number | undefined): number | undefined {
  const status = pid !== undefined ? `/proc/${pid}/status` : undefined;
  if (!status || !existsSync(status)) return undefined;
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(status, 'utf8'))?.[1];
  return kb !== undefined ? (Number(kb) * 1024) / 1e6 : undefined;
}

/** The bundled server's stdio endpoint, keeping its transport so the process can be measured. */
function measuredEndpoint(programFile: string): { endpoint: ServerEndpoint; pid: () => number | undefined } {
  // BENCH_SERVER_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=DIR`) profiles the server processes.
  const nodeArgs = process.env['BENCH_SERVER_NODE_ARGS']?.split(' ').filter(Boolean) ?? [];
  const inner = endpointFor(parseServerConfig({ kind: 'stdio', command: process.execPath, args: [...nodeArgs, SERVER, '--program', programFile, '--log-level', 'warn'] }));
  let transport: StdioProcessTransport | undefined;
  const endpoint: ServerEndpoint = {
    description: inner.description,
    kinds: inner.kinds,
    secrets: () => inner.secrets(),
    open(kind, context) {
      const opened = inner.open(kind, context);
      transport = opened.transport as StdioProcessTransport;
      return opened;
    },
  };
  return { endpoint, pid: () => transport?.pid };
}

/** CPU time (user + system) the server process has used so far, from /proc (Linux); undefined elsewhere. */
function serverCpuMs(pid: number | undefined): number | undefined {
  const stat = pid !== undefined ? `/proc/${pid}/stat` : undefined;
  if (!stat || !existsSync(stat)) return undefined;
  // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th, in clock ticks (100 a second on Linux).
  const text = readFileSync(stat, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function approvalWaitMs(events: readonly EngineEvent[]): number {
  const asked = new Map<string, number>();
  let total = 0;
  for (const e of events) {
    if (e.type === 'approval_requested') asked.set(e.stepId, e.at);
    if (e.type === 'approval_answered' && asked.has(e.stepId)) total += e.at - asked.get(e.stepId)!;
  }
  return total;
}

function appOn(connection: McpConnection, stateDir: string): Promise<SchedulingApp> {
  return SchedulingApp.create({ connection, stateDir, logger: silentLogger, policies: NO_LATENCY_PENALTY, defaultResponder: responderOf(demoApprovals(systemClock)) });
}

/**
 * One run of `workflow` on a fresh server process. With `warmUp` (a swap's inputs) the server
 * first executes that swap for another app with its own state: the measured run then finds the
 * server's code compiled, as a server that has been in use would, but nothing cached for the
 * data it reads (the swap changed the data version) and a client with an empty cache.
 */
async function runOnce(programFile: string, workflow: string, inputs: Record<string, unknown>, warmUp?: Record<string, unknown>): Promise<Measured> {
  const stateDir = mkdtempSync(join(tmpdir(), 'sched-orch-bench-wf-'));
  const { endpoint, pid } = measuredEndpoint(programFile);
  const connection = new McpConnection({ server: endpoint, reconnect: false, connectTimeoutMs: 120_000 });
  try {
    const connectStarted = performance.now();
    await connection.connect();
    const connectMs = performance.now() - connectStarted;
    if (warmUp) {
      const warmDir = join(stateDir, 'warm-up');
      const warming = await appOn(connection, warmDir);
      const { summary } = await warming.start({ workflow: 'swap', inputs: warmUp }).done;
      await warming.dispose();
      if (summary.status !== 'completed') throw new Error(`the warm-up swap ended ${summary.status}: ${summary.reason ?? ''}`);
    }
    const app = await appOn(connection, join(stateDir, 'measured'));
    const events: EngineEvent[] = [];
    global.gc?.();
    const clientBaseMb = process.memoryUsage().rss / 1e6;
    const cpuBefore = serverCpuMs(pid());
    const started = performance.now();
    const { value: outcome, peakMb } = await withPeakRss<RunOutcome>(() => app.start({ workflow, inputs, onEvent: (e) => events.push(e) }).done);
    const wallMs = performance.now() - started;
    const cpuAfter = serverCpuMs(pid());
    await app.dispose();
    const { summary } = outcome;
    return {
      workflow,
      warm: warmUp !== undefined,
      status: summary.status,
      confidence: summary.confidence ? summary.confidence.value.toFixed(2) : 'none',
      wallMs,
      approvalMs: approvalWaitMs(events),
      connectMs,
      serverPeakMb: serverPeakMb(pid()),
      serverCpuMs: cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined,
      clientPeakMb: peakMb,
      clientBaseMb,
      slowest: [...summary.steps]
        .filter((step) => step.kind !== 'approval')
        .sort((a, b) => b.durationMs - a.durationMs)
        .slice(0, 3)
        .map((step) => `${step.stepId} ${step.durationMs.toFixed(0)}`)
        .join(', '),
    };
  } finally {
    await connection.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/**
 * Writes the size's program with the server's own generator (`generate-program`, seed 11) in
 * a child process, so this process, whose memory is the client's, never holds the program.
 */
function writeProgram(size: (typeof SIZES)[number], file: string): { shifts: number } {
  const args = ['generate-program', '--residents-per-pgy', String(size.residentsPerPgy), '--faculty', String(size.faculty), '--weeks', String(size.weeks)];
  const child = spawnSync(process.execPath, [SERVER, ...args, '--seed', '11', '--out', file], { encoding: 'utf8' });
  const shifts = /"assignments":(\d+)/.exec(child.stderr)?.[1];
  if (child.status !== 0 || shifts === undefined) throw new Error(`generate-program failed (${child.status}): ${child.stderr}`);
  return { shifts: Number(shifts) };
}

async function measureSize(size: (typeof SIZES)[number], dir: string): Promise<{ label: string; shifts: number; runs: Measured[] }> {
  const programFile = join(dir, `program-${size.label}.json`);
  const { shifts } = writeProgram(size, programFile);
  const serverArgs = ['--program', programFile, '--log-level', 'warn'];
  const status = await withServer(serverArgs, (call) => call('get_schedule_status', {}));
  const start = str(status, 'start_date');
  const end = str(status, 'end_date');
  if (!start || !end) throw new Error(`get_schedule_status named no schedule range: ${JSON.stringify(status)}`);
  const range = { today: start, start_date: start, end_date: end };
  const swap = await findSwapRequest(serverArgs, 1);
  const other = await findSwapRequest(serverArgs, 1, swap);
  const swapInputs = (request: SwapRequest) => ({ today: start, assignment_id: request.assignmentId, requester: request.requester });
  const runs: Measured[] = [];
  for (const warmUp of [undefined, swapInputs(other)]) {
    runs.push(
      await runOnce(programFile, 'compliance', range, warmUp),
      await runOnce(programFile, 'resilience', range, warmUp),
      await runOnce(programFile, 'swap', swapInputs(swap), warmUp),
    );
  }
  return { label: `${size.label}: ${size.residentsPerPgy * 3} residents x ${size.weeks} weeks`, shifts, runs };
}

function selectedSizes(): typeof SIZES {
  const wanted = process.env['BENCH_WORKFLOW_SIZES']?.split(',').map((s) => s.trim().toUpperCase());
  const sizes = wanted ? SIZES.filter((s) => wanted.includes(s.label)) : SIZES;
  if (sizes.length === 0) throw new Error(`BENCH_WORKFLOW_SIZES=${process.env['BENCH_WORKFLOW_SIZES']} names no size (S, M, L)`);
  return sizes;
}

export async function run(): Promise<BenchResult[]> {
  if (!existsSync(SERVER)) throw new Error('dist/server.js is missing: run npm run build (npm run bench builds first)');
  const dir = mkdtempSync(join(tmpdir(), 'sched-orch-bench-programs-'));
  try {
    const sizes = selectedSizes();
    const results: Awaited<ReturnType<typeof measureSize>>[] = [];
    for (const size of sizes) {
      process.stderr.write(`  workflows on ${size.label} ...\n`);
      results.push(await measureSize(size, dir));
    }
    const rows: BenchResult[] = [];
    for (const [i, r] of results.entries()) {
      const targets = TARGETS[sizes[i]!.label] ?? {};
      for (const m of r.runs) {
        const server = m.serverPeakMb !== undefined ? `${m.serverPeakMb.toFixed(0)} MB` : 'n/a';
        const memory = `server peak ${server}, client ${m.clientPeakMb.toFixed(0)} MB (${m.clientBaseMb.toFixed(0)} before); connect ${m.connectMs.toFixed(0)} ms`;
        const cpu = m.serverCpuMs !== undefined ? `server CPU ${m.serverCpuMs} ms; ` : '';
        const outcome = `${m.status}, confidence ${m.confidence}`;
        const human = m.workflow === 'swap';
        rows.push({
          bench: 'workflows',
          case: `${r.label} (${r.shifts} shifts): ${m.workflow}${human ? ' without human time' : ''}, ${m.warm ? 'warm' : 'fresh'} server`,
          value: m.wallMs - m.approvalMs,
          unit: 'ms',
          ...(targets[m.workflow] ? { target: targets[m.workflow] } : {}),
          note: `${outcome}; ${cpu}${human ? `approvals waited ${m.approvalMs.toFixed(0)} ms; ` : ''}${memory}; slowest steps (ms): ${m.slowest}`,
        });
      }
    }
    if (results.length >= 2) {
      for (const workflow of ['compliance', 'resilience', 'swap']) {
        for (const warm of [false, true]) {
          const points = results.map((r) => {
            const m = r.runs.find((x) => x.workflow === workflow && x.warm === warm)!;
            return { x: r.shifts, y: m.wallMs - m.approvalMs };
          });
          const server = warm ? 'warm' : 'fresh';
          rows.push({
            bench: 'workflows',
            case: `${workflow}, ${server} server: growth exponent k (time ~ shifts^k)`,
            value: growthExponent(points),
            unit: 'k',
            note: `${results.length} sizes`,
          });
        }
      }
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
