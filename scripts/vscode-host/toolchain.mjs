// Where the VS Code host tool chain lives and how to run it. setup.mjs installs it,
// run-tests.mjs uses it; both read the locations from here so they cannot drift apart.
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Ignored by git (.cache/), like @vscode/test-electron's .vscode-test/. */
export const CACHE_DIR = join(REPO_ROOT, '.cache', 'vscode-host');

export const CODE_SERVER_VERSION = '4.139.1';
/** code-server 4.139 declares engines.node 24 and its postinstall refuses any other major. */
export const NODE_VERSION = '24.21.0';
export const APT_PACKAGES = ['chromium', 'libkrb5-dev'];
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// npm ships Node as one package per platform (what the `node` package's preinstall would fetch);
// installing it directly needs no install script. Only linux-x64 is known to work for code-server here.
const nodePackage = `node-${process.platform}-${process.arch}`;

export const NODE_TOOL = {
  name: 'node',
  spec: `${nodePackage}@${NODE_VERSION}`,
  dir: join(CACHE_DIR, 'node'),
};
export const CODE_SERVER_TOOL = {
  name: 'code-server',
  spec: `code-server@${CODE_SERVER_VERSION}`,
  dir: join(CACHE_DIR, 'code-server'),
};

/** Node 24's home: bin/node plus include/node (the headers node-gyp builds against). */
export const NODE_HOME = join(NODE_TOOL.dir, 'node_modules', nodePackage);
export const NODE_BIN = join(NODE_HOME, 'bin', 'node');
export const CODE_SERVER_ENTRY = join(CODE_SERVER_TOOL.dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

/** code-server's own arguments for a private profile: no auth, no telemetry or update checks, trusted workspace. */
export function codeServerArgs(userDataDir, extensionsDir) {
  return [
    CODE_SERVER_ENTRY,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
  ];
}

/** Where a tool records the spec it was installed from, written only after a complete install. */
export function markerPath(tool) {
  return join(tool.dir, '.installed');
}

export function isInstalled(tool, binary) {
  const marker = markerPath(tool);
  return existsSync(marker) && readFileSync(marker, 'utf8').trim() === tool.spec && existsSync(binary);
}

/** Environment in which `node` and npm's node-gyp mean Node 24. */
export function node24Env(base = process.env) {
  // Under `npm run`, the outer npm (Node 20) exports its config as npm_config_* variables; the
  // inner npm would inherit them, and code-server's postinstall reads the Node version from the
  // inherited npm_config_user_agent ("node/v20") and refuses to install.
  const clean = Object.fromEntries(Object.entries(base).filter(([key]) => !/^npm_/i.test(key)));
  return {
    ...clean,
    PATH: [join(NODE_HOME, 'bin'), base.PATH ?? ''].join(delimiter),
    npm_config_nodedir: NODE_HOME,
  };
}
