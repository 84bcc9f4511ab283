/**
 * Fast constructive algorithm: fills slots in time order with the least-loaded eligible
 * person whose assignment keeps every hard row of the linear model satisfied, repairs a
 * slot it cannot fill by moving one of a blocked person's shifts to someone else, and
 * restarts with another random order while time remains. Its result also seeds the MIP.
 */
import type { LinearModel } from './model';
import { seededRng } from '../analytics/rng';
import { addDays } from '../domain/time';
import { SOFT_ROWS, metricOf, type ObjectiveWeights } from './model';
import type { Problem } from './problem';

const EPS = 1e-6;
/**
 * Extra pull of the current holder of a shift, on top of the stability cost: load terms
 * grow by one unit per 12 hours, so without it a few hours' difference would reshuffle
 * a published schedule that is already fair.
 */
const KEEP_BONUS = 3;

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
  // Scratch buffers of blockingRows and set.
  private readonly pending: Float64Array;
  private readonly touched: Int32Array;
  private readonly deltaCol: Int32Array;
  private readonly deltaValue: Float64Array;

  constructor(readonly model: LinearModel) {
    const numCols = model.colKind.length;
    this.value = new Float64Array(numCols);
    this.anyCount = new Int32Array(numCols);
    this.ceilSum = new Float64Array(numCols);
    this.activity = new Float64Array(model.rowLower.length);
    const lists: { rows: number[]; coefs: number[] }[] = Array.from({ length: numCols }, () => ({ rows: [], coefs: [] }));
    for (let r = 0; r < model.rowLower.length; r++) {
      if (SOFT_ROWS.has(model.rowTag[r]!.kind)) continue;
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
    this.pending = new Float64Array(model.rowLower.length);
    this.touched = new Int32Array(model.rowLower.length);
    const widest = this.aggOf.reduce((m, l) => Math.max(m, l.length), 0) + 1;
    this.deltaCol = new Int32Array(widest);
    this.deltaValue = new Float64Array(widest);
  }

  /** Column changes (col, delta) that setting assignment `j` to `to` causes, into the scratch buffers. */
  private deltas(j: number, to: 0 | 1): number {
    const sign = to === 1 ? 1 : -1;
    let n = 0;
    this.deltaCol[n] = j;
    this.deltaValue[n++] = sign;
    for (const { agg, coef } of this.aggOf[j]!) {
      const kind = this.model.colKind[agg];
      let delta = 0;
      if (kind === 'sum') delta = sign * coef;
      else if (kind === 'ceil') delta = ceilOf(this.ceilSum[agg]! + sign * coef, this.model.aggregates.get(agg)!.divisor!) - this.value[agg]!;
      else if (to === 1 ? this.anyCount[agg] === 0 : this.anyCount[agg] === 1) delta = sign;
      if (delta !== 0) {
        this.deltaCol[n] = agg;
        this.deltaValue[n++] = delta;
      }
    }
    return n;
  }

  /**
   * Rows whose upper bound adding `j` would break (empty when it fits). Accumulates the
   * changes per row in preallocated buffers: this runs millions of times per schedule.
   */
  blockingRows(j: number, limit = Infinity): number[] {
    const n = this.deltas(j, 1);
    let touched = 0;
    for (let d = 0; d < n; d++) {
      const { rows, coefs } = this.colRows[this.deltaCol[d]!]!;
      const delta = this.deltaValue[d]!;
      for (let k = 0; k < rows.length; k++) {
        const r = rows[k]!;
        if (this.pending[r] === 0) this.touched[touched++] = r;
        this.pending[r] = this.pending[r]! + coefs[k]! * delta;
      }
    }
    const out: number[] = [];
    for (let t = 0; t < touched; t++) {
      const r = this.touched[t]!;
      const d = this.pending[r]!;
      this.pending[r] = 0;
      if (out.length < limit && d > 0 && this.activity[r]! + d > this.model.rowUpper[r]! + EPS) out.push(r);
    }
    return out;
  }

  fits(j: number): boolean {
    return this.value[j] === 0 && this.blockingRows(j, 1).length === 0;
  }

  set(j: number, to: 0 | 1): void {
    if (this.value[j] === to) return;
    const n = this.deltas(j, to);
    for (let d = 0; d < n; d++) {
      const col = this.deltaCol[d]!;
      const delta = this.deltaValue[d]!;
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

  /** Assignments currently set that feed row r, directly or through an aggregate. */
  contributors(r: number): number[] {
    const m = this.model;
    const out: number[] = [];
    for (let k = m.rowStarts[r]!; k < m.rowStarts[r + 1]!; k++) {
      const col = m.rowIndex[k]!;
      if (col < m.numAssign) {
        if (this.value[col] === 1) out.push(col);
      } else {
        for (const member of m.aggregates.get(col)?.cols ?? []) if (this.value[member] === 1) out.push(member);
      }
    }
    return out;
  }

  /** Whether every hard row that assignment j feeds, directly or through an aggregate, meets its lower bound. */
  meetsLowerAround(j: number): boolean {
    const check = (col: number) => {
      const { rows } = this.colRows[col]!;
      for (let k = 0; k < rows.length; k++) {
        const r = rows[k]!;
        if (this.activity[r]! < this.model.rowLower[r]! - EPS) return false;
      }
      return true;
    };
    return check(j) && this.aggOf[j]!.every(({ agg }) => check(agg));
  }

  /** Rows whose lower bound is not met (coverage minimums, supervision). */
  unmetRows(): number[] {
    const out: number[] = [];
    for (let r = 0; r < this.activity.length; r++) {
      if (!SOFT_ROWS.has(this.model.rowTag[r]!.kind) && this.activity[r]! < this.model.rowLower[r]! - EPS) out.push(r);
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
    const result = greedyOnce(problem, model, weights, { seed: options.seed + attempt * 7919, shuffle: attempt > 0, deadline: options.deadline, now: options.now });
    if (!best || result.unfilled.length < best.unfilled.length) best = { ...result, attempts: attempt + 1 };
    if (best.unfilled.length === 0 || options.now() >= options.deadline) break;
  }
  return best!;
}

/**
 * One construction. Day by day, the open slot with the fewest people who still fit per
 * missing position is served first (most constrained first); among those who fit, the
 * pick favours the least loaded, people with fewer other open slots that day (least
 * constraining), people who held the same shift the day before (a night-float run blocks
 * fewer day shifts than nights scattered over many people), current holders and stated
 * preferences.
 */
function greedyOnce(
  problem: Problem,
  model: LinearModel,
  weights: ObjectiveWeights,
  options: { seed: number; shuffle: boolean; deadline: number; now: () => number },
): Omit<GreedyResult, 'attempts'> {
  const { seed, shuffle, deadline, now } = options;
  const random = seededRng(seed);
  const state = new RowState(model);
  const load = new Map<string, Load>();
  for (const id of problem.people.keys()) load.set(id, { ...(problem.carried.get(id) ?? { hours: 0, calls: 0, weekends: 0 }) });
  const scale = (id: string) => 28 / Math.max(1, problem.availableSoFar.get(id) ?? 1);
  const noise = shuffle ? 0.6 : 0.01;

  const byPerson = new Map<string, number[]>();
  const sameShiftBefore = new Map<number, number>();
  const slotIndex = new Map(problem.slots.map((slot, i) => [`${slot.serviceId}|${slot.shiftTypeId}|${slot.date}`, i]));
  for (const c of problem.candidates) {
    const l = byPerson.get(c.personId);
    if (l) l.push(c.index);
    else byPerson.set(c.personId, [c.index]);
  }
  for (const c of problem.candidates) {
    const prev = slotIndex.get(`${c.serviceId}|${c.shiftTypeId}|${addDays(c.date, -1)}`);
    const twin = prev === undefined ? undefined : [...problem.residentsBySlot[prev]!, ...problem.facultyBySlot[prev]!].find((k) => problem.candidates[k]!.personId === c.personId);
    if (twin !== undefined) sameShiftBefore.set(c.index, twin);
  }
  const openToday = new Map<string, number>();
  const shortRestWith = new Map<number, number[]>();
  for (const [i, j] of problem.shortRestPairs) {
    (shortRestWith.get(i) ?? shortRestWith.set(i, []).get(i)!).push(j);
    (shortRestWith.get(j) ?? shortRestWith.set(j, []).get(j)!).push(i);
  }

  const score = (j: number): number => {
    const c = problem.candidates[j]!;
    const l = load.get(c.personId)!;
    const s = scale(c.personId);
    const twin = sameShiftBefore.get(j);
    return (
      (((l.hours + c.countedHours) * s) / 12) * weights.equityHours +
      (l.calls + metricOf(c, 'calls')) * s * weights.equityCalls * metricOf(c, 'calls') +
      (l.weekends + metricOf(c, 'weekends')) * s * weights.equityWeekends * metricOf(c, 'weekends') +
      model.colCost[j]! -
      (c.current ? KEEP_BONUS * weights.stability : 0) +
      weights.shortRest * (shortRestWith.get(j) ?? []).reduce((n, k) => n + state.value[k]!, 0) +
      0.3 * (openToday.get(c.personId) ?? 0) -
      (twin !== undefined && state.value[twin] === 1 ? 1 : 0) +
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

  const countOn = (list: number[]) => list.reduce((n, j) => n + state.value[j]!, 0);
  const supervisionRow = new Map<number, number>();
  model.rowTag.forEach((t, r) => {
    if (t.kind === 'supervision' && t.slot !== undefined) supervisionRow.set(t.slot, r);
  });
  const supervisorPool = problem.supervisors.map((sup) => sup.slots.flatMap((k) => problem.facultyBySlot[k]!));
  /** What the slot misses next: the pool to draw from and how many positions are short. */
  const need = (s: number): { pool: number[]; short: number } | undefined => {
    const slot = problem.slots[s]!;
    const residents = slot.residentsMin - countOn(problem.residentsBySlot[s]!);
    if (residents > 0) return { pool: problem.residentsBySlot[s]!, short: residents };
    const faculty = slot.facultyMin - countOn(problem.facultyBySlot[s]!);
    if (faculty > 0) return { pool: problem.facultyBySlot[s]!, short: faculty };
    const r = supervisionRow.get(s);
    if (r !== undefined && state.activity[r]! < model.rowLower[r]! - EPS) return { pool: supervisorPool[s]!, short: model.rowLower[r]! - state.activity[r]! };
    return undefined;
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

  /**
   * One-step ejection: a blocked candidate becomes free when one of its person's shifts
   * moves to somebody else who fits there.
   */
  const repair = (list: number[]): number | undefined => {
    for (const j of list) {
      if (state.value[j] === 1) continue;
      const person = problem.candidates[j]!.personId;
      const held = (byPerson.get(person) ?? []).filter((k) => state.value[k] === 1).map((k) => problem.candidates[k]!);
      for (const h of held) {
        apply(h.index, 0);
        if (state.fits(j)) {
          const sameKind = h.resident ? problem.residentsBySlot[h.slot]! : problem.facultyBySlot[h.slot]!;
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

  // Slots whose pools hold each person: only those can change when the person is placed.
  const slotsOfPerson = new Map<string, Set<number>>();
  const noteSlot = (j: number, s: number) => {
    const id = problem.candidates[j]!.personId;
    (slotsOfPerson.get(id) ?? slotsOfPerson.set(id, new Set()).get(id)!).add(s);
  };
  problem.slots.forEach((_, s) => {
    for (const j of problem.residentsBySlot[s]!) noteSlot(j, s);
    for (const j of problem.facultyBySlot[s]!) noteSlot(j, s);
    for (const j of supervisorPool[s]!) noteSlot(j, s);
  });

  const serve = (open: Set<number>) => {
    const refreshOpen = () => {
      openToday.clear();
      for (const s of open) {
        for (const j of [...problem.residentsBySlot[s]!, ...problem.facultyBySlot[s]!]) {
          const id = problem.candidates[j]!.personId;
          openToday.set(id, (openToday.get(id) ?? 0) + 1);
        }
      }
    };
    // People who still fit per missing position, per open slot; recomputed only for the
    // slots a placement can affect.
    const tightness = new Map<number, { value: number; need: { pool: number[]; short: number } }>();
    const measure = (s: number) => {
      const n = need(s);
      if (!n) {
        open.delete(s);
        tightness.delete(s);
        return;
      }
      let fitting = 0;
      for (const j of n.pool) if (state.fits(j)) fitting++;
      tightness.set(s, { value: fitting / n.short, need: n });
    };
    refreshOpen();
    for (const s of [...open]) measure(s);
    while (open.size > 0) {
      let chosenSlot: number | undefined;
      let tightest = Infinity;
      for (const s of open) {
        const t = tightness.get(s)!.value + (shuffle ? 0.5 * random() : 0);
        if (t < tightest) [tightest, chosenSlot] = [t, s];
      }
      if (chosenSlot === undefined) break;
      const chosenNeed = tightness.get(chosenSlot)!.need;
      let j = pickBest(chosenNeed.pool);
      const repaired = j === undefined;
      j ??= repair(chosenNeed.pool);
      if (j === undefined) {
        open.delete(chosenSlot);
        tightness.delete(chosenSlot);
        refreshOpen();
        continue;
      }
      apply(j, 1);
      // A repair moves shifts between slots: measure everything again then.
      const affected = repaired ? [...open] : [chosenSlot, ...(slotsOfPerson.get(problem.candidates[j]!.personId) ?? [])];
      for (const s of affected) if (open.has(s)) measure(s);
    }
  };

  /**
   * Ejection search for what construction left short: put a person on a short slot after
   * removing the fewest of their own shifts that block it; the removed shifts' slots become
   * short in turn. Recently moved assignments are tabu so the search does not undo itself.
   */
  const ejectionSearch = () => {
    const tabuUntil = new Map<number, number>();
    // Leave time for restarts: a fresh construction often succeeds where a long search stalls.
    const stop = now() + Math.max(200, (deadline - now()) / 4);
    for (let iteration = 0; iteration < 40 * problem.slots.length && now() < stop; iteration++) {
      const short = [...new Set(state.unmetRows().map((r) => model.rowTag[r]!.slot!))];
      if (short.length === 0) return;
      const s = short[Math.floor(random() * short.length)]!;
      const n = need(s);
      if (!n) continue;
      const direct = pickBest(n.pool);
      if (direct !== undefined) {
        apply(direct, 1);
        tabuUntil.set(direct, iteration + 10);
        continue;
      }
      let best: { j: number; removed: number[]; cost: number } | undefined;
      for (const j of n.pool) {
        if (state.value[j] === 1 || (tabuUntil.get(j) ?? -1) > iteration) continue;
        const person = problem.candidates[j]!.personId;
        const removed: number[] = [];
        let blocking = state.blockingRows(j);
        while (blocking.length > 0 && removed.length < 3) {
          const votes = new Map<number, number>();
          for (const r of blocking) {
            for (const h of state.contributors(r)) {
              if (problem.candidates[h]!.personId !== person || (tabuUntil.get(h) ?? -1) > iteration) continue;
              votes.set(h, (votes.get(h) ?? 0) + 1);
            }
          }
          if (votes.size === 0) break;
          const h = [...votes].sort((x, y) => y[1] - x[1] || x[0] - y[0])[0]![0];
          apply(h, 0);
          removed.push(h);
          blocking = state.blockingRows(j);
        }
        const cost = blocking.length === 0 ? removed.length * 10 + score(j) + random() : Infinity;
        for (const h of removed) apply(h, 1);
        if (cost < (best?.cost ?? Infinity)) best = { j, removed, cost };
      }
      if (!best) continue;
      for (const h of best.removed) {
        apply(h, 0);
        tabuUntil.set(h, iteration + 15);
      }
      apply(best.j, 1);
      tabuUntil.set(best.j, iteration + 15);
    }
  };

  const byDate = new Map<string, number[]>();
  problem.slots.forEach((slot, s) => {
    const l = byDate.get(slot.date);
    if (l) l.push(s);
    else byDate.set(slot.date, [s]);
  });
  for (const date of [...byDate.keys()].sort()) serve(new Set(byDate.get(date)));
  // Repairs move shifts between slots filled earlier: top those up, then report what is short.
  const shortSlots = () => [...new Set(state.unmetRows().map((r) => model.rowTag[r]!.slot!))];
  serve(new Set(shortSlots()));
  if (shortSlots().length > 0) ejectionSearch();
  const unfilled = shortSlots();
  const chosen: number[] = [];
  for (let j = 0; j < model.numAssign; j++) if (state.value[j] === 1) chosen.push(j);
  return { chosen, unfilled };
}
