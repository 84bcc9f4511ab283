/**
 * Workflow 4 — resilience assessment (seed: TIER 1, read-only; guide pattern 3; facts §6).
 *
 *   scope -> tiered assessment
 *              tier 1 quick status (parallel: utilization, defense level, the orchestrator's own
 *                     breakers and tool health, and the server's breakers when it has the tool)
 *                 └ all clear when the defense level is below 3 (SAFETY_SYSTEMS)
 *              tier 2 contingency (serial chain: N-1 contingency -> blast radius -> sacrifice preview)
 *                 └ all clear when there are 10 gaps or fewer
 *              tier 3 full analysis (Rt -> contagion; all early-warning tools in parallel)
 *         -> synthesis: unified critical index (fallback: weighted average of the signals)
 *            -> alerts by severity, each gated by its confidence (RED needs >= 0.85).
 *
 * Modes: quick (tier 1 + synthesis), standard (tiers as far as needed), deep (every tier,
 * cached results refreshed, longer limits).
 */
import * as z from 'zod';
import type { ConfidenceFactor } from '../confidence/score';
import { restsOnDefault } from '../engine/argPlanning';
import type { JsonObject, PhaseVerdict, RunContext, WorkflowDefinition } from '../engine/definition';
import { gateAlerts, type AlertCandidate } from './shared/alerts';
import { capacitySteps, defensePlan, missingArgsAction, utilizationPlan } from './shared/argPlans';
import type { WorkflowModule } from './shared/module';
import { dedupeRecommendations, type Alert, type Recommendation, type ResultView, type RunEnd, type WorkflowOutcome } from './shared/outcome';
import { ANALYTICS_CONFIDENCE, UNIFIED_CONFIDENCE } from './shared/quality';
import { list, num, pct, round, str, strings } from './shared/read';
import { checkRange, parseInputsWith, scopeInputShape, scopeSteps, type ScopeInputs } from './shared/scope';
import { compact } from '../util/compact';
import {
  burnoutRt,
  contingencyGaps,
  defenseLevel,
  defenseName,
  describeSignal,
  openBreakers,
  signalLevel,
  unifiedIndex,
  utilizationLevel,
  utilizationRate,
} from './shared/signals';
import { weightedConfidence } from './shared/weights';
import { RESILIENCE_PLAN } from './inputFields';
import { confidenceGate } from './shared/gates';

export type ResilienceInputs = ScopeInputs;

export const resilienceInputSchema = z.object(scopeInputShape).strict().superRefine(checkRange);

/** Tier 2 runs when the defense level is at least this (3 = SAFETY_SYSTEMS, "YELLOW or worse"). */
export const DEFENSE_ESCALATION_LEVEL = 3;
/** Tier 3 runs when contingency finds more gaps than this. */
export const GAP_ESCALATION = 10;
/** Unified index above which the coordinator is alerted (cheatsheet). */
export const UNIFIED_ALERT = 70;
/** Gates of the analysis tiers and the synthesis: below them the assessment needs review. */
export const TIER_THRESHOLDS = {
  contingency: { proceed: 0.65, review: 0 },
  epidemiology: { proceed: 0.6, review: 0 },
  earlyWarning: { proceed: 0.7, review: 0 },
  synthesis: { proceed: 0.65, review: 0 },
} as const;

const QUICK_STATUS = ['utilization', 'orchestrator', 'breakers', 'defense'] as const;
/** The server's breaker tool: asked about first, so the step is skipped (by design) where the server lacks it. */
const SERVER_BREAKERS = 'check_circuit_breakers';
const CONTINGENCY = ['contingency', 'blast_radius', 'sacrifice'] as const;
const EPIDEMIOLOGY = ['rt', 'contagion'] as const;
const EARLY_WARNING = ['precursors', 'spc', 'fire_danger', 'magnitude', 'creep_fatigue', 'hub_centrality'] as const;

