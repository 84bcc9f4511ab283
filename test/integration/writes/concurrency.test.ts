/**
 * Two server processes on one database file, each with its own MCP client, racing on the
 * same data: two publishes of different drafts with the same expected version, and two
 * executions of the same swap. Exactly one write wins each race, the other is refused with
 * CONFLICT, and the database holds the winner's result with one audit record.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { silentLogger } from '../../../src/core/util/log';
import { ScheduleStore } from '../../../src/server/store/store';
import { TODAY, TestClock, call, codeOf, findValidSwap, type ToolOutcome } from '../../support/generation/fixtures';

const repoRoot = join(__dirname, '..', '..', '..');
const serverScript = join(repoRoot, 'test', 'support', 'generation', 'writeServer.ts');
const SCHEDULE = 'block-2027-01-04';

async function startClient(db: string): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', 'tsx', serverScript, db, String(TODAY)],
    cwd: repoRoot,
    env: { PATH: process.env['PATH'] ?? '' },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'race', version: '0' });
  await client.connect(transport);
  return client;
}

describe('two server processes on one database file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sched-writes-'));
  const db = join(dir, 'schedule.db');
  let a: Client;
  let b: Client;
  /** A third connection, for checking what the processes wrote. */
  let reader: ScheduleStore;

  before(async () => {
    a = await startClient(db);
    b = await startClient(db);
    reader = ScheduleStore.open({ path: db, logger: silentLogger, now: new TestClock().now, busyTimeoutMs: 10_000 });
  });
  after(async () => {
    await a?.close();
    await b?.close();
    reader?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const version = async (client: Client) => (await call<{ data_version: number }>(client, 'get_schedule_status_tool', {})).result.data_version;

  function oneWinner(outcomes: ToolOutcome<unknown>[]): number {
    const winners = outcomes.filter((o) => o.ok);
    assert.equal(winners.length, 1, `exactly one winner: ${outcomes.map((o) => o.error || 'ok').join(' | ')}`);
    const loser = outcomes.find((o) => !o.ok)!;
    assert.equal(codeOf(loser.error), 'CONFLICT', loser.error);
    return outcomes.indexOf(winners[0]!);
  }

  it('publishing two drafts with the same expected version: one is published, the other refused', async () => {
    const generate = async (seed: number) =>
      (await call<{ draft_id: string }>(a, 'generate_schedule_tool', { actor: 'coordinator', expected_data_version: await version(a), algorithm: 'greedy', random_seed: seed }))
        .result.draft_id;
    const drafts = [await generate(1), await generate(2)];
    const seen = await version(b);
    const outcomes = await Promise.all([
      call(a, 'publish_draft_tool', { actor: 'alice', expected_data_version: seen, draft_id: drafts[0] }),
      call(b, 'publish_draft_tool', { actor: 'bob', expected_data_version: seen, draft_id: drafts[1] }),
    ]);
    const winner = oneWinner(outcomes);
    assert.equal(reader.dataVersion(), seen + 1);
    assert.deepEqual(
      reader
        .assignments(SCHEDULE)
        .map((x) => x.id)
        .sort(),
      reader
        .assignments(drafts[winner]!)
        .map((x) => x.id)
        .sort(),
      "the published schedule is exactly the winner's draft",
    );
    assert.equal(reader.auditLog({ action: 'publish_draft' }).length, 1);
  });

  it('executing the same swap from both processes: one execution, one CONFLICT, no lost update', async () => {
    const pick = findValidSwap(reader, 'absorb', '2027-01-10');
    const requested = await call<{ swap: { swap_id: string } }>(a, 'request_swap_tool', {
      actor: pick.requesterId,
      expected_data_version: await version(a),
      requester_id: pick.requesterId,
      assignment_id: pick.assignmentId,
      swap_type: 'absorb',
      target_person_id: pick.targetPersonId,
    });
    assert.ok(requested.ok, requested.error);
    const id = requested.result.swap.swap_id;
    assert.ok(
      (
        await call(b, 'record_swap_consent_tool', {
          actor: pick.targetPersonId,
          expected_data_version: await version(b),
          swap_id: id,
          person_id: pick.targetPersonId,
          consent: true,
        })
      ).ok,
    );
    assert.ok((await call(a, 'approve_swap_tool', { actor: 'coordinator', expected_data_version: await version(a), swap_id: id, approve: true })).ok);

    const seen = await version(a);
    const outcomes = await Promise.all([
      call(a, 'execute_swap_tool', { actor: 'alice', expected_data_version: seen, swap_id: id }),
      call(b, 'execute_swap_tool', { actor: 'bob', expected_data_version: seen, swap_id: id }),
    ]);
    oneWinner(outcomes);
    assert.equal(reader.assignments(SCHEDULE).find((x) => x.id === pick.assignmentId)?.personId, pick.targetPersonId);
    assert.equal(reader.auditLog({ action: 'execute_swap' }).length, 1);
    assert.equal(reader.dataVersion(), seen + 1);
    const retry = await call(b, 'execute_swap_tool', { actor: 'bob', expected_data_version: await version(b), swap_id: id });
    assert.equal(codeOf(retry.error), 'INVALID_STATUS', 'a retry with a fresh version finds it executed');
  });
});
