/**
 * Workflow 2 — compliance check (seed: TIER 1, read-only; facts §4).
 *
 *   scope -> [1] ACGME rules (parallel: validate_schedule, validate_schedule_by_id)
 *         -> [2] detailed analysis (parallel: detect_conflicts, workload trend, supply/demand)
 *         -> [3] advanced metrics (parallel: SPC, process capability, equity, utilization)
 *         -> [4] synthesis: score 0–100, COMPLIANT / ISSUES / CRITICAL, ranked violations,
 *                recommendations, deployment readiness.
 *
 * Modes: quick (phase 1 only, cache allowed), standard (all phases), audit (all phases,
 * caches bypassed, longer limits). The score formula is `complianceScore` below and in
 * docs/workflows.md.
 */
import * as z from 'zod';
import type { ConfidenceFactor } from '../confidence/score';
import type { JsonObject, PhaseVerdict, RunContext, WorkflowDefinition } from '../engine/definition';
import { UNCLASSIFIED } from './shared/classify';
import { countBySeverity, conflictFindings, describeFinding, mergeFindings, RULE_LABELS, validationFindings, type Finding } from './shared/findings';
import { utilizationPlan } from './shared/argPlans';
import type { WorkflowModule } from './shared/module';
import { dedupeRecommendations, type Recommendation, type ResultView, type RunEnd, type WorkflowOutcome } from './shared/outcome';
import type { NextAction } from './shared/nextActions';
import { ANALYTICS_CONFIDENCE } from './shared/quality';
import { list, num, pct, str } from './shared/read';
import { checkRange, parseInputsWith, rangeArgs, scopeInputShape, scopeOf, scopeSteps, type ScopeInputs } from './shared/scope';
import { compact } from '../util/compact';
import { utilizationLevel, utilizationRate } from './shared/signals';
import { weightedConfidence, weightedFactors } from './shared/weights';
import { COMPLIANCE_PLAN } from './inputFields';
import { confidenceGate } from './shared/gates';

export type ComplianceInputs = ScopeInputs;

export const complianceInputSchema = z.object(scopeInputShape).strict().superRefine(checkRange);

/** Penalty per distinct violation, by severity. */
export const VIOLATION_PENALTY = { critical: 15, high: 8, medium: 3, low: 1 } as const;
/** Quality metrics can take at most this much off the score. */
export const QUALITY_PENALTY_CAP = 20;
/** Score bands (the cheatsheet's: ≥ 85 deploy, 70–85 coordinator review, < 70 fix required). */
export const SCORE_BANDS = { compliant: 85, review: 70 } as const;
/** Overall confidence: ≥ 0.85 deploy, 0.70–0.85 coordinator review, < 0.70 rerun (facts §4). */
export const CONFIDENCE_THRESHOLDS = { proceed: 0.85, review: 0.7 } as const;
/** Phases 2 and 3: below these the check ends needing review (never blocked). */
export const PHASE_THRESHOLDS = { detailed: { proceed: 0.75, review: 0 }, advanced: { proceed: 0.7, review: 0 } } as const;
/**
 * Seed weights of the overall confidence: 80-hour 0.3 + 1-in-7 0.2 + supervision 0.2 (all
 * three checked by the validators), conflicts 0.2, SPC 0.1.
 */
export const OVERALL_WEIGHTS = { validate: 0.5, validate_by_id: 0.2, conflicts: 0.2, spc: 0.1 } as const;

export const SCORE_FORMULA =
  'score = max(0, round(100 - violations - min(20, quality))); violations = 15 per critical, 8 per high, 3 per medium, 1 per low finding ' +
  '(after merging duplicates across tools); quality = SPC (5 if a Rule-1 CRITICAL alert, 2 if warnings) + process capability (5 if Cpk < 1.0, 2 if < 1.33) ' +
  '+ equity (5 if Gini >= 0.25, 2 if >= 0.15) + utilization (10 black, 5 red, 2 orange)';

