/**
 * One N-1 model (rules/stepIn.ts): the analytics' coverage model and contingency analysis
 * agree about which losses leave a slot uncoverable, including when the only free person
 * would break a duty-hour rule (structurally free, refused by the rule engine).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coverageModel } from '../../../src/server/analytics/coverage';
import type { ScheduleSnapshot } from '../../../src/server/domain/snapshot';
import { generateProgram } from '../../../src/server/program/generate';
import { analyzeContingency } from '../../../src/server/rules/contingency';
import { EligibilityIndex } from '../../../src/server/rules/eligibility';
import { fixture, snapshotOf } from '../../support/server/fixtures';

/** Per person, the slots their loss leaves uncoverable (the count and the first ten), as each user of the model sees them. */
async function bothViews(snap: ScheduleSnapshot): Promise<{ analytics: Map<string, [number, string[]]>; contingency: Map<string, [number, string[]]> }> {
  const analytics = new Map<string, [number, string[]]>();
  for (const [id, loss] of coverageModel(snap).losses) {
    if (loss.uncoverable.length > 0) analytics.set(id, [loss.uncoverable.length, loss.uncoverable.slice(0, 10).map((c) => c.slot.key)]);
  }
  const result = await analyzeContingency(new EligibilityIndex(snap), snap.range, { n1: true, n2: false, population: 'all', cascade: false, maxPairs: 0 });
  const contingency = new Map<string, [number, string[]]>();
  for (const v of result.n1) if (v.uncoverableBlocks > 0) contingency.set(v.personId, [v.uncoverableBlocks, v.uncoverableSlots]);
  return { analytics, contingency };
}

describe('one N-1 model for the analytics and contingency analysis', () => {
  // r1 works the Monday night the wards need; r2 is free then but comes off 24-hour call
  // at 11:00 that day: 8 h of rest before 19:00 where 14 h are required.
  const program = (r2OnCall: boolean) =>
    fixture({
      end: '2027-01-17',
      people: [
        { id: 'r1', name: 'Resident One', role: 'resident', pgy: 2 },
        { id: 'r2', name: 'Resident Two', role: 'resident', pgy: 2 },
      ],
      coverage: [{ id: 'n', serviceId: 'wards', shiftTypeId: 'night', days: ['mon'], residents: { min: 1 }, faculty: { min: 0 } }],
      assignments: [['r1', 'night', '2027-01-11'], ...(r2OnCall ? [['r2', 'call', '2027-01-10', 'icu'] as [string, string, string, string]] : [])],
    });

  it('counts a structurally free stand-in the rule engine refuses as no stand-in, in both', async () => {
    const { analytics, contingency } = await bothViews(snapshotOf(program(true)));
    assert.deepEqual([...analytics], [['r1', [1, ['wards|night|2027-01-11']]]]);
    assert.deepEqual([...contingency], [...analytics]);
  });

  it('counts a rested stand-in in both', async () => {
    const { analytics, contingency } = await bothViews(snapshotOf(program(false)));
    assert.deepEqual([...analytics], []);
    assert.deepEqual([...contingency], []);
  });

  it('agrees on a generated program', async () => {
    const generated = generateProgram({ residentsPerPgy: 4, faculty: 6, weeks: 4, seed: 9 });
    const { analytics, contingency } = await bothViews(snapshotOf(generated));
    assert.ok(analytics.size > 0, 'the generated program has single points of failure to compare');
    assert.deepEqual([...contingency].sort(), [...analytics].sort());
  });
});
