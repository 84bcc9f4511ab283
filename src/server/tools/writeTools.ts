/**
 * The write tools: schedule generation into drafts, draft preview, publish and rollback,
 * the swap lifecycle, and the audit log. Every write takes the caller's `actor` and the
 * `expected_data_version` it read (a stale one is refused with CONFLICT and nothing
 * changes) and returns the `data_version` after the write and the `schedule_id`.
 * Failures are ToolErrors with a code: CONFLICT, NOT_FOUND, INVALID_STATUS, LOCKED,
 * INFEASIBLE, NO_SCHEDULE_FOUND, ROLLBACK_WINDOW_EXPIRED, VALIDATION_FAILED, REASON_REQUIRED,
 * FORBIDDEN, CANCELLED, INVALID_INPUT.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { DEFAULT_WEIGHTS } from '../generation/model';
import type { ScheduleMetrics } from '../generation/metrics';
import { draftPreview, publishDraft, rollbackPublish, runGeneration, type ServiceDeps } from '../generation/service';
import {
  cancelSwap,
  decideSwap,
  executeSwap,
  getSwap,
  recordConsent,
  requestSwap,
  rollbackSwap,
  scheduleOfAssignment,
  swapHistory,
  type SwapWriteResult,
} from '../swaps/service';
import type { SwapRecord } from '../domain/swap';
import { validateSwap } from '../swaps/validate';
import type { ScheduleStore } from '../store/store';
import { dateArg, dateRangeOut, idArg, scheduleIdArg } from './args';
import type { ToolContext } from './context';
import { ToolError } from '../domain/errors';
import { READ_ONLY, registerTool, type ToolAnnotations } from './defineTool';

/** Writes a draft or a request: changes data, destroys nothing. */
const WRITE: ToolAnnotations = { readOnlyHint: false, destructiveHint: false, idempotentHint: false };
/** Replaces or restores schedule data. */
const DESTRUCTIVE: ToolAnnotations = { readOnlyHint: false, destructiveHint: true, idempotentHint: false };

const actorArg = z.string().trim().min(1).max(100).describe('Who makes the change (recorded in the audit log).');
const versionArg = z.number().int().min(0).describe('The data_version the caller last read; the write is refused with CONFLICT when the data changed since.');

const issueOut = z.object({ code: z.string(), message: z.string() });

const metricsOut = z.object({
  hard_violations: z.number().int().describe('Critical and warning-level rule breaches found by the rule engine (must be 0).'),
  warnings: z.number().int().describe('Advisory findings: approaching the hour limit, less than 8 hours between shifts (VI.F.2.a "should").'),
  warnings_by_rule: z.record(z.string(), z.number().int()),
  violations_by_rule: z.record(z.string(), z.number().int()),
  violation_examples: z.array(z.string()),
  coverage: z.object({ rate: z.number(), required: z.number().int(), filled: z.number().int(), complete: z.boolean() }),
  equity: z.record(
    z.string(),
    z.object({
      people: z.number().int(),
      gini_hours: z.number(),
      gini_hours_per_available_day: z.number(),
      gini_calls: z.number(),
      gini_weekends: z.number(),
      mean_hours: z.number(),
      min_hours: z.number(),
      max_hours: z.number(),
    }),
  ),
  changes: z.object({ added: z.number().int(), removed: z.number().int(), total: z.number().int(), people_affected: z.number().int() }),
});

function metricsResult(m: ScheduleMetrics): z.infer<typeof metricsOut> {
  return { ...m, equity: { ...m.equity } as z.infer<typeof metricsOut>['equity'] };
}