export type ComplianceStatus = 'COMPLIANT' | 'ISSUES' | 'CRITICAL' | 'UNKNOWN';
export type ApprovalLevel = 'automatic' | 'coordinator' | 'blocked';
/** `unknown`: an unclassified finding may concern the rule, so it cannot be called a pass. */
export type RuleCheck = 'pass' | 'warning' | 'fail' | 'unknown' | 'not_checked';

export type QualityPenalty = { metric: string; penalty: number; reason: string };

export type ComplianceSynthesis = {
  formula: string;
  compliance_summary: {
    overall_score: number;
    status: ComplianceStatus;
    total_violations: number;
    critical: number;
    high: number;
    medium: number;
    low: number;
  };
  score_breakdown: { violations_penalty: number; quality_penalty: number; quality: QualityPenalty[] };
  acgme_rules: { weekly_hours: RuleCheck; day_off: RuleCheck; supervision: RuleCheck; rest: RuleCheck; continuous_duty: RuleCheck };
  resource_utilization: { level: string | null; rate: number | null };
  detailed_violations: Finding[];
  recommendations: Recommendation[];
  deployment_readiness: { can_deploy: boolean; approval_level: ApprovalLevel; blocking_issues: string[]; warnings: string[] };
  overall_confidence: number | null;
  evidence: string[];
};

const VALIDATION_STEPS = ['validate', 'validate_by_id'] as const;

/** Validation results that are real evidence (a placeholder is not, whatever it says). */
function validationEvidence(view: ResultView): string[] {
  return VALIDATION_STEPS.filter((id) => {
    const r = view.result(id);
    return r?.data !== undefined && r.confidence.value > 0;
  });
}

export function complianceFindings(view: ResultView): Finding[] {
  const evidence = validationEvidence(view);
  return mergeFindings(...evidence.map((id) => validationFindings(view.data(id), id)), conflictFindings(view.data('conflicts'), 'conflicts'));
}

export function qualityPenalties(view: ResultView): QualityPenalty[] {
  const out: QualityPenalty[] = [];
  const spcAlerts = list(view.data('spc'), 'alerts') ?? [];
  const severities = spcAlerts.map((a) => str(a, 'severity')?.toUpperCase());
  if (severities.includes('CRITICAL')) out.push({ metric: 'spc', penalty: 5, reason: 'weekly hours beyond the 3-sigma limit (Western Electric rule 1)' });
  else if (severities.includes('WARNING')) out.push({ metric: 'spc', penalty: 2, reason: 'weekly hours drifting (Western Electric rules 2-3)' });
  const cpk = num(view.data('capability'), 'cpk');
  if (cpk !== undefined && cpk < 1) out.push({ metric: 'process_capability', penalty: 5, reason: `Cpk ${cpk.toFixed(2)} < 1.0 (incapable of staying within 40-80 h)` });
  else if (cpk !== undefined && cpk < 1.33) out.push({ metric: 'process_capability', penalty: 2, reason: `Cpk ${cpk.toFixed(2)} < 1.33 (marginal)` });
  const gini = num(view.data('equity'), 'gini_coefficient');
  if (gini !== undefined && gini >= 0.25) out.push({ metric: 'equity', penalty: 5, reason: `Gini ${gini.toFixed(2)} >= 0.25 (inequitable workload)` });
  else if (gini !== undefined && gini >= 0.15) out.push({ metric: 'equity', penalty: 2, reason: `Gini ${gini.toFixed(2)} above the 0.15 target` });
  const level = utilizationLevel(view.data('utilization'));
  const utilPenalty = level === 'black' ? 10 : level === 'red' ? 5 : level === 'orange' ? 2 : 0;
  if (utilPenalty > 0) out.push({ metric: 'utilization', penalty: utilPenalty, reason: `faculty utilization ${level}` });
  return out;
}

/** The documented score: 100 minus violation penalties minus (capped) quality penalties. */
export function complianceScore(findings: readonly Finding[], quality: readonly QualityPenalty[]): { score: number; violations: number; quality: number } {
  const violations = findings.reduce((sum, f) => sum + VIOLATION_PENALTY[f.severity], 0);
  const q = Math.min(
    QUALITY_PENALTY_CAP,
    quality.reduce((sum, p) => sum + p.penalty, 0),
  );
  return { score: Math.max(0, Math.round(100 - violations - q)), violations, quality: q };
}

