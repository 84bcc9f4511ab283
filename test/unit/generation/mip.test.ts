/**
 * The HiGHS workers (mip.ts, solverWorker.ts) searching neighbourhoods from a complete
 * start, alone and two side by side: the answer is never worse than the start, satisfies
 * the model, and carries the relaxation's bound, which only the first worker solves.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addDays, eachDate } from '../../../src/server/domain/time';
import { RowState, runGreedy } from '../../../src/server/generation/greedy';
import { improveSchedule } from '../../../src/server/generation/localSearch';
import { startMip } from '../../../src/server/generation/mip';
import { buildModel, DEFAULT_WEIGHTS } from '../../../src/server/generation/model';
import { buildProblem } from '../../../src/server/generation/problem';
import { sampleProgram } from '../../../src/server/program/sample';
import { snapshotOf } from '../../support/generation/fixtures';

function sampleWeek() {
  const program = sampleProgram();
  const start = program.schedules[0]!.start;
  const range = { start, end: addDays(start, 6) };
  const problem = buildProblem({ snapshot: snapshotOf(program, program.schedules[0]!.assignments, range), range, block: range, earlier: [], carried: new Map() });
  const model = buildModel(problem, DEFAULT_WEIGHTS, 1);
  const greedy = runGreedy(problem, model, DEFAULT_WEIGHTS, { seed: 1, deadline: Date.now() + 20_000, now: Date.now });
  const start0 = improveSchedule(problem, model, greedy.chosen, { seed: 1, deadline: Date.now() + 20_000, now: Date.now });
  // Two-day windows of every decision, centres held.
  const neighbourhoods = eachDate(range.start, addDays(range.end, -1)).map((first) => ({
    free: problem.candidates.filter((c) => c.date === first || c.date === addDays(first, 1)).map((c) => c.index),
    holdCentres: true,
  }));
  return { model, start: start0, neighbourhoods };
}

describe('neighbourhood search in HiGHS workers', () => {
  for (const searchers of [1, 2]) {
    it(`${searchers} searcher(s) from a complete start: no worse, feasible, bounded`, async () => {
      const { model, start, neighbourhoods } = sampleWeek();
      const solver = startMip(model, { boundFirst: true, boundTimeLimitMs: 5000, searchers });
      const outcome = await solver.solve({ timeLimitMs: 8000, seed: 1, start: start.values, neighbourhoods, skipTree: true, minGain: 0.01, gainWindowSec: 2 });
      assert.equal(outcome.status, 'stalled');
      assert.equal(outcome.terminated, false, 'the workers ended on their own');
      assert.ok(outcome.objective! <= start.objective + 1e-6, `${outcome.objective} <= ${start.objective}`);
      assert.ok(outcome.bound! <= outcome.objective! + 1e-6, `bound ${outcome.bound} <= ${outcome.objective}`);
      const rows = new RowState(model);
      outcome.assignment!.forEach((v, j) => {
        if (v > 0.5) {
          assert.ok(rows.fits(j), `column ${j} keeps every hard row`);
          rows.set(j, 1);
        }
      });
      assert.deepEqual(rows.unmetRows(), [], 'every minimum is met');
    });
  }
});
