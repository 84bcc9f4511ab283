/** Weekly-hours trends of a stored schedule: the residents' mean per week and each resident's own trend. */
import type { ScheduleSnapshot } from '../domain/snapshot';
import { activePeople } from './common';
import { fullWeeks, weeklyHours } from './series';
import { mean } from './stats';
import { band, kalmanTrend, trendAssessment, type KalmanParams } from './trend';

export function residentTrends(snap: ScheduleSnapshot, params: KalmanParams) {
  const starts = fullWeeks(snap.range).map((w) => w.start);
  const weekly = activePeople(snap, 'resident').map((p) => ({ id: p.id, weeks: weeklyHours(snap, p.id) }));
  const series = starts.map((_, w) => mean(weekly.map((r) => r.weeks[w]!)));
  const perPerson = weekly
    .filter((r) => r.weeks.length > 0)
    .map((r) => {
      const k = kalmanTrend(r.weeks, { ...params, predictionSteps: Math.max(1, params.predictionSteps) });
      const next = band(k.predictions[0]!, k.predictionVariance[0]!);
      const slope = k.slope[k.slope.length - 1]!;
      return {
        person_id: r.id,
        weeks: r.weeks.length,
        latest_hours: r.weeks[r.weeks.length - 1]!,
        filtered_level: k.level[k.level.length - 1]!,
        trend_slope: slope,
        trend_assessment: r.weeks.length < 4 ? ('insufficient_data' as const) : trendAssessment(slope),
        forecast_next: k.predictions[0]!,
        forecast_lower: next.lower,
        forecast_upper: next.upper,
      };
    });
  return { series, starts, perPerson };
}