export function complianceStatus(score: number, counts: Record<Finding['severity'], number>, validated: boolean): ComplianceStatus {
  if (!validated) return 'UNKNOWN';
  if (counts.critical > 0 || score < SCORE_BANDS.review) return 'CRITICAL';
  if (counts.high > 0 || counts.medium > 0 || score < SCORE_BANDS.compliant) return 'ISSUES';
  return 'COMPLIANT';
}

/**
 * What the findings say about one rule. A finding about it decides (fail before anything
 * else: a violation any tool reported is never hidden by a missing validation); a finding
 * whose rule could not be classified leaves it unknown; only then is silence a pass.
 */
export function ruleCheck(findings: readonly Finding[], family: string, validated: boolean): RuleCheck {
  const own = findings.filter((f) => f.rule === family);
  if (own.some((f) => f.severity === 'critical' || f.severity === 'high')) return 'fail';
  if (!validated) return 'not_checked';
  if (own.length > 0) return 'warning';
  const unsure = findings.some((f) => f.rule === UNCLASSIFIED || (f.classification?.alsoMatches ?? []).includes(family));
  return unsure ? 'unknown' : 'pass';
}

function recommendationsFor(view: ResultView, findings: readonly Finding[], quality: readonly QualityPenalty[], status: ComplianceStatus): Recommendation[] {
  const recs: Recommendation[] = [];
  for (const f of findings.filter((x) => x.severity === 'critical' || x.severity === 'high').slice(0, 5)) {
    const about = [RULE_LABELS[f.rule] ?? f.rule, f.person ?? f.subject].filter(Boolean).join(', ');
    recs.push({ category: 'immediate', text: f.suggestedFix ? `${f.suggestedFix} [${about}]` : `Fix: ${describeFinding(f)}` });
  }
  if (status === 'UNKNOWN') recs.push({ category: 'immediate', text: 'Re-run the check when the validation tools answer: no ACGME validation was available' });
  const approaching = findings.filter((f) => f.rule === 'approaching_weekly_hours' || f.severity === 'low');
  if (approaching.length > 0) {
    const people = [...new Set(approaching.map((f) => f.person).filter((p): p is string => p !== undefined))];
    recs.push({
      category: 'monitoring',
      text: `Watch ${people.length > 0 ? people.slice(0, 5).join(', ') : 'the residents'} approaching their limits (${approaching.length} notice(s))`,
    });
  }
  for (const f of findings.filter((x) => x.severity === 'medium').slice(0, 3)) {
    recs.push({ category: 'monitoring', text: f.suggestedFix ?? `Review: ${describeFinding(f)}` });
  }
  const rate = utilizationRate(view.data('utilization'));
  const level = utilizationLevel(view.data('utilization'));
  if (level && level !== 'green' && rate !== undefined) recs.push({ category: 'monitoring', text: `Faculty utilization is ${pct(rate)} (${level}); keep it under 80%` });
  for (const p of quality) {
    if (p.metric === 'equity') {
      const most = str(view.data('equity'), 'most_overloaded_provider');
      recs.push({ category: 'long_term', text: `Rebalance workload: ${p.reason}${most ? `; most loaded: ${most}` : ''}` });
    } else if (p.metric === 'process_capability') {
      recs.push({ category: 'long_term', text: `Reduce the spread of weekly hours: ${p.reason}` });
    } else if (p.metric === 'spc') {
      recs.push({ category: 'monitoring', text: `Investigate ${p.reason}` });
    }
  }
  const stability = str(view.data('supply_demand'), 'system_stability');
  if (stability && !/stable|insufficient|unknown/i.test(stability))
    recs.push({ category: 'long_term', text: `Capacity and demand cycles are ${stability}: plan staffing ahead of peaks` });
  const trend = str(view.data('workload_trend'), 'trend_assessment');
  if (trend && /increas|rising|up/i.test(trend)) recs.push({ category: 'monitoring', text: `Workload trend: ${trend}` });
  const missingAdvanced = ['spc', 'capability', 'equity'].filter((id) => {
    const r = view.result(id);
    return r !== undefined && r.data === undefined && r.skip?.cause !== 'mode';
  });
  if (missingAdvanced.length > 0) {
    recs.push({ category: 'long_term', text: `Enable the analytics tools on the server (${missingAdvanced.join(', ')} were unavailable) for quality metrics` });
  }
  return dedupeRecommendations(recs);
}

