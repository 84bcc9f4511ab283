/** The workload equity tool (Gini, CV, Lorenz). */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { baseFields, baseOutput } from '../../analytics/common';
import { equityMetrics, equityOutput, scheduledHoursPerPerson, TARGET_GINI } from '../../analytics/equity';
import type { ScheduleSnapshot } from '../../domain/snapshot';
import { boundedRecord } from '../args';
import { READ_ONLY, registerTool } from '../defineTool';
import { scope, type AnalyticsDeps } from './shared';

export function registerEquityTool(server: McpServer, deps: AnalyticsDeps): void {
  const { snapshot } = deps;
  registerTool(
    server,
    {
      name: 'calculate_equity_metrics_tool',
      title: 'Workload equity (Gini, CV, Lorenz)',
      description:
        'Gini coefficient G = ΣΣ|xi - xj| / (2n²·mean), coefficient of variation, most over/under-loaded provider and the Lorenz curve. Hours default to counted hours per active person of `role` over the range, scaled to the days each was not on a blocking absence (people absent the whole range are left out); intensity_weights multiply them.',
      input: {
        provider_hours: boundedRecord(z.number().min(0)).optional(),
        intensity_weights: boundedRecord(z.number().min(0)).optional(),
        target_gini: z.number().min(0).max(1).default(TARGET_GINI),
        role: z.enum(['resident', 'faculty', 'all']).default('resident'),
        ...scope,
      },
      output: { ...baseOutput, ...equityOutput },
      annotations: READ_ONLY,
      run(args) {
        let snap: ScheduleSnapshot | null = null;
        const missing: string[] = [];
        let hours: Map<string, number>;
        if (args.provider_hours) {
          hours = new Map(Object.entries(args.provider_hours));
        } else {
          snap = snapshot(args);
          hours = scheduledHoursPerPerson(snap, args.role === 'all' ? undefined : args.role);
        }
        if (args.intensity_weights) for (const [id, w] of Object.entries(args.intensity_weights)) if (hours.has(id)) hours.set(id, hours.get(id)! * w);
        if (hours.size < 2) missing.push(`provider_hours (${hours.size} provider(s); 2 or more needed)`);
        return { ...baseFields(snap, missing), ...equityMetrics(hours, args.target_gini) };
      },
    },
    deps.logger,
  );
}
