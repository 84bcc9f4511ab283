/** What the degrading proxy server (proxyServer.ts) does to the scheduling server behind it. */

export interface ProxyScenario {
  /** Tools the proxy does not expose. */
  drop?: string[];
  /** Tools that never answer (until the client cancels). */
  hang?: string[];
  /** Tools the server applies, after which the proxy process dies before answering (a server killed mid-write). */
  dieAfter?: string[];
  /** Tools that always answer with this error text (isError). */
  fail?: Record<string, string>;
  /** Tools that answer like the real server's silent fallback: valid, with metadata.source "placeholder". */
  placeholder?: string[];
  /** validate_schedule_by_id_tool reports these issues for drafts (a generated draft that breaks a rule). */
  draftViolations?: Record<string, unknown>[];
  /** analyze_swap_candidates_tool returns at most this many candidates. */
  maxCandidates?: number;
  /** Append-only log of calls ("call <tool>", "cancelled <tool>", "failed <tool>"). */
  log?: string;
  /** The scheduling server script (default: dist/server.js of this repository). */
  server?: string;
  /** Arguments for the server (e.g. ["--db", "<file>"]). */
  serverArgs?: string[];
  /**
   * Input schemas the proxy declares (realContract.ts): `real` lists and enforces the real
   * server's (a missing required argument is a tool error), `defaults` answers from defaults
   * when a capacity figure is missing. Without it the bundled server's own schemas are listed.
   */
  contract?: 'real' | 'defaults';
  /**
   * Tools before which the proxy asks the client for input (MCP elicitation): `form` requests
   * one field of every kind (ELICIT_FORM in proxyServer.ts), `url` asks to open a sign-in page.
   * The answer is logged as "elicited <tool> <json>"; the call then goes through unchanged.
   */
  elicit?: Record<string, 'form' | 'url'>;
}

/** The real server's tools that exist only with ARMORY_DOMAINS set, and the ones it never registers. */
export const ARMORY_TOOLS = [
  'calculate_blast_radius_tool',
  'analyze_hub_centrality_tool',
  'calculate_burnout_rt_tool',
  'simulate_burnout_contagion_tool',
  'assess_creep_fatigue_tool',
  'calculate_recovery_distance_tool',
  'calculate_process_capability_tool',
  'calculate_equity_metrics_tool',
  'calculate_fire_danger_index_tool',
  'detect_burnout_precursors_tool',
  'predict_burnout_magnitude_tool',
  'run_spc_analysis_tool',
  'analyze_workload_trend_tool',
  'analyze_supply_demand_cycles_tool',
];
