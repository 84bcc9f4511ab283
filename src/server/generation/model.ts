/**
 * The hard rules and the objective of one block as a linear model over assignment
 * binaries. The same model drives both algorithms: the MIP solver gets it as sparse
 * arrays, and the greedy constructor checks its rows incrementally, so the two can never
 * disagree about what a feasible schedule is.
 *
 * Rolling-window rules use aggregate columns: per person and date the hours of shifts
 * starting that day (`sum`), whether any duty touches a 24-hour period (`any`), whether a
 * shift starts that day (`any`). Rest and overlap rules are clique rows over the interval
 * graph of each person's candidates (intervals extended by the rest the rule requires).
 */
import { seededRng } from '../analytics/rng';
import { median } from '../analytics/stats';
import { DAY_MS, HOUR_MS, addDays, dateToMs, eachDate } from '../domain/time';
import { isCall, overlapMs, restAfter, windowBounds, windowStarts, type Candidate, type Duty, type EquityGroup, type Problem } from './problem';

/**
 * assign: a decision binary; sum: weighted sum of assignments; any: 1 when any member is 1;
 * ceil: ceil(sum / divisor), an integer; aux: objective helpers the rules never read.
 */
export type ColumnKind = 'assign' | 'sum' | 'any' | 'ceil' | 'aux';

export type RowKind =
  'coverage_residents' | 'coverage_faculty' | 'rest' | 'hours' | 'free_periods' | 'calls' | 'consecutive_days' | 'consecutive_nights' | 'supervision' | 'equity' | 'short_rest';

/** Rows that only shape the objective: the greedy constructor does not enforce them. */
export const SOFT_ROWS: ReadonlySet<RowKind> = new Set(['equity', 'short_rest']);

export interface RowTag {
  kind: RowKind;
  personId?: string;
  slot?: number;
  /** First date of the window the row limits. */
  window?: string;
}

export interface ObjectiveWeights {
  /** Per current assignment the new schedule drops. */
  stability: number;
  /** Per 12 hours of deviation (per 4 weeks available) from the PGY level's centre. */
  equityHours: number;
  /** Per call of deviation (per 4 weeks available). */
  equityCalls: number;
  /** Per weekend shift of deviation (per 4 weeks available). */
  equityWeekends: number;
  /** Per shift against a stated preference. */
  preferences: number;
  /** Per pair of a resident's shifts less than 8 hours apart (VI.F.2.a "should"). */
  shortRest: number;
}

export const DEFAULT_WEIGHTS: ObjectiveWeights = { stability: 1, equityHours: 1, equityCalls: 1, equityWeekends: 0.5, preferences: 0.5, shortRest: 2 };

export interface Aggregate {
  cols: number[];
  coefs: number[];
  /** For `ceil` aggregates. */
  divisor?: number;
}

export interface LinearModel {
  /** Columns 0 .. numAssign-1 are the problem's candidates, in order. */
  numAssign: number;
  colKind: ColumnKind[];
  colLower: number[];
  colUpper: number[];
  colCost: number[];
  /** Definition of each aggregate column. */
  aggregates: Map<number, Aggregate>;
  rowLower: number[];
  rowUpper: number[];
  rowStarts: number[];
  rowIndex: number[];
  rowValue: number[];
  rowTag: RowTag[];
  objectiveOffset: number;
  /** Short-rest penalty columns: penalty >= x_i + x_j - 1 (objective.ts evaluates them without a solver). */
  shortRest: { penalty: number; i: number; j: number }[];
  /** Equity terms, one per group and metric (see equityTerms). */
  equity: EquityTerm[];
}

/**
 * One group's deviation cost for one metric: weight * sum over members of
 * max(0, |carried + load - centre| - band), with a free centre. Loads are listed over
 * assignment columns.
 */
export interface EquityTerm {
  weight: number;
  band: number;
  centre: number;
  members: { dev: number; carried: number; cols: number[]; coefs: number[] }[];
}

