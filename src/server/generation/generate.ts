/**
 * Schedule generation over a date range: the range is cut into 4-week blocks solved in
 * order, each with the earlier blocks' assignments as fixed history (so rolling-window
 * rules stay exact across block borders and a year stays tractable), and with loads
 * carried forward so equity is judged over the whole range.
 *
 * Per block: supply checks that can prove infeasibility cheaply, the greedy constructor,
 * then (algorithm "optimal") a local search on the greedy schedule (localSearch.ts:
 * simulated annealing with the model's objective, a number of moves proportional to the
 * schedule's size) and HiGHS started from its result: a large-neighbourhood search
 * (windows of days, a PGY level's or the faculty's weeks, and windows of two resident
 * levels, each re-solved with the rest fixed), bounded by the linear relaxation.
 *
 * With the stopping rule the neighbourhood search starts at once from a complete start
 * (the tree search seldom beats it: equity keeps the relaxation weak), in SEARCHERS
 * workers side by side that share their best schedule (sharedSearch.ts); it gives each
 * sub-solve half a second and ends when the last sub-solves of all of them (a pass, at
 * most ten) gained under MIN_GAIN of the objective together. The tree search, run first
 * when there is no complete start or when searching until the time limit, ends when its
 * gap closes, no better schedule came for TREE_STALL_SEC, or the last GAIN_WINDOW_SEC (a
 * quarter of the time so far, if longer) gained under MIN_GAIN. When the time limit
 * stops HiGHS the best incumbent is used; when it found none, or failed, the local
 * search's schedule is (the seed's "retry with greedy"). Nothing here touches the store.
 */
import { availableParallelism } from 'node:os';
import type { ScheduleSnapshot } from '../domain/snapshot';
import { addDays, daysBetween, eachDate } from '../domain/time';
import { supplyFindings, unfilledFindings, type Finding } from './diagnose';
import { RowState, runGreedy } from './greedy';
import { improveSchedule, type LocalSearchResult } from './localSearch';
import { ScheduleObjective } from './objective';
import { SolveCancelledError, startMip, type MipOutcome, type MipSolver } from './mip';
import { buildModel, metricOf, type LinearModel, type ObjectiveWeights } from './model';
import { buildProblem, type Candidate, type Duty, type EquityGroup, type Problem } from './problem';
import type { SolverStatus } from './solverProtocol';

export type Algorithm = 'optimal' | 'greedy';

export interface GenerateRequest {
  /** The published schedule around the range: at least 28 days either side for history. */
  snapshot: ScheduleSnapshot;
  range: { start: string; end: string };
  algorithm: Algorithm;
  /** For the whole range. */
  timeLimitMs: number;
  seed: number;
  weights: ObjectiveWeights;
  /** Relative MIP gap at which a block counts as solved (default 0.5 %). */
  relGap?: number;
  /**
   * Search until the time limit instead of stopping when the schedule stops improving
   * (the stopping rule below); benchmarks compare the two.
   */
  untilTimeLimit?: boolean;
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
  now: () => number;
}

export interface GeneratedAssignment {
  /** The current assignment's id when the same person keeps the same shift. */
  keepId?: string;
  personId: string;
  serviceId: string;
  shiftTypeId: string;
  date: string;
  role: 'primary' | 'supervising';
}

export interface BlockReport {
  start: string;
  end: string;
  /** What produced the block's schedule. */
  producedBy: Algorithm;
  solverStatus: SolverStatus | 'not_run';
  objective?: number;
  /** Objective of the greedy schedule, before the local search and the solver improved it (same terms as `objective`). */
  greedyObjective?: number;
  bound?: number;
  gap?: number;
  timeMs: number;
  variables: number;
  constraints: number;
  /** Why the greedy schedule was used although the optimal algorithm was asked for. */
  fallbackReason?: string;
}

export interface GenerationResult {
  /** optimal: every block proved optimal within the gap; feasible: a feasible schedule. */
  status: 'optimal' | 'feasible';
  assignments: GeneratedAssignment[];
  blocks: BlockReport[];
  fellBackToGreedy: boolean;
  timeMs: number;
  /** Largest relative gap of any block solved by HiGHS. */
  gap?: number;
}

