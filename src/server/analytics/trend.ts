/**
 * Workload trend: a local-linear-trend Kalman filter (state = level and slope per week) over
 * a weekly hours series, with a forecast and 95 % bands.
 */
import { z } from 'zod';
import { mean } from './stats';

export interface KalmanParams {
  processNoise: number;
  measurementNoise: number;
  initialEstimate: number | null;
  initialError: number;
  predictionSteps: number;
}

export interface KalmanResult {
  level: number[];
  slope: number[];
  levelVariance: number[];
  gain: number[];
  predictions: number[];
  predictionVariance: number[];
}

const Z95 = 1.959964;

/**
 * x = [level, slope], F = [[1, 1], [0, 1]], H = [1, 0], Q = q·[[1/4, 1/2], [1/2, 1]]
 * (white-noise acceleration over one week), R = r. The first observation updates the prior.
 */
export function kalmanTrend(ys: readonly number[], p: KalmanParams): KalmanResult {
  const q = p.processNoise;
  const r = p.measurementNoise;
  let x0 = p.initialEstimate ?? ys[0] ?? 0;
  let x1 = 0;
  let a = p.initialError;
  let b = 0;
  let d = p.initialError;
  const out: KalmanResult = { level: [], slope: [], levelVariance: [], gain: [], predictions: [], predictionVariance: [] };
  const predict = () => {
    x0 += x1;
    // P' = F P F' + Q with P = [[a, b], [b, d]].
    const na = a + 2 * b + d + q / 4;
    const nb = b + d + q / 2;
    const nd = d + q;
    a = na;
    b = nb;
    d = nd;
  };
  ys.forEach((y, t) => {
    if (t > 0) predict();
    const s = a + r;
    const k0 = a / s;
    const k1 = b / s;
    const v = y - x0;
    x0 += k0 * v;
    x1 += k1 * v;
    // P = (I - K H) P.
    const na = (1 - k0) * a;
    const nb = (1 - k0) * b;
    const nd = d - k1 * b;
    a = na;
    b = nb;
    d = nd;
    out.level.push(x0);
    out.slope.push(x1);
    out.levelVariance.push(a);
    out.gain.push(k0);
  });
  for (let h = 0; h < p.predictionSteps; h++) {
    predict();
    out.predictions.push(x0);
    out.predictionVariance.push(a + r);
  }
  return out;
}

export function band(value: number, variance: number): { lower: number; upper: number } {
  const w = Z95 * Math.sqrt(Math.max(0, variance));
  return { lower: value - w, upper: value + w };
}

/** Slope beyond ±1 h/week per week counts as a trend. */
export function trendAssessment(slope: number): 'increasing' | 'decreasing' | 'stable' {
  if (slope > 1) return 'increasing';
  if (slope < -1) return 'decreasing';
  return 'stable';
}

/** 1 - mean |week-to-week change| / mean level, floored at 0: 1 for a flat series. */
export function smoothness(ys: readonly number[]): number {
  if (ys.length < 2) return 1;
  const m = mean(ys.map(Math.abs));
  if (m === 0) return 1;
  const changes = ys.slice(1).map((y, i) => Math.abs(y - ys[i]!));
  return Math.max(0, 1 - mean(changes) / m);
}

const intervalShape = z.object({ lower: z.number(), upper: z.number() });

export const trendOutput = {
  series_label: z.string(),
  observations: z.array(z.number()),
  filtered_workload: z.array(z.number()),
  confidence_intervals: z.array(intervalShape),
  predictions: z.array(z.number()),
  prediction_confidence: z.array(intervalShape),
  kalman_gain_history: z.array(z.number()),
  trend_slope: z.number(),
  trend_assessment: z.enum(['increasing', 'decreasing', 'stable', 'insufficient_data']),
  smoothness_score: z.number(),
  parameters: z.object({
    process_noise: z.number(),
    measurement_noise: z.number(),
    initial_estimate: z.number().nullable(),
    initial_error: z.number(),
    prediction_steps: z.number(),
  }),
  metadata: z.object({ model: z.string(), observations: z.number(), week_starts: z.array(z.string()) }),
  per_person: z.array(
    z.object({
      person_id: z.string(),
      weeks: z.number(),
      latest_hours: z.number(),
      filtered_level: z.number(),
      trend_slope: z.number(),
      trend_assessment: z.enum(['increasing', 'decreasing', 'stable', 'insufficient_data']),
      forecast_next: z.number().nullable(),
      forecast_lower: z.number().nullable(),
      forecast_upper: z.number().nullable(),
    }),
  ),
};