const PERIODS_PER_WINDOW_SCALE = 28;

class ModelBuilder {
  readonly m: LinearModel;

  constructor(numAssign: number) {
    this.m = {
      numAssign,
      colKind: new Array<ColumnKind>(numAssign).fill('assign'),
      colLower: new Array<number>(numAssign).fill(0),
      colUpper: new Array<number>(numAssign).fill(1),
      colCost: new Array<number>(numAssign).fill(0),
      aggregates: new Map(),
      rowLower: [],
      rowUpper: [],
      rowStarts: [0],
      rowIndex: [],
      rowValue: [],
      rowTag: [],
      objectiveOffset: 0,
      shortRest: [],
      equity: [],
    };
  }

  column(kind: ColumnKind, lower: number, upper: number, cost = 0): number {
    const m = this.m;
    m.colKind.push(kind);
    m.colLower.push(lower);
    m.colUpper.push(upper);
    m.colCost.push(cost);
    return m.colKind.length - 1;
  }

  aggregate(kind: 'sum' | 'any' | 'ceil', cols: number[], coefs: number[], divisor?: number): number {
    const col = this.column(kind, 0, kind === 'any' ? 1 : Infinity);
    this.m.aggregates.set(col, { cols, coefs, ...(divisor !== undefined ? { divisor } : {}) });
    return col;
  }

  /** Adds `lower <= sum(coef * col) <= upper`, merging repeated columns. */
  row(tag: RowTag, terms: Map<number, number>, lower: number, upper: number): void {
    const m = this.m;
    for (const [col, coef] of terms) {
      if (coef === 0) continue;
      m.rowIndex.push(col);
      m.rowValue.push(coef);
    }
    m.rowStarts.push(m.rowIndex.length);
    m.rowLower.push(lower);
    m.rowUpper.push(upper);
    m.rowTag.push(tag);
  }
}

function addTerm(terms: Map<number, number>, col: number, coef: number): void {
  terms.set(col, (terms.get(col) ?? 0) + coef);
}

/** Hours of a duty counted in a window: full when it starts inside, the clipped share when it runs into it. */
export function hoursInWindow(duty: Pick<Duty, 'startMs' | 'dutyEndMs' | 'countedHours'>, from: number, to: number): number {
  if (duty.startMs >= from && duty.startMs < to) return duty.countedHours;
  const length = duty.dutyEndMs - duty.startMs;
  if (length <= 0) return 0;
  return (duty.countedHours * overlapMs(duty.startMs, duty.dutyEndMs, from, to)) / length;
}

export function buildModel(problem: Problem, weights: ObjectiveWeights, seed: number): LinearModel {
  const b = new ModelBuilder(problem.candidates.length);
  const random = seededRng(seed);
  const { candidates } = problem;

  for (const c of candidates) {
    // Stability costs each current assignment dropped (filling a slot somebody must fill is free).
    if (c.current) b.m.objectiveOffset += weights.stability;
    const stability = c.current ? -weights.stability : 0;
    // A tiny seeded jitter breaks ties between otherwise identical people.
    b.m.colCost[c.index] = stability + weights.preferences * c.preference + weights.shortRest * (problem.shortRestFixed.get(c.index) ?? 0) + 1e-3 * random();
  }
  if (weights.shortRest > 0) {
    for (const [i, j] of problem.shortRestPairs) {
      // penalty >= x_i + x_j - 1
      const penalty = b.column('aux', 0, Infinity, weights.shortRest);
      b.m.shortRest.push({ penalty, i, j });
      b.row(
        { kind: 'short_rest', personId: candidates[i]!.personId },
        new Map([
          [penalty, 1],
          [i, -1],
          [j, -1],
        ]),
        -1,
        Infinity,
      );
    }
  }

  if (weights.shortRest > 0) shortRestCliqueRows(b, problem);
  coverageRows(b, problem);
  const byPerson = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const list = byPerson.get(c.personId);
    if (list) list.push(c);
    else byPerson.set(c.personId, [c]);
  }
  const hoursCols = new Map<string, Map<number, number>>();
  for (const [personId, list] of byPerson) {
    list.sort((x, y) => x.startMs - y.startMs || x.index - y.index);
    const fixed = problem.fixed.get(personId) ?? [];
    const resident = problem.people.get(personId)?.resident ?? false;
    restRows(b, personId, list, resident, problem);
    if (!resident) continue;
    hoursCols.set(personId, hoursRows(b, personId, list, fixed, problem));
    freePeriodRows(b, personId, list, fixed, problem);
    callRows(b, personId, list, fixed, problem);
    consecutiveRows(b, personId, list, fixed, problem, 'consecutive_days');
    consecutiveRows(b, personId, list, fixed, problem, 'consecutive_nights');
  }
  equityTerms(b, problem, weights, byPerson, hoursCols);
  return b.m;
}