/** Tier 1 is all clear below defense level 3; without a defense level, below ORANGE utilization. */
export function quickStatusClear(view: ResultView): boolean {
  const level = defenseLevel(view.data('defense'));
  if (level !== undefined) return level < DEFENSE_ESCALATION_LEVEL;
  const util = utilizationLevel(view.data('utilization'));
  return util === 'green' || util === 'yellow';
}

/** Tier 2 is all clear with 10 gaps or fewer; unknown gaps are not clear (look further when blind). */
export function contingencyClear(view: ResultView): boolean {
  const gaps = contingencyGaps(view.data('contingency'));
  return gaps !== undefined && gaps.total <= GAP_ESCALATION;
}

/**
 * Fallback of the unified index (seed: "weighted average of signals"): domain scores 0–100 —
 * contingency = 100 × share of critical gaps, hub = 100 × top centrality, epidemiology =
 * min(100, 50 × Rt) — weighted 0.40 / 0.35 / 0.25 over the domains that have data.
 */
export function estimateUnifiedIndex(view: ResultView): JsonObject {
  const domains: { name: string; weight: number; score: number }[] = [];
  const gaps = contingencyGaps(view.data('contingency'));
  if (gaps) domains.push({ name: 'contingency', weight: 0.4, score: 100 * gaps.criticalShare });
  const topHub = list(view.data('hub_centrality'), 'top_hubs')?.[0];
  const centrality = num(topHub, 'centrality_score', 'composite', 'composite_score');
  if (centrality !== undefined) domains.push({ name: 'hub_analysis', weight: 0.35, score: 100 * Math.min(1, centrality) });
  const rt = burnoutRt(view.data('rt'));
  if (rt !== undefined) domains.push({ name: 'epidemiology', weight: 0.25, score: Math.min(100, 50 * rt) });
  const total = domains.reduce((s, d) => s + d.weight, 0);
  const index = total > 0 ? round(domains.reduce((s, d) => s + d.weight * d.score, 0) / total, 1) : null;
  return {
    overall_index: index,
    risk_level: index === null ? 'insufficient_data' : riskLevel(index),
    estimated: true,
    domains_used: domains.map((d) => d.name),
    domain_scores: Object.fromEntries(domains.map((d) => [d.name, round(d.score, 1)])),
  };
}

function riskLevel(index: number): string {
  if (index >= 70) return 'critical';
  if (index >= 50) return 'high';
  if (index >= 30) return 'moderate';
  return 'low';
}

/** A result is evidence only when no argument of its call was a stand-in default (argPlanning.ts). */
function evidence(view: ResultView, id: string): JsonObject | undefined {
  return restsOnDefault(view.result(id)?.argProvenance) ? undefined : view.data(id);
}

