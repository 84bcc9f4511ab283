/**
 * Property, for every tool of the built bundled server over stdio: arguments derived from the
 * tool's declared inputSchema (valid, on the bounds, past them, of the wrong type, huge, with
 * unknown keys or missing required keys, or not an object at all) get a result that matches
 * the tool's outputSchema or a clear error, never a crash (the process answers the next
 * request), a hang (a per-call timeout) or a partial write: every table of the database is
 * the same after an error as before it, and a read-only tool never changes anything.
 * The writes run against a database file with the live ids, dates and data version, so they
 * succeed some of the time and the state moves on.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { silentLogger } from '../../../src/core/util/log';
import { sampleProgram } from '../../../src/server/program/sample';
import { ScheduleStore } from '../../../src/server/store/store';
import { changedTables, DatabaseReader, type DatabaseState } from '../../support/fuzz/databaseState';
import { argumentsFor, resolvePlaceholders, type FuzzArguments, type JsonSchema, type Pools } from '../../support/fuzz/schemaArbitrary';
import { FUZZ_SEED, runs, seedFor } from '../../support/fuzz/settings';
import { generateDraft, publishDraft, swapAt } from '../../support/fuzz/writeChain';
import { stdioClient } from '../../support/server/client';

/** Far above any legitimate call on the sample (generation is held to 1-2 s below). */
const CALL_TIMEOUT_MS = 30_000;
const RUNS_PER_TOOL = runs(8);

const dir = mkdtempSync(join(tmpdir(), 'sched-orch-fuzz-tools-'));
const db = join(dir, 'fuzz.db');
let server: Awaited<ReturnType<typeof stdioClient>>;
let reader: DatabaseReader;
let tools: Tool[] = [];

/**
 * The solver stops at time_limit_seconds (default 30): the fuzz keeps it to 1-2 s so that the
 * suite stays short; every other bound is fuzzed as declared.
 */
function narrowed(tool: Tool): JsonSchema {
  const schema = tool.inputSchema as JsonSchema;
  if (tool.name !== 'generate_schedule_tool') return schema;
  return {
    ...schema,
    properties: { ...schema.properties, time_limit_seconds: { type: 'number', minimum: 1, maximum: 2 } },
    required: [...(schema.required ?? []), 'time_limit_seconds'],
  };
}

function pools(): Pools {
  const ids = (sql: string) => reader.query<{ id: string }>(sql).map((r) => r.id);
  const kinds = {
    person: ids('SELECT id FROM people'),
    // Those of swaps first: a valid swap request needs the requester's own assignment.
    assignment: ids('SELECT assignment_id AS id FROM swaps UNION ALL SELECT id FROM (SELECT id FROM assignments ORDER BY schedule_id, ord LIMIT 40)'),
    schedule: ids('SELECT id FROM schedules'),
    swap: ids('SELECT id FROM swaps'),
    publish: ids('SELECT id FROM backups'),
    service: ids('SELECT id FROM services'),
  };
  const dates = reader.query<{ d: string }>(
    'SELECT start_date AS d FROM schedules UNION SELECT end_date FROM schedules UNION SELECT date FROM (SELECT DISTINCT date FROM assignments LIMIT 30)',
  );
  return {
    ids: { ...kinds, any: Object.values(kinds).flat() },
    dates: [...dates.map((r) => r.d), '2026-12-31', '2028-01-01'],
    version: reader.state().version,
  };
}

/** Drafts, a publish and swaps at every stage, so that writes with stored ids can succeed. */
async function prepareWrites(): Promise<void> {
  const client = server.client;
  await publishDraft(client, await generateDraft(client, 1));
  await generateDraft(client, 2);
  const used = new Set<string>();
  for (const stage of ['pending', 'pending', 'approved', 'approved', 'executed'] as const) await swapAt(client, reader.store, stage, used);
}

type Outcome = { kind: 'result'; result: CallToolResult } | { kind: 'protocol-error'; error: McpError };

async function call(name: string, args: unknown): Promise<Outcome> {
  try {
    // Arguments that are not an object are sent as they are: the server must refuse them.
    const result = (await server.client.callTool({ name, arguments: args as Record<string, unknown> }, undefined, { timeout: CALL_TIMEOUT_MS })) as CallToolResult;
    return { kind: 'result', result };
  } catch (error) {
    if (error instanceof McpError) return { kind: 'protocol-error', error };
    throw error;
  }
}

function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

