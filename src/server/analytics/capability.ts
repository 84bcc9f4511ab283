/**
 * Process capability (Six Sigma) of weekly hours against the 40-80 h specification:
 * Cp/Cpk from the within-series (moving-range) sigma, Pp/Ppk from the overall sigma,
 * Cpm (Taguchi) from the overall sigma and the distance to target.
 */
import { z } from 'zod';
import { mean, normalCdf, sampleStd } from './stats';

export const CAPABILITY_STATUSES = ['EXCELLENT', 'CAPABLE', 'MARGINAL', 'INCAPABLE'] as const;

export function capabilityStatus(cpk: number): (typeof CAPABILITY_STATUSES)[number] {
  if (cpk >= 1.67) return 'EXCELLENT';
  if (cpk >= 1.33) return 'CAPABLE';
  if (cpk >= 1) return 'MARGINAL';
  return 'INCAPABLE';
}

/** d2 for moving ranges of two consecutive values. */
const D2 = 1.128;

/** Mean moving range / d2 over consecutive values of each series (series are not joined). */
export function withinSigma(series: readonly (readonly number[])[]): number | null {
  let total = 0;
  let count = 0;
  for (const s of series) {
    for (let i = 1; i < s.length; i++) {
      total += Math.abs(s[i]! - s[i - 1]!);
      count++;
    }
  }
  return count === 0 ? null : total / count / D2;
}

export const capabilityShape = {
  cp: z.number().nullable(),
  cpk: z.number().nullable(),
  pp: z.number().nullable(),
  ppk: z.number().nullable(),
  cpm: z.number().nullable(),
  capability_status: z.enum(CAPABILITY_STATUSES).nullable(),
  sigma_level: z.number().nullable(),
  sample_size: z.number(),
  mean: z.number(),
  std_dev: z.number(),
  within_std_dev: z.number().nullable(),
  lsl: z.number(),
  usl: z.number(),
  target: z.number(),
  centering_assessment: z.string(),
  estimated_defect_rate_ppm: z.number().nullable(),
};
export type Capability = z.infer<z.ZodObject<typeof capabilityShape>>;

/**
 * `series` are the rational subgroups for the within sigma (e.g. one per resident); the data
 * are all their values. Indices are null when a sigma is 0 or cannot be estimated.
 */
export function processCapability(series: readonly (readonly number[])[], lsl: number, usl: number, target = (lsl + usl) / 2): Capability {
  const data = series.flat();
  const mu = mean(data);
  const overall = sampleStd(data);
  const within = withinSigma(series);
  const ratio = (num: number, sigma: number | null) => (sigma && sigma > 0 ? num / sigma : null);
  const cp = ratio(usl - lsl, within === null ? null : 6 * within);
  const cpk = within && within > 0 ? Math.min(usl - mu, mu - lsl) / (3 * within) : null;
  const pp = ratio(usl - lsl, 6 * overall);
  const ppk = overall > 0 ? Math.min(usl - mu, mu - lsl) / (3 * overall) : null;
  const tau = Math.sqrt(overall ** 2 + (mu - target) ** 2);
  const cpm = tau > 0 && data.length > 1 ? (usl - lsl) / (6 * tau) : null;
  const ppm = overall > 0 ? 1e6 * (normalCdf((lsl - mu) / overall) + 1 - normalCdf((usl - mu) / overall)) : null;
  const half = (usl - lsl) / 2;
  const offset = data.length === 0 ? 0 : (mu - (lsl + usl) / 2) / half;
  const centering =
    data.length === 0
      ? 'no data'
      : Math.abs(offset) < 0.1
        ? 'well centered'
        : `${offset > 0 ? 'above' : 'below'} center by ${(Math.abs(offset) * 100).toFixed(0)}% of the half-tolerance`;
  return {
    cp,
    cpk,
    pp,
    ppk,
    cpm,
    capability_status: cpk === null ? null : capabilityStatus(cpk),
    sigma_level: cpk === null ? null : 3 * cpk,
    sample_size: data.length,
    mean: mu,
    std_dev: overall,
    within_std_dev: within,
    lsl,
    usl,
    target,
    centering_assessment: centering,
    estimated_defect_rate_ppm: ppm,
  };
}
