/** Burnout fire weather index (CFFDRS analogue; docs/analytics.md). */
import { z } from 'zod';

export const DANGER_CLASSES = ['low', 'moderate', 'high', 'very_high', 'extreme'] as const;
export type DangerClass = (typeof DANGER_CLASSES)[number];

export interface FireInputs {
  /** Hours worked in the last 2 weeks. */
  recentHours: number;
  /** Average monthly hours over the last 3 months. */
  monthlyLoad: number;
  /** Satisfaction 0-1 over the past year; null when unknown. */
  yearlySatisfaction: number | null;
  /** Change of weekly hours, hours per week. */
  workloadVelocity: number;
}

export const componentShape = z.object({
  ffmc: z.number(),
  dmc: z.number(),
  dc: z.number().nullable(),
  isi: z.number(),
  bui: z.number().nullable(),
  fwi: z.number().nullable(),
});
export type FireComponents = z.infer<typeof componentShape>;

export function fireComponents(i: FireInputs): FireComponents {
  const ffmc = 100 * (1 - Math.exp(-3.5 * Math.max(0, (i.recentHours - 60) / 60)));
  const dmc = Math.min(100, 100 * (1 - Math.exp(-2.5 * Math.max(0, (i.monthlyLoad - 240) / 240))));
  const isi = 0.35 * ffmc * Math.max(0, 1 + i.workloadVelocity / 10);
  if (i.yearlySatisfaction === null) return { ffmc, dmc, dc: null, isi, bui: null, fwi: null };
  const dc = 100 * (1 - i.yearlySatisfaction) ** 1.5;
  const bui = dmc === 0 && dc === 0 ? 0 : (0.9 * dmc * dc) / (dmc + 0.4 * dc);
  const fD = bui <= 80 ? 0.626 * bui ** 0.809 + 2 : 1000 / (25 + 108.64 * Math.exp(-0.023 * bui));
  return { ffmc, dmc, dc, isi, bui, fwi: 0.12 * isi * fD };
}

export function dangerClass(fwi: number): DangerClass {
  if (fwi < 20) return 'low';
  if (fwi < 40) return 'moderate';
  if (fwi < 60) return 'high';
  if (fwi < 80) return 'very_high';
  return 'extreme';
}

const RESTRICTIONS: Record<DangerClass, string[]> = {
  low: [],
  moderate: ['Monitor hours weekly; no extra shifts beyond the schedule.'],
  high: ['No voluntary extra shifts or moonlighting.', 'Protect post-call rest; review the next two weeks of load.'],
  very_high: ['Reduce scheduled hours now (target under 60 h/week).', 'No call or night shifts until the index falls below 40.', 'Meet with the program director.'],
  extreme: [
    'Remove from call and night shifts immediately.',
    'Reduce to essential duties; return to full duty only when the index is below 40.',
    'Arrange wellbeing support today.',
  ],
};

export function dangerRestrictions(c: DangerClass): string[] {
  return RESTRICTIONS[c];
}

export const DANGER_SEVERITY: Record<DangerClass, 'healthy' | 'warning' | 'elevated' | 'critical' | 'emergency'> = {
  low: 'healthy',
  moderate: 'warning',
  high: 'elevated',
  very_high: 'critical',
  extreme: 'emergency',
};

export function temporalAnalysis(c: FireComponents): Record<string, string> {
  const level = (v: number) => (v < 30 ? 'low' : v < 60 ? 'moderate' : v < 85 ? 'high' : 'extreme');
  return {
    short_term: `recent 2-week load: FFMC ${c.ffmc.toFixed(1)} (${level(c.ffmc)})`,
    medium_term: `3-month load: DMC ${c.dmc.toFixed(1)} (${level(c.dmc)})`,
    long_term: c.dc === null ? 'yearly satisfaction unknown: DC not computed' : `yearly satisfaction: DC ${c.dc.toFixed(1)} (${level(c.dc)})`,
    spread: `spread index ISI ${c.isi.toFixed(1)} combines recent load with the workload trend`,
  };
}

export const fireEntryShape = z.object({
  resident_id: z.string(),
  danger_class: z.enum(DANGER_CLASSES).nullable(),
  fwi_score: z.number().nullable(),
  component_scores: componentShape,
  inputs: z.object({ recent_hours: z.number(), monthly_load: z.number(), yearly_satisfaction: z.number().nullable(), workload_velocity: z.number() }),
  is_safe: z.boolean().nullable(),
  requires_intervention: z.boolean().nullable(),
  recommended_restrictions: z.array(z.string()),
  temporal_analysis: z.record(z.string(), z.string()),
  severity: z.enum(['healthy', 'warning', 'elevated', 'critical', 'emergency', 'unknown']),
});

/** One resident's index, class and restrictions (class-dependent fields are null without a satisfaction score). */
export function fireEntry(id: string, inputs: FireInputs): z.infer<typeof fireEntryShape> {
  const c = fireComponents(inputs);
  const cls = c.fwi === null ? null : dangerClass(c.fwi);
  return {
    resident_id: id,
    danger_class: cls,
    fwi_score: c.fwi,
    component_scores: c,
    inputs: { recent_hours: inputs.recentHours, monthly_load: inputs.monthlyLoad, yearly_satisfaction: inputs.yearlySatisfaction, workload_velocity: inputs.workloadVelocity },
    is_safe: cls === null ? null : cls === 'low' || cls === 'moderate',
    requires_intervention: cls === null ? null : cls === 'very_high' || cls === 'extreme',
    recommended_restrictions: cls === null ? [] : dangerRestrictions(cls),
    temporal_analysis: temporalAnalysis(c),
    severity: cls === null ? 'unknown' : DANGER_SEVERITY[cls],
  };
}
