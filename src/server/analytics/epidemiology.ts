/**
 * Burnout epidemiology on the real contact network: Rt from recorded burnout onsets, and an
 * SIS simulation (seeded) with counterfactual runs to size interventions.
 */
import { z } from 'zod';
import { daysBetween } from '../domain/time';
import type { Network } from './network';
import { seededRng } from './rng';
import { mean } from './stats';

export const RT_STATUSES = ['no_cases', 'declining', 'controlled', 'spreading', 'rapid_spread', 'crisis', 'insufficient_data'] as const;
export const INTERVENTION_LEVELS = ['none', 'monitoring', 'moderate', 'aggressive', 'emergency'] as const;

export function rtStatus(rt: number): { status: (typeof RT_STATUSES)[number]; level: (typeof INTERVENTION_LEVELS)[number] } {
  if (rt < 0.5) return { status: 'declining', level: 'none' };
  if (rt < 1) return { status: 'controlled', level: 'monitoring' };
  if (rt < 2) return { status: 'spreading', level: 'moderate' };
  if (rt < 3) return { status: 'rapid_spread', level: 'aggressive' };
  return { status: 'crisis', level: 'emergency' };
}

export function rtSeverity(rt: number): 'healthy' | 'warning' | 'critical' | 'emergency' {
  if (rt >= 3) return 'emergency';
  if (rt >= 2) return 'critical';
  if (rt >= 1) return 'warning';
  return 'healthy';
}

export function herdImmunityThreshold(rt: number): number {
  return rt > 1 ? 1 - 1 / rt : 0;
}

const INTERVENTIONS: Record<(typeof INTERVENTION_LEVELS)[number], string[]> = {
  none: ['Continue routine wellbeing check-ins.'],
  monitoring: ['Check in with the close contacts of burned-out staff.', 'Review their upcoming workload.'],
  moderate: [
    'Reduce shared high-intensity shifts between affected and at-risk staff.',
    'Offer wellness support to close contacts.',
    'Rebalance workload away from affected teams.',
  ],
  aggressive: ['Separate burned-out staff from heavily shared assignments.', 'Reduce workload of close contacts now.', 'Escalate to the program director.'],
  emergency: ['Activate the sacrifice hierarchy to free capacity.', 'Give burned-out staff immediate relief.', 'Program-wide wellbeing intervention.'],
};

export interface Case {
  personId: string;
  onset?: string;
}

export interface RtResult {
  rt: number | null;
  indexCases: number;
  secondary: Map<string, number>;
  contacts: Set<string>;
  casesWithoutOnset: string[];
}

/**
 * Rt = mean number of secondary cases per index case with a known onset, a secondary case
 * being a network contact whose onset falls in (0, window] days after the index onset.
 */
export function burnoutRt(net: Network, cases: readonly Case[], windowDays: number): RtResult {
  const onsets = new Map(cases.filter((c) => c.onset).map((c) => [c.personId, c.onset!]));
  const secondary = new Map<string, number>();
  const contacts = new Set<string>();
  const caseIds = new Set(cases.map((c) => c.personId));
  for (const c of cases) {
    const i = net.index.get(c.personId);
    for (const j of i === undefined ? [] : net.adj[i]!) if (!caseIds.has(net.ids[j]!)) contacts.add(net.ids[j]!);
    if (!c.onset) continue;
    let n = 0;
    for (const j of i === undefined ? [] : net.adj[i]!) {
      const other = onsets.get(net.ids[j]!);
      if (other === undefined) continue;
      const lag = daysBetween(c.onset, other);
      if (lag > 0 && lag <= windowDays) n++;
    }
    secondary.set(c.personId, n);
  }
  return {
    rt: secondary.size > 0 ? mean([...secondary.values()]) : null,
    indexCases: secondary.size,
    secondary,
    contacts,
    casesWithoutOnset: cases.filter((c) => !c.onset).map((c) => c.personId),
  };
}

export function rtInterventions(level: (typeof INTERVENTION_LEVELS)[number]): string[] {
  return INTERVENTIONS[level];
}

export interface SisParams {
  infectionRate: number;
  recoveryRate: number;
  iterations: number;
  runs: number;
  seed: number;
}

/** Infection threshold on a burnout score (docs/analytics.md). */
export const INFECTED_AT = 0.5;

/**
 * Mean infected fraction per iteration over `runs` SIS runs. Each step a susceptible node with
 * k infected neighbours is infected with 1 - (1 - β)^k; an infected node recovers with γ.
 * `isolated` nodes neither pass nor catch burnout (their co-assignments removed), for counterfactuals.
 */
export function sisTrajectory(net: Network, infected0: readonly boolean[], p: SisParams, isolated?: ReadonlySet<number>): number[] {
  const n = net.ids.length;
  const curve = new Array<number>(p.iterations + 1).fill(0);
  if (n === 0) return curve;
  for (let run = 0; run < p.runs; run++) {
    const rng = seededRng(p.seed + run);
    let state = infected0.slice();
    curve[0]! += state.filter(Boolean).length / n;
    for (let t = 1; t <= p.iterations; t++) {
      const next = state.slice();
      for (let i = 0; i < n; i++) {
        // One draw per node and step whatever happens, so counterfactual runs share random numbers.
        const u = rng();
        if (state[i]) {
          if (u < p.recoveryRate) next[i] = false;
          continue;
        }
        if (isolated?.has(i)) continue;
        let k = 0;
        for (const j of net.adj[i]!) if (state[j] && !(isolated?.has(j) ?? false)) k++;
        if (k > 0 && u < 1 - (1 - p.infectionRate) ** k) next[i] = true;
      }
      state = next;
      curve[t]! += state.filter(Boolean).length / n;
    }
  }
  return curve.map((c) => c / p.runs);
}

