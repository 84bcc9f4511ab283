/** The schedule generation tools: solve a date range or academic block into a new draft; end a dead or stuck run. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { DEFAULT_WEIGHTS } from '../../generation/model';
import { runGeneration, type ServiceDeps } from '../../generation/service';
import { cancelGeneration } from '../../generation/cancel';
import { dateArg, dateRangeOut, idArg, scheduleIdArg } from '../args';
import { registerTool } from '../defineTool';
import { scheduleLink } from '../storedResources';
import { actorArg, metricsOut, metricsResult, versionArg, WRITE } from './shared';

export function registerGenerateTool(server: McpServer, deps: ServiceDeps): void {
  registerTool(
    server,
    {
      name: 'generate_schedule_tool',
      title: 'Generate a schedule draft',
      description:
        'Generates a schedule for a date range or academic block into a new DRAFT (the published schedule is never changed; publish_draft_tool does that). ' +
        'algorithm "optimal" solves a mixed-integer program with HiGHS (hard: every ACGME rule and local policy, absences, coverage, supervision; soft: few changes, equal hours/calls/weekends within each PGY level, preferences), ' +
        'started from the greedy schedule and stopped at the time limit with the best schedule found (or the greedy one); "greedy" is the fast constructive algorithm alone. ' +
        'Sends progress notifications; cancelling (or tasks/cancel of its task) stops the solver at once and writes nothing. Can run as an MCP task. One generation per schedule at a time (LOCKED otherwise). ' +
        'An impossible request fails with INFEASIBLE naming the binding constraints; NO_SCHEDULE_FOUND when none was found in the time limit without proof that none exists.',
      input: {
        actor: actorArg,
        expected_data_version: versionArg,
        schedule_id: scheduleIdArg,
        start_date: dateArg('First day to generate (with end_date).').optional(),
        end_date: dateArg('Last day to generate (with start_date).').optional(),
        academic_block: z.number().int().min(1).max(13).optional().describe("Four-week academic block from the program's academic year start, instead of dates."),
        algorithm: z.enum(['optimal', 'greedy']).default('optimal'),
        time_limit_seconds: z.number().min(1).max(600).default(30),
        random_seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1)
          .default(1),
        objective_weights: z
          .object({
            stability: z.number().min(0).max(100).default(DEFAULT_WEIGHTS.stability).describe('Per current assignment dropped.'),
            equity_hours: z.number().min(0).max(100).default(DEFAULT_WEIGHTS.equityHours).describe('Per 12 h of deviation from the PGY level (per 4 available weeks).'),
            equity_calls: z.number().min(0).max(100).default(DEFAULT_WEIGHTS.equityCalls),
            equity_weekends: z.number().min(0).max(100).default(DEFAULT_WEIGHTS.equityWeekends),
            preferences: z.number().min(0).max(100).default(DEFAULT_WEIGHTS.preferences).describe('Per shift against a stated preference.'),
            short_rest: z.number().min(0).max(100).default(DEFAULT_WEIGHTS.shortRest).describe('Per pair of shifts less than 8 hours apart (VI.F.2.a "should").'),
          })
          .optional(),
      },
      output: {
        run_id: z.string(),
        draft_id: z.string(),
        schedule_id: z.string(),
        data_version: z.number().int(),
        date_range: dateRangeOut,
        status: z.enum(['optimal', 'feasible']).describe('optimal: every block proved optimal within the gap.'),
        algorithm_requested: z.enum(['optimal', 'greedy']),
        algorithm_used: z.enum(['optimal', 'greedy']),
        fell_back_to_greedy: z.boolean(),
        solver_status: z.string().describe('HiGHS status per block: optimal, time_limit, stalled, not_run (greedy), unknown.'),
        optimality_gap: z.number().nullable().describe('Largest relative MIP gap of the blocks solved by HiGHS.'),
        time_ms: z.number(),
        metrics: metricsOut,
        blocks: z.array(
          z.object({
            start: z.string(),
            end: z.string(),
            produced_by: z.enum(['optimal', 'greedy']),
            solver_status: z.string(),
            objective: z.number().nullable(),
            greedy_objective: z.number().nullable().describe('Objective of the greedy schedule, before the local search and the solver improved it: compare with objective.'),
            bound: z.number().nullable(),
            gap: z.number().nullable(),
            time_ms: z.number(),
            variables: z.number().int(),
            constraints: z.number().int(),
            fallback_reason: z.string().nullable(),
          }),
        ),
      },
      annotations: WRITE,
      runsLong: true,
      links: (r) => [scheduleLink(r.draft_id, `Draft ${r.draft_id} (${r.date_range[0]} to ${r.date_range[1]})`)],
      async run(args, call) {
        const w = args.objective_weights;
        let lastSent = -1;
        const out = await runGeneration(deps, {
          actor: args.actor,
          expectedDataVersion: args.expected_data_version,
          ...(args.schedule_id !== undefined ? { scheduleId: args.schedule_id } : {}),
          ...(args.start_date !== undefined ? { start: args.start_date } : {}),
          ...(args.end_date !== undefined ? { end: args.end_date } : {}),
          ...(args.academic_block !== undefined ? { academicBlock: args.academic_block } : {}),
          algorithm: args.algorithm,
          timeLimitMs: args.time_limit_seconds * 1000,
          seed: args.random_seed,
          weights: w
            ? {
                stability: w.stability,
                equityHours: w.equity_hours,
                equityCalls: w.equity_calls,
                equityWeekends: w.equity_weekends,
                preferences: w.preferences,
                shortRest: w.short_rest,
              }
            : DEFAULT_WEIGHTS,
          signal: call.signal,
          onProgress: (fraction, message) => {
            const done = Math.min(99, Math.round(fraction * 100));
            if (done === lastSent) return;
            lastSent = done;
            void call.progress(done, 100, message);
          },
        });
        return {
          run_id: out.runId,
          draft_id: out.draftId,
          schedule_id: out.scheduleId,
          data_version: out.dataVersion,
          date_range: [out.range.start, out.range.end] as [string, string],
          status: out.status,
          algorithm_requested: args.algorithm,
          algorithm_used: out.algorithmUsed,
          fell_back_to_greedy: out.fellBackToGreedy,
          solver_status: out.solverStatus,
          optimality_gap: out.gap ?? null,
          time_ms: out.timeMs,
          metrics: metricsResult(out.metrics),
          blocks: out.blocks.map((b) => ({
            start: b.start,
            end: b.end,
            produced_by: b.producedBy,
            solver_status: b.solverStatus,
            objective: b.objective ?? null,
            greedy_objective: b.greedyObjective ?? null,
            bound: b.bound ?? null,
            gap: b.gap ?? null,
            time_ms: b.timeMs,
            variables: b.variables,
            constraints: b.constraints,
            fallback_reason: b.fallbackReason ?? null,
          })),
        };
      },
    },
    deps.logger,
  );
}

export function registerCancelGenerationTool(server: McpServer, deps: ServiceDeps): void {
  registerTool(
    server,
    {
      name: 'cancel_generation_tool',
      title: 'Cancel a generation run',
      description:
        'Ends a generation run that holds a schedule: a run of this server is told to stop (it writes no draft); a run whose owner is gone ' +
        '(its process no longer exists on this host, its heartbeat is stale, or its time ran out) has its lock released. A run alive in another ' +
        'process is refused (LOCKED) unless force is true. Audited under the actor; NOT_FOUND when no run holds the schedule.',
      input: {
        actor: actorArg,
        schedule_id: scheduleIdArg.describe('The schedule whose generation run to end.'),
        run_id: idArg('The run id (from the LOCKED error or the generation result).').optional(),
        reason: z.string().max(1000).optional(),
        force: z.boolean().default(false).describe('Release the lock even when its owner looks alive (a hung run).'),
      },
      output: {
        run_id: z.string(),
        schedule_id: z.string(),
        action: z.enum(['aborted', 'released']),
        why: z.string(),
        data_version: z.number().int(),
        audit_id: z.number().int(),
      },
      annotations: WRITE,
      run(args) {
        const out = cancelGeneration(deps.store, deps.now, {
          actor: args.actor,
          force: args.force,
          ...(args.schedule_id !== undefined ? { scheduleId: args.schedule_id } : {}),
          ...(args.run_id !== undefined ? { runId: args.run_id } : {}),
          ...(args.reason !== undefined ? { reason: args.reason } : {}),
        });
        return { run_id: out.runId, schedule_id: out.scheduleId, action: out.action, why: out.why, data_version: out.dataVersion, audit_id: out.auditId };
      },
    },
    deps.logger,
  );
}
