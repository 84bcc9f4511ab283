/** Schedule generation: the thresholds and the phase rules (pure functions of the results). */
import type { JsonObject, PhaseVerdict } from '../engine/definition';
import { conflictFindings, countBySeverity, mergeFindings, shortFinding, validationFindings, type Finding } from './shared/findings';
import { type ResultView } from './shared/outcome';
import { bool, list, num, pct, round, str } from './shared/read';
import { addDays, type Scope, type ScopeInputs } from './shared/scope';
import { contingencyGaps, describeSignal, signalLevel, unifiedIndex, utilizationLevel, utilizationRate } from './shared/signals';
import { weightedConfidence } from './shared/weights';

export interface GenerationInputs extends ScopeInputs {
  /** Solver to ask for (bundled server: optimal | greedy); the server's default when absent. */
  algorithm?: string;
  /** The server's time limit for generation. */
  time_limit_seconds?: number;
  /** Regenerate with tighter constraints (seed recovery scenario 2, step 4). */
  tighten?: boolean;
}

/** Baseline: the range and the 28 days before it (its rolling windows reach back that far). */
export const BASELINE_DAYS = 28;
/** Phase 1: a validation compliance rate below this warns "generation may struggle". */
export const STRUGGLE_RATE = 0.8;
/** Phase 2: more than this share of critical gaps asks for contingency planning. */
export const CRITICAL_GAP_SHARE = 0.5;
/** Phase 4: a unified index above this needs review. */
export const RISK_REVIEW_INDEX = 70;
/** Phase 5: weighted confidence of phases 1–3 below this asks for the simpler (greedy) algorithm. */
export const GENERATION_CONFIDENCE = 0.75;
/** Phase 6: the draft's validation confidence needed to deploy (emergency mode: 0.85). */
export const DRAFT_VALIDATION_CONFIDENCE = { default: 0.9, emergency: 0.85 } as const;
/** Phase 1 gates: validation (0.50 and up continues with caveats) and conflicts. */
export const BASELINE_THRESHOLDS = { validate: { proceed: 0.85, review: 0.5 }, conflicts: { proceed: 0.75, review: 0 } } as const;
/** Phase 2 gate. */
export const CONTINGENCY_THRESHOLDS = { proceed: 0.7, review: 0 } as const;

export const EARLY_WARNING = ['precursors', 'spc', 'fire_danger', 'magnitude'] as const;

/**
 * The current schedule over the range to generate and the 28 days before it, within the
 * current schedule's own dates when the server reported them (a server may only validate
 * dates a schedule covers).
 */
export function baselineRange(ctx: ResultView): JsonObject {
  const s = ctx.data('scope') as Scope | undefined;
  if (!s) throw new Error('no scope');
  const history = addDays(s.start_date, -BASELINE_DAYS);
  const start = s.schedule_start && s.schedule_start > history && s.schedule_start <= s.start_date ? s.schedule_start : history;
  return { start_date: start, end_date: s.end_date };
}

/** Findings of the baseline (or, with `draft`, of the draft) from validation and conflicts. */
export function findingsOf(view: ResultView, draft: boolean): Finding[] {
  const [validate, conflicts] = draft ? ['draft_validate', 'draft_conflicts'] : ['validate', 'conflicts'];
  // A placeholder (confidence 0) is no evidence either way.
  const real = (id: string) => ((view.result(id)?.confidence.value ?? 0) > 0 ? view.data(id) : undefined);
  return mergeFindings(
    validationFindings(real(validate), validate),
    draft ? [] : validationFindings(real('validate_by_id'), 'validate_by_id'),
    conflictFindings(real(conflicts), conflicts),
  );
}

