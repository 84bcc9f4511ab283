/**
 * Messages between the generation service and the HiGHS worker thread. The model
 * travels as typed arrays (structured clone copies them once); the worker answers with
 * progress, every improving incumbent, and a final result.
 */

/** A MIP in HiGHS' row-wise sparse form; +-Infinity marks a missing bound. */
export interface MipArrays {
  numCols: number;
  numRows: number;
  offset: number;
  colCost: Float64Array;
  colLower: Float64Array;
  colUpper: Float64Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  starts: Int32Array;
  indices: Int32Array;
  values: Float64Array;
  integrality: Int32Array;
}

/**
 * Sent first: the worker loads the model, and with `boundFirst` solves its linear
 * relaxation at once (the neighbourhood search's bound), while the service still improves
 * the start on its own thread.
 */
export interface LoadRequest {
  type: 'load';
  model: MipArrays;
  numAssign: number;
  boundFirst: boolean;
  /** The relaxation's time limit. */
  boundTimeLimitSec: number;
}

export interface Neighbourhood {
  free: Int32Array;
  /**
   * Hold every equity centre at its value in the best schedule during the sub-solve: the
   * free centres couple every member of a group, and a sub-solve across all groups then
   * spends most of its time on cuts; with them held it is many times faster, and any
   * schedule it finds is at least as good as it reports once the centres are free again.
   */
  holdCentres: boolean;
}

export interface SolveRequest {
  type: 'solve';
  /** Date.now() when sent: the time limit counts from here. */
  sentAtMs: number;
  timeLimitSec: number;
  relGap: number;
  seed: number;
  /** Stop when no better schedule has been found for this long (seconds) since the last one. */
  stallSec: number;
  /** A feasible schedule to start from: every column's value. */
  start?: Float64Array;
  /**
   * Large-neighbourhood search after the tree search stops: each neighbourhood lists the
   * decision columns (all below `numAssign`) left free while the others stay fixed at the
   * best schedule; small sub-problems improve it where the full tree search stalls.
   */
  neighbourhoods: Neighbourhood[];
  /** The equity centre columns, which a neighbourhood may hold at the best schedule's values. */
  centres: Int32Array;
  /** With a start and neighbourhoods: go straight to the neighbourhood search. */
  skipTree: boolean;
  /**
   * The stopping rule: end the neighbourhood search once its last sub-solves, of every
   * search side by side together (a full pass of every neighbourhood, or ten if there are
   * more), improved the schedule by less than
   * this share of its objective together, and the tree search once its last `gainWindowSec`
   * seconds (or a quarter of the time so far, if longer) did. 0 keeps searching until the
   * time limit.
   */
  minGain: number;
  gainWindowSec: number;
  /**
   * Set when several workers search side by side (mip.ts): the state they share
   * (sharedSearch.ts), and which of `count` searches this one is. Each starts at its own
   * share of the same order of neighbourhoods, so that together they cover a pass sooner;
   * only the first solves the relaxation for the bound.
   */
  shared?: { buffer: SharedArrayBuffer; index: number; count: number };
}

/**
 * `optimal`: proved optimal within the gap. `stalled`: the tree search stopped improving and
 * the neighbourhood search used the rest of the time. `time_limit`: the limit stopped it.
 */
export type SolverStatus = 'optimal' | 'time_limit' | 'stalled' | 'infeasible' | 'unknown';

export type WorkerMessage =
  | { type: 'incumbent'; objective: number; values: Float64Array; time: number }
  | { type: 'progress'; time: number; primal?: number | undefined; dual?: number | undefined; gap?: number | undefined }
  | { type: 'done'; status: SolverStatus; objective?: number; bound?: number; gap?: number; values?: Float64Array; time: number }
  | { type: 'error'; message: string };
