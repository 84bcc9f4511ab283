/**
 * Runs the linear model through HiGHS in worker threads (one, or several searching
 * neighbourhoods side by side), started (and the model loaded) before the start schedule
 * is ready, so every thread works at once. The service never blocks: progress and
 * incumbents arrive as messages; cancelling terminates the workers at once; when the
 * solver overruns its time limit they are terminated as well and the best incumbent
 * received so far is the answer.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LinearModel } from './model';
import { SharedSearch } from './sharedSearch';
import type { LoadRequest, MipArrays, Neighbourhood, SolveRequest, SolverStatus, WorkerMessage } from './solverProtocol';

/** Adds the rows that define aggregate columns and packs everything row-wise. */
export function toMipArrays(model: LinearModel): MipArrays {
  const rowLower = [...model.rowLower];
  const rowUpper = [...model.rowUpper];
  const starts = [...model.rowStarts];
  const indices = [...model.rowIndex];
  const values = [...model.rowValue];
  const addRow = (cols: number[], coefs: number[], lo: number, hi: number) => {
    indices.push(...cols);
    values.push(...coefs);
    starts.push(indices.length);
    rowLower.push(lo);
    rowUpper.push(hi);
  };
  // An `any` column that counts toward a minimum must not be 1 without a member.
  const countsUp = new Set<number>();
  for (let r = 0; r < model.rowLower.length; r++) {
    if (model.rowLower[r] === -Infinity) continue;
    for (let k = model.rowStarts[r]!; k < model.rowStarts[r + 1]!; k++) {
      if (model.rowValue[k]! > 0 && model.colKind[model.rowIndex[k]!] === 'any') countsUp.add(model.rowIndex[k]!);
    }
  }
  for (const [agg, def] of model.aggregates) {
    if (model.colKind[agg] === 'sum') {
      // agg = sum(coef * x)
      addRow([agg, ...def.cols], [1, ...def.coefs.map((c) => -c)], 0, 0);
    } else if (model.colKind[agg] === 'ceil') {
      // divisor * agg >= sum(coef * x) with agg integer: agg >= ceil(sum / divisor).
      addRow([agg, ...def.cols], [def.divisor!, ...def.coefs.map((c) => -c)], 0, Infinity);
    } else {
      // agg >= x for every member: agg is 1 whenever any member is.
      for (const col of def.cols) addRow([agg, col], [1, -1], 0, Infinity);
      if (countsUp.has(agg)) addRow([agg, ...def.cols], [1, ...def.cols.map(() => -1)], -Infinity, 0);
    }
  }
  return {
    numCols: model.colKind.length,
    numRows: rowLower.length,
    offset: model.objectiveOffset,
    colCost: Float64Array.from(model.colCost),
    colLower: Float64Array.from(model.colLower),
    colUpper: Float64Array.from(model.colUpper),
    rowLower: Float64Array.from(rowLower),
    rowUpper: Float64Array.from(rowUpper),
    starts: Int32Array.from(starts),
    indices: Int32Array.from(indices),
    values: Float64Array.from(values),
    integrality: Int32Array.from(model.colKind.map((k) => (k === 'assign' || k === 'ceil' ? 1 : 0))),
  };
}

export interface MipProgress {
  elapsedMs: number;
  gap?: number;
  primal?: number;
  dual?: number;
  incumbents: number;
}

export interface MipOutcome {
  status: SolverStatus;
  /** Values of the assignment columns of the best solution, when one was found. */
  assignment?: Float64Array;
  objective?: number;
  bound?: number;
  gap?: number;
  elapsedMs: number;
  /** The worker had to be terminated because it overran its time limit. */
  terminated: boolean;
  /** Why the solver failed (status unknown), when it did. */
  error?: string;
}

export class SolveCancelledError extends Error {
  constructor() {
    super('schedule generation was cancelled');
  }
}