export function baselineDecision(view: ResultView): PhaseVerdict | undefined {
  const level = utilizationLevel(view.data('utilization'));
  if (level === 'black') {
    const rate = utilizationRate(view.data('utilization'));
    return { action: 'stop', status: 'blocked', reason: `Utilization BLACK${rate !== undefined ? ` (${pct(rate)})` : ''}: activate the sacrifice hierarchy first` };
  }
  const start = str(view.data('scope'), 'start_date') ?? '';
  const findings = findingsOf(view, false);
  const critical = findings.filter((f) => f.severity === 'critical');
  const autoResolvable = new Set(
    (list(view.data('conflicts'), 'conflicts') ?? []).filter((c) => bool(c, 'auto_resolution_available') === true).map((c) => str(c, 'description', 'message')),
  );
  // Generation rewrites the range, not what came before it: only a critical issue wholly in that history fails the baseline.
  // Windows end exclusively at a date-time (bundled server) or inclusively on a date (real server).
  const inHistory = (f: Finding) => {
    const end = f.window?.end;
    if (!end) return false;
    return end.length > 10 ? end.slice(0, 16) <= `${start}T00:00` : end < start;
  };
  const blocking = critical.filter((f) => inHistory(f) && !autoResolvable.has(f.message));
  if (blocking.length > 0) {
    return {
      action: 'stop',
      status: 'blocked',
      reason: `Baseline fails: ${blocking.length} critical issue(s) before the range that generation cannot change (${shortFinding(blocking[0]!)}${blocking.length > 1 ? ', …' : ''}); request a manual fix first`,
    };
  }
  const warnings: string[] = [];
  const toFix = critical.filter((f) => !inHistory(f));
  if (toFix.length > 0) warnings.push(`${toFix.length} critical issue(s) in the range: the new schedule must fix them (checked again in phase 6)`);
  const rate = num(view.data('validate'), 'overall_compliance_rate', 'compliance_rate');
  if (rate !== undefined && rate < STRUGGLE_RATE) warnings.push(`baseline compliance rate ${pct(rate)} < ${pct(STRUGGLE_RATE)}: generation may struggle`);
  if (level === 'red' || level === 'orange') warnings.push(`utilization ${level}: little slack for the new schedule`);
  const source = view.result('validate');
  if (source?.source === 'fallback') return { action: 'continue', warnings, review: `Baseline: ${source.label ?? 'simplified validation'}; continuing with caveats` };
  return warnings.length > 0 ? { action: 'continue', warnings } : undefined;
}

export function contingencyDecision(view: ResultView): PhaseVerdict | undefined {
  const contingency = view.result('contingency');
  if (contingency && !contingency.data && contingency.skip?.cause !== 'mode') {
    return { action: 'continue', review: 'Contingency analysis unavailable: N-1 coverage of the new schedule is not validated' };
  }
  const warnings: string[] = [];
  const blast = view.result('blast_radius');
  if (blast?.data && blast.confidence.value < 0.65) warnings.push(`blast radius confidence ${blast.confidence.value.toFixed(2)} < 0.65 (logged, continuing)`);
  const gaps = contingencyGaps(view.data('contingency'));
  if (gaps && gaps.total > 0 && gaps.criticalShare > CRITICAL_GAP_SHARE) {
    const level = str(view.data('sacrifice'), 'target_level', 'current_level');
    return {
      action: 'continue',
      warnings,
      review: `Critical gaps ${pct(gaps.criticalShare)} of ${gaps.total} > 50%: plan contingencies (sacrifice hierarchy${level ? ` level ${level}` : ''}), then re-run from phase 1`,
    };
  }
  return warnings.length > 0 ? { action: 'continue', warnings } : undefined;
}

export function earlyWarningDecision(view: ResultView): PhaseVerdict | undefined {
  const critical = EARLY_WARNING.filter((id) => signalLevel(view.data(id)) === 'critical');
  if (critical.length === 0) return undefined;
  const what = critical
    .map((id) => describeSignal(view, id))
    .map(({ name, summary }) => `${name}${summary ? ` (${summary})` : ''}`)
    .join('; ');
  return { action: 'continue', review: `Critical early-warning signals: ${what}` };
}

/** Fallback of the unified index: the phase 3 signals (and contingency) with equal weights. */
export function signalRisk(view: ResultView): JsonObject {
  const scores: number[] = [];
  for (const id of EARLY_WARNING) {
    const level = signalLevel(view.data(id));
    if (level) scores.push(level === 'critical' ? 100 : level === 'warning' ? 50 : 0);
  }
  const gaps = contingencyGaps(view.data('contingency'));
  if (gaps) scores.push(100 * gaps.criticalShare);
  const index = scores.length > 0 ? round(scores.reduce((a, b) => a + b, 0) / scores.length, 1) : null;
  return { overall_index: index, estimated: true, signals_used: scores.length };
}

