/**
 * Analytics tools on a generated 36-resident, 13-week program, called through a real MCP
 * client over an in-memory transport. The resilience workflow's tools run first, in the
 * workflow's order (Phase 2 contingency, 3 epidemiology, 4 early warning, 5 synthesis), so
 * the first of them pays for the shared N-1 model and network as it would in a real run.
 * Target: those tools under 1 s in total. The other analytics tools follow, then the one
 * N-1 model (rules/stepIn.ts) directly: the coverage model, contingency analysis (N-1 and
 * N-2) after it on the same snapshot (sharing its verdicts), and contingency alone.
 */
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { coverageModel } from '../src/server/analytics/coverage';
import { generateProgram } from '../src/server/program/generate';
import { analyzeContingency } from '../src/server/rules/contingency';
import { EligibilityIndex } from '../src/server/rules/eligibility';
import { registerAnalyticsTools } from '../src/server/tools/analytics';
import { fixtureContext, programSnapshot } from '../test/support/analytics/fixtures';
import type { BenchResult } from './run';

const RESILIENCE_WORKFLOW: [string, Record<string, unknown>][] = [
  ['calculate_blast_radius_tool', { max_personnel: 15 }],
  ['execute_sacrifice_hierarchy_tool', { target_level: 'red', simulate_only: true }],
  ['calculate_burnout_rt_tool', { time_window_days: 28 }],
  ['simulate_burnout_contagion_tool', {}],
  ['detect_burnout_precursors_tool', {}],
  ['run_spc_analysis_tool', { target_hours: 60, sigma: 5 }],
  ['calculate_fire_danger_index_tool', {}],
  ['predict_burnout_magnitude_tool', {}],
  ['assess_creep_fatigue_tool', { top_n: 20 }],
  ['get_unified_critical_index_tool', { include_details: true, top_n: 20 }],
];

const OTHERS: [string, Record<string, unknown>][] = [
  ['calculate_recovery_distance_tool', { max_events: 20 }],
  ['analyze_hub_centrality_tool', {}],
  ['calculate_equity_metrics_tool', {}],
  ['calculate_process_capability_tool', {}],
  ['analyze_workload_trend_tool', {}],
  ['analyze_supply_demand_cycles_tool', {}],
];

export async function run(): Promise<BenchResult[]> {
  const program = generateProgram({ residentsPerPgy: 12, faculty: 12, weeks: 13, seed: 42 });
  const snapshot = programSnapshot(program);
  const server = new McpServer({ name: 'bench-analytics', version: '0.0.0' });
  registerAnalyticsTools(server, fixtureContext(snapshot));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'bench', version: '0.0.0' });
  await client.connect(clientSide);
  const rows: BenchResult[] = [];
  const note = `${snapshot.people.filter((p) => p.role === 'resident').length} residents, ${snapshot.people.filter((p) => p.role === 'faculty').length} faculty, ${snapshot.shifts.length} shifts`;
  const time = async (name: string, args: Record<string, unknown>): Promise<number> => {
    const t0 = performance.now();
    const r = await client.callTool({ name, arguments: args });
    const ms = performance.now() - t0;
    if (r.isError) throw new Error(`${name} failed: ${JSON.stringify(r.content)}`);
    rows.push({ bench: 'analytics', case: name, value: ms, unit: 'ms' });
    return ms;
  };
  try {
    let total = 0;
    for (const [name, args] of RESILIENCE_WORKFLOW) total += await time(name, args);
    rows.push({ bench: 'analytics', case: 'resilience workflow tools (total)', value: total, unit: 'ms', target: '< 1000 ms', note });
    for (const [name, args] of OTHERS) await time(name, args);
    const range = snapshot.range;
    const contingency = (snap: typeof snapshot) => analyzeContingency(new EligibilityIndex(snap), range, { n1: true, n2: true, population: 'all', cascade: true, maxPairs: 10 });
    const fresh = programSnapshot(program);
    let t0 = performance.now();
    coverageModel(fresh);
    rows.push({ bench: 'analytics', case: 'N-1 model: coverage model (rule-checked stand-ins)', value: performance.now() - t0, unit: 'ms', note: 'fresh snapshot' });
    t0 = performance.now();
    await contingency(fresh);
    rows.push({ bench: 'analytics', case: 'N-1 model: contingency N-1 + N-2 after it', value: performance.now() - t0, unit: 'ms', note: 'same snapshot, shared verdicts' });
    t0 = performance.now();
    await contingency(programSnapshot(program));
    rows.push({ bench: 'analytics', case: 'N-1 model: contingency N-1 + N-2 alone', value: performance.now() - t0, unit: 'ms', note: 'fresh snapshot' });
  } finally {
    await client.close();
    await server.close();
  }
  return rows;
}
