/**
 * What the rule engine reports. One finding = one rule broken (or nearly broken) by one
 * person or one shift instance, over one time window, with the measured value, the limit,
 * by how much, and a concrete suggested fix.
 */
import type { Policies } from '../domain/program';
import { DAY_MS, msToDate, msToDateTime } from '../domain/time';
import { RULES, ruleId, type FindingSource, type RuleKey } from './ruleIds';

export type Severity = 'critical' | 'warning' | 'info';

export type FindingUnit = 'hours' | 'hours_per_week' | 'free_days' | 'calls' | 'days' | 'nights' | 'residents' | 'faculty' | 'shifts';

export interface Finding {
  /** Stable within one data version: rule key + subject + window start. */
  id: string;
  key: RuleKey;
  /** The id reported to users (VI.F numbering unless the program maps it). */
  ruleId: string;
  source: FindingSource;
  severity: Severity;
  /** The person concerned; null for a finding about a shift instance (coverage). */
  personId: string | null;
  /** Program-local wall-clock, `YYYY-MM-DDTHH:MM`; `end` is exclusive. */
  window: { start: string; end: string };
  /** First and last calendar date the window touches. */
  dateRange: [string, string];
  measured: number;
  limit: number;
  /** How far past the limit, in `unit` (a shortfall for minimums). Always >= 0. */
  excess: number;
  unit: FindingUnit;
  message: string;
  suggestedFix: string;
  /** Assignments involved, most relevant first. */
  assignmentIds: string[];
  details: Record<string, unknown>;
}

export interface FindingInput {
  key: RuleKey;
  severity: Severity;
  personId: string | null;
  /** Subject used in the id when there is no person (e.g. a slot key). */
  subject?: string;
  startMs: number;
  endMs: number;
  measured: number;
  limit: number;
  excess: number;
  unit: FindingUnit;
  message: string;
  suggestedFix: string;
  assignmentIds?: string[];
  details?: Record<string, unknown>;
}

export function makeFinding(input: FindingInput, policies: Pick<Policies, 'ruleIds'>): Finding {
  const start = msToDateTime(input.startMs);
  return {
    id: `${input.key}:${input.personId ?? input.subject ?? '-'}:${start}`,
    key: input.key,
    ruleId: ruleId(input.key, policies),
    source: RULES[input.key].source,
    severity: input.severity,
    personId: input.personId,
    window: { start, end: msToDateTime(input.endMs) },
    dateRange: [msToDate(input.startMs), msToDate(Math.max(input.startMs, input.endMs - 1))],
    measured: round2(input.measured),
    limit: round2(input.limit),
    excess: round2(Math.max(0, input.excess)),
    unit: input.unit,
    message: input.message,
    suggestedFix: input.suggestedFix,
    assignmentIds: input.assignmentIds ?? [],
    details: input.details ?? {},
  };
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Hours as people write them: 6.5 h, 14 h. */
export function fmtHours(h: number): string {
  return `${round2(h)} h`;
}

/** Whether the finding's window touches the inclusive date range. */
export function overlapsDates(f: Pick<Finding, 'window'>, range: { start: string; end: string }): boolean {
  return f.window.start < `${range.end}T24:00` && f.window.end > `${range.start}T00:00`;
}

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** Most severe first, then by time, then by person. */
export function sortFindings(list: Finding[]): Finding[] {
  return list.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.window.start.localeCompare(b.window.start) ||
      (a.personId ?? '').localeCompare(b.personId ?? '') ||
      a.key.localeCompare(b.key),
  );
}

export const WEEK_DAYS = 7;
export const WINDOW_DAYS = 28;
export const WINDOW_MS = WINDOW_DAYS * DAY_MS;