export class InfeasibleError extends Error {
  constructor(
    readonly findings: Finding[],
    /** The solver proved it; otherwise no schedule was found within the time limit. */
    readonly proven: boolean,
  ) {
    super(
      `${proven ? 'no schedule satisfies every hard rule' : 'no schedule satisfying every hard rule was found within the time limit'}: ` +
        findings
          .slice(0, 8)
          .map((f) => f.message)
          .join('; '),
    );
  }
}

const BLOCK_DAYS = 28;
const LOOKAHEAD_DAYS = 7;
/** The stopping rule's thresholds (see the file comment). */
const TREE_STALL_SEC = 1;
const MIN_GAIN = 0.01;
const GAIN_WINDOW_SEC = 2;
/** Most of a block's budget the local search may use (it usually ends far sooner, after its fixed number of moves). */
const LOCAL_SHARE = 0.25;
/** ...and it ends by this share of the budget, whatever the greedy start used, so the solver keeps its part. */
const LOCAL_UNTIL = 0.7;
/**
 * Free decisions an all-people neighbourhood aims at: the 36-resident month's three-day
 * windows (650-970 of them) ran into the half-second sub-solve limit without a gain, its
 * two-day ones (350-620) mostly solved within it (docs/benchmarks.md).
 */
const WINDOW_COLUMNS = 400;
/**
 * Neighbourhood searches side by side from a complete start, each in a worker of its own:
 * on the demo week a second one found better schedules sooner (docs/benchmarks.md); more
 * would compete with the server's own thread.
 */
const SEARCHERS = Math.min(2, availableParallelism());
/** Two resident levels' neighbourhoods: windows of this many days, starting this many days apart. */
const PAIR_DAYS = 5;
const PAIR_STEP = 2;
/** Below this the solver cannot even load a model: keep the greedy schedule instead. */
const MIN_SOLVER_MS = 250;

/** 28-day blocks from the range's start; a remainder under a week joins the last block. */
export function splitBlocks(range: { start: string; end: string }): { start: string; end: string }[] {
  const total = daysBetween(range.start, range.end) + 1;
  const blocks: { start: string; end: string }[] = [];
  for (let offset = 0; offset < total; offset += BLOCK_DAYS) {
    const remaining = total - offset;
    if (blocks.length > 0 && remaining < 7) {
      blocks[blocks.length - 1]!.end = range.end;
      break;
    }
    blocks.push({ start: addDays(range.start, offset), end: addDays(range.start, Math.min(total, offset + BLOCK_DAYS) - 1) });
  }
  return blocks;
}

