/**
 * Statistical process control on weekly hours (docs/analytics.md): Western Electric rules around a target
 * centerline with a given sigma.
 */
import { z } from 'zod';

export const spcAlertShape = z.object({
  resident_id: z.string(),
  rule: z.enum(['Rule 1', 'Rule 2', 'Rule 3', 'Rule 4']),
  severity: z.enum(['CRITICAL', 'WARNING', 'INFO']),
  message: z.string(),
  /** Week indices (0-based) of the points that make the pattern. */
  data_points: z.array(z.number()),
  week_start: z.string().nullable(),
});
export type SpcAlert = z.infer<typeof spcAlertShape>;

export const controlLimitsShape = z.object({
  centerline: z.number(),
  sigma: z.number(),
  ucl_1sigma: z.number(),
  lcl_1sigma: z.number(),
  ucl_2sigma: z.number(),
  lcl_2sigma: z.number(),
  ucl_3sigma: z.number(),
  lcl_3sigma: z.number(),
});

export function controlLimits(center: number, sigma: number): z.infer<typeof controlLimitsShape> {
  return {
    centerline: center,
    sigma,
    ucl_1sigma: center + sigma,
    lcl_1sigma: center - sigma,
    ucl_2sigma: center + 2 * sigma,
    lcl_2sigma: center - 2 * sigma,
    ucl_3sigma: center + 3 * sigma,
    lcl_3sigma: center - 3 * sigma,
  };
}

/**
 * Rule 1: a point beyond 3σ (CRITICAL). Rule 2: 2 of 3 consecutive beyond 2σ on one side
 * (WARNING). Rule 3: 4 of 5 beyond 1σ on one side (WARNING). Rule 4: 8 in a row on one side
 * of the centerline (INFO). Rules 2-3 fire on the point that completes the pattern and is
 * itself beyond the limit; rule 4 fires once per run, on its eighth point.
 */
export function westernElectric(residentId: string, points: readonly number[], center: number, sigma: number, weekStarts: readonly string[] = []): SpcAlert[] {
  const alerts: SpcAlert[] = [];
  const z = points.map((x) => (x - center) / sigma);
  const week = (i: number) => weekStarts[i] ?? null;
  const side = (v: number) => (v > 0 ? 1 : v < 0 ? -1 : 0);
  const words = (s: number) => (s > 0 ? 'above' : 'below');
  let run = 0;
  let runSide = 0;
  for (let i = 0; i < z.length; i++) {
    const v = z[i]!;
    if (Math.abs(v) > 3) {
      alerts.push({
        resident_id: residentId,
        rule: 'Rule 1',
        severity: 'CRITICAL',
        message: `week ${i + 1}: ${points[i]!.toFixed(1)} h is ${words(side(v))} the 3-sigma limit`,
        data_points: [i],
        week_start: week(i),
      });
    }
    for (const [rule, width, need, limit] of [
      ['Rule 2', 3, 2, 2],
      ['Rule 3', 5, 4, 1],
    ] as const) {
      if (i < width - 1 || Math.abs(v) <= limit) continue;
      const s = side(v);
      const hits: number[] = [];
      for (let k = i - width + 1; k <= i; k++) if (side(z[k]!) === s && Math.abs(z[k]!) > limit) hits.push(k);
      if (hits.length >= need) {
        alerts.push({
          resident_id: residentId,
          rule,
          severity: 'WARNING',
          message: `weeks ${hits.map((k) => k + 1).join(', ')}: ${hits.length} of ${width} points ${words(s)} the ${limit}-sigma line`,
          data_points: hits,
          week_start: week(i),
        });
      }
    }
    const s = side(v);
    run = s !== 0 && s === runSide ? run + 1 : s !== 0 ? 1 : 0;
    runSide = s;
    if (run === 8) {
      const idx = Array.from({ length: 8 }, (_, k) => i - 7 + k);
      alerts.push({
        resident_id: residentId,
        rule: 'Rule 4',
        severity: 'INFO',
        message: `weeks ${i - 6}-${i + 1}: 8 consecutive points ${words(s)} the centerline`,
        data_points: idx,
        week_start: week(i),
      });
    }
  }
  return alerts;
}

export function spcSeverity(alerts: readonly SpcAlert[]): 'healthy' | 'warning' | 'critical' {
  if (alerts.some((a) => a.severity === 'CRITICAL')) return 'critical';
  if (alerts.some((a) => a.severity === 'WARNING')) return 'warning';
  return 'healthy';
}
