/** Creep-fatigue assessment of every active resident over the last weeks of the range. */
import type { ScheduleSnapshot } from '../domain/snapshot';
import { activePeople } from './common';
import { assessCreepFatigue, DEFAULT_SN, type CreepAssessment } from './creepFatigue';
import { fullWeeks, weeklyHours } from './series';

export interface CreepReport {
  /** Highest risk first. */
  assessments: CreepAssessment[];
  /** Full weeks looked at. */
  weeks: number;
  high: number;
  moderate: number;
  tertiary: number;
  recommendations: string[];
}

export function creepReport(snap: ScheduleSnapshot, lookbackDays: number): CreepReport {
  const weeksBack = Math.floor(lookbackDays / 7);
  const assessments = activePeople(snap, 'resident')
    .map((p) => assessCreepFatigue(p.id, p.name, weeklyHours(snap, p.id).slice(-weeksBack), 80, DEFAULT_SN))
    .sort(
      (a, b) => b.risk_score - a.risk_score || b.creep_analysis.larson_miller_parameter - a.creep_analysis.larson_miller_parameter || a.resident_id.localeCompare(b.resident_id),
    );
  const high = assessments.filter((a) => a.overall_risk === 'high').length;
  const moderate = assessments.filter((a) => a.overall_risk === 'moderate').length;
  const tertiary = assessments.filter((a) => a.creep_analysis.creep_stage === 'tertiary').length;
  const recommendations: string[] = [];
  if (tertiary > 0) recommendations.push(`${tertiary} resident(s) in tertiary creep: plan lighter rotations for them in the next block.`);
  if (high > 0) recommendations.push(`${high} resident(s) at high combined risk: reduce sustained load now.`);
  return { assessments, weeks: Math.min(weeksBack, fullWeeks(snap.range).length), high, moderate, tertiary, recommendations };
}
