/**
 * The state of neighbourhood searches running side by side, one per solver worker, in
 * shared memory: the best schedule any of them found, and the stopping rule's count of
 * sub-solves in a row, all searches together, that gained too little. Between sub-solves
 * each search offers what it found and goes on from another's schedule when it is better.
 * A worker's sub-solve blocks its thread, so messages through the service could only be
 * read after the search ends; shared memory is read at once. A spin lock guards each
 * access, which copies at most a block's columns (microseconds). A single search uses the
 * same state, unshared.
 *
 * Layout: two Int32 words (the lock, the count), then as Float64 the objective the count
 * last restarted at, the best objective, and the best schedule's value of every column.
 */

const LOCK = 0;
const IDLE = 1;
const REFERENCE = 0;
const BEST = 1;
const VALUES = 2;
const HEADER_BYTES = 8;
/** Objective differences below this are rounding (the worker's `improves` uses the same). */
const TOLERANCE = 1e-6;

export interface Schedule {
  objective: number;
  values: Float64Array;
}

export class SharedSearch {
  private readonly control: Int32Array;
  private readonly data: Float64Array;

  /** Memory for a model of `numCols` columns, holding no schedule yet. */
  static allocate(numCols: number): SharedArrayBuffer {
    const buffer = new SharedArrayBuffer(HEADER_BYTES + Float64Array.BYTES_PER_ELEMENT * (numCols + VALUES));
    new Float64Array(buffer, HEADER_BYTES, VALUES).fill(Infinity);
    return buffer;
  }

  constructor(buffer: SharedArrayBuffer) {
    this.control = new Int32Array(buffer, 0, 2);
    this.data = new Float64Array(buffer, HEADER_BYTES);
  }

  /** Keeps `schedule` if it beats the shared one (the first one offered is where the count starts). */
  offer(schedule: Schedule): void {
    this.locked(() => {
      if (!(schedule.objective < this.data[BEST]!)) return;
      this.data[BEST] = schedule.objective;
      if (this.data[REFERENCE] === Infinity) this.data[REFERENCE] = schedule.objective;
      this.data.set(schedule.values.subarray(0, this.data.length - VALUES), VALUES);
    });
  }

  /** A copy of the shared schedule when it beats `objective` by more than the solver's tolerance. */
  better(objective: number): Schedule | undefined {
    return this.locked(() => (this.data[BEST]! < objective - TOLERANCE ? { objective: this.data[BEST]!, values: this.data.slice(VALUES) } : undefined));
  }

  /**
   * Counts a finished sub-solve: the count restarts when the best schedule is now better
   * than where it last restarted by at least `minGain` of that objective, else grows by one.
   */
  countRound(minGain: number): void {
    this.locked(() => {
      const reference = this.data[REFERENCE]!;
      const best = this.data[BEST]!;
      if (reference - best >= minGain * Math.abs(reference) + TOLERANCE) {
        this.data[REFERENCE] = best;
        this.control[IDLE] = 0;
      } else this.control[IDLE] = this.control[IDLE]! + 1;
    });
  }

  /** Sub-solves in a row, all searches together, since the best schedule last gained enough. */
  get idleRounds(): number {
    return Atomics.load(this.control, IDLE);
  }

  private locked<T>(work: () => T): T {
    while (Atomics.compareExchange(this.control, LOCK, 0, 1) !== 0) Atomics.wait(this.control, LOCK, 1, 1);
    try {
      return work();
    } finally {
      Atomics.store(this.control, LOCK, 0);
      Atomics.notify(this.control, LOCK, 1);
    }
  }
}
