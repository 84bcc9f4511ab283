/**
 * Arguments some servers name differently from the workflows (and the bundled server):
 * capability -> workflow argument name -> the name the real scheduling server's tool declares.
 * A rename applies only when the tool's input schema declares the server's name and not the
 * workflow's (argPlanning.ts), so a server that uses the workflow's names is unaffected.
 */
export const ARG_ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  run_contingency_analysis: { person_ids: 'affected_person_ids', absent_person_ids: 'affected_person_ids' },
  calculate_process_capability: { weekly_hours: 'data', hours: 'data' },
  analyze_workload_trend: { weekly_hours: 'workload_history', history: 'workload_history' },
  detect_workload_anomalies: { weekly_hours: 'workload_history' },
  calculate_burnout_rt: { burned_out_ids: 'burned_out_provider_ids', provider_ids: 'burned_out_provider_ids' },
  simulate_burnout_contagion: { burnout_scores: 'provider_burnout_scores' },
  analyze_swap_candidates: { person_id: 'requester_person_id', requester_id: 'requester_person_id' },
};
