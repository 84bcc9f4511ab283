/** The burnout reproduction number (Rt) tool. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { baseFields, baseOutput } from '../../analytics/common';
import { INTERVENTION_LEVELS, RT_STATUSES } from '../../analytics/epidemiology';
import { burnoutRtReport } from '../../analytics/rtReport';
import { SERIES_MAX, personOrAllArg } from '../args';
import { READ_ONLY, registerTool } from '../defineTool';
import { minSharedBlocks, scope, type AnalyticsDeps } from './shared';

export function registerBurnoutRtTool(server: McpServer, deps: AnalyticsDeps): void {
  const { snapshot, network, analyzedAt } = deps;
  registerTool(
    server,
    {
      name: 'calculate_burnout_rt_tool',
      title: 'Burnout reproduction number (Rt)',
      description:
        "Rt = mean number of secondary burnout cases per index case: contacts on the co-assignment network whose recorded onset falls within time_window_days after the index case's onset. Cases default to the people recorded as burned_out in the wellbeing data; onsets always come from there. Without burnout records the result is marked low-data and rt is null.",
      input: {
        burned_out_provider_ids: z.array(personOrAllArg).max(SERIES_MAX).optional().describe('Index cases (default: burned_out people in the wellbeing data).'),
        time_window_days: z.number().int().min(1).max(365).default(28),
        min_shared_blocks: minSharedBlocks,
        ...scope,
      },
      output: {
        ...baseOutput,
        rt: z.number().nullable(),
        status: z.enum(RT_STATUSES),
        intervention_level: z.enum(INTERVENTION_LEVELS).nullable(),
        interventions: z.array(z.string()),
        herd_immunity_threshold: z.number().nullable(),
        total_cases_analyzed: z.number(),
        cases_without_onset: z.array(z.string()),
        total_close_contacts: z.number(),
        superspreaders: z.array(z.object({ provider_id: z.string(), secondary_cases: z.number(), degree: z.number(), risk_level: z.enum(['high', 'critical']) })),
        high_risk_contacts: z.array(z.string()),
        analyzed_at: z.string(),
        time_window_days: z.number(),
        severity: z.enum(['healthy', 'warning', 'critical', 'emergency', 'unknown']),
      },
      annotations: READ_ONLY,
      run(args) {
        const snap = snapshot(args);
        const { net } = network(snap, args.min_shared_blocks);
        const report = burnoutRtReport(snap, net, args.burned_out_provider_ids, args.time_window_days, analyzedAt());
        return { ...baseFields(snap, report.missing), ...report.fields };
      },
    },
    deps.logger,
  );
}
