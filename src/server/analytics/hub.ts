/**
 * Hub centrality of faculty on the co-assignment network (docs/analytics.md): composite = 0.20 degree +
 * 0.30 betweenness + 0.20 eigenvector + 0.15 PageRank + 0.15 replacement difficulty.
 */
import { z } from 'zod';
import type { ScheduleSnapshot } from '../domain/snapshot';
import { activePeople } from './common';
import type { CoverageModel } from './coverage';
import { qualifies } from '../rules/stepIn';
import type { Centralities, Network } from './network';
import { mean, sum } from './stats';

export const HUB_RISKS = ['low', 'moderate', 'high', 'critical', 'catastrophic'] as const;
export type HubRisk = (typeof HUB_RISKS)[number];

export function hubRisk(composite: number, uniqueServices: number): HubRisk {
  if (composite >= 0.8 || uniqueServices >= 3) return 'catastrophic';
  if (composite >= 0.6 || uniqueServices >= 2) return 'critical';
  if (composite >= 0.4 || uniqueServices >= 1) return 'high';
  if (composite >= 0.2) return 'moderate';
  return 'low';
}

export function hubComposite(c: { degree: number; betweenness: number; eigenvector: number; pagerank: number; replacementDifficulty: number }): number {
  return 0.2 * c.degree + 0.3 * c.betweenness + 0.2 * c.eigenvector + 0.15 * c.pagerank + 0.15 * c.replacementDifficulty;
}

/** Mean of 1 / (1 + replacements) over the person's required shifts: 1 when nobody could step in. */
export function replacementDifficulty(alternatives: readonly number[]): number {
  return alternatives.length === 0 ? 0 : mean(alternatives.map((k) => 1 / (1 + k)));
}

export const hubEntryShape = z.object({
  faculty_id: z.string(),
  faculty_name: z.string(),
  centrality_score: z.number(),
  risk_level: z.enum(HUB_RISKS),
  is_hub: z.boolean(),
  services_covered: z.array(z.string()),
  unique_services: z.array(z.string()),
  unique_coverage_slots: z.number(),
  replacement_difficulty: z.number(),
  workload_share: z.number(),
  degree: z.number(),
  betweenness: z.number(),
  eigenvector: z.number(),
  pagerank: z.number(),
  cascade_impact: z.number(),
});
export type HubEntry = z.infer<typeof hubEntryShape>;

export const hubOutput = {
  total_faculty_analyzed: z.number(),
  hubs_identified: z.number(),
  critical_hubs: z.number(),
  top_hubs: z.array(hubEntryShape),
  cascade_failure_points: z.array(z.string()),
  cross_training_priority: z.array(
    z.object({ service_id: z.string(), service_name: z.string(), qualified_faculty: z.number(), faculty_ids: z.array(z.string()), priority: z.enum(['critical', 'high']) }),
  ),
  hub_concentration_risk: z.enum(['low', 'moderate', 'high', 'critical']),
  network: z.object({ nodes: z.number(), edges: z.number(), min_shared_blocks: z.number() }),
  recommendations: z.array(z.string()),
  severity: z.enum(['healthy', 'warning', 'critical']),
};

/** Services needing faculty in the range, with the active faculty qualified for each. */
function facultyPools(snapshot: ScheduleSnapshot, model: CoverageModel): Map<string, string[]> {
  const pools = new Map<string, string[]>();
  const faculty = activePeople(snapshot, 'faculty');
  for (const c of model.slots) {
    if (c.slot.facultyMin === 0 || pools.has(c.slot.serviceId)) continue;
    pools.set(
      c.slot.serviceId,
      faculty.filter((p) => qualifies(snapshot, p, c.slot, 'faculty')).map((p) => p.id),
    );
  }
  return pools;
}

