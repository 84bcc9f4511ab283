/**
 * The inputs every workflow shares (date range, schedule id, capacity figures) and the
 * "scope" step that settles them before the first phase: from the inputs when given, else
 * from the server's schedule status, else a default range starting on the date the host
 * passed as `today` (callbacks must be pure, so "today" is an input, never read from a clock).
 */
import * as z from 'zod';
import type { JsonObject, RunContext, StepDefinition } from '../../engine/definition';
import { OrchestratorError } from '../../errors';
import { num, str, type Json } from './read';

const DAY_MS = 86_400_000;
/** The seed's data-error rules: start ≤ end and at most 365 days. */
export const MAX_RANGE_DAYS = 365;

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'not a real calendar date');

const id = z.string().min(1).max(200);

export const scopeInputShape = {
  start_date: isoDate.optional(),
  end_date: isoDate.optional(),
  /** A stored schedule for the steps that validate one by id. */
  schedule_id: id.optional(),
  /** The host's current date, for default ranges. */
  today: isoDate.optional(),
  /** Capacity figures the real server's utilization and defense tools require. */
  available_faculty: z.number().int().min(0).optional(),
  required_blocks: z.number().int().min(0).optional(),
  coverage_rate: z.number().min(0).max(1).optional(),
};

export interface ScopeInputs extends JsonObject {
  start_date?: string;
  end_date?: string;
  schedule_id?: string;
  today?: string;
  available_faculty?: number;
  required_blocks?: number;
  coverage_rate?: number;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(start: string, end: string): number {
  return Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / DAY_MS);
}

/** Zod refinement: both dates or neither, start ≤ end, at most 365 days. */
export function checkRange(value: { start_date?: string | undefined; end_date?: string | undefined }, ctx: z.RefinementCtx): void {
  const { start_date: start, end_date: end } = value;
  if ((start === undefined) !== (end === undefined)) {
    ctx.addIssue({ code: 'custom', path: [start === undefined ? 'start_date' : 'end_date'], message: 'give both start_date and end_date, or neither' });
    return;
  }
  if (start === undefined || end === undefined) return;
  if (start > end) ctx.addIssue({ code: 'custom', path: ['end_date'], message: `end_date ${end} is before start_date ${start}` });
  else if (daysBetween(start, end) + 1 > MAX_RANGE_DAYS) ctx.addIssue({ code: 'custom', path: ['end_date'], message: `the range is longer than ${MAX_RANGE_DAYS} days` });
}

/** Parses raw inputs with a schema; a failure is a validation error naming every bad field. */
export function parseInputsWith<T>(schema: z.ZodType<T>, raw: unknown, workflowTitle: string): T {
  const parsed = schema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(inputs)'}: ${i.message}`).join('; ');
  throw new OrchestratorError('validation', `Invalid inputs for ${workflowTitle}: ${issues}`);
}

export interface Scope extends JsonObject {
  start_date: string;
  end_date: string;
  range_source: 'inputs' | 'schedule' | 'default';
  /** The schedule to validate by id: the input, else the current published one. */
  schedule_id: string | null;
  schedule_id_source: 'inputs' | 'schedule' | 'none';
  /** The current schedule's own range, when the server reported it. */
  schedule_start: string | null;
  schedule_end: string | null;
  /** The data version the server reported, as it reported it (writes send it back as expected_data_version). */
  data_version: number | string | null;
  available_faculty: number | null;
  required_blocks: number | null;
  coverage_rate: number | null;
  /** Where each capacity figure came from: the run's inputs, the schedule status, or nowhere yet. */
  capacity_sources: Record<CapacityFigure, 'inputs' | 'get_schedule_status' | null>;
}

export type CapacityFigure = 'available_faculty' | 'required_blocks' | 'coverage_rate';

/** Where the status result keeps what the scope needs (bundled server first, then others). */
function statusFacts(status: Json | undefined) {
  const scheduleId = str(status, 'schedule_id', 'current_schedule.id', 'published.schedule_id', 'published.id', 'schedule.id');
  const start = str(status, 'start_date', 'current_schedule.start', 'published.start_date', 'published.start', 'schedule.start', 'period_start');
  const end = str(status, 'end_date', 'current_schedule.end', 'published.end_date', 'published.end', 'schedule.end', 'period_end');
  const version = status?.['data_version'];
  return {
    scheduleId,
    start: start && isoDate.safeParse(start.slice(0, 10)).success ? start.slice(0, 10) : undefined,
    end: end && isoDate.safeParse(end.slice(0, 10)).success ? end.slice(0, 10) : undefined,
    dataVersion: typeof version === 'number' || typeof version === 'string' ? version : null,
    availableFaculty: num(status, 'available_faculty', 'capacity.available_faculty', 'counts.active_faculty', 'faculty_count', 'people.faculty'),
    requiredBlocks: num(status, 'required_blocks', 'capacity.required_blocks', 'counts.required_blocks'),
    coverageRate: num(status, 'coverage_rate', 'capacity.coverage_rate', 'coverage.rate'),
  };
}

