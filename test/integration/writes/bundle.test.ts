/**
 * The bundled server runs the solver in its bundled worker: the server entry and the
 * worker are built with esbuild the way scripts/build.mjs builds them (CommonJS for Node
 * 20, the two .wasm files beside them) into a temporary directory, started over stdio,
 * and asked for an optimal schedule: the answer must come from HiGHS, not the fallback.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { build } from 'esbuild';
import { call } from '../../support/generation/fixtures';

const repoRoot = join(__dirname, '..', '..', '..');

describe('bundled server and solver worker', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'sched-bundle-'));
  let client: Client;

  before(async () => {
    await build({
      entryPoints: { server: join(repoRoot, 'src/server/main.ts'), 'solver-worker': join(repoRoot, 'src/server/generation/solverWorker.ts') },
      outdir: outDir,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['vscode'],
      logLevel: 'error',
    });
    copyFileSync(join(dirname(require.resolve('node-sqlite3-wasm')), 'node-sqlite3-wasm.wasm'), join(outDir, 'node-sqlite3-wasm.wasm'));
    copyFileSync(require.resolve('highs/runtime'), join(outDir, 'highs.wasm'));
    client = new Client({ name: 'bundle-test', version: '0' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [join(outDir, 'server.js')], env: { PATH: process.env['PATH'] ?? '' }, stderr: 'ignore' }));
  });
  after(async () => {
    await client?.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('solves with HiGHS in the bundled worker', async () => {
    const status = await call<{ data_version: number }>(client, 'get_schedule_status_tool', {});
    const out = await call<{ algorithm_used: string; fell_back_to_greedy: boolean; blocks: { fallback_reason: string | null }[]; metrics: { hard_violations: number } }>(
      client,
      'generate_schedule_tool',
      {
        actor: 'bundle-test',
        expected_data_version: status.result.data_version,
        algorithm: 'optimal',
        time_limit_seconds: 4,
      },
    );
    assert.ok(out.ok, out.error);
    assert.equal(out.result.fell_back_to_greedy, false, out.result.blocks[0]?.fallback_reason ?? '');
    assert.equal(out.result.algorithm_used, 'optimal');
    assert.equal(out.result.metrics.hard_violations, 0);
  });
});
