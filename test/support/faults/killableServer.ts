/**
 * The built bundled server over stdio with a client, that a test can SIGKILL at any moment
 * (an MCP client over StdioClientTransport, killed by the child's pid).
 */
import { existsSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ensureBuilt, SERVER_JS } from '../server/client';

export interface KillableServer {
  client: Client;
  stderr(): string;
  /** SIGKILL, then waits until the process is gone. */
  kill(): Promise<void>;
  /** Ends the session normally (stdin closed). */
  close(): Promise<void>;
}

export async function killableServer(args: string[]): Promise<KillableServer> {
  ensureBuilt();
  const transport = new StdioClientTransport({ command: process.execPath, args: [SERVER_JS, ...args], env: { PATH: process.env['PATH'] ?? '' }, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const client = new Client({ name: 'crash-tests', version: '1.0.0' });
  const closed = new Promise<void>((resolve) => (client.onclose = resolve));
  await client.connect(transport);
  const pid = transport.pid;
  if (pid === null) throw new Error('the server process did not start');
  return {
    client,
    stderr: () => stderr,
    async kill() {
      process.kill(pid, 'SIGKILL');
      await closed;
    },
    close: () => client.close(),
  };
}

/** Waits until `path` exists (true), or `done()` turns true or the limit passes first (false). */
export async function whenFileAppears(path: string, done: () => boolean, limitMs = 30_000): Promise<boolean> {
  const until = Date.now() + limitMs;
  while (!done() && Date.now() < until) {
    if (existsSync(path)) return true;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return false;
}
