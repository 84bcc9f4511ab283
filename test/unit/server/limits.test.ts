/**
 * Size limits of the bundled server: a result too big for one message is refused with a
 * clear tool error (the connection stays up), list tools page with limit/offset, and program
 * files and tool arguments have bounded strings and lists.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { z } from 'zod';
import { MemoryLogger } from '../../../src/core/util/log';
import { MAX_RESULT_BYTES, READ_ONLY, registerTool } from '../../../src/server/tools/defineTool';
import { parseProgram } from '../../../src/server/program/load';
import { sampleProgram } from '../../../src/server/program/sample';
import { inMemoryServer } from '../../support/server/client';

type Text = { type: string; text: string }[];

describe('server size limits', () => {
  it('a result over the limit is a tool error, and the connection keeps working', async () => {
    const server = new McpServer({ name: 'limits', version: '1.0.0' });
    registerTool(
      server,
      {
        name: 'big_tool',
        title: 'Big',
        description: 'Returns n bytes of text.',
        input: { bytes: z.number().int() },
        output: { text: z.string() },
        annotations: READ_ONLY,
        run: (args) => ({ text: 'x'.repeat(args.bytes) }),
      },
      new MemoryLogger(),
    );
    const client = new Client({ name: 't', version: '1' });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await Promise.all([server.connect(b), client.connect(a)]);
    const big = await client.callTool({ name: 'big_tool', arguments: { bytes: MAX_RESULT_BYTES + 10 } });
    assert.equal(big.isError, true);
    assert.match((big.content as Text)[0]!.text, /RESULT_TOO_LARGE: the result of big_tool is 4\.0 MiB, over the 4 MiB limit of one result/);
    const small = await client.callTool({ name: 'big_tool', arguments: { bytes: 10 } });
    assert.equal(small.isError, undefined);
    await client.close();
  });

  it('get_assignments and list_people page with limit and offset', async () => {
    const s = await inMemoryServer();
    try {
      const range = { start_date: '2027-01-04', end_date: '2027-01-31' };
      const all = (await s.client.callTool({ name: 'get_assignments_tool', arguments: range })).structuredContent as {
        assignments: { assignment_id: string }[];
        total: number;
        next_offset: number | null;
      };
      assert.equal(all.next_offset, null);
      const pages: string[] = [];
      let offset: number | null = 0;
      while (offset !== null) {
        const page = (await s.client.callTool({ name: 'get_assignments_tool', arguments: { ...range, limit: 100, offset } })).structuredContent as typeof all;
        pages.push(...page.assignments.map((x) => x.assignment_id));
        offset = page.next_offset;
      }
      assert.deepEqual(
        pages,
        all.assignments.map((x) => x.assignment_id),
      );
      const people = (await s.client.callTool({ name: 'list_people_tool', arguments: { limit: 1, offset: 1 } })).structuredContent as {
        people: unknown[];
        next_offset: number | null;
        total: number;
      };
      assert.equal(people.people.length, 1);
      assert.equal(people.next_offset, people.total > 2 ? 2 : null);
    } finally {
      await s.close();
    }
  });

  it('tool arguments are bounded: an over-long series or id is refused with a clear error', async () => {
    const s = await inMemoryServer();
    try {
      const series = await s.client.callTool({ name: 'analyze_workload_trend_tool', arguments: { workload_history: Array.from({ length: 10_001 }, () => 60) } });
      assert.equal(series.isError, true);
      assert.match((series.content as Text)[0]!.text, /workload_history/);
      const id = await s.client.callTool({ name: 'run_spc_analysis_tool', arguments: { resident_id: 'r'.repeat(5000) } });
      assert.equal(id.isError, true);
      assert.match((id.content as Text)[0]!.text, /resident_id/);
    } finally {
      await s.close();
    }
  });

  it('program files are bounded: an over-long name or list is an issue with its path', () => {
    const program = sampleProgram();
    const longName = parseProgram({ ...program, people: program.people.map((p, i) => (i === 0 ? { ...p, name: 'n'.repeat(5000) } : p)) });
    assert.equal(longName.ok, false);
    assert.ok(!longName.ok && longName.issues.some((i) => i.path === '$.people[0].name'), JSON.stringify(!longName.ok && longName.issues.slice(0, 2)));
    const manyCredentials = parseProgram({
      ...program,
      people: program.people.map((p, i) => (i === 0 ? { ...p, credentials: Array.from({ length: 1000 }, (_, k) => `c${k}`) } : p)),
    });
    assert.ok(!manyCredentials.ok && manyCredentials.issues.some((i) => i.path === '$.people[0].credentials'));
    assert.equal(parseProgram(program).ok, true);
  });
});