export function resilienceAlertCandidates(view: ResultView): AlertCandidate[] {
  const out: AlertCandidate[] = [];
  const rate = utilizationRate(evidence(view, 'utilization'));
  const util = utilizationLevel(evidence(view, 'utilization'));
  if (rate !== undefined && rate >= 0.9)
    out.push({ severity: 'RED', source: 'utilization', message: `Faculty utilization ${pct(rate)} (${util}): activate contingency protocols` });
  else if (rate !== undefined && rate >= 0.8) out.push({ severity: 'YELLOW', source: 'utilization', message: `Faculty utilization ${pct(rate)} (${util}): monitor more closely` });
  const { open, halfOpen } = openBreakers(view.data('breakers'));
  if (open.length > 0) out.push({ severity: 'YELLOW', source: 'breakers', message: `Circuit breaker open (ORANGE): ${open.join(', ')}; check the resource` });
  if (halfOpen.length > 0) out.push({ severity: 'INFO', source: 'breakers', message: `Circuit breaker half-open: ${halfOpen.join(', ')}; monitor for 5 min` });
  const own = openBreakers(view.data('orchestrator'));
  if (own.open.length > 0)
    out.push({ severity: 'YELLOW', source: 'orchestrator', message: `Orchestrator circuit breaker open for ${own.open.join(', ')}: calls fail fast until it half-opens` });
  if (own.halfOpen.length > 0)
    out.push({ severity: 'INFO', source: 'orchestrator', message: `Orchestrator circuit breaker half-open for ${own.halfOpen.join(', ')}: one trial call decides` });
  const degraded = strings(view.data('orchestrator'), 'degraded_tools') ?? [];
  if (degraded.length > 0) out.push({ severity: 'INFO', source: 'orchestrator', message: `Tools slow or failing as seen by the orchestrator: ${degraded.join(', ')}` });
  const defense = defenseLevel(evidence(view, 'defense'));
  if (defense !== undefined && defense >= 4) out.push({ severity: 'RED', source: 'defense', message: `Defense level ${defense} (${defenseName(defense)})` });
  else if (defense === 3) out.push({ severity: 'YELLOW', source: 'defense', message: `Defense level 3 (${defenseName(3)})` });
  const gaps = contingencyGaps(view.data('contingency'));
  if (gaps && gaps.critical > 0) out.push({ severity: 'RED', source: 'contingency', message: `${gaps.critical} critical N-1 gap(s) without a workaround (of ${gaps.total})` });
  else if (gaps && gaps.total > 2 * GAP_ESCALATION) out.push({ severity: 'RED', source: 'contingency', message: `${gaps.total} contingency gaps (> ${2 * GAP_ESCALATION})` });
  else if (gaps && gaps.total > GAP_ESCALATION) out.push({ severity: 'YELLOW', source: 'contingency', message: `${gaps.total} contingency gaps (> ${GAP_ESCALATION})` });
  const rt = burnoutRt(view.data('rt'));
  if (rt !== undefined && rt > 1.5) out.push({ severity: 'RED', source: 'rt', message: `Burnout Rt ${rt.toFixed(2)} > 1.5: burnout is spreading` });
  else if (rt !== undefined && rt >= 1) out.push({ severity: 'YELLOW', source: 'rt', message: `Burnout Rt ${rt.toFixed(2)} >= 1` });
  const contagion = str(view.data('contagion'), 'contagion_risk')?.toLowerCase();
  if (contagion === 'critical') out.push({ severity: 'RED', source: 'contagion', message: 'Burnout contagion risk critical (> 50% infected in simulation)' });
  else if (contagion === 'high') out.push({ severity: 'YELLOW', source: 'contagion', message: 'Burnout contagion risk high' });
  for (const id of EARLY_WARNING) {
    const level = signalLevel(view.data(id));
    const { name, summary } = describeSignal(view, id);
    if (level === 'critical') out.push({ severity: 'RED', source: id, message: `${name}: critical signal${summary ? ` (${summary})` : ''}` });
    else if (level === 'warning') out.push({ severity: 'YELLOW', source: id, message: `${name}: warning${summary ? ` (${summary})` : ''}` });
  }
  const raw = unifiedIndex(view.data('unified'));
  const index = raw !== undefined ? round(raw, 1) : undefined;
  if (index !== undefined && index > UNIFIED_ALERT)
    out.push({ severity: 'RED', source: 'unified', message: `Unified critical index ${index} > ${UNIFIED_ALERT}: alert the coordinator` });
  else if (index !== undefined && index >= 50) out.push({ severity: 'YELLOW', source: 'unified', message: `Unified critical index ${index} (high)` });
  else if (index !== undefined && index >= 30) out.push({ severity: 'INFO', source: 'unified', message: `Unified critical index ${index} (moderate)` });
  return out;
}

/** The server capabilities this workflow calls (the orchestrator reports their availability and breakers). */
function serverCapabilities(): string[] {
  const steps = resilienceWorkflow.phases.flatMap((p) => (p.run === 'tiered' ? p.tiers.flatMap((t) => t.steps) : p.steps));
  const names = steps.flatMap((s) => (s.kind === 'tool' ? [s.capability] : []));
  return [...new Set(names)].filter((c) => c !== 'orchestrator_health');
}