export async function generateSchedule(request: GenerateRequest): Promise<GenerationResult> {
  const { snapshot, range, now } = request;
  const began = now();
  const deadline = began + request.timeLimitMs;
  const blocks = splitBlocks(range);
  const earlier: Duty[] = [];
  const carried = new Map<string, { hours: number; calls: number; weekends: number }>();
  const assignments: GeneratedAssignment[] = [];
  const reports: BlockReport[] = [];
  const currentIds = currentAssignmentIds(snapshot, range);

  // Supply checks of every block first: they hold whatever earlier blocks choose, so an
  // impossible request is reported before any solving.
  for (const block of blocks) {
    if (request.signal?.aborted) throw new SolveCancelledError();
    const supply = supplyFindings(snapshot, buildProblem({ snapshot, range, block, earlier: [], carried }));
    if (supply.length > 0) throw new InfeasibleError(supply, true);
  }
  request.onProgress?.(0, `supply checked for ${blocks.length} block(s)`);

  for (let b = 0; b < blocks.length; b++) {
    if (request.signal?.aborted) throw new SolveCancelledError();
    const block = blocks[b]!;
    const blockBegan = now();
    const budget = Math.max(200, (deadline - blockBegan) / (blocks.length - b));
    const report = (fraction: number, message: string) =>
      request.onProgress?.((b + fraction) / blocks.length, `block ${b + 1}/${blocks.length} (${block.start}..${block.end}): ${message}`);

    // Solve a week past the block and keep only the block: the block must leave the next
    // one a feasible start (rest after its last nights and calls, days off owed).
    const lookahead = { start: block.start, end: b + 1 < blocks.length ? addDays(block.end, LOOKAHEAD_DAYS) : block.end };
    const problem = buildProblem({ snapshot, range, block: lookahead, earlier, carried });
    const supply = supplyFindings(snapshot, problem);
    if (supply.length > 0) throw new InfeasibleError(supply, true);
    const model = buildModel(problem, request.weights, request.seed + b);
    report(0.05, `${problem.candidates.length} candidate assignments, ${model.rowLower.length} constraints`);

    // The solver rarely finds a first schedule of a tight block on its own in seconds, so the
    // greedy start may use most of the budget; it stops as soon as it has a complete one.
    const greedyDeadline = blockBegan + (request.algorithm === 'greedy' ? budget : budget * 0.6);
    const greedy = runGreedy(problem, model, request.weights, { seed: request.seed + b, deadline: greedyDeadline, now });
    report(0.2, greedy.unfilled.length === 0 ? 'greedy schedule complete' : `greedy left ${greedy.unfilled.length} slots short`);

    let chosen: number[] | undefined = greedy.unfilled.length === 0 ? greedy.chosen : undefined;
    // The solver's worker loads the model (and, for the neighbourhood search from a
    // complete start, solves the relaxation for its bound) on its own thread meanwhile.
    const fromStart = chosen !== undefined && !request.untilTimeLimit;
    const solver =
      request.algorithm === 'optimal'
        ? startMip(model, { boundFirst: fromStart, boundTimeLimitMs: (blockBegan + budget - now()) * 0.5, searchers: fromStart ? SEARCHERS : 1 })
        : undefined;
    // Local moves first: they take a fraction of a second where the solver needs seconds.
    let polished: LocalSearchResult | undefined;
    try {
      polished =
        chosen && request.algorithm === 'optimal'
          ? improveSchedule(problem, model, chosen, { seed: request.seed + b, deadline: Math.min(now() + budget * LOCAL_SHARE, blockBegan + budget * LOCAL_UNTIL), now })
          : undefined;
    } catch (error) {
      solver?.dispose();
      throw error;
    }
    const greedyObjective = polished ? new ScheduleObjective(model, greedy.chosen).value() : undefined;
    if (polished) chosen = polished.chosen;
    const blockReport: BlockReport = {
      ...block,
      producedBy: 'greedy',
      solverStatus: 'not_run',
      ...(greedyObjective !== undefined ? { greedyObjective } : {}),
      ...(polished ? { objective: polished.objective } : {}),
      timeMs: 0,
      variables: model.colKind.length,
      constraints: model.rowLower.length,
    };
    // Leave room for starting the worker and loading the model inside the budget.
    const solverMs = (blockBegan + budget - now()) * 0.9 - 300;
    if (solver && chosen && solverMs < MIN_SOLVER_MS) {
      solver.dispose();
      blockReport.fallbackReason = 'the time limit was reached before the solver could start';
    } else if (solver) {
      const outcome = await runMip(solver, problem, request, polished, Math.max(MIN_SOLVER_MS, solverMs), (fraction, message) => report(0.2 + 0.8 * fraction, message));
      blockReport.solverStatus = outcome.status;
      if (outcome.status === 'infeasible') {
        const findings = explain(snapshot, problem, model, greedy.chosen, greedy.unfilled);
        if (b > 0)
          findings.unshift({
            constraint: 'rules',
            date: block.start,
            message: `given the schedule chosen for ${range.start}..${addDays(block.start, -1)}, ${block.start}..${block.end} cannot be staffed`,
          });
        throw new InfeasibleError(findings, true);
      }
      const mipChosen = outcome.assignment ? pickChosen(outcome.assignment) : undefined;
      if (mipChosen && satisfies(model, mipChosen)) {
        chosen = mipChosen;
        blockReport.producedBy = 'optimal';
        Object.assign(blockReport, numbers(outcome));
      } else {
        blockReport.fallbackReason = mipChosen
          ? 'the solver returned a schedule that failed the rule check'
          : outcome.error
            ? `the solver failed: ${outcome.error}`
            : `the solver found no schedule (${outcome.status})`;
      }
    }
    if (!chosen) throw new InfeasibleError(explain(snapshot, problem, model, greedy.chosen, greedy.unfilled), false);

    let committed = 0;
    for (const j of chosen) {
      const c = problem.candidates[j]!;
      if (c.date > block.end) continue;
      committed += 1;
      earlier.push(c);
      const load = carried.get(c.personId) ?? { hours: 0, calls: 0, weekends: 0 };
      load.hours += metricOf(c, 'hours');
      load.calls += metricOf(c, 'calls');
      load.weekends += metricOf(c, 'weekends');
      carried.set(c.personId, load);
      assignments.push(toAssignment(c, currentIds));
    }
    blockReport.timeMs = now() - blockBegan;
    reports.push(blockReport);
    report(1, `${blockReport.producedBy === 'optimal' ? `solver ${blockReport.solverStatus}` : 'greedy'} schedule with ${committed} assignments`);
  }

  const gaps = reports.filter((r) => r.gap !== undefined).map((r) => r.gap!);
  return {
    status: reports.every((r) => r.solverStatus === 'optimal' && r.producedBy === 'optimal') ? 'optimal' : 'feasible',
    assignments,
    blocks: reports,
    fellBackToGreedy: request.algorithm === 'optimal' && reports.some((r) => r.producedBy === 'greedy'),
    timeMs: now() - began,
    ...(gaps.length > 0 ? { gap: Math.max(...gaps) } : {}),
  };
}