export function hubEntries(snapshot: ScheduleSnapshot, model: CoverageModel, net: Network, cent: Centralities): HubEntry[] {
  const faculty = activePeople(snapshot, 'faculty');
  const pools = facultyPools(snapshot, model);
  const hoursOf = (id: string) => sum((snapshot.byPerson.get(id) ?? []).filter((s) => s.role !== 'backup').map((s) => s.countedHours));
  const totalHours = sum(faculty.map((p) => hoursOf(p.id)));
  return faculty
    .map((p) => {
      const i = net.index.get(p.id)!;
      const loss = model.losses.get(p.id)!;
      const unique = [...pools.entries()].filter(([, ids]) => ids.length === 1 && ids[0] === p.id).map(([s]) => s);
      const measures = {
        degree: cent.degree[i]!,
        betweenness: cent.betweenness[i]!,
        eigenvector: cent.eigenvector[i]!,
        pagerank: cent.pagerankScaled[i]!,
        replacementDifficulty: replacementDifficulty(loss.alternatives),
      };
      const composite = hubComposite(measures);
      return {
        faculty_id: p.id,
        faculty_name: p.name,
        centrality_score: composite,
        risk_level: hubRisk(composite, unique.length),
        is_hub: composite >= 0.4 || unique.length > 0,
        services_covered: [...new Set((snapshot.byPerson.get(p.id) ?? []).map((s) => s.serviceId))].sort(),
        unique_services: unique.sort(),
        unique_coverage_slots: loss.uncoverable.length,
        replacement_difficulty: measures.replacementDifficulty,
        workload_share: totalHours > 0 ? hoursOf(p.id) / totalHours : 0,
        degree: measures.degree,
        betweenness: measures.betweenness,
        eigenvector: measures.eigenvector,
        pagerank: measures.pagerank,
        cascade_impact: loss.affected.length,
      };
    })
    .sort((a, b) => b.centrality_score - a.centrality_score || a.faculty_id.localeCompare(b.faculty_id));
}

export function hubAnalysis(snapshot: ScheduleSnapshot, model: CoverageModel, net: Network, cent: Centralities, topN: number, minShared: number) {
  const entries = hubEntries(snapshot, model, net, cent);
  const pools = facultyPools(snapshot, model);
  const crossTraining = [...pools.entries()]
    .filter(([, ids]) => ids.length <= 1)
    .map(([serviceId, ids]) => ({
      service_id: serviceId,
      service_name: snapshot.services.get(serviceId)!.name,
      qualified_faculty: ids.length,
      faculty_ids: ids,
      priority: ids.length === 0 ? ('critical' as const) : ('high' as const),
    }));
  const worst = entries.reduce((w, e) => Math.max(w, HUB_RISKS.indexOf(e.risk_level)), 0);
  const concentration = worst >= 4 ? 'critical' : worst === 3 ? 'high' : worst === 2 ? 'moderate' : 'low';
  const recommendations: string[] = [];
  for (const c of crossTraining) {
    recommendations.push(
      c.qualified_faculty === 0
        ? `No active faculty member is qualified for ${c.service_name}: qualify at least two.`
        : `Only ${c.faculty_ids[0]} can supervise ${c.service_name}: cross-train a second faculty member.`,
    );
  }
  for (const e of entries.filter((x) => x.is_hub && x.unique_services.length === 0).slice(0, 3)) {
    recommendations.push(`${e.faculty_name} is a network hub (score ${e.centrality_score.toFixed(2)}): spread their co-assignments and name a deputy.`);
  }
  const critical = entries.filter((e) => e.risk_level === 'critical' || e.risk_level === 'catastrophic').length;
  return {
    total_faculty_analyzed: entries.length,
    hubs_identified: entries.filter((e) => e.is_hub).length,
    critical_hubs: critical,
    top_hubs: entries.slice(0, topN),
    cascade_failure_points: entries.filter((e) => e.unique_coverage_slots > 0).map((e) => e.faculty_id),
    cross_training_priority: crossTraining,
    hub_concentration_risk: concentration as 'low' | 'moderate' | 'high' | 'critical',
    network: { nodes: net.ids.length, edges: net.edgeCount, min_shared_blocks: minShared },
    recommendations,
    severity: (critical > 0 ? 'critical' : entries.some((e) => e.is_hub) ? 'warning' : 'healthy') as 'healthy' | 'warning' | 'critical',
  };
}
