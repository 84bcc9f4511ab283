/**
 * Local search on a complete schedule before the solver sees it: simulated annealing over
 * moves that hand a shift to another eligible person, trade two shifts between two people
 * of the same group, hand a shift over after moving away the one shift of the new holder
 * that blocks it, put a current (published) assignment or a preferred shift back with an ejection chain, let two
 * people of a group exchange one to three days, or add or drop a shift of a slot with room
 * above its minimum. Every move keeps every hard row of the model satisfied (RowState: the
 * rows the solver gets), and it is weighed with the model's own objective, kept up to date
 * per change (objective.ts), in microseconds where the solver needs seconds. An uphill move
 * is taken with probability exp(-delta / T) while T cools geometrically over a number of
 * moves proportional to the schedule's size, so the result depends on the seed, not on the
 * machine's load; a first-improvement descent then polishes the best schedule passed. A
 * small block runs all this several times (MIN_TOTAL_MOVES).
 */
import { seededRng } from '../analytics/rng';
import { RowState } from './greedy';
import type { LinearModel } from './model';
import { ScheduleObjective } from './objective';
import type { Problem } from './problem';
import { daysBetween } from '../domain/time';

const IMPROVEMENT = 1e-6;
/** More days than any block holds: person * DAY_KEY + day keys a person's day. */
const DAY_KEY = 1024;
/** Annealing moves per assignment held: about 1 M and 3 s on the 36-resident month of docs/benchmarks.md. */
const MOVES_PER_ASSIGNMENT = 800;
/**
 * A block whose run makes fewer moves anneals again from the start with other seeds, as many
 * runs as fit, and keeps the best: on a small block one run's result varies widely with its
 * seed (the demo week: 23-32 over 12 seeds), and its runs take a fraction of a second.
 */
const MIN_TOTAL_MOVES = 400_000;
/**
 * The start temperature as a share of the median cost of the uphill moves open at the
 * start (such a move then passes 13 % of the time), and the end one as a share of that.
 */
const START_TEMPERATURE = 0.5;
const END_TEMPERATURE = 0.003;

export interface LocalSearchResult {
  chosen: number[];
  objective: number;
  /** The schedule's values for every column of the model (a complete solver start). */
  values: Float64Array;
  moves: number;
}

export interface LocalSearchOptions {
  seed: number;
  /** The search ends here even when its moves are not all made. */
  deadline: number;
  now: () => number;
}

export function improveSchedule(problem: Problem, model: LinearModel, start: readonly number[], options: LocalSearchOptions): LocalSearchResult {
  const moves = MOVES_PER_ASSIGNMENT * Math.max(1, start.length);
  const runs = Math.max(1, Math.floor(MIN_TOTAL_MOVES / moves));
  let best: LocalSearchResult | undefined;
  for (let run = 0; run < runs && (run === 0 || options.now() < options.deadline); run++) {
    const search = new Search(problem, model, start, options.seed + run * 7919);
    search.anneal(moves, options);
    search.restoreBest();
    search.descend(options);
    const result = search.result();
    if (!best || result.objective < best.objective) best = result;
  }
  return best!;
}

/** The schedule under search with its rows and objective, and the moves on it. */
class Search {
  private readonly state: RowState;
  private readonly objective: ScheduleObjective;
  private readonly random: () => number;
  private current: number;
  private accepted = 0;
  /** Assignments held, in no order, and each one's place in that list (-1 when not held). */
  private readonly held: Int32Array;
  private heldCount = 0;
  private readonly place: Int32Array;
  private best: number;
  private readonly bestHeld: Uint8Array;
  /** Whether bestHeld holds the schedule worth `best` (it is saved lazily, when the search leaves it). */
  private bestSaved = false;

