/**
 * Workflow 1 — schedule generation (seed: TIER 2, generate + preview, never auto-apply; facts §3).
 *
 *   scope -> [1] baseline (parallel: validate, utilization, conflicts)
 *                 fail -> stop (request a manual fix); utilization BLACK -> blocked
 *         -> [2] contingency (serial: N-1 contingency -> blast radius -> sacrifice preview)
 *                 critical gaps > 50% -> warning + contingency planning
 *         -> [3] early warning (parallel: precursors, SPC, fire index, magnitude)
 *         -> [4] unified risk (index > 70 -> review required)
 *         -> [5] generation: approval to create a draft, then the draft (the server falls
 *                back to greedy within its time limit; a failed call is retried with greedy;
 *                else the last known good schedule stays)
 *         -> [6] post-validation of the draft (parallel: validate by id, conflicts, contingency,
 *                preview), then the unified index on the draft (no worse than phase 4, or flagged)
 *         -> [7] human approval with the seed's checklist (violations need an override with a
 *                documented reason, which creates an exception record)
 *         -> [8] publish with the expected data version.
 *
 * Every server write (the draft, the publish) comes after an approval: the engine enforces it.
 */
import { z } from 'zod';
import type { ApprovalContent, JsonObject, PhaseVerdict, RunContext, WorkflowDefinition } from '../engine/definition';
import type { PolicyOverride } from '../policy/policies';
import { conflictFindings, countBySeverity, describeFinding, mergeFindings, shortFinding, validationFindings, type Finding } from './shared/findings';
import type { WorkflowModule } from './shared/module';
import { dedupeRecommendations, type Recommendation, type ResultView, type RunEnd, type WorkflowOutcome } from './shared/outcome';
import type { NextAction } from './shared/nextActions';
import { ANALYTICS_CONFIDENCE, UNIFIED_CONFIDENCE } from './shared/quality';
import { bool, count, list, num, pct, round, str, strings } from './shared/read';
import { addDays, checkRange, compact, parseInputsWith, scopeInputShape, scopeOf, scopeSteps, utilizationArgs, type Scope, type ScopeInputs } from './shared/scope';
import { contingencyGaps, signalLevel, signalSummary, unifiedIndex, utilizationLevel, utilizationRate } from './shared/signals';
import { weightedConfidence } from './shared/weights';
import { GENERATION_PLAN } from './inputFields';

export interface GenerationInputs extends ScopeInputs {
  /** Solver to ask for (bundled server: optimal | greedy); the server's default when absent. */
  algorithm?: string;
  /** The server's time limit for generation. */
  time_limit_seconds?: number;
  /** Regenerate with tighter constraints (seed recovery scenario 2, step 4). */
  tighten?: boolean;
}

export const generationInputSchema = z
  .object({
    ...scopeInputShape,
    algorithm: z.string().min(1).max(40).optional(),
    time_limit_seconds: z.number().int().min(1).max(300).optional(),
    tighten: z.boolean().optional(),
  })
  .strict()
  .superRefine(checkRange);

/** Early-warning results cached for 6 h in express mode, contingency for 24 h (seed). */
const EARLY_WARNING_CAPS = ['detect_burnout_precursors', 'run_spc_analysis', 'calculate_fire_danger_index', 'predict_burnout_magnitude'] as const;
const HOUR = 3_600_000;
/**
 * Generation may take minutes (time_limit_seconds up to 300): its call waits 30 s between
 * progress notifications and at most 320 s in all, in every mode.
 */
const GENERATION_POLICY: Record<string, Omit<PolicyOverride, 'breaker'>> = {
  generate_schedule: { timeoutMs: 30_000, maxTotalTimeoutMs: 320_000, stepTimeoutMs: 320_000 },
};
const EXPRESS_POLICY: Record<string, Omit<PolicyOverride, 'breaker'>> = {
  ...GENERATION_POLICY,
  '*': { timeoutMs: 5000 },
  run_contingency_analysis_deep: { cache: { ttlMs: 24 * HOUR, maxAgeMs: 24 * HOUR } },
  ...Object.fromEntries(EARLY_WARNING_CAPS.map((c) => [c, { cache: { ttlMs: 6 * HOUR, maxAgeMs: 6 * HOUR } }])),
};

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

