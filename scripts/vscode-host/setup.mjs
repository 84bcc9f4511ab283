// Installs, on first use, what the tests in a real VS Code need: Debian's chromium (and
// libkrb5-dev, to build code-server's kerberos module), then Node 24 and code-server into
// .cache/vscode-host/. Neither goes into package.json: `npm ci` stays light and only this
// test needs them. When everything is there it only checks and exits.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APT_PACKAGES, CHROMIUM, CODE_SERVER_ENTRY, CODE_SERVER_TOOL, NODE_BIN, NODE_TOOL, isInstalled, markerPath, node24Env } from './toolchain.mjs';

const MINUTE = 60_000;
const started = performance.now();

function say(message) {
  console.log(`[vscode-host setup] ${message}`);
}

function run(command, args, { env = process.env, cwd, timeout }) {
  say(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { env, cwd, stdio: 'inherit', timeout });
  if (result.error) throw new Error(`${command} could not run: ${result.error.message}`);
  if (result.signal) throw new Error(`${command} was stopped (${result.signal}); timeout ${timeout / MINUTE} min`);
  if (result.status !== 0) throw new Error(`${command} ${args[0]} failed with exit code ${result.status}`);
}

function timed(label, step) {
  const t0 = performance.now();
  step();
  say(`${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

function aptInstalled(pkg) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${db:Status-Abbrev}', pkg], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.startsWith('ii');
}

/** Only what is still needed: libkrb5-dev matters only while code-server has to be built. */
function missingAptPackages(codeServerReady) {
  return APT_PACKAGES.filter((pkg) => {
    if (pkg === 'chromium') return !existsSync(CHROMIUM);
    if (pkg === 'libkrb5-dev' && codeServerReady) return false;
    return !aptInstalled(pkg);
  });
}

function installAptPackages(packages) {
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages: ${packages.join(', ')}. Run as root: apt-get update && apt-get install -y ${packages.join(' ')}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Other processes may hold dpkg's lock for a while; wait for it instead of failing.
  const lock = ['-o', 'DPkg::Lock::Timeout=300'];
  run('apt-get', [...lock, '-q', 'update'], { env, timeout: 10 * MINUTE });
  run('apt-get', [...lock, '-q', 'install', '-y', ...packages], { env, timeout: 15 * MINUTE });
}

/** A fresh folder with its own package.json, so the install touches nothing of the project. */
function installNpmTool(tool, { env, timeout }) {
  rmSync(tool.dir, { recursive: true, force: true });
  mkdirSync(tool.dir, { recursive: true });
  writeFileSync(join(tool.dir, 'package.json'), `${JSON.stringify({ private: true, description: 'Test tool installed by scripts/vscode-host/setup.mjs' }, null, 2)}\n`);
  run('npm', ['install', '--no-audit', '--no-fund', '--save-exact', tool.spec], { env, cwd: tool.dir, timeout });
  writeFileSync(markerPath(tool), `${tool.spec}\n`);
}

try {
  const nodeReady = isInstalled(NODE_TOOL, NODE_BIN);
  const codeServerReady = isInstalled(CODE_SERVER_TOOL, CODE_SERVER_ENTRY);
  const apt = missingAptPackages(codeServerReady);

  if (apt.length > 0) timed(`apt packages (${apt.join(', ')})`, () => installAptPackages(apt));
  if (!nodeReady) timed(NODE_TOOL.spec, () => installNpmTool(NODE_TOOL, { env: process.env, timeout: 10 * MINUTE }));
  if (!codeServerReady) {
    timed(CODE_SERVER_TOOL.spec, () =>
      installNpmTool(CODE_SERVER_TOOL, {
        env: {
          ...node24Env(),
          // code-server's postinstall runs two nested `npm install`s (lib/vscode and its
          // extensions) that build native modules (spdlog, sqlite3, kerberos, ...). npm >= 11.19 skips dependency install
          // scripts unless approved, and rejects an inherited allow-scripts list in those nested
          // project installs (EALLOWSCRIPTS), so this one install of a pinned release into a
          // throw-away folder runs them all, as `npm install -g code-server` always did.
          npm_config_dangerously_allow_all_scripts: 'true',
        },
        timeout: 20 * MINUTE,
      }),
    );
  }
  const what = apt.length === 0 && nodeReady && codeServerReady ? 'already installed' : 'ready';
  say(`${what}: Node ${NODE_TOOL.spec}, ${CODE_SERVER_TOOL.spec}, ${CHROMIUM} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
} catch (error) {
  console.error(`[vscode-host setup] ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
