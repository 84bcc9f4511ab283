/**
 * The pieces of the linear model: which pairs of shifts conflict (overlap, merging into
 * one duty period, 14 hours after call) or only count as short rest, the supply matching
 * behind infeasibility reports, and a property: whatever random program the sample
 * generator makes, a complete greedy schedule passes the rule engine.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { policiesSchema } from '../../../src/server/domain/program';
import { HOUR_MS, timeOnDate } from '../../../src/server/domain/time';
import { matchPositions } from '../../../src/server/generation/diagnose';
import { InfeasibleError, generateSchedule } from '../../../src/server/generation/generate';
import { DEFAULT_WEIGHTS } from '../../../src/server/generation/model';
import { conflicts, hardLimits, shortRest, type Duty } from '../../../src/server/generation/problem';
import { asAssignments, judge, randomProgram, snapshotOf } from '../../support/generation/fixtures';

const limits = hardLimits(policiesSchema.parse({}));

function duty(kind: Duty['kind'], date: string, start: string, hours: number, transition = 0): Duty {
  const startMs = timeOnDate(date, start);
  return {
    personId: 'r1',
    role: 'primary',
    serviceId: 's',
    shiftTypeId: kind,
    kind,
    date,
    startMs,
    endMs: startMs + hours * HOUR_MS,
    dutyEndMs: startMs + (hours + transition) * HOUR_MS,
    countedHours: hours + transition,
  };
}

describe('conflicts between two shifts of one resident', () => {
  const call = duty('call_24', '2027-01-04', '07:00', 24, 4); // duty ends 2027-01-05 11:00

  it('needs 14 hours free after 24-hour call, measured from the end of the transition', () => {
    assert.equal(conflicts(call, duty('clinic', '2027-01-05', '13:00', 4), true, limits), true);
    assert.equal(conflicts(call, duty('night_float', '2027-01-05', '19:00', 12), true, limits), true, '8 h after the transition is not enough');
    assert.equal(conflicts(call, duty('day', '2027-01-06', '01:00', 6), true, limits), false, 'exactly 14 h');
  });

  it('forbids overlap and a shift starting as another ends (one duty period over 24 h)', () => {
    const day = duty('day', '2027-01-04', '07:00', 12);
    assert.equal(conflicts(day, duty('night_float', '2027-01-04', '19:00', 12), true, limits), true);
    assert.equal(conflicts(day, duty('clinic', '2027-01-04', '13:00', 4), true, limits), true);
  });

  it('lets a morning and an afternoon clinic go together, as short rest (a "should"), not a conflict', () => {
    const am = duty('clinic', '2027-01-04', '08:00', 4);
    const pm = duty('clinic', '2027-01-04', '13:00', 4);
    assert.equal(conflicts(am, pm, true, limits), false);
    assert.equal(shortRest(am, pm, limits), true);
    assert.equal(shortRest(am, duty('day', '2027-01-05', '07:00', 12), limits), false, '19 h apart');
  });

  it('faculty may work back to back; only overlap conflicts', () => {
    const home = duty('home_call', '2027-01-04', '17:00', 15);
    assert.equal(conflicts(home, duty('clinic', '2027-01-05', '08:00', 4), false, limits), false);
    assert.equal(conflicts(home, duty('day', '2027-01-05', '07:00', 12), false, limits), true);
  });
});

describe('supply matching', () => {
  it("finds the positions and people where Hall's condition fails", () => {
    // Three positions that only people 1 and 2 can fill, one that anybody can.
    const { matched, starved } = matchPositions([
      [1, 2],
      [1, 2],
      [1, 2],
      [1, 2, 3, 4],
    ]);
    assert.equal(matched, 3);
    assert.equal(starved.people, 2);
    assert.deepEqual(starved.positions, [0, 1, 2]);
  });

  it('matches everything when it can', () => {
    assert.equal(matchPositions([[1], [1, 2], [2, 3]]).matched, 3);
  });
});

/** Generates the whole range of random programs with `algorithm`; the rule engine must find no hard violation and full coverage. */
async function holdsForRandomPrograms(algorithm: 'greedy' | 'optimal', timeLimitMs: number, numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 3, max: 5 }), fc.integer({ min: 5, max: 8 }), async (seed, perPgy, faculty) => {
      const program = randomProgram(seed, { residentsPerPgy: perPgy, faculty });
      const range = { start: program.schedules[0]!.start, end: program.schedules[0]!.end };
      let assignments;
      try {
        const result = await generateSchedule({
          snapshot: snapshotOf(program, [], range),
          range,
          algorithm,
          timeLimitMs,
          seed: 1,
          weights: DEFAULT_WEIGHTS,
          now: Date.now,
        });
        assignments = asAssignments(result.assignments);
      } catch (error) {
        // Some random programs cannot be staffed: then the generator must say why.
        assert.ok(error instanceof InfeasibleError && error.findings.length > 0);
        return;
      }
      const verdict = judge(program, assignments, range);
      assert.deepEqual(
        verdict.hard.map((f) => f.message),
        [],
      );
      assert.equal(verdict.coverage.filled, verdict.coverage.required);
    }),
    { numRuns, seed: 20_270_104 },
  );
}

describe('property: a complete greedy schedule of any generated program passes the rule engine', () => {
  it('holds for random programs', async () => {
    await holdsForRandomPrograms('greedy', 3000, 6);
  });
});

describe('property: the optimal algorithm (local search and solver from the greedy start) passes the rule engine too', () => {
  it('holds for random programs', async () => {
    await holdsForRandomPrograms('optimal', 4000, 4);
  });
});
