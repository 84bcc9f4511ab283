/**
 * STA/LTA precursor triggers over a stored schedule: every requested signal the program
 * records, for one resident or all active ones, and what the triggers call for.
 */
import type { ScheduleSnapshot } from '../domain/snapshot';
import { daysBetween, eachDate } from '../domain/time';
import { hasWellbeing, residentIds, wellbeingName } from './common';
import { detectPrecursors, precursorSeries, predictMagnitude, SCHEDULE_SIGNALS, type MagnitudeEntry, type PrecursorAlert } from './precursors';

export interface PrecursorScan {
  alerts: PrecursorAlert[];
  maxRatio: number;
  residents: number;
  signals: string[];
  missing: string[];
}

export function scanSchedulePrecursors(snap: ScheduleSnapshot, residentId: string | undefined, signal: string | undefined, short: number, long: number): PrecursorScan {
  const missing: string[] = [];
  const alerts: PrecursorAlert[] = [];
  let maxRatio = 0;
  const signals: string[] = [];
  for (const s of signal ? [signal] : Object.keys(SCHEDULE_SIGNALS)) {
    if (!(s in SCHEDULE_SIGNALS)) {
      missing.push(`${s} (not recorded in the program; pass time_series)`);
      continue;
    }
    const source = SCHEDULE_SIGNALS[s];
    if (source && !hasWellbeing(snap, source)) missing.push(wellbeingName(source));
    else signals.push(s);
  }
  const days = daysBetween(snap.range.start, snap.range.end) + 1;
  if (days < long) missing.push(`days in range (${days}; long_window ${long} needed)`);
  const dates = eachDate(snap.range.start, snap.range.end);
  const ids = residentIds(snap, residentId);
  for (const id of ids) {
    for (const s of signals) {
      const series = precursorSeries(snap, id, s);
      if (!series) continue;
      const r = detectPrecursors(id, s, series, dates, short, long);
      alerts.push(...r.alerts);
      maxRatio = Math.max(maxRatio, r.maxRatio);
    }
  }
  return { alerts, maxRatio, residents: ids.length, signals, missing };
}

/** The most severe trigger level, the residents flagged and the follow-ups the triggers call for. */
export function precursorFollowUp(alerts: readonly PrecursorAlert[]): { worst: 'critical' | 'elevated' | 'warning' | 'healthy'; flagged: string[]; actions: string[] } {
  const worst = (['critical', 'elevated', 'warning'] as const).find((s) => alerts.some((a) => a.severity === s)) ?? 'healthy';
  const flagged = [...new Set(alerts.map((a) => a.resident_id))];
  const actions =
    alerts.length === 0 ? [] : [`Check in with ${flagged.slice(0, 10).join(', ')}${flagged.length > 10 ? ' and others' : ''}: precursor signals rose above their baseline.`];
  if (alerts.some((a) => !a.released)) actions.push("Some triggers are still active at the end of the range: review these residents' next two weeks.");
  return { worst, flagged, actions };
}

/** The burnout magnitude of one resident or every active one, from the signals the program records. */
export function scheduleMagnitudes(snap: ScheduleSnapshot, residentId: string | undefined, short: number, long: number): { predictions: MagnitudeEntry[]; missing: string[] } {
  const missing: string[] = [];
  for (const source of ['swapRequests', 'sickCalls'] as const) if (!hasWellbeing(snap, source)) missing.push(wellbeingName(source));
  const days = daysBetween(snap.range.start, snap.range.end) + 1;
  if (days < long) missing.push(`days in range (${days}; long_window ${long} needed)`);
  const predictions = residentIds(snap, residentId).map((id) => {
    const signals: Record<string, number[]> = {};
    for (const name of Object.keys(SCHEDULE_SIGNALS)) {
      const s = precursorSeries(snap, id, name);
      if (s) signals[name] = s;
    }
    return predictMagnitude(id, signals, short, long);
  });
  return { predictions, missing };
}