const swapOut = z.object({
  swap_id: z.string(),
  schedule_id: z.string(),
  swap_type: z.enum(['one_to_one', 'absorb']),
  status: z.enum(['pending', 'approved', 'executed', 'rejected', 'cancelled', 'rolled_back']),
  requester_id: z.string(),
  assignment_id: z.string(),
  target_person_id: z.string(),
  target_assignment_id: z.string().nullable(),
  dates: z.array(z.string()),
  requested_at: z.string(),
  requested_by: z.string(),
  decided_at: z.string().nullable(),
  decided_by: z.string().nullable(),
  executed_at: z.string().nullable(),
  executed_by: z.string().nullable(),
  backup_id: z.string().nullable(),
  rollback_deadline: z.string().nullable(),
  rolled_back_at: z.string().nullable(),
  rolled_back_by: z.string().nullable(),
  reason: z.string().nullable(),
  decision_reason: z.string().nullable(),
  touches_locked_period: z.boolean(),
  warnings: z.array(issueOut),
  match: z
    .object({ score: z.number(), ranking_score: z.number(), mutual: z.boolean(), factors: z.record(z.string(), z.number()) })
    .nullable()
    .describe('The score analyze_swap_candidates_tool gives this swap, when it is among its candidates.'),
  consents: z.array(z.object({ person_id: z.string(), role: z.enum(['requester', 'candidate', 'coordinator']), approved: z.boolean().nullable(), responded_at: z.string().nullable(), notes: z.string().nullable() })),
});

function swapResult(s: SwapRecord): z.infer<typeof swapOut> {
  return {
    swap_id: s.id,
    schedule_id: s.scheduleId,
    swap_type: s.swapType,
    status: s.status,
    requester_id: s.requesterId,
    assignment_id: s.assignmentId,
    target_person_id: s.targetPersonId,
    target_assignment_id: s.targetAssignmentId ?? null,
    dates: s.details.dates,
    requested_at: s.requestedAt,
    requested_by: s.requestedBy,
    decided_at: s.decidedAt ?? null,
    decided_by: s.decidedBy ?? null,
    executed_at: s.executedAt ?? null,
    executed_by: s.executedBy ?? null,
    backup_id: s.backupId ?? null,
    rollback_deadline: s.rollbackDeadline ?? null,
    rolled_back_at: s.rolledBackAt ?? null,
    rolled_back_by: s.rolledBackBy ?? null,
    reason: s.reason ?? null,
    decision_reason: s.details.decision_reason ?? null,
    touches_locked_period: s.details.touches_locked_period,
    warnings: s.details.warnings,
    match: s.details.match ?? null,
    consents: s.consents.map((c) => ({ person_id: c.personId, role: c.role, approved: c.approved, responded_at: c.respondedAt ?? null, notes: c.notes ?? null })),
  };
}

const swapWriteOut = {
  swap: swapOut,
  awaiting: z.array(z.string()).describe('What the swap still waits for.'),
  schedule_id: z.string(),
  data_version: z.number().int(),
};

function swapWrite(r: SwapWriteResult) {
  return { swap: swapResult(r.swap), awaiting: r.awaiting, schedule_id: r.swap.scheduleId, data_version: r.dataVersion };
}

const swapIdArg = idArg('The swap request id (from request_swap_tool).');

