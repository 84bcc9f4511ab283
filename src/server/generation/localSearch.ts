/**
 * Local search on a complete schedule before the solver sees it: hands a shift to another
 * eligible person, or trades two shifts between two people of the same group, whenever
 * that keeps every hard row of the model satisfied and lowers the objective. The greedy
 * constructor balances loads only as it goes; these moves fix what it could not foresee
 * in milliseconds, where the solver's search takes seconds to find the same moves. At a
 * local optimum a kick forces a few changes and the descent starts again (iterated local
 * search); the search stops when kicks stop paying or at its deadline.
 */
import { seededRng } from '../analytics/rng';
import { RowState } from './greedy';
import type { LinearModel } from './model';
import { ScheduleObjective } from './objective';
import type { Problem } from './problem';

const IMPROVEMENT = 1e-6;
/** Forced changes per kick of the iterated search, and kicks in a row without a gain before it stops. */
const KICK_SIZE = 3;
const KICKS_WITHOUT_GAIN = 5;

export interface LocalSearchResult {
  chosen: number[];
  objective: number;
  /** The schedule's values for every column of the model (a complete solver start). */
  values: Float64Array;
  moves: number;
}

export function improveSchedule(problem: Problem, model: LinearModel, start: readonly number[], options: { seed: number; deadline: number; now: () => number }): LocalSearchResult {
  const random = seededRng(options.seed);
  const state = new RowState(model);
  for (const j of start) state.set(j, 1);
  const objective = new ScheduleObjective(model, start);
  let current = objective.value();
  let moves = 0;

  // Numeric keys: a position is a slot and a role; a seat is a person in a position.
  const people = new Map([...problem.people.keys()].map((id, i) => [id, i]));
  const groups = new Map([...new Set([...problem.people.values()].map((p) => p.group))].map((g, i) => [g, i]));
  const personOf = Int32Array.from(problem.candidates, (c) => people.get(c.personId) ?? -1);
  const groupOf = Int32Array.from(problem.candidates, (c) => groups.get(problem.people.get(c.personId)!.group) ?? -1);
  const positionOf = Int32Array.from(problem.candidates, (c) => c.slot * 2 + (c.resident ? 1 : 0));
  const seat = (person: number, position: number) => person * problem.slots.length * 2 + position;
  const bySeat = new Map(problem.candidates.map((c) => [seat(personOf[c.index]!, positionOf[c.index]!), c.index]));
  const poolOf = (j: number) => {
    const c = problem.candidates[j]!;
    return c.resident ? problem.residentsBySlot[c.slot]! : problem.facultyBySlot[c.slot]!;
  };

  /** Applies the change set (column, new value); keeps it when legal and better, else undoes it. */
  const attempt = (changes: [number, 0 | 1][], force = false): boolean => {
    const done: [number, 0 | 1][] = [];
    let legal = true;
    for (const [j, to] of changes.filter(([, to]) => to === 0).concat(changes.filter(([, to]) => to === 1))) {
      if (to === 1 && !state.fits(j)) {
        legal = false;
        break;
      }
      state.set(j, to);
      objective.set(j, to);
      done.push([j, to]);
    }
    if (legal) legal = changes.every(([j]) => state.meetsLowerAround(j));
    const value = legal ? objective.value() : Infinity;
    if (value < current - IMPROVEMENT || (force && legal)) {
      current = value;
      moves += 1;
      return true;
    }
    for (const [j, to] of done.reverse()) {
      state.set(j, to === 1 ? 0 : 1);
      objective.set(j, to === 1 ? 0 : 1);
    }
    return false;
  };

  const shuffled = <T>(list: T[]): T[] => {
    for (let i = list.length - 1; i > 0; i--) {
      const k = Math.floor(random() * (i + 1));
      [list[i], list[k]] = [list[k]!, list[i]!];
    }
    return list;
  };

  /** Hands shift j to k's person, first moving away the one shift of theirs that blocks it. */
  const handOverWithRepair = (j: number, k: number, force = false): boolean => {
    const person = problem.candidates[k]!.personId;
    const blockers = new Set<number>();
    for (const r of state.blockingRows(k)) for (const h of state.contributors(r)) if (problem.candidates[h]!.personId === person && h !== j) blockers.add(h);
    for (const h of blockers) {
      for (const h2 of poolOf(h)) {
        if (objective.has(h2) || h2 === k) continue;
        if (
          attempt(
            [
              [j, 0],
              [h, 0],
              [k, 1],
              [h2, 1],
            ],
            force,
          )
        )
          return true;
      }
    }
    return false;
  };

  const descend = () => {
    let improved = true;
    while (improved && options.now() < options.deadline) {
      improved = false;
      // Optional shifts: keep a current one the slot has room for, drop one that only costs.
      for (const c of problem.candidates) {
        if (objective.has(c.index) ? attempt([[c.index, 0]]) : model.colCost[c.index]! < 0 && attempt([[c.index, 1]])) improved = true;
      }
      const held = shuffled(problem.candidates.filter((c) => objective.has(c.index)).map((c) => c.index));
      const heldByGroup = new Map<number, number[]>();
      for (const j of held) (heldByGroup.get(groupOf[j]!) ?? heldByGroup.set(groupOf[j]!, []).get(groupOf[j]!)!).push(j);
      for (const j of held) {
        if (options.now() >= options.deadline) break;
        if (!objective.has(j)) continue;
        // Hand the shift to somebody else in the same position.
        const taken = poolOf(j).find(
          (k) =>
            !objective.has(k) &&
            attempt([
              [j, 0],
              [k, 1],
            ]),
        );
        if (taken !== undefined) {
          improved = true;
          continue;
        }
        // Trade it against another person's shift: each takes the other's.
        for (const k of heldByGroup.get(groupOf[j]!) ?? []) {
          if (!objective.has(j)) break;
          if (!objective.has(k) || personOf[k] === personOf[j] || positionOf[k] === positionOf[j] || positionOf[k]! % 2 !== positionOf[j]! % 2) continue;
          const jToD = bySeat.get(seat(personOf[j]!, positionOf[k]!));
          const kToC = bySeat.get(seat(personOf[k]!, positionOf[j]!));
          if (jToD === undefined || kToC === undefined) continue;
          if (
            attempt([
              [j, 0],
              [k, 0],
              [jToD, 1],
              [kToC, 1],
            ])
          ) {
            improved = true;
            break;
          }
        }
        if (!objective.has(j)) continue;
        if (poolOf(j).some((k) => !objective.has(k) && handOverWithRepair(j, k))) improved = true;
      }
    }
  };

  /**
   * Iterated local search: at a local optimum, force a few current holders back onto their
   * shifts (or a random shift onto someone else) and descend again; keep the result when
   * it is better, else return to the best schedule. Stops after KICKS_WITHOUT_GAIN tries in a row fail.
   */
  const currents = problem.candidates.filter((c) => model.colCost[c.index]! < 0).map((c) => c.index);
  const kick = () => {
    for (let n = 0; n < KICK_SIZE; n++) {
      const missing = currents.filter((k) => !objective.has(k));
      const k = missing.length > 0 && random() < 0.7 ? missing[Math.floor(random() * missing.length)]! : undefined;
      if (k !== undefined) {
        const holders = shuffled(poolOf(k).filter((j) => objective.has(j)));
        holders.some(
          (j) =>
            attempt(
              [
                [j, 0],
                [k, 1],
              ],
              true,
            ) || handOverWithRepair(j, k, true),
        );
        continue;
      }
      const held = problem.candidates.filter((c) => objective.has(c.index)).map((c) => c.index);
      const j = held[Math.floor(random() * held.length)]!;
      shuffled(poolOf(j).filter((k2) => !objective.has(k2))).some((k2) =>
        attempt(
          [
            [j, 0],
            [k2, 1],
          ],
          true,
        ),
      );
    }
  };
  descend();
  let best = { value: current, held: Uint8Array.from({ length: model.numAssign }, (_, j) => (objective.has(j) ? 1 : 0)) };
  for (let failed = 0; failed < KICKS_WITHOUT_GAIN && options.now() < options.deadline;) {
    kick();
    descend();
    if (current < best.value - IMPROVEMENT) {
      best = { value: current, held: Uint8Array.from({ length: model.numAssign }, (_, j) => (objective.has(j) ? 1 : 0)) };
      failed = 0;
      continue;
    }
    failed += 1;
    for (let j = 0; j < model.numAssign; j++)
      if (objective.has(j) && best.held[j] === 0) {
        state.set(j, 0);
        objective.set(j, 0);
      }
    for (let j = 0; j < model.numAssign; j++)
      if (!objective.has(j) && best.held[j] === 1) {
        state.set(j, 1);
        objective.set(j, 1);
      }
    current = best.value;
  }
  const chosen: number[] = [];
  for (let j = 0; j < model.numAssign; j++) if (objective.has(j)) chosen.push(j);
  return { chosen, objective: current, values: objective.complete(state.value), moves };
}
