/**
 * Input schemas as the real scheduling server declares them for the tools the resilience
 * assessment calls (its reference: required capacity figures, enums, no extra checks), and a
 * variant that answers from defaults instead of validating. The degrading proxy
 * (proxyServer.ts) lists these in place of the bundled server's own schemas when a scenario
 * sets `contract`.
 */
type Schema = Record<string, unknown>;

const int = { type: 'integer', minimum: 0 };
const bool = { type: 'boolean' };

function object(properties: Record<string, Schema>, required: string[] = []): Schema {
  return { type: 'object', properties, required };
}

/** The real server: missing required arguments are a validation error. */
export const REAL_CONTRACT: Readonly<Record<string, Schema>> = {
  check_utilization_threshold_tool: object(
    { available_faculty: int, required_blocks: int, blocks_per_faculty_per_day: { type: 'number', default: 2 }, days_in_period: { type: 'integer', default: 1 } },
    ['available_faculty', 'required_blocks'],
  ),
  get_defense_level_tool: object({ coverage_rate: { type: 'number', minimum: 0, maximum: 1 } }, ['coverage_rate']),
  check_circuit_breakers_tool: object({}),
  run_contingency_analysis_resilience_tool: object({ analyze_n1: bool, analyze_n2: bool, include_cascade_simulation: bool, critical_faculty_only: bool }),
  calculate_blast_radius_tool: object({ zone_id: { type: ['string', 'null'] }, check_all_zones: bool }),
  execute_sacrifice_hierarchy_tool: object({ target_level: { type: 'string', enum: ['normal', 'yellow', 'orange', 'red', 'black', 'critical'] }, simulate_only: bool }, [
    'target_level',
  ]),
  get_unified_critical_index_tool: object({ include_details: bool, top_n: { type: 'integer', default: 5 } }),
  calculate_burnout_rt_tool: object({ burned_out_provider_ids: { type: 'array', items: { type: 'string' } }, time_window_days: { type: 'integer', minimum: 1, default: 28 } }, [
    'burned_out_provider_ids',
  ]),
  validate_schedule_tool: object(
    { start_date: { type: 'string' }, end_date: { type: 'string' }, check_work_hours: bool, check_supervision: bool, check_rest_periods: bool, check_consecutive_duty: bool },
    ['start_date', 'end_date'],
  ),
};

/** A server that does not validate: the capacity figures have defaults it answers from. */
export const DEFAULTS_CONTRACT: Readonly<Record<string, Schema>> = {
  ...REAL_CONTRACT,
  check_utilization_threshold_tool: object({ available_faculty: { ...int, default: 0 }, required_blocks: { ...int, default: 0 } }),
  get_defense_level_tool: object({ coverage_rate: { type: 'number', minimum: 0, maximum: 1, default: 0 } }),
};

/** What the defaults server answers when a capacity figure is missing (defense level 5 from coverage 0). */
export const DEFAULT_ANSWERS: Readonly<Record<string, Record<string, unknown>>> = {
  get_defense_level_tool: { current_level: 'emergency', recommended_level: 'emergency', escalation_needed: true, coverage_rate: 0 },
  check_utilization_threshold_tool: { level: 'black', utilization_rate: 1, severity: 'emergency' },
};
