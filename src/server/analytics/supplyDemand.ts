/**
 * Supply and demand per week: capacity (available person-hours) against demand (hours the
 * coverage rules require). Cycle analysis on weekly utilization = demand / capacity: an AR(1)
 * fit around the mean (stability), the autocorrelation peak (cycle length) and a projection
 * of the coming weeks computed from the coverage rules and recorded absences.
 */
import { z } from 'zod';
import { requiredSlots, type ScheduleSnapshot } from '../domain/snapshot';
import { firstNotBefore } from '../domain/sorted';
import { addDays } from '../domain/time';
import { activePeople } from './common';
import { availableDays } from './coverage';
import { fullWeeks, type Week } from './series';
import { linearSlope, mean } from './stats';

/** Nominal weekly capacity of one person: the ACGME weekly limit. */
export const WEEKLY_CAPACITY_HOURS = 80;

export const UTILIZATION_LEVELS = ['GREEN', 'YELLOW', 'ORANGE', 'RED', 'BLACK'] as const;

/** Utilization levels (docs/analytics.md). */
export function utilizationLevel(u: number): (typeof UTILIZATION_LEVELS)[number] {
  if (u < 0.7) return 'GREEN';
  if (u < 0.8) return 'YELLOW';
  if (u < 0.9) return 'ORANGE';
  if (u < 0.95) return 'RED';
  return 'BLACK';
}

export interface WeekBalance {
  week_start: string;
  capacity_hours: number;
  demand_hours: number;
  scheduled_hours: number;
  utilization: number;
  level: (typeof UTILIZATION_LEVELS)[number];
}

export function weekBalance(snapshot: ScheduleSnapshot, week: Week): WeekBalance {
  let capacity = 0;
  for (const p of activePeople(snapshot)) capacity += (WEEKLY_CAPACITY_HOURS * availableDays(snapshot, p.id, week.start, week.end)) / 7;
  let demand = 0;
  for (const slot of requiredSlots(snapshot.coverage, snapshot.shiftTypes, week)) {
    const type = snapshot.shiftTypes.get(slot.shiftTypeId)!;
    demand += (slot.residentsMin + slot.facultyMin) * (type.countedHours ?? type.hours + type.transitionHours);
  }
  let scheduled = 0;
  // Shifts are sorted by start, hence by date (a shift starts on its date): only the week's are read.
  const shifts = snapshot.shifts;
  for (let i = firstNotBefore(shifts, (s) => s.date < week.start); i < shifts.length && shifts[i]!.date <= week.end; i++) {
    if (shifts[i]!.role !== 'backup') scheduled += shifts[i]!.countedHours;
  }
  const utilization = capacity > 0 ? demand / capacity : demand > 0 ? Number.POSITIVE_INFINITY : 0;
  const finite = Number.isFinite(utilization) ? utilization : 999.9;
  return { week_start: week.start, capacity_hours: capacity, demand_hours: demand, scheduled_hours: scheduled, utilization: finite, level: utilizationLevel(finite) };
}

/** Sample autocorrelation at a lag. */
export function autocorrelation(xs: readonly number[], lag: number): number {
  const m = mean(xs);
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    den += (xs[i]! - m) ** 2;
    if (i >= lag) num += (xs[i]! - m) * (xs[i - lag]! - m);
  }
  return den === 0 ? 0 : num / den;
}

/** Least-squares AR(1) coefficient around the mean, with the fit's R². */
export function ar1(xs: readonly number[]): { phi: number; rSquared: number | null } {
  const m = mean(xs);
  let num = 0;
  let den = 0;
  for (let t = 1; t < xs.length; t++) {
    num += (xs[t]! - m) * (xs[t - 1]! - m);
    den += (xs[t - 1]! - m) ** 2;
  }
  if (den === 0) return { phi: 0, rSquared: null };
  const phi = num / den;
  let sse = 0;
  let sst = 0;
  for (let t = 1; t < xs.length; t++) {
    sse += (xs[t]! - m - phi * (xs[t - 1]! - m)) ** 2;
    sst += (xs[t]! - m) ** 2;
  }
  return { phi, rSquared: sst === 0 ? null : 1 - sse / sst };
}

export const MIN_WEEKS_FOR_CYCLES = 6;