/**
 * Per resident, every maximal set of candidates in which each two either conflict or rest
 * less than 8 hours apart: k of them held make k(k-1)/2 >= k-1 short-rest pairs, so
 * sum(penalties) >= sum(x) - 1 holds for every schedule and lifts the linear relaxation.
 */
function shortRestCliqueRows(b: ModelBuilder, problem: Problem): void {
  const penaltyOf = new Map<string, number>();
  for (const { penalty, i, j } of b.m.shortRest) penaltyOf.set(`${i},${j}`, penalty);
  const byPerson = new Map<string, Candidate[]>();
  for (const c of problem.candidates) {
    if (!c.resident) continue;
    const l = byPerson.get(c.personId);
    if (l) l.push(c);
    else byPerson.set(c.personId, [c]);
  }
  const reach = problem.limits.restBetweenShiftsHours * HOUR_MS;
  for (const [personId, list] of byPerson) {
    list.sort((x, y) => x.startMs - y.startMs || x.index - y.index);
    const ends = list.map((c) => c.dutyEndMs + Math.max(restAfter(c, problem.limits), reach));
    for (const clique of maximalCliques(list, ends)) {
      const terms = new Map<number, number>();
      for (let a = 0; a < clique.length; a++) {
        for (let c = a + 1; c < clique.length; c++) {
          const i = list[clique[a]!]!.index;
          const j = list[clique[c]!]!.index;
          const penalty = penaltyOf.get(`${i},${j}`) ?? penaltyOf.get(`${j},${i}`);
          if (penalty !== undefined) terms.set(penalty, 1);
        }
      }
      // Two pairs at least: a single pair's row is already in the model.
      if (terms.size < 2) continue;
      for (const k of clique) terms.set(list[k]!.index, -1);
      b.row({ kind: 'short_rest', personId }, terms, -1, Infinity);
    }
  }
}

