/**
 * Resilience tools with the real server's contract: check_utilization_threshold_tool,
 * get_defense_level_tool and run_contingency_analysis_resilience_tool. Where the real tools
 * need caller-supplied numbers, these also compute them from the schedule when omitted, and
 * the contingency analysis is a real N-1/N-2 scan of the schedule.
 */
import { createHash } from 'node:crypto';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { addDays } from '../domain/time';
import { analyzeContingency } from '../rules/contingency';
import { EligibilityIndex } from '../rules/eligibility';
import type { DateRange } from '../rules/person';
import { DEFENSE_ACTIONS, DEFENSE_LEVELS, defenseLevelFor, defenseNumber, scheduleUtilizationInput, utilization, utilizationLevel, type DefenseLevel } from '../rules/resilience';
import { coverageRate, slotFills } from '../rules/slots';
import type { ScheduleStore } from '../store/store';
import { checkRange, dateArg, dateRangeOut, scheduleIdArg } from './args';
import { ToolError } from '../domain/errors';
import { READ_ONLY, registerTool } from './defineTool';
import type { ToolContext } from './context';

const periodArgs = {
  start_date: dateArg('Start of the period read from the schedule (default: today, or the schedule start when today is outside it).').optional(),
  end_date: dateArg('End of the period (default: 27 days after the start, within the schedule).').optional(),
  schedule_id: scheduleIdArg,
};

/** A period inside one schedule: the given dates, else today (or the schedule start) + 27 days. */
function resolvePeriod(store: ScheduleStore, ctx: ToolContext, args: { start_date?: string | undefined; end_date?: string | undefined; schedule_id?: string | undefined }) {
  if (args.start_date && args.end_date) checkRange(args.start_date, args.end_date);
  const today = new Date(ctx.now()).toISOString().slice(0, 10);
  const schedule = store.resolveSchedule({
    ...(args.schedule_id ? { scheduleId: args.schedule_id } : {}),
    ...(args.start_date ? { start: args.start_date } : {}),
    ...(args.end_date ? { end: args.end_date } : {}),
  });
  const start = args.start_date ?? (today >= schedule.start && today <= schedule.end ? today : schedule.start);
  const end = args.end_date ?? addDays(start, 27);
  const period: DateRange = { start: start < schedule.start ? schedule.start : start, end: end > schedule.end ? schedule.end : end };
  if (period.end < period.start) throw new ToolError(`schedule "${schedule.id}" (${schedule.start}..${schedule.end}) does not overlap ${start}..${end}`, 'NOT_FOUND');
  const snapshot = store.snapshot({
    scheduleId: schedule.id,
    start: addDays(period.start, -27) < schedule.start ? schedule.start : addDays(period.start, -27),
    end: addDays(period.end, 27) > schedule.end ? schedule.end : addDays(period.end, 27),
  });
  return { snapshot, period };
}

/** Stable pseudonym, as the real tool reports names (e.g. "Faculty-3fa2c1"). */
function pseudonym(role: string, id: string): string {
  return `${role === 'faculty' ? 'Faculty' : 'Resident'}-${createHash('sha256').update(id).digest('hex').slice(0, 6)}`;
}

