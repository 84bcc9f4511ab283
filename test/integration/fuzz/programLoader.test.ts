/**
 * Property, for program files near the bundled sample (test/support/fuzz/programMutations.ts):
 * the loader either accepts the file, and then the program imports and exports again to an
 * equal program, or refuses it with problems that each name a JSON path, and never throws
 * anything else. Through the built server's `import-program` (a real process per file), a
 * refused file exits 1 with that list and leaves every table of the database as it was; an
 * accepted one is imported as one write.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { silentLogger } from '../../../src/core/util/log';
import { parseProgramText } from '../../../src/server/program/load';
import { sampleProgram } from '../../../src/server/program/sample';
import { ScheduleStore } from '../../../src/server/store/store';
import { server } from '../../support/faults/processes';
import { changedTables, DatabaseReader } from '../../support/fuzz/databaseState';
import { programTexts, type ProgramText } from '../../support/fuzz/programMutations';
import { FUZZ_SEED, runs, seedFor } from '../../support/fuzz/settings';

const dir = mkdtempSync(join(tmpdir(), 'sched-orch-fuzz-loader-'));
const baseDb = join(dir, 'base.db');
const base = JSON.parse(JSON.stringify(sampleProgram())) as Parameters<typeof programTexts>[0];
const texts = programTexts(base);

before(() => ScheduleStore.open({ path: baseDb, logger: silentLogger, seed: sampleProgram }).close());
after(() => rmSync(dir, { recursive: true, force: true }));

describe('fuzz: the program loader', { timeout: 600_000 }, () => {
  it('in process: a file is accepted and round-trips, or refused with paths; nothing else is thrown', (t) => {
    const tally = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(texts, ({ how, text }: ProgramText) => {
        const result = parseProgramText(text);
        if (!result.ok) {
          tally.refused++;
          assert.ok(result.issues.length > 0, how);
          for (const issue of result.issues) {
            assert.match(issue.path, /^\$/, how);
            assert.ok(issue.message.trim().length > 0, `${how}: an empty message at ${issue.path}`);
          }
          return;
        }
        tally.accepted++;
        const store = ScheduleStore.open({ logger: silentLogger });
        try {
          store.importProgram('fuzz', JSON.parse(text));
          const again = parseProgramText(JSON.stringify(store.exportProgram()));
          assert.ok(again.ok, `${how}: the export of an accepted program is refused`);
          assert.deepEqual(again.program, result.program, `${how}: the export differs from the import`);
        } finally {
          store.close();
        }
      }),
      { numRuns: runs(150), seed: seedFor(100), endOnFailure: true, includeErrorInReport: true },
    );
    t.diagnostic(`seed ${FUZZ_SEED}: ${JSON.stringify(tally)}`);
    assert.ok(tally.accepted > 0 && tally.refused > 0, 'both accepted and refused files were seen');
  });

  it('through the built server: import-program imports or exits 1 with the problems, and a refusal changes nothing', async (t) => {
    const tally = { imported: 0, refused: 0 };
    let run = 0;
    await fc.assert(
      fc.asyncProperty(texts, async ({ how, text }: ProgramText) => {
        run++;
        const db = join(dir, `run-${run}.db`);
        const file = join(dir, `run-${run}.json`);
        copyFileSync(baseDb, db);
        writeFileSync(file, text);
        const reader = new DatabaseReader(db);
        try {
          const before = reader.state();
          const finished = await server(['import-program', file, '--db', db]).done;
          const after = reader.state();
          assert.equal(finished.signal, null, `${how}: killed by ${finished.signal}`);
          if (finished.code === 0) {
            tally.imported++;
            assert.equal(after.version, before.version + 1, `${how}: an import is one write`);
            return;
          }
          tally.refused++;
          assert.equal(finished.code, 1, `${how}: exit ${finished.code}: ${finished.stderr.slice(0, 500)}`);
          assert.match(finished.stderr, /^invalid program file .*: \d+ problems?\n {2}\$/, `${how}: not a list of problems: ${finished.stderr.slice(0, 500)}`);
          assert.deepEqual(changedTables(before, after), [], `${how}: a refused file changed the database`);
        } finally {
          reader.close();
          rmSync(file, { force: true });
        }
      }),
      { numRuns: runs(12), seed: seedFor(101), endOnFailure: true, includeErrorInReport: true },
    );
    t.diagnostic(`seed ${FUZZ_SEED}: ${JSON.stringify(tally)}`);
    assert.ok(tally.refused > 0, 'some files were refused');
  });
});
