// Tests the extension inside a real VS Code: code-server 4.139 (VS Code 1.139's workbench and
// Node extension host) driven by headless Chromium through playwright-core.
//   1. integration: the workbench's smoke-test driver runs test/vscode/suite in the extension
//      host, with this repository as the extension under development;
//   2. ui: the packaged VSIX is installed and Playwright works the workbench like a user,
//      saving screenshots to test-artifacts/vscode/;
//   3. bench (only with --only bench): test/vscode/bench in the extension host, measuring
//      activation, command-to-tree and panel update times (one JSON line each, printed and
//      written to $SCHED_ORCH_VSCODE_BENCH when set; bench/extension.ts reads them).
// Run setup.mjs first. Options: --skip-build (use dist/ as it is), --only integration|ui|bench.
import { spawnSync } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { descendants, endLeftovers, spawnGroup, stopGroup } from './processes.mjs';
import { CHROMIUM, CODE_SERVER_ENTRY, CODE_SERVER_TOOL, codeServerArgs, NODE_BIN, NODE_TOOL, REPO_ROOT, isInstalled } from './toolchain.mjs';

const { values: options } = parseArgs({ options: { 'skip-build': { type: 'boolean', default: false }, only: { type: 'string' } } });
if (options.only !== undefined && !['integration', 'ui', 'bench'].includes(options.only)) {
  console.error('--only takes "integration", "ui" or "bench"');
  process.exit(2);
}

const SECOND = 1000;
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'vscode');
const OUT = join(REPO_ROOT, 'out', 'vscode-test');
const RUN_DIR = mkdtempSync(join(tmpdir(), 'sched-orch-vscode-'));
const started = performance.now();

function say(message) {
  console.log(`[vscode-host] ${message}`);
}

function elapsed(since) {
  return `${((performance.now() - since) / SECOND).toFixed(1)} s`;
}

