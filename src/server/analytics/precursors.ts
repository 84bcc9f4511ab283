/**
 * Seismic-style early warning (docs/analytics.md): STA/LTA ratio on a per-person daily signal, trigger at
 * ≥ 2.5 and release at ≤ 1.0, with a "Richter-like" 0-10 magnitude.
 */
import { z } from 'zod';
import type { ScheduleSnapshot } from '../domain/snapshot';
import type { WellbeingInput } from './common';
import { dailyCounts, dailyHours } from './series';
import { linearSlope } from './stats';

export const TRIGGER_RATIO = 2.5;
export const RELEASE_RATIO = 1.0;

export const PRECURSOR_SIGNALS = ['swap_requests', 'sick_calls', 'daily_hours', 'preference_decline', 'response_delays', 'voluntary_coverage_decline'] as const;
export type PrecursorSignal = (typeof PRECURSOR_SIGNALS)[number];

/**
 * Trailing-window ratio mean(last `short`) / mean(last `long`) for every sample with a full
 * long window (null before). The long-term mean is floored at one event per long window, so
 * a first event after silence gives a finite ratio.
 */
export function staLta(series: readonly number[], short: number, long: number): (number | null)[] {
  const out: (number | null)[] = [];
  let sShort = 0;
  let sLong = 0;
  for (let i = 0; i < series.length; i++) {
    sShort += series[i]!;
    sLong += series[i]!;
    if (i >= short) sShort -= series[i - short]!;
    if (i >= long) sLong -= series[i - long]!;
    if (i < long - 1) {
      out.push(null);
      continue;
    }
    const lta = Math.max(sLong / long, 1 / long);
    out.push(sShort / short / lta);
  }
  return out;
}

/** Magnitude = 10·log10(ratio), clamped to 0-10 (ratio 2.5 ≈ 4.0, 5 ≈ 7.0, 10 = 10). */
export function magnitudeOf(ratio: number): number {
  return ratio <= 1 ? 0 : Math.min(10, 10 * Math.log10(ratio));
}

export function alertSeverity(ratio: number): 'warning' | 'elevated' | 'critical' {
  if (ratio >= 5) return 'critical';
  if (ratio >= 3.5) return 'elevated';
  return 'warning';
}

export const precursorAlertShape = z.object({
  resident_id: z.string(),
  signal_type: z.string(),
  sta_lta_ratio: z.number(),
  severity: z.enum(['warning', 'elevated', 'critical']),
  predicted_magnitude: z.number(),
  time_to_event_days: z.number().nullable(),
  trigger_window_start: z.string(),
  trigger_window_end: z.string(),
  released: z.boolean(),
  growth_rate: z.number(),
});
export type PrecursorAlert = z.infer<typeof precursorAlertShape>;

/** Trigger episodes: from the first sample at or above the trigger ratio to the release sample. */
export function detectPrecursors(
  residentId: string,
  signal: string,
  series: readonly number[],
  dates: readonly string[],
  short: number,
  long: number,
): { alerts: PrecursorAlert[]; maxRatio: number } {
  const ratios = staLta(series, short, long);
  const alerts: PrecursorAlert[] = [];
  let maxRatio = 0;
  let start = -1;
  let peak = 0;
  const close = (end: number, released: boolean) => {
    // Growth: least-squares slope of the signal over the episode's short window and the episode.
    const from = Math.max(0, start - short + 1);
    alerts.push({
      resident_id: residentId,
      signal_type: signal,
      sta_lta_ratio: peak,
      severity: alertSeverity(peak),
      predicted_magnitude: magnitudeOf(peak),
      time_to_event_days: null,
      trigger_window_start: dates[start]!,
      trigger_window_end: dates[end]!,
      released,
      growth_rate: linearSlope(series.slice(from, end + 1)),
    });
  };
  for (let i = 0; i < ratios.length; i++) {
    const r = ratios[i];
    if (r === null || r === undefined) continue;
    maxRatio = Math.max(maxRatio, r);
    if (start < 0 && r >= TRIGGER_RATIO) {
      start = i;
      peak = r;
    } else if (start >= 0) {
      peak = Math.max(peak, r);
      if (r <= RELEASE_RATIO) {
        close(i, true);
        start = -1;
      }
    }
  }
  if (start >= 0) close(ratios.length - 1, false);
  return { alerts, maxRatio };
}

