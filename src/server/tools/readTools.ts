/**
 * The bundled server's read-only tools: schedule status, people, assignments and swap
 * candidates here; compliance and resilience tools in their own modules; the two
 * resources. `registerReadTools` registers all of them.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { FACULTY_ROLES } from '../domain/program';
import { addDays, msToDateTime } from '../domain/time';
import { EligibilityIndex } from '../rules/eligibility';
import { findSwapCandidates } from '../rules/swapCandidates';
import type { ScheduleStore } from '../store/store';
import { checkRange, dateArg, dateRangeOut, focusedSnapshot, idArg, nextOffset, nextOffsetOut, offsetArg, scheduleIdArg } from './args';
import { registerComplianceTools } from './complianceTools';
import type { ToolContext } from './context';
import { ToolError } from '../domain/errors';
import { READ_ONLY, registerTool } from './defineTool';
import { registerResilienceTools } from './resilienceTools';
import { registerScheduleResources, scheduleStatus, scheduleStatusOut } from './resources';
import { registerStoredResources } from './storedResources';
import { swapCounts } from '../swaps/service';

export function registerReadTools(server: McpServer, ctx: ToolContext, store: ScheduleStore): void {
  registerComplianceTools(server, ctx, store);
  registerResilienceTools(server, ctx, store);
  registerScheduleResources(server, ctx, store);
  registerStoredResources(server, ctx, store);

  registerTool(
    server,
    {
      name: 'get_schedule_status_tool',
      title: 'Schedule status',
      description:
        'Which schedule is current and how it stands: its dates, status and lock date, the data version (changes with every write), staff counts, assignments and coverage of required positions in the range, the stored schedules and drafts, and the last change.',
      input: {
        start_date: dateArg('Start of the range (default: the schedule start).').optional(),
        end_date: dateArg('End of the range (default: the schedule end).').optional(),
        schedule_id: scheduleIdArg,
      },
      output: scheduleStatusOut,
      annotations: READ_ONLY,
      run(args) {
        return scheduleStatus(store, { start: args.start_date, end: args.end_date, scheduleId: args.schedule_id });
      },
    },
    ctx.logger,
  );

  registerTool(
    server,
    {
      name: 'list_people_tool',
      title: 'List people',
      description: 'Residents and faculty of the program with PGY level, faculty role, credentials, services they may work and preferences.',
      input: {
        role: z.enum(['resident', 'faculty']).optional(),
        pgy: z.number().int().min(1).max(3).optional(),
        service_id: idArg('Only people who may work this service.').optional(),
        include_inactive: z.boolean().default(false),
        limit: z.number().int().min(1).max(5000).default(1000),
        offset: offsetArg,
      },
      output: {
        people: z.array(
          z.object({
            person_id: z.string(),
            name: z.string(),
            role: z.enum(['resident', 'faculty']),
            pgy: z.number().int().nullable(),
            faculty_role: z.enum(FACULTY_ROLES).nullable(),
            credentials: z.array(z.string()),
            services: z.array(z.string()).nullable(),
            active: z.boolean(),
            preferences: z.object({ avoid_days: z.array(z.string()), prefer_shift_types: z.array(z.string()), avoid_shift_types: z.array(z.string()) }).nullable(),
          }),
        ),
        total: z.number().int(),
        truncated: z.boolean(),
        next_offset: nextOffsetOut,
        data_version: z.number().int(),
      },
      annotations: READ_ONLY,
      run(args) {
        if (args.service_id && !store.reference().services.some((s) => s.id === args.service_id)) throw new ToolError(`unknown service id "${args.service_id}"`, 'NOT_FOUND');
        const version = store.dataVersion();
        const people = store
          .reference()
          .people.filter((p) => (args.include_inactive || p.active) && (!args.role || p.role === args.role) && (args.pgy === undefined || p.pgy === args.pgy))
          .filter((p) => !args.service_id || !p.services || p.services.includes(args.service_id));
        return {
          people: people.slice(args.offset, args.offset + args.limit).map((p) => ({
            person_id: p.id,
            name: p.name,
            role: p.role,
            pgy: p.pgy ?? null,
            faculty_role: p.facultyRole ?? null,
            credentials: p.credentials,
            services: p.services ?? null,
            active: p.active,
            preferences: p.preferences
              ? { avoid_days: p.preferences.avoidDays, prefer_shift_types: p.preferences.preferShiftTypes, avoid_shift_types: p.preferences.avoidShiftTypes }
              : null,
          })),
          total: people.length,
          truncated: people.length > args.offset + args.limit,
          next_offset: nextOffset(people.length, args),
          data_version: version,
        };
      },
    },
    ctx.logger,
  );

  registerTool(
    server,
    {
      name: 'get_assignments_tool',
      title: 'Assignments in a range',
      description: 'The assignments of a schedule dated within a range, expanded to real start and end times and the hours that count toward the weekly limit.',
      input: {
        start_date: dateArg('First date (YYYY-MM-DD).'),
        end_date: dateArg('Last date (YYYY-MM-DD), at most 366 days after start_date.'),
        person_id: idArg('Only this person.').optional(),
        service_id: idArg('Only this service.').optional(),
        schedule_id: scheduleIdArg,
        limit: z.number().int().min(1).max(20_000).default(5000),
        offset: offsetArg,
      },
      output: {
        assignments: z.array(
          z.object({
            assignment_id: z.string(),
            person_id: z.string(),
            person_name: z.string(),
            role: z.enum(['primary', 'supervising', 'backup']),
            service_id: z.string(),
            shift_type_id: z.string(),
            kind: z.string(),
            date: z.string(),
            start: z.string(),
            end: z.string(),
            duty_end: z.string(),
            counted_hours: z.number(),
          }),
        ),
        total: z.number().int(),
        truncated: z.boolean(),
        next_offset: nextOffsetOut,
        date_range: dateRangeOut,
        schedule_id: z.string(),
        schedule_status: z.enum(['published', 'draft']),
        data_version: z.number().int(),
      },
      annotations: READ_ONLY,
      run(args) {
        checkRange(args.start_date, args.end_date);
        const reference = store.reference();
        if (args.person_id && !reference.people.some((p) => p.id === args.person_id)) throw new ToolError(`unknown person id "${args.person_id}"`, 'NOT_FOUND');
        if (args.service_id && !reference.services.some((s) => s.id === args.service_id)) throw new ToolError(`unknown service id "${args.service_id}"`, 'NOT_FOUND');
        const snapshot = store.snapshot({ start: args.start_date, end: args.end_date, ...(args.schedule_id ? { scheduleId: args.schedule_id } : {}) });
        const shifts = snapshot.shifts.filter((s) => (!args.person_id || s.personId === args.person_id) && (!args.service_id || s.serviceId === args.service_id));
        return {
          assignments: shifts.slice(args.offset, args.offset + args.limit).map((s) => ({
            assignment_id: s.assignmentId,
            person_id: s.personId,
            person_name: snapshot.peopleById.get(s.personId)?.name ?? s.personId,
            role: s.role,
            service_id: s.serviceId,
            shift_type_id: s.shiftTypeId,
            kind: s.kind,
            date: s.date,
            start: msToDateTime(s.startMs),
            end: msToDateTime(s.endMs),
            duty_end: msToDateTime(s.dutyEndMs),
            counted_hours: s.countedHours,
          })),
          total: shifts.length,
          truncated: shifts.length > args.offset + args.limit,
          next_offset: nextOffset(shifts.length, args),
          date_range: [snapshot.range.start, snapshot.range.end] as [string, string],
          schedule_id: snapshot.schedule.id,
          schedule_status: snapshot.schedule.status,
          data_version: snapshot.dataVersion,
        };
      },
    },
    ctx.logger,
  );

  registerTool(
    server,
    {
      name: 'analyze_swap_candidates_tool',
      title: 'Swap candidates',
      description:
        "Ranked swap partners for one of a person's assignments, found in the schedule: people who could take it (absorb) or trade one of their own assignments " +
        'dated within the preferred range (default: 7 days either side) for it, with neither side breaking a rule afterwards. ' +
        'match_score = 0.25 date proximity + 0.30 preference alignment + 0.20 workload balance + 0.15 swap history + 0.10 availability; ranked by score x 1.5 when the swap suits both.',
      input: {
        requester_person_id: idArg('The person who wants to give the assignment away.'),
        assignment_id: idArg("The requester's assignment."),
        preferred_start_date: dateArg('Earliest date of a returned assignment.').nullable().optional(),
        preferred_end_date: dateArg('Latest date of a returned assignment.').nullable().optional(),
        max_candidates: z.number().int().min(1).max(50).default(10),
        schedule_id: scheduleIdArg,
      },
      output: {
        requester_person_id: z.string(),
        original_assignment_id: z.string(),
        original_assignment: z.object({ date: z.string(), service_id: z.string(), shift_type_id: z.string(), start: z.string(), end: z.string() }),
        candidates: z.array(
          z.object({
            candidate_person_id: z.string(),
            candidate_role: z.string(),
            candidate_pgy: z.number().int().nullable(),
            assignment_id: z.string(),
            swap_type: z.enum(['one_to_one', 'absorb']),
            match_score: z.number().min(0).max(1),
            ranking_score: z.number().min(0),
            rotation: z.string(),
            date_range: dateRangeOut,
            compatibility_factors: z.record(z.string(), z.unknown()),
            mutual_benefit: z.boolean(),
            approval_likelihood: z.enum(['low', 'medium', 'high']),
          }),
        ),
        top_candidate_id: z.string().nullable(),
        options_considered: z.number().int(),
        options_rejected: z.number().int(),
        analyzed_at: z.string(),
        schedule_id: z.string(),
        data_version: z.number().int(),
      },
      annotations: READ_ONLY,
      run(args, call) {
        const schedule = store.resolveSchedule(args.schedule_id ? { scheduleId: args.schedule_id } : {});
        const assignment = store.assignments(schedule.id).find((a) => a.id === args.assignment_id);
        if (!assignment) throw new ToolError(`no assignment "${args.assignment_id}" in schedule "${schedule.id}"`, 'NOT_FOUND');
        const requester = store.reference().people.find((p) => p.id === args.requester_person_id);
        if (!requester) throw new ToolError(`unknown person id "${args.requester_person_id}"`, 'NOT_FOUND');
        if (assignment.personId !== requester.id) {
          throw new ToolError(`assignment "${assignment.id}" belongs to ${assignment.personId}, not ${requester.id}`, 'INVALID_INPUT');
        }
        const window = checkRange(args.preferred_start_date ?? addDays(assignment.date, -7), args.preferred_end_date ?? addDays(assignment.date, 7));
        const first = window.start < assignment.date ? window.start : assignment.date;
        const last = window.end > assignment.date ? window.end : assignment.date;
        const { snapshot } = focusedSnapshot(store, {
          scheduleId: schedule.id,
          start: first < schedule.start ? schedule.start : first,
          end: last > schedule.end ? schedule.end : last,
        });
        const shift = snapshot.shifts.find((s) => s.assignmentId === assignment.id)!;
        const history = swapCounts(store, requester.id);
        const found = findSwapCandidates(new EligibilityIndex(snapshot), { requester, shift, window, history, checkCancelled: () => call.checkCancelled() });
        const candidates = found.candidates.slice(0, args.max_candidates).map((c) => ({
          candidate_person_id: c.personId,
          candidate_role: c.pgy ? `${c.role} (PGY-${c.pgy})` : c.role,
          candidate_pgy: c.pgy ?? null,
          assignment_id: c.theirAssignment?.assignmentId ?? assignment.id,
          swap_type: c.swapType,
          match_score: c.score,
          ranking_score: c.rankingScore,
          rotation: c.theirAssignment?.serviceId ?? shift.serviceId,
          date_range: [c.theirAssignment?.date ?? shift.date, c.theirAssignment?.date ?? shift.date] as [string, string],
          compatibility_factors: { ...c.factors, hours_within_14_days: c.hours, same_service: (c.theirAssignment?.serviceId ?? shift.serviceId) === shift.serviceId },
          mutual_benefit: c.mutual,
          approval_likelihood: c.approvalLikelihood,
        }));
        return {
          requester_person_id: requester.id,
          original_assignment_id: assignment.id,
          original_assignment: {
            date: shift.date,
            service_id: shift.serviceId,
            shift_type_id: shift.shiftTypeId,
            start: msToDateTime(shift.startMs),
            end: msToDateTime(shift.endMs),
          },
          candidates,
          top_candidate_id: candidates[0]?.candidate_person_id ?? null,
          options_considered: found.considered,
          options_rejected: found.rejected,
          analyzed_at: new Date(ctx.now()).toISOString(),
          schedule_id: snapshot.schedule.id,
          data_version: snapshot.dataVersion,
        };
      },
    },
    ctx.logger,
  );
}