/** Breakers as each side sees them: the orchestrator's own (always) and the server's (when it has the tool). */
export type BreakerReport = {
  orchestrator: { open: string[]; half_open: string[]; degraded_tools: string[]; unavailable_tools: string[] } | null;
  server: { open: string[]; half_open: string[] } | null;
  /** Why the server's breakers are not reported (no such tool, or it failed). */
  server_missing: string | null;
};

export function breakerReport(view: ResultView): BreakerReport {
  const own = view.data('orchestrator');
  const server = view.data('breakers');
  const ownBreakers = openBreakers(own);
  const serverBreakers = openBreakers(server);
  const capabilities = Object.entries((own?.['capabilities'] as Record<string, unknown> | undefined) ?? {});
  return {
    orchestrator: own
      ? {
          open: ownBreakers.open,
          half_open: ownBreakers.halfOpen,
          degraded_tools: strings(own, 'degraded_tools') ?? [],
          unavailable_tools: capabilities.filter(([, status]) => status === 'unavailable').map(([c]) => c),
        }
      : null,
    server: server ? { open: serverBreakers.open, half_open: serverBreakers.halfOpen } : null,
    server_missing: server ? null : (view.result('breakers')?.skip?.reason ?? view.result('breakers')?.error?.message ?? 'not run'),
  };
}

export type ResilienceAssessment = {
  risk_level: string;
  unified_index: number | null;
  unified_estimated: boolean;
  utilization: number | null;
  defense_level: number | null;
  burnout_rt: number | null;
  gaps: number | null;
  tiers_run: string[];
  breakers: BreakerReport;
  alerts: Alert[];
  recommendations: Recommendation[];
  overall_confidence: number | null;
};

function tiersRun(view: ResultView): string[] {
  const ran = (ids: readonly string[]) => ids.some((id) => view.result(id) !== undefined && view.result(id)?.skip === undefined);
  const tiers: string[] = [];
  if (ran(QUICK_STATUS)) tiers.push('quick status');
  if (ran(CONTINGENCY)) tiers.push('contingency');
  if (ran([...EPIDEMIOLOGY, ...EARLY_WARNING])) tiers.push('full analysis');
  return tiers;
}

function resilienceRecommendations(view: ResultView, alerts: readonly Alert[]): Recommendation[] {
  const recs: Recommendation[] = [];
  for (const a of alerts.filter((x) => x.status !== 'held_back' && x.severity === 'RED')) recs.push({ category: 'immediate', text: a.message });
  for (const a of alerts.filter((x) => x.status === 'held_back')) recs.push({ category: 'monitoring', text: `Verify: ${a.message} (${a.note})` });
  for (const id of ['unified', 'contingency', 'blast_radius', 'sacrifice', 'rt']) {
    for (const text of (strings(view.data(id), 'recommendations', 'recommended_actions', 'interventions') ?? []).slice(0, 2)) recs.push({ category: 'long_term', text });
  }
  for (const a of alerts.filter((x) => x.status !== 'held_back' && x.severity === 'YELLOW')) recs.push({ category: 'monitoring', text: a.message });
  return dedupeRecommendations(recs);
}

/** Weights of the overall confidence: quick status and the unified index carry the assessment. */
const OVERALL_WEIGHTS: Readonly<Record<string, number>> = {
  utilization: 1,
  defense: 1,
  orchestrator: 0.25,
  breakers: 0.5,
  contingency: 1,
  blast_radius: 0.5,
  sacrifice: 0.25,
  rt: 0.5,
  contagion: 0.25,
  precursors: 0.25,
  spc: 0.25,
  fire_danger: 0.25,
  magnitude: 0.25,
  creep_fatigue: 0.25,
  hub_centrality: 0.25,
  unified: 1,
};

