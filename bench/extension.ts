/**
 * The extension as it ships: its bundles' sizes (dist/, minified by `npm run build`) against
 * the targets (extension ≤ 600 KB minified, webview ≤ 250 KB), then the timings measured
 * inside a real VS Code (code-server): activation, Check Compliance to the first phase in the
 * Runs tree, and the run panel's update rate under a 100-step run (test/vscode/bench, started
 * through scripts/vscode-host/run-tests.mjs --only bench). Without code-server installed
 * (node scripts/vscode-host/setup.mjs) the timings are skipped with a note.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Measurement } from '../test/vscode/bench/index';
import type { BenchResult } from './run';

const ROOT = join(__dirname, '..');
/**
 * The webview targets apply to each page's bundle: the catalog page and the run panel.
 * dist/runtime.js loads when the application is first needed, dist/chat.js on the first /explain with a model.
 */
const TARGETS: Record<string, number | undefined> = { 'extension.js': 600, 'runtime.js': undefined, 'chat.js': undefined, 'webview.js': 250, 'runPanel.js': 250 };

function sizes(): BenchResult[] {
  const rows: BenchResult[] = [];
  for (const [file, targetKb] of Object.entries(TARGETS)) {
    const path = join(ROOT, 'dist', file);
    if (!existsSync(path)) {
      rows.push({ bench: 'extension', case: `${file} size`, value: 0, unit: 'KB', note: 'missing: run npm run build' });
      continue;
    }
    const bytes = readFileSync(path);
    rows.push({ bench: 'extension', case: `${file} minified`, value: Math.round(bytes.length / 1024), unit: 'KB', ...(targetKb ? { target: `≤ ${targetKb} KB` } : {}) });
    rows.push({ bench: 'extension', case: `${file} gzipped`, value: Math.round(gzipSync(bytes).length / 1024), unit: 'KB' });
  }
  return rows;
}

interface Toolchain {
  CODE_SERVER_TOOL: unknown;
  CODE_SERVER_ENTRY: string;
  NODE_TOOL: unknown;
  NODE_BIN: string;
  CHROMIUM: string;
  isInstalled(tool: unknown, binary: string): boolean;
}

async function inVsCode(): Promise<BenchResult[]> {
  const skip = (note: string): BenchResult[] => [{ bench: 'extension', case: 'VS Code timings', value: 0, unit: '', note }];
  const toolchain = (await import(pathToFileURL(join(ROOT, 'scripts', 'vscode-host', 'toolchain.mjs')).href)) as Toolchain;
  const installed =
    toolchain.isInstalled(toolchain.NODE_TOOL, toolchain.NODE_BIN) &&
    toolchain.isInstalled(toolchain.CODE_SERVER_TOOL, toolchain.CODE_SERVER_ENTRY) &&
    existsSync(toolchain.CHROMIUM);
  if (!installed) return skip('skipped: code-server is not installed (node scripts/vscode-host/setup.mjs installs it)');
  const dir = mkdtempSync(join(tmpdir(), 'sched-orch-bench-'));
  const out = join(dir, 'vscode-bench.jsonl');
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [join(ROOT, 'scripts', 'vscode-host', 'run-tests.mjs'), '--skip-build', '--only', 'bench'], {
        cwd: ROOT,
        env: { ...process.env, SCHED_ORCH_VSCODE_BENCH: out },
        // Its progress goes to stderr, like the other modules' notes: stdout is the table.
        stdio: ['ignore', 2, 'inherit'],
      });
      child.once('error', reject);
      child.once('exit', resolve);
    });
    const measured = existsSync(out)
      ? readFileSync(out, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Measurement)
      : [];
    const rows = measured.map((m): BenchResult => ({ bench: 'extension', ...m }));
    if (code !== 0) rows.push(...skip(`the VS Code benchmark run failed (exit code ${code}); see its output above and test-artifacts/vscode/bench-*`));
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchResult[]> {
  return [...sizes(), ...(await inVsCode())];
}
