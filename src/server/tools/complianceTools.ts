/**
 * ACGME compliance tools with the real server's contract: validate_schedule_tool,
 * validate_schedule_by_id_tool, detect_conflicts_tool, plus quick_validate_schedule_tool
 * (80-hour rule and coverage only: the orchestrator's fast fallback). Every result names
 * the schedule it read and the data version it saw.
 *
 * `is_valid` is true when there is no critical issue (warnings such as "approaching the
 * limit" or the 8-hour "should" rule do not invalidate a schedule); validate_schedule_by_id
 * with constraint_config "strict" also fails on warnings.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { ScheduleSnapshot } from '../domain/snapshot';
import { ALL_RULES, runValidation, selectRules, type RuleFamily, type ValidationReport } from '../rules/engine';
import type { Finding } from '../rules/findings';
import { RULES, type RuleKey } from '../rules/ruleIds';
import type { ScheduleStore } from '../store/store';
import type { ContextRange } from '../generation/contextSnapshot';
import { dateArg, dateRangeOut, focusedSnapshot, idArg, scheduleIdArg, type FocusedSnapshot } from './args';
import { READ_ONLY, registerTool, type CallContext } from './defineTool';
import type { ToolContext } from './context';

const severity = z.enum(['critical', 'warning', 'info']);

const issueOut = z.object({
  severity,
  rule_type: z.string().describe('The rule id reported to users (VI.F numbering unless the program maps it).'),
  person_id: z.string().nullable(),
  role: z.string().nullable().describe("The person's role (resident, faculty), null for a slot finding."),
  date_range: dateRangeOut.nullable(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
  suggested_fix: z.string().nullable(),
  finding_id: z.string(),
  rule_key: z.string(),
  source: z.enum(['acgme', 'local_policy', 'coverage', 'conflict']),
  measured: z.number(),
  limit: z.number(),
  excess: z.number(),
  unit: z.string(),
  window: z.object({ start: z.string(), end: z.string() }),
  assignment_ids: z.array(z.string()),
});

/** The dates read around the checked range for the rolling windows (contextSnapshot.ts). */
const contextOut = z
  .array(z.object({ start: z.string(), end: z.string(), schedule_id: z.string() }))
  .describe('Dates read as context around date_range: every 28-day window overlapping date_range is judged, and findings are reported only when their window overlaps it.');

const validationOut = {
  is_valid: z.boolean(),
  overall_compliance_rate: z.number().min(0).max(1).describe('Share of residents scheduled in the range without a critical issue.'),
  total_issues: z.number().int(),
  critical_issues: z.number().int(),
  warning_issues: z.number().int(),
  info_issues: z.number().int(),
  issues: z.array(issueOut),
  issues_truncated: z.boolean(),
  validated_at: z.string(),
  date_range: dateRangeOut,
  coverage_rate: z.number().min(0).max(1),
  residents_checked: z.number().int(),
  shifts_checked: z.number().int(),
  rules_checked: z.array(z.string()),
  mode: z.enum(['full', 'quick']),
  schedule_id: z.string(),
  data_version: z.number().int(),
  context: contextOut,
};

const MAX_ISSUES = 500;
const maxIssuesArg = z.number().int().min(1).max(5000).default(MAX_ISSUES).describe('At most this many issues are returned (most severe first); counts are always complete.');

function issue(f: Finding, snapshot: ScheduleSnapshot): z.infer<typeof issueOut> {
  return {
    severity: f.severity,
    rule_type: f.ruleId,
    person_id: f.personId,
    role: f.personId ? (snapshot.peopleById.get(f.personId)?.role ?? null) : null,
    date_range: f.dateRange,
    message: f.message,
    details: f.details,
    suggested_fix: f.suggestedFix || null,
    finding_id: f.id,
    rule_key: f.key,
    source: f.source,
    measured: f.measured,
    limit: f.limit,
    excess: f.excess,
    unit: f.unit,
    window: f.window,
    assignment_ids: f.assignmentIds,
  };
}

