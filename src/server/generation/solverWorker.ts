/**
 * Worker thread running HiGHS. `Model.run()` blocks the thread until the solver stops,
 * so the service cancels by terminating this worker; incumbents are posted as they are
 * found, which lets the service keep the best schedule even when it has to stop us.
 * The build bundles this file to dist/solver-worker.js next to dist/highs.wasm.
 */
import type highsLoaderType from 'highs';
import type { Model } from 'highs';
import { parentPort } from 'node:worker_threads';
import type { LoadRequest, MipArrays, SolveRequest, SolverStatus, WorkerMessage } from './solverProtocol';
import { SharedSearch, type Schedule } from './sharedSearch';
import { Progress } from './stoppingRule';

// `require`, not `import`: an import makes esbuild pick the package's ESM build, whose
// loader needs import.meta.url and fails inside the CommonJS bundle.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const highsLoader = require('highs') as typeof highsLoaderType;

const PROGRESS_EVERY_SEC = 0.25;

function post(message: WorkerMessage): void {
  parentPort?.postMessage(message);
}

/** Share of the time limit the tree search may use before the neighbourhood search. */
const TREE_SHARE = 0.5;
/** Time limit of one neighbourhood's sub-solve; shorter under the stopping rule, which wants an answer in seconds. */
const NEIGHBOURHOOD_SEC = 2;
const STOPPING_NEIGHBOURHOOD_SEC = 0.5;
/** The neighbourhood search stops after this many sub-solves (at most one pass) gained under minGain together. */
const WINDOW_SOLVES = 10;

/** The model as loaded by a LoadRequest, and its relaxation bound when asked for first. */
interface Loaded {
  highs: Awaited<ReturnType<typeof highsLoader>>;
  model: Model;
  arrays: MipArrays;
  numAssign: number;
  bound?: number;
}

async function load(request: LoadRequest): Promise<Loaded> {
  const highs = await highsLoader();
  const inf = highs.infinity;
  const finite = (a: Float64Array) => a.map((v) => (v === Infinity ? inf : v === -Infinity ? -inf : v));
  const m = request.model;
  const model = highs.createModel({
    numCols: m.numCols,
    numRows: m.numRows,
    offset: m.offset,
    colCost: m.colCost,
    colLower: finite(m.colLower),
    colUpper: finite(m.colUpper),
    rowLower: finite(m.rowLower),
    rowUpper: finite(m.rowUpper),
    matrix: { format: 'csr', numRows: m.numRows, numCols: m.numCols, starts: m.starts, indices: m.indices, values: m.values },
    integrality: m.integrality,
  });
  model.options.set({ output_flag: false, time_limit: Math.max(0.1, request.boundTimeLimitSec) });
  if (!request.boundFirst) return { highs, model, arrays: m, numAssign: request.numAssign };
  const bound = relaxationBound(model, m.integrality);
  post({ type: 'progress', time: 0, dual: bound });
  return { highs, model, arrays: m, numAssign: request.numAssign, bound };
}

