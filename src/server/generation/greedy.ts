/**
 * Fast constructive algorithm: fills slots in time order with the least-loaded eligible
 * person whose assignment keeps every hard row of the linear model satisfied, repairs a
 * slot it cannot fill by moving one of a blocked person's shifts to someone else, and
 * restarts with another random order while time remains. Its result also seeds the MIP.
 */
import type { LinearModel } from './model';
import { seededRng } from '../analytics/rng';
import { metricOf, type ObjectiveWeights } from './model';
import type { Problem } from './problem';

const EPS = 1e-6;

/** Incremental view of the model's hard rows for a partial assignment. */
export class RowState {
  readonly value: Float64Array;
  readonly activity: Float64Array;
  private readonly anyCount: Int32Array;
  /** Running member sums of `ceil` aggregates. */
  private readonly ceilSum: Float64Array;
  /** For each column: hard rows it appears in, with coefficients. */
  private readonly colRows: { rows: Int32Array; coefs: Float64Array }[];
  private readonly aggOf: { agg: number; coef: number }[][];

  constructor(readonly model: LinearModel) {
    const numCols = model.colKind.length;
    this.value = new Float64Array(numCols);
    this.anyCount = new Int32Array(numCols);
    this.ceilSum = new Float64Array(numCols);
    this.activity = new Float64Array(model.rowLower.length);
    const lists: { rows: number[]; coefs: number[] }[] = Array.from({ length: numCols }, () => ({ rows: [], coefs: [] }));
    for (let r = 0; r < model.rowLower.length; r++) {
      if (model.rowTag[r]!.kind === 'equity') continue;
      for (let k = model.rowStarts[r]!; k < model.rowStarts[r + 1]!; k++) {
        lists[model.rowIndex[k]!]!.rows.push(r);
        lists[model.rowIndex[k]!]!.coefs.push(model.rowValue[k]!);
      }
    }
    this.colRows = lists.map((l) => ({ rows: Int32Array.from(l.rows), coefs: Float64Array.from(l.coefs) }));
    this.aggOf = Array.from({ length: model.numAssign }, () => []);
    for (const [agg, def] of model.aggregates) {
      def.cols.forEach((col, k) => this.aggOf[col]!.push({ agg, coef: def.coefs[k]! }));
    }
  }

  /** Column changes (col, delta) that setting assignment `j` to `to` causes. */
  private deltas(j: number, to: 0 | 1): [number, number][] {
    const sign = to === 1 ? 1 : -1;
    const out: [number, number][] = [[j, sign]];
    for (const { agg, coef } of this.aggOf[j]!) {
      const kind = this.model.colKind[agg];
      if (kind === 'sum') out.push([agg, sign * coef]);
      else if (kind === 'ceil') {
        const divisor = this.model.aggregates.get(agg)!.divisor!;
        const next = ceilOf(this.ceilSum[agg]! + sign * coef, divisor);
        if (next !== this.value[agg]) out.push([agg, next - this.value[agg]!]);
      } else if (to === 1 ? this.anyCount[agg] === 0 : this.anyCount[agg] === 1) out.push([agg, sign]);
    }
    return out;
  }

  /** Rows whose upper bound adding `j` would break (empty when it fits). */
  blockingRows(j: number, limit = Infinity): number[] {
    const change = new Map<number, number>();
    for (const [col, delta] of this.deltas(j, 1)) {
      const { rows, coefs } = this.colRows[col]!;
      for (let k = 0; k < rows.length; k++) change.set(rows[k]!, (change.get(rows[k]!) ?? 0) + coefs[k]! * delta);
    }
    const out: number[] = [];
    for (const [r, d] of change) {
      if (d > 0 && this.activity[r]! + d > this.model.rowUpper[r]! + EPS) {
        out.push(r);
        if (out.length >= limit) break;
      }
    }
    return out;
  }

  fits(j: number): boolean {
    return this.value[j] === 0 && this.blockingRows(j, 1).length === 0;
  }

  set(j: number, to: 0 | 1): void {
    if (this.value[j] === to) return;
    for (const [col, delta] of this.deltas(j, to)) {
      this.value[col] = this.value[col]! + delta;
      const { rows, coefs } = this.colRows[col]!;
      for (let k = 0; k < rows.length; k++) this.activity[rows[k]!] = this.activity[rows[k]!]! + coefs[k]! * delta;
    }
    for (const { agg, coef } of this.aggOf[j]!) {
      if (this.model.colKind[agg] === 'any') {
        this.anyCount[agg] = this.anyCount[agg]! + (to === 1 ? 1 : -1);
        this.value[agg] = this.anyCount[agg]! > 0 ? 1 : 0;
      } else if (this.model.colKind[agg] === 'ceil') {
        this.ceilSum[agg] = this.ceilSum[agg]! + (to === 1 ? coef : -coef);
      }
    }
  }

  /** Rows whose lower bound is not met (coverage minimums, supervision). */
  unmetRows(): number[] {
    const out: number[] = [];
    for (let r = 0; r < this.activity.length; r++) {
      if (this.model.rowTag[r]!.kind !== 'equity' && this.activity[r]! < this.model.rowLower[r]! - EPS) out.push(r);
    }
    return out;
  }
}

function ceilOf(sum: number, divisor: number): number {
  return Math.max(0, Math.ceil(sum / divisor - EPS));
}

export interface GreedyResult {
  /** Candidate indices chosen. */
  chosen: number[];
  /** Slots left short of their minimum (empty when complete). */
  unfilled: number[];
  attempts: number;
}

interface Load {
  hours: number;
  calls: number;
  weekends: number;
}