function contextOf(list: readonly ContextRange[]): z.infer<typeof contextOut> {
  return list.map((c) => ({ start: c.start, end: c.end, schedule_id: c.scheduleId }));
}

function validationResult(report: ValidationReport, focused: FocusedSnapshot, rules: ReadonlySet<RuleKey>, mode: 'full' | 'quick', now: number, maxIssues: number) {
  const { snapshot } = focused;
  const compliant = report.residentsScheduled === 0 ? 1 : report.residentsCompliant / report.residentsScheduled;
  return {
    is_valid: report.counts.critical === 0,
    overall_compliance_rate: Math.round(compliant * 10_000) / 10_000,
    total_issues: report.findings.length,
    critical_issues: report.counts.critical,
    warning_issues: report.counts.warning,
    info_issues: report.counts.info,
    issues: report.findings.slice(0, maxIssues).map((f) => issue(f, snapshot)),
    issues_truncated: report.findings.length > maxIssues,
    validated_at: new Date(now).toISOString(),
    date_range: [report.focus.start, report.focus.end] as [string, string],
    coverage_rate: Math.round(report.coverage.rate * 10_000) / 10_000,
    residents_checked: report.residentsScheduled,
    shifts_checked: report.shiftsInFocus,
    rules_checked: [...rules].map((k) => RULES[k].defaultId + ' ' + k).sort(),
    mode,
    schedule_id: focused.schedule.id,
    data_version: snapshot.dataVersion,
    context: contextOf(focused.context),
  };
}

function hooks(call: CallContext) {
  return { progress: (done: number, total: number) => call.progress(done, total, 'validating'), checkCancelled: () => call.checkCancelled() };
}

export const CONFLICT_TYPES = ['double_booking', 'work_hour_violation', 'rest_period_violation', 'supervision_gap', 'leave_overlap', 'credential_mismatch'] as const;
type ConflictType = (typeof CONFLICT_TYPES)[number];

const CONFLICT_OF: Partial<Record<RuleKey, ConflictType>> = {
  double_booking: 'double_booking',
  weekly_hours: 'work_hour_violation',
  call_frequency: 'work_hour_violation',
  continuous_duty: 'work_hour_violation',
  moonlighting_pgy1: 'work_hour_violation',
  one_day_in_seven: 'work_hour_violation',
  local_max_consecutive_duty_days: 'work_hour_violation',
  local_max_consecutive_nights: 'work_hour_violation',
  rest_after_call: 'rest_period_violation',
  rest_between_shifts: 'rest_period_violation',
  local_rest_after_call: 'rest_period_violation',
  supervision_pgy1: 'supervision_gap',
  local_supervision_ratio: 'supervision_gap',
  leave_overlap: 'leave_overlap',
  credential_mismatch: 'credential_mismatch',
};

const resolutionOut = z.object({
  option_id: z.string(),
  action: z.enum(['reassign', 'remove', 'reschedule', 'add_staff']),
  description: z.string(),
  assignment_id: z.string().nullable(),
  candidate_person_id: z.string().nullable(),
});

