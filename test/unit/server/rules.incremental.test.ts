import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { addDays } from '../../../src/server/domain/time';
import { selectRules, validateSnapshot, type RuleFamily } from '../../../src/server/rules/engine';
import type { Finding } from '../../../src/server/rules/findings';
import { generateProgram } from '../../../src/server/program/generate';
import { snapshotOf } from '../../support/server/fixtures';

const FAMILIES: RuleFamily[] = ['work_hours', 'rest', 'consecutive_duty', 'supervision', 'coverage', 'conflicts'];

/** A random program with planted findings, its snapshot built afresh on every call. */
function programOf(seed: number, perPgy: number) {
  return generateProgram({ residentsPerPgy: perPgy, faculty: 5 + (seed % 4), weeks: 6, seed, findings: 'few' });
}

/** A random program, a focus inside its schedule, some rule families, with or without suggestions. */
const ruleRuns = fc
  .record({
    seed: fc.integer({ min: 1, max: 10_000 }),
    perPgy: fc.integer({ min: 3, max: 5 }),
    families: fc.subarray(FAMILIES, { minLength: 1 }),
    offset: fc.integer({ min: 0, max: 20 }),
    suggestions: fc.boolean(),
  })
  .map(({ seed, perPgy, families, offset, suggestions }) => {
    const program = programOf(seed, perPgy);
    const s = program.schedules[0]!;
    return { program, focus: { start: addDays(s.start, offset), end: addDays(s.end, -offset) }, rules: selectRules(families), suggestions };
  });

/** The slot rules: they may name a person but always judge a whole slot. */
const SLOT_KEYS = new Set(['coverage_minimum', 'coverage_maximum', 'supervision_pgy1', 'local_supervision_ratio']);