function coverageRows(b: ModelBuilder, problem: Problem): void {
  problem.slots.forEach((slot, s) => {
    const residents = problem.residentsBySlot[s]!;
    const faculty = problem.facultyBySlot[s]!;
    const resMax = slot.residentsMax ?? slot.residentsMin;
    if (resMax > 0 || slot.residentsMin > 0) {
      b.row({ kind: 'coverage_residents', slot: s }, new Map(residents.map((i) => [i, 1])), slot.residentsMin, resMax);
    }
    const supervised = problem.supervised[s]! && resMax > 0;
    const facMax = slot.facultyMax ?? Math.max(slot.facultyMin, supervised ? supervisionNeed(problem, s, resMax, 'most') : 0);
    if (facMax > 0 || slot.facultyMin > 0) {
      b.row({ kind: 'coverage_faculty', slot: s }, new Map(faculty.map((i) => [i, 1])), slot.facultyMin, facMax);
    }
    if (!supervised) return;
    // Faculty of the service on duty during the slot >= ceil(PGY-1 / r1) + ceil(seniors / r2)
    // under the ratio policy, else >= 1 when any PGY-1 is on it (ACGME). Each faculty
    // member counts once even when on two slots that both overlap this one.
    const pgyOf = (i: number) => problem.people.get(problem.candidates[i]!.personId)?.pgy ?? 1;
    const juniors = residents.filter((i) => pgyOf(i) === 1);
    const seniors = residents.filter((i) => pgyOf(i) !== 1);
    const ratio = problem.limits.supervision;
    const needs: number[] = [];
    const ones = (l: number[]) => l.map(() => 1);
    if (ratio) {
      if (juniors.length > 0) needs.push(b.aggregate('ceil', juniors, ones(juniors), ratio.pgy1));
      if (seniors.length > 0) needs.push(b.aggregate('ceil', seniors, ones(seniors), ratio.senior));
    } else if (juniors.length > 0) needs.push(b.aggregate('any', juniors, ones(juniors)));
    if (needs.length === 0) return;
    const { slots: near, fixedFaculty } = problem.supervisors[s]!;
    const byPerson = new Map<string, number[]>();
    for (const k of near) {
      for (const i of problem.facultyBySlot[k]!) {
        const id = problem.candidates[i]!.personId;
        if (fixedFaculty.has(id)) continue;
        const l = byPerson.get(id);
        if (l) l.push(i);
        else byPerson.set(id, [i]);
      }
    }
    const terms = new Map<number, number>();
    for (const list of byPerson.values()) terms.set(list.length === 1 ? list[0]! : b.aggregate('any', list, ones(list)), 1);
    for (const col of needs) terms.set(col, -1);
    b.row({ kind: 'supervision', slot: s }, terms, -fixedFaculty.size, Infinity);
  });
}

/**
 * Faculty a supervised slot needs with `residents` on it: the most or the fewest over the
 * PGY mixes its eligible residents allow.
 */
export function supervisionNeed(problem: Problem, slot: number, residents: number, which: 'most' | 'fewest'): number {
  if (residents === 0 || !problem.supervised[slot]) return 0;
  const ids = problem.residentsBySlot[slot]!.map((i) => problem.candidates[i]!.personId);
  const juniors = ids.filter((id) => problem.people.get(id)?.pgy === 1).length;
  const seniors = ids.length - juniors;
  const ratio = problem.limits.supervision;
  let best: number | undefined;
  for (let j = 0; j <= Math.min(juniors, residents); j++) {
    const s = residents - j;
    if (s > seniors) continue;
    const need = ratio ? Math.ceil(j / ratio.pgy1) + Math.ceil(s / ratio.senior) : j > 0 ? 1 : 0;
    if (best === undefined || (which === 'most' ? need > best : need < best)) best = need;
  }
  return best ?? 0;
}

/**
 * Interval graph of a person's candidates: each interval runs from the start of the
 * shift to the end of the rest it requires. Two candidates conflict exactly when their
 * intervals meet, so the maximal cliques are the sets covering each start time.
 */
function restRows(b: ModelBuilder, personId: string, list: Candidate[], resident: boolean, problem: Problem): void {
  const ends = list.map((c) => c.dutyEndMs + (resident ? restAfter(c, problem.limits) : 0));
  for (const clique of maximalCliques(list, ends)) {
    if (clique.length < 2) continue;
    b.row({ kind: 'rest', personId }, new Map(clique.map((k) => [list[k]!.index, 1])), 0, 1);
  }
}

/**
 * The maximal cliques of an interval graph, as positions in `list` (sorted by start), where
 * candidate k's interval runs from its start to `ends[k]`: the intervals covering each start
 * time, keeping one only when the next does not contain it.
 */
function maximalCliques(list: readonly Candidate[], ends: readonly number[]): number[][] {
  const starts = [...new Set(list.map((c) => c.startMs))].sort((x, y) => x - y);
  let previous: number[] | undefined;
  const cliques: number[][] = [];
  for (const t of starts) {
    const clique: number[] = [];
    for (let k = 0; k < list.length && list[k]!.startMs <= t; k++) if (ends[k]! > t) clique.push(k);
    if (previous && previous.every((k) => ends[k]! > t)) cliques.pop();
    cliques.push(clique);
    previous = clique;
  }
  return cliques;
}

