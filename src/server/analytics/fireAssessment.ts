/**
 * Fire danger inputs derived from a stored schedule, per resident: recent_hours = hours in
 * the last 14 days of the range, monthly_load = hours per 30 days over the last 90 days (or
 * the range, if shorter), workload_velocity = slope of the last 4 weekly totals,
 * yearly_satisfaction = mean survey score of the past year. Given values replace derived ones.
 */
import type { ScheduleSnapshot } from '../domain/snapshot';
import { addDays, daysBetween } from '../domain/time';
import { hasWellbeing, residentIds, wellbeingName } from './common';
import { fireEntry, type FireInputs } from './fireDanger';
import { dailyHours, weeklyHours } from './series';
import { linearSlope, mean, sum } from './stats';

export function scheduleFireEntries(
  snap: ScheduleSnapshot,
  residentId: string | undefined,
  given: Partial<FireInputs>,
): { entries: ReturnType<typeof fireEntry>[]; missing: string[] } {
  const missing: string[] = [];
  const days = daysBetween(snap.range.start, snap.range.end) + 1;
  const monthDays = Math.min(90, days);
  if (days < 14) missing.push(`days in range (${days}; 14 needed for recent_hours)`);
  const surveysKnown = hasWellbeing(snap, 'surveys');
  if (!surveysKnown && given.yearlySatisfaction === undefined) missing.push(wellbeingName('surveys'));
  const yearAgo = addDays(snap.range.end, -365);
  const entries = residentIds(snap, residentId).map((id) => {
    const daily = dailyHours(snap, id);
    const weekly = weeklyHours(snap, id).slice(-4);
    const surveys = (snap.wellbeing?.surveys ?? []).filter((s) => s.personId === id && s.date > yearAgo && s.date <= snap.range.end).map((s) => s.satisfaction);
    if (surveysKnown && surveys.length === 0 && given.yearlySatisfaction === undefined) missing.push(`wellbeing.surveys for ${id}`);
    return fireEntry(id, {
      recentHours: given.recentHours ?? sum(daily.slice(-14)),
      monthlyLoad: given.monthlyLoad ?? (sum(daily.slice(-monthDays)) / monthDays) * 30,
      yearlySatisfaction: given.yearlySatisfaction ?? (surveys.length > 0 ? mean(surveys) : null),
      workloadVelocity: given.workloadVelocity ?? linearSlope(weekly),
    });
  });
  return { entries, missing };
}