export function riskDecision(view: ResultView): PhaseVerdict | undefined {
  const index = unifiedIndex(view.data('unified'));
  if (index !== undefined && index > RISK_REVIEW_INDEX)
    return { action: 'continue', review: `Unified risk index ${round(index, 1)} > ${RISK_REVIEW_INDEX}: review required before generating` };
  return undefined;
}

/**
 * Weights of the phases 1–3 confidence: validation carries the most (the framework's order of
 * importance), then conflicts and the N-1 contingency; each early-warning signal little.
 */
export const PRE_GENERATION_WEIGHTS: Readonly<Record<string, number>> = {
  validate: 3,
  validate_by_id: 1,
  conflicts: 2,
  utilization: 1,
  contingency: 2,
  blast_radius: 1,
  sacrifice: 0.5,
  precursors: 0.5,
  spc: 0.5,
  fire_danger: 0.5,
  magnitude: 0.5,
};

/** Phases 1–3 weighted confidence; below 0.75 the seed asks for a simpler algorithm. */
export function preGenerationConfidence(view: ResultView): number | undefined {
  return weightedConfidence(view, PRE_GENERATION_WEIGHTS).value;
}

export function chooseAlgorithm(view: ResultView, requested: string | undefined): string | undefined {
  const c = preGenerationConfidence(view);
  if (c !== undefined && c < GENERATION_CONFIDENCE) return 'greedy';
  return requested;
}

/** The draft the generation produced: its id and the data version it was written at. */
export function draftOf(view: ResultView): { id: string; version: number | string | null; step: string } | undefined {
  for (const step of ['generate', 'generate_greedy']) {
    const d = view.data(step);
    const id = str(d, 'draft_id', 'draft.id');
    if (id) {
      const v = d?.['data_version'];
      return { id, version: typeof v === 'number' || typeof v === 'string' ? v : null, step };
    }
  }
  return undefined;
}

export function generationDecision(view: ResultView): PhaseVerdict | undefined {
  if (draftOf(view)) {
    const d = view.data(draftOf(view)!.step);
    const warnings = bool(d, 'fell_back_to_greedy') === true ? ['the solver hit its time limit: the server used the greedy schedule'] : [];
    return warnings.length > 0 ? { action: 'continue', warnings } : undefined;
  }
  const lkg = view.data('last_known_good');
  const keep = str(lkg, 'schedule_id');
  return {
    action: 'stop',
    status: 'blocked',
    reason: `Generation failed (also with greedy): ${keep ? `the last known good schedule ${keep} stays published` : 'nothing was changed'}`,
  };
}

/** The draft's violations and conflicts (seed recovery scenario 2: person, window, hours, excess, fix). */
export function draftFindings(view: ResultView): Finding[] {
  return findingsOf(view, true);
}

export function postValidationDecision(view: ResultView): PhaseVerdict | undefined {
  const threshold = view.mode === 'emergency' ? DRAFT_VALIDATION_CONFIDENCE.emergency : DRAFT_VALIDATION_CONFIDENCE.default;
  const validation = view.result('draft_validate');
  const value = validation?.data ? validation.confidence.value : 0;
  if (value < threshold) {
    return {
      action: 'stop',
      status: 'blocked',
      reason: `Draft validation confidence ${value.toFixed(2)} < ${threshold}: do not deploy (${validation?.confidence.reason ?? 'no validation'})`,
    };
  }
  const warnings: string[] = [];
  const findings = draftFindings(view);
  const counts = countBySeverity(findings);
  if (counts.critical + counts.high > 0) warnings.push(`the draft breaks ${counts.critical + counts.high} rule(s): approving it needs an override with a documented reason`);
  const before = unifiedIndex(view.data('unified'));
  const after = unifiedIndex(view.data('draft_unified'));
  if (before !== undefined && after !== undefined && round(after, 1) > round(before, 1)) {
    return { action: 'continue', warnings, review: `Unified index worse on the draft: ${round(before, 1)} -> ${round(after, 1)}` };
  }
  return warnings.length > 0 ? { action: 'continue', warnings } : undefined;
}