async function solve(loaded: Loaded, request: SolveRequest): Promise<void> {
  // The time limit counts from the request, including any wait for the load to finish.
  const began = performance.now() - Math.max(0, Date.now() - request.sentAtMs);
  const elapsed = () => (performance.now() - began) / 1000;
  const { highs, model, arrays: m, numAssign } = loaded;
  try {
    const limit = Math.max(0.1, request.timeLimitSec);
    const withNeighbourhoods = request.neighbourhoods.length > 0;
    model.options.set({
      time_limit: withNeighbourhoods ? Math.max(0.1, limit * TREE_SHARE) : limit,
      mip_rel_gap: request.relGap,
      random_seed: request.seed % 2147483647,
    });
    // A complete feasible start (objective.ts fills in every column): HiGHS takes it as its
    // first incumbent, and the service holds it even if the worker has to be stopped early.
    if (request.start) {
      model.setSolution({ colValue: request.start });
      const objective = m.colCost.reduce((sum, cost, j) => sum + cost * request.start![j]!, m.offset);
      post({ type: 'incumbent', objective, values: request.start, time: elapsed() });
      if (request.skipTree && withNeighbourhoods) {
        // The bound first: it still reaches the service if the time limit stops the search.
        const bound = request.shared && request.shared.index > 0 ? undefined : (loaded.bound ?? relaxationBound(model, m.integrality));
        if (bound !== undefined) post({ type: 'progress', time: elapsed(), primal: objective, dual: bound, gap: relativeGap(objective, bound) });
        const best = neighbourhoodSearch(model, highs, request, numAssign, { objective, values: request.start }, limit, elapsed);
        post({
          type: 'done',
          status: 'stalled',
          time: elapsed(),
          objective: best.objective,
          ...(bound !== undefined ? { bound, gap: relativeGap(best.objective, bound) } : {}),
          values: best.values,
        });
        return;
      }
    }
    model.options.set({ time_limit: withNeighbourhoods ? Math.max(0.1, limit * TREE_SHARE - elapsed()) : Math.max(0.1, limit - elapsed()) });
    let lastProgress = -Infinity;
    let lastImprovement = 0;
    let incumbents = 0;
    // The stall clock starts once the root relaxation is solved (a finite dual bound):
    // before that, no improvement is expected.
    let searching = Infinity;
    const progress = new Progress(request.minGain, request.gainWindowSec);
    const { callbackType } = highs.constants;
    const result = model.run({
      [callbackType.mipImprovingSolution](event) {
        const values = event.data.mip_solution;
        lastImprovement = event.data.running_time ?? 0;
        incumbents += 1;
        progress.record(lastImprovement, event.data.objective_function_value ?? Infinity);
        if (values) post({ type: 'incumbent', objective: event.data.objective_function_value ?? NaN, values, time: elapsed() });
        return undefined;
      },
      [callbackType.mipInterrupt](event) {
        const time = event.data.running_time ?? 0;
        if (time - lastProgress >= PROGRESS_EVERY_SEC) {
          lastProgress = time;
          post({ type: 'progress', time: elapsed(), primal: event.data.mip_primal_bound, dual: event.data.mip_dual_bound, gap: event.data.mip_gap });
        }
        if (searching === Infinity && Number.isFinite(event.data.mip_dual_bound ?? NaN)) searching = time;
        const stalled = time - Math.max(lastImprovement, searching) > request.stallSec;
        if (incumbents > 0 && (stalled || (time > searching && progress.flat(time, searching)))) event.interrupt();
        return undefined;
      },
    });
    let status = statusName(result.modelStatus, highs.constants.modelStatus);
    const feasible = Number(model.info.get('primal_solution_status')) === highs.constants.solutionStatus.feasible;
    if (!feasible) {
      post({ type: 'done', status, time: elapsed() });
      return;
    }
    let best = { objective: model.getObjectiveValue(), values: model.getSolution().colValue };
    // A tree search stopped before its root relaxation leaves no bound: the linear relaxation gives one.
    const treeBound = Number(model.info.get('mip_dual_bound'));
    const bound = Number.isFinite(treeBound) ? treeBound : (loaded.bound ?? relaxationBound(model, m.integrality));
    if (status !== 'optimal' && status !== 'infeasible' && withNeighbourhoods) {
      best = neighbourhoodSearch(model, highs, request, numAssign, best, limit, elapsed);
      status = 'stalled';
    }
    post({ type: 'done', status, time: elapsed(), objective: best.objective, bound, gap: relativeGap(best.objective, bound), values: best.values });
  } finally {
    model.dispose();
  }
}

function relativeGap(objective: number, bound: number): number {
  return Math.abs(objective) > 1e-9 ? Math.max(0, (objective - bound) / Math.abs(objective)) : 0;
}

/** The linear relaxation's optimum: a lower bound on every schedule's objective. */
function relaxationBound(model: Model, integrality: Int32Array): number {
  model.clearIntegrality();
  model.run();
  const bound = model.getObjectiveValue();
  model.changeColsIntegrality({ kind: 'range', from: 0, to: integrality.length - 1 }, integrality);
  model.clearSolver();
  return bound;
}

/**
 * Fixes every decision outside one neighbourhood at the best schedule and re-solves the
 * small remaining problem from it, neighbourhood after neighbourhood, until time runs out
 * or it stops paying (request.minGain over WINDOW_SOLVES sub-solves, of every search
 * running side by side together); keeps each improvement (and posts it, so a terminated
 * worker still leaves it behind), and goes on from another search's when better. A
 * neighbourhood that holds the equity centres is followed, when it gained, by a solve of
 * the centres alone (every decision fixed), which gives the schedule's true objective.
 */