/** Phase 4: everything the compliance report says, from whatever results exist. */
export function synthesizeCompliance(view: ResultView): ComplianceSynthesis {
  const evidence = validationEvidence(view);
  const validated = evidence.length > 0;
  const findings = complianceFindings(view);
  const counts = countBySeverity(findings);
  const quality = qualityPenalties(view);
  const { score, violations, quality: qualityPenalty } = complianceScore(findings, quality);
  const status = complianceStatus(score, counts, validated);
  const overall = weightedConfidence(view, OVERALL_WEIGHTS).value;
  const blocking = findings.filter((f) => f.severity === 'critical').map(describeFinding);
  if (!validated) blocking.push('no ACGME validation result');
  const warnings = findings.filter((f) => f.severity === 'high' || f.severity === 'medium').map(describeFinding);
  let approvalLevel: ApprovalLevel;
  if (status === 'CRITICAL' || status === 'UNKNOWN' || (overall ?? 0) < CONFIDENCE_THRESHOLDS.review) approvalLevel = 'blocked';
  else if (status === 'ISSUES' || (overall ?? 0) < CONFIDENCE_THRESHOLDS.proceed) approvalLevel = 'coordinator';
  else approvalLevel = 'automatic';
  const rate = utilizationRate(view.data('utilization'));
  return {
    formula: SCORE_FORMULA,
    compliance_summary: { overall_score: score, status, total_violations: findings.length, ...counts },
    score_breakdown: { violations_penalty: violations, quality_penalty: qualityPenalty, quality },
    acgme_rules: {
      weekly_hours: ruleCheck(findings, 'weekly_hours', validated),
      day_off: ruleCheck(findings, 'day_off', validated),
      supervision: ruleCheck(findings, 'supervision', validated),
      rest: ruleCheck(findings, 'rest', validated),
      continuous_duty: ruleCheck(findings, 'continuous_duty', validated),
    },
    resource_utilization: { level: utilizationLevel(view.data('utilization')) ?? null, rate: rate ?? null },
    detailed_violations: findings,
    recommendations: recommendationsFor(view, findings, quality, status),
    deployment_readiness: { can_deploy: approvalLevel !== 'blocked', approval_level: approvalLevel, blocking_issues: blocking, warnings },
    overall_confidence: overall ?? null,
    evidence,
  };
}

function synthesisDecision(ctx: RunContext<ComplianceInputs>): PhaseVerdict | undefined {
  const s = ctx.data('synthesis') as ComplianceSynthesis | undefined;
  if (!s) return undefined;
  const { status, overall_score: score, critical } = s.compliance_summary;
  if (status === 'CRITICAL') {
    const why = critical > 0 ? `${critical} critical violation(s)` : `score ${score} < ${SCORE_BANDS.review}`;
    return { action: 'stop', status: 'blocked', reason: `CRITICAL (score ${score}/100): deployment blocked by ${why}` };
  }
  if (status === 'UNKNOWN') return { action: 'stop', status: 'blocked', reason: 'No ACGME validation result: compliance unknown, deployment blocked' };
  if (status === 'ISSUES') return { action: 'continue', review: `ISSUES (score ${score}/100): coordinator review before deploying` };
  return { action: 'continue' };
}

function synthesisConfidence(_data: JsonObject, ctx: RunContext<ComplianceInputs>): ConfidenceFactor[] {
  return weightedFactors(ctx, OVERALL_WEIGHTS, 'weighted confidence of 80-hour/1-in-7/supervision validation, conflicts and SPC');
}