const EARLY_WARNING = ['precursors', 'spc', 'fire_danger', 'magnitude'] as const;

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
  const what = critical.map((id) => `${id}${signalSummary(view.data(id)) ? ` (${signalSummary(view.data(id))})` : ''}`).join('; ');
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
  if (index !== undefined && index > RISK_REVIEW_INDEX) return { action: 'continue', review: `Unified risk index ${round(index, 1)} > ${RISK_REVIEW_INDEX}: review required before generating` };
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

/**
 * Tighter constraints for a regeneration: the soft rules weigh as much as the server allows
 * (8 h between shifts, equal hours), so the draft stays further from the limits.
 */
export const TIGHT_WEIGHTS = { short_rest: 100, equity_hours: 100 } as const;

/** Who a write is recorded as: the person who approved it. */
function approverOf(ctx: RunContext, stepId: string): string {
  const approver = str(ctx.data(stepId), 'approver');
  if (!approver) throw new Error(`no approver recorded for ${stepId}`);
  return approver;
}

function generationArgs(ctx: RunContext<GenerationInputs>, algorithm: string | undefined): JsonObject {
  const s = scopeOf(ctx);
  return compact({
    actor: approverOf(ctx, 'draft_approval'),
    expected_data_version: s.data_version ?? undefined,
    start_date: s.start_date,
    end_date: s.end_date,
    algorithm,
    time_limit_seconds: ctx.inputs.time_limit_seconds,
    objective_weights: ctx.inputs.tighten ? { ...TIGHT_WEIGHTS } : undefined,
  });
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

function draftId(ctx: RunContext): string {
  const d = draftOf(ctx);
  if (!d) throw new Error('no draft was generated');
  return d.id;
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
    return { action: 'stop', status: 'blocked', reason: `Draft validation confidence ${value.toFixed(2)} < ${threshold}: do not deploy (${validation?.confidence.reason ?? 'no validation'})` };
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

type ChecklistItem = { phase: string; item: string; ok: boolean | null; note: string };

/** The seed's review checklist (phases 1, 2, 3, 4 and 6). `ok: null` = not checked. */
export function checklist(view: ResultView): ChecklistItem[] {
  const items: ChecklistItem[] = [];
  const base = findingsOf(view, false);
  const validated = view.result('validate')?.data !== undefined;
  items.push({ phase: '1', item: 'Baseline compliant', ok: validated ? base.every((f) => f.severity !== 'critical') : null, note: validated ? `${base.length} finding(s)` : 'not validated' });
  const level = utilizationLevel(view.data('utilization'));
  items.push({ phase: '1', item: 'Utilization at most ORANGE', ok: level ? level !== 'red' && level !== 'black' : null, note: level ?? 'unknown' });
  const gaps = contingencyGaps(view.data('contingency'));
  items.push({
    phase: '2',
    item: 'At least half of the critical gaps have workarounds',
    ok: gaps ? gaps.criticalShare <= CRITICAL_GAP_SHARE : null,
    note: gaps ? `${gaps.critical} critical of ${gaps.total}` : 'not analysed',
  });
  const criticalSignals = EARLY_WARNING.filter((id) => signalLevel(view.data(id)) === 'critical');
  const signals = EARLY_WARNING.filter((id) => view.data(id) !== undefined).length;
  items.push({ phase: '3', item: 'No critical early-warning signal', ok: signals > 0 ? criticalSignals.length === 0 : null, note: signals > 0 ? `${signals} signal(s) read` : 'no signals' });
  const risk = unifiedIndex(view.data('unified'));
  items.push({ phase: '4', item: `Unified risk at most ${RISK_REVIEW_INDEX}`, ok: risk !== undefined ? risk <= RISK_REVIEW_INDEX : null, note: risk !== undefined ? String(risk) : 'unknown' });
  const draft = draftFindings(view);
  const draftValidated = view.result('draft_validate')?.data !== undefined;
  items.push({
    phase: '6',
    item: 'Draft ACGME compliant',
    ok: draftValidated ? draft.every((f) => f.severity !== 'critical' && f.severity !== 'high') : null,
    note: draftValidated ? `${draft.length} finding(s)` : 'not validated',
  });
  const after = unifiedIndex(view.data('draft_unified'));
  items.push({
    phase: '6',
    item: 'Unified index no worse than phase 4',
    ok: risk !== undefined && after !== undefined ? after <= risk : null,
    note: after !== undefined ? `${risk ?? '?'} -> ${after}` : 'unknown',
  });
  return items;
}

function draftApprovalRequest(ctx: RunContext<GenerationInputs>): ApprovalContent {
  const s = scopeOf(ctx);
  const risk = unifiedIndex(ctx.data('unified'));
  const algorithm = chooseAlgorithm(ctx, ctx.inputs.algorithm);
  return {
    summary: `Create a draft schedule for ${s.start_date} to ${s.end_date}${algorithm ? ` (algorithm ${algorithm})` : ''}. Nothing is published until the draft is reviewed and approved.`,
    details: {
      range: { start: s.start_date, end: s.end_date },
      pre_generation_confidence: preGenerationConfidence(ctx) ?? null,
      unified_index: risk ?? null,
      checklist: checklist(ctx).filter((i) => Number(i.phase) <= 4),
    },
  };
}

function publishApprovalRequest(ctx: RunContext<GenerationInputs>): ApprovalContent {
  const draft = draftOf(ctx);
  const findings = draftFindings(ctx);
  const blocking = findings.filter((f) => f.severity === 'critical' || f.severity === 'high');
  const changes = ctx.data('preview');
  return {
    summary: `Publish draft ${draft?.id ?? '?'} for ${scopeOf(ctx).start_date} to ${scopeOf(ctx).end_date}: ${findings.length} finding(s), ${blocking.length} blocking.`,
    details: {
      draft_id: draft?.id ?? null,
      checklist: checklist(ctx),
      changes: changes ? { added: count(changes, 'metrics.changes.added', 'changes.added', 'added') ?? null, removed: count(changes, 'metrics.changes.removed', 'changes.removed', 'removed') ?? null } : null,
      violations: findings.slice(0, 20),
      options: scenario2Options(ctx, draft?.id),
    },
    blockingIssues: blocking.map(describeFinding),
  };
}

/** Seed recovery scenario 2: what a coordinator can do about a draft that breaks rules. */
export function scenario2Options(view: ResultView, draftId: string | undefined): NextAction[] {
  const s = view.data('scope');
  const range = s ? { start_date: String(s['start_date']), end_date: String(s['end_date']) } : {};
  return [
    { kind: 'run', label: 'Modify and resubmit: adjust the draft as suggested, then re-check it', workflow: 'compliance', ...(draftId ? { inputs: { schedule_id: draftId } } : {}) },
    { kind: 'override', label: 'Override: approve with a documented justification; an exception record is kept for the compliance audit' },
    { kind: 'run', label: 'Regenerate with tighter constraints', workflow: 'generate', inputs: { ...range, tighten: true } },
  ];
}

/** Publishes the draft as approved, expecting the data version the preview (else the generation) saw. */
function publishArgs(ctx: RunContext<GenerationInputs>): JsonObject {
  const draft = draftOf(ctx);
  if (!draft) throw new Error('no draft to publish');
  const seen = ctx.data('preview')?.['data_version'] ?? draft.version;
  return compact({
    actor: approverOf(ctx, 'approval'),
    expected_data_version: typeof seen === 'number' || typeof seen === 'string' ? seen : undefined,
    draft_id: draft.id,
  });
}

const earlyWarningStep = (id: (typeof EARLY_WARNING)[number], title: string, capability: string, args: JsonObject) =>
  ({ id, kind: 'tool', title, capability, args: () => args, confidence: ANALYTICS_CONFIDENCE }) as const;

export const generationWorkflow: WorkflowDefinition<GenerationInputs> = {
  id: 'generate',
  title: 'Schedule generation',
  version: 1,
  description: 'Validates the baseline, simulates contingencies, reads early warnings and risk, generates a draft, validates it and publishes it after a coordinator approves.',
  parseInputs: (raw) => compact(parseInputsWith(generationInputSchema, raw, 'schedule generation')) as GenerationInputs,
  modes: {
    standard: { description: 'Every phase; cached results allowed', cache: 'use', policy: GENERATION_POLICY },
    express: { description: 'Skips the deep contingency analysis; contingency cached 24 h, early warning 6 h; 5 s per call', skipSteps: ['contingency'], cache: 'use', policy: EXPRESS_POLICY },
    thorough: { description: 'No skips, no cache, an extra validation by id; 30 s per call', cache: 'off', policy: { ...GENERATION_POLICY, '*': { timeoutMs: 30_000 } } },
    emergency: {
      description: 'Skips the full contingency analysis; draft validation confidence 0.85 instead of 0.90; 5 s per call',
      skipSteps: ['contingency', 'blast_radius'],
      cache: 'use',
      policy: { ...GENERATION_POLICY, '*': { timeoutMs: 5000 } },
    },
  },
  defaultMode: 'standard',
  // Generation itself may take up to 320 s; time spent waiting for approvals does not count.
  timeoutMs: 10 * 60_000,
  phases: [
    { id: 'scope', title: 'Scope', run: 'serial', steps: scopeSteps<GenerationInputs>({ defaultDays: 7, defaultStart: 'next_monday', useScheduleRange: false }) },
    {
      id: 'baseline',
      title: 'Phase 1 · Baseline',
      run: 'parallel',
      steps: [
        {
          id: 'validate',
          kind: 'tool',
          title: 'Validate the current schedule (the range and 28 days before)',
          capability: 'validate_schedule',
          dependsOn: ['scope'],
          critical: true,
          args: (ctx) => ({ ...baselineRange(ctx), check_work_hours: true, check_supervision: true, check_rest_periods: true, check_consecutive_duty: true }),
          fallback: { kind: 'tool', capability: 'quick_validate_schedule', args: baselineRange, label: 'Quick validation only' },
        },
        {
          id: 'validate_by_id',
          kind: 'tool',
          title: 'Validate the current schedule by id (thorough)',
          capability: 'validate_schedule_by_id',
          dependsOn: ['scope'],
          skipInModes: ['standard', 'express', 'emergency'],
          skipIf: (ctx) => (scopeOf(ctx).schedule_id ? undefined : 'no schedule id'),
          args: (ctx) => ({ schedule_id: scopeOf(ctx).schedule_id, constraint_config: 'default', include_suggestions: true }),
        },
        { id: 'utilization', kind: 'tool', title: 'Faculty utilization', capability: 'check_utilization_threshold', dependsOn: ['scope'], args: utilizationArgs },
        { id: 'conflicts', kind: 'tool', title: 'Conflicts', capability: 'detect_conflicts', dependsOn: ['scope'], args: (ctx) => ({ ...baselineRange(ctx), include_auto_resolution: true }) },
      ],
      gates: [
        { label: 'validate_schedule >= 0.85 (quick validation: continue with caveats)', steps: ['validate'], method: 'minimum', thresholds: { proceed: 0.85, review: 0.5 } },
        { label: 'detect_conflicts >= 0.75 (else manual review)', steps: ['conflicts'], method: 'minimum', thresholds: { proceed: 0.75, review: 0 } },
      ],
      decide: baselineDecision,
    },
    {
      id: 'contingency',
      title: 'Phase 2 · Contingency',
      run: 'serial',
      steps: [
        {
          id: 'contingency',
          kind: 'tool',
          title: 'N-1 contingency',
          capability: 'run_contingency_analysis_deep',
          args: () => ({ analyze_n1: true, analyze_n2: false, include_cascade_simulation: false, critical_faculty_only: true }),
        },
        { id: 'blast_radius', kind: 'tool', title: 'Blast radius', capability: 'calculate_blast_radius', weight: 0.5, args: () => ({ check_all_zones: true }), confidence: ANALYTICS_CONFIDENCE },
        {
          id: 'sacrifice',
          kind: 'tool',
          title: 'Sacrifice hierarchy preview (level 3)',
          capability: 'execute_sacrifice_hierarchy',
          weight: 0.5,
          args: () => ({ target_level: 'red', simulate_only: true }),
        },
      ],
      gates: [{ label: 'contingency >= 0.70', steps: ['contingency'], method: 'minimum', thresholds: { proceed: 0.7, review: 0 } }],
      decide: contingencyDecision,
    },
    {
      id: 'early_warning',
      title: 'Phase 3 · Early warning',
      run: 'parallel',
      aggregation: 'maximum',
      steps: [
        earlyWarningStep('precursors', 'Burnout precursors', 'detect_burnout_precursors', { resident_id: 'all' }),
        earlyWarningStep('spc', 'SPC on weekly hours', 'run_spc_analysis', { resident_id: 'all', target_hours: 60, sigma: 5 }),
        earlyWarningStep('fire_danger', 'Fire danger index', 'calculate_fire_danger_index', { resident_id: 'all' }),
        earlyWarningStep('magnitude', 'Burnout magnitude', 'predict_burnout_magnitude', { resident_id: 'all' }),
      ],
      decide: earlyWarningDecision,
    },
    {
      id: 'risk',
      title: 'Phase 4 · Unified risk',
      run: 'serial',
      steps: [
        {
          id: 'unified',
          kind: 'tool',
          title: 'Unified critical index',
          capability: 'get_unified_critical_index',
          args: () => ({ include_details: true, top_n: 20 }),
          fallback: { kind: 'compute', label: 'phase 3 signals with equal weights', base: 0.35, compute: signalRisk },
          confidence: UNIFIED_CONFIDENCE,
        },
      ],
      decide: riskDecision,
    },
    {
      id: 'generation',
      title: 'Phase 5 · Generation',
      run: 'serial',
      steps: [
        { id: 'draft_approval', kind: 'approval', title: 'Create a draft schedule', request: draftApprovalRequest },
        {
          id: 'generate',
          kind: 'tool',
          title: 'Generate a draft',
          capability: 'generate_schedule',
          writes: true,
          dependsOn: ['draft_approval'],
          args: (ctx) => generationArgs(ctx, chooseAlgorithm(ctx, ctx.inputs.algorithm)),
        },
        {
          id: 'generate_greedy',
          kind: 'tool',
          title: 'Retry with the greedy algorithm',
          capability: 'generate_schedule',
          writes: true,
          dependsOn: ['draft_approval'],
          skipIf: (ctx) => (draftOf(ctx) ? 'the first attempt produced a draft' : chooseAlgorithm(ctx, ctx.inputs.algorithm) === 'greedy' ? 'the first attempt already used greedy' : undefined),
          args: (ctx) => generationArgs(ctx, 'greedy'),
        },
        {
          id: 'last_known_good',
          kind: 'compute',
          title: 'Keep the last known good schedule',
          skipIf: (ctx) => (draftOf(ctx) ? 'a draft was generated' : undefined),
          compute: (ctx) => ({ schedule_id: scopeOf(ctx).schedule_id, reason: 'generation failed; the published schedule stays in force' }),
        },
      ],
      decide: generationDecision,
    },
    {
      id: 'post_validation',
      title: 'Phase 6 · Post-validation',
      run: 'parallel',
      steps: [
        {
          id: 'draft_validate',
          kind: 'tool',
          title: 'Validate the draft',
          capability: 'validate_schedule_by_id',
          args: (ctx) => ({ schedule_id: draftId(ctx), constraint_config: 'default', include_suggestions: true }),
        },
        {
          id: 'draft_conflicts',
          kind: 'tool',
          title: 'Conflicts in the draft',
          capability: 'detect_conflicts',
          args: (ctx) => ({ start_date: scopeOf(ctx).start_date, end_date: scopeOf(ctx).end_date, include_auto_resolution: true, schedule_id: draftId(ctx) }),
        },
        {
          id: 'draft_contingency',
          kind: 'tool',
          title: 'N-1 contingency on the draft',
          capability: 'run_contingency_analysis_deep',
          skipInModes: ['express', 'emergency'],
          args: (ctx) => ({ analyze_n1: true, analyze_n2: false, schedule_id: draftId(ctx), start_date: scopeOf(ctx).start_date, end_date: scopeOf(ctx).end_date }),
        },
        { id: 'preview', kind: 'tool', title: 'Draft preview (changes)', capability: 'preview_draft', weight: 0, args: (ctx) => ({ draft_id: draftId(ctx) }) },
        {
          id: 'draft_unified',
          kind: 'hub',
          title: 'Unified index on the draft',
          inputs: ['draft_validate', 'draft_conflicts', 'draft_contingency'],
          capability: 'get_unified_critical_index',
          args: (ctx) => ({ include_details: true, top_n: 20, schedule_id: draftId(ctx) }),
          confidence: UNIFIED_CONFIDENCE,
        },
      ],
      decide: postValidationDecision,
    },
    {
      id: 'approval',
      title: 'Phase 7 · Human approval',
      run: 'serial',
      steps: [{ id: 'approval', kind: 'approval', title: 'Publish the draft', request: publishApprovalRequest }],
    },
    {
      id: 'publish',
      title: 'Phase 8 · Publish',
      run: 'serial',
      steps: [
        { id: 'publish', kind: 'tool', title: 'Publish with the expected data version', capability: 'publish_draft', writes: true, critical: true, dependsOn: ['approval'], args: publishArgs },
      ],
    },
  ],
};

function recommendations(view: ResultView, draft: readonly Finding[]): Recommendation[] {
  const recs: Recommendation[] = [];
  for (const f of draft.filter((x) => x.severity === 'critical' || x.severity === 'high').slice(0, 5)) recs.push({ category: 'immediate', text: f.suggestedFix ?? `Fix: ${describeFinding(f)}` });
  const gaps = contingencyGaps(view.data('contingency'));
  if (gaps && gaps.criticalShare > CRITICAL_GAP_SHARE) recs.push({ category: 'immediate', text: `Plan contingencies: ${gaps.critical} of ${gaps.total} N-1 gaps have no workaround` });
  for (const id of EARLY_WARNING) {
    const level = signalLevel(view.data(id));
    if (level === 'critical' || level === 'warning') recs.push({ category: 'monitoring', text: `${id.replace('_', ' ')}: ${signalSummary(view.data(id)) ?? level}` });
  }
  for (const text of (strings(view.data('unified'), 'recommendations') ?? []).slice(0, 3)) recs.push({ category: 'long_term', text });
  return dedupeRecommendations(recs);
}

function outcome(view: ResultView, end: RunEnd): WorkflowOutcome {
  const draft = draftOf(view);
  const draftIssues = draftFindings(view);
  const published = view.result('publish')?.status === 'succeeded';
  const findings = draftIssues.length > 0 || draft ? draftIssues : findingsOf(view, false);
  const metrics = [] as { label: string; value: string }[];
  const util = utilizationRate(view.data('utilization'));
  if (util !== undefined) metrics.push({ label: 'Faculty utilization', value: `${pct(util)} (${utilizationLevel(view.data('utilization')) ?? '?'})` });
  const gaps = contingencyGaps(view.data('contingency'));
  if (gaps) metrics.push({ label: 'N-1 gaps', value: `${gaps.total} (${gaps.critical} critical)` });
  const index = (id: string) => {
    const v = unifiedIndex(view.data(id));
    return v !== undefined ? round(v, 1) : undefined;
  };
  const before = index('unified');
  const after = index('draft_unified');
  if (before !== undefined) metrics.push({ label: 'Unified index', value: after !== undefined ? `${before} -> ${after} (draft)` : String(before) });
  const c = preGenerationConfidence(view);
  const reachedGeneration = view.result('draft_approval') !== undefined && view.result('draft_approval')?.skip?.cause !== 'not_run';
  if (c !== undefined && reachedGeneration) metrics.push({ label: 'Phases 1-3 confidence', value: c.toFixed(2) });
  if (draft) metrics.push({ label: 'Draft', value: `${draft.id}${draftIssues.length ? `, ${draftIssues.length} finding(s)` : ', no findings'}` });
  const exception = view.data('approval')?.['exceptionId'];
  let decision: string;
  if (published) decision = `Published ${draft?.id ?? 'the draft'}${typeof exception === 'string' ? ` under exception ${exception}` : ''}`;
  else if (end.status === 'rejected') decision = 'Not published: the approval was rejected; the published schedule is unchanged';
  else if (draft) decision = 'Draft kept for review; nothing published';
  else decision = 'No draft generated; nothing changed';
  const nextActions = draft && !published && draftIssues.some((f) => f.severity === 'critical' || f.severity === 'high') ? scenario2Options(view, draft.id) : [];
  const publish = view.data('publish');
  if (published && publish) {
    const until = str(publish, 'rollback_deadline');
    nextActions.push({
      kind: 'call',
      label: `Undo${until ? ` until ${until}` : ''} if needed`,
      capability: 'rollback_publish',
      args: { expected_data_version: publish['data_version'] ?? null, publish_id: str(publish, 'publish_id') ?? '' },
      writes: true,
    });
  }
  return {
    headline: published ? `Schedule published (${draft?.id ?? ''})` : draft ? `Draft ${draft.id} generated, not published` : 'No schedule generated',
    decision,
    metrics,
    findings,
    alerts: [],
    recommendations: recommendations(view, draftIssues),
    nextActions,
  };
}

export const generation: WorkflowModule<GenerationInputs> = { definition: generationWorkflow, safetyTier: 2, outcome, inputSchema: generationInputSchema, inputPlan: GENERATION_PLAN };