describe('rule engine: shared and incremental runs equal the full run', () => {
  it('a second run over the same snapshot (memoised findings) equals a run over a fresh snapshot', () => {
    fc.assert(
      fc.property(ruleRuns, ({ program, focus, rules, suggestions }) => {
        const shared = snapshotOf(program);
        // The first run fills the memo, possibly with other options; the second reads it.
        validateSnapshot(shared, { focus, rules, suggestions: !suggestions });
        const reused = validateSnapshot(shared, { focus, rules, suggestions });
        const again = validateSnapshot(shared, { focus, rules, suggestions });
        const fresh = validateSnapshot(snapshotOf(program), { focus, rules, suggestions });
        assert.deepEqual(reused, fresh);
        assert.deepEqual(again, fresh);
      }),
      { numRuns: 25 },
    );
  });

  it('a run of some rules after a run of every rule on the same snapshot equals it on a fresh snapshot', () => {
    fc.assert(
      fc.property(ruleRuns, ({ program, focus, rules, suggestions }) => {
        const shared = snapshotOf(program);
        // Every rule first (findings and substitutes memoised), then the subset reads them.
        const everyRule = validateSnapshot(shared, { focus, suggestions: true });
        const some = validateSnapshot(shared, { focus, rules, suggestions });
        assert.deepEqual(some, validateSnapshot(snapshotOf(program), { focus, rules, suggestions }));
        if (!suggestions)
          assert.deepEqual(
            some.findings,
            validateSnapshot(snapshotOf(program), { focus, suggestions: false }).findings.filter((f) => rules.has(f.key)),
          );
        assert.ok(everyRule.findings.length >= some.findings.length);
      }),
      { numRuns: 25 },
    );
  });

  it('suggestions and edits written into one report do not reach a later report', () => {
    const program = programOf(7, 3);
    const shared = snapshotOf(program);
    const withFixes = validateSnapshot(shared, { suggestions: true });
    assert.ok(
      withFixes.findings.some((f) => Array.isArray(f.details['substitutes'])),
      'the planted findings get substitutes',
    );
    withFixes.findings.forEach((f) => (f.suggestedFix = 'changed by a caller'));
    const without = validateSnapshot(shared, { suggestions: false });
    assert.deepEqual(without, validateSnapshot(snapshotOf(program), { suggestions: false }));
    assert.deepEqual(validateSnapshot(shared, { suggestions: true }), validateSnapshot(snapshotOf(program), { suggestions: true }));
  });

  it('checking only some people gives exactly their findings and the slot findings of the full run', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 3, max: 5 }), fc.integer({ min: 1, max: 2 ** 30 }), (seed, perPgy, pickBits) => {
        const program = programOf(seed, perPgy);
        const ids = program.people.map((p) => p.id);
        const people = new Set(ids.filter((_, i) => (pickBits >> (i % 30)) & 1));
        const full = validateSnapshot(snapshotOf(program), { suggestions: false }).findings;
        const only = validateSnapshot(snapshotOf(program), { suggestions: false, people }).findings;
        // The slot rules always run in full.
        const ofPerson = (f: (typeof full)[number]) => f.personId !== null && !SLOT_KEYS.has(f.key);
        assert.deepEqual(
          only.filter(ofPerson),
          full.filter((f) => ofPerson(f) && people.has(f.personId!)),
        );
        assert.deepEqual(
          only.filter((f) => !ofPerson(f)),
          full.filter((f) => !ofPerson(f)),
        );
      }),
      { numRuns: 25 },
    );
  });

  it('checking only some slots gives exactly the findings of the full run about those slots', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 3, max: 5 }), fc.integer({ min: 1, max: 6 }), fc.nat(), (seed, perPgy, count, pick) => {
        const program = programOf(seed, perPgy);
        const assignments = program.schedules[0]!.assignments;
        const full = validateSnapshot(snapshotOf(program), { suggestions: false }).findings;
        const ofSlot = (f: Finding) => SLOT_KEYS.has(f.key);
        // Random slots, and the slot of a planted slot finding when there is one.
        const flagged = full.find(ofSlot);
        const slots = [
          ...Array.from({ length: count }, (_, i) => assignments[(pick + i * 7919) % assignments.length]!),
          ...(flagged ? [{ serviceId: String(flagged.details['service_id']), shiftTypeId: String(flagged.details['shift_type_id']), date: String(flagged.details['date']) }] : []),
        ];
        const keys = new Set(slots.map((a) => `${a.serviceId}|${a.shiftTypeId}|${a.date}`));
        const inSlots = (f: Finding) => keys.has(`${String(f.details['service_id'])}|${String(f.details['shift_type_id'])}|${String(f.details['date'])}`);
        const only = validateSnapshot(snapshotOf(program), { suggestions: false, slots }).findings;
        assert.deepEqual(
          only.filter(ofSlot),
          full.filter((f) => ofSlot(f) && inSlots(f)),
        );
        assert.deepEqual(
          only.filter((f) => !ofSlot(f)),
          full.filter((f) => !ofSlot(f)),
        );
      }),
      { numRuns: 25 },
    );
  });

  it('the parties and the moved slots are judged alike on the whole schedule and on their shifts and their services within three days', () => {
    // What swaps/validate.ts reads for a swap's before/after check (store.selectedAssignments).
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 3, max: 5 }), fc.nat(), fc.nat(), (seed, perPgy, pickA, pickB) => {
        const program = programOf(seed, perPgy);
        const s = program.schedules[0]!;
        const moved = [s.assignments[pickA % s.assignments.length]!, s.assignments[pickB % s.assignments.length]!];
        const people = new Set(moved.map((a) => a.personId));
        const near = (a: (typeof moved)[number]) => moved.some((m) => a.serviceId === m.serviceId && a.date >= addDays(m.date, -3) && a.date <= addDays(m.date, 3));
        const part = { ...program, schedules: [{ ...s, assignments: s.assignments.filter((a) => people.has(a.personId) || near(a)) }] };
        const options = { suggestions: false, people, slots: moved };
        const keys = new Set(moved.map((a) => `${a.serviceId}|${a.shiftTypeId}|${a.date}`));
        const relevant = (f: Finding) =>
          f.personId !== null ? people.has(f.personId) : keys.has(`${String(f.details['service_id'])}|${String(f.details['shift_type_id'])}|${String(f.details['date'])}`);
        assert.deepEqual(validateSnapshot(snapshotOf(part), options).findings.filter(relevant), validateSnapshot(snapshotOf(program), options).findings.filter(relevant));
      }),
      { numRuns: 25 },
    );
  });
});
