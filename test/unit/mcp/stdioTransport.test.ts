import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StdioProcessTransport, describeExit } from '../../../src/core/mcp/stdioTransport';
import { eventually } from '../../support/mcp/wait';

/** A transport around `node -e <script>`. */
function nodeScript(script: string, lines: string[] = []) {
  return new StdioProcessTransport({ command: process.execPath, args: ['-e', script], env: {}, onStderrLine: (l) => lines.push(l), closeGraceMs: 150 });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('StdioProcessTransport', () => {
  it('parses JSON-RPC lines, reports other stdout lines as errors, and passes stderr on line by line', async () => {
    const stderr: string[] = [];
    const transport = nodeScript(
      `process.stdout.write('not json\\n' + JSON.stringify({ jsonrpc: '2.0', method: 'notifications/hello' }) + '\\n');
       process.stderr.write('first line\\nsecond ');
       setTimeout(() => { process.stderr.write('line\\nlast without newline'); process.exit(4); }, 20);`,
      stderr,
    );
    const messages: unknown[] = [];
    const errors: string[] = [];
    let closed = false;
    transport.onmessage = (m) => messages.push(m);
    transport.onerror = (e) => errors.push(e.message);
    transport.onclose = () => (closed = true);
    await transport.start();
    await eventually(() => closed, 'the process to exit');
    assert.deepEqual(messages, [{ jsonrpc: '2.0', method: 'notifications/hello' }]);
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /not JSON-RPC/);
    assert.deepEqual(stderr, ['first line', 'second line', 'last without newline']);
    const exit = transport.exit();
    assert.equal(exit?.code, 4);
    assert.equal(describeExit(exit!), 'the server process exited with code 4; last stderr lines: first line | second line | last without newline');
  });

  it('escalates to SIGTERM and SIGKILL for a server that ignores stdin closing, and takes its children along', async () => {
    const stderr: string[] = [];
    // A wrapper (like npx) that starts the real server and ignores SIGTERM itself.
    const transport = nodeScript(
      `const { spawn } = require('node:child_process');
       const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
       process.stderr.write('grandchild ' + child.pid + '\\n');
       process.on('SIGTERM', () => {});
       setInterval(() => {}, 1000);`,
      stderr,
    );
    await transport.start();
    await eventually(() => stderr.length > 0, 'the grandchild pid');
    const grandchild = Number(/grandchild (\d+)/.exec(stderr[0] ?? '')?.[1]);
    assert.ok(alive(grandchild));
    await transport.close();
    assert.equal(transport.exit()?.signal, 'SIGKILL');
    await eventually(() => !alive(grandchild), 'the grandchild to be gone');
  });

  it('reports a command that cannot be started', async () => {
    const transport = new StdioProcessTransport({ command: 'sched-orch-no-such-binary', args: [], env: {}, onStderrLine: () => undefined });
    await assert.rejects(transport.start(), /ENOENT/);
    assert.equal(describeExit(transport.exit()!), 'the server process could not be started (ENOENT)');
  });
});