function byDate(list: Candidate[], select: (c: Candidate) => boolean = () => true): Map<string, Candidate[]> {
  const out = new Map<string, Candidate[]>();
  for (const c of list) {
    if (!select(c)) continue;
    const l = out.get(c.date);
    if (l) l.push(c);
    else out.set(c.date, [c]);
  }
  return out;
}

/** Rolling 80-hour rule; returns the person's per-date hour columns (used by equity too). */
function hoursRows(b: ModelBuilder, personId: string, list: Candidate[], fixed: Duty[], problem: Problem): Map<number, number> {
  const { windowDays, windowHours } = problem.limits;
  const perDate = new Map<string, number>();
  const total = new Map<number, number>();
  for (const [date, cs] of byDate(list)) {
    const col = b.aggregate(
      'sum',
      cs.map((c) => c.index),
      cs.map((c) => c.countedHours),
    );
    perDate.set(date, col);
    total.set(col, 1);
  }
  for (const w of windowStarts(problem.block, windowDays)) {
    const [from, to] = windowBounds(w, windowDays);
    const terms = new Map<number, number>();
    let bound = 0;
    for (const date of eachDate(w, addDays(w, windowDays - 1))) {
      const col = perDate.get(date);
      if (col !== undefined) terms.set(col, 1);
    }
    // Shifts that start before the window but run into it count with their share.
    for (const c of list) {
      if (c.startMs < from && c.dutyEndMs > from) {
        addTerm(terms, c.index, hoursInWindow(c, from, to));
        bound += hoursInWindow(c, from, to);
      }
    }
    if (terms.size === 0) continue;
    const fixedHours = fixed.reduce((sum, f) => sum + hoursInWindow(f, from, to), 0);
    const rhs = Math.max(0, windowHours - fixedHours);
    if (maxHoursInWindow(list, from, to, problem) + bound <= rhs) continue;
    b.row({ kind: 'hours', personId, window: w }, terms, -Infinity, rhs);
  }
  return total;
}

