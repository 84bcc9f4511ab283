/**
 * Runs the built CLI (dist/cli.js) as a child process, the way cron or a person does, and
 * collects its exit code, stdout (parsed when --json) and stderr. The bundled server it
 * starts is dist/server.js; the degrading proxy is started with `proxyCommand(scenario)`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import type { Report } from '../../../src/core/report/report';
import { proxyBuildOptions } from './proxyBundle';
import type { ProxyScenario } from './scenario';

export const ROOT = resolve(__dirname, '..', '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');

export function requireBuild(): void {
  for (const f of ['cli.js', 'server.js']) {
    if (!existsSync(join(ROOT, 'dist', f))) throw new Error(`dist/${f} is missing: run "node scripts/build.mjs" (npm test builds first)`);
  }
}

const dirs: string[] = [];
process.on('exit', () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A temporary directory removed when the test process exits. */
export function scratch(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `sched-orch-${prefix}-`));
  dirs.push(dir);
  return dir;
}

/**
 * A --policy file that switches off the latency penalties (a result slower than its SLA loses
 * confidence): on a loaded test machine wall-clock speed alone would decide a test's outcome.
 * The penalties have their own unit tests.
 */
export function noLatencyPenaltyPolicy(): string {
  const file = join(scratch('policy'), 'policy.json');
  const relaxed = { confidence: { slowAfterMs: 600_000 } };
  writeFileSync(file, JSON.stringify({ '*': relaxed }));
  return file;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Spawned {
  child: ChildProcess;
  done: Promise<CliResult>;
  /** Resolves when stderr has printed text matching `pattern`. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Spawned {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of [...waiters]) if (w.pattern.test(stderr)) w.resolve();
  });
  const done = new Promise<CliResult>((res) => child.on('close', (code, signal) => res({ code, signal, stdout, stderr })));
  return {
    child,
    done,
    waitForStderr: (pattern, timeoutMs = 30_000) =>
      new Promise<void>((res, rej) => {
        if (pattern.test(stderr)) return res();
        const timer = setTimeout(() => rej(new Error(`stderr never matched ${pattern}:\n${stderr}`)), timeoutMs);
        waiters.push({
          pattern,
          resolve: () => {
            clearTimeout(timer);
            res();
          },
        });
      }),
  };
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return spawnCli(args, env).done;
}

/** Runs with --json and parses stdout; fails with the stderr when stdout is not JSON. */
export async function runJson(args: readonly string[]): Promise<CliResult & { json: Record<string, unknown> }> {
  const result = await runCli([...args, '--json']);
  try {
    return { ...result, json: JSON.parse(result.stdout) as Record<string, unknown> };
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\n${result.stdout}\n--- stderr ---\n${result.stderr}`);
  }
}

let proxyBundle: string | undefined;

/** The proxy server bundled once per test process (starting it through tsx would cost seconds per run). */
function bundledProxy(): string {
  if (!proxyBundle) {
    const out = join(scratch('proxy'), 'proxy.cjs');
    buildSync(proxyBuildOptions(ROOT, out));
    proxyBundle = out;
  }
  return proxyBundle;
}

/** `--server-command` for the degrading proxy with this scenario (written to a file in `dir`). */
export function proxyCommand(dir: string, scenario: ProxyScenario, name = 'scenario'): string[] {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ server: join(ROOT, 'dist', 'server.js'), ...scenario }));
  return ['--server-command', `"${process.execPath}" "${bundledProxy()}" "${file}"`];
}

/** The workflow JSON printed by `run --json`, typed as far as the tests read it. */
export interface RunJson {
  workflow: string;
  mode: string;
  status: string;
  decision: string;
  confidence: number | null;
  phases: {
    id: string;
    name: string;
    status: string;
    confidence: number | null;
    steps: { id: string; capability: string | null; tool: string | null; status: string; confidence: number; source: string; attempts: number; durationMs: number }[];
  }[];
  report: Report;
}

export function step(json: RunJson, id: string): RunJson['phases'][number]['steps'][number] | undefined {
  return json.phases.flatMap((p) => p.steps).find((s) => s.id === id);
}
