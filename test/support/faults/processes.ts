/**
 * Real processes for the fault-injection suite: the built bundled server's CLI commands,
 * started, waited for, and killed with SIGKILL at a chosen moment.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ensureBuilt, SERVER_JS } from '../server/client';

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  done: Promise<Finished>;
}

/** `node dist/server.js ...args` */
export function server(args: string[], cwd?: string): Running {
  ensureBuilt();
  const child = spawn(process.execPath, [SERVER_JS, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}) });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Finished>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

export async function serverOk(args: string[], cwd?: string): Promise<Finished> {
  const finished = await server(args, cwd).done;
  if (finished.code !== 0) throw new Error(`server.js ${args.join(' ')} exited with ${finished.code ?? finished.signal}: ${finished.stderr}`);
  return finished;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `path` exists (true) or the process ends first (false). */
export async function whenExists(path: string, running: Running, limitMs = 20_000): Promise<boolean> {
  let ended = false;
  void running.done.then(() => (ended = true));
  const until = Date.now() + limitMs;
  while (!ended && Date.now() < until) {
    if (existsSync(path)) return true;
    await sleep(1);
  }
  return false;
}

/** SIGKILL after `delayMs`; says whether the process was still running then. */
export async function killAfter(running: Running, delayMs: number): Promise<boolean> {
  if (delayMs > 0) await sleep(delayMs);
  const alive = running.child.exitCode === null && running.child.signalCode === null;
  if (alive) running.child.kill('SIGKILL');
  await running.done;
  return alive;
}
