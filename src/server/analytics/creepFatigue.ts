/**
 * Creep-fatigue (docs/analytics.md): Larson-Miller parameter for sustained load and Miner's rule over an
 * S-N curve for repeated weekly load cycles.
 */
import { z } from 'zod';

export const LMP_THRESHOLD = 45;
export const SAFE_LMP = 31.5;
const C = 20;

/** LMP = workload_fraction × (C/2 + 1.25·C·log10(duration_days)). */
export function larsonMiller(workloadFraction: number, durationDays: number): number {
  if (durationDays <= 0 || workloadFraction <= 0) return 0;
  return workloadFraction * (C / 2 + 1.25 * C * Math.log10(durationDays));
}

export function creepStage(lmp: number): 'primary' | 'secondary' | 'tertiary' {
  if (lmp < 0.5 * LMP_THRESHOLD) return 'primary';
  if (lmp < 0.8 * LMP_THRESHOLD) return 'secondary';
  return 'tertiary';
}

export interface SnCurve {
  /** A in N = A·S^b. */
  constant: number;
  /** b in N = A·S^b. */
  exponent: number;
}

export const DEFAULT_SN: SnCurve = { constant: 1e10, exponent: -3 };

/** Miner's rule D = Σ n_i / N_i with one cycle per stress value; stresses are 0-1 fractions of the limit. */
export function minerDamage(stresses: readonly number[], sn: SnCurve): number {
  let d = 0;
  for (const s of stresses) if (s > 0) d += 1 / (sn.constant * s ** sn.exponent);
  return d;
}

export function creepFatigueRisk(stage: 'primary' | 'secondary' | 'tertiary', remainingLife: number) {
  const creep = stage === 'tertiary' ? 3 : stage === 'secondary' ? 2 : 1;
  const fatigue = remainingLife < 0.2 ? 3 : remainingLife < 0.5 ? 2 : 1;
  const score = 0.6 * creep + 0.4 * fatigue;
  return { score, level: score >= 2.5 ? ('high' as const) : score >= 1.8 ? ('moderate' as const) : ('low' as const) };
}

/** Workload cut (percent, at most 50) that brings LMP back to the safe value. */
export function stressReduction(lmp: number): number {
  return lmp <= SAFE_LMP ? 0 : Math.min(50, ((lmp - SAFE_LMP) / lmp) * 100);
}

export const creepAssessmentShape = z.object({
  resident_id: z.string(),
  resident_name: z.string(),
  overall_risk: z.enum(['low', 'moderate', 'high']),
  risk_score: z.number(),
  risk_description: z.string(),
  creep_analysis: z.object({
    larson_miller_parameter: z.number(),
    creep_stage: z.enum(['primary', 'secondary', 'tertiary']),
    workload_fraction: z.number(),
    duration_days: z.number(),
    recommended_stress_reduction: z.number(),
  }),
  fatigue_analysis: z.object({ cycles: z.number(), cumulative_damage: z.number(), remaining_life_fraction: z.number(), peak_stress: z.number() }),
  recommendations: z.array(z.string()),
});
export type CreepAssessment = z.infer<typeof creepAssessmentShape>;

/** One resident from their weekly hours (each week one load cycle, stress = hours / weekly limit). */
export function assessCreepFatigue(id: string, name: string, weekly: readonly number[], weeklyLimit: number, sn: SnCurve): CreepAssessment {
  const fraction = weekly.length === 0 ? 0 : weekly.reduce((a, b) => a + b, 0) / weekly.length / weeklyLimit;
  const days = weekly.length * 7;
  const lmp = larsonMiller(fraction, days);
  const stage = creepStage(lmp);
  const stresses = weekly.map((h) => Math.min(1, h / weeklyLimit));
  const damage = minerDamage(stresses, sn);
  const remaining = Math.max(0, 1 - damage);
  const risk = creepFatigueRisk(stage, remaining);
  const reduction = stressReduction(lmp);
  const recommendations: string[] = [];
  if (reduction > 0) recommendations.push(`Reduce sustained workload by about ${reduction.toFixed(0)}% to bring LMP to ${SAFE_LMP}.`);
  if (stage === 'tertiary') recommendations.push('Tertiary creep: schedule a lighter rotation or recovery block soon.');
  if (remaining < 0.5) recommendations.push('Accumulated fatigue damage is high: avoid back-to-back heavy weeks.');
  return {
    resident_id: id,
    resident_name: name,
    overall_risk: risk.level,
    risk_score: risk.score,
    risk_description: `${stage} creep (LMP ${lmp.toFixed(1)} of ${LMP_THRESHOLD}), ${(remaining * 100).toFixed(1)}% fatigue life remaining`,
    creep_analysis: { larson_miller_parameter: lmp, creep_stage: stage, workload_fraction: fraction, duration_days: days, recommended_stress_reduction: reduction },
    fatigue_analysis: { cycles: weekly.length, cumulative_damage: damage, remaining_life_fraction: remaining, peak_stress: stresses.length ? Math.max(...stresses) : 0 },
    recommendations,
  };
}
