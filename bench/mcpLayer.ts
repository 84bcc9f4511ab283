/**
 * What the project's MCP layers cost per call, side by side on the same no-op stdio server
 * (bench/support/noopServer.ts, one process per client):
 *   - sdk: the bare SDK Client over the SDK's StdioClientTransport;
 *   - sdk+signal: the same, each call given an abort signal of its own (what cancelling costs);
 *   - connection: McpConnection.callTool, the connection every host uses (src/core/mcp);
 *   - runtime: the full per-call path of a workflow step: PolicyRuntime (single flight,
 *     breaker, retry, attempt timeouts, health; cache off, as a no-op read must not be served
 *     from it) over McpToolInvoker (resolution, result validation), then the step's confidence.
 * Each call has its own arguments; ours also get an abort signal of their own per call (made
 * inside the timed call, as each workflow step has one), which the sdk client is not given.
 * Every client makes WARM_UP_CALLS first, so that both sides run optimised code (with a few
 * hundred, the servers' time per call was still 3-4 times its steady value).
 * At concurrency 1, 8 and 64: p50, p99 and calls/s per client, and the ratio to the SDK's.
 * The clients take turns in round-robin batches, the first one rotating each round, so the
 * shared machine's noise falls on all of them alike. Target: at most 1.10x the SDK at p50.
 */
import { buildSync } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchClient, McpClients } from './support/mcpClients';
import type { BenchResult } from './run';

const CONCURRENCY = [1, 8, 64];
/** Calls per client per batch at each concurrency, and batches per client. */
const CALLS_PER_WORKER = 100;
const MAX_BATCH = 1280;
const ROUNDS = 8;
const WARM_UP_CALLS = 3000;

/**
 * The clients as the project ships code: bench/support/mcpClients.ts bundled by esbuild with
 * the settings of scripts/build.mjs, the SDK inside as in dist/. Loaded through tsx instead,
 * every closure of ours would pay tsx's name-keeping helper (a defineProperty for each
 * closure made, none in dist/), which the SDK's compiled JavaScript does not.
 */
function loadClients(dir: string): McpClients {
  const outfile = join(dir, 'mcpClients.js');
  buildSync({ entryPoints: [join(__dirname, 'support', 'mcpClients.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'error' });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle is made at run time
  return require(outfile) as McpClients;
}

/** `calls` calls from `concurrency` workers; each call's latency in ms, and the batch's wall time. */
async function batch(client: BenchClient, calls: number, concurrency: number, firstArg: number): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < calls) {
      const i = firstArg + next++;
      const started = performance.now();
      await client.call(i);
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, wallMs: performance.now() - started };
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

function bundleServer(dir: string): string {
  const outfile = join(dir, 'noopServer.js');
  buildSync({ entryPoints: [join(__dirname, 'support', 'noopServer.ts')], bundle: true, platform: 'node', format: 'cjs', outfile, logLevel: 'error' });
  return outfile;
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sched-orch-bench-mcp-'));
  const clients: BenchClient[] = [];
  try {
    const server = bundleServer(dir);
    const { sdkClient, connectionClient, runtimeClient } = loadClients(dir);
    clients.push(await sdkClient(server, false), await sdkClient(server, true), await connectionClient(server), await runtimeClient(server));
    let arg = 0;
    for (const client of clients) await batch(client, WARM_UP_CALLS, 8, (arg += WARM_UP_CALLS));
    const rows: BenchResult[] = [];
    for (const concurrency of CONCURRENCY) {
      const calls = Math.min(MAX_BATCH, CALLS_PER_WORKER * concurrency);
      const samples = new Map(clients.map((c) => [c.name, { latencies: [] as number[], wallMs: 0 }]));
      for (let round = 0; round < ROUNDS; round++) {
        for (let k = 0; k < clients.length; k++) {
          const client = clients[(round + k) % clients.length]!;
          const { latencies, wallMs } = await batch(client, calls, concurrency, (arg += calls));
          const sample = samples.get(client.name)!;
          sample.latencies.push(...latencies);
          sample.wallMs += wallMs;
        }
      }
      const stats = new Map(
        [...samples].map(([name, s]) => {
          const sorted = [...s.latencies].sort((a, b) => a - b);
          return [name, { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), rate: (s.latencies.length / s.wallMs) * 1000 }] as const;
        }),
      );
      const sdk = stats.get('sdk')!;
      for (const [name, s] of stats) {
        const label = `${name}, concurrency ${concurrency}`;
        const vsSdk = name !== 'sdk';
        const ours = name === 'connection' || name === 'runtime';
        rows.push(
          {
            bench: 'mcpLayer',
            case: `${label}: p50`,
            value: s.p50 * 1000,
            unit: 'us',
            ...(ours ? { target: '<= 1.10x sdk' } : {}),
            ...(vsSdk ? { note: `${(s.p50 / sdk.p50).toFixed(2)}x sdk` } : {}),
          },
          { bench: 'mcpLayer', case: `${label}: p99`, value: s.p99 * 1000, unit: 'us', ...(vsSdk ? { note: `${(s.p99 / sdk.p99).toFixed(2)}x sdk` } : {}) },
          {
            bench: 'mcpLayer',
            case: `${label}: calls/s`,
            value: Math.round(s.rate),
            unit: 'calls/s',
            note: `${ROUNDS} x ${calls} calls${vsSdk ? `; ${(s.rate / sdk.rate).toFixed(2)}x sdk` : ''}`,
          },
        );
      }
    }
    return rows;
  } finally {
    await Promise.allSettled(clients.map((c) => c.close()));
    rmSync(dir, { recursive: true, force: true });
  }
}