export const complianceWorkflow: WorkflowDefinition<ComplianceInputs> = {
  id: 'compliance',
  title: 'Compliance check',
  version: 1,
  description: 'ACGME rules, conflicts and quality metrics of a schedule, synthesised into a 0-100 score, a status and deployment readiness (read-only).',
  parseInputs: (raw) => compact(parseInputsWith(complianceInputSchema, raw, 'the compliance check')),
  modes: {
    quick: { description: 'ACGME rules only (phase 1), cached results allowed', skipPhases: ['detailed', 'advanced'], cache: 'use' },
    standard: { description: 'All four phases, cached results allowed', cache: 'use' },
    audit: {
      description: 'All four phases, caches bypassed, longer time limits',
      cache: 'off',
      timeoutMs: 120_000,
      policy: { '*': { timeoutMs: 10_000 } },
    },
  },
  defaultMode: 'standard',
  timeoutMs: 60_000,
  readOnly: true,
  phases: [
    { id: 'scope', title: 'Scope', run: 'serial', steps: scopeSteps<ComplianceInputs>() },
    {
      id: 'acgme',
      title: 'Phase 1 · ACGME rules',
      run: 'parallel',
      steps: [
        {
          id: 'validate',
          kind: 'tool',
          title: '80-hour, 1-in-7, supervision, rest',
          capability: 'validate_schedule',
          dependsOn: ['scope'],
          critical: true,
          weight: OVERALL_WEIGHTS.validate,
          args: (ctx) => ({ ...rangeArgs(ctx), check_work_hours: true, check_supervision: true, check_rest_periods: true, check_consecutive_duty: true }),
          fallback: { kind: 'tool', capability: 'quick_validate_schedule', args: rangeArgs, label: 'Quick validation only' },
        },
        {
          id: 'validate_by_id',
          kind: 'tool',
          title: 'Stored schedule by id',
          capability: 'validate_schedule_by_id',
          dependsOn: ['scope'],
          weight: OVERALL_WEIGHTS.validate_by_id,
          skipIf: (ctx) => (scopeOf(ctx).schedule_id ? undefined : 'no schedule id: none given (--schedule-id) and the server reported no current schedule'),
          args: (ctx) => ({ schedule_id: scopeOf(ctx).schedule_id, constraint_config: 'default', include_suggestions: true }),
        },
      ],
      gates: [confidenceGate('ACGME validation', CONFIDENCE_THRESHOLDS, { method: 'weighted_mean' })],
    },
    {
      id: 'detailed',
      title: 'Phase 2 · Detailed analysis',
      run: 'parallel',
      steps: [
        {
          id: 'conflicts',
          kind: 'tool',
          title: 'Conflicts',
          capability: 'detect_conflicts',
          dependsOn: ['scope'],
          args: (ctx) => ({ ...rangeArgs(ctx), include_auto_resolution: true }),
        },
        // Not registered on the real server (facts §17.2): they add little weight, so their absence lowers confidence a little.
        { id: 'workload_trend', kind: 'tool', title: 'Workload trend (Kalman)', capability: 'analyze_workload_trend', weight: 0.1, args: () => ({ prediction_steps: 4 }) },
        { id: 'supply_demand', kind: 'tool', title: 'Supply/demand cycles', capability: 'analyze_supply_demand_cycles', weight: 0.1, args: () => ({ prediction_days: 90 }) },
      ],
      gates: [confidenceGate('conflicts', PHASE_THRESHOLDS.detailed, { method: 'minimum', steps: ['conflicts'] })],
    },
    {
      id: 'advanced',
      title: 'Phase 3 · Advanced metrics',
      run: 'parallel',
      steps: [
        {
          id: 'spc',
          kind: 'tool',
          title: 'SPC on weekly hours',
          capability: 'run_spc_analysis',
          weight: 0.5,
          args: () => ({ resident_id: 'all', target_hours: 60, sigma: 5 }),
          confidence: ANALYTICS_CONFIDENCE,
        },
        {
          id: 'capability',
          kind: 'tool',
          title: 'Process capability (40-80 h)',
          capability: 'calculate_process_capability',
          weight: 0.25,
          args: () => ({ lower_spec_limit: 40, upper_spec_limit: 80, target: 60 }),
          confidence: ANALYTICS_CONFIDENCE,
        },
        { id: 'equity', kind: 'tool', title: 'Workload equity', capability: 'calculate_equity_metrics', weight: 0.25, args: () => ({}), confidence: ANALYTICS_CONFIDENCE },
        { id: 'utilization', kind: 'tool', title: 'Faculty utilization', capability: 'check_utilization_threshold', dependsOn: ['scope'], args: () => ({}), plan: utilizationPlan },
      ],
      gates: [confidenceGate('advanced metrics', PHASE_THRESHOLDS.advanced, { method: 'weighted_mean' })],
    },
    {
      id: 'synthesis',
      title: 'Phase 4 · Synthesis',
      run: 'serial',
      steps: [{ id: 'synthesis', kind: 'compute', title: 'Score, status, readiness', compute: synthesizeCompliance, confidence: synthesisConfidence }],
      gates: [confidenceGate('overall', CONFIDENCE_THRESHOLDS, { method: 'minimum', note: 'deploy at or above, coordinator review in between, else rerun' })],
      decide: synthesisDecision,
    },
  ],
};

