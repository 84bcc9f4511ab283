// The same extension-host suite (test/vscode/suite) under the ecosystem's standard runner,
// @vscode/test-electron, for machines that can download VS Code desktop (it fetches it from
// Microsoft's update server into .vscode-test/). Offline machines use run-tests.mjs.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { runTests } from '@vscode/test-electron';
import { REPO_ROOT } from './toolchain.mjs';

const suite = join(REPO_ROOT, 'out', 'vscode-test', 'suite.js');
await esbuild.build({
  entryPoints: ['test/vscode/suite/index.ts'],
  outfile: suite,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  external: ['vscode', '@modelcontextprotocol/server-everything/package.json'],
  absWorkingDir: REPO_ROOT,
  logLevel: 'warning',
});
const workspace = mkdtempSync(join(tmpdir(), 'sched-orch-electron-'));
mkdirSync(workspace, { recursive: true });
const report = join(workspace, 'report.jsonl');
try {
  await runTests({
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath: suite,
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    extensionTestsEnv: { SCHED_ORCH_VSCODE_REPORT: report },
  });
  console.log(`test-electron: passed (results in ${report})`);
} catch (error) {
  console.error(`test-electron: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
