/**
 * The generator judged by the independent rule engine: zero hard violations, every
 * required position filled, equity within a bound, on the bundled sample program, on
 * seeded random programs and across a block border; infeasible requests name the
 * binding constraints; cancellation and the time-limit fallback to greedy.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProgramFile } from '../../../src/server/domain/program';
import { addDays } from '../../../src/server/domain/time';
import { InfeasibleError, generateSchedule, splitBlocks, type Algorithm, type GenerationResult } from '../../../src/server/generation/generate';
import { SolveCancelledError } from '../../../src/server/generation/mip';
import { DEFAULT_WEIGHTS } from '../../../src/server/generation/model';
import { sampleProgram } from '../../../src/server/program/sample';
import { asAssignments, judge, randomProgram, snapshotOf } from '../../support/generation/fixtures';

/** Stated bound: hours per available day within each PGY level. */
const GINI_BOUND = 0.15;

function rangeOf(program: ProgramFile): { start: string; end: string } {
  return { start: program.schedules[0]!.start, end: program.schedules[0]!.end };
}

function generate(
  program: ProgramFile,
  algorithm: Algorithm,
  options: { timeLimitMs?: number; signal?: AbortSignal; onProgress?: (f: number, m: string) => void; range?: { start: string; end: string }; keepCurrent?: boolean } = {},
): Promise<GenerationResult> {
  const range = options.range ?? rangeOf(program);
  return generateSchedule({
    snapshot: snapshotOf(program, options.keepCurrent ? program.schedules[0]!.assignments : [], range),
    range,
    algorithm,
    timeLimitMs: options.timeLimitMs ?? 8000,
    seed: 1,
    weights: DEFAULT_WEIGHTS,
    now: Date.now,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}

function assertSound(program: ProgramFile, result: GenerationResult, range = rangeOf(program)): void {
  const verdict = judge(program, asAssignments(result.assignments), range);
  assert.deepEqual(
    verdict.hard.map((f) => f.message),
    [],
    'the rule engine finds no hard violation',
  );
  assert.equal(verdict.coverage.filled, verdict.coverage.required, 'every required position is filled');
  assert.ok(verdict.coverage.required > 0);
  assert.ok(verdict.worstGini <= GINI_BOUND, `Gini of hours per available day ${verdict.worstGini} <= ${GINI_BOUND}`);
}

describe('block decomposition', () => {
  it('cuts a range into 4-week blocks and folds a remainder under a week into the last block', () => {
    assert.deepEqual(splitBlocks({ start: '2027-01-04', end: '2027-01-31' }), [{ start: '2027-01-04', end: '2027-01-31' }]);
    assert.deepEqual(splitBlocks({ start: '2027-01-04', end: '2027-03-05' }), [
      { start: '2027-01-04', end: '2027-01-31' },
      { start: '2027-02-01', end: '2027-03-05' },
    ]);
    assert.deepEqual(splitBlocks({ start: '2027-01-04', end: '2027-03-14' }), [
      { start: '2027-01-04', end: '2027-01-31' },
      { start: '2027-02-01', end: '2027-02-28' },
      { start: '2027-03-01', end: '2027-03-14' },
    ]);
  });
});

describe('generation judged by the rule engine', () => {
  it('greedy on the bundled sample program: no hard violation, full coverage, equity within the bound', async () => {
    const program = sampleProgram();
    const result = await generate(program, 'greedy', { keepCurrent: true });
    assert.equal(result.blocks[0]!.producedBy, 'greedy');
    assertSound(program, result);
  });

  it('optimal (HiGHS) on the bundled sample program, starting from its published schedule', async () => {
    const program = sampleProgram();
    const result = await generate(program, 'optimal', { timeLimitMs: 6000, keepCurrent: true });
    assert.equal(result.blocks[0]!.producedBy, 'optimal', result.blocks[0]!.fallbackReason);
    assert.ok(['optimal', 'time_limit', 'stalled'].includes(result.blocks[0]!.solverStatus));
    assert.equal(typeof result.gap, 'number');
    assertSound(program, result);
    // Keeping current assignments is rewarded: most of the published schedule survives.
    const kept = result.assignments.filter((a) => a.keepId !== undefined).length;
    assert.ok(kept > result.assignments.length / 2, `${kept} of ${result.assignments.length} assignments kept`);
  });

  for (const seed of [3, 5, 7]) {
    it(`greedy on seeded random program ${seed}`, async () => {
      const program = randomProgram(seed);
      assertSound(program, await generate(program, 'greedy'));
    });
  }

  it('across a block border: 8 weeks in two blocks, windows spanning the border stay within the rules', async () => {
    const program = randomProgram(4, { weeks: 8 });
    const result = await generate(program, 'greedy', { timeLimitMs: 20_000 });
    assert.equal(result.blocks.length, 2);
    assertSound(program, result);
  });
});

describe('infeasible requests name the binding constraints', () => {
  it('too few senior residents for the PGY-2/3 in-house call', async () => {
    const base = randomProgram(3);
    const seniors = base.people.filter((p) => p.role === 'resident' && p.pgy !== 1).map((p) => p.id);
    const keep = new Set(seniors.slice(0, 2));
    const program: ProgramFile = { ...base, people: base.people.map((p) => (seniors.includes(p.id) && !keep.has(p.id) ? { ...p, active: false } : p)) };
    await assert.rejects(generate(program, 'optimal'), (error: unknown) => {
      assert.ok(error instanceof InfeasibleError);
      assert.equal(error.proven, true);
      const text = error.findings.map((f) => f.message).join('\n');
      assert.match(text, /24-hour in-house call/);
      assert.match(text, /PGY-2\/3|residents positions/);
      return true;
    });
  });

  it('no faculty on a weekday: names the date and the shift that cannot be staffed', async () => {
    const base = randomProgram(3);
    const absences = base.people
      .filter((p) => p.role === 'faculty')
      .map((p, i) => ({ id: `gone-${i}`, personId: p.id, type: 'deployment' as const, start: '2027-01-14', end: '2027-01-14', blocking: true }));
    const program: ProgramFile = { ...base, absences: [...base.absences, ...absences] };
    await assert.rejects(generate(program, 'greedy'), (error: unknown) => {
      assert.ok(error instanceof InfeasibleError);
      assert.match(error.message, /not enough faculty to (staff|supervise) .* on 2027-01-14/);
      return true;
    });
  });
});

describe('cancellation and time limits', () => {
  it('stops promptly when cancelled while the solver runs', async () => {
    const program = randomProgram(5);
    const controller = new AbortController();
    let abortedAt = 0;
    const running = generate(program, 'optimal', {
      timeLimitMs: 60_000,
      signal: controller.signal,
      onProgress: (_f, message) => {
        if (!abortedAt && message.includes('solver')) {
          abortedAt = Date.now();
          controller.abort();
        }
      },
    });
    await assert.rejects(running, SolveCancelledError);
    assert.ok(abortedAt > 0, 'the solver had started');
    assert.ok(Date.now() - abortedAt < 2000, `stopped ${Date.now() - abortedAt} ms after the cancel`);
  });

  it('falls back to the greedy schedule when the time limit leaves the solver no time', async () => {
    const program = sampleProgram();
    const result = await generate(program, 'optimal', { timeLimitMs: 50 });
    assert.equal(result.fellBackToGreedy, true);
    assert.equal(result.blocks[0]!.producedBy, 'greedy');
    assert.equal(result.blocks[0]!.solverStatus, 'not_run');
    assert.match(result.blocks[0]!.fallbackReason ?? '', /time limit was reached/);
    assertSound(program, result);
  });

  it('a range inside the schedule keeps the published days around it as fixed history', async () => {
    const program = sampleProgram();
    const range = { start: '2027-01-11', end: addDays('2027-01-11', 13) };
    const result = await generate(program, 'greedy', { range, keepCurrent: true });
    assert.ok(result.assignments.every((a) => a.date >= range.start && a.date <= range.end));
    const outside = program.schedules[0]!.assignments.filter((a) => a.date < range.start || a.date > range.end);
    const inside = program.schedules[0]!.assignments.filter((a) => a.date >= range.start && a.date <= range.end);
    const owned = new Set(result.assignments.map((a) => `${a.serviceId}|${a.shiftTypeId}|${a.date}`));
    const untouched = inside.filter((a) => !owned.has(`${a.serviceId}|${a.shiftTypeId}|${a.date}`));
    const verdict = judge(program, [...outside, ...untouched, ...asAssignments(result.assignments)], range);
    assert.deepEqual(
      verdict.hard.map((f) => f.message),
      [],
    );
    assert.equal(verdict.coverage.filled, verdict.coverage.required);
  });
});
