/**
 * The objective evaluated without a solver (objective.ts) against the model's own rows and
 * costs, and the local search (localSearch.ts): it keeps every hard row satisfied and only
 * ever lowers the objective.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addDays } from '../../../src/server/domain/time';
import { RowState, runGreedy } from '../../../src/server/generation/greedy';
import { improveSchedule } from '../../../src/server/generation/localSearch';
import { buildModel, DEFAULT_WEIGHTS, type LinearModel } from '../../../src/server/generation/model';
import { equityCost, ScheduleObjective } from '../../../src/server/generation/objective';
import { buildProblem, type Problem } from '../../../src/server/generation/problem';
import { sampleProgram } from '../../../src/server/program/sample';
import { randomProgram, snapshotOf } from '../../support/generation/fixtures';
import type { ProgramFile } from '../../../src/server/domain/program';

const TOLERANCE = 1e-6;

function setUp(program: ProgramFile, days: number): { problem: Problem; model: LinearModel; greedy: number[] } {
  const start = program.schedules[0]!.start;
  const range = { start, end: addDays(start, days - 1) };
  const snapshot = snapshotOf(program, program.schedules[0]!.assignments, range);
  const problem = buildProblem({ snapshot, range, block: range, earlier: [], carried: new Map() });
  const model = buildModel(problem, DEFAULT_WEIGHTS, 1);
  const greedy = runGreedy(problem, model, DEFAULT_WEIGHTS, { seed: 1, deadline: Date.now() + 20_000, now: Date.now });
  assert.deepEqual(greedy.unfilled, [], 'the greedy schedule is complete');
  return { problem, model, greedy: greedy.chosen };
}

/** Every row and column bound of the model (soft rows included) holds for the values. */
function violatedRows(model: LinearModel, values: Float64Array): string[] {
  const out: string[] = [];
  for (let r = 0; r < model.rowLower.length; r++) {
    let activity = 0;
    for (let k = model.rowStarts[r]!; k < model.rowStarts[r + 1]!; k++) activity += model.rowValue[k]! * values[model.rowIndex[k]!]!;
    if (activity < model.rowLower[r]! - TOLERANCE || activity > model.rowUpper[r]! + TOLERANCE) out.push(`${model.rowTag[r]!.kind} row ${r}: ${activity}`);
  }
  values.forEach((v, c) => {
    if (v < model.colLower[c]! - TOLERANCE || v > model.colUpper[c]! + TOLERANCE) out.push(`column ${c} (${model.colKind[c]}): ${v}`);
  });
  return out;
}

/** The aggregate columns' definitions: sum, any and ceil hold exactly. */
function aggregatesExact(model: LinearModel, values: Float64Array): boolean {
  for (const [col, def] of model.aggregates) {
    const sum = def.cols.reduce((n, c, k) => n + def.coefs[k]! * values[c]!, 0);
    const kind = model.colKind[col];
    const expected = kind === 'sum' ? sum : kind === 'any' ? (def.cols.some((c) => values[c] === 1) ? 1 : 0) : Math.max(0, Math.ceil(sum / def.divisor! - 1e-9));
    if (Math.abs(values[col]! - expected) > TOLERANCE) return false;
  }
  return true;
}

function linearObjective(model: LinearModel, values: Float64Array): number {
  return model.colCost.reduce((n, c, j) => n + c * values[j]!, model.objectiveOffset);
}

function completeValues(model: LinearModel, chosen: readonly number[]): { objective: number; values: Float64Array } {
  const state = new RowState(model);
  for (const j of chosen) state.set(j, 1);
  const objective = new ScheduleObjective(model, chosen);
  return { objective: objective.value(), values: objective.complete(state.value) };
}