export const supplyDemandOutput = {
  analyzed_at: z.string(),
  data_points: z.number(),
  weekly: z.array(
    z.object({
      week_start: z.string(),
      capacity_hours: z.number(),
      demand_hours: z.number(),
      scheduled_hours: z.number(),
      utilization: z.number(),
      level: z.enum(UTILIZATION_LEVELS),
    }),
  ),
  fitted_parameters: z.object({
    mean_utilization: z.number(),
    ar1_coefficient: z.number().nullable(),
    utilization_trend_per_week: z.number(),
    dominant_lag_weeks: z.number().nullable(),
    autocorrelation_at_lag: z.number().nullable(),
  }),
  r_squared: z.number().nullable(),
  equilibrium_capacity: z.number(),
  equilibrium_demand: z.number(),
  oscillation_period_days: z.number().nullable(),
  system_stability: z.enum(['stable', 'oscillating', 'diverging', 'insufficient_data']),
  current_capacity: z.number(),
  current_demand: z.number(),
  predicted_trajectory: z.array(
    z.object({
      week_start: z.string(),
      capacity_hours: z.number(),
      demand_hours: z.number(),
      scheduled_hours: z.number(),
      utilization: z.number(),
      level: z.enum(UTILIZATION_LEVELS),
    }),
  ),
  ecological_interpretation: z.string(),
  confidence: z.number(),
};

export function supplyDemandCycles(snapshot: ScheduleSnapshot, predictionDays: number) {
  const weeks = fullWeeks(snapshot.range).map((w) => weekBalance(snapshot, w));
  const u = weeks.map((w) => w.utilization);
  const n = weeks.length;
  const enough = n >= MIN_WEEKS_FOR_CYCLES;
  const fit = n >= 3 ? ar1(u) : { phi: null, rSquared: null };
  // Dominant cycle: the lag (2 .. n/2 weeks) with the largest autocorrelation, if above the ~95 % noise band 2/√n.
  let lag: number | null = null;
  let acfAt: number | null = null;
  for (let k = 2; k <= Math.floor(n / 2); k++) {
    const r = autocorrelation(u, k);
    if (r > 2 / Math.sqrt(n) && (acfAt === null || r > acfAt)) {
      lag = k;
      acfAt = r;
    }
  }
  const stability = !enough
    ? ('insufficient_data' as const)
    : fit.phi !== null && Math.abs(fit.phi) >= 1
      ? ('diverging' as const)
      : lag !== null || (fit.phi !== null && fit.phi < -0.3)
        ? ('oscillating' as const)
        : ('stable' as const);
  const future: WeekBalance[] = [];
  const horizon = Math.floor(predictionDays / 7);
  for (let k = 0; k < horizon; k++) {
    const start = addDays(snapshot.range.end, 1 + 7 * k);
    future.push(weekBalance(snapshot, { start, end: addDays(start, 6) }));
  }
  const last = weeks[n - 1];
  const meanU = mean(u);
  const peak = weeks.reduce<WeekBalance | null>((p, w) => (!p || w.utilization > p.utilization ? w : p), null);
  const worstFuture = future.reduce<WeekBalance | null>((p, w) => (!p || w.utilization > p.utilization ? w : p), null);
  const interpretation =
    n === 0
      ? 'No full week in the range: nothing to analyse.'
      : `Demand uses ${(meanU * 100).toFixed(0)}% of available capacity on average (peak ${(peak!.utilization * 100).toFixed(0)}% in the week of ${peak!.week_start}); ` +
        `utilization is ${stability === 'insufficient_data' ? `not assessed for cycles (${n} of ${MIN_WEEKS_FOR_CYCLES} weeks needed)` : stability}` +
        (lag !== null ? ` with a ${lag}-week cycle` : '') +
        (worstFuture ? `; the coming ${horizon} week(s) peak at ${(worstFuture.utilization * 100).toFixed(0)}% (${worstFuture.level}).` : '.');
  return {
    data_points: n,
    weekly: weeks,
    fitted_parameters: {
      mean_utilization: meanU,
      ar1_coefficient: fit.phi,
      utilization_trend_per_week: linearSlope(u),
      dominant_lag_weeks: lag,
      autocorrelation_at_lag: acfAt,
    },
    r_squared: fit.rSquared,
    equilibrium_capacity: mean(weeks.map((w) => w.capacity_hours)),
    equilibrium_demand: mean(weeks.map((w) => w.demand_hours)),
    oscillation_period_days: lag === null ? null : lag * 7,
    system_stability: stability,
    current_capacity: last?.capacity_hours ?? 0,
    current_demand: last?.demand_hours ?? 0,
    predicted_trajectory: future,
    ecological_interpretation: interpretation,
    confidence: Math.min(1, n / 12),
  };
}