export function assessResilience(view: ResultView): ResilienceAssessment {
  const alerts = gateAlerts(view, resilienceAlertCandidates(view));
  const unifiedData = view.data('unified');
  const raw = unifiedIndex(unifiedData);
  const index = raw !== undefined ? round(raw, 1) : undefined;
  const rank = ['low', 'moderate', 'high', 'critical'];
  const fromIndex = str(unifiedData, 'risk_level') ?? (index !== undefined ? riskLevel(index) : undefined);
  const standingRed = alerts.some((a) => a.status !== 'held_back' && a.severity === 'RED');
  const fromAlerts = standingRed ? 'high' : alerts.some((a) => a.status !== 'held_back' && a.severity === 'YELLOW') ? 'moderate' : 'low';
  const risk = fromIndex && rank.includes(fromIndex) ? (rank.indexOf(fromIndex) >= rank.indexOf(fromAlerts) ? fromIndex : fromAlerts) : fromAlerts;
  const defense = defenseLevel(view.data('defense'));
  return {
    risk_level: risk,
    unified_index: index ?? null,
    unified_estimated: view.result('unified')?.source === 'fallback',
    utilization: utilizationRate(view.data('utilization')) ?? null,
    defense_level: defense ?? null,
    burnout_rt: burnoutRt(view.data('rt')) ?? null,
    gaps: contingencyGaps(view.data('contingency'))?.total ?? null,
    tiers_run: tiersRun(view),
    breakers: breakerReport(view),
    alerts,
    recommendations: resilienceRecommendations(view, alerts),
    overall_confidence: weightedConfidence(view, OVERALL_WEIGHTS).value ?? null,
  };
}

function assessmentConfidence(_data: JsonObject, ctx: RunContext<ResilienceInputs>): ConfidenceFactor[] {
  const value = weightedConfidence(ctx, OVERALL_WEIGHTS).value;
  return [{ kind: 'base', label: 'weighted confidence of the tiers that ran and the unified index', value: value ?? 0 }];
}

function synthesisDecision(ctx: RunContext<ResilienceInputs>): PhaseVerdict | undefined {
  const a = ctx.data('assessment') as ResilienceAssessment | undefined;
  if (!a) return undefined;
  const red = a.alerts.filter((x) => x.status === 'confirmed' && x.severity === 'RED');
  if (red.length > 0) return { action: 'continue', review: `${red.length} confirmed RED alert(s): notify the program director (${red[0]!.message})` };
  return { action: 'continue' };
}

const earlyWarningStep = (id: (typeof EARLY_WARNING)[number], title: string, capability: string, args: JsonObject) =>
  ({ id, kind: 'tool', title, capability, args: () => args, confidence: ANALYTICS_CONFIDENCE }) as const;