/** Resolves with the promise, or rejects after `ms` saying what did not happen. */
function within(ms, what, promise) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms / SECOND} s`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

function runNode(args, what, timeoutMs) {
  const t0 = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: timeoutMs });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    throw new Error(`${what} failed (${result.error?.message ?? result.signal ?? `exit code ${result.status}`})`);
  }
  say(`${what}: ${elapsed(t0)}`);
}

// ---- build: the bundles, the test modules, the VSIX

async function compileTests() {
  const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: 'inline', logLevel: 'warning' };
  // The extension-host suite: CommonJS, `vscode` supplied by the host; server-everything is
  // located at run time (require.resolve from out/ finds the project's node_modules).
  await esbuild.build({
    ...common,
    format: 'cjs',
    entryPoints: { suite: 'test/vscode/suite/index.ts', bench: 'test/vscode/bench/index.ts' },
    outdir: OUT,
    external: ['vscode', '@modelcontextprotocol/server-everything/package.json'],
    absWorkingDir: REPO_ROOT,
  });
  // The UI tests run in this process; playwright-core stays a normal import.
  await esbuild.build({ ...common, format: 'esm', entryPoints: ['test/vscode/ui/index.ts'], outfile: join(OUT, 'ui.mjs'), packages: 'external', absWorkingDir: REPO_ROOT });
}

function packageVsix() {
  const vsix = join(RUN_DIR, 'sched-orch.vsix');
  runNode(
    [join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', vsix],
    'packaging the VSIX',
    120 * SECOND,
  );
  return vsix;
}

// ---- code-server

/** Per-instance folders, so nothing is written to the home folder and no state leaks between runs. */
function instanceDirs(name, settings = {}) {
  const base = join(RUN_DIR, name);
  const dirs = {
    userData: join(base, 'user-data'),
    config: join(base, 'xdg-config'),
    data: join(base, 'xdg-data'),
    cache: join(base, 'xdg-cache'),
    browser: join(base, 'browser'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  // A quiet, deterministic workbench: no welcome page, no tips, no telemetry, no chat view.
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(
    join(dirs.userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'chat.disableAIFeatures': true,
        ...settings,
      },
      null,
      2,
    ),
  );
  return dirs;
}

function isolatedEnv(dirs) {
  return { ...process.env, XDG_CONFIG_HOME: dirs.config, XDG_DATA_HOME: dirs.data, XDG_CACHE_HOME: dirs.cache };
}

function installVsix(vsix, extensionsDir) {
  const dirs = instanceDirs('install');
  const t0 = performance.now();
  const result = spawnSync(NODE_BIN, [...codeServerArgs(dirs.userData, extensionsDir), '--install-extension', vsix], {
    env: isolatedEnv(dirs),
    encoding: 'utf8',
    timeout: 120 * SECOND,
  });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    throw new Error(`installing the VSIX failed (${result.error?.message ?? result.signal ?? `exit code ${result.status}`})`);
  }
  say(`installing the VSIX: ${elapsed(t0)}`);
}

/** Starts code-server on a free loopback port (chosen by the OS) and resolves once it listens. */
async function startCodeServer(name, { extensionsDir, workspace, smokeTestDriver, settings }) {
  const dirs = instanceDirs(name, settings);
  const args = [
    ...codeServerArgs(dirs.userData, extensionsDir),
    '--bind-addr',
    '127.0.0.1:0',
    // If this harness dies without stopping it, code-server still ends once no client is left.
    '--idle-timeout-seconds',
    '600',
    // Once the browser has gone, the extension host shuts down (deactivating the extension) at once.
    '--reconnection-grace-time',
    '1',
    ...(smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    workspace,
  ];
  const log = createWriteStream(join(ARTIFACTS, `${name}-code-server.log`));
  const child = spawnGroup(NODE_BIN, args, { env: isolatedEnv(dirs), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.pipe(log);
  const t0 = performance.now();
  const port = await within(
    60 * SECOND,
    'code-server listening',
    new Promise((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (chunk) => {
        log.write(chunk);
        text += chunk.toString();
        const match = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
        if (match) resolve(Number(match[1]));
      });
      child.once('exit', (code, signal) => reject(new Error(`code-server exited before listening (${signal ?? code}); see ${relative(REPO_ROOT, log.path)}`)));
    }),
  ).catch(async (error) => {
    await stopGroup(child);
    throw error;
  });
  say(`${name}: code-server listening on port ${port} after ${elapsed(t0)}`);
  return { child, port, dirs, log };
}

/**
 * Closes the browser, gives the extension host time to deactivate the extension, then stops
 * code-server. Returns a result saying whether every process the extension started (its MCP
 * servers) ended with VS Code; VS Code's own helpers that linger are just ended.
 */
async function shutDown(name, server, browser) {
  // Recorded while the extension host is still there: a server it leaves behind is no longer
  // below code-server once the host has exited.
  const before = descendants(server.child.pid);
  await browser?.close();
  const t0 = performance.now();
  while (descendants(server.child.pid).some((p) => p.command.includes('--type=extensionHost')) && performance.now() - t0 < 20 * SECOND) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const during = await stopGroup(server.child);
  const tree = [...before, ...during.filter((p) => !before.some((b) => b.pid === p.pid && b.start === p.start))];
  const isVsCode = (p) => p.command.includes(CODE_SERVER_TOOL.dir);
  await endLeftovers(tree.filter(isVsCode));
  const leaked = await endLeftovers(
    tree.filter((p) => !isVsCode(p)),
    5 * SECOND,
  );
  // Keep VS Code's own logs (extension host, the extension's output channel) next to the screenshots.
  const logs = join(server.dirs.userData, 'logs');
  if (existsSync(logs)) cpSync(logs, join(ARTIFACTS, `${name}-vscode-logs`), { recursive: true });
  server.log.end();
  return {
    name: 'every process the extension started ended with VS Code',
    ok: leaked.length === 0,
    ms: Math.round(performance.now() - t0),
    ...(leaked.length > 0 ? { error: `still running 5 s after VS Code stopped (now ended):\n${leaked.map((p) => `${p.pid} ${p.command}`).join('\n')}` } : {}),
  };
}

// ---- the browser

async function openBrowser(name, dirs) {
  const context = await chromium.launchPersistentContext(dirs.browser, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    env: isolatedEnv(dirs),
    timeout: 60 * SECOND,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleLog = createWriteStream(join(ARTIFACTS, `${name}-browser-console.log`));
  page.on('console', (message) => consoleLog.write(`[${message.type()}] ${message.text()}\n`));
  page.on('pageerror', (error) => consoleLog.write(`[pageerror] ${error.stack ?? error.message}\n`));
  return {
    context,
    page,
    async close() {
      await within(15 * SECOND, 'closing the browser', context.close()).catch((error) => say(`${name}: ${error.message}`));
      consoleLog.end();
    },
  };
}

function workbenchUrl(port, workspace, payload) {
  const query = new URLSearchParams({ folder: workspace });
  if (payload) query.set('payload', JSON.stringify(payload));
  return `http://127.0.0.1:${port}/?${query}`;
}

