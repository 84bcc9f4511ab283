/**
 * kill -9 of the stdio server during each write tool (generation, publish, rollback of a
 * publish, swap execution, rollback of a swap), swept over moments from "the request was just
 * sent" through "the journal just appeared" to "the write has answered". Whatever the moment,
 * the server opens the database again with the state before the write (every table as it
 * was; a killed generation may leave only its lock row, which the next generation recovers)
 * or after it (the same facts as an uninterrupted run: one audit record, one version), never
 * a mixture and never malformed; the next write goes through (no lock or journal stays
 * behind), and the audit trail is a gap-free chain of versions ending at the data version.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { addDays } from '../../../src/server/domain/time';
import { killableServer, whenFileAppears } from '../../support/faults/killableServer';
import { serverOk } from '../../support/faults/processes';
import { changedTables, DatabaseReader, type DatabaseState } from '../../support/fuzz/databaseState';
import { callOk, dataVersion, generateDraft, publishDraft, swapAt } from '../../support/fuzz/writeChain';

const dir = mkdtempSync(join(tmpdir(), 'sched-orch-crash-writes-'));
const SERVE = ['--log-level', 'warn'];

/** A write to interrupt: the database it starts from and its arguments there. */
interface WriteCase {
  tool: string;
  db: string;
  args: Record<string, unknown>;
  /** What an uninterrupted run leaves (see facts()). */
  after?: Facts;
}

const cases: Record<'generate' | 'publish' | 'rollback_publish' | 'execute_swap' | 'rollback_swap', WriteCase> = {} as never;

/**
 * Kill moments: after the answer (first: what that run leaves is what "after" means), right
 * after sending, and when the journal appears (+0 to +40 ms). Generation first takes its lock
 * (a short write of its own) and then solves, so some of its moments land while the lock is
 * held and the draft not yet written.
 */
const MOMENTS = ['answered', 'sent', 'journal+0', 'journal+5', 'journal+40'] as const;
type Moment = (typeof MOMENTS)[number];

type Facts = Record<string, string>;
let hotJournals = 0;

const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

/** What a write decides, without what differs between two runs of it (times, generated ids). */
function facts(reader: DatabaseReader): Facts {
  const q = (sql: string) => reader.query(sql);
  const lastAudit = q('SELECT action, version_before, version_after FROM audit ORDER BY id DESC LIMIT 1');
  return {
    version: String(reader.state().version),
    audit: digest([q('SELECT count(*) AS n FROM audit'), lastAudit]),
    schedules: digest(q("SELECT CASE status WHEN 'draft' THEN '' ELSE id END AS id, status, parent_id, start_date, end_date FROM schedules ORDER BY 1, 2, 3, 4, 5")),
    published: digest(
      q(
        "SELECT schedule_id, id, person_id, service_id, shift_type_id, date, role FROM assignments WHERE schedule_id IN (SELECT id FROM schedules WHERE status = 'published') ORDER BY 1, 2",
      ),
    ),
    drafts: digest(
      q("SELECT person_id, service_id, shift_type_id, date, role FROM assignments WHERE schedule_id IN (SELECT id FROM schedules WHERE status = 'draft') ORDER BY 1, 2, 3, 4, 5"),
    ),
    swaps: digest(q('SELECT id, status, assignment_id, target_person_id FROM swaps ORDER BY id')),
    counts: digest(q('SELECT (SELECT count(*) FROM backups) AS b, (SELECT count(*) FROM notifications) AS n, (SELECT count(*) FROM swap_approvals) AS a')),
  };
}

/** Each audit record moves the version by one from where the previous one left it, up to the data version. */
function assertAuditChain(reader: DatabaseReader): void {
  const rows = reader.query<{ version_before: number; version_after: number }>('SELECT version_before, version_after FROM audit ORDER BY id');
  rows.forEach((r, i) => {
    assert.equal(Number(r.version_after), Number(r.version_before) + 1, `audit record ${i} moves the version by one`);
    if (i > 0) assert.equal(Number(r.version_before), Number(rows[i - 1]!.version_after), `audit record ${i} follows the previous one`);
  });
  assert.equal(Number(rows[rows.length - 1]!.version_after), reader.state().version, 'the last audit record is at the data version');
}

function withReader<T>(db: string, use: (reader: DatabaseReader) => T): T {
  const reader = new DatabaseReader(db);
  try {
    return use(reader);
  } finally {
    reader.close();
  }
}

/** Copies the database file of a stage, with the server idle (every write committed). */
function snapshotTo(name: string, from: string): string {
  const to = join(dir, `${name}.db`);
  copyFileSync(from, to);
  return to;
}

