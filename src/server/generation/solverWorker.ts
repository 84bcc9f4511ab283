/**
 * Worker thread running HiGHS. `Model.run()` blocks the thread until the solver stops,
 * so the service cancels by terminating this worker; incumbents are posted as they are
 * found, which lets the service keep the best schedule even when it has to stop us.
 * The build bundles this file to dist/solver-worker.js next to dist/highs.wasm.
 */
import type highsLoaderType from 'highs';
import { parentPort } from 'node:worker_threads';
import type { SolveRequest, SolverStatus, WorkerMessage } from './solverProtocol';

// `require`, not `import`: an import makes esbuild pick the package's ESM build, whose
// loader needs import.meta.url and fails inside the CommonJS bundle.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const highsLoader = require('highs') as typeof highsLoaderType;

const PROGRESS_EVERY_SEC = 0.25;

function post(message: WorkerMessage): void {
  parentPort?.postMessage(message);
}

async function solve(request: SolveRequest): Promise<void> {
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
  try {
    model.options.set({
      output_flag: false,
      time_limit: Math.max(0.1, request.timeLimitSec),
      mip_rel_gap: request.relGap,
      random_seed: request.seed % 2147483647,
    });
    if (request.start) model.setSolution({ indices: request.start.indices, values: request.start.values });
    let lastProgress = -Infinity;
    let lastImprovement = 0;
    let incumbents = 0;
    // The stall clock starts once the root relaxation is solved (a finite dual bound):
    // before that, no improvement is expected.
    let searching = Infinity;
    const { callbackType } = highs.constants;
    const result = model.run({
      [callbackType.mipImprovingSolution](event) {
        const values = event.data.mip_solution;
        lastImprovement = event.data.running_time ?? 0;
        incumbents += 1;
        if (values) post({ type: 'incumbent', objective: event.data.objective_function_value ?? NaN, values, time: event.data.running_time ?? 0 });
        return undefined;
      },
      [callbackType.mipInterrupt](event) {
        const time = event.data.running_time ?? 0;
        if (time - lastProgress >= PROGRESS_EVERY_SEC) {
          lastProgress = time;
          post({ type: 'progress', time, primal: event.data.mip_primal_bound, dual: event.data.mip_dual_bound, gap: event.data.mip_gap });
        }
        if (searching === Infinity && Number.isFinite(event.data.mip_dual_bound ?? NaN)) searching = time;
        if (incumbents > 0 && time - Math.max(lastImprovement, searching) > request.stallSec) event.interrupt();
        return undefined;
      },
    });
    const status = statusName(result.modelStatus, highs.constants.modelStatus);
    const feasible = Number(model.info.get('primal_solution_status')) === highs.constants.solutionStatus.feasible;
    post({
      type: 'done',
      status,
      time: model.getRunTime(),
      ...(feasible
        ? {
            objective: model.getObjectiveValue(),
            bound: Number(model.info.get('mip_dual_bound')),
            gap: Number(model.info.get('mip_gap')),
            values: model.getSolution().colValue,
          }
        : {}),
    });
  } finally {
    model.dispose();
  }
}

function statusName(code: number, codes: { optimal: number; infeasible: number; timeLimit: number; interrupted: number }): SolverStatus {
  if (code === codes.optimal) return 'optimal';
  if (code === codes.infeasible) return 'infeasible';
  if (code === codes.timeLimit) return 'time_limit';
  if (code === codes.interrupted) return 'stalled';
  return 'unknown';
}

parentPort?.once('message', (request: SolveRequest) => {
  solve(request).catch((error: unknown) => post({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
});