function readReport(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

function printResults(phase, results) {
  for (const r of results) {
    console.log(`${r.skipped ? 'skipped' : r.ok ? 'ok' : 'not ok'} - ${phase}: ${r.name} (${r.ms} ms)`);
    if (r.error) console.log(r.error.replace(/^/gm, '    '));
  }
}

// ---- the two phases

/** The workbench with the webview's `section` scrolled into view (the visible webview holds it). */
async function screenshotOf(page, name, section) {
  try {
    if (section) {
      const view = page.frameLocator('iframe.webview:visible').frameLocator('iframe#active-frame');
      await view.locator(`#${section}`).evaluate((node) => node.scrollIntoView({ block: 'start' }), undefined, { timeout: 10 * SECOND });
    }
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  } catch (error) {
    say(`screenshot ${name}: ${error.message}`);
  }
}

/** Runs the compiled `suite` (out/vscode-test/<suite>.js) in the extension host, the repository being the extension under development. */
async function extensionHostPhase(name, suite, workspace, environment) {
  const extensionsDir = join(RUN_DIR, name, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  const report = join(RUN_DIR, `${name}-report.jsonl`);
  const server = await startCodeServer(name, { extensionsDir, workspace, smokeTestDriver: true });
  let browser;
  let code;
  let runError;
  let cleanExit;
  try {
    browser = await openBrowser(name, server.dirs);
    const remote = (path) => `vscode-remote://127.0.0.1:${server.port}${path}`;
    const payload = [
      ['extensionDevelopmentPath', remote(REPO_ROOT)],
      ['extensionTestsPath', remote(join(OUT, `${suite}.js`))],
      ['extensionEnvironment', JSON.stringify({ SCHED_ORCH_VSCODE_REPORT: report, ...environment })],
    ];
    let resolveExit;
    const exit = new Promise((resolve) => (resolveExit = resolve));
    // The workbench calls this when the suite's run() settles (only with the smoke-test driver on).
    await browser.page.exposeFunction('codeAutomationExit', (exitCode) => resolveExit(exitCode));
    // A suite test asks for a screenshot by logging "[screenshot] <name> #<section>" (it waits for the file).
    browser.page.on('console', (message) => {
      const match = /\[screenshot\] ([\w.-]+)(?: #([\w-]+))?/.exec(message.text());
      if (match) void screenshotOf(browser.page, match[1], match[2]);
    });
    await browser.page.goto(workbenchUrl(server.port, workspace, payload), { timeout: 60 * SECOND });
    code = await within(300 * SECOND, 'the extension-host suite finishing', exit);
    await browser.page.screenshot({ path: join(ARTIFACTS, `${name}-end.png`) });
  } catch (error) {
    runError = error;
  } finally {
    cleanExit = await shutDown(name, server, browser);
  }
  const results = readReport(report);
  if (results.length === 0 || (code !== 0 && results.every((r) => r.ok))) {
    const why = runError ? String(runError.stack ?? runError) : `the extension host exited with code ${code}`;
    results.push({ name: 'suite run', ok: false, ms: 0, error: `${why}; see ${relative(REPO_ROOT, ARTIFACTS)}/${name}-*` });
  }
  results.push(cleanExit);
  printResults(name, results);
  return results;
}

async function benchPhase(workspace) {
  const out = process.env.SCHED_ORCH_VSCODE_BENCH ?? join(RUN_DIR, 'bench.jsonl');
  const results = await extensionHostPhase('bench', 'bench', workspace, { SCHED_ORCH_VSCODE_BENCH: out });
  for (const m of readReport(out)) say(`bench: ${m.case}: ${m.value.toFixed(1)} ${m.unit}${m.target ? ` (target ${m.target})` : ''}`);
  return results;
}

async function uiScenario(scenario, workspace, extensionsDir) {
  const name = `ui-${scenario.name}`;
  const report = join(RUN_DIR, `${name}-report.jsonl`);
  const { settings, tearDown } = await scenario.setUp();
  let server;
  let browser;
  let runError;
  let cleanExit;
  try {
    server = await startCodeServer(name, { extensionsDir, workspace, smokeTestDriver: false, settings });
    browser = await openBrowser(name, server.dirs);
    browser.page.setDefaultTimeout(30 * SECOND);
    await browser.page.goto(workbenchUrl(server.port, workspace), { timeout: 60 * SECOND });
    const context = { page: browser.page, artifactsDir: ARTIFACTS, vscodeLogsDir: join(server.dirs.userData, 'logs'), reportFile: report };
    // Failed steps are in the report; an error with no step reported is a failure of its own.
    await within(600 * SECOND, `UI scenario ${scenario.name} finishing`, scenario.run(context)).catch((error) => (runError = error));
  } catch (error) {
    runError = error;
  } finally {
    if (server) cleanExit = await shutDown(name, server, browser);
    await tearDown();
  }
  const results = readReport(report);
  if (results.length === 0 || (runError && results.every((r) => r.ok))) {
    results.push({ name: 'scenario', ok: false, ms: 0, error: String(runError?.stack ?? runError ?? 'no step ran') });
  }
  if (cleanExit) results.push(cleanExit);
  printResults(name, results);
  return results;
}

async function uiPhase(workspace, vsix) {
  const extensionsDir = join(RUN_DIR, 'ui-extensions');
  installVsix(vsix, extensionsDir);
  const ui = await import(pathToFileURL(join(OUT, 'ui.mjs')).href);
  const results = [];
  for (const scenario of ui.scenarios) results.push(...(await uiScenario(scenario, workspace, extensionsDir)));
  return results;
}

async function main() {
  if (!isInstalled(NODE_TOOL, NODE_BIN) || !isInstalled(CODE_SERVER_TOOL, CODE_SERVER_ENTRY) || !existsSync(CHROMIUM)) {
    throw new Error('the VS Code host tool chain is not installed: run node scripts/vscode-host/setup.mjs first');
  }
  // A benchmark run keeps the tests' screenshots; its own files are named bench-*.
  if (options.only !== 'bench') rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  if (!options['skip-build']) runNode(['scripts/build.mjs'], 'building dist/', 300 * SECOND);
  for (const bundle of ['extension.js', 'webview.js', 'server.js']) {
    if (!existsSync(join(REPO_ROOT, 'dist', bundle))) say(`warning: dist/${bundle} is missing; the tests that need it will fail`);
  }
  const t0 = performance.now();
  await compileTests();
  say(`compiling the tests: ${elapsed(t0)}`);

  const workspace = join(RUN_DIR, 'workspace');
  mkdirSync(workspace);
  const results = [];
  if (options.only === 'bench') {
    const t0 = performance.now();
    results.push(...(await benchPhase(workspace)));
    say(`bench phase: ${elapsed(t0)}`);
  }
  if (options.only === undefined || options.only === 'integration') {
    const t1 = performance.now();
    results.push(...(await extensionHostPhase('integration', 'suite', workspace, { SCHED_ORCH_SCREENSHOTS: '1' })));
    say(`integration phase: ${elapsed(t1)}`);
  }
  if (options.only === undefined || options.only === 'ui') {
    const t2 = performance.now();
    const vsix = packageVsix();
    results.push(...(await uiPhase(workspace, vsix)));
    say(`ui phase: ${elapsed(t2)}`);
  }
  const shots = readdirSync(ARTIFACTS).filter((f) => f.endsWith('.png'));
  say(`screenshots and logs: ${relative(REPO_ROOT, ARTIFACTS)}/ (${shots.length} screenshots); total ${elapsed(started)}`);
  const skipped = results.filter((r) => r.skipped).length;
  const failed = results.filter((r) => !r.ok && !r.skipped).length;
  const passed = results.length - failed - skipped;
  console.log(`vscode: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  return passed > 0 && failed === 0 && skipped === 0 ? 0 : 1;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  console.error(`[vscode-host] ${error instanceof Error ? error.message : String(error)}`);
} finally {
  rmSync(RUN_DIR, { recursive: true, force: true });
}
process.exit(exitCode);