export interface MipOptions {
  timeLimitMs: number;
  seed: number;
  relGap?: number;
  /** Seconds without a better schedule after which the solver stops (default: never). */
  stallSec?: number;
  /** A feasible schedule's value for every column of the model (objective.ts completes one). */
  start?: Float64Array;
  /** Decision columns to free together in the neighbourhood search (none: tree search only). */
  neighbourhoods?: { free: number[]; holdCentres: boolean }[];
  /** Start the neighbourhood search from `start` at once, without the tree search. */
  skipTree?: boolean;
  /** The neighbourhood search's stopping rule (solverProtocol.ts; default 0: never stop early). */
  minGain?: number;
  gainWindowSec?: number;
  signal?: AbortSignal;
  onProgress?: (p: MipProgress) => void;
  now?: () => number;
}

/** How a worker is started: the bundled file in production, the TypeScript source under tsx. */
function startWorker(): Worker {
  if (__filename.endsWith('.ts')) {
    const source = join(__dirname, 'solverWorker.ts');
    const tsx = require.resolve('tsx/cjs');
    return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)});`, { eval: true });
  }
  return new Worker(join(__dirname, 'solver-worker.js'));
}

/** Grace after the solver's own time limit before the worker is forcibly stopped. */
const GRACE_MS = 1500;

/** The workers with the model loaded: `solve` runs it once; `dispose` ends them (idempotent). */
export interface MipSolver {
  solve(options: MipOptions): Promise<MipOutcome>;
  dispose(): void;
}

type WorkerEvent = { kind: 'message'; message: WorkerMessage } | { kind: 'error'; error: Error } | { kind: 'exit'; code: number };

/** A worker and what it said before anyone listened (it loads the model meanwhile). */
class SolverThread {
  private early: WorkerEvent[] = [];
  private deliver: (event: WorkerEvent) => void = (event) => this.early.push(event);

  constructor(readonly worker: Worker) {
    worker.on('message', (message: WorkerMessage) => this.deliver({ kind: 'message', message }));
    worker.on('error', (error) => this.deliver({ kind: 'error', error }));
    worker.on('exit', (code) => this.deliver({ kind: 'exit', code }));
  }

  listen(handler: (event: WorkerEvent) => void): void {
    this.deliver = handler;
    for (const event of this.early.splice(0)) handler(event);
  }
}

/**
 * Starts a worker and loads the model at once, so that loading it (and, with `boundFirst`,
 * solving its linear relaxation for the bound) runs while this thread still improves the
 * start. A search from a start with neighbourhoods runs in `searchers` workers (default
 * one) side by side, sharing their best schedule (sharedSearch.ts); the others start with
 * the search, not before: loading a large model in a third thread took CPU from the local
 * search on this one (the 36-resident month's: 6.5 s instead of about 4 s in a probe).
 */
export function startMip(model: LinearModel, load: { boundFirst: boolean; boundTimeLimitMs: number; searchers?: number }): MipSolver {
  const arrays = toMipArrays(model);
  const numAssign = model.numAssign;
  const centres = Int32Array.from(model.equity, (term) => term.centre);
  const threads: SolverThread[] = [];
  const spawn = (boundFirst: boolean) => {
    const thread = new SolverThread(startWorker());
    const request: LoadRequest = { type: 'load', model: arrays, numAssign, boundFirst, boundTimeLimitSec: load.boundTimeLimitMs / 1000 };
    thread.worker.postMessage(request);
    threads.push(thread);
  };
  spawn(load.boundFirst);
  return {
    dispose: () => threads.forEach((t) => void t.worker.terminate()),
    solve: (options) => {
      if (options.start && options.skipTree && options.neighbourhoods?.length) while (threads.length < (load.searchers ?? 1)) spawn(false);
      return runSolve(threads, arrays.numCols, numAssign, centres, options);
    },
  };
}

function runSolve(threads: SolverThread[], numCols: number, numAssign: number, centres: Int32Array, options: MipOptions): Promise<MipOutcome> {
  const now = options.now ?? Date.now;
  const began = now();
  const terminate = () => threads.forEach((t) => void t.worker.terminate());
  if (options.signal?.aborted) {
    terminate();
    return Promise.reject(new SolveCancelledError());
  }
  return new Promise<MipOutcome>((resolve, reject) => {
    let best: { values: Float64Array; objective: number } | undefined;
    let incumbents = 0;
    /** The best bound a worker reported, for an answer without the worker's own. */
    let dual: number | undefined;
    let settled = false;
    /** Workers still searching, the best final answer so far, and the first failure. */
    let running = threads.length;
    let answer: Extract<WorkerMessage, { type: 'done' }> | undefined;
    let failure: Error | undefined;
    const gapTo = (objective: number, bound: number) => (Math.abs(objective) > 1e-9 ? Math.max(0, (objective - bound) / Math.abs(objective)) : 0);
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(watchdog);
      options.signal?.removeEventListener('abort', onAbort);
      terminate();
      fn();
    };
    const onAbort = () => finish(() => reject(new SolveCancelledError()));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const watchdog = setTimeout(
      () =>
        finish(() =>
          resolve({
            status: 'time_limit',
            ...(best ? { assignment: best.values.slice(0, numAssign), objective: best.objective } : {}),
            ...(best && dual !== undefined ? { bound: dual, gap: gapTo(best.objective, dual) } : {}),
            elapsedMs: now() - began,
            terminated: true,
          }),
        ),
      options.timeLimitMs + GRACE_MS + options.timeLimitMs * 0.1,
    );
    // Every worker's end is awaited: the answer is the best one, with the bound any reported.
    const ended = () => {
      running -= 1;
      if (running > 0) return;
      if (!answer) return finish(() => reject(failure ?? new Error('solver worker ended without an answer')));
      const values = answer.values ?? best?.values;
      const objective = answer.objective ?? best?.objective;
      const bound = answer.bound ?? dual;
      finish(() =>
        resolve({
          status: answer!.status,
          ...(values ? { assignment: values.slice(0, numAssign) } : {}),
          ...(objective !== undefined ? { objective } : {}),
          ...(bound !== undefined && Number.isFinite(bound) ? { bound, ...(objective !== undefined ? { gap: gapTo(objective, bound) } : {}) } : {}),
          elapsedMs: now() - began,
          terminated: false,
        }),
      );
    };
    const onMessage = (message: WorkerMessage) => {
      switch (message.type) {
        case 'incumbent':
          incumbents += 1;
          if (!best || message.objective < best.objective) best = { values: message.values, objective: message.objective };
          options.onProgress?.({ elapsedMs: now() - began, primal: message.objective, incumbents });
          break;
        case 'progress':
          if (message.dual !== undefined && Number.isFinite(message.dual)) dual = message.dual;
          options.onProgress?.({
            elapsedMs: now() - began,
            ...(message.gap !== undefined && Number.isFinite(message.gap) ? { gap: message.gap } : {}),
            ...(message.primal !== undefined && Number.isFinite(message.primal) ? { primal: message.primal } : {}),
            ...(message.dual !== undefined && Number.isFinite(message.dual) ? { dual: message.dual } : {}),
            incumbents,
          });
          break;
        case 'done':
          if (message.bound !== undefined && Number.isFinite(message.bound)) dual = message.bound;
          if (!answer || (message.objective ?? Infinity) < (answer.objective ?? Infinity)) answer = message;
          ended();
          break;
        case 'error':
          failure ??= new Error(`solver failed: ${message.message}`);
          ended();
          break;
      }
    };
    const shared = threads.length > 1 ? SharedSearch.allocate(numCols) : undefined;
    threads.forEach((thread, index) => {
      let over = false;
      thread.listen((event) => {
        if (over) return;
        if (event.kind === 'message') {
          over = event.message.type === 'done' || event.message.type === 'error';
          onMessage(event.message);
          return;
        }
        over = true;
        failure ??= event.kind === 'error' ? event.error : new Error(`solver worker exited with code ${event.code}`);
        ended();
      });
      const request: SolveRequest = {
        type: 'solve',
        sentAtMs: Date.now(),
        timeLimitSec: options.timeLimitMs / 1000,
        relGap: options.relGap ?? 1e-4,
        seed: options.seed,
        stallSec: options.stallSec ?? Infinity,
        neighbourhoods: (options.neighbourhoods ?? []).map((n): Neighbourhood => ({ free: Int32Array.from(n.free), holdCentres: n.holdCentres })),
        centres,
        skipTree: options.skipTree ?? false,
        minGain: options.minGain ?? 0,
        gainWindowSec: options.gainWindowSec ?? Infinity,
        ...(options.start ? { start: options.start } : {}),
        ...(shared ? { shared: { buffer: shared, index, count: threads.length } } : {}),
      };
      thread.worker.postMessage(request);
    });
  });
}
