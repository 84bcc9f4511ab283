/**
 * Unified critical index (docs/analytics.md): per faculty member, contingency (N-1), hub (network) and
 * epidemiology (network × burnout) scores, min-max normalised across faculty and combined
 * 0.40 / 0.35 / 0.25. Overall index = 100 × mean of the top five composites.
 */
import { z } from 'zod';
import type { ScheduleSnapshot } from '../domain/snapshot';
import { activePeople } from './common';
import type { CoverageModel } from './coverage';
import type { Centralities, Network } from './network';
import { gini, mean, populationStd } from './stats';

export const WEIGHTS = { contingency: 0.4, hub_analysis: 0.35, epidemiology: 0.25 } as const;

export const RISK_PATTERNS = [
  'universal_critical',
  'structural_burnout',
  'influential_hub',
  'social_connector',
  'isolated_workhorse',
  'burnout_vector',
  'network_anchor',
  'low_risk',
] as const;
export type RiskPattern = (typeof RISK_PATTERNS)[number];

export function riskPattern(contingency: boolean, hub: boolean, epidemiology: boolean): RiskPattern {
  if (contingency && hub && epidemiology) return 'universal_critical';
  if (contingency && epidemiology) return 'structural_burnout';
  if (contingency && hub) return 'influential_hub';
  if (epidemiology && hub) return 'social_connector';
  if (contingency) return 'isolated_workhorse';
  if (epidemiology) return 'burnout_vector';
  if (hub) return 'network_anchor';
  return 'low_risk';
}

const INTERVENTIONS: Record<RiskPattern, string[]> = {
  universal_critical: ['immediate_protection', 'cross_training', 'workload_reduction', 'network_diversification'],
  structural_burnout: ['workload_reduction', 'cross_training', 'wellness_support'],
  influential_hub: ['cross_training', 'network_diversification'],
  social_connector: ['network_diversification', 'wellness_support'],
  isolated_workhorse: ['cross_training', 'workload_reduction'],
  burnout_vector: ['wellness_support', 'monitoring'],
  network_anchor: ['network_diversification', 'monitoring'],
  low_risk: ['monitoring'],
};

export function overallRiskLevel(index: number): 'low' | 'moderate' | 'high' | 'critical' {
  if (index >= 70) return 'critical';
  if (index >= 50) return 'high';
  if (index >= 30) return 'moderate';
  return 'low';
}

/** Min-max to 0-1 across faculty; all equal gives 0.5. */
export function minMax(xs: readonly number[]): number[] {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return xs.map((x) => (hi === lo ? 0.5 : (x - lo) / (hi - lo)));
}

/** 1 - coefficient of variation of the three domain scores, floored at 0 (1 when all are 0). */
export function domainAgreement(scores: readonly number[]): number {
  const m = mean(scores);
  return m === 0 ? 1 : Math.max(0, 1 - populationStd(scores) / m);
}

export function facultyConfidence(blocks: number, hasNetwork: boolean, hasBurnout: boolean): number {
  const blockPart = blocks > 20 ? 0.35 : blocks > 5 ? 0.25 : blocks > 0 ? 0.15 : 0;
  return blockPart + (hasNetwork ? 0.35 : 0) + (hasBurnout ? 0.3 : 0);
}

const domainShape = z.object({ contingency: z.number(), hub_analysis: z.number(), epidemiology: z.number() });

export const facultyIndexShape = z.object({
  faculty_id: z.string(),
  faculty_name: z.string(),
  composite_index: z.number(),
  risk_pattern: z.enum(RISK_PATTERNS),
  confidence: z.number(),
  domain_scores: domainShape,
  raw_scores: domainShape,
  critical_flags: z.object({ contingency: z.boolean(), hub_analysis: z.boolean(), epidemiology: z.boolean() }),
  domain_agreement: z.number(),
  leading_domain: z.enum(['contingency', 'hub_analysis', 'epidemiology']),
  conflict_details: z.string().nullable(),
  recommended_interventions: z.array(z.string()),
  priority_rank: z.number(),
});
export type FacultyIndex = z.infer<typeof facultyIndexShape>;

export const unifiedOutput = {
  analyzed_at: z.string(),
  total_faculty: z.number(),
  overall_index: z.number().nullable(),
  risk_level: z.enum(['low', 'moderate', 'high', 'critical', 'insufficient_data']),
  risk_concentration: z.number(),
  critical_count: z.number(),
  universal_critical_count: z.number(),
  pattern_distribution: z.record(z.string(), z.number()),
  top_priority: z.array(z.string()),
  top_critical_faculty: z.array(facultyIndexShape),
  contributing_factors: domainShape,
  trend: z.string(),
  top_concerns: z.array(z.string()),
  recommendations: z.array(z.string()),
  severity: z.enum(['healthy', 'warning', 'elevated', 'critical', 'unknown']),
};

export interface UnifiedInputs {
  snapshot: ScheduleSnapshot;
  model: CoverageModel;
  net: Network;
  cent: Centralities;
  /** Burnout status per person from wellbeing; undefined when not recorded. */
  burnout: ReadonlyMap<string, 'burned_out' | 'at_risk' | 'healthy'>;
  hasBurnoutData: boolean;
}

