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
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { buildSync } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { scoreToolResult } from '../src/core/confidence/score';
import type { CapabilitySpec } from '../src/core/mcp/capabilities';
import { parseServerConfig } from '../src/core/mcp/config';
import { McpConnection } from '../src/core/mcp/connection';
import { McpToolInvoker } from '../src/core/mcp/invoker';
import { PolicyRuntime } from '../src/core/policy/runtime';
import type { BenchResult } from './run';

const CONCURRENCY = [1, 8, 64];
/** Calls per client per batch at each concurrency, and batches per client. */
const CALLS_PER_WORKER = 100;
const MAX_BATCH = 1280;
const ROUNDS = 8;
const WARM_UP_CALLS = 3000;
const TIMEOUTS = { timeoutMs: 30_000, maxTotalTimeoutMs: 60_000 };

interface BenchClient {
  name: string;
  call(i: number): Promise<void>;
  close(): Promise<void>;
}

const NOOP_SPEC: CapabilitySpec = {
  name: 'noop',
  description: 'The benchmark server’s no-op read.',
  writes: false,
  result: z.looseObject({ ok: z.literal(true), i: z.number() }),
};

function checked(result: CallToolResult): void {
  if (result.isError) throw new Error(`noop failed: ${JSON.stringify(result.content)}`);
}

/** The bare SDK client; `withSignal`: each call cancellable through a signal of its own, as ours are. */
async function sdkClient(server: string, withSignal: boolean): Promise<BenchClient> {
  const client = new Client({ name: 'bench-sdk', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [server] }));
  return {
    name: withSignal ? 'sdk+signal' : 'sdk',
    call: async (i) =>
      checked((await client.callTool({ name: 'noop', arguments: { i } }, undefined, withSignal ? { signal: new AbortController().signal } : undefined)) as CallToolResult),
    close: () => client.close(),
  };
}

async function connectionTo(server: string): Promise<McpConnection> {
  const connection = new McpConnection({ server: parseServerConfig({ kind: 'stdio', command: process.execPath, args: [server] }), reconnect: false });
  await connection.connect();
  return connection;
}

async function connectionClient(server: string): Promise<BenchClient> {
  const connection = await connectionTo(server);
  return {
    name: 'connection',
    // A signal per call, as each workflow step has its own; being the call's alone, its
    // controller goes with it (the SDK gets the signal as it is, see CallOptions.controller).
    call: async (i) => {
      const controller = new AbortController();
      checked(await connection.callTool('noop', { i }, { signal: controller.signal, controller, ...TIMEOUTS }));
    },
    close: () => connection.close(),
  };
}

async function runtimeClient(server: string): Promise<BenchClient> {
  const connection = await connectionTo(server);
  const runtime = await PolicyRuntime.create({ invoker: new McpToolInvoker({ connection, specs: [NOOP_SPEC] }) });
  const policy = runtime.policies.get('noop');
  return {
    name: 'runtime',
    call: async (i) => {
      const result = await runtime.call({ capability: 'noop', args: { i }, writes: false, policy, cacheMode: 'off', signal: new AbortController().signal });
      if (!result.ok) throw result.error;
      const confidence = scoreToolResult({
        capability: 'noop',
        base: policy.confidence.base,
        data: result.data,
        source: result.source,
        durationMs: result.durationMs,
        slowAfterMs: policy.confidence.slowAfterMs,
        slowPenalty: policy.confidence.slowPenalty,
      });
      if (confidence.value <= 0) throw new Error(`noop scored ${confidence.reason}`);
    },
    close: async () => {
      await runtime.flush();
      await connection.close();
    },
  };
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