function outcome(view: ResultView, end: RunEnd): WorkflowOutcome {
  const s = (view.data('synthesis') as ComplianceSynthesis | undefined) ?? synthesizeCompliance(view);
  const { overall_score: score, status, total_violations: total, critical } = s.compliance_summary;
  const readiness = s.deployment_readiness;
  const decision =
    readiness.approval_level === 'automatic'
      ? 'Deploy: compliant'
      : readiness.approval_level === 'coordinator'
        ? 'Coordinator review before deploying'
        : status === 'CRITICAL' || status === 'UNKNOWN'
          ? 'Do not deploy: fix the blocking issues first'
          : 'Re-run the check: confidence too low to decide';
  // Without a validation result there is no score and no violation count to show: 100 and 0 would read as "compliant".
  const unknown = status === 'UNKNOWN';
  // A read-only gate that lowered the run outranks a readiness computed from what did answer.
  const lowered = end.status === 'blocked' && readiness.approval_level !== 'blocked';
  const metrics = [
    { label: 'Compliance score', value: unknown ? 'not scored (UNKNOWN: no ACGME validation result)' : `${score}/100 (${status})` },
    {
      label: 'Violations',
      value: unknown ? 'not checked' : `${total} (${critical} critical, ${s.compliance_summary.high} high, ${s.compliance_summary.medium} medium, ${s.compliance_summary.low} low)`,
    },
    {
      label: 'ACGME rules',
      value: Object.entries(s.acgme_rules)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    },
  ];
  if (s.resource_utilization.rate !== null) metrics.push({ label: 'Faculty utilization', value: `${pct(s.resource_utilization.rate)} (${s.resource_utilization.level ?? '?'})` });
  if (s.overall_confidence !== null) metrics.push({ label: 'Confidence (seed weights)', value: s.overall_confidence.toFixed(2) });
  const nextActions: NextAction[] =
    readiness.blocking_issues.length > 0
      ? [{ kind: 'fix', label: `Resolve ${readiness.blocking_issues.length} blocking issue(s), then re-run`, then: { workflow: 'compliance' } }]
      : [];
  if (end.status === 'blocked' && /confidence/i.test(end.reason ?? '')) nextActions.push({ kind: 'run', label: 'Re-run with fresh data', workflow: 'compliance', mode: 'audit' });
  return {
    headline: unknown ? 'Compliance UNKNOWN: the ACGME validation failed, nothing was scored' : `Compliance ${status}: score ${score}/100, ${total} violation(s)`,
    decision: lowered ? `Do not deploy yet: ${end.reason ?? 'a confidence gate was not met'}` : decision,
    metrics,
    findings: s.detailed_violations,
    alerts: [],
    recommendations: s.recommendations,
    nextActions,
  };
}

export const compliance: WorkflowModule<ComplianceInputs> = {
  definition: complianceWorkflow,
  safetyTier: 1,
  outcome,
  inputSchema: complianceInputSchema,
  inputPlan: COMPLIANCE_PLAN,
};
