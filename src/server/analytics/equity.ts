/** Workload equity (docs/analytics.md): Gini over per-provider hours, CV, extremes and the Lorenz curve. */
import { z } from 'zod';
import type { Person } from '../domain/program';
import type { ScheduleSnapshot } from '../domain/snapshot';
import { daysBetween } from '../domain/time';
import { activePeople } from './common';
import { availableDays } from './coverage';
import { coefficientOfVariation, gini, mean, populationStd, sum } from './stats';

export const TARGET_GINI = 0.15;

export function equitySeverity(g: number): 'equitable' | 'warning' | 'inequitable' | 'critical' {
  if (g < 0.1) return 'equitable';
  if (g < 0.15) return 'warning';
  if (g < 0.25) return 'inequitable';
  return 'critical';
}

/** Points (population share, hours share) from (0, 0) to (1, 1), providers sorted by hours. */
export function lorenzCurve(values: readonly number[]): { population_share: number; hours_share: number }[] {
  const sorted = [...values].sort((a, b) => a - b);
  const total = sorted.reduce((a, b) => a + b, 0);
  const out = [{ population_share: 0, hours_share: 0 }];
  let acc = 0;
  sorted.forEach((v, i) => {
    acc += v;
    out.push({ population_share: (i + 1) / sorted.length, hours_share: total > 0 ? acc / total : (i + 1) / sorted.length });
  });
  return out;
}

export const equityOutput = {
  gini_coefficient: z.number(),
  target_gini: z.number(),
  is_equitable: z.boolean(),
  mean_hours: z.number(),
  std_hours: z.number(),
  min_hours: z.number(),
  max_hours: z.number(),
  coefficient_of_variation: z.number(),
  most_overloaded_provider: z.string().nullable(),
  most_underloaded_provider: z.string().nullable(),
  overload_delta: z.number(),
  underload_delta: z.number(),
  provider_count: z.number(),
  lorenz_curve: z.array(z.object({ population_share: z.number(), hours_share: z.number() })),
  recommendations: z.array(z.string()),
  severity: z.enum(['equitable', 'warning', 'inequitable', 'critical']),
};

export function equityMetrics(hours: ReadonlyMap<string, number>, targetGini: number) {
  const entries = [...hours.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  const values = entries.map(([, h]) => h);
  const g = gini(values);
  const m = mean(values);
  let over: [string, number] | null = null;
  let under: [string, number] | null = null;
  for (const e of entries) {
    if (!over || e[1] > over[1]) over = e;
    if (!under || e[1] < under[1]) under = e;
  }
  const recommendations: string[] = [];
  if (g >= targetGini && over && under) {
    recommendations.push(
      `Gini ${g.toFixed(3)} is above the target ${targetGini}: move hours from ${over[0]} (${(over[1] - m).toFixed(1)} h above the mean) toward ${under[0]} (${(m - under[1]).toFixed(1)} h below).`,
    );
  }
  return {
    gini_coefficient: g,
    target_gini: targetGini,
    is_equitable: g < targetGini,
    mean_hours: m,
    std_hours: populationStd(values),
    min_hours: under ? under[1] : 0,
    max_hours: over ? over[1] : 0,
    coefficient_of_variation: coefficientOfVariation(values),
    most_overloaded_provider: over ? over[0] : null,
    most_underloaded_provider: under ? under[0] : null,
    overload_delta: over ? over[1] - m : 0,
    underload_delta: under ? m - under[1] : 0,
    provider_count: values.length,
    lorenz_curve: lorenzCurve(values),
    recommendations,
    severity: equitySeverity(g),
  };
}

/**
 * Counted hours (backup shifts excluded) per active person of a role over the range, scaled
 * to the days each was not on a blocking absence; people absent the whole range are left out.
 */
export function scheduledHoursPerPerson(snap: ScheduleSnapshot, role: Person['role'] | undefined): Map<string, number> {
  const hours = new Map<string, number>();
  const days = daysBetween(snap.range.start, snap.range.end) + 1;
  for (const p of activePeople(snap, role)) {
    const present = availableDays(snap, p.id, snap.range.start, snap.range.end);
    if (present === 0) continue;
    const worked = sum((snap.byPerson.get(p.id) ?? []).filter((s) => s.role !== 'backup').map((s) => s.countedHours));
    hours.set(p.id, (worked * days) / present);
  }
  return hours;
}