function neighbourhoodSearch(model: Model, highs: Loaded['highs'], request: SolveRequest, n: number, start: Schedule, limit: number, elapsed: () => number): Schedule {
  let best = start;
  const { buffer, index, count } = request.shared ?? { buffer: SharedSearch.allocate(start.values.length), index: 0, count: 1 };
  const shared = new SharedSearch(buffer);
  shared.offer(best);
  const feasibleStatus = highs.constants.solutionStatus.feasible;
  const full = { kind: 'range' as const, from: 0, to: n - 1 };
  const decisions = (values: Float64Array) => values.slice(0, n).map((v) => (v > 0.5 ? 1 : 0));
  const centres = (hold: boolean) => {
    for (const col of request.centres) {
      const range = { kind: 'range' as const, from: col, to: col };
      model.changeColsBounds(range, Float64Array.of(hold ? best.values[col]! : -highs.infinity), Float64Array.of(hold ? best.values[col]! : highs.infinity));
    }
  };
  const improves = () => Number(model.info.get('primal_solution_status')) === feasibleStatus && model.getObjectiveValue() < best.objective - 1e-6;
  const order = request.neighbourhoods.map((_, i) => i);
  let state = request.seed >>> 0 || 1;
  for (let i = order.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    const k = state % (i + 1);
    [order[i], order[k]] = [order[k]!, order[i]!];
  }
  const offset = Math.floor((index * order.length) / count);
  // The stopping rule counts sub-solves, not seconds, so a loaded machine stops where an idle one would.
  const window = Math.min(order.length, WINDOW_SOLVES);
  for (let round = 0; elapsed() < limit - 0.2; round++) {
    if (request.minGain > 0 && shared.idleRounds >= window) break;
    // Another search's better schedule is where this one goes on from (that one posted it).
    best = shared.better(best.objective) ?? best;
    const { free, holdCentres } = request.neighbourhoods[order[(offset + round) % order.length]!]!;
    const fixed = decisions(best.values);
    const lower = Float64Array.from(fixed);
    const upper = Float64Array.from(fixed);
    for (const j of free) {
      lower[j] = 0;
      upper[j] = 1;
    }
    model.changeColsBounds(full, lower, upper);
    centres(holdCentres);
    model.setSolution({ colValue: best.values });
    // A new seed per round: a time-limited sub-solve repeated in a later pass may find another answer.
    model.options.set({
      time_limit: Math.max(0.1, Math.min(request.minGain > 0 ? STOPPING_NEIGHBOURHOOD_SEC : NEIGHBOURHOOD_SEC, limit - elapsed())),
      random_seed: (request.seed + round + index * 7919) % 2147483647,
    });
    model.run();
    if (improves()) {
      best = { objective: model.getObjectiveValue(), values: model.getSolution().colValue };
      if (holdCentres) {
        const chosen = decisions(best.values);
        model.changeColsBounds(full, chosen, Float64Array.from(chosen));
        centres(false);
        model.setSolution({ colValue: best.values });
        model.run();
        if (improves()) best = { objective: model.getObjectiveValue(), values: model.getSolution().colValue };
      }
      shared.offer(best);
      post({ type: 'incumbent', objective: best.objective, values: best.values, time: elapsed() });
    }
    shared.countRound(request.minGain);
  }
  model.changeColsBounds(full, new Float64Array(n), new Float64Array(n).fill(1));
  centres(false);
  return best;
}

function statusName(code: number, codes: { optimal: number; infeasible: number; timeLimit: number; interrupted: number }): SolverStatus {
  if (code === codes.optimal) return 'optimal';
  if (code === codes.infeasible) return 'infeasible';
  if (code === codes.timeLimit) return 'time_limit';
  if (code === codes.interrupted) return 'stalled';
  return 'unknown';
}

// A load, then one solve of the loaded model; the service ends the worker after it.
let loaded: Promise<Loaded> | undefined;
const fail = (error: unknown) => post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
parentPort?.on('message', (request: LoadRequest | SolveRequest) => {
  if (request.type === 'load') {
    loaded = load(request);
    loaded.catch(fail);
  } else if (loaded) {
    // A failed load has reported itself.
    loaded
      .then(
        (l) => solve(l, request),
        () => undefined,
      )
      .catch(fail);
  } else fail(new Error('solve before load'));
});