export function runGreedy(
  problem: Problem,
  model: LinearModel,
  weights: ObjectiveWeights,
  options: { seed: number; deadline: number; now: () => number; maxAttempts?: number },
): GreedyResult {
  let best: GreedyResult | undefined;
  const maxAttempts = options.maxAttempts ?? 25;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const result = greedyOnce(problem, model, weights, options.seed + attempt * 7919, attempt > 0);
    if (!best || result.unfilled.length < best.unfilled.length) best = { ...result, attempts: attempt + 1 };
    if (best.unfilled.length === 0 || options.now() >= options.deadline) break;
  }
  return best!;
}

function greedyOnce(problem: Problem, model: LinearModel, weights: ObjectiveWeights, seed: number, shuffle: boolean): Omit<GreedyResult, 'attempts'> {
  const random = seededRng(seed);
  const state = new RowState(model);
  const load = new Map<string, Load>();
  for (const id of problem.people.keys()) load.set(id, { ...(problem.carried.get(id) ?? { hours: 0, calls: 0, weekends: 0 }) });
  const scale = (id: string) => 28 / Math.max(1, problem.availableSoFar.get(id) ?? 1);
  const noise = shuffle ? 0.5 : 0.01;

  const score = (j: number): number => {
    const c = problem.candidates[j]!;
    const l = load.get(c.personId)!;
    const s = scale(c.personId);
    return (
      (((l.hours + c.countedHours) * s) / 12) * weights.equityHours +
      (l.calls + metricOf(c, 'calls')) * s * weights.equityCalls * metricOf(c, 'calls') +
      (l.weekends + metricOf(c, 'weekends')) * s * weights.equityWeekends * metricOf(c, 'weekends') +
      model.colCost[j]! +
      noise * random()
    );
  };
  const apply = (j: number, to: 0 | 1) => {
    state.set(j, to);
    const c = problem.candidates[j]!;
    const l = load.get(c.personId)!;
    const sign = to === 1 ? 1 : -1;
    l.hours += sign * c.countedHours;
    l.calls += sign * metricOf(c, 'calls');
    l.weekends += sign * metricOf(c, 'weekends');
  };

  const order = problem.slots.map((_, s) => s);
  const tightness = order.map((s) => {
    const need = problem.slots[s]!.residentsMin + problem.slots[s]!.facultyMin;
    return need === 0 ? Infinity : (problem.residentsBySlot[s]!.length + problem.facultyBySlot[s]!.length) / need;
  });
  const dayOf = (s: number) => problem.slots[s]!.date;
  order.sort((a, b) => dayOf(a).localeCompare(dayOf(b)) || tightness[a]! - tightness[b]! || (shuffle ? random() - 0.5 : a - b));

  const countOn = (list: number[]) => list.reduce((n, j) => n + state.value[j]!, 0);
  const supervisionRow = new Map<number, number>();
  model.rowTag.forEach((t, r) => {
    if (t.kind === 'supervision' && t.slot !== undefined) supervisionRow.set(t.slot, r);
  });
  const needsFaculty = (s: number): boolean => {
    const slot = problem.slots[s]!;
    if (countOn(problem.facultyBySlot[s]!) < slot.facultyMin) return true;
    const r = supervisionRow.get(s);
    return r !== undefined && state.activity[r]! < -EPS;
  };
  const pickBest = (list: number[]): number | undefined => {
    let best: number | undefined;
    let bestScore = Infinity;
    for (const j of list) {
      if (!state.fits(j)) continue;
      const sc = score(j);
      if (sc < bestScore) [best, bestScore] = [j, sc];
    }
    return best;
  };
  const fill = (list: number[], short: () => boolean): boolean => {
    while (short()) {
      const j = pickBest(list) ?? repair(list);
      if (j === undefined) return false;
      apply(j, 1);
    }
    return true;
  };

  /**
   * One-step ejection: a blocked candidate becomes free when one of its
   * person's shifts moves to somebody else who fits there.
   */
  const repair = (list: number[]): number | undefined => {
    for (const j of list) {
      if (state.value[j] === 1) continue;
      const person = problem.candidates[j]!.personId;
      const held = problem.candidates.filter((c) => c.personId === person && state.value[c.index] === 1);
      for (const h of held) {
        apply(h.index, 0);
        if (state.fits(j)) {
          const sameKind = problem.candidates[h.index]!.resident ? problem.residentsBySlot[h.slot]! : problem.facultyBySlot[h.slot]!;
          apply(j, 1);
          const replacement = pickBest(sameKind.filter((k) => problem.candidates[k]!.personId !== person));
          apply(j, 0);
          if (replacement !== undefined) {
            apply(replacement, 1);
            if (state.fits(j)) return j;
            apply(replacement, 0);
          }
        }
        apply(h.index, 1);
      }
    }
    return undefined;
  };

  const fillSlot = (s: number) => {
    const slot = problem.slots[s]!;
    fill(problem.residentsBySlot[s]!, () => countOn(problem.residentsBySlot[s]!) < slot.residentsMin);
    fill(problem.facultyBySlot[s]!, () => needsFaculty(s));
  };
  for (const s of order) fillSlot(s);
  // Repairs move shifts between slots filled earlier: top those up, then report what is short.
  const shortSlots = () => [...new Set(state.unmetRows().map((r) => model.rowTag[r]!.slot!))];
  for (const s of shortSlots()) fillSlot(s);
  const unfilled = shortSlots();
  const chosen: number[] = [];
  for (let j = 0; j < model.numAssign; j++) if (state.value[j] === 1) chosen.push(j);
  return { chosen, unfilled };
}