export interface ScopeOptions {
  /**
   * The range when neither the inputs nor (with `useScheduleRange`) the current schedule give
   * one: `days` from today (28: one ACGME averaging window), or the next week to schedule
   * (next week, or the current schedule's first week when it starts later: nextWeekToSchedule).
   */
  defaultRange: { from: 'today'; days: number } | { from: 'next_week_to_schedule' };
  /** Whether the current schedule's range is the default (false when making a new schedule). */
  useScheduleRange: boolean;
}

export const READ_SCOPE: ScopeOptions = { defaultRange: { from: 'today', days: 28 }, useScheduleRange: true };

export function nextMonday(date: string): string {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return addDays(date, (8 - weekday) % 7 || 7);
}

/**
 * The week a new draft covers by default: next week (Monday to Sunday after `today`), unless
 * the current schedule starts after that Monday (a program set up ahead of time, as the
 * bundled sample is): then the schedule's first seven days, cut at its end. A week after the
 * schedule's end stays next week: that is the next block to make.
 */
export function nextWeekToSchedule(today: string, schedule?: { start: string; end: string }): { start: string; end: string } {
  const monday = nextMonday(today);
  if (!schedule || schedule.start > schedule.end || monday >= schedule.start) return { start: monday, end: addDays(monday, 6) };
  const end = addDays(schedule.start, 6);
  return { start: schedule.start, end: end < schedule.end ? end : schedule.end };
}

/** Settles the range (inputs, else the current schedule's, else a default from `today`), schedule id and capacity figures. */
export function computeScope(inputs: ScopeInputs, status: Json | undefined, options: ScopeOptions = READ_SCOPE): Scope {
  const facts = statusFacts(status);
  let range: { start: string; end: string; source: Scope['range_source'] };
  if (inputs.start_date && inputs.end_date) range = { start: inputs.start_date, end: inputs.end_date, source: 'inputs' };
  else if (options.useScheduleRange && facts.start && facts.end && facts.start <= facts.end) range = { start: facts.start, end: facts.end, source: 'schedule' };
  else if (inputs.today) {
    const fallback = options.defaultRange;
    const schedule = facts.start && facts.end ? { start: facts.start, end: facts.end } : undefined;
    range = {
      ...(fallback.from === 'today' ? { start: inputs.today, end: addDays(inputs.today, fallback.days - 1) } : nextWeekToSchedule(inputs.today, schedule)),
      source: 'default',
    };
  } else throw new OrchestratorError('validation', 'No date range: give start_date and end_date (the server reported no current schedule)');
  const scheduleId = inputs.schedule_id ?? facts.scheduleId ?? null;
  return {
    start_date: range.start,
    end_date: range.end,
    range_source: range.source,
    schedule_id: scheduleId,
    schedule_id_source: inputs.schedule_id ? 'inputs' : facts.scheduleId ? 'schedule' : 'none',
    schedule_start: facts.start ?? null,
    schedule_end: facts.end ?? null,
    data_version: facts.dataVersion,
    available_faculty: inputs.available_faculty ?? facts.availableFaculty ?? null,
    required_blocks: inputs.required_blocks ?? facts.requiredBlocks ?? null,
    coverage_rate: inputs.coverage_rate ?? facts.coverageRate ?? null,
    capacity_sources: {
      available_faculty: sourceOf(inputs.available_faculty, facts.availableFaculty),
      required_blocks: sourceOf(inputs.required_blocks, facts.requiredBlocks),
      coverage_rate: sourceOf(inputs.coverage_rate, facts.coverageRate),
    },
  };
}

function sourceOf(input: number | undefined, fromStatus: number | undefined): 'inputs' | 'get_schedule_status' | null {
  return input !== undefined ? 'inputs' : fromStatus !== undefined ? 'get_schedule_status' : null;
}

export function scopeOf(ctx: RunContext): Scope {
  return ctx.require('scope') as Scope;
}

/** `{start_date, end_date}` of the scope: what the real server's range tools take. */
export function rangeArgs(ctx: RunContext): JsonObject {
  const s = scopeOf(ctx);
  return { start_date: s.start_date, end_date: s.end_date };
}

/**
 * The two steps of the scope phase (run serially): the schedule status lookup and the
 * compute step that settles the scope. Both weigh 0: the scope is bookkeeping, not evidence
 * about the schedule, so it neither raises nor lowers the run's confidence. The compute step
 * reads the status without depending on it, so it runs when the lookup failed.
 */
export function scopeSteps<I extends ScopeInputs>(options: ScopeOptions = READ_SCOPE): StepDefinition<I>[] {
  return [
    {
      id: 'status',
      kind: 'tool',
      title: 'Current schedule status',
      capability: 'get_schedule_status',
      weight: 0,
      args: () => ({}),
    },
    {
      id: 'scope',
      kind: 'compute',
      title: 'Range, schedule and capacity',
      weight: 0,
      compute: (ctx) => computeScope(ctx.inputs, ctx.data('status'), options),
    },
  ];
}
