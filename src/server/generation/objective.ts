/**
 * The model's objective evaluated for a schedule without a solver, kept up to date as
 * single assignments change: the local search (localSearch.ts) weighs moves with it, and
 * it completes a schedule into every column the solver needs (aggregates, short-rest
 * penalties, equity deviations and centres), so HiGHS accepts it as a start at once.
 */
import type { EquityTerm, LinearModel } from './model';

interface Membership {
  term: number;
  member: number;
  coef: number;
}

/**
 * Smallest weight * sum(max(0, |v - c| - band)) over the centre c, and that c: the
 * function is convex and piecewise linear, and its slope is zero at the median of the
 * 2n points v - band and v + band.
 */
export function equityCost(values: Float64Array, band: number, weight: number): { cost: number; centre: number } {
  const n = values.length;
  if (n === 0) return { cost: 0, centre: 0 };
  const points = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    points[2 * i] = values[i]! - band;
    points[2 * i + 1] = values[i]! + band;
  }
  points.sort();
  const centre = points[n - 1]!;
  let cost = 0;
  for (let i = 0; i < n; i++) cost += Math.max(0, Math.abs(values[i]! - centre) - band);
  return { cost: cost * weight, centre };
}

export class ScheduleObjective {
  private readonly x: Uint8Array;
  private readonly linear: number[];
  private readonly pairsOf: { other: number; weight: number }[][];
  private readonly memberships: Membership[][];
  /** Per equity term: each member's carried + load. */
  private readonly loads: Float64Array[];
  private readonly termCost: Float64Array;
  private readonly dirty = new Set<number>();
  private base: number;

  constructor(
    private readonly model: LinearModel,
    chosen: readonly number[],
  ) {
    const n = model.numAssign;
    this.x = new Uint8Array(n);
    this.linear = model.colCost.slice(0, n);
    this.pairsOf = Array.from({ length: n }, () => []);
    for (const { penalty, i, j } of model.shortRest) {
      const weight = model.colCost[penalty]!;
      this.pairsOf[i]!.push({ other: j, weight });
      this.pairsOf[j]!.push({ other: i, weight });
    }
    this.memberships = Array.from({ length: n }, () => []);
    model.equity.forEach((term, t) => term.members.forEach((m, k) => m.cols.forEach((col, c) => this.memberships[col]!.push({ term: t, member: k, coef: m.coefs[c]! }))));
    this.loads = model.equity.map((term) => Float64Array.from(term.members, (m) => m.carried));
    this.termCost = new Float64Array(model.equity.length);
    this.base = model.objectiveOffset;
    for (const j of chosen) this.set(j, 1);
    model.equity.forEach((_, t) => this.dirty.add(t));
  }

  has(j: number): boolean {
    return this.x[j] === 1;
  }

  set(j: number, to: 0 | 1): void {
    if (this.x[j] === to) return;
    const sign = to === 1 ? 1 : -1;
    let cost = this.linear[j]!;
    for (const { other, weight } of this.pairsOf[j]!) if (this.x[other] === 1) cost += weight;
    this.base += sign * cost;
    this.x[j] = to;
    for (const { term, member, coef } of this.memberships[j]!) {
      this.loads[term]![member] = this.loads[term]![member]! + sign * coef;
      this.dirty.add(term);
    }
  }

  value(): number {
    for (const t of this.dirty) this.termCost[t] = this.cost(this.model.equity[t]!, t).cost;
    this.dirty.clear();
    let total = this.base;
    for (const c of this.termCost) total += c;
    return total;
  }

  /** Every column's value for this schedule, aggregates from `rowValues` (RowState.value). */
  complete(rowValues: Float64Array): Float64Array {
    const m = this.model;
    const out = Float64Array.from(rowValues);
    for (let j = 0; j < m.numAssign; j++) out[j] = this.x[j]!;
    for (const { penalty, i, j } of m.shortRest) out[penalty] = Math.max(0, this.x[i]! + this.x[j]! - 1);
    m.equity.forEach((term, t) => {
      const { centre } = this.cost(term, t);
      out[term.centre] = centre;
      term.members.forEach((member, k) => (out[member.dev] = Math.max(0, Math.abs(this.loads[t]![k]! - centre) - term.band)));
    });
    return out;
  }

  private cost(term: EquityTerm, t: number): { cost: number; centre: number } {
    return equityCost(this.loads[t]!, term.band, term.weight);
  }
}