export function registerWriteTools(server: McpServer, ctx: ToolContext, store: ScheduleStore): void {
  const deps: ServiceDeps = { store, now: () => ctx.now(), logger: ctx.logger };

  registerTool(
    server,
    {
      name: 'generate_schedule_tool',
      title: 'Generate a schedule draft',
      description:
        'Generates a schedule for a date range or academic block into a new DRAFT (the published schedule is never changed; publish_draft_tool does that). ' +
        'algorithm "optimal" solves a mixed-integer program with HiGHS (hard: every ACGME rule and local policy, absences, coverage, supervision; soft: few changes, equal hours/calls/weekends within each PGY level, preferences), ' +
        'started from the greedy schedule and stopped at the time limit with the best schedule found (or the greedy one); "greedy" is the fast constructive algorithm alone. ' +
        'Sends progress notifications; cancelling stops the solver at once and writes nothing. One generation per schedule at a time (LOCKED otherwise). ' +
        'An impossible request fails with INFEASIBLE naming the binding constraints; NO_SCHEDULE_FOUND when none was found in the time limit without proof that none exists.',
      input: {
        actor: actorArg,
        expected_data_version: versionArg,
        schedule_id: scheduleIdArg,
        start_date: dateArg('First day to generate (with end_date).').optional(),
        end_date: dateArg('Last day to generate (with start_date).').optional(),
        academic_block: z.number().int().min(1).max(13).optional().describe('Four-week academic block from the program\'s academic year start, instead of dates.'),
        algorithm: z.enum(['optimal', 'greedy']).default('optimal'),
        time_limit_seconds: z.number().min(1).max(600).default(30),
        random_seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
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
            greedy_objective: z.number().nullable().describe('Objective of the greedy schedule the solver started from: compare with objective.'),
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
            ? { stability: w.stability, equityHours: w.equity_hours, equityCalls: w.equity_calls, equityWeekends: w.equity_weekends, preferences: w.preferences, shortRest: w.short_rest }
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
    ctx.logger,
  );

  registerTool(
    server,
    {
      name: 'get_draft_preview_tool',
      title: 'Preview a draft',
      description:
        'A draft against the published schedule: per person the assignments added and removed and the hours before and after in the draft\'s range, ' +
        'plus hard violations, coverage, equity and changes of the schedule the draft would make. "stale" means the published schedule changed since the draft was made (publishing is refused).',
      input: {
        draft_id: idArg('The draft (from generate_schedule_tool).'),
        max_people: z.number().int().min(1).max(5000).default(100),
      },
      output: {
        draft_id: z.string(),
        schedule_id: z.string(),
        date_range: dateRangeOut,
        data_version: z.number().int(),
        stale: z.boolean(),
        published_as: z.object({ publish_id: z.string(), rolled_back: z.boolean() }).nullable(),
        people: z.array(
          z.object({
            person_id: z.string(),
            name: z.string(),
            added: z.array(z.object({ date: z.string(), service_id: z.string(), shift_type_id: z.string(), role: z.string() })),
            removed: z.array(z.object({ date: z.string(), service_id: z.string(), shift_type_id: z.string(), role: z.string() })),
            hours_before: z.number(),
            hours_after: z.number(),
          }),
        ),
        metrics: metricsOut,
      },
      annotations: READ_ONLY,
      run(args) {
        const p = draftPreview(deps, args.draft_id, args.max_people);
        return {
          draft_id: p.draftId,
          schedule_id: p.scheduleId,
          date_range: [p.range.start, p.range.end] as [string, string],
          data_version: p.dataVersion,
          stale: p.stale,
          published_as: p.publishedAs ? { publish_id: p.publishedAs.publishId, rolled_back: p.publishedAs.rolledBack } : null,
          people: p.people,
          metrics: metricsResult(p.metrics),
        };
      },
    },
    ctx.logger,
  );

  registerTool(
    server,
    {
      name: 'publish_draft_tool',
      title: 'Publish a draft',
      description:
        "Replaces the published schedule's assignments in the draft's range with the draft's, after a backup of what it replaces. " +
        'Refused with CONFLICT when expected_data_version is stale or the published schedule changed after the draft was made. Can be rolled back within 24 hours (rollback_publish_tool).',
      input: { actor: actorArg, expected_data_version: versionArg, draft_id: idArg('The draft to publish.') },
      output: {
        publish_id: z.string().describe('Id of the backup taken before publishing; give it to rollback_publish_tool.'),
        draft_id: z.string(),
        schedule_id: z.string(),
        data_version: z.number().int(),
        date_range: dateRangeOut,
        rollback_deadline: z.string(),
        changes: z.object({ added: z.number().int(), removed: z.number().int() }),
      },
      annotations: DESTRUCTIVE,
      run(args) {
        const r = publishDraft(deps, args.actor, args.draft_id, args.expected_data_version);
        return {
          publish_id: r.publishId,
          draft_id: r.draftId,
          schedule_id: r.scheduleId,
          data_version: r.dataVersion,
          date_range: [r.range.start, r.range.end] as [string, string],
          rollback_deadline: r.rollbackDeadline,
          changes: r.changes,
        };
      },
    },
    ctx.logger,
  );

  registerTool(
    server,
    {
      name: 'rollback_publish_tool',
      title: 'Roll back a publish',
      description:
        'Restores the published schedule as it was before a publish, within 24 hours of it (ROLLBACK_WINDOW_EXPIRED after) and only while nothing else changed the schedule since (CONFLICT). A backup of the state it replaces is kept.',
      input: { actor: actorArg, expected_data_version: versionArg, publish_id: idArg('The publish_id from publish_draft_tool.') },
      output: {
        publish_id: z.string(),
        backup_id: z.string().describe('Backup of the state the rollback replaced.'),
        schedule_id: z.string(),
        data_version: z.number().int(),
        date_range: dateRangeOut,
        restored: z.number().int(),
      },
      annotations: DESTRUCTIVE,
      run(args) {
        const r = rollbackPublish(deps, args.actor, args.publish_id, args.expected_data_version);
        return {
          publish_id: r.publishId,
          backup_id: r.backupId,
          schedule_id: r.scheduleId,
          data_version: r.dataVersion,
          date_range: [r.range.start, r.range.end] as [string, string],
          restored: r.restored,
        };
      },
    },
    ctx.logger,
  );

  const proposalArgs = {
    requester_id: idArg('The person giving the assignment away.'),
    assignment_id: idArg("The requester's assignment."),
    swap_type: z.enum(['one_to_one', 'absorb']).describe('one_to_one: the target gives target_assignment_id back; absorb: the target only takes the shift.'),
    target_person_id: idArg('The person taking the assignment.'),
    target_assignment_id: idArg("The target's assignment given back (one_to_one only).").optional(),
    schedule_id: scheduleIdArg,
  };

  registerTool(
    server,
    {
      name: 'request_swap_tool',
      title: 'Request a swap',
      description:
        'Creates a pending swap request after validating the swap on the hypothetical schedule (rule engine: ACGME and local rules, double booking, rest, leave, eligibility; past dates refused; ' +
        'under 14 days away and locked-period dates warned). The requester consents by requesting; the target must consent (record_swap_consent_tool) and a coordinator approve (approve_swap_tool). ' +
        'Includes the match score the swap-candidate analysis gives this swap.',
      input: { actor: actorArg, expected_data_version: versionArg, ...proposalArgs, reason: z.string().max(1000).optional() },
      output: { ...swapWriteOut, validation_warnings: z.array(issueOut) },
      annotations: WRITE,
      run(args) {
        const r = requestSwap(deps, {
          actor: args.actor,
          expectedVersion: args.expected_data_version,
          ...(args.schedule_id !== undefined ? { scheduleId: args.schedule_id } : {}),
          requesterId: args.requester_id,
          assignmentId: args.assignment_id,
          swapType: args.swap_type,
          targetPersonId: args.target_person_id,
          ...(args.target_assignment_id !== undefined ? { targetAssignmentId: args.target_assignment_id } : {}),
          ...(args.reason !== undefined ? { reason: args.reason } : {}),
        });
        return { ...swapWrite(r), validation_warnings: r.validation.warnings };
      },
    },
    ctx.logger,
  );

  registerTool(
    server,
    {
      name: 'validate_swap_tool',
      title: 'Validate a swap',
      description:
        'Checks a swap (a stored request by swap_id, or the proposal itself) on the hypothetical schedule without changing anything. Errors (refused): PAST_DATE, EXTERNAL_CONFLICT (leave), BACK_TO_BACK (rest or continuous duty), ' +
        'DOUBLE_BOOKING, NOT_ELIGIBLE, RULE_VIOLATION (ACGME or local rule), NOT_OWNER, SOURCE_NOT_FOUND, TARGET_NOT_FOUND, ROLE_MISMATCH; warnings: IMMINENT_SWAP (< 14 days), LOCKED_PERIOD, APPROACHING_LIMIT.',
      input: {
        swap_id: swapIdArg.optional(),
        requester_id: proposalArgs.requester_id.optional(),
        assignment_id: proposalArgs.assignment_id.optional(),
        swap_type: proposalArgs.swap_type.optional(),
        target_person_id: proposalArgs.target_person_id.optional(),
        target_assignment_id: proposalArgs.target_assignment_id,
        schedule_id: scheduleIdArg,
      },
      output: {
        valid: z.boolean(),
        errors: z.array(issueOut),
        warnings: z.array(issueOut),
        touches_locked_period: z.boolean(),
        dates: z.array(z.string()),
        moves: z.array(z.object({ assignment_id: z.string(), date: z.string(), service_id: z.string(), shift_type_id: z.string(), from: z.string(), to: z.string() })),
        schedule_id: z.string(),
        data_version: z.number().int(),
      },
      annotations: READ_ONLY,
      run(args) {
        let proposal;
        if (args.swap_id !== undefined) {
          const s = getSwap(store, args.swap_id);
          proposal = { scheduleId: s.scheduleId, swapType: s.swapType, requesterId: s.requesterId, assignmentId: s.assignmentId, targetPersonId: s.targetPersonId, ...(s.targetAssignmentId ? { targetAssignmentId: s.targetAssignmentId } : {}) };
        } else {
          if (!args.requester_id || !args.assignment_id || !args.swap_type || !args.target_person_id) {
            throw new ToolError('give swap_id, or requester_id, assignment_id, swap_type and target_person_id');
          }
          proposal = {
            scheduleId: scheduleOfAssignment(store, args.assignment_id, args.schedule_id),
            swapType: args.swap_type,
            requesterId: args.requester_id,
            assignmentId: args.assignment_id,
            targetPersonId: args.target_person_id,
            ...(args.target_assignment_id ? { targetAssignmentId: args.target_assignment_id } : {}),
          };
        }
        const version = store.dataVersion();
        const v = validateSwap(store, ctx.now(), proposal);
        return {
          valid: v.valid,
          errors: v.errors,
          warnings: v.warnings,
          touches_locked_period: v.touchesLockedPeriod,
          dates: v.dates,
          moves: v.moves.map((m) => ({ assignment_id: m.assignment.id, date: m.assignment.date, service_id: m.assignment.serviceId, shift_type_id: m.assignment.shiftTypeId, from: m.assignment.personId, to: m.to })),
          schedule_id: proposal.scheduleId,
          data_version: version,
        };
      },
    },
    ctx.logger,
  );

  registerTool(
    server,
    {
      name: 'record_swap_consent_tool',
      title: 'Record consent to a swap',
      description: "Records a party's answer to a pending swap (the target, or the requester changing their mind). A refusal rejects the swap.",
      input: {
        actor: actorArg,
        expected_data_version: versionArg,
        swap_id: swapIdArg,
        person_id: idArg('The party answering.'),
        consent: z.boolean(),
        notes: z.string().max(1000).optional(),
      },
      output: swapWriteOut,
      annotations: WRITE,
      run(args) {
        return swapWrite(
          recordConsent(deps, {
            actor: args.actor,
            expectedVersion: args.expected_data_version,
            swapId: args.swap_id,
            personId: args.person_id,
            consent: args.consent,
            ...(args.notes !== undefined ? { notes: args.notes } : {}),
          }),
        );
      },
    },
    ctx.logger,
  );

  registerTool(
    server,
    {
      name: 'approve_swap_tool',
      title: 'Approve or reject a swap',
      description:
        "A coordinator's decision on a pending swap (approve: true or false). Approval needs both parties' consent and a fresh validation; a reason is required when the swap touches the locked period (REASON_REQUIRED). The actor may not be a party.",
      input: { actor: actorArg, expected_data_version: versionArg, swap_id: swapIdArg, approve: z.boolean(), reason: z.string().max(1000).optional() },
      output: swapWriteOut,
      annotations: WRITE,
      run(args) {
        return swapWrite(
          decideSwap(deps, { actor: args.actor, expectedVersion: args.expected_data_version, swapId: args.swap_id, approve: args.approve, ...(args.reason !== undefined ? { reason: args.reason } : {}) }),
        );
      },
    },
    ctx.logger,
  );

  registerTool(
    server,
    {
      name: 'execute_swap_tool',
      title: 'Execute a swap',
      description:
        'Applies an approved swap to the published schedule after re-validating it and backing up the assignments it moves. Of two executions touching the same assignment only one succeeds; the other gets CONFLICT. Can be rolled back within 24 hours.',
      input: { actor: actorArg, expected_data_version: versionArg, swap_id: swapIdArg },
      output: swapWriteOut,
      annotations: DESTRUCTIVE,
      run(args) {
        return swapWrite(executeSwap(deps, { actor: args.actor, expectedVersion: args.expected_data_version, swapId: args.swap_id }));
      },
    },
    ctx.logger,
  );

  registerTool(
    server,
    {
      name: 'rollback_swap_tool',
      title: 'Roll back a swap',
      description: 'Gives the assignments of an executed swap back to their previous owners, within 24 hours of execution (ROLLBACK_WINDOW_EXPIRED after) and only if they did not change since (CONFLICT).',
      input: { actor: actorArg, expected_data_version: versionArg, swap_id: swapIdArg, reason: z.string().max(1000).optional() },
      output: swapWriteOut,
      annotations: DESTRUCTIVE,
      run(args) {
        return swapWrite(
          rollbackSwap(deps, { actor: args.actor, expectedVersion: args.expected_data_version, swapId: args.swap_id, ...(args.reason !== undefined ? { reason: args.reason } : {}) }),
        );
      },
    },
    ctx.logger,
  );

  registerTool(
    server,
    {
      name: 'cancel_swap_tool',
      title: 'Cancel a swap',
      description: 'Withdraws a pending or approved swap request (nothing in the schedule changes).',
      input: { actor: actorArg, expected_data_version: versionArg, swap_id: swapIdArg, reason: z.string().max(1000).optional() },
      output: swapWriteOut,
      annotations: WRITE,
      run(args) {
        return swapWrite(
          cancelSwap(deps, { actor: args.actor, expectedVersion: args.expected_data_version, swapId: args.swap_id, ...(args.reason !== undefined ? { reason: args.reason } : {}) }),
        );
      },
    },
    ctx.logger,
  );

  registerTool(
    server,
    {
      name: 'get_swap_history_tool',
      title: 'Swap history of a person',
      description: 'Swaps a person requested or was asked to take, newest first, with status, consents, decisions, execution and rollback.',
      input: {
        person_id: idArg('The person.'),
        status: z.enum(['pending', 'approved', 'executed', 'rejected', 'cancelled', 'rolled_back']).optional(),
        limit: z.number().int().min(1).max(1000).default(100),
      },
      output: { person_id: z.string(), swaps: z.array(swapOut), counts: z.record(z.string(), z.number().int()), data_version: z.number().int() },
      annotations: READ_ONLY,
      run(args) {
        if (!store.reference().people.some((p) => p.id === args.person_id)) throw new ToolError(`unknown person id "${args.person_id}"`, 'NOT_FOUND');
        const version = store.dataVersion();
        const swaps = swapHistory(store, args.person_id, { limit: args.limit, ...(args.status ? { status: args.status } : {}) });
        const counts: Record<string, number> = {};
        for (const s of swaps) counts[s.status] = (counts[s.status] ?? 0) + 1;
        return { person_id: args.person_id, swaps: swaps.map(swapResult), counts, data_version: version };
      },
    },
    ctx.logger,
  );

  registerTool(
    server,
    {
      name: 'get_audit_log_tool',
      title: 'Audit log',
      description: 'Every write, newest first: who, when, what (action and target), the data version before and after, and details.',
      input: {
        limit: z.number().int().min(1).max(10_000).default(100),
        action: z.string().max(64).optional().describe('e.g. generate_schedule, publish_draft, execute_swap.'),
        target: z.string().max(128).optional().describe('A draft, schedule or swap id.'),
      },
      output: {
        entries: z.array(
          z.object({
            id: z.number().int(),
            at: z.string(),
            actor: z.string(),
            action: z.string(),
            target: z.string().nullable(),
            data_version_before: z.number().int(),
            data_version_after: z.number().int(),
            details: z.record(z.string(), z.unknown()).nullable(),
          }),
        ),
        data_version: z.number().int(),
      },
      annotations: READ_ONLY,
      run(args) {
        const version = store.dataVersion();
        const entries = store.auditLog({ limit: args.limit, ...(args.action ? { action: args.action } : {}), ...(args.target ? { target: args.target } : {}) });
        return {
          entries: entries.map((e) => ({
            id: e.id,
            at: e.at,
            actor: e.actor,
            action: e.action,
            target: e.target ?? null,
            data_version_before: e.versionBefore,
            data_version_after: e.versionAfter,
            details: e.details ?? null,
          })),
          data_version: version,
        };
      },
    },
    ctx.logger,
  );
}