  private readonly personOf: Int32Array;
  private readonly groupOf: Int32Array;
  /** A position is a slot and a role; a seat is a person in a position. */
  private readonly positionOf: Int32Array;
  private readonly bySeat: Map<number, number>;
  private readonly pools: readonly (readonly number[])[];
  /** Candidates of slots whose coverage allows more than its minimum (adding or dropping one may pay). */
  private readonly optional: Int32Array;
  /** Current (published) assignments and preferred shifts: holding each one pays. */
  private readonly wanted: Int32Array;
  /** Each candidate's day in the block, and the candidates of each person and day (key person * DAY_KEY + day). */
  private readonly dayOf: Int32Array;
  private readonly byPersonDay = new Map<number, number[]>();

  constructor(
    private readonly problem: Problem,
    private readonly model: LinearModel,
    start: readonly number[],
    seed: number,
  ) {
    this.random = seededRng(seed);
    this.state = new RowState(model);
    this.objective = new ScheduleObjective(model, start);
    const n = model.numAssign;
    this.held = new Int32Array(n);
    this.place = new Int32Array(n).fill(-1);
    for (const j of start) {
      this.state.set(j, 1);
      this.track(j, 1);
    }
    this.current = this.objective.value();
    this.best = this.current;
    this.bestHeld = new Uint8Array(n);

    const people = new Map([...problem.people.keys()].map((id, i) => [id, i]));
    const groups = new Map([...new Set([...problem.people.values()].map((p) => p.group))].map((g, i) => [g, i]));
    this.personOf = Int32Array.from(problem.candidates, (c) => people.get(c.personId) ?? -1);
    this.groupOf = Int32Array.from(problem.candidates, (c) => groups.get(problem.people.get(c.personId)!.group) ?? -1);
    this.positionOf = Int32Array.from(problem.candidates, (c) => c.slot * 2 + (c.resident ? 1 : 0));
    this.bySeat = new Map(problem.candidates.map((c) => [this.seat(this.personOf[c.index]!, this.positionOf[c.index]!), c.index]));
    this.pools = problem.candidates.map((c) => (c.resident ? problem.residentsBySlot[c.slot]! : problem.facultyBySlot[c.slot]!));
    const optional: number[] = [];
    for (let r = 0; r < model.rowLower.length; r++) {
      const kind = model.rowTag[r]!.kind;
      if ((kind !== 'coverage_residents' && kind !== 'coverage_faculty') || model.rowUpper[r]! <= model.rowLower[r]!) continue;
      for (let k = model.rowStarts[r]!; k < model.rowStarts[r + 1]!; k++) optional.push(model.rowIndex[k]!);
    }
    this.optional = Int32Array.from(optional);
    this.wanted = Int32Array.from(problem.candidates.filter((c) => c.current || c.preference < 0).map((c) => c.index));
    this.dayOf = Int32Array.from(problem.candidates, (c) => daysBetween(problem.block.start, c.date));
    for (const c of problem.candidates) {
      const key = this.personOf[c.index]! * DAY_KEY + this.dayOf[c.index]!;
      const list = this.byPersonDay.get(key);
      if (list) list.push(c.index);
      else this.byPersonDay.set(key, [c.index]);
    }
  }

  private seat(person: number, position: number): number {
    return person * this.problem.slots.length * 2 + position;
  }

  private track(j: number, to: 0 | 1): void {
    if (to === 1) {
      this.place[j] = this.heldCount;
      this.held[this.heldCount++] = j;
      return;
    }
    const at = this.place[j]!;
    const last = this.held[--this.heldCount]!;
    this.held[at] = last;
    this.place[last] = at;
    this.place[j] = -1;
  }

  private apply(j: number, to: 0 | 1): void {
    this.state.set(j, to);
    this.objective.set(j, to);
    this.track(j, to);
  }

  private has(j: number): boolean {
    return this.place[j]! >= 0;
  }

  private pick<T>(list: ArrayLike<T>): T {
    return list[Math.floor(this.random() * list.length)]!;
  }