async function runMip(
  solver: MipSolver,
  problem: Problem,
  request: GenerateRequest,
  start: LocalSearchResult | undefined,
  timeLimitMs: number,
  report: (fraction: number, message: string) => void,
): Promise<MipOutcome> {
  try {
    return await solver.solve({
      timeLimitMs,
      seed: request.seed,
      relGap: request.relGap ?? 0.005,
      // Equity keeps the LP bound low, so the tree search rarely closes the gap: once it
      // stalls, the neighbourhood search improves the schedule faster.
      stallSec: request.untilTimeLimit ? Math.max(1.5, (timeLimitMs / 1000) * 0.1) : TREE_STALL_SEC,
      ...(request.untilTimeLimit ? {} : { minGain: MIN_GAIN, gainWindowSec: GAIN_WINDOW_SEC }),
      ...(start ? { start: start.values, neighbourhoods: neighbourhoods(problem), skipTree: !request.untilTimeLimit } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
      now: request.now,
      onProgress: (p) =>
        report(
          Math.min(1, p.elapsedMs / timeLimitMs),
          `solver ${p.incumbents} incumbent(s)${p.primal !== undefined ? `, objective ${p.primal.toFixed(2)}` : ''}${p.gap !== undefined ? `, gap ${(p.gap * 100).toFixed(1)}%` : ''}`,
        ),
    });
  } catch (error) {
    if (error instanceof SolveCancelledError) throw error;
    return { status: 'unknown', elapsedMs: 0, terminated: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Neighbourhoods for the solver's large-neighbourhood search: windows of two or three days
 * (anyone may trade shifts inside them), weeks within one PGY level or the faculty (where
 * equity is decided), and windows of PAIR_DAYS days of two resident levels, all
 * overlapping. The all-people windows are as long as keeps them near WINDOW_COLUMNS free
 * decisions, so that a sub-solve ends within its time limit rather than being cut off by
 * it, and they hold the equity centres (solverProtocol.ts Neighbourhood), which makes them
 * several times faster; the others leave the centres free, so that a level's load can
 * move, and two levels' can move between them (the demo week's best schedules give one
 * level's shifts to another: docs/benchmarks.md). A pair's windows are left out where they
 * exceed WINDOW_COLUMNS; the demo week's whole-week pairs, near it, mostly ran into the
 * sub-solve limit without a gain. One that frees every decision would be the whole tree
 * search again: left out.
 */
function neighbourhoods(problem: Problem): { free: number[]; holdCentres: boolean }[] {
  const out: { free: number[]; holdCentres: boolean }[] = [];
  const dates = eachDate(problem.block.start, problem.block.end);
  const groupOf = (c: Candidate) => problem.people.get(c.personId)?.group;
  const window = (days: number, from: number, groups?: readonly EquityGroup[]) => {
    const first = dates[from]!;
    const last = dates[Math.min(dates.length - 1, from + days - 1)]!;
    const inside = problem.candidates.filter((c) => c.date >= first && c.date <= last && (groups === undefined || groups.includes(groupOf(c)!)));
    if (inside.length > 0 && inside.length < problem.candidates.length && (groups === undefined || groups.length < 2 || inside.length <= WINDOW_COLUMNS))
      out.push({ free: inside.map((c) => c.index), holdCentres: groups === undefined });
  };
  const days = problem.candidates.length / dates.length > WINDOW_COLUMNS / 3 ? 2 : 3;
  for (let from = 0; from < dates.length - 1; from += days - 1) window(days, from);
  const groups = [...new Set([...problem.people.values()].map((p) => p.group))];
  for (const group of groups) {
    for (let from = 0; from === 0 || from + 4 < dates.length; from += 3) window(7, from, [group]);
  }
  const levels = groups.filter((g) => g !== 'faculty');
  for (let a = 0; a < levels.length; a++) {
    for (let b = a + 1; b < levels.length; b++) {
      for (let from = 0; from === 0 || from + PAIR_DAYS <= dates.length; from += PAIR_STEP) window(PAIR_DAYS, from, [levels[a]!, levels[b]!]);
    }
  }
  return out;
}

function numbers(outcome: MipOutcome): Pick<BlockReport, 'objective' | 'bound' | 'gap'> {
  return {
    ...(outcome.objective !== undefined ? { objective: outcome.objective } : {}),
    ...(outcome.bound !== undefined ? { bound: outcome.bound } : {}),
    ...(outcome.gap !== undefined ? { gap: outcome.gap } : {}),
  };
}

function pickChosen(values: Float64Array): number[] {
  const out: number[] = [];
  values.forEach((v, j) => {
    if (v > 0.5) out.push(j);
  });
  return out;
}

/** Checks a solver answer against every hard row of the model (no trust in tolerances). */
function satisfies(model: LinearModel, chosen: readonly number[]): boolean {
  const state = new RowState(model);
  for (const j of chosen) {
    if (!state.fits(j)) return false;
    state.set(j, 1);
  }
  return state.unmetRows().length === 0;
}

function explain(snapshot: ScheduleSnapshot, problem: Problem, model: LinearModel, chosen: readonly number[], unfilled: readonly number[]): Finding[] {
  const findings = unfilledFindings(snapshot, problem, model, chosen, unfilled);
  return findings.length > 0
    ? findings
    : [{ constraint: 'rules', date: problem.block.start, message: `the hard rules of ${problem.block.start}..${problem.block.end} cannot all be met together` }];
}

function currentAssignmentIds(snapshot: ScheduleSnapshot, range: { start: string; end: string }): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of snapshot.shifts) {
    if (s.date < range.start || s.date > range.end) continue;
    out.set(`${s.personId}|${s.serviceId}|${s.shiftTypeId}|${s.date}`, s.assignmentId);
  }
  return out;
}

function toAssignment(c: Candidate, currentIds: Map<string, string>): GeneratedAssignment {
  const keepId = c.current ? currentIds.get(`${c.personId}|${c.serviceId}|${c.shiftTypeId}|${c.date}`) : undefined;
  return {
    ...(keepId ? { keepId } : {}),
    personId: c.personId,
    serviceId: c.serviceId,
    shiftTypeId: c.shiftTypeId,
    date: c.date,
    role: c.resident ? 'primary' : 'supervising',
  };
}