export const resilienceWorkflow: WorkflowDefinition<ResilienceInputs> = {
  id: 'resilience',
  title: 'Resilience assessment',
  version: 2,
  description: 'System-wide health and vulnerability: quick status, then contingency, then the full analysis only when needed (read-only).',
  parseInputs: (raw) => compact(parseInputsWith(resilienceInputSchema, raw, 'the resilience assessment')),
  modes: {
    quick: { description: 'Quick status and the unified index only', skipSteps: [...CONTINGENCY, ...EPIDEMIOLOGY, ...EARLY_WARNING], cache: 'use' },
    standard: { description: 'Tiers as far as the findings require', cache: 'use' },
    deep: { description: 'Every tier whatever the findings, fresh results, longer limits', cache: 'refresh', timeoutMs: 180_000, policy: { '*': { timeoutMs: 30_000 } } },
  },
  defaultMode: 'standard',
  timeoutMs: 60_000,
  readOnly: true,
  phases: [
    { id: 'scope', title: 'Scope', run: 'serial', steps: [...scopeSteps<ResilienceInputs>(), ...capacitySteps<ResilienceInputs>()] },
    {
      id: 'assessment',
      title: 'Tiered assessment',
      run: 'tiered',
      tiers: [
        {
          id: 'quick_status',
          title: 'Tier 1 · Quick status',
          steps: [
            {
              id: 'utilization',
              kind: 'tool',
              title: 'Faculty utilization',
              capability: 'check_utilization_threshold',
              dependsOn: ['scope'],
              args: () => ({}),
              plan: utilizationPlan,
            },
            {
              id: 'orchestrator',
              kind: 'tool',
              title: "Orchestrator's breakers and tool health",
              capability: 'orchestrator_health',
              weight: 0.25,
              // Every capability of this workflow: breakers opened in an earlier run are reported before the tool is called again.
              args: () => ({ capabilities: serverCapabilities() }),
            },
            {
              id: 'breakers',
              kind: 'tool',
              title: "Server's circuit breakers",
              capability: SERVER_BREAKERS,
              dependsOn: ['orchestrator'],
              weight: 0.5,
              skipIf: (ctx) =>
                str(ctx.data('orchestrator'), `capabilities.${SERVER_BREAKERS}`) === 'unavailable'
                  ? "the server has no breaker tool: the orchestrator's own breakers are reported"
                  : undefined,
              args: () => ({}),
            },
            { id: 'defense', kind: 'tool', title: 'Defense level', capability: 'get_defense_level', dependsOn: ['scope'], args: () => ({}), plan: defensePlan },
          ],
          allClear: (ctx) => ctx.mode !== 'deep' && quickStatusClear(ctx),
        },
        {
          id: 'contingency',
          title: 'Tier 2 · Contingency',
          steps: [
            {
              id: 'contingency',
              kind: 'tool',
              title: 'N-1 contingency',
              capability: 'run_contingency_analysis_deep',
              args: () => ({ analyze_n1: true, analyze_n2: false, include_cascade_simulation: false, critical_faculty_only: true }),
            },
            {
              id: 'blast_radius',
              kind: 'tool',
              title: 'Blast radius',
              capability: 'calculate_blast_radius',
              dependsOn: ['contingency'],
              weight: 0.5,
              args: () => ({ check_all_zones: true }),
              confidence: ANALYTICS_CONFIDENCE,
            },
            {
              id: 'sacrifice',
              kind: 'tool',
              title: 'Sacrifice hierarchy preview (level 3)',
              capability: 'execute_sacrifice_hierarchy',
              dependsOn: ['blast_radius'],
              weight: 0.25,
              args: () => ({ target_level: 'red', simulate_only: true }),
            },
          ],
          allClear: (ctx) => ctx.mode !== 'deep' && contingencyClear(ctx),
        },
        {
          id: 'full',
          title: 'Tier 3 · Full analysis',
          steps: [
            { id: 'rt', kind: 'tool', title: 'Burnout Rt', capability: 'calculate_burnout_rt', args: () => ({ time_window_days: 28 }), confidence: ANALYTICS_CONFIDENCE },
            {
              id: 'contagion',
              kind: 'tool',
              title: 'Burnout contagion',
              capability: 'simulate_burnout_contagion',
              dependsOn: ['rt'],
              weight: 0.5,
              args: () => ({ infection_rate: 0.05, recovery_rate: 0.01, simulation_iterations: 50 }),
              confidence: ANALYTICS_CONFIDENCE,
            },
            earlyWarningStep('precursors', 'Burnout precursors', 'detect_burnout_precursors', { resident_id: 'all' }),
            earlyWarningStep('spc', 'SPC on weekly hours', 'run_spc_analysis', { resident_id: 'all', target_hours: 60, sigma: 5 }),
            earlyWarningStep('fire_danger', 'Fire danger index', 'calculate_fire_danger_index', { resident_id: 'all' }),
            earlyWarningStep('magnitude', 'Burnout magnitude', 'predict_burnout_magnitude', { resident_id: 'all' }),
            earlyWarningStep('creep_fatigue', 'Creep fatigue', 'assess_creep_fatigue', { include_assessments: true, top_n: 20 }),
            earlyWarningStep('hub_centrality', 'Hub centrality', 'analyze_hub_centrality', {}),
          ],
        },
      ],
      gates: [
        confidenceGate('contingency', TIER_THRESHOLDS.contingency, { method: 'weighted_mean', steps: [...CONTINGENCY] }),
        confidenceGate('epidemiology', TIER_THRESHOLDS.epidemiology, { method: 'weighted_mean', steps: [...EPIDEMIOLOGY] }),
        confidenceGate('early warning', TIER_THRESHOLDS.earlyWarning, { method: 'maximum', steps: [...EARLY_WARNING] }),
      ],
    },
    {
      id: 'synthesis',
      title: 'Synthesis',
      run: 'serial',
      steps: [
        {
          id: 'unified',
          kind: 'tool',
          title: 'Unified critical index',
          capability: 'get_unified_critical_index',
          args: () => ({ include_details: true, top_n: 20 }),
          fallback: { kind: 'compute', label: 'weighted average of the available signals', base: 0.35, compute: estimateUnifiedIndex },
          confidence: UNIFIED_CONFIDENCE,
        },
        { id: 'assessment', kind: 'compute', title: 'Alerts and risk', compute: assessResilience, confidence: assessmentConfidence },
      ],
      gates: [confidenceGate('synthesis', TIER_THRESHOLDS.synthesis, { method: 'minimum', steps: ['unified'] })],
      decide: synthesisDecision,
    },
  ],
};

