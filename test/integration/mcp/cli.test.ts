/**
 * The CLI's `tools` and `call` commands as a user runs them: the entry point is bundled
 * with esbuild (as scripts/build.mjs does) into a temporary directory once, then run as a
 * child process against server-everything over stdio and the HTTP test server.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { CAPABILITIES } from '../../../src/core/mcp/capabilities';
import { everythingServerScript } from '../../support/mcp/everything';
import { startHttpTestServer, type HttpTestServer } from '../../support/mcp/httpServer';

const repoRoot = join(__dirname, '../../..');
const outDir = mkdtempSync(join(tmpdir(), 'sched-orch-cli-'));
const cliPath = join(outDir, 'cli.js');
const everything = ['--server-command', `"${process.execPath}" "${everythingServerScript()}" stdio`];
const KEY = 'cli-test-key-7d41a0';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: readonly string[], options: { env?: Record<string, string>; onStderr?: (text: string, child: ReturnType<typeof spawn>) => void } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: { PATH: process.env['PATH'] ?? '', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      options.onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// The runs are independent and mostly wait on I/O: run them side by side.
describe('sched-orch CLI: tools and call', { concurrency: 4 }, () => {
  let http: HttpTestServer;
  before(async () => {
    await build({ entryPoints: [join(repoRoot, 'src/cli/main.ts')], outfile: cliPath, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error' });
    http = await startHttpTestServer({ mode: 'stateless', apiKey: KEY });
  });
  after(async () => {
    await http.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('tools: lists the server’s tools and the capabilities the workflows need', async () => {
    const run = await runCli(['tools', ...everything]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Server {2}mcp-servers\/everything 2\.0\.0 over stdio/);
    assert.match(run.stdout, /Tools \(\d+\)\n/);
    assert.match(run.stdout, /\n {2}echo +read +Echoes back the input string\n/);
    assert.match(run.stdout, /\n {2}toggle-simulated-logging +write /);
    assert.match(run.stdout, new RegExp(`Capabilities the workflows need \\(0 of ${CAPABILITIES.length} available\\)`));
    assert.match(run.stdout, /\n {2}validate_schedule +unavailable +the server has no tool for validate_schedule/);
    assert.equal(run.stderr, '');
  });

  it('tools --json against an HTTP server with an API key from the environment', async () => {
    const run = await runCli(['tools', '--server-url', http.url, '--api-key-env', 'SCHED_KEY', '--json'], { env: { SCHED_KEY: KEY } });
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout) as {
      server: { name: string; transport: string };
      tools: { name: string; readOnly: boolean }[];
      capabilities: { capability: string; status: string; tool?: string }[];
    };
    assert.equal(out.server.name, 'sched-test-server');
    assert.equal(out.server.transport, 'streamable-http');
    assert.ok(out.tools.some((t) => t.name === 'validate_schedule_tool' && t.readOnly));
    assert.deepEqual(
      out.capabilities.find((c) => c.capability === 'validate_schedule'),
      { status: 'available', capability: 'validate_schedule', tool: 'validate_schedule_tool', writes: false },
    );
    assert.equal(out.capabilities.length, CAPABILITIES.length);
  });

  it('exits 5 when the server rejects the key, without printing the key even at trace level', async () => {
    const missing = await runCli(['tools', '--server-url', http.url]);
    assert.equal(missing.code, 5);
    assert.match(missing.stderr, /^sched-orch: auth: .*authentication failed \(HTTP 401\).*none is configured\n$/);
    const wrong = await runCli(['tools', '--server-url', http.url, '--api-key-env', 'SCHED_KEY', '--log-level', 'trace'], { env: { SCHED_KEY: `${KEY}-wrong` } });
    assert.equal(wrong.code, 5);
    assert.match(wrong.stderr, /check the API key in environment variable SCHED_KEY/);
    assert.ok(wrong.stderr.includes('[trace] -> streamable-http'), 'traffic was logged');
    assert.ok(!wrong.stderr.includes(KEY), 'the key is not printed');
  });

  it('call: prints the result; a capability name resolves to the server’s _tool name', async () => {
    const echo = await runCli(['call', 'echo', '--args', '{"message":"hi"}', ...everything]);
    assert.equal(echo.code, 0, echo.stderr);
    assert.deepEqual(JSON.parse(echo.stdout), { text: 'Echo: hi' });
    const validate = await runCli(
      ['call', 'validate_schedule', '--args', '{"start_date":"2026-01-05","end_date":"2026-02-01"}', '--server-url', http.url, '--api-key-env', 'K', '--json'],
      {
        env: { K: KEY },
      },
    );
    assert.equal(validate.code, 0, validate.stderr);
    const out = JSON.parse(validate.stdout) as { tool: string; data: { is_valid: boolean } };
    assert.equal(out.tool, 'validate_schedule_tool');
    assert.equal(out.data.is_valid, false);
  });

  it('call: prints progress lines on stderr while the call runs', async () => {
    const run = await runCli(['call', 'trigger-long-running-operation', '--args', '{"duration":0.4,"steps":4}', '--json', ...everything]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^progress 1\/4\nprogress 2\/4\nprogress 3\/4\n/);
    assert.equal((JSON.parse(run.stdout) as { tool: string }).tool, 'trigger-long-running-operation');
  });

  it('call: a failed call exits 4 with one line on stderr, and a stack trace only with --verbose', async () => {
    const plain = await runCli(['call', 'check_utilization_threshold', '--args', '{"available_faculty":0,"required_blocks":4}', '--server-url', http.url, '--api-key-env', 'K'], {
      env: { K: KEY },
    });
    assert.equal(plain.code, 4);
    assert.equal(plain.stderr, 'sched-orch: tool_error: check_utilization_threshold_tool reported an error: INVALID_INPUT: available_faculty must be positive\n');
    const verbose = await runCli(['call', 'no_such_capability', '--verbose', ...everything]);
    assert.equal(verbose.code, 4);
    assert.match(verbose.stderr, /sched-orch: unavailable: the server has no tool for no_such_capability/);
    assert.match(verbose.stderr, /\n {4}at /, 'stack trace with --verbose');
  });

  it('exits 4 when the server cannot be reached', async () => {
    const run = await runCli(['tools', '--server-url', 'http://127.0.0.1:1/mcp']);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /^sched-orch: connection: connecting to http: http:\/\/127\.0\.0\.1:1\/mcp failed/);
    assert.equal(run.stderr.split('\n').filter(Boolean).length, 1);
  });

  it('exits 1 on usage errors without connecting anywhere', async () => {
    const cases: [string[], RegExp][] = [
      [[], /^Usage: sched-orch <command>/],
      [['frobnicate'], /unknown command "frobnicate"/],
      [['call'], /name the capability or tool to call/],
      [['call', 'echo', '--args', '[1]'], /--args must be a JSON object/],
      [['call', 'echo', '--args', '{'], /--args is not valid JSON/],
      [['call', 'echo', '--timeout-ms', 'soon'], /--timeout-ms must be a positive whole number/],
      [['tools', '--server-url', 'ftp://x'], /url must be an http/],
      [['tools', '--server-url', 'http://x', '--server-command', 'y'], /either --server-command or --server-url/],
      [['tools', '--server-command', 'node', '--api-key-env', 'K'], /--api-key-env applies to --server-url only/],
      [['tools', '--server-url', 'http://x', '--api-key-env', 'UNSET_VAR'], /UNSET_VAR: the environment variable is not set/],
      [['tools', '--log-level', 'loud'], /--log-level must be one of/],
      [['tools', '--server-command', '"unterminated'], /unterminated " quote/],
    ];
    const runs = await Promise.all(cases.map(([args]) => runCli(args)));
    cases.forEach(([args, message], i) => {
      assert.equal(runs[i]?.code, 1, `${args.join(' ')}: ${runs[i]?.stderr}`);
      assert.match(runs[i]?.stderr ?? '', message, args.join(' '));
    });
  });

  it('without a server option it starts the bundled server next to the CLI, and says so when it is missing', async () => {
    const run = await runCli(['tools']);
    assert.equal(run.code, 4);
    assert.ok(run.stderr.includes(`the bundled server was not found at ${join(outDir, 'server.js')}`), run.stderr);
  });

  it('Ctrl-C cancels the running call on the server and exits 130', async () => {
    let interrupted = false;
    const run = await runCli(['call', 'trigger-long-running-operation', '--args', '{"duration":20,"steps":20}', '--log-level', 'trace', ...everything], {
      onStderr: (text, child) => {
        if (!interrupted && text.includes('progress 1/20')) {
          interrupted = true;
          child.kill('SIGINT');
        }
      },
    });
    assert.equal(run.code, 130, run.stderr);
    assert.match(
      run.stderr,
      /\[trace\] -> stdio \{"message":\{"jsonrpc":"2.0","method":"notifications\/cancelled","params":\{"requestId":2,"reason":"Error: interrupted \(Ctrl-C\)"\}\}\}/,
    );
    assert.match(run.stderr, /sched-orch: cancelled: calling trigger-long-running-operation was cancelled\n$/);
  });
});
