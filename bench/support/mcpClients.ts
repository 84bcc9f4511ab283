/**
 * The four clients bench/mcpLayer.ts compares on one no-op stdio server, in one module so
 * that the bench bundles them alike (as dist/ is built): the bare SDK client, without and
 * with an abort signal per call, the project's connection, and a workflow step's whole
 * per-call path through the policy runtime.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { scoreToolResult } from '../../src/core/confidence/score';
import type { CapabilitySpec } from '../../src/core/mcp/capabilities';
import { parseServerConfig } from '../../src/core/mcp/config';
import { McpConnection } from '../../src/core/mcp/connection';
import { McpToolInvoker } from '../../src/core/mcp/invoker';
import { PolicyRuntime } from '../../src/core/policy/runtime';

export interface BenchClient {
  name: string;
  call(i: number): Promise<void>;
  close(): Promise<void>;
}

export interface McpClients {
  sdkClient(server: string, withSignal: boolean): Promise<BenchClient>;
  connectionClient(server: string): Promise<BenchClient>;
  runtimeClient(server: string): Promise<BenchClient>;
}

const TIMEOUTS = { timeoutMs: 30_000, maxTotalTimeoutMs: 60_000 };

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
export async function sdkClient(server: string, withSignal: boolean): Promise<BenchClient> {
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

export async function connectionClient(server: string): Promise<BenchClient> {
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

export async function runtimeClient(server: string): Promise<BenchClient> {
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
