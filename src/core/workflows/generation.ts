/**
 * Workflow 1 — schedule generation (seed: TIER 2, generate + preview, never auto-apply).
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
 *         -> [8] publish with the expected data version, then report the notices the publish
 *                sent (the server's outbox: recipients, delivered or not).
 *
 * Every server write (the draft, the publish) comes after an approval: the engine enforces it.
 */
import * as z from 'zod';
import type { JsonObject, RunContext, WorkflowDefinition } from '../engine/definition';
import type { PolicyOverride } from '../policy/policies';
import { utilizationPlan } from './shared/argPlans';
import type { WorkflowModule } from './shared/module';
import { ANALYTICS_CONFIDENCE, UNIFIED_CONFIDENCE } from './shared/quality';
import { str } from './shared/read';
import { checkRange, parseInputsWith, scopeInputShape, scopeOf, scopeSteps } from './shared/scope';
import { compact } from '../util/compact';
import { GENERATION_PLAN } from './inputFields';
import { confidenceGate } from './shared/gates';
import { outcome } from './generationOutcome';
import { draftApprovalRequest, publishApprovalRequest } from './generationReview';
import {
  BASELINE_THRESHOLDS,
  CONTINGENCY_THRESHOLDS,
  type EARLY_WARNING,
  baselineDecision,
  baselineRange,
  chooseAlgorithm,
  contingencyDecision,
  draftOf,
  earlyWarningDecision,
  generationDecision,
  postValidationDecision,
  riskDecision,
  signalRisk,
} from './generationRules';
import { type GenerationInputs } from './generationRules';

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

function draftId(ctx: RunContext): string {
  const d = draftOf(ctx);
  if (!d) throw new Error('no draft was generated');
  return d.id;
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
  version: 2,
  description: 'Validates the baseline, simulates contingencies, reads early warnings and risk, generates a draft, validates it and publishes it after a coordinator approves.',
  parseInputs: (raw) => compact(parseInputsWith(generationInputSchema, raw, 'schedule generation')),
  modes: {
    standard: { description: 'Every phase; cached results allowed', cache: 'use', policy: GENERATION_POLICY },
    express: {
      description: 'Skips the deep contingency analysis; contingency cached 24 h, early warning 6 h; 5 s per call',
      skipSteps: ['contingency'],
      cache: 'use',
      policy: EXPRESS_POLICY,
    },
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
    { id: 'scope', title: 'Scope', run: 'serial', steps: scopeSteps<GenerationInputs>({ defaultRange: { from: 'next_week_to_schedule' }, useScheduleRange: false }) },
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
        { id: 'utilization', kind: 'tool', title: 'Faculty utilization', capability: 'check_utilization_threshold', dependsOn: ['scope'], args: () => ({}), plan: utilizationPlan },
        {
          id: 'conflicts',
          kind: 'tool',
          title: 'Conflicts',
          capability: 'detect_conflicts',
          dependsOn: ['scope'],
          args: (ctx) => ({ ...baselineRange(ctx), include_auto_resolution: true }),
        },
      ],
      gates: [
        confidenceGate('validate_schedule', BASELINE_THRESHOLDS.validate, { method: 'minimum', steps: ['validate'], note: 'quick validation continues with caveats' }),
        confidenceGate('detect_conflicts', BASELINE_THRESHOLDS.conflicts, { method: 'minimum', steps: ['conflicts'] }),
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
        {
          id: 'blast_radius',
          kind: 'tool',
          title: 'Blast radius',
          capability: 'calculate_blast_radius',
          weight: 0.5,
          args: () => ({ check_all_zones: true }),
          confidence: ANALYTICS_CONFIDENCE,
        },
        {
          id: 'sacrifice',
          kind: 'tool',
          title: 'Sacrifice hierarchy preview (level 3)',
          capability: 'execute_sacrifice_hierarchy',
          weight: 0.5,
          args: () => ({ target_level: 'red', simulate_only: true }),
        },
      ],
      gates: [confidenceGate('contingency', CONTINGENCY_THRESHOLDS, { method: 'minimum', steps: ['contingency'] })],
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
          skipIf: (ctx) =>
            draftOf(ctx) ? 'the first attempt produced a draft' : chooseAlgorithm(ctx, ctx.inputs.algorithm) === 'greedy' ? 'the first attempt already used greedy' : undefined,
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
      title: 'Phase 8 · Publish and notify',
      run: 'serial',
      steps: [
        {
          id: 'publish',
          kind: 'tool',
          title: 'Publish with the expected data version',
          capability: 'publish_draft',
          writes: true,
          critical: true,
          dependsOn: ['approval'],
          args: publishArgs,
        },
        // The server sends the notices itself (recorded with the publish); this reads what was sent. It does not weigh on the confidence.
        {
          id: 'notifications',
          kind: 'tool',
          title: 'Send notifications (what the publish sent)',
          capability: 'list_notifications',
          dependsOn: ['publish'],
          weight: 0,
          args: (ctx) => ({ since_version: ctx.data('publish')?.['data_version'] ?? 0, event: 'schedule_published' }),
        },
      ],
    },
  ],
};

export const generation: WorkflowModule<GenerationInputs> = {
  definition: generationWorkflow,
  safetyTier: 2,
  outcome,
  inputSchema: generationInputSchema,
  inputPlan: GENERATION_PLAN,
};
