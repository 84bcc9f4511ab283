/**
 * The orchestrator's real call path (McpConnection -> McpToolInvoker -> PolicyRuntime, on
 * the system clock) against faultServer.ts in a child process, plus what the server saw.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseServerConfig } from '../../../src/core/mcp/config';
import { McpConnection } from '../../../src/core/mcp/connection';
import { McpToolInvoker } from '../../../src/core/mcp/invoker';
import { PolicyTable, type PolicyOverrides } from '../../../src/core/policy/policies';
import { PolicyRuntime, type CallRequest, type CallResult } from '../../../src/core/policy/runtime';
import { JsonFileStateStore } from '../../../src/core/policy/stateStore';
import { MemoryLogger } from '../../../src/core/util/log';
import type { FaultObservation } from './faultServer';

const repoRoot = join(__dirname, '../../..');

export interface FaultPeer {
  dir: string;
  connection: McpConnection;
  runtime: PolicyRuntime;
  logger: MemoryLogger;
  call(capability: string, args?: Record<string, unknown>, extra?: Partial<CallRequest>): Promise<CallResult>;
  observed(): FaultObservation[];
  /** Polls the observations until `done` holds or `limitMs` passes; returns the last read. */
  waitObserved(done: (o: FaultObservation[]) => boolean, limitMs?: number): Promise<FaultObservation[]>;
  setFlaky(mode: 'ok' | 'fail' | 'caller'): void;
  ledger(): string[];
  close(): Promise<void>;
}

export async function startFaultPeer(overrides: PolicyOverrides, options: { dir?: string; stateDir?: string } = {}): Promise<FaultPeer> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'sched-orch-faults-'));
  const logger = new MemoryLogger();
  const connection = new McpConnection({
    server: parseServerConfig({
      kind: 'stdio',
      command: process.execPath,
      args: ['--import', 'tsx', join(repoRoot, 'test/support/faults/faultServer.ts'), '--dir', dir],
      cwd: repoRoot,
    }),
    logger,
    connectTimeoutMs: 20_000,
  });
  await connection.connect();
  const runtime = await PolicyRuntime.create({
    invoker: new McpToolInvoker({ connection }),
    policies: new PolicyTable(overrides),
    logger,
    ...(options.stateDir ? { stateStore: new JsonFileStateStore(options.stateDir, logger) } : {}),
  });
  const observed = (): FaultObservation[] => {
    const file = join(dir, 'observed.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as FaultObservation);
  };
  return {
    dir,
    connection,
    runtime,
    logger,
    call: (capability, args = {}, extra = {}) =>
      runtime.call({ capability, args, writes: false, policy: runtime.policies.get(capability), cacheMode: 'off', signal: new AbortController().signal, ...extra }),
    observed,
    async waitObserved(done, limitMs = 3000) {
      const until = Date.now() + limitMs;
      let seen = observed();
      while (!done(seen) && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        seen = observed();
      }
      return seen;
    },
    setFlaky: (mode) => writeFileSync(join(dir, 'flaky-mode'), mode),
    ledger: () => (existsSync(join(dir, 'ledger')) ? readFileSync(join(dir, 'ledger'), 'utf8').split('\n').filter(Boolean) : []),
    async close() {
      await runtime.flush();
      await connection.close();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** How many observations of `event` on `tool`. */
export function count(observations: FaultObservation[], event: FaultObservation['event'], tool: string): number {
  return observations.filter((o) => o.event === event && o.tool === tool).length;
}