export function registerComplianceTools(server: McpServer, ctx: ToolContext, store: ScheduleStore): void {
  registerTool(
    server,
    {
      name: 'validate_schedule_tool',
      title: 'Validate schedule (ACGME)',
      description:
        'ACGME duty-hour check of the schedule for a date range: 80 h/week averaged over rolling 28-day windows (88 h with a VI.F.4 exception), ' +
        'one day in seven free, 24+4 continuous duty, 14 h free after 24-hour call, 8 h between shifts (warning), call every third night, PGY-1 moonlighting and supervision; ' +
        "plus the program's local policies (reported as local_policy), coverage minimums and conflicts. Each issue has the measured value, the limit, the excess and a concrete suggested fix.",
      input: {
        start_date: dateArg('First date to check (YYYY-MM-DD).'),
        end_date: dateArg('Last date to check (YYYY-MM-DD), at most 366 days after start_date.'),
        check_work_hours: z.boolean().default(true).describe('80-hour average, call frequency, 24+4, moonlighting.'),
        check_supervision: z.boolean().default(true).describe('PGY-1 supervision and supervision ratios.'),
        check_rest_periods: z.boolean().default(true).describe('14 h after call, 8 h between shifts.'),
        check_consecutive_duty: z.boolean().default(true).describe('One day in seven, consecutive days and nights.'),
        check_coverage: z.boolean().default(true).describe('Shifts staffed below their minimum.'),
        check_conflicts: z.boolean().default(true).describe('Double booking, leave overlap, credential mismatch.'),
        include_suggestions: z.boolean().default(true).describe('Name substitutes in suggested fixes.'),
        schedule_id: scheduleIdArg,
        max_issues: maxIssuesArg,
      },
      output: validationOut,
      annotations: READ_ONLY,
      async run(args, call) {
        const families: RuleFamily[] = [];
        if (args.check_work_hours) families.push('work_hours');
        if (args.check_supervision) families.push('supervision');
        if (args.check_rest_periods) families.push('rest');
        if (args.check_consecutive_duty) families.push('consecutive_duty');
        if (args.check_coverage) families.push('coverage');
        if (args.check_conflicts) families.push('conflicts');
        const rules = selectRules(families);
        const focused = focusedSnapshot(store, { start: args.start_date, end: args.end_date, ...(args.schedule_id ? { scheduleId: args.schedule_id } : {}) });
        const report = await runValidation(focused.snapshot, { focus: focused.focus, rules, suggestions: args.include_suggestions }, hooks(call));
        return validationResult(report, focused, rules, 'full', ctx.now(), args.max_issues);
      },
    },
    ctx.logger,
  );

  const quickRules: ReadonlySet<RuleKey> = new Set(['weekly_hours', 'coverage_minimum']);
  registerTool(
    server,
    {
      name: 'quick_validate_schedule_tool',
      title: 'Quick validation (80-hour rule and coverage)',
      description:
        'A fast, reduced check for when full validation is too slow: only the 80-hour weekly average over rolling 28-day windows and coverage minimums, without suggestions. Same result fields as validate_schedule_tool, mode "quick".',
      input: {
        start_date: dateArg('First date to check (YYYY-MM-DD).'),
        end_date: dateArg('Last date to check (YYYY-MM-DD), at most 366 days after start_date.'),
        schedule_id: scheduleIdArg,
        max_issues: maxIssuesArg,
      },
      output: validationOut,
      annotations: READ_ONLY,
      async run(args, call) {
        const focused = focusedSnapshot(store, { start: args.start_date, end: args.end_date, ...(args.schedule_id ? { scheduleId: args.schedule_id } : {}) });
        const report = await runValidation(focused.snapshot, { focus: focused.focus, rules: quickRules, suggestions: false }, hooks(call));
        return validationResult(report, focused, quickRules, 'quick', ctx.now(), args.max_issues);
      },
    },
    ctx.logger,
  );

  const CONFIGS = {
    default: ALL_RULES,
    minimal: new Set<RuleKey>([...ALL_RULES].filter((k) => RULES[k].source === 'acgme' && k !== 'approaching_weekly_hours')),
    strict: ALL_RULES,
    resilience: selectRules(['coverage', 'supervision']),
  } as const;

  registerTool(
    server,
    {
      name: 'validate_schedule_by_id_tool',
      title: 'Validate a stored schedule or draft',
      description:
        'Validates a whole stored schedule or draft by id with a named constraint configuration: "default" (every rule), "minimal" (ACGME musts only), ' +
        '"strict" (every rule; warnings also make it invalid), "resilience" (coverage and supervision only).',
      input: {
        schedule_id: idArg('The schedule or draft to validate.'),
        constraint_config: z.enum(['default', 'minimal', 'strict', 'resilience']).default('default'),
        include_suggestions: z.boolean().default(true),
        max_issues: maxIssuesArg,
      },
      output: {
        schedule_id: z.string(),
        is_valid: z.boolean(),
        compliance_rate: z.number().min(0).max(1).describe('Share of scheduled residents without a critical issue.'),
        coverage_rate: z.number().min(0).max(1),
        total_issues: z.number().int(),
        critical_count: z.number().int(),
        warning_count: z.number().int(),
        info_count: z.number().int(),
        issues: z.array(
          z.object({
            severity,
            rule_type: z.string(),
            message: z.string(),
            constraint_name: z.string(),
            affected_entity_ref: z.string().nullable(),
            date_context: z.string().nullable(),
            details: z.record(z.string(), z.unknown()),
            suggested_action: z.string().nullable(),
          }),
        ),
        issues_truncated: z.boolean(),
        validated_at: z.string(),
        constraint_config: z.string(),
        metadata: z.object({ source: z.literal('store'), schedule_status: z.enum(['published', 'draft']), date_range: dateRangeOut, rules_checked: z.number().int() }),
        data_version: z.number().int(),
        context: contextOut,
      },
      annotations: READ_ONLY,
      async run(args, call) {
        const { snapshot, focus, schedule, context } = focusedSnapshot(store, { scheduleId: args.schedule_id });
        const rules = CONFIGS[args.constraint_config];
        const report = await runValidation(snapshot, { focus, rules, suggestions: args.include_suggestions }, hooks(call));
        const strict = args.constraint_config === 'strict';
        const compliant = report.residentsScheduled === 0 ? 1 : report.residentsCompliant / report.residentsScheduled;
        return {
          schedule_id: schedule.id,
          is_valid: report.counts.critical === 0 && (!strict || report.counts.warning === 0),
          compliance_rate: Math.round(compliant * 10_000) / 10_000,
          coverage_rate: Math.round(report.coverage.rate * 10_000) / 10_000,
          total_issues: report.findings.length,
          critical_count: report.counts.critical,
          warning_count: report.counts.warning,
          info_count: report.counts.info,
          issues: report.findings.slice(0, args.max_issues).map((f) => ({
            severity: f.severity,
            rule_type: f.ruleId,
            message: f.message,
            constraint_name: `${f.key}: ${RULES[f.key].title}`,
            affected_entity_ref:
              f.personId ?? (typeof f.details.service_id === 'string' ? `${f.details.service_id}/${String(f.details.shift_type_id)}/${String(f.details.date)}` : null),
            date_context: f.dateRange[0] === f.dateRange[1] ? f.dateRange[0] : `${f.dateRange[0]}..${f.dateRange[1]}`,
            details: { ...f.details, measured: f.measured, limit: f.limit, excess: f.excess, unit: f.unit, source: f.source, assignment_ids: f.assignmentIds },
            suggested_action: f.suggestedFix || null,
          })),
          issues_truncated: report.findings.length > args.max_issues,
          validated_at: new Date(ctx.now()).toISOString(),
          constraint_config: args.constraint_config,
          metadata: { source: 'store' as const, schedule_status: schedule.status, date_range: [focus.start, focus.end] as [string, string], rules_checked: rules.size },
          data_version: snapshot.dataVersion,
          context: contextOf(context),
        };
      },
    },
    ctx.logger,
  );

  registerTool(
    server,
    {
      name: 'detect_conflicts_tool',
      title: 'Detect scheduling conflicts',
      description:
        'Lists conflicts in a date range: double_booking (overlapping shifts), work_hour_violation (80-hour average, call frequency, 24+4, days off, moonlighting), ' +
        'rest_period_violation, supervision_gap, leave_overlap (shift during blocking leave) and credential_mismatch. ' +
        'A conflict is auto-resolvable when someone was found who could take the shift without breaking a rule; its resolution options name them.',
      input: {
        start_date: dateArg('First date (YYYY-MM-DD).'),
        end_date: dateArg('Last date (YYYY-MM-DD), at most 366 days after start_date.'),
        conflict_types: z.array(z.enum(CONFLICT_TYPES)).max(CONFLICT_TYPES.length).nullable().default(null).describe('Only these types; all when null.'),
        include_auto_resolution: z.boolean().default(true),
        schedule_id: scheduleIdArg,
        max_conflicts: maxIssuesArg,
      },
      output: {
        total_conflicts: z.number().int(),
        conflicts_by_type: z.object(Object.fromEntries(CONFLICT_TYPES.map((t) => [t, z.number().int()])) as Record<ConflictType, z.ZodNumber>),
        conflicts: z.array(
          z.object({
            conflict_id: z.string(),
            conflict_type: z.enum(CONFLICT_TYPES),
            severity,
            affected_people: z.array(z.string()),
            date_range: dateRangeOut,
            description: z.string(),
            auto_resolution_available: z.boolean(),
            resolution_options: z.array(resolutionOut),
            rule_type: z.string(),
            assignment_ids: z.array(z.string()),
          }),
        ),
        conflicts_truncated: z.boolean(),
        auto_resolvable_count: z.number().int(),
        detected_at: z.string(),
        date_range: dateRangeOut,
        schedule_id: z.string(),
        data_version: z.number().int(),
      },
      annotations: READ_ONLY,
      async run(args, call) {
        const wanted = new Set<ConflictType>(args.conflict_types ?? CONFLICT_TYPES);
        const rules = new Set<RuleKey>((Object.keys(CONFLICT_OF) as RuleKey[]).filter((k) => wanted.has(CONFLICT_OF[k]!)));
        const { snapshot, focus } = focusedSnapshot(store, { start: args.start_date, end: args.end_date, ...(args.schedule_id ? { scheduleId: args.schedule_id } : {}) });
        const report = await runValidation(snapshot, { focus, rules, suggestions: args.include_auto_resolution }, hooks(call));
        const conflicts = report.findings.map((f) => {
          const subs = Array.isArray(f.details.substitutes) ? (f.details.substitutes as string[]) : [];
          const moved = f.assignmentIds[0] ?? null;
          const options: z.infer<typeof resolutionOut>[] = subs.map((personId, i) => ({
            option_id: `${f.id}#${i + 1}`,
            action: 'reassign' as const,
            description: `reassign ${moved} to ${personId}`,
            assignment_id: moved,
            candidate_person_id: personId,
          }));
          if (f.key === 'moonlighting_pgy1' || f.key === 'leave_overlap') {
            options.push({ option_id: `${f.id}#remove`, action: 'remove', description: `remove ${moved}`, assignment_id: moved, candidate_person_id: null });
          }
          if (f.key === 'supervision_pgy1' || f.key === 'local_supervision_ratio') {
            options.push({ option_id: `${f.id}#staff`, action: 'add_staff', description: f.suggestedFix, assignment_id: null, candidate_person_id: null });
          }
          return {
            conflict_id: f.id,
            conflict_type: CONFLICT_OF[f.key]!,
            severity: f.severity,
            affected_people: f.personId ? [f.personId] : [...new Set(snapshot.shifts.filter((s) => f.assignmentIds.includes(s.assignmentId)).map((s) => s.personId))],
            date_range: f.dateRange,
            description: `${f.message}. Suggested: ${f.suggestedFix}`,
            auto_resolution_available: args.include_auto_resolution && subs.length > 0,
            resolution_options: options,
            rule_type: f.ruleId,
            assignment_ids: f.assignmentIds,
          };
        });
        const byType = Object.fromEntries(CONFLICT_TYPES.map((t) => [t, conflicts.filter((c) => c.conflict_type === t).length])) as Record<ConflictType, number>;
        return {
          total_conflicts: conflicts.length,
          conflicts_by_type: byType,
          conflicts: conflicts.slice(0, args.max_conflicts),
          conflicts_truncated: conflicts.length > args.max_conflicts,
          auto_resolvable_count: conflicts.filter((c) => c.auto_resolution_available).length,
          detected_at: new Date(ctx.now()).toISOString(),
          date_range: [focus.start, focus.end] as [string, string],
          schedule_id: snapshot.schedule.id,
          data_version: snapshot.dataVersion,
        };
      },
    },
    ctx.logger,
  );
}