/** Why an outcome is not acceptable, or undefined. */
function defectOf(drawn: FuzzArguments, outcome: Outcome, readOnly: boolean, before: DatabaseState, after: DatabaseState): string | undefined {
  if (outcome.kind === 'protocol-error') {
    const { code, message } = outcome.error;
    if (code === -32001) return `hang: no answer within ${CALL_TIMEOUT_MS} ms`;
    // The client checks structured content against the declared outputSchema.
    if (/output schema|structured content/i.test(message)) return `result does not match the outputSchema: ${message}`;
    // The SDK checks the request's shape before any tool runs: `arguments` must be an object.
    const notAnObject = drawn.mode === 'not-an-object' && code === -32603 && /"expected": "record"[\s\S]*"arguments"/.test(message);
    if (!notAnObject && (code !== -32602 || message.trim().length < 10)) return `unexpected protocol error ${code}: ${message}`;
  } else if (outcome.result.isError) {
    const text = textOf(outcome.result);
    if (!/^[A-Z_]+: \S|^MCP error -32602: /.test(text)) return `an error without a clear message: ${text.slice(0, 300)}`;
    if (/^INTERNAL_ERROR|TypeError|is not a function|Cannot read properties of|RangeError|ReferenceError/.test(text)) return `an internal error: ${text.slice(0, 300)}`;
  } else if (outcome.result.structuredContent === undefined) {
    return 'a result without structured content';
  }
  const failed = outcome.kind === 'protocol-error' || outcome.result.isError === true;
  const changed = changedTables(before, after);
  if ((failed || readOnly) && changed.length > 0) return `${failed ? 'an error' : 'a read-only tool'} changed ${changed.join(', ')}`;
  return undefined;
}

before(async () => {
  ScheduleStore.open({ path: db, logger: silentLogger, seed: sampleProgram }).close();
  server = await stdioClient(['--db', db, '--log-level', 'warn']);
  reader = new DatabaseReader(db);
  tools = (await server.client.listTools()).tools;
  await prepareWrites();
});

after(async () => {
  await server?.close();
  reader?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('fuzz: every tool of the bundled server over stdio', { timeout: 600_000 }, () => {
  it('any arguments give a result or a clear error, never a crash, a hang or a partial write', async (t) => {
    assert.ok(tools.length >= 40, `the server lists ${tools.length} tools`);
    const durations: [string, number][] = [];
    const codes: Record<string, number> = {};
    const tally = { calls: 0, results: 0, toolErrors: 0, protocolErrors: 0, writes: 0 };
    for (const [index, tool] of tools.entries()) {
      const seed = seedFor(index);
      const readOnly = tool.annotations?.readOnlyHint === true;
      const property = fc.asyncProperty(argumentsFor(narrowed(tool)), async (drawn: FuzzArguments) => {
        const before = reader.state();
        const args = resolvePlaceholders(drawn.args, pools());
        const outcome = await call(tool.name, args);
        const after = reader.state();
        tally.calls++;
        if (outcome.kind === 'protocol-error') tally.protocolErrors++;
        else if (outcome.result.isError) {
          tally.toolErrors++;
          const code = /^([A-Z_]+):/.exec(textOf(outcome.result))?.[1] ?? 'input validation';
          codes[code] = (codes[code] ?? 0) + 1;
        } else tally.results++;
        if (after.version > before.version) tally.writes++;
        const defect = defectOf(drawn, outcome, readOnly, before, after);
        // Alive: the process answers the next request.
        await server.client.ping({ timeout: 5_000 });
        if (defect) throw new Error(`${tool.name} (${drawn.mode}) ${JSON.stringify(args).slice(0, 500)}: ${defect}`);
      });
      // No shrinking: the database moves on with every write, so a replay is not the same run.
      const started = Date.now();
      await fc.assert(property, { numRuns: RUNS_PER_TOOL, seed, endOnFailure: true, includeErrorInReport: true });
      durations.push([tool.name, Date.now() - started]);
    }
    const slowest = durations.sort((a, b) => b[1] - a[1]).slice(0, 3);
    t.diagnostic(`error codes: ${JSON.stringify(codes)}`);
    t.diagnostic(`slowest: ${slowest.map(([name, ms]) => `${name} ${ms} ms`).join(', ')}`);
    t.diagnostic(`seed ${FUZZ_SEED}: ${tools.length} properties x ${RUNS_PER_TOOL} runs: ${JSON.stringify(tally)}`);
    assert.ok(tally.writes > 0, 'some writes went through');
    assert.ok(tally.results > 0 && tally.toolErrors > 0, 'both results and errors were seen');
    assert.doesNotMatch(server.stderr(), /tool \S+ failed/, 'no tool threw an unexpected error');
  });
});