  /**
   * Drops `out1`, `out2` and adds `in1`, `in2` (-1: none) when every hard row stays
   * satisfied and `accept` takes the change in the objective; else undoes it.
   */
  private tryMove(out1: number, out2: number, in1: number, in2: number, accept: (delta: number) => boolean): boolean {
    if (this.blockedRegardless(in1, out1, out2) || this.blockedRegardless(in2, out1, out2)) return false;
    if (out1 >= 0) this.change(out1, 0);
    if (out2 >= 0) this.change(out2, 0);
    for (const j of [in1, in2]) {
      if (j < 0) continue;
      if (!this.state.fits(j)) return this.settle(() => false);
      this.change(j, 1);
    }
    return this.settle(accept);
  }

  /**
   * Whether adding j breaks one of its person's own rows (rest, hours, days off, calls,
   * consecutive duty) while none of the dropped shifts is that person's: dropping other
   * people's shifts cannot change those rows, so the move fails without being made.
   */
  private blockedRegardless(j: number, out1: number, out2: number): boolean {
    if (j < 0) return false;
    const person = this.personOf[j];
    if ((out1 >= 0 && this.personOf[out1] === person) || (out2 >= 0 && this.personOf[out2] === person)) return false;
    const id = this.problem.candidates[j]!.personId;
    for (const r of this.state.blockingRows(j)) if (this.model.rowTag[r]!.personId === id) return true;
    return false;
  }

  /**
   * Books a move just made, worth `value`: `log` lists its changes, j for an assignment
   * added and ~j for one dropped. Leaving the best schedule uphill saves it first, as it
   * was before the move.
   */
  private taken(value: number, log: readonly number[]): void {
    if (value > this.current + IMPROVEMENT && !this.bestSaved && this.current <= this.best + IMPROVEMENT) {
      this.bestHeld.fill(0);
      for (let i = 0; i < this.heldCount; i++) this.bestHeld[this.held[i]!] = 1;
      // Backwards, so that a column changed twice ends as it was before the first change.
      for (let i = log.length - 1; i >= 0; i--) this.bestHeld[log[i]! >= 0 ? log[i]! : ~log[i]!] = log[i]! >= 0 ? 0 : 1;
      this.bestSaved = true;
      this.best = this.current;
    }
    this.current = value;
    this.accepted += 1;
    if (value < this.best - IMPROVEMENT) {
      this.best = value;
      this.bestSaved = false;
    }
  }

  /** Hands j's shift to the holder of seat k (same position). */
  private handOver(j: number, k: number, accept: (delta: number) => boolean): boolean {
    return k !== j && !this.has(k) && this.tryMove(j, -1, k, -1, accept);
  }

  /** j's and k's people take each other's shift. */
  private trade(j: number, k: number, accept: (delta: number) => boolean): boolean {
    const { personOf, positionOf } = this;
    if (j === k || this.groupOf[j] !== this.groupOf[k] || personOf[j] === personOf[k]) return false;
    if (positionOf[j] === positionOf[k] || positionOf[j]! % 2 !== positionOf[k]! % 2) return false;
    const jToK = this.bySeat.get(this.seat(personOf[j]!, positionOf[k]!));
    const kToJ = this.bySeat.get(this.seat(personOf[k]!, positionOf[j]!));
    if (jToK === undefined || kToJ === undefined || this.has(jToK) || this.has(kToJ)) return false;
    return this.tryMove(j, k, jToK, kToJ, accept);
  }

  /** The shifts of k's person that keep k from being added (j itself aside). */
  private blockers(k: number, j: number): number[] {
    const person = this.personOf[k];
    const out = new Set<number>();
    for (const r of this.state.blockingRows(k)) for (const h of this.state.contributors(r)) if (h !== j && this.personOf[h] === person) out.add(h);
    return [...out];
  }