/** Largest ratio among the last `long` samples: the signal's current state. */
export function recentMaxRatio(series: readonly number[], short: number, long: number): number | null {
  const ratios = staLta(series, short, long)
    .slice(-long)
    .filter((r): r is number => r !== null);
  return ratios.length === 0 ? null : Math.max(...ratios);
}

/** Several corroborating signals raise the magnitude: root-sum-square of the per-signal magnitudes, capped at 10. */
export function combinedMagnitude(magnitudes: readonly number[]): number {
  return Math.min(10, Math.sqrt(magnitudes.reduce((a, m) => a + m * m, 0)));
}

export function magnitudeInterpretation(m: number): string {
  if (m < 2) return 'minimal: no precursor activity above background';
  if (m < 4) return 'minor: some signals above their baseline, below the trigger level';
  if (m < 6) return 'moderate: at least one signal triggered; check in with the resident';
  if (m < 8) return 'major: strong or corroborated precursors; reduce load and arrange support';
  return 'severe: several strong precursors together; act now';
}

/** The signals a stored program records: where each comes from (null: the schedule itself). */
export const SCHEDULE_SIGNALS: Record<string, WellbeingInput | null> = { swap_requests: 'swapRequests', sick_calls: 'sickCalls', daily_hours: null };

/** One sample per day of the range; null when the program does not record the signal. */
export function precursorSeries(snap: ScheduleSnapshot, personId: string, signal: string): number[] | null {
  const w = snap.wellbeing;
  if (signal === 'daily_hours') return dailyHours(snap, personId);
  if (signal === 'swap_requests') return w && w.swapRequests.length > 0 ? dailyCounts(snap.range, w.swapRequests, personId) : null;
  if (signal === 'sick_calls') return w && w.sickCalls.length > 0 ? dailyCounts(snap.range, w.sickCalls, personId) : null;
  return null;
}

export const magnitudeEntryShape = z.object({
  resident_id: z.string(),
  predicted_magnitude: z.number(),
  contributing_signals: z.number(),
  signal_magnitudes: z.record(z.string(), z.number()),
  confidence_level: z.enum(['low', 'medium', 'high']),
  interpretation: z.string(),
  recommended_actions: z.array(z.string()),
});

export type MagnitudeEntry = z.infer<typeof magnitudeEntryShape>;

/** Per signal the magnitude of its largest recent STA/LTA ratio, combined into one 0-10 value. */
export function predictMagnitude(id: string, signals: Record<string, readonly number[]>, short: number, long: number): MagnitudeEntry {
  const magnitudes: Record<string, number> = {};
  for (const [name, series] of Object.entries(signals)) {
    const r = recentMaxRatio(series, short, long);
    if (r !== null) magnitudes[name] = magnitudeOf(r);
  }
  const values = Object.values(magnitudes);
  const m = combinedMagnitude(values);
  const actions =
    m >= 6 ? ['Meet the resident this week and reduce their load.', 'Review their swap and sick-call history with them.'] : m >= 4 ? ['Check in with the resident.'] : [];
  return {
    resident_id: id,
    predicted_magnitude: m,
    contributing_signals: values.filter((v) => v > 0).length,
    signal_magnitudes: magnitudes,
    confidence_level: values.length >= 3 ? 'high' : values.length === 2 ? 'medium' : 'low',
    interpretation: magnitudeInterpretation(m),
    recommended_actions: actions,
  };
}
