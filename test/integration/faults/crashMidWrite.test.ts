/**
 * kill -9 in the middle of a large write (a 20,000-assignment import by the real CLI),
 * swept over moments from "the journal just appeared" to "the write has finished":
 * whatever the moment, the server opens the database again with the state before or
 * after the write (never a mixture, never "malformed"), and leaves no journal or lock
 * behind. A long-lived server that was reading meanwhile recovers without waiting, even
 * with other live (idle) connections open.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../../../src/core/util/log';
import { sampleProgram } from '../../../src/server/program/sample';
import { ScheduleStore } from '../../../src/server/store/store';
import { killAfter, server, serverOk, whenExists } from '../../support/faults/processes';
import { stdioClient } from '../../support/server/client';

const dir = mkdtempSync(join(tmpdir(), 'sched-orch-crash-'));
const program = join(dir, 'program.json');
const base = join(dir, 'base.db');
let sampleSize = 0;
let programSize = 0;

interface State {
  version: number;
  people: number;
  assignments: number;
}

function inspect(db: string): State {
  const store = ScheduleStore.open({ path: db, logger: silentLogger });
  try {
    assert.deepEqual(store.query('PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
    const assignments = Number(store.query<{ n: number }>('SELECT count(*) AS n FROM assignments')[0]!.n);
    return { version: store.dataVersion(), people: store.reference().people.length, assignments };
  } finally {
    store.close();
  }
}

before(async () => {
  await serverOk(['generate-program', '--residents-per-pgy', '40', '--faculty', '20', '--weeks', '52', '--seed', '7', '--out', program]);
  programSize = (JSON.parse(readFileSync(program, 'utf8')) as { people: unknown[] }).people.length;
  ScheduleStore.open({ path: base, logger: silentLogger, seed: sampleProgram }).close();
  sampleSize = inspect(base).people;
  assert.notEqual(sampleSize, programSize);
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('server killed mid-write', { timeout: 120_000 }, () => {
  it('a sweep of kill moments leaves the state before or after the import, and the server opens it', async (t) => {
    const outcomes: string[] = [];
    for (const [i, delayMs] of [0, 40, 100, 200, 350, 550, 800, 1200, 2500].entries()) {
      const db = join(dir, `sweep-${i}.db`);
      copyFileSync(base, db);
      const importing = server(['import-program', program, '--db', db]);
      const journalSeen = await whenExists(`${db}-journal`, importing);
      const killed = await killAfter(importing, delayMs);
      const hot = killed && existsSync(`${db}-journal`);

      // The server's own CLI opens it again, as a user would.
      const exported = join(dir, `sweep-${i}.json`);
      await serverOk(['export-program', '--db', db, '--out', exported]);
      const people = (JSON.parse(readFileSync(exported, 'utf8')) as { people: unknown[] }).people.length;
      const state = inspect(db);
      const outcome = state.version === 1 ? 'before' : state.version === 2 ? 'after' : `version ${state.version}`;
      assert.equal(people, outcome === 'before' ? sampleSize : programSize, `kill at +${delayMs} ms: ${outcome} but ${people} people`);
      assert.equal(state.people, people);
      if (outcome === 'after') assert.equal(state.assignments, 19_981);
      assert.ok(!existsSync(`${db}-journal`) && !existsSync(`${db}.lock`), 'nothing left behind');
      outcomes.push(`+${delayMs}ms:${journalSeen ? '' : 'no journal,'}${hot ? 'hot journal,' : ''}${outcome}`);
    }
    t.diagnostic(outcomes.join(' '));
    assert.ok(outcomes.filter((o) => o.includes('hot journal,before')).length >= 2, `at least two kills must interrupt the write itself: ${outcomes.join(' ')}`);
  });

  it('a long-lived server recovers the lock and journal of a killed writer at its next read', async () => {
    const db = join(dir, 'live.db');
    copyFileSync(base, db);
    const live = await stdioClient(['--db', db]);
    // Another live connection, idle meanwhile: it must not make the lock look held.
    const idle = ScheduleStore.open({ path: db, logger: silentLogger });
    try {
      const status = async () => (await live.client.callTool({ name: 'get_schedule_status_tool', arguments: {} })).structuredContent as Record<string, unknown>;
      const before = await status();
      assert.equal(before['data_version'], 1);
      const importing = server(['import-program', program, '--db', db]);
      assert.ok(await whenExists(`${db}-journal`, importing));
      assert.ok(await killAfter(importing, 30));
      assert.ok(existsSync(`${db}.lock`) && existsSync(`${db}-journal`), 'the killed writer left its lock and journal');
      const started = Date.now();
      const after = await status();
      assert.ok(Date.now() - started < 2000, 'no wait for the busy timeout');
      assert.equal(after['data_version'], 1);
      assert.equal(after['database_id'], before['database_id']);
      assert.match(live.stderr(), /removed a stale database lock/);
      // And the next write goes through.
      await serverOk(['import-program', program, '--db', db]);
      assert.equal((await status())['data_version'], 2);
      assert.equal(idle.dataVersion(), 2);
    } finally {
      idle.close();
      await live.close();
    }
  });
});
