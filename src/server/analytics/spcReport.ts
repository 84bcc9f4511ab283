/** Western Electric rules per resident's weekly hours and what the violations call for. */
import type { ScheduleSnapshot } from '../domain/snapshot';
import { residentIds } from './common';
import { fullWeeks, weeklyHours } from './series';
import { spcSeverity, westernElectric, type SpcAlert } from './spc';
import { mean, sampleStd } from './stats';

export interface WeeklySeries {
  id: string;
  weeks: number[];
  /** Start date of each week (empty for a caller's series). */
  starts: string[];
}

/** Every active resident's (or one resident's) counted hours per full week of the range. */
export function residentWeeklySeries(snap: ScheduleSnapshot, residentId: string | undefined): WeeklySeries[] {
  const starts = fullWeeks(snap.range).map((w) => w.start);
  return residentIds(snap, residentId).map((id) => ({ id, weeks: weeklyHours(snap, id), starts }));
}

export function spcResidents(series: readonly WeeklySeries[], target: number, sigma: number) {
  const alerts: SpcAlert[] = [];
  const residents = series.map((s) => {
    const a = westernElectric(s.id, s.weeks, target, sigma, s.starts);
    alerts.push(...a);
    return {
      resident_id: s.id,
      weeks_analyzed: s.weeks.length,
      mean_hours: mean(s.weeks),
      std_hours: sampleStd(s.weeks),
      violations_detected: a.length,
      severity: spcSeverity(a),
      weekly_hours: s.weeks,
      week_starts: s.starts,
    };
  });
  const flagged = residents.filter((r) => r.violations_detected > 0);
  const actions: string[] = [];
  for (const r of flagged.filter((x) => x.severity === 'critical').slice(0, 10)) actions.push(`${r.resident_id}: a week beyond 3σ of ${target} h; review that week's assignments.`);
  if (flagged.some((r) => r.severity === 'warning')) actions.push('Sustained drift from the target in some residents: rebalance the coming weeks.');
  return { alerts, residents, flagged: flagged.length, actions };
}
