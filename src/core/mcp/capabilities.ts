/**
 * The capabilities the four workflows ask for, by the short names of the seed and the
 * the real server's tool list (docs/workflows.md names what each workflow needs). Each entry says whether the project knows it writes and
 * which result fields the workflows rely on. Schemas are loose: extra fields pass through,
 * and only what a workflow reads is checked, so a richer server never breaks a run.
 *
 * A null where a number or class is expected means "not enough data" (the bundled server
 * says so instead of inventing a value), so those fields are nullable.
 *
 * The result schemas of the bundled server's own tools (generation, drafts, swaps, lookups)
 * are deliberately minimal while those tools are being designed.
 */
import * as z from 'zod';

export type ResultSchema = z.ZodType<Record<string, unknown>>;

export interface CapabilitySpec {
  /** The short name workflows use; the server may register it as `<name>_tool`. */
  readonly name: string;
  readonly description: string;
  /** The project knows this tool changes data (never re-sent, approval-gated). */
  readonly writes: boolean;
  /** Other names the tool goes by beyond `<name>` and `<name>_tool` (documentation aliases). */
  readonly aliases?: readonly string[];
  readonly result: ResultSchema;
}

const severity = z.enum(['critical', 'warning', 'info']);
const issue = z.looseObject({ severity, rule_type: z.string().nullish(), message: z.string() });
const count = z.number().int().nonnegative();
const entries = z.array(z.looseObject({}));
const strings = z.array(z.string());

function read(name: string, description: string, result: ResultSchema, aliases?: readonly string[]): CapabilitySpec {
  return { name, description, writes: false, result, ...(aliases ? { aliases } : {}) };
}

function write(name: string, description: string, result: ResultSchema, aliases?: readonly string[]): CapabilitySpec {
  return { name, description, writes: true, result, ...(aliases ? { aliases } : {}) };
}

