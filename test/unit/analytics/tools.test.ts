/**
 * The analytics tools through a real MCP client over an in-memory transport, against an
 * McpServer built here with a ToolContext serving the fixture program (no store needed).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolContext } from '../../../src/server/tools/context';
import { registerAnalyticsTools } from '../../../src/server/tools/analytics';
import { fixtureContext, fixtureWellbeing, spofInput } from '../../support/analytics/fixtures';

const TOOLS = [
  'calculate_blast_radius_tool',
  'execute_sacrifice_hierarchy_tool',
  'calculate_recovery_distance_tool',
  'analyze_hub_centrality_tool',
  'calculate_burnout_rt_tool',
  'simulate_burnout_contagion_tool',
  'detect_burnout_precursors_tool',
  'run_spc_analysis_tool',
  'calculate_fire_danger_index_tool',
  'predict_burnout_magnitude_tool',
  'assess_creep_fatigue_tool',
  'calculate_equity_metrics_tool',
  'calculate_process_capability_tool',
  'get_unified_critical_index_tool',
  'analyze_workload_trend_tool',
  'analyze_supply_demand_cycles_tool',
];

/** Minimal arguments per tool: nothing, except the sacrifice level that has no default. */
const MINIMAL: Record<string, Record<string, unknown>> = { execute_sacrifice_hierarchy_tool: { target_level: 'red' } };

async function connect(ctx: ToolContext): Promise<{ client: Client; close(): Promise<void> }> {
  const server = new McpServer({ name: 'analytics-test', version: '0.0.0' });
  registerAnalyticsTools(server, ctx);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'analytics-test-client', version: '0.0.0' });
  await client.connect(clientSide);
  return {
    client,
    async close() {
      await client.close();
      await server.close();
    },
  };
}

