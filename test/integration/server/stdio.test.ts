import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { parseProgramText } from '../../../src/server/program/load';
import { ensureBuilt, ROOT, SERVER_JS, someResidentShift, stdioClient, validCalls } from '../../support/server/client';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'sched-stdio-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('dist/server.js over stdio', () => {
  before(() => ensureBuilt());

  it('answers every read tool with zero setup (in-memory database seeded with the sample)', async () => {
    const { client, stderr, close } = await stdioClient();
    try {
      const names = new Set((await client.listTools()).tools.map((t) => t.name));
      const calls = validCalls(await someResidentShift(client));
      for (const [name, args] of Object.entries(calls)) {
        assert.ok(names.has(name), `missing ${name}`);
        const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
        assert.notEqual(result.isError, true, `${name}: ${JSON.stringify(result.content)}`);
        assert.equal((result.structuredContent as { data_version: number }).data_version, 1);
      }
      assert.match(stderr(), /database ready/);
    } finally {
      await close();
    }
  });

  it('generates, imports, serves and exports a program file through the CLI', async () => {
    const file = join(dir, 'gen.json');
    const db = join(dir, 'gen.db');
    await run(process.execPath, [SERVER_JS, 'generate-program', '--residents-per-pgy', '2', '--faculty', '5', '--weeks', '2', '--seed', '7', '--out', file]);
    const generated = parseProgramText(readFileSync(file, 'utf8'));
    assert.ok(generated.ok);
    await run(process.execPath, [SERVER_JS, 'import-program', file, '--db', db]);
    const { client, close } = await stdioClient(['--db', db]);
    try {
      const status = (await client.callTool({ name: 'get_schedule_status_tool', arguments: {} })).structuredContent as { schedule_id: string; people: { residents: number } };
      assert.equal(status.people.residents, 6);
      assert.equal(status.schedule_id, generated.program.schedules[0]!.id);
    } finally {
      await close();
    }
    const out = join(dir, 'export.json');
    await run(process.execPath, [SERVER_JS, 'export-program', '--db', db, '--out', out]);
    const exported = parseProgramText(readFileSync(out, 'utf8'));
    assert.ok(exported.ok);
    assert.deepEqual(exported.program, generated.program);
  });

  it('rejects an invalid program file with JSON paths and writes nothing', async () => {
    const sample = JSON.parse(readFileSync(join(ROOT, 'samples', 'program.small.json'), 'utf8'));
    const importing = async (mutate: (doc: typeof sample) => void) => {
      const doc = structuredClone(sample);
      mutate(doc);
      const file = join(dir, 'bad.json');
      writeFileSync(file, JSON.stringify(doc));
      const db = join(dir, 'bad.db');
      const failed = await run(process.execPath, [SERVER_JS, 'import-program', file, '--db', db]).then(
        () => assert.fail('import should fail'),
        (e: { code: number; stderr: string }) => e,
      );
      assert.equal(failed.code, 1);
      assert.equal(existsSync(db), false, 'nothing may be written');
      return failed.stderr;
    };
    // Schema problems are reported first; reference problems once the schema holds.
    assert.match(await importing((d) => (d.people[0].pgy = 7)), /\$\.people\[0\]\.pgy: Too big/);
    const refs = await importing((d) => {
      d.schedules[0].assignments[3].personId = 'ghost';
      d.schedules[0].assignments[5].date = '2027-03-01';
    });
    assert.match(refs, /2 problems/);
    assert.match(refs, /\$\.schedules\[0\]\.assignments\[3\]\.personId: unknown person id "ghost"/);
    assert.match(refs, /\$\.schedules\[0\]\.assignments\[5\]\.date: 2027-03-01 is outside/);
  });

  it('explains bad command-line usage', async () => {
    const failed = await run(process.execPath, [SERVER_JS, 'generate-program', '--faculty', '3']).then(
      () => assert.fail('should fail'),
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(failed.code, 2);
    assert.match(failed.stderr, /--residents-per-pgy is required|--out FILE is required/);
  });
});