export const CAPABILITIES: readonly CapabilitySpec[] = [
  // ACGME compliance and conflicts
  read(
    'validate_schedule',
    'ACGME check of a date range (80-hour average, 1-in-7, supervision).',
    z.looseObject({ is_valid: z.boolean(), overall_compliance_rate: z.number().min(0).max(1).optional(), issues: z.array(issue) }),
  ),
  read(
    'quick_validate_schedule',
    'Fast check of the 80-hour average and coverage only: the fallback when full validation is unavailable.',
    z.looseObject({ is_valid: z.boolean(), issues: z.array(issue) }),
  ),
  read(
    'validate_schedule_by_id',
    'ACGME check of one stored schedule or draft by id.',
    z.looseObject({ is_valid: z.boolean(), compliance_rate: z.number().min(0).max(1).optional(), issues: z.array(issue) }),
  ),
  read(
    'detect_conflicts',
    'Scheduling conflicts (double booking, work hours, rest, supervision, leave, credentials) in a range.',
    z.looseObject({
      total_conflicts: count,
      conflicts: z.array(z.looseObject({ severity, conflict_type: z.string().optional() })),
      auto_resolvable_count: count.optional(),
    }),
  ),
  // Resilience: quick status
  read('check_utilization_threshold', 'Faculty utilization against the 80% threshold (green … black).', z.looseObject({ level: z.string(), utilization_rate: z.number() })),
  read(
    'get_defense_level',
    'Defense-in-depth level recommended for a coverage rate.',
    z.looseObject({ current_level: z.string(), recommended_level: z.string(), escalation_needed: z.boolean().optional() }),
  ),
  read(
    'check_circuit_breakers',
    'State of the backend circuit breakers (closed / open / half-open).',
    z.looseObject({ open_breakers: count, half_open_breakers: count.optional(), open_breaker_names: strings.optional() }),
  ),
  // Resilience: contingency
  read(
    'run_contingency_analysis',
    'What-if impact of named people being absent, with resolution options.',
    z.looseObject({ impact: z.looseObject({}), resolution_options: entries.optional() }),
  ),
  read(
    'run_contingency_analysis_deep',
    'N-1 / N-2 vulnerability scan of faculty coverage.',
    z.looseObject({ n1_pass: z.boolean(), n1_vulnerabilities: entries, n2_pass: z.boolean().optional(), severity: z.string().optional() }),
    ['run_contingency_analysis_resilience_tool'],
  ),
  read('calculate_blast_radius', 'Zone containment status: how far one failure spreads.', z.looseObject({ zone_details: entries.optional(), severity: z.string().optional() })),
  // Previewed by the workflows (simulate_only); the server's annotations decide whether a call writes.
  read(
    'execute_sacrifice_hierarchy',
    'Load-shedding preview: which activities are suspended at a target level.',
    z.looseObject({ current_level: z.string(), activities_suspended: strings }),
  ),
  read('analyze_hub_centrality', 'Faculty who are network hubs or single points of failure.', z.looseObject({ hubs_identified: count, top_hubs: entries })),
  read('calculate_recovery_distance', 'Minimum edits to recover from N-1 events; fragility.', z.looseObject({ rd_mean: z.number().nullable(), severity: z.string().optional() })),
  read(
    'get_unified_critical_index',
    'Composite 0–100 risk from contingency, hub centrality and burnout epidemiology.',
    z.looseObject({ overall_index: z.number().min(0).max(100).nullable(), risk_level: z.string(), universal_critical_count: count.optional() }),
  ),
  // Burnout epidemiology and early warning
  read('calculate_burnout_rt', 'Reproduction number of burnout among providers.', z.looseObject({ rt: z.number().nonnegative().nullable(), status: z.string() })),
  read(
    'simulate_burnout_contagion',
    'Network diffusion of burnout and superspreaders.',
    z.looseObject({ contagion_risk: z.string(), current_infection_rate: z.number().optional() }),
  ),
  read('detect_burnout_precursors', 'STA/LTA early-warning signals on one resident.', z.looseObject({ alerts_detected: count, alerts: entries })),
  read('run_spc_analysis', 'Western Electric rules on one resident’s weekly hours.', z.looseObject({ violations_detected: count, alerts: entries })),
  read('calculate_fire_danger_index', 'Burnout fire-weather index for one resident.', z.looseObject({ danger_class: z.string().nullable(), fwi_score: z.number().nullable() })),
  read('predict_burnout_magnitude', 'Combined 0–10 burnout magnitude.', z.looseObject({ predicted_magnitude: z.number() })),
  read('assess_creep_fatigue', 'Creep and fatigue burnout risk per resident.', z.looseObject({ high_risk_count: count, assessments: entries })),
  // Quality and equity
  read(
    'calculate_equity_metrics',
    'Gini coefficient and workload fairness across providers.',
    z.looseObject({ gini_coefficient: z.number().min(0).max(1), is_equitable: z.boolean().optional() }),
  ),
  read(
    'calculate_process_capability',
    'Six Sigma capability (Cp, Cpk …) of weekly hours against the limits.',
    z.looseObject({ cpk: z.number().nullable(), capability_status: z.string().nullish() }),
  ),
  read('analyze_workload_trend', 'Kalman-filtered workload trend.', z.looseObject({ trend_assessment: z.string().optional() })),
  read('analyze_supply_demand_cycles', 'Capacity vs demand cycles.', z.looseObject({ system_stability: z.string().optional() })),
  // Swaps
  read('analyze_swap_candidates', 'Ranked swap partners for an assignment.', z.looseObject({ candidates: z.array(z.looseObject({ match_score: z.number().min(0).max(1) })) })),
  read('validate_swap', 'Checks a proposed swap against the rules without applying it.', z.looseObject({})),
  write('request_swap', 'Records a swap request.', z.looseObject({ swap: z.looseObject({ swap_id: z.string() }) })),
  write('record_swap_consent', 'Records the consent of a swap party.', z.looseObject({})),
  write('approve_swap', 'Coordinator approval of a swap.', z.looseObject({})),
  write('execute_swap', 'Applies an approved swap.', z.looseObject({})),
  write('rollback_swap', 'Undoes an executed swap within its rollback window.', z.looseObject({})),
  // Generation and publishing
  write('generate_schedule', 'Generates a draft schedule (never published automatically).', z.looseObject({ draft_id: z.string() })),
  read('preview_draft', 'Shows a draft and how it differs from the published schedule.', z.looseObject({}), ['get_draft_preview']),
  write('publish_draft', 'Publishes an approved draft.', z.looseObject({})),
  write('rollback_publish', 'Restores the schedule published before the last publish.', z.looseObject({})),
  read(
    'list_notifications',
    'The notification outbox: who was told what about each publish or swap, and whether it was delivered.',
    z.looseObject({ notifications: z.array(z.looseObject({ event: z.string(), delivered: z.boolean() })) }),
  ),
  // Lookups
  read('get_schedule_status', 'The published schedule and its drafts.', z.looseObject({})),
  read('list_people', 'People in the program.', z.looseObject({})),
  read('get_assignments', 'Assignments in a range.', z.looseObject({})),
];

/** Tool names a capability may be registered under, most specific first. */
export function candidateToolNames(spec: Pick<CapabilitySpec, 'name' | 'aliases'>): string[] {
  const names = [spec.name, `${spec.name}_tool`];
  for (const alias of spec.aliases ?? []) names.push(...(alias.endsWith('_tool') ? [alias] : [alias, `${alias}_tool`]));
  return [...new Set(names)];
}

/** The spec for a short name, or for any tool name it may be registered under. */
export function findCapability(nameOrTool: string, specs: readonly CapabilitySpec[] = CAPABILITIES): CapabilitySpec | undefined {
  return specs.find((s) => s.name === nameOrTool) ?? specs.find((s) => candidateToolNames(s).includes(nameOrTool));
}