  /** Hands j's shift to k's person after handing their blocking shift h to seat h2. */
  private handOverWithRepair(j: number, k: number, h: number, h2: number, accept: (delta: number) => boolean): boolean {
    return h2 !== k && h2 !== h && !this.has(h2) && !this.has(k) && this.tryMove(j, h, k, h2, accept);
  }

  /** Changes made by the move under way: j for an assignment added, ~j for one dropped. */
  private readonly log: number[] = [];

  private change(j: number, to: 0 | 1): void {
    this.apply(j, to);
    this.log.push(to === 1 ? j : ~j);
  }

  /** Ends the move under way: kept when every minimum still holds and `accept` takes it, else undone. */
  private settle(accept: (delta: number) => boolean): boolean {
    const log = this.log;
    let keep = log.length > 0 && log.every((entry) => this.state.meetsLowerAround(entry >= 0 ? entry : ~entry));
    if (keep) {
      const value = this.objective.value();
      keep = accept(value - this.current);
      if (keep) this.taken(value, log);
    }
    if (!keep) for (let i = log.length - 1; i >= 0; i--) this.apply(log[i]! >= 0 ? log[i]! : ~log[i]!, log[i]! >= 0 ? 0 : 1);
    log.length = 0;
    return keep;
  }

  /**
   * Puts current or preferred assignment k back (an ejection chain): its position's holder j leaves it
   * (when the slot has no room), and each shift of k's person that then blocks k goes to
   * the first person in its position it fits.
   */
  private restore(k: number, accept: (delta: number) => boolean): boolean {
    if (this.has(k)) return false;
    if (!this.state.fits(k)) {
      const holders = this.pools[k]!.filter((j) => this.has(j));
      if (holders.length > 0) this.change(this.pick(holders), 0);
    }
    const blockers = this.state.fits(k) ? [] : this.blockers(k, -1);
    for (const h of blockers) this.change(h, 0);
    if (!this.state.fits(k)) return this.settle(() => false);
    this.change(k, 1);
    for (const h of blockers) this.placeElsewhere(h);
    return this.settle(accept);
  }

  /** Gives h's position to the first person it fits, from a random one on. */
  private placeElsewhere(h: number): void {
    const pool = this.pools[h]!;
    const from = Math.floor(this.random() * pool.length);
    for (let i = 0; i < pool.length; i++) {
      const h2 = pool[(from + i) % pool.length]!;
      if (h2 !== h && this.state.fits(h2)) {
        this.change(h2, 1);
        return;
      }
    }
  }

  /**
   * Two people of one group exchange everything they hold on `days` dates from j's: each
   * takes the other's positions where they are eligible; a position neither can take
   * goes to the first person it fits.
   */
  private exchangeDays(j: number, k: number, days: number, accept: (delta: number) => boolean): boolean {
    const a = this.personOf[j]!;
    const b = this.personOf[k]!;
    if (a === b || this.groupOf[j] !== this.groupOf[k]) return false;
    const first = this.dayOf[j]!;
    const moved: number[] = [];
    for (let d = first; d < first + days; d++) {
      for (const c of this.byPersonDay.get(a * DAY_KEY + d) ?? []) if (this.has(c)) moved.push(c);
      for (const c of this.byPersonDay.get(b * DAY_KEY + d) ?? []) if (this.has(c)) moved.push(c);
    }
    if (moved.length === 0) return false;
    for (const c of moved) this.change(c, 0);
    for (const c of moved) {
      const other = this.bySeat.get(this.seat(this.personOf[c] === a ? b : a, this.positionOf[c]!));
      if (other !== undefined && this.state.fits(other)) this.change(other, 1);
      else this.placeElsewhere(c);
    }
    return this.settle(accept);
  }

