/** The supply and demand cycles tool. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { baseFields, baseOutput } from '../../analytics/common';
import { supplyDemandCycles, supplyDemandOutput } from '../../analytics/supplyDemand';
import { READ_ONLY, registerTool } from '../defineTool';
import { scope, type AnalyticsDeps } from './shared';

export function registerSupplyDemandTool(server: McpServer, deps: AnalyticsDeps): void {
  const { snapshot, analyzedAt } = deps;
  registerTool(
    server,
    {
      name: 'analyze_supply_demand_cycles_tool',
      title: 'Supply and demand cycles',
      description:
        "Weekly capacity (80 h per active person, scaled by the days not on a blocking absence) against demand (required people per slot × the shift's counted hours) and scheduled hours; utilization = demand / capacity with the utilization levels GREEN < 0.70 ≤ YELLOW < 0.80 ≤ ORANGE < 0.90 ≤ RED < 0.95 ≤ BLACK. Cycle analysis: AR(1) fit (stability), autocorrelation peak (cycle length, 6+ weeks needed); the next prediction_days are projected from the coverage rules and recorded absences.",
      input: { prediction_days: z.number().int().min(0).max(365).default(90), ...scope },
      output: { ...baseOutput, ...supplyDemandOutput },
      annotations: READ_ONLY,
      run(args) {
        const snap = snapshot(args);
        const result = supplyDemandCycles(snap, args.prediction_days);
        const missing: string[] = [];
        if (snap.coverage.length === 0) missing.push('coverage rules (the program defines no demand)');
        if (result.system_stability === 'insufficient_data') missing.push(`weeks in range (${result.data_points}; 6 needed for cycle analysis)`);
        return { ...baseFields(snap, missing), analyzed_at: analyzedAt(), ...result };
      },
    },
    deps.logger,
  );
}
