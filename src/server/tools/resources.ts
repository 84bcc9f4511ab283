/**
 * The real server's two resources, `schedule://status/{date_range}` and
 * `schedule://compliance/{date_range}`, with its range forms: `current` / `today`,
 * `week` / `this-week` (7 days), `month` / `this-month` (30 days), `YYYY-MM-DD:YYYY-MM-DD`;
 * anything else means the next 30 days. A range no published schedule covers reads as
 * `covered: false` with the known schedules, not as an error.
 */
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { addDays, isIsoDate } from '../domain/time';
import { validateSnapshot } from '../rules/engine';
import { coverageRate, slotFills } from '../rules/slots';
import type { ScheduleStore } from '../store/store';
import { checkRange, dateRangeOut, focusedSnapshot } from './args';
import type { ToolContext } from './context';
import { ToolError } from '../domain/errors';

export const scheduleStatusOut = {
  schedule_id: z.string(),
  name: z.string(),
  status: z.enum(['published', 'draft']),
  start_date: z.string(),
  end_date: z.string(),
  locked_through: z.string().nullable(),
  date_range: dateRangeOut,
  program: z.object({ id: z.string(), name: z.string(), timezone: z.string() }),
  people: z.object({ residents: z.number().int(), faculty: z.number().int(), active: z.number().int() }),
  assignments_in_range: z.number().int(),
  coverage_rate: z.number().min(0).max(1),
  open_positions: z.number().int(),
  schedules: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      status: z.enum(['published', 'draft']),
      start_date: z.string(),
      end_date: z.string(),
      parent_id: z.string().nullable(),
      updated_version: z.number().int(),
    }),
  ),
  last_change: z.object({ at: z.string(), actor: z.string(), action: z.string(), data_version: z.number().int() }).nullable(),
  data_version: z.number().int(),
  /** Random per database file: with data_version, proves a cached result is current. */
  database_id: z.string(),
};

export function scheduleStatus(store: ScheduleStore, query: { start?: string | undefined; end?: string | undefined; scheduleId?: string | undefined }) {
  const { snapshot, schedule, focus } = focusedSnapshot(store, {
    ...(query.start ? { start: query.start } : {}),
    ...(query.end ? { end: query.end } : {}),
    ...(query.scheduleId ? { scheduleId: query.scheduleId } : {}),
  });
  const coverage = coverageRate(slotFills(snapshot, focus));
  const last = store.auditLog({ limit: 1 })[0];
  return {
    schedule_id: schedule.id,
    name: schedule.name,
    status: schedule.status,
    start_date: schedule.start,
    end_date: schedule.end,
    locked_through: schedule.lockedThrough ?? null,
    date_range: [focus.start, focus.end] as [string, string],
    program: { id: snapshot.program.id, name: snapshot.program.name, timezone: snapshot.program.timezone },
    people: {
      residents: snapshot.people.filter((p) => p.role === 'resident').length,
      faculty: snapshot.people.filter((p) => p.role === 'faculty').length,
      active: snapshot.people.filter((p) => p.active).length,
    },
    assignments_in_range: snapshot.shifts.filter((s) => s.date >= focus.start && s.date <= focus.end).length,
    coverage_rate: Math.round(coverage.rate * 10_000) / 10_000,
    open_positions: coverage.required - coverage.filled,
    schedules: store.listSchedules().map((s) => ({
      id: s.id,
      name: s.name,
      status: s.status,
      start_date: s.start,
      end_date: s.end,
      parent_id: s.parentId ?? null,
      updated_version: s.updatedVersion,
    })),
    last_change: last ? { at: last.at, actor: last.actor, action: last.action, data_version: last.versionAfter } : null,
    data_version: snapshot.dataVersion,
    database_id: store.databaseId(),
  };
}

/** The real server's date_range forms, relative to `today`. */
export function parseResourceRange(text: string, today: string): { start: string; end: string } {
  const value = decodeURIComponent(text).trim().toLowerCase();
  if (value === 'current' || value === 'today') return { start: today, end: today };
  if (value === 'week' || value === 'this-week') return { start: today, end: addDays(today, 6) };
  if (value === 'month' || value === 'this-month') return { start: today, end: addDays(today, 29) };
  const match = /^(\d{4}-\d{2}-\d{2}):(\d{4}-\d{2}-\d{2})$/.exec(value);
  if (match && isIsoDate(match[1]!) && isIsoDate(match[2]!)) return checkRange(match[1]!, match[2]!);
  return { start: today, end: addDays(today, 29) };
}

export function registerScheduleResources(server: McpServer, ctx: ToolContext, store: ScheduleStore): void {
  const read = (uri: URL, range: string | string[] | undefined, build: (r: { start: string; end: string }) => Record<string, unknown>) => {
    const today = new Date(ctx.now()).toISOString().slice(0, 10);
    const r = parseResourceRange(Array.isArray(range) ? (range[0] ?? '') : (range ?? ''), today);
    let body: Record<string, unknown>;
    try {
      body = { covered: true, ...build(r) };
    } catch (error) {
      if (!(error instanceof ToolError) || error.code !== 'NOT_FOUND') throw error;
      body = {
        covered: false,
        date_range: [r.start, r.end],
        message: error.message,
        schedules: store.listSchedules().map((s) => ({ id: s.id, status: s.status, start_date: s.start, end_date: s.end })),
        data_version: store.dataVersion(),
      };
    }
    return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(body) }] };
  };

  server.registerResource(
    'schedule-status',
    new ResourceTemplate('schedule://status/{date_range}', { list: undefined }),
    {
      title: 'Schedule status',
      description: 'Status of the published schedule for a range: current|today, week|this-week, month|this-month or YYYY-MM-DD:YYYY-MM-DD (anything else: the next 30 days).',
      mimeType: 'application/json',
    },
    (uri, variables) => read(uri, variables.date_range, (r) => scheduleStatus(store, r)),
  );

  server.registerResource(
    'schedule-compliance',
    new ResourceTemplate('schedule://compliance/{date_range}', { list: undefined }),
    {
      title: 'Schedule compliance',
      description: 'ACGME compliance summary of the published schedule for a range (same range forms as schedule://status).',
      mimeType: 'application/json',
    },
    (uri, variables) =>
      read(uri, variables.date_range, (r) => {
        const { snapshot, focus } = focusedSnapshot(store, r);
        const report = validateSnapshot(snapshot, { focus, suggestions: false });
        return {
          schedule_id: snapshot.schedule.id,
          date_range: [focus.start, focus.end],
          is_valid: report.counts.critical === 0,
          critical_issues: report.counts.critical,
          warning_issues: report.counts.warning,
          info_issues: report.counts.info,
          residents_checked: report.residentsScheduled,
          residents_compliant: report.residentsCompliant,
          coverage_rate: Math.round(report.coverage.rate * 10_000) / 10_000,
          top_issues: report.findings.slice(0, 20).map((f) => ({ severity: f.severity, rule_type: f.ruleId, person_id: f.personId, date_range: f.dateRange, message: f.message })),
          data_version: snapshot.dataVersion,
        };
      }),
  );
}