describe('the objective without a solver', () => {
  it('equityCost is the smallest cost over every centre', () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let trial = 0; trial < 50; trial++) {
      const values = Float64Array.from({ length: 1 + Math.floor(random() * 9) }, () => Math.round(random() * 40) / 2);
      const band = Math.round(random() * 6) / 2;
      const costAt = (c: number) => values.reduce((n, v) => n + Math.max(0, Math.abs(v - c) - band), 0) * 1.5;
      const { cost, centre } = equityCost(values, band, 1.5);
      assert.ok(Math.abs(costAt(centre) - cost) < TOLERANCE, 'the cost is the cost at the returned centre');
      for (let c = -5; c <= 25; c += 0.25) assert.ok(cost <= costAt(c) + TOLERANCE, `no centre (${c}) does better than ${centre}`);
    }
  });

  it('completes a schedule into values that satisfy every row of the model, at the objective it reports', () => {
    const { model, greedy } = setUp(sampleProgram(), 7);
    const { objective, values } = completeValues(model, greedy);
    assert.deepEqual(violatedRows(model, values), []);
    assert.ok(aggregatesExact(model, values), 'aggregates hold their definitions');
    assert.ok(Math.abs(linearObjective(model, values) - objective) < TOLERANCE, `${linearObjective(model, values)} = ${objective}`);
    // Each penalty and deviation at its least: lowering any one breaks a row.
    for (const { penalty } of model.shortRest) {
      const lowered = Float64Array.from(values);
      lowered[penalty] = values[penalty]! - 0.5;
      assert.ok(lowered[penalty]! < 0 || violatedRows(model, lowered).length > 0);
    }
  });

  it('the short-rest clique rows hold for every schedule the hard rows allow, not only for good ones', () => {
    const { problem, model } = setUp(sampleProgram(), 7);
    const cliqueRows = model.rowTag.map((t, r) => (t.kind === 'short_rest' && model.rowStarts[r + 1]! - model.rowStarts[r]! > 3 ? r : -1)).filter((r) => r >= 0);
    assert.ok(cliqueRows.length > 0, 'the sample week has clique rows');
    let seed = 11;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    let crowded = 0;
    for (let trial = 0; trial < 40; trial++) {
      // Random schedules that keep every upper bound (rest, hours, ...), dense enough to hold many short rests.
      const state = new RowState(model);
      const order = problem.candidates.map((c) => c.index).sort(() => random() - 0.5);
      const chosen = order.filter((j) => random() < 0.7 && state.fits(j) && (state.set(j, 1), true));
      const { values } = completeValues(model, chosen);
      const broken = violatedRows(model, values).filter((v) => v.startsWith('short_rest'));
      assert.deepEqual(broken, [], `trial ${trial}`);
      for (const r of cliqueRows) {
        let held = 0;
        for (let k = model.rowStarts[r]!; k < model.rowStarts[r + 1]!; k++) if (model.rowIndex[k]! < model.numAssign) held += values[model.rowIndex[k]!]!;
        if (held >= 2) crowded += 1;
      }
    }
    assert.ok(crowded > 0, 'some schedules hold two or more shifts of one clique');
  });

  it('follows single changes exactly as a fresh evaluation of the changed schedule', () => {
    const { problem, model, greedy } = setUp(randomProgram(3), 14);
    const objective = new ScheduleObjective(model, greedy);
    const chosen = new Set(greedy);
    for (let step = 0; step < 40; step++) {
      const j = (step * 7919) % problem.candidates.length;
      if (chosen.has(j)) chosen.delete(j);
      else chosen.add(j);
      objective.set(j, chosen.has(j) ? 1 : 0);
      assert.ok(Math.abs(objective.value() - new ScheduleObjective(model, [...chosen]).value()) < TOLERANCE);
    }
  });
});

describe('local search', () => {
  for (const [name, program, days] of [
    ['the sample program, one week', sampleProgram(), 7],
    ['random program 5, four weeks', randomProgram(5), 28],
  ] as const) {
    it(`keeps every hard row and lowers the objective: ${name}`, () => {
      const { problem, model, greedy } = setUp(program, days);
      const before = new ScheduleObjective(model, greedy).value();
      const result = improveSchedule(problem, model, greedy, { seed: 1, deadline: Date.now() + 5000, now: Date.now });
      const state = new RowState(model);
      for (const j of result.chosen) {
        assert.ok(state.fits(j), `assignment ${j} fits`);
        state.set(j, 1);
      }
      assert.deepEqual(state.unmetRows(), [], 'every minimum is met');
      const fresh = completeValues(model, result.chosen);
      assert.ok(Math.abs(fresh.objective - result.objective) < TOLERANCE, 'the reported objective is the schedule’s');
      assert.deepEqual(violatedRows(model, result.values), []);
      assert.ok(result.objective < before - TOLERANCE, `${result.objective} < ${before}`);
    });
  }
});