/** Most hours the rest rules alone allow in a window (weighted interval scheduling). */
function maxHoursInWindow(list: Candidate[], from: number, to: number, problem: Problem): number {
  const inside = list.filter((c) => c.startMs >= from && c.startMs < to);
  const items = inside.map((c) => ({ start: c.startMs, end: c.dutyEndMs + restAfter(c, problem.limits), weight: c.countedHours })).sort((x, y) => x.end - y.end);
  const best: number[] = [];
  for (let i = 0; i < items.length; i++) {
    let lo = 0;
    let hi = i - 1;
    let prev = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (items[mid]!.end <= items[i]!.start) {
        prev = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    best.push(Math.max(i > 0 ? best[i - 1]! : 0, items[i]!.weight + (prev >= 0 ? best[prev]! : 0)));
  }
  return best.length ? best[best.length - 1]! : 0;
}

/**
 * One day in seven over four weeks: at least `minFreePeriods` duty-free 24-hour periods per
 * window. Period k runs from day k at the anchor hour for 24 hours (k = days since 1970).
 */
function freePeriodRows(b: ModelBuilder, personId: string, list: Candidate[], fixed: Duty[], problem: Problem): void {
  const { windowDays, minFreePeriods } = problem.limits;
  const anchor = problem.anchorHour * HOUR_MS;
  const first = (d: Pick<Duty, 'startMs'>) => Math.floor((d.startMs - anchor) / DAY_MS);
  const last = (d: Pick<Duty, 'dutyEndMs'>) => Math.floor((d.dutyEndMs - 1 - anchor) / DAY_MS);
  const fixedBusy = new Set<number>();
  for (const f of fixed) for (let k = first(f); k <= last(f); k++) fixedBusy.add(k);
  const members = new Map<number, number[]>();
  for (const c of list) {
    for (let k = first(c); k <= last(c); k++) {
      if (fixedBusy.has(k)) continue;
      const l = members.get(k);
      if (l) l.push(c.index);
      else members.set(k, [c.index]);
    }
  }
  const busyCol = new Map<number, number>();
  for (const [k, cols] of members)
    busyCol.set(
      k,
      b.aggregate(
        'any',
        cols,
        cols.map(() => 1),
      ),
    );
  const lastOffset = anchor === 0 ? windowDays - 1 : windowDays - 2;
  // Periods of later blocks are not decided yet. Counting them as free would let this
  // block pile duty up at its end and leave the next one no way to give days off, so a
  // window reaching into them needs its share of free periods among those known now.
  const blockEnd = Math.round(dateToMs(problem.block.end) / DAY_MS);
  const rangeEnd = Math.round(dateToMs(problem.range.end) / DAY_MS);
  for (const w of windowStarts(problem.block, windowDays)) {
    // Periods wholly inside the window.
    const from = Math.round(dateToMs(w) / DAY_MS);
    const terms = new Map<number, number>();
    let busy = 0;
    let known = 0;
    for (let k = from; k <= from + lastOffset; k++) {
      if (k > blockEnd && k <= rangeEnd) continue;
      known += 1;
      if (fixedBusy.has(k)) busy += 1;
      const col = busyCol.get(k);
      if (col !== undefined) terms.set(col, 1);
    }
    const required = Math.floor((minFreePeriods * known) / (lastOffset + 1));
    const rhs = Math.max(0, known - required - busy);
    if (terms.size <= rhs) continue;
    b.row({ kind: 'free_periods', personId, window: w }, terms, -Infinity, rhs);
  }
}

function callRows(b: ModelBuilder, personId: string, list: Candidate[], fixed: Duty[], problem: Problem): void {
  const { windowDays, maxCallsPerWindow } = problem.limits;
  const calls = list.filter((c) => c.kind === 'call_24');
  if (calls.length <= maxCallsPerWindow) return;
  for (const w of windowStarts(problem.block, windowDays)) {
    const [from, to] = windowBounds(w, windowDays);
    const inside = calls.filter((c) => c.startMs >= from && c.startMs < to);
    const fixedCalls = fixed.filter((f) => f.kind === 'call_24' && f.startMs >= from && f.startMs < to).length;
    const rhs = Math.max(0, maxCallsPerWindow - fixedCalls);
    if (inside.length <= rhs) continue;
    b.row({ kind: 'calls', personId, window: w }, new Map(inside.map((c) => [c.index, 1])), -Infinity, rhs);
  }
}

/** Local policies: at most L consecutive duty days / nights, i.e. every L+1 consecutive dates hold at most L. */
function consecutiveRows(b: ModelBuilder, personId: string, list: Candidate[], fixed: Duty[], problem: Problem, kind: 'consecutive_days' | 'consecutive_nights'): void {
  const limit = kind === 'consecutive_days' ? problem.limits.maxConsecutiveDutyDays : problem.limits.maxConsecutiveNights;
  if (limit === undefined) return;
  const select = kind === 'consecutive_days' ? () => true : (d: Pick<Duty, 'kind'>) => d.kind === 'night_float';
  const fixedDates = new Set(fixed.filter(select).map((f) => f.date));
  const cols = new Map<string, number>();
  for (const [date, cs] of byDate(list, select)) {
    if (fixedDates.has(date)) continue;
    cols.set(
      date,
      cs.length === 1
        ? cs[0]!.index
        : b.aggregate(
            'any',
            cs.map((c) => c.index),
            cs.map(() => 1),
          ),
    );
  }
  if (cols.size === 0) return;
  for (const first of eachDate(addDays(problem.block.start, -limit), problem.block.end)) {
    const dates = eachDate(first, addDays(first, limit));
    const terms = new Map<number, number>();
    let held = 0;
    for (const d of dates) {
      if (fixedDates.has(d)) held += 1;
      const col = cols.get(d);
      if (col !== undefined) terms.set(col, 1);
    }
    const rhs = Math.max(0, limit - held);
    if (terms.size <= rhs) continue;
    b.row({ kind, personId, window: first }, terms, -Infinity, rhs);
  }
}

/** What equity measures per person: hours, calls and weekend shifts. */
export const EQUITY_METRICS = ['hours', 'calls', 'weekends'] as const;
export type EquityMetric = (typeof EQUITY_METRICS)[number];

export function metricOf(c: Pick<Candidate, 'countedHours' | 'kind' | 'weekend'>, metric: EquityMetric): number {
  if (metric === 'hours') return c.countedHours;
  if (metric === 'calls') return isCall(c.kind) ? 1 : 0;
  return c.weekend ? 1 : 0;
}

/**
 * Equity within each PGY level (and among faculty): the sum over people of the absolute
 * deviation of their load (per 28 available days) from a free centre per group, beyond a
 * band of half a shift. The L1 form keeps the model linear and drives the Gini
 * coefficient down; the band forgives what whole shifts cannot divide evenly, so a
 * schedule as even as integers allow costs nothing and the solver can prove it optimal.
 */
function equityTerms(b: ModelBuilder, problem: Problem, weights: ObjectiveWeights, byPerson: Map<string, Candidate[]>, hoursCols: Map<string, Map<number, number>>): void {
  const weightOf: Record<EquityMetric, number> = { hours: weights.equityHours / 12, calls: weights.equityCalls, weekends: weights.equityWeekends };
  const groups = new Map<EquityGroup, string[]>();
  for (const p of problem.people.values()) {
    if ((problem.availableSoFar.get(p.id) ?? 0) === 0) continue;
    const l = groups.get(p.group);
    if (l) l.push(p.id);
    else groups.set(p.group, [p.id]);
  }
  const daysSoFar = eachDate(problem.range.start, problem.block.end).length;
  for (const metric of EQUITY_METRICS) {
    if (weightOf[metric] <= 0) continue;
    for (const ids of groups.values()) {
      const units = ids.flatMap((id) => (byPerson.get(id) ?? []).map((c) => metricOf(c, metric)).filter((v) => v > 0));
      if (units.length === 0) continue;
      const band = (median(units) / 2) * (PERIODS_PER_WINDOW_SCALE / daysSoFar);
      const centre = b.column('aux', -Infinity, Infinity);
      const term: EquityTerm = { weight: weightOf[metric], band, centre, members: [] };
      b.m.equity.push(term);
      for (const id of ids) {
        const scale = PERIODS_PER_WINDOW_SCALE / problem.availableSoFar.get(id)!;
        const carried = (problem.carried.get(id)?.[metric] ?? 0) * scale;
        const dev = b.column('aux', 0, Infinity, weightOf[metric]);
        const load = new Map<number, number>();
        const hours = metric === 'hours' ? hoursCols.get(id) : undefined;
        if (hours) for (const col of hours.keys()) load.set(col, scale);
        else for (const c of byPerson.get(id) ?? []) if (metricOf(c, metric) > 0) load.set(c.index, metricOf(c, metric) * scale);
        const counted = (byPerson.get(id) ?? []).filter((c) => metricOf(c, metric) > 0);
        term.members.push({
          dev,
          carried,
          cols: counted.map((c) => c.index),
          coefs: counted.map((c) => metricOf(c, metric) * scale),
        });
        // dev >= carried + load - centre - band  and  dev >= centre - carried - load - band
        const above = new Map([...load].map(([col, coef]) => [col, -coef]));
        above.set(dev, 1);
        above.set(centre, 1);
        b.row({ kind: 'equity', personId: id }, above, carried - band, Infinity);
        const below = new Map(load);
        below.set(dev, 1);
        below.set(centre, -1);
        b.row({ kind: 'equity', personId: id }, below, -carried - band, Infinity);
      }
    }
  }
}
