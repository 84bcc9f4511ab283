/**
 * A healthy residency scheduler on the engine's in-memory FakeToolServer: every capability
 * the four workflows use answers with plausible data in the real server's field names.
 * Tests override single tools to make them fail, time out, vanish or return placeholders.
 */
import type { FakeToolServer, ToolSpec } from '../engine/fakeTools';

type Json = Record<string, unknown>;

/** Capabilities that write (the fake server resolves them as writers). */
export const WRITERS = ['generate_schedule', 'publish_draft', 'request_swap', 'record_swap_consent', 'approve_swap', 'execute_swap'] as const;

export const SCHEDULE = { id: 'S1', start: '2026-03-02', end: '2026-03-29' };

export function candidates(n: number): Json[] {
  return Array.from({ length: n }, (_, i) => ({
    candidate_person_id: `r-0${i + 2}`,
    assignment_id: `a-${i + 10}`,
    swap_type: 'one_to_one',
    match_score: 0.9 - i * 0.1,
    mutual_benefit: i === 1,
  }));
}

function swapWrite(status: string, version: number, extra: Json = {}): Json {
  return { swap: { swap_id: 'sw-1', status, ...extra }, awaiting: [], schedule_id: SCHEDULE.id, data_version: version };
}

/** Default answers, by capability. A function receives the call's arguments. */
export const HEALTHY: Record<string, Json | ((args: Json) => Json)> = {
  get_schedule_status: { schedule_id: SCHEDULE.id, start_date: SCHEDULE.start, end_date: SCHEDULE.end, locked_through: null, data_version: 7 },
  validate_schedule: (args) => ({ is_valid: true, overall_compliance_rate: 1, issues: [], date_range: [args['start_date'], args['end_date']] }),
  quick_validate_schedule: { is_valid: true, issues: [], quick: true },
  validate_schedule_by_id: (args) => ({ schedule_id: args['schedule_id'], is_valid: true, compliance_rate: 1, issues: [] }),
  detect_conflicts: { total_conflicts: 0, conflicts: [], auto_resolvable_count: 0 },
  check_utilization_threshold: { level: 'yellow', utilization_rate: 0.72 },
  get_defense_level: { current_level: 'prevention', recommended_level: 'control', escalation_needed: false },
  check_circuit_breakers: { open_breakers: 0, half_open_breakers: 0, open_breaker_names: [] },
  run_contingency_analysis_deep: {
    n1_pass: true,
    n1_vulnerabilities: [
      { faculty_id: 'f-1', severity: 'medium' },
      { faculty_id: 'f-2', severity: 'high' },
    ],
    n2_pass: true,
    n2_fatal_pairs: [],
  },
  calculate_blast_radius: { zone_details: [], severity: 'healthy', recommendations: [] },
  execute_sacrifice_hierarchy: { target_level: 'red', current_level: 'normal', activities_suspended: ['optional education'] },
  detect_burnout_precursors: { alerts_detected: 0, alerts: [], severity: 'healthy' },
  run_spc_analysis: { violations_detected: 0, alerts: [], severity: 'healthy' },
  calculate_fire_danger_index: { danger_class: 'low', fwi_score: 6, severity: 'healthy' },
  predict_burnout_magnitude: { predicted_magnitude: 1.5 },
  assess_creep_fatigue: { high_risk_count: 0, assessments: [], severity: 'healthy' },
  analyze_hub_centrality: { hubs_identified: 1, top_hubs: [{ faculty_id: 'f-1', centrality_score: 0.3 }] },
  calculate_burnout_rt: { rt: 0.6, status: 'controlled' },
  simulate_burnout_contagion: { contagion_risk: 'low', current_infection_rate: 0.05 },
  get_unified_critical_index: { overall_index: 35, risk_level: 'moderate', universal_critical_count: 0, recommendations: ['Cross-train faculty f-1'] },
  calculate_equity_metrics: { gini_coefficient: 0.08, is_equitable: true },
  calculate_process_capability: { cpk: 1.5, capability_status: 'EXCELLENT' },
  analyze_workload_trend: { trend_assessment: 'stable' },
  analyze_supply_demand_cycles: { system_stability: 'stable' },
  list_people: { people: [{ person_id: 'r-01', role: 'resident', active: true }], data_version: 7 },
  get_assignments: { assignments: [{ assignment_id: 'a-1', person_id: 'r-01', date: '2026-03-20' }], data_version: 7 },
  analyze_swap_candidates: { candidates: candidates(3), data_version: 7 },
  validate_swap: { valid: true, errors: [], warnings: [], data_version: 7 },
  request_swap: swapWrite('pending', 8),
  record_swap_consent: swapWrite('pending', 9),
  approve_swap: swapWrite('approved', 10),
  execute_swap: swapWrite('executed', 11, { executed_at: '2026-03-05T10:00:00.000Z', rollback_deadline: '2026-03-06T10:00:00.000Z', backup_id: 'bk-1' }),
  generate_schedule: (args) => ({ draft_id: 'draft-1', schedule_id: 'draft-1', data_version: 8, algorithm_used: args['algorithm'] ?? 'optimal', fell_back_to_greedy: false }),
  preview_draft: { draft_id: 'draft-1', data_version: 8, stale: false, metrics: { changes: { added: 12, removed: 3 } } },
  publish_draft: { publish_id: 'pub-1', draft_id: 'draft-1', schedule_id: SCHEDULE.id, data_version: 9, rollback_deadline: '2026-03-31T08:00:00.000Z' },
};

/**
 * Defines every capability on `tools` with its healthy answer; `overrides` replaces a tool's
 * spec, or removes the tool when the value is null (the server does not have it).
 */
export function defineScheduler(tools: FakeToolServer, overrides: Record<string, ToolSpec | null> = {}): FakeToolServer {
  for (const [capability, answer] of Object.entries(HEALTHY)) {
    const override = overrides[capability];
    if (override === null) continue;
    const writes = (WRITERS as readonly string[]).includes(capability);
    const respond = typeof answer === 'function' ? answer : () => structuredClone(answer);
    tools.define(capability, { latencyMs: 20, writes, respond, ...(override ?? {}) });
  }
  return tools;
}