export function registerResilienceTools(server: McpServer, ctx: ToolContext, store: ScheduleStore): void {
  registerTool(
    server,
    {
      name: 'check_utilization_threshold_tool',
      title: 'Check faculty utilization',
      description:
        'Queuing-theory utilization: required_blocks / (available_faculty x blocks_per_faculty_per_day x days_in_period). Levels green < 0.70, yellow < 0.80, orange < 0.90, red < 0.95, black >= 0.95; target at most 0.80. ' +
        'Omitted counts are computed from the schedule over the period: faculty half-day blocks the coverage rules require (6 h per block) and the average number of faculty not on leave.',
      input: {
        available_faculty: z.number().int().min(0).max(100_000).optional(),
        required_blocks: z.number().int().min(0).max(10_000_000).optional(),
        blocks_per_faculty_per_day: z.number().positive().max(48).default(2),
        days_in_period: z.number().int().min(1).max(366).optional().describe('Default 1 with explicit counts, else the days of the period.'),
        ...periodArgs,
      },
      output: {
        level: z.enum(['green', 'yellow', 'orange', 'red', 'black']),
        utilization_rate: z.number().min(0).max(1),
        effective_utilization: z.number().min(0).max(1),
        buffer_remaining: z.number().min(0).max(1),
        total_capacity: z.number().int(),
        required_coverage: z.number().int(),
        current_assignments: z.number().int(),
        safe_maximum: z.number().int(),
        wait_time_multiplier: z.number(),
        message: z.string(),
        recommendations: z.array(z.string()),
        severity: z.enum(['healthy', 'warning', 'critical', 'emergency']),
        raw_utilization: z.number().min(0),
        available_faculty: z.number().int(),
        required_blocks: z.number().int(),
        days_in_period: z.number().int(),
        source: z.enum(['arguments', 'schedule', 'mixed']),
        date_range: dateRangeOut.nullable(),
        schedule_id: z.string().nullable(),
        data_version: z.number().int().nullable(),
      },
      annotations: READ_ONLY,
      run(args) {
        const explicit = args.available_faculty !== undefined && args.required_blocks !== undefined;
        let fromSchedule: ReturnType<typeof scheduleUtilizationInput> | undefined;
        let meta: { date_range: [string, string] | null; schedule_id: string | null; data_version: number | null } = { date_range: null, schedule_id: null, data_version: null };
        if (!explicit) {
          const { snapshot, period } = resolvePeriod(store, ctx, args);
          fromSchedule = scheduleUtilizationInput(snapshot, period, slotFills(snapshot, period));
          meta = { date_range: [period.start, period.end], schedule_id: snapshot.schedule.id, data_version: snapshot.dataVersion };
        }
        const input = {
          availableFaculty: args.available_faculty ?? fromSchedule!.availableFaculty,
          requiredBlocks: args.required_blocks ?? fromSchedule!.requiredBlocks,
          blocksPerFacultyPerDay: args.blocks_per_faculty_per_day,
          daysInPeriod: args.days_in_period ?? (explicit ? 1 : fromSchedule!.daysInPeriod),
          ...(explicit ? {} : { currentAssignments: fromSchedule!.currentAssignments }),
        };
        const u = utilization(input);
        return {
          level: u.level,
          utilization_rate: u.utilizationRate,
          effective_utilization: u.effectiveUtilization,
          buffer_remaining: u.bufferRemaining,
          total_capacity: u.totalCapacity,
          required_coverage: u.requiredCoverage,
          current_assignments: u.currentAssignments,
          safe_maximum: u.safeMaximum,
          wait_time_multiplier: u.waitTimeMultiplier,
          message: u.message,
          recommendations: u.recommendations,
          severity: u.severity,
          raw_utilization: u.rawUtilization,
          available_faculty: input.availableFaculty,
          required_blocks: input.requiredBlocks,
          days_in_period: input.daysInPeriod,
          source: explicit ? ('arguments' as const) : args.available_faculty !== undefined || args.required_blocks !== undefined ? ('mixed' as const) : ('schedule' as const),
          ...meta,
        };
      },
    },
    ctx.logger,
  );

  registerTool(
    server,
    {
      name: 'get_defense_level_tool',
      title: 'Defense-in-depth level',
      description:
        'Defense-in-depth level for a coverage rate: >= 0.95 prevention, >= 0.90 control, >= 0.80 safety_systems, >= 0.70 containment, else emergency. ' +
        "current_level comes from the schedule's actual coverage of required positions over the period; recommended_level from coverage_rate when given (else the same). " +
        'escalation_needed when the recommended level is higher than the current one; automation stays on for levels 1-3.',
      input: { coverage_rate: z.number().min(0).max(1).optional(), ...periodArgs },
      output: {
        current_level: z.enum(DEFENSE_LEVELS),
        recommended_level: z.enum(DEFENSE_LEVELS),
        current_level_number: z.number().int().min(1).max(5),
        recommended_level_number: z.number().int().min(1).max(5),
        status: z.enum(['ready', 'active', 'degraded']),
        active_actions: z.array(z.object({ level: z.enum(DEFENSE_LEVELS), action: z.string() })),
        automation_status: z.record(z.string(), z.boolean()),
        escalation_needed: z.boolean(),
        coverage_rate: z.number().min(0).max(1),
        schedule_coverage_rate: z.number().min(0).max(1),
        utilization_level: z.enum(['green', 'yellow', 'orange', 'red', 'black']),
        severity: z.enum(['normal', 'elevated', 'critical']),
        date_range: dateRangeOut,
        schedule_id: z.string(),
        data_version: z.number().int(),
      },
      annotations: READ_ONLY,
      run(args) {
        const { snapshot, period } = resolvePeriod(store, ctx, args);
        const fills = slotFills(snapshot, period);
        const actual = coverageRate(fills).rate;
        const rate = args.coverage_rate ?? actual;
        const current = defenseLevelFor(actual);
        const recommended = defenseLevelFor(rate);
        const worst: DefenseLevel = defenseNumber(recommended) > defenseNumber(current) ? recommended : current;
        const n = defenseNumber(worst);
        const u = utilization(scheduleUtilizationInput(snapshot, period, fills));
        return {
          current_level: current,
          recommended_level: recommended,
          current_level_number: defenseNumber(current),
          recommended_level_number: defenseNumber(recommended),
          status: n >= 3 ? ('active' as const) : ('ready' as const),
          active_actions: DEFENSE_LEVELS.slice(0, n).flatMap((level) => DEFENSE_ACTIONS[level].map((action) => ({ level, action }))),
          automation_status: {
            automated_monitoring: true,
            automated_reassignment: n <= 3,
            automated_notifications: n <= 3,
            manual_control_required: n > 3,
          },
          escalation_needed: defenseNumber(recommended) > defenseNumber(current),
          coverage_rate: Math.round(rate * 10_000) / 10_000,
          schedule_coverage_rate: Math.round(actual * 10_000) / 10_000,
          utilization_level: utilizationLevel(u.rawUtilization),
          severity: n <= 2 ? ('normal' as const) : n === 3 ? ('elevated' as const) : ('critical' as const),
          date_range: [period.start, period.end] as [string, string],
          schedule_id: snapshot.schedule.id,
          data_version: snapshot.dataVersion,
        };
      },
    },
    ctx.logger,
  );

  registerTool(
    server,
    {
      name: 'run_contingency_analysis_resilience_tool',
      title: 'N-1 / N-2 contingency analysis',
      description:
        'Power-grid style scan of the schedule over a 28-day period (default: from today, or from the schedule start when today is outside it): for each person, the shift instances their loss ' +
        'would leave below minimum (N-1), whether anyone else could take them without breaking a rule, and pairs whose joint loss leaves shifts uncoverable (N-2 fatal pairs). ' +
        "critical_faculty_only=false also analyses residents; include_cascade_simulation hands the most critical person's shifts to substitutes one by one.",
      input: {
        analyze_n1: z.boolean().default(true),
        analyze_n2: z.boolean().default(true),
        include_cascade_simulation: z.boolean().default(false),
        critical_faculty_only: z.boolean().default(true),
        max_pairs: z.number().int().min(1).max(1000).default(50),
        ...periodArgs,
      },
      output: {
        analysis_date: z.string(),
        period_start: z.string(),
        period_end: z.string(),
        n1_pass: z.boolean(),
        n1_vulnerabilities: z.array(
          z.object({
            faculty_id: z.string(),
            faculty_name: z.string(),
            role: z.enum(['resident', 'faculty']),
            severity: z.enum(['critical', 'high', 'medium', 'low']),
            affected_blocks: z.number().int(),
            uncoverable_blocks: z.number().int(),
            is_unique_provider: z.boolean(),
            details: z.string(),
            services_affected: z.array(z.string()),
          }),
        ),
        n2_pass: z.boolean(),
        n2_fatal_pairs: z.array(
          z.object({
            faculty_1_id: z.string(),
            faculty_1_name: z.string(),
            faculty_2_id: z.string(),
            faculty_2_name: z.string(),
            uncoverable_blocks: z.number().int(),
            affected_services: z.array(z.string()),
          }),
        ),
        n2_fatal_pairs_total: z.number().int(),
        most_critical_faculty: z.array(z.string()),
        phase_transition_risk: z.enum(['low', 'medium', 'high', 'critical']),
        leading_indicators: z.array(z.string()),
        recommended_actions: z.array(z.string()),
        severity: z.enum(['healthy', 'vulnerable', 'critical']),
        cascade_simulation: z
          .object({
            person_id: z.string(),
            slots_to_cover: z.number().int(),
            covered_by_substitutes: z.number().int(),
            still_uncovered: z.number().int(),
            assignments: z.array(z.object({ slot: z.string(), substitute_id: z.string() })),
          })
          .nullable(),
        slots_analyzed: z.number().int(),
        people_analyzed: z.number().int(),
        coverage_rate: z.number().min(0).max(1),
        schedule_id: z.string(),
        data_version: z.number().int(),
      },
      annotations: READ_ONLY,
      runsLong: true,
      async run(args, call) {
        const { snapshot, period } = resolvePeriod(store, ctx, args);
        const index = new EligibilityIndex(snapshot);
        const result = await analyzeContingency(
          index,
          period,
          {
            n1: args.analyze_n1,
            n2: args.analyze_n2,
            population: args.critical_faculty_only ? 'faculty' : 'all',
            cascade: args.include_cascade_simulation,
            maxPairs: args.max_pairs,
          },
          { progress: (done, total) => call.progress(done, total, 'finding substitutes'), checkCancelled: () => call.checkCancelled() },
        );
        const role = (id: string) => snapshot.peopleById.get(id)!.role;
        const n1Pass = !result.n1.some((v) => v.severity === 'critical');
        const n2Pass = result.n2Total === 0;
        const coverage = coverageRate(slotFills(snapshot, period)).rate;
        const indicators: string[] = [];
        if (result.n1.length > 3) indicators.push(`${result.n1.length} people are single points of failure for at least one shift`);
        if (result.n2Total > 5) indicators.push(`${result.n2Total} pairs whose joint absence leaves shifts uncoverable`);
        if (coverage < 0.95) indicators.push(`coverage of required positions is ${Math.round(coverage * 1000) / 10}% (below 95%)`);
        if (!n1Pass) indicators.push('at least one loss leaves a shift with nobody eligible to cover it');
        const risk: 'low' | 'medium' | 'high' | 'critical' = indicators.length >= 3 ? 'critical' : indicators.length === 2 ? 'high' : indicators.length === 1 ? 'medium' : 'low';
        const critical = result.n1.filter((v) => v.severity === 'critical');
        const actions: string[] = [];
        for (const v of critical.slice(0, 5)) {
          actions.push(
            `cross-train or credential a backup for ${v.servicesAffected.join(', ')}: losing ${v.personId} leaves ${v.uncoverableBlocks} shift(s) nobody else can take (${v.uncoverableSlots.slice(0, 3).join('; ')})`,
          );
        }
        if (result.n2Total > 0) actions.push(`review the ${result.n2Total} fatal pair(s): avoid approving leave for both members of a pair at once`);
        if (coverage < 0.95) actions.push('fill the open shifts in the period before adding new work');
        if (actions.length === 0) actions.push('no action needed: every single loss can be covered');
        return {
          analysis_date: new Date(ctx.now()).toISOString().slice(0, 10),
          period_start: period.start,
          period_end: period.end,
          n1_pass: n1Pass,
          n1_vulnerabilities: result.n1.map((v) => ({
            faculty_id: v.personId,
            faculty_name: pseudonym(v.role, v.personId),
            role: v.role,
            severity: v.severity,
            affected_blocks: v.affectedBlocks,
            uncoverable_blocks: v.uncoverableBlocks,
            is_unique_provider: v.uncoverableBlocks > 0,
            details:
              v.uncoverableBlocks > 0
                ? `losing ${v.personId} leaves ${v.affectedBlocks} shift(s) short, ${v.uncoverableBlocks} with nobody eligible to cover`
                : `losing ${v.personId} leaves ${v.affectedBlocks} shift(s) short; substitutes exist for all of them`,
            services_affected: v.servicesAffected,
          })),
          n2_pass: n2Pass,
          n2_fatal_pairs: result.n2.map((p) => ({
            faculty_1_id: p.a,
            faculty_1_name: pseudonym(role(p.a), p.a),
            faculty_2_id: p.b,
            faculty_2_name: pseudonym(role(p.b), p.b),
            uncoverable_blocks: p.uncoverableBlocks,
            affected_services: p.affectedServices,
          })),
          n2_fatal_pairs_total: result.n2Total,
          most_critical_faculty: result.n1.slice(0, 5).map((v) => v.personId),
          phase_transition_risk: risk,
          leading_indicators: indicators,
          recommended_actions: actions,
          severity: !n1Pass ? ('critical' as const) : !n2Pass ? ('vulnerable' as const) : ('healthy' as const),
          cascade_simulation: result.cascade
            ? {
                person_id: result.cascade.personId,
                slots_to_cover: result.cascade.slotsToCover,
                covered_by_substitutes: result.cascade.coveredBySubstitutes,
                still_uncovered: result.cascade.stillUncovered,
                assignments: result.cascade.assignments.map((a) => ({ slot: a.slot, substitute_id: a.substituteId })),
              }
            : null,
          slots_analyzed: result.slotsAnalyzed,
          people_analyzed: result.peopleAnalyzed,
          coverage_rate: Math.round(coverage * 10_000) / 10_000,
          schedule_id: snapshot.schedule.id,
          data_version: snapshot.dataVersion,
        };
      },
    },
    ctx.logger,
  );
}