export function contagionRisk(rate: number): 'low' | 'moderate' | 'high' | 'critical' {
  if (rate > 0.5) return 'critical';
  if (rate >= 0.25) return 'high';
  if (rate >= 0.1) return 'moderate';
  return 'low';
}

export const superspreaderShape = z.object({
  provider_id: z.string(),
  burnout_score: z.number(),
  degree: z.number(),
  degree_centrality: z.number(),
  susceptible_contacts: z.number(),
  superspreader_score: z.number(),
  risk_level: z.enum(['low', 'moderate', 'high', 'critical']),
});

export const interventionShape = z.object({
  intervention_type: z.string(),
  priority: z.number(),
  reason: z.string(),
  target_providers: z.array(z.string()),
  affected_edges: z.number(),
  estimated_infection_reduction: z.number(),
  estimated_cost_hours: z.number(),
});

export function superspreaderRisk(score: number): 'low' | 'moderate' | 'high' | 'critical' {
  if (score >= 0.5) return 'critical';
  if (score >= 0.3) return 'high';
  if (score >= 0.15) return 'moderate';
  return 'low';
}

export const contagionOutput = {
  network_size: z.number(),
  current_susceptible: z.number(),
  current_infected: z.number(),
  current_infection_rate: z.number(),
  contagion_risk: z.enum(['low', 'moderate', 'high', 'critical']),
  simulation_iterations: z.number(),
  monte_carlo_runs: z.number(),
  seed: z.number(),
  infection_curve: z.array(z.number()),
  final_infection_rate: z.number(),
  peak_infection_rate: z.number(),
  peak_iteration: z.number(),
  superspreaders: z.array(superspreaderShape),
  total_superspreaders: z.number(),
  recommended_interventions: z.array(interventionShape),
  warnings: z.array(z.string()),
  generated_at: z.string(),
  severity: z.enum(['healthy', 'warning', 'critical', 'emergency']),
};

export interface ContagionInput {
  net: Network;
  degree: readonly number[];
  /** Burnout score 0-1 per node, aligned with net.ids. */
  scores: readonly number[];
  params: SisParams;
  maxInterventions: number;
  /** Called between simulation batches: reports progress and throws when cancelled. */
  checkpoint(done: number, total: number): Promise<void>;
}

/** SIS forecast plus one counterfactual per candidate superspreader (same seeds, so differences are the intervention's). */
export async function burnoutContagion(input: ContagionInput) {
  const { net, degree, scores, params } = input;
  const n = net.ids.length;
  const infected0 = scores.map((s) => s >= INFECTED_AT);
  const infectedNow = infected0.filter(Boolean).length;
  const profiles = net.ids
    .map((id, i) => {
      const susceptible = net.adj[i]!.filter((j) => !infected0[j]).length;
      const score = scores[i]! * degree[i]!;
      return {
        provider_id: id,
        burnout_score: scores[i]!,
        degree: net.adj[i]!.length,
        degree_centrality: degree[i]!,
        susceptible_contacts: susceptible,
        superspreader_score: score,
        risk_level: superspreaderRisk(score),
        index: i,
      };
    })
    .filter((p) => infected0[p.index] && p.susceptible_contacts > 0)
    .sort((a, b) => b.superspreader_score - a.superspreader_score || a.provider_id.localeCompare(b.provider_id));
  const candidates = profiles.slice(0, input.maxInterventions);
  const total = 1 + candidates.length;
  await input.checkpoint(0, total);
  const curve = sisTrajectory(net, infected0, params);
  await input.checkpoint(1, total);
  const final = curve[curve.length - 1]!;
  let peak = 0;
  for (let t = 1; t < curve.length; t++) if (curve[t]! > curve[peak]!) peak = t;
  const interventions = [];
  for (const [k, c] of candidates.entries()) {
    const counterfactual = sisTrajectory(net, infected0, params, new Set([c.index]));
    await input.checkpoint(2 + k, total);
    const cost = net.adj[c.index]!.reduce((acc, j, e) => acc + (infected0[j] ? 0 : net.hours[c.index]![e]!), 0);
    interventions.push({
      intervention_type: 'reduce_co_assignment',
      reason: `${c.provider_id} is burned out and shares shifts with ${c.susceptible_contacts} susceptible colleague(s)`,
      target_providers: [c.provider_id],
      affected_edges: c.susceptible_contacts,
      estimated_infection_reduction: Math.max(0, final - counterfactual[counterfactual.length - 1]!),
      estimated_cost_hours: cost,
    });
  }
  interventions.sort((a, b) => b.estimated_infection_reduction - a.estimated_infection_reduction || a.target_providers[0]!.localeCompare(b.target_providers[0]!));
  const superspreaders = profiles.filter((p) => p.risk_level === 'high' || p.risk_level === 'critical').map(({ index: _index, ...rest }) => rest);
  const risk = contagionRisk(Math.max(final, n > 0 ? infectedNow / n : 0));
  return {
    network_size: n,
    current_susceptible: n - infectedNow,
    current_infected: infectedNow,
    current_infection_rate: n > 0 ? infectedNow / n : 0,
    contagion_risk: risk,
    simulation_iterations: params.iterations,
    monte_carlo_runs: params.runs,
    seed: params.seed,
    infection_curve: curve,
    final_infection_rate: final,
    peak_infection_rate: curve[peak]!,
    peak_iteration: peak,
    superspreaders,
    total_superspreaders: superspreaders.length,
    recommended_interventions: interventions.map((x, i) => ({ ...x, priority: Math.min(5, i + 1) })),
    severity: ({ low: 'healthy', moderate: 'warning', high: 'critical', critical: 'emergency' } as const)[risk],
  };
}