export function facultyIndices(input: UnifiedInputs): FacultyIndex[] {
  const { snapshot, model, net, cent, burnout } = input;
  const faculty = activePeople(snapshot, 'faculty');
  const raw = faculty.map((p) => {
    const i = net.index.get(p.id)!;
    const loss = model.losses.get(p.id)!;
    const total = loss.requiredShifts;
    // Sole-provider blocks = nobody could replace them; critical blocks = coverage falls short without them.
    const contingency = total === 0 ? 0 : Math.min(1, (0.3 * loss.uncoverable.length + 0.1 * loss.affected.length) / total);
    const status = burnout.get(p.id);
    const affected = status === 'burned_out' || status === 'at_risk';
    const degree = cent.degree[i]!;
    let epidemiology = 0.4 * degree + 0.4 * cent.betweenness[i]!;
    if (affected) epidemiology = Math.min(1, epidemiology * 1.5);
    const hub = 0.25 * degree + 0.35 * cent.betweenness[i]! + 0.25 * cent.eigenvector[i]! + 0.15 * cent.pagerankScaled[i]!;
    return {
      person: p,
      contingency,
      hub,
      epidemiology,
      critical: { contingency: loss.uncoverable.length > 0, hub_analysis: hub > 0.7, epidemiology: degree > 0.5 && status === 'burned_out' },
      blocks: loss.shifts,
      hasNetwork: net.adj[i]!.length > 0,
    };
  });
  const nc = minMax(raw.map((r) => r.contingency));
  const nh = minMax(raw.map((r) => r.hub));
  const ne = minMax(raw.map((r) => r.epidemiology));
  const entries = raw.map((r, k) => {
    const scores = { contingency: nc[k]!, hub_analysis: nh[k]!, epidemiology: ne[k]! };
    const high = {
      contingency: scores.contingency >= 0.7 || r.critical.contingency,
      hub: scores.hub_analysis >= 0.7 || r.critical.hub_analysis,
      epidemiology: scores.epidemiology >= 0.7 || r.critical.epidemiology,
    };
    const pattern = riskPattern(high.contingency, high.hub, high.epidemiology);
    const values = [scores.contingency, scores.hub_analysis, scores.epidemiology];
    const agreement = domainAgreement(values);
    const leading = (['contingency', 'hub_analysis', 'epidemiology'] as const)[values.indexOf(Math.max(...values))]!;
    const spread = Math.max(...values) - Math.min(...values);
    return {
      faculty_id: r.person.id,
      faculty_name: r.person.name,
      composite_index: WEIGHTS.contingency * scores.contingency + WEIGHTS.hub_analysis * scores.hub_analysis + WEIGHTS.epidemiology * scores.epidemiology,
      risk_pattern: pattern,
      confidence: facultyConfidence(r.blocks, r.hasNetwork, input.hasBurnoutData),
      domain_scores: scores,
      raw_scores: { contingency: r.contingency, hub_analysis: r.hub, epidemiology: r.epidemiology },
      critical_flags: r.critical,
      domain_agreement: agreement,
      leading_domain: leading,
      conflict_details: spread >= 0.5 ? `domains disagree: ${leading} ${Math.max(...values).toFixed(2)} vs lowest ${Math.min(...values).toFixed(2)}` : null,
      recommended_interventions: INTERVENTIONS[pattern],
      priority_rank: 0,
    };
  });
  entries.sort((a, b) => b.composite_index - a.composite_index || a.faculty_id.localeCompare(b.faculty_id));
  entries.forEach((e, i) => (e.priority_rank = i + 1));
  return entries;
}

export function unifiedIndex(input: UnifiedInputs, topN: number, includeDetails: boolean) {
  const entries = facultyIndices(input);
  const assignments = input.snapshot.shifts.length;
  const insufficient = entries.length < 2 || assignments < 10;
  const composites = entries.map((e) => e.composite_index);
  const overall = insufficient ? null : 100 * mean(composites.slice(0, 5));
  const risk = overall === null ? ('insufficient_data' as const) : overallRiskLevel(overall);
  const distribution: Record<string, number> = {};
  for (const e of entries) distribution[e.risk_pattern] = (distribution[e.risk_pattern] ?? 0) + 1;
  const critical = entries.filter((e) => e.risk_pattern !== 'low_risk');
  const universal = entries.filter((e) => e.risk_pattern === 'universal_critical');
  const topCount = Math.max(1, Math.ceil(0.2 * entries.length));
  const concerns = entries
    .filter((e) => e.risk_pattern !== 'low_risk')
    .slice(0, 5)
    .map((e) => `${e.faculty_name} (${e.faculty_id}): ${e.risk_pattern.replace(/_/g, ' ')}, composite ${e.composite_index.toFixed(2)}, leading domain ${e.leading_domain}`);
  const recommendations: string[] = [];
  if (universal.length > 0)
    recommendations.push(`Protect ${universal.map((e) => e.faculty_id).join(', ')} now: critical in every domain (cross-train, reduce load, diversify co-assignments).`);
  for (const e of entries.filter((x) => x.critical_flags.contingency).slice(0, 3))
    recommendations.push(`Cross-train cover for ${e.faculty_name}: some of their blocks have no possible replacement.`);
  if (risk === 'critical') recommendations.push('Overall index above 70: request a coordinator review before publishing changes.');
  const severity = ({ low: 'healthy', moderate: 'warning', high: 'elevated', critical: 'critical', insufficient_data: 'unknown' } as const)[risk];
  return {
    total_faculty: entries.length,
    overall_index: overall,
    risk_level: risk,
    risk_concentration: gini(composites),
    critical_count: critical.length,
    universal_critical_count: universal.length,
    pattern_distribution: distribution,
    top_priority: entries.slice(0, topCount).map((e) => e.faculty_id),
    top_critical_faculty: includeDetails ? entries.slice(0, topN) : [],
    contributing_factors: { ...WEIGHTS },
    top_concerns: concerns,
    recommendations,
    severity,
  };
}