function outcome(view: ResultView): WorkflowOutcome {
  const a = (view.data('assessment') as ResilienceAssessment | undefined) ?? assessResilience(view);
  const standing = a.alerts.filter((x) => x.status !== 'held_back');
  const red = standing.filter((x) => x.severity === 'RED').length;
  const yellow = standing.filter((x) => x.severity === 'YELLOW').length;
  const metrics = [
    { label: 'Risk level', value: a.risk_level },
    { label: 'Tiers run', value: a.tiers_run.join(' -> ') || 'none' },
  ];
  if (a.unified_index !== null) metrics.push({ label: 'Unified critical index', value: `${a.unified_index}${a.unified_estimated ? ' (estimated from signals)' : ''}` });
  if (a.utilization !== null) metrics.push({ label: 'Faculty utilization', value: pct(a.utilization) });
  if (a.defense_level !== null) metrics.push({ label: 'Defense level', value: `${a.defense_level} (${defenseName(a.defense_level)})` });
  if (a.gaps !== null) metrics.push({ label: 'Contingency gaps', value: String(a.gaps) });
  if (a.burnout_rt !== null) metrics.push({ label: 'Burnout Rt', value: a.burnout_rt.toFixed(2) });
  const list = (names: string[]) => (names.length > 0 ? names.join(', ') : 'none');
  const { orchestrator: own, server, server_missing: missing } = a.breakers;
  if (own)
    metrics.push({ label: "Orchestrator's breakers", value: `open: ${list(own.open)}; half-open: ${list(own.half_open)}; slow or failing tools: ${list(own.degraded_tools)}` });
  metrics.push({ label: "Server's breakers", value: server ? `open: ${list(server.open)}; half-open: ${list(server.half_open)}` : `not reported (${missing ?? 'no result'})` });
  const unconfirmed = a.alerts.filter((x) => x.status !== 'confirmed' && x.raisedAs !== 'INFO').length;
  const decision =
    red > 0
      ? 'Escalate: notify the program director'
      : yellow > 0
        ? 'Notify coordinators; monitor'
        : unconfirmed > 0
          ? `Monitor: ${unconfirmed} alert(s) not confirmed at their severity (verify: --mode deep)`
          : 'No action: log to the dashboard';
  return {
    headline: `Resilience risk ${a.risk_level}: ${red} red, ${yellow} yellow alert(s)${a.unified_index !== null ? `, unified index ${a.unified_index}` : ''}`,
    decision,
    metrics,
    findings: [],
    alerts: a.alerts,
    recommendations: a.recommendations,
    nextActions: [...missingArgsAction(view, QUICK_STATUS), ...(red > 0 ? [{ kind: 'run' as const, label: 'Re-run with every tier', workflow: 'resilience', mode: 'deep' }] : [])],
  };
}

export const resilience: WorkflowModule<ResilienceInputs> = {
  definition: resilienceWorkflow,
  safetyTier: 1,
  outcome: (view: ResultView, _end: RunEnd) => outcome(view),
  inputSchema: resilienceInputSchema,
  inputPlan: RESILIENCE_PLAN,
};