interface Structured {
  [key: string]: unknown;
  schedule_id: string | null;
  data_version: number | null;
  data_quality: { low_data: boolean; missing_inputs: string[] };
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<Structured> {
  const r = await client.callTool({ name, arguments: args });
  assert.notEqual(r.isError, true, `${name} failed: ${JSON.stringify(r.content)}`);
  return r.structuredContent as Structured;
}

async function callError(client: Client, name: string, args: Record<string, unknown>): Promise<string> {
  const r = await client.callTool({ name, arguments: args });
  assert.equal(r.isError, true, `${name} should have failed`);
  return (r.content as { text: string }[])[0]!.text;
}

describe('analytics tools over MCP', () => {
  it('lists every tool as read-only with an output schema', async () => {
    const { client, close } = await connect(fixtureContext(spofInput(fixtureWellbeing())));
    try {
      const { tools } = await client.listTools();
      const names = tools.map((t) => t.name);
      for (const name of TOOLS) {
        const tool = tools.find((t) => t.name === name);
        assert.ok(tool, `${name} is registered`);
        assert.equal(tool.annotations?.readOnlyHint, true, name);
        assert.ok(tool.outputSchema, name);
      }
      assert.equal(names.length, TOOLS.length);
    } finally {
      await close();
    }
  });

  it('every tool answers with only the minimal arguments, with schedule id and data version', async () => {
    const { client, close } = await connect(fixtureContext(spofInput(fixtureWellbeing())));
    try {
      for (const name of TOOLS) {
        const r = await call(client, name, MINIMAL[name]);
        assert.equal(r.schedule_id, 'sched-1', name);
        assert.equal(r.data_version, 7, name);
        assert.equal(r.data_source, 'schedule', name);
      }
    } finally {
      await close();
    }
  });

  it('a date range narrows the analysis', async () => {
    const { client, close } = await connect(fixtureContext(spofInput(fixtureWellbeing())));
    try {
      const r = await call(client, 'run_spc_analysis_tool', { start_date: '2027-01-04', end_date: '2027-01-17' });
      assert.equal(r.period_start, '2027-01-04');
      assert.equal(r.period_end, '2027-01-17');
      assert.equal(r.weeks_analyzed, 2);
      // Rule 4 needs 8 weekly points.
      assert.equal(r.data_quality.low_data, true);
    } finally {
      await close();
    }
  });

  it('the single point of failure tops blast radius, hub centrality and the unified index', async () => {
    const { client, close } = await connect(fixtureContext(spofInput(fixtureWellbeing())));
    try {
      const blast = await call(client, 'calculate_blast_radius_tool');
      assert.deepEqual(blast.single_points_of_failure, ['F1']);
      assert.equal((blast.person_impacts as { person_id: string }[])[0]!.person_id, 'F1');
      const hub = await call(client, 'analyze_hub_centrality_tool');
      assert.equal((hub.top_hubs as { faculty_id: string }[])[0]!.faculty_id, 'F1');
      const unified = await call(client, 'get_unified_critical_index_tool', { top_n: 3 });
      const top = unified.top_critical_faculty as { faculty_id: string; risk_pattern: string }[];
      assert.equal(top.length, 3);
      assert.equal(top[0]!.faculty_id, 'F1');
      assert.equal(unified.universal_critical_count, 1);
      assert.equal(unified.data_quality.low_data, false);
      const recovery = await call(client, 'calculate_recovery_distance_tool', { max_events: 3 });
      assert.equal(recovery.events_tested, 3);
      assert.equal(recovery.infeasible_count, 1);
    } finally {
      await close();
    }
  });

  it('Rt from recorded onsets over the contact network', async () => {
    const { client, close } = await connect(fixtureContext(spofInput(fixtureWellbeing())));
    try {
      // Cases F1 (onset 5 Jan) and R1 (10 Jan). F1's contacts R1 (+5 d) and R2 (at risk, +15 d)
      // are secondary cases; R1's contact R2 (+10 d) is one: Rt = (2 + 1) / 2.
      const r = await call(client, 'calculate_burnout_rt_tool');
      assert.equal(r.rt, 1.5);
      assert.equal(r.status, 'spreading');
      assert.equal(r.intervention_level, 'moderate');
      assert.equal(r.total_cases_analyzed, 2);
      assert.equal(r.severity, 'warning');
      assert.equal(r.data_quality.low_data, false);
      const narrow = await call(client, 'calculate_burnout_rt_tool', { time_window_days: 7 });
      assert.equal(narrow.rt, 0.5); // only F1 → R1 (+5 d) is within 7 days
    } finally {
      await close();
    }
  });

  it('without wellbeing data the tools say which inputs are missing and invent nothing', async () => {
    const { client, close } = await connect(fixtureContext(spofInput()));
    try {
      const rt = await call(client, 'calculate_burnout_rt_tool');
      assert.equal(rt.data_quality.low_data, true);
      assert.deepEqual(rt.data_quality.missing_inputs, ['wellbeing.burnout']);
      assert.equal(rt.rt, null);
      assert.equal(rt.status, 'insufficient_data');
      const contagion = await call(client, 'simulate_burnout_contagion_tool');
      assert.ok(contagion.data_quality.missing_inputs.includes('wellbeing.burnout'));
      // The fixture spans 28 days: a 20-day long window fits.
      const precursors = await call(client, 'detect_burnout_precursors_tool', { long_window: 20 });
      assert.deepEqual(precursors.data_quality.missing_inputs, ['wellbeing.swapRequests', 'wellbeing.sickCalls']);
      assert.deepEqual(precursors.signals_analyzed, ['daily_hours']);
      const fire = await call(client, 'calculate_fire_danger_index_tool');
      assert.deepEqual(fire.data_quality.missing_inputs, ['wellbeing.surveys']);
      assert.equal(fire.fwi_score, null);
      assert.equal(fire.danger_class, null);
      const magnitude = await call(client, 'predict_burnout_magnitude_tool', { long_window: 20 });
      assert.deepEqual(magnitude.data_quality.missing_inputs, ['wellbeing.swapRequests', 'wellbeing.sickCalls']);
      assert.equal(magnitude.confidence_level, 'low');
      const unified = await call(client, 'get_unified_critical_index_tool');
      assert.ok(unified.data_quality.missing_inputs.includes('wellbeing.burnout'));
      // Schedule-only tools stay complete.
      const hub = await call(client, 'analyze_hub_centrality_tool');
      assert.equal(hub.data_quality.low_data, false);
    } finally {
      await close();
    }
  });

  it('wellbeing signals drive precursors and fire danger when present', async () => {
    const { client, close } = await connect(fixtureContext(spofInput(fixtureWellbeing())));
    try {
      const p = await call(client, 'detect_burnout_precursors_tool', { signal_type: 'swap_requests', long_window: 20 });
      const alerts = p.alerts as { resident_id: string; signal_type: string }[];
      assert.ok(alerts.length > 0);
      assert.ok(alerts.every((a) => a.resident_id === 'R1' && a.signal_type === 'swap_requests'));
      assert.equal(p.data_quality.low_data, false);
      const fire = await call(client, 'calculate_fire_danger_index_tool', { resident_id: 'R1' });
      assert.equal(fire.resident_id, 'R1');
      assert.equal(typeof fire.fwi_score, 'number');
      assert.equal((fire.inputs as { yearly_satisfaction: number }).yearly_satisfaction, 0.5);
    } finally {
      await close();
    }
  });

  it('equity defaults to resident hours scaled to the days each was available', async () => {
    // Residents work 15, 15, 15, 10, 15 and 10 ten-hour weekdays: 150, 150, 150, 100, 150, 100 h.
    // Sorted weights (2i - n - 1) = -5, -3, -1, 1, 3, 5 → Σ = 400; G = 400 / (6 · 800) = 1/12.
    const plain = await connect(fixtureContext(spofInput()));
    try {
      const r = await call(plain.client, 'calculate_equity_metrics_tool');
      assert.ok(Math.abs((r.gini_coefficient as number) - 1 / 12) < 1e-12);
      assert.equal(r.provider_count, 6);
    } finally {
      await plain.close();
    }
    // R4 on leave for a week (not working then): 100 h over 21 of 28 days counts as 133.3 h.
    const input = spofInput();
    input.absences = [{ id: 'leave', personId: 'R4', type: 'vacation', start: '2027-01-18', end: '2027-01-24' }];
    const away = await connect(fixtureContext(input));
    try {
      const r = await call(away.client, 'calculate_equity_metrics_tool');
      assert.equal(r.min_hours, 100);
      assert.equal(r.most_underloaded_provider, 'R6');
      assert.ok(Math.abs((r.mean_hours as number) - (150 * 4 + 100 + (100 * 28) / 21) / 6) < 1e-9);
    } finally {
      await away.close();
    }
  });

  it('caller-supplied series are analysed without reading the schedule', async () => {
    const ctx = fixtureContext(spofInput());
    const { client, close } = await connect({ ...ctx, snapshot: () => assert.fail('the schedule should not be read') });
    try {
      const spc = await call(client, 'run_spc_analysis_tool', { resident_id: 'X', weekly_hours: [60, 80] });
      assert.equal(spc.data_source, 'caller');
      assert.equal(spc.schedule_id, null);
      assert.equal(spc.violations_detected, 1);
      // Three points beyond 3σ and one "2 of 3 beyond 2σ" pattern; only the worst alert is listed.
      const capped = await call(client, 'run_spc_analysis_tool', { resident_id: 'X', weekly_hours: [80, 80, 80], max_alerts: 1 });
      assert.equal(capped.violations_detected, 4);
      assert.equal((capped.alerts as { rule: string }[]).length, 1);
      assert.equal((capped.alerts as { rule: string }[])[0]!.rule, 'Rule 1');
      assert.equal(capped.alerts_truncated, true);
      const cap = await call(client, 'calculate_process_capability_tool', { data: [50, 60, 70] });
      assert.equal(cap.sample_size, 3);
      const eq = await call(client, 'calculate_equity_metrics_tool', { provider_hours: { a: 10, b: 20, c: 30, d: 40 } });
      assert.equal(eq.gini_coefficient, 0.25);
      const fire = await call(client, 'calculate_fire_danger_index_tool', {
        resident_id: 'X',
        recent_hours: 90,
        monthly_load: 300,
        yearly_satisfaction: 0.6,
        workload_velocity: 5,
      });
      assert.equal(fire.danger_class, 'high');
      const trend = await call(client, 'analyze_workload_trend_tool', { workload_history: [50, 52, 54, 56, 58, 60], prediction_steps: 2 });
      assert.equal((trend.predictions as number[]).length, 2);
      assert.equal(trend.trend_assessment, 'increasing');
      const prec = await call(client, 'detect_burnout_precursors_tool', {
        resident_id: 'X',
        signal_type: 'sick_calls',
        time_series: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 5, 5, 0, 0, 0],
        short_window: 2,
        long_window: 10,
      });
      assert.equal(prec.alerts_detected, 1);
      const mag = await call(client, 'predict_burnout_magnitude_tool', { resident_id: 'X', signals: { a: [0, 0, 0, 0, 0, 0, 0, 0, 0, 1] }, short_window: 2, long_window: 10 });
      assert.equal(mag.predicted_magnitude, 10 * Math.log10(5));
    } finally {
      await close();
    }
  });

  it('bad input is refused with a clear error and nothing computed', async () => {
    const { client, close } = await connect(fixtureContext(spofInput(fixtureWellbeing())));
    try {
      assert.match(await callError(client, 'execute_sacrifice_hierarchy_tool', { target_level: 'red', simulate_only: false }), /APPROVAL_REQUIRED/);
      assert.match(await callError(client, 'calculate_burnout_rt_tool', { burned_out_provider_ids: ['nobody'] }), /NOT_FOUND.*nobody/);
      assert.match(await callError(client, 'calculate_blast_radius_tool', { check_all_zones: false }), /zone_id/);
      assert.match(await callError(client, 'calculate_process_capability_tool', { lower_spec_limit: 80, upper_spec_limit: 40 }), /lower_spec_limit/);
      assert.match(await callError(client, 'detect_burnout_precursors_tool', { short_window: 10, long_window: 10 }), /long_window/);
      assert.match(await callError(client, 'run_spc_analysis_tool', { schedule_id: 'other' }), /NOT_FOUND/);
      assert.match(await callError(client, 'execute_sacrifice_hierarchy_tool', { target_level: 'LEVEL_3' }), /target_level|Invalid/i);
    } finally {
      await close();
    }
  });

  it('long tools report progress and stop when cancelled', async () => {
    const { client, close } = await connect(fixtureContext(spofInput(fixtureWellbeing())));
    try {
      const seen: number[] = [];
      await client.callTool({ name: 'calculate_recovery_distance_tool', arguments: { max_events: 5 } }, undefined, { onprogress: (p) => seen.push(p.progress) });
      assert.deepEqual(seen, [0, 1, 2, 3, 4, 5]);
      const controller = new AbortController();
      const pending = client.callTool({ name: 'simulate_burnout_contagion_tool', arguments: { monte_carlo_runs: 200, simulation_iterations: 500 } }, undefined, {
        signal: controller.signal,
        onprogress: () => controller.abort(),
      });
      await assert.rejects(pending);
      // The connection stays usable after a cancelled call.
      const r = await call(client, 'calculate_equity_metrics_tool');
      assert.equal(r.schedule_id, 'sched-1');
    } finally {
      await close();
    }
  });
});