before(async () => {
  // A program big enough that publishing or restoring it takes a while (thousands of rows).
  const program = join(dir, 'program.json');
  const base = join(dir, 'base.db');
  await serverOk(['generate-program', '--residents-per-pgy', '8', '--faculty', '8', '--weeks', '12', '--seed', '5', '--out', program]);
  await serverOk(['import-program', program, '--db', base]);
  const live = await killableServer(['--db', base, ...SERVE]);
  const reader = new DatabaseReader(base);
  try {
    const c = live.client;
    const actor = { actor: 'coordinator' };
    cases.generate = { tool: 'generate_schedule_tool', db: snapshotTo('generate', base), args: { ...actor, algorithm: 'greedy', random_seed: 3, time_limit_seconds: 30 } };
    const used = new Set<string>();
    const approved = await swapAt(c, reader.store, 'approved', used);
    cases.execute_swap = { tool: 'execute_swap_tool', db: snapshotTo('execute-swap', base), args: { ...actor, swap_id: approved } };
    await callOk(c, 'execute_swap_tool', { ...actor, expected_data_version: await dataVersion(c), swap_id: approved });
    cases.rollback_swap = { tool: 'rollback_swap_tool', db: snapshotTo('rollback-swap', base), args: { ...actor, swap_id: approved, reason: 'crash test' } };
    const draft = await generateDraft(c, 2);
    cases.publish = { tool: 'publish_draft_tool', db: snapshotTo('publish', base), args: { ...actor, draft_id: draft } };
    const publishId = await publishDraft(c, draft);
    cases.rollback_publish = { tool: 'rollback_publish_tool', db: snapshotTo('rollback-publish', base), args: { ...actor, publish_id: publishId } };
  } finally {
    reader.close();
    await live.close();
  }
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** Starts the write on a copy of its database and kills the server at `moment`; says whether a hot journal was left. */
async function interrupt(write: WriteCase, db: string, moment: Moment): Promise<{ answered: boolean; hotJournal: boolean }> {
  const live = await killableServer(['--db', db, ...SERVE]);
  const version = await dataVersion(live.client);
  let answered = false;
  const call = live.client.callTool({ name: write.tool, arguments: { ...write.args, expected_data_version: version } }, undefined, { timeout: 120_000 }).then((r) => {
    answered = true;
    if ((r as CallToolResult).isError) throw new Error(`${write.tool} failed: ${JSON.stringify(r.content)}`);
  });
  if (moment === 'answered') await call;
  else if (moment !== 'sent') {
    await whenFileAppears(`${db}-journal`, () => answered);
    await new Promise((resolve) => setTimeout(resolve, Number(moment.split('+')[1])));
  }
  await live.kill();
  await call.catch((error: Error) => {
    if (answered) throw error;
  });
  return { answered, hotJournal: existsSync(`${db}-journal`) };
}

/** Opens the database after the kill and says which state it holds; fails on anything else. */
function outcomeOf(write: WriteCase, db: string, before: DatabaseState): 'before' | 'after' {
  return withReader(db, (reader) => {
    assert.deepEqual(reader.query('PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
    const changed = changedTables(before, reader.state());
    // A generation killed after taking its lock leaves the lock row: coordination, not data.
    if (changed.length === 0 || (write.tool === 'generate_schedule_tool' && changed.join() === 'locks')) return 'before';
    assert.deepEqual(facts(reader), write.after, `neither before nor after ${write.tool}: ${changed.join(', ')} changed`);
    return 'after';
  });
}

/** The restarted server reads at once and writes (a generation of one week: no lock is left), with a consistent audit trail. */
async function assertRecovered(db: string): Promise<void> {
  const live = await killableServer(['--db', db, ...SERVE]);
  try {
    const status = await callOk<{ start_date: string; data_version: number }>(live.client, 'get_schedule_status_tool', {});
    await callOk(live.client, 'generate_schedule_tool', {
      actor: 'after-crash',
      expected_data_version: status.data_version,
      start_date: status.start_date,
      end_date: addDays(status.start_date, 6),
      algorithm: 'greedy',
      time_limit_seconds: 30,
    });
  } finally {
    await live.close();
  }
  assert.ok(!existsSync(`${db}-journal`) && !existsSync(`${db}.lock`), 'no journal or lock file is left behind');
  withReader(db, assertAuditChain);
}

describe('server killed during each write tool', { timeout: 900_000 }, () => {
  for (const name of Object.keys({ generate: 0, publish: 0, rollback_publish: 0, execute_swap: 0, rollback_swap: 0 }) as (keyof typeof cases)[]) {
    it(`${name}: a sweep of kill moments leaves the state before or after, and the server recovers`, async (t) => {
      const write = cases[name];
      const outcomes: string[] = [];
      for (const [i, moment] of MOMENTS.entries()) {
        const db = snapshotTo(`${name}-${i}`, write.db);
        const before = withReader(db, (r) => r.state());
        const { answered, hotJournal } = await interrupt(write, db, moment);
        write.after ??= withReader(db, facts);
        const outcome = outcomeOf(write, db, before);
        if (answered) assert.equal(outcome, 'after', `${moment}: the write answered, so it is in the database`);
        await assertRecovered(db);
        outcomes.push(`${moment}:${hotJournal ? 'hot journal,' : ''}${outcome}`);
        if (hotJournal) hotJournals++;
      }
      t.diagnostic(outcomes.join(' '));
    });
  }

  it('the sweep interrupted writes in flight (kills that left a hot journal)', () => {
    assert.ok(hotJournals >= 3, `${hotJournals} kills left a hot journal`);
  });
});