  /** Simulated annealing over random moves; stops early at the deadline. */
  anneal(moves: number, options: LocalSearchOptions): void {
    if (this.heldCount === 0 || moves <= 0) return;
    const cooling = Math.pow(END_TEMPERATURE, 1 / moves);
    let temperature = this.startTemperature();
    const accept = (delta: number) => delta <= IMPROVEMENT || this.random() < Math.exp(-delta / temperature);
    for (let i = 0; i < moves; i++, temperature *= cooling) {
      if ((i & 1023) === 0 && options.now() >= options.deadline) break;
      const kind = this.random();
      const j = this.held[Math.floor(this.random() * this.heldCount)]!;
      if (kind < 0.35) this.handOver(j, this.pick(this.pools[j]!), accept);
      else if (kind < 0.65) this.trade(j, this.held[Math.floor(this.random() * this.heldCount)]!, accept);
      else if (kind < 0.75) {
        const k = this.pick(this.pools[j]!);
        if (this.has(k)) continue;
        const blockers = this.blockers(k, j);
        if (blockers.length !== 1) continue;
        const h = blockers[0]!;
        this.handOverWithRepair(j, k, h, this.pick(this.pools[h]!), accept);
      } else if (kind < 0.85) {
        if (this.wanted.length > 0) this.restore(this.pick(this.wanted), accept);
      } else if (kind < 0.93) {
        this.exchangeDays(j, this.held[Math.floor(this.random() * this.heldCount)]!, 1 + Math.floor(this.random() * 3), accept);
      } else if (this.optional.length > 0) {
        const o = this.pick(this.optional);
        if (this.has(o)) this.tryMove(o, -1, -1, -1, accept);
        else this.tryMove(-1, -1, o, -1, accept);
      }
    }
  }

  /** The median cost of the uphill moves open at the start (sampled, none taken), times START_TEMPERATURE. */
  private startTemperature(): number {
    const costs: number[] = [];
    const probe = (delta: number) => {
      if (delta > IMPROVEMENT) costs.push(delta);
      return false;
    };
    for (let i = 0; i < 4000 && costs.length < 200; i++) {
      const j = this.held[Math.floor(this.random() * this.heldCount)]!;
      if (i % 2 === 0) this.handOver(j, this.pick(this.pools[j]!), probe);
      else this.trade(j, this.held[Math.floor(this.random() * this.heldCount)]!, probe);
    }
    costs.sort((a, b) => a - b);
    return (costs[costs.length >> 1] ?? 1) * START_TEMPERATURE;
  }

  /** Returns to the best schedule the annealing passed. */
  restoreBest(): void {
    if (!this.bestSaved) return;
    const n = this.model.numAssign;
    for (let j = 0; j < n; j++) if (this.has(j) && this.bestHeld[j] === 0) this.apply(j, 0);
    for (let j = 0; j < n; j++) if (!this.has(j) && this.bestHeld[j] === 1) this.apply(j, 1);
    this.current = this.objective.value();
    this.bestSaved = false;
  }

  /**
   * First-improvement descent until no move of these improves (or the deadline): every
   * optional shift added or dropped, every shift handed to each other person of its
   * position, every missing current or preferred assignment put back. Linear in the schedule's size per
   * pass, where trying every trade would be quadratic (the annealing samples those).
   */
  descend(options: LocalSearchOptions): void {
    const better = (delta: number) => delta < -IMPROVEMENT;
    let improved = true;
    while (improved && options.now() < options.deadline) {
      improved = false;
      for (const o of this.optional) if (this.has(o) ? this.tryMove(o, -1, -1, -1, better) : this.tryMove(-1, -1, o, -1, better)) improved = true;
      for (const k of this.wanted) if (this.restore(k, better)) improved = true;
      for (const j of Array.from(this.held.subarray(0, this.heldCount))) {
        if (options.now() >= options.deadline) return;
        if (this.has(j) && this.pools[j]!.some((k) => this.handOver(j, k, better))) improved = true;
      }
    }
  }

  result(): LocalSearchResult {
    const chosen = Array.from(this.held.subarray(0, this.heldCount)).sort((a, b) => a - b);
    return { chosen, objective: this.current, values: this.objective.complete(this.state.value), moves: this.accepted };
  }
}
