/**
 * How good a schedule is, judged independently of the generator: hard-rule violations by
 * the rule engine, coverage of required positions, equity (Gini) within each PGY level,
 * and the changes against the current schedule.
 */
import { gini, mean } from '../analytics/stats';
import type { Assignment } from '../domain/program';
import type { ScheduleSnapshot } from '../domain/snapshot';
import { eachDate } from '../domain/time';
import { validateSnapshot } from '../rules/engine';
import type { Finding } from '../rules/findings';
import type { DateRange } from '../rules/person';
import { isCall, isWeekendDate, peopleInfo, type EquityGroup } from './problem';

/** Warnings that are advice, not rules the generator must keep: approaching the limit, and the 8 hours that "should" separate shifts. */
const ADVISORY: ReadonlySet<string> = new Set(['approaching_weekly_hours', 'rest_between_shifts']);

/** A finding the generator must never produce: any critical or warning-level breach except the advisory ones. */
export function isHardViolation(f: Pick<Finding, 'severity' | 'key'>): boolean {
  return f.severity !== 'info' && !ADVISORY.has(f.key);
}

export interface GroupEquity {
  people: number;
  gini_hours: number;
  /** Hours per 28 available days: fair to people who were absent part of the range. */
  gini_hours_per_available_day: number;
  gini_calls: number;
  gini_weekends: number;
  mean_hours: number;
  min_hours: number;
  max_hours: number;
}

export interface ScheduleMetrics {
  hard_violations: number;
  /** Advisory findings: approaching the hour limit, less than 8 hours between shifts. */
  warnings: number;
  warnings_by_rule: Record<string, number>;
  violations_by_rule: Record<string, number>;
  /** First violations, as the rule engine words them. */
  violation_examples: string[];
  coverage: { rate: number; required: number; filled: number; complete: boolean };
  equity: Partial<Record<EquityGroup, GroupEquity>>;
  changes: ChangeSummary;
}

export interface ChangeSummary {
  added: number;
  removed: number;
  total: number;
  people_affected: number;
}

const keyOf = (a: Pick<Assignment, 'personId' | 'serviceId' | 'shiftTypeId' | 'date' | 'role'>) => `${a.personId}|${a.serviceId}|${a.shiftTypeId}|${a.date}|${a.role}`;

/** Items of `from` left after matching each against an equal item of `minus` (multiset difference). */
function without<T extends Parameters<typeof keyOf>[0]>(from: readonly T[], minus: readonly T[]): T[] {
  const count = new Map<string, number>();
  for (const a of minus) count.set(keyOf(a), (count.get(keyOf(a)) ?? 0) + 1);
  return from.filter((a) => {
    const n = count.get(keyOf(a)) ?? 0;
    if (n > 0) count.set(keyOf(a), n - 1);
    return n === 0;
  });
}

/** Assignments only in `after` (added) and only in `before` (removed), matched by content. */
export function diffAssignments<T extends Parameters<typeof keyOf>[0]>(before: readonly T[], after: readonly T[]): { added: T[]; removed: T[] } {
  return { added: without(after, before), removed: without(before, after) };
}

export function changeSummary(before: readonly Assignment[], after: readonly Assignment[]): ChangeSummary {
  const { added, removed } = diffAssignments(before, after);
  const people = new Set([...added, ...removed].map((a) => a.personId));
  return { added: added.length, removed: removed.length, total: added.length + removed.length, people_affected: people.size };
}

/**
 * `snapshot` must hold the schedule as it would be (context around the focus included);
 * `baseline` and `proposed` are the focus range's assignments before and after.
 */
export function scheduleMetrics(snapshot: ScheduleSnapshot, focus: DateRange, baseline: readonly Assignment[], proposed: readonly Assignment[]): ScheduleMetrics {
  const report = validateSnapshot(snapshot, { focus, suggestions: false });
  const hard = report.findings.filter(isHardViolation);
  const advisory = report.findings.filter((f) => !isHardViolation(f) && f.severity !== 'info');
  return {
    hard_violations: hard.length,
    warnings: advisory.length,
    warnings_by_rule: countByKey(advisory),
    violations_by_rule: countByKey(hard),
    violation_examples: hard.slice(0, 5).map((f) => f.message),
    coverage: { ...report.coverage, complete: report.coverage.filled === report.coverage.required },
    equity: equityByGroup(snapshot, focus),
    changes: changeSummary(baseline, proposed),
  };
}

export function equityByGroup(snapshot: ScheduleSnapshot, focus: DateRange): Partial<Record<EquityGroup, GroupEquity>> {
  const people = peopleInfo(snapshot, focus);
  const days = eachDate(focus.start, focus.end).length;
  const groups = new Map<EquityGroup, { hours: number[]; perDay: number[]; calls: number[]; weekends: number[] }>();
  for (const p of people.values()) {
    if (p.availableDays === 0) continue;
    const shifts = (snapshot.byPerson.get(p.id) ?? []).filter((s) => s.date >= focus.start && s.date <= focus.end && s.role !== 'backup');
    const hours = shifts.reduce((n, s) => n + s.countedHours, 0);
    let g = groups.get(p.group);
    if (!g) groups.set(p.group, (g = { hours: [], perDay: [], calls: [], weekends: [] }));
    g.hours.push(hours);
    g.perDay.push((hours * Math.min(28, days)) / p.availableDays);
    g.calls.push(shifts.filter((s) => isCall(s.kind)).length);
    g.weekends.push(shifts.filter((s) => isWeekendDate(s.date)).length);
  }
  const out: Partial<Record<EquityGroup, GroupEquity>> = {};
  for (const [group, g] of groups) {
    out[group] = {
      people: g.hours.length,
      gini_hours: round3(gini(g.hours)),
      gini_hours_per_available_day: round3(gini(g.perDay)),
      gini_calls: round3(gini(g.calls)),
      gini_weekends: round3(gini(g.weekends)),
      mean_hours: Math.round(mean(g.hours) * 10) / 10,
      min_hours: Math.min(...g.hours),
      max_hours: Math.max(...g.hours),
    };
  }
  return out;
}

function countByKey(list: readonly Finding[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of list) out[f.key] = (out[f.key] ?? 0) + 1;
  return out;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
