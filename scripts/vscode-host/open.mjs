// `npm run vscode`: builds and packages the extension, installs it into a code-server of its
// own (VS Code in the browser, from .cache/vscode-host/, installed by setup.mjs), opens a
// workspace with the sample program and prints the URL. The extension starts its bundled
// server with the sample program, so every workflow runs with no set-up. Ctrl-C stops it.
// Options: --port N (default 8080), --host ADDR (default 127.0.0.1).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnGroup, stopGroup } from './processes.mjs';
import { CACHE_DIR, NODE_BIN, REPO_ROOT, codeServerArgs } from './toolchain.mjs';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' }, host: { type: 'string', default: '127.0.0.1' } } });
const TRY = join(CACHE_DIR, 'try');
const dirs = { userData: join(TRY, 'user-data'), extensions: join(TRY, 'extensions'), workspace: join(TRY, 'workspace'), xdg: join(TRY, 'xdg') };
for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });

function step(what, command, args, env = process.env) {
  console.log(`[vscode] ${what}…`);
  const result = spawnSync(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'], env });
  if (result.status !== 0) {
    console.error(`[vscode] ${what} failed`);
    process.exit(1);
  }
}

const env = { ...process.env, XDG_CONFIG_HOME: join(dirs.xdg, 'config'), XDG_DATA_HOME: join(dirs.xdg, 'data'), XDG_CACHE_HOME: join(dirs.xdg, 'cache') };
const vsix = join(TRY, 'sched-orch.vsix');
step('building', process.execPath, ['scripts/build.mjs', '--production']);
step('packaging', process.execPath, [join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', vsix]);
const base = codeServerArgs(dirs.userData, dirs.extensions);
step('installing the extension', NODE_BIN, [...base, '--install-extension', vsix, '--force'], env);

// A workspace with the sample program to look at; the extension's bundled server uses the same program.
copyFileSync(join(REPO_ROOT, 'samples', 'program.small.json'), join(dirs.workspace, 'program.small.json'));
mkdirSync(join(dirs.userData, 'User'), { recursive: true });
writeFileSync(
  join(dirs.userData, 'User', 'settings.json'),
  JSON.stringify({ 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'chat.disableAIFeatures': true }, null, 2),
);

const child = spawnGroup(NODE_BIN, [...base, '--bind-addr', `${values.host}:${values.port}`, dirs.workspace], { env, stdio: ['ignore', 'pipe', 'inherit'] });
child.stdout.on('data', (chunk) => {
  const text = chunk.toString();
  if (/HTTP server listening/.test(text)) {
    const url = `http://${values.host}:${values.port}/?folder=${encodeURIComponent(dirs.workspace)}`;
    console.log(
      `\n[vscode] VS Code with the extension: ${url}\n[vscode] Open the Schedule Orchestrator view in the activity bar, or run "Schedule Orchestrator: Check Compliance" from the command palette (F1). Ctrl-C stops.`,
    );
  }
});
const stop = async () => {
  await stopGroup(child);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
child.on('exit', (code) => process.exit(code ?? 0));
