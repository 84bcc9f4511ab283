/** The burnout fire danger index tool. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { baseFields, baseOutput } from '../../analytics/common';
import { scheduleFireEntries } from '../../analytics/fireAssessment';
import { fireEntry, fireEntryShape } from '../../analytics/fireDanger';
import { ToolError } from '../../domain/errors';
import type { ScheduleSnapshot } from '../../domain/snapshot';
import { personOrAllArg } from '../args';
import { READ_ONLY, registerTool } from '../defineTool';
import { scope, type AnalyticsDeps } from './shared';

export function registerFireDangerTool(server: McpServer, deps: AnalyticsDeps): void {
  const { snapshot } = deps;
  registerTool(
    server,
    {
      name: 'calculate_fire_danger_index_tool',
      title: 'Burnout fire danger index',
      description:
        'CFFDRS-style burnout fire weather index per resident: recent_hours = hours in the last 14 days of the range, monthly_load = hours per 30 days over the last 90 days (or the range, if shorter), workload_velocity = slope of the last 4 weekly totals, yearly_satisfaction = mean survey score of the past year from the wellbeing data. Values you pass replace the derived ones. Without a satisfaction score DC, BUI and FWI are null and the result is low-data. Top-level fields describe the resident with the highest index.',
      input: {
        resident_id: personOrAllArg.optional(),
        recent_hours: z.number().min(0).optional(),
        monthly_load: z.number().min(0).optional(),
        yearly_satisfaction: z.number().min(0).max(1).optional(),
        workload_velocity: z.number().optional(),
        ...scope,
      },
      output: { ...baseOutput, ...fireEntryShape.shape, residents_analyzed: z.number(), high_danger_count: z.number(), assessments: z.array(fireEntryShape) },
      annotations: READ_ONLY,
      run(args) {
        const missing: string[] = [];
        const callerComplete = args.resident_id !== undefined && args.recent_hours !== undefined && args.monthly_load !== undefined && args.yearly_satisfaction !== undefined;
        let snap: ScheduleSnapshot | null = null;
        const entries = [];
        if (callerComplete) {
          entries.push(
            fireEntry(args.resident_id!, {
              recentHours: args.recent_hours!,
              monthlyLoad: args.monthly_load!,
              yearlySatisfaction: args.yearly_satisfaction!,
              workloadVelocity: args.workload_velocity ?? 0,
            }),
          );
        } else {
          snap = snapshot(args);
          const derived = scheduleFireEntries(snap, args.resident_id, {
            ...(args.recent_hours !== undefined ? { recentHours: args.recent_hours } : {}),
            ...(args.monthly_load !== undefined ? { monthlyLoad: args.monthly_load } : {}),
            ...(args.yearly_satisfaction !== undefined ? { yearlySatisfaction: args.yearly_satisfaction } : {}),
            ...(args.workload_velocity !== undefined ? { workloadVelocity: args.workload_velocity } : {}),
          });
          entries.push(...derived.entries);
          missing.push(...derived.missing);
        }
        entries.sort((a, b) => (b.fwi_score ?? -1) - (a.fwi_score ?? -1) || a.resident_id.localeCompare(b.resident_id));
        const top = entries[0];
        if (!top) throw new ToolError('the program has no active resident to assess', 'NOT_FOUND');
        return {
          ...baseFields(snap, missing),
          ...top,
          residents_analyzed: entries.length,
          high_danger_count: entries.filter((e) => e.danger_class === 'high' || e.danger_class === 'very_high' || e.danger_class === 'extreme').length,
          assessments: entries,
        };
      },
    },
    deps.logger,
  );
}
