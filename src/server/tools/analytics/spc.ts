/** Statistical process control of weekly hours: Western Electric rules and process capability. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { capabilityShape, processCapability } from '../../analytics/capability';
import { activePeople, baseFields, baseOutput } from '../../analytics/common';
import { weeklyHours } from '../../analytics/series';
import { controlLimits, controlLimitsShape, spcAlertShape, spcSeverity } from '../../analytics/spc';
import { residentWeeklySeries, spcResidents, type WeeklySeries } from '../../analytics/spcReport';
import { mean, sampleStd } from '../../analytics/stats';
import { ToolError } from '../../domain/errors';
import type { ScheduleSnapshot } from '../../domain/snapshot';
import { personOrAllArg, seriesArg } from '../args';
import { READ_ONLY, registerTool } from '../defineTool';
import { maxAlerts, mostSevere, scope, type AnalyticsDeps } from './shared';

const SPC_ORDER = ['CRITICAL', 'WARNING', 'INFO'];

export function registerSpcTool(server: McpServer, deps: AnalyticsDeps): void {
  const { snapshot } = deps;
  registerTool(
    server,
    {
      name: 'run_spc_analysis_tool',
      title: 'SPC (Western Electric) on weekly hours',
      description:
        'Western Electric rules on weekly counted hours per resident around target_hours with the given sigma (rule 1 beyond 3σ CRITICAL; rule 2 two of three beyond 2σ WARNING; rule 3 four of five beyond 1σ WARNING; rule 4 eight in a row on one side INFO, needs 8 weeks). With resident_id + weekly_hours it analyses that series.',
      input: {
        resident_id: personOrAllArg.optional().describe('One resident, or "all" / absent for every active resident.'),
        weekly_hours: seriesArg(z.number().min(0)).min(1).optional(),
        target_hours: z.number().min(0).default(60),
        sigma: z.number().positive().default(5),
        max_alerts: maxAlerts,
        ...scope,
      },
      output: {
        ...baseOutput,
        resident_id: z.string(),
        violations_detected: z.number(),
        alerts: z.array(spcAlertShape),
        alerts_truncated: z.boolean(),
        control_limits: controlLimitsShape,
        process_capability: z.object(capabilityShape).nullable(),
        weeks_analyzed: z.number(),
        mean_hours: z.number(),
        std_hours: z.number(),
        residents: z.array(
          z.object({
            resident_id: z.string(),
            weeks_analyzed: z.number(),
            mean_hours: z.number(),
            std_hours: z.number(),
            violations_detected: z.number(),
            severity: z.enum(['healthy', 'warning', 'critical']),
            weekly_hours: z.array(z.number()).describe('Counted hours of each week, in order.'),
            week_starts: z.array(z.string()).describe('Start date of each week (empty for a series the caller gave).'),
          }),
        ),
        analysis_summary: z.string(),
        recommended_actions: z.array(z.string()),
        severity: z.enum(['healthy', 'warning', 'critical']),
      },
      annotations: READ_ONLY,
      run(args) {
        const missing: string[] = [];
        let snap: ScheduleSnapshot | null = null;
        let series: WeeklySeries[];
        if (args.weekly_hours) {
          if (!args.resident_id || args.resident_id === 'all') throw new ToolError('weekly_hours needs the resident_id it belongs to');
          series = [{ id: args.resident_id, weeks: args.weekly_hours, starts: [] }];
        } else {
          snap = snapshot(args);
          series = residentWeeklySeries(snap, args.resident_id);
        }
        const weeks = series[0]?.weeks.length ?? 0;
        if (weeks < 8) missing.push(`weekly_hours (${weeks} full week(s); 8 needed for rule 4)`);
        const { alerts, residents, flagged, actions } = spcResidents(series, args.target_hours, args.sigma);
        const all = series.flatMap((s) => s.weeks);
        return {
          ...baseFields(snap, missing),
          resident_id: args.resident_id ?? 'all',
          violations_detected: alerts.length,
          alerts: mostSevere(alerts, SPC_ORDER).slice(0, args.max_alerts),
          alerts_truncated: alerts.length > args.max_alerts,
          control_limits: controlLimits(args.target_hours, args.sigma),
          process_capability:
            all.length >= 2
              ? processCapability(
                  series.map((s) => s.weeks),
                  40,
                  80,
                  args.target_hours,
                )
              : null,
          weeks_analyzed: weeks,
          mean_hours: mean(all),
          std_hours: sampleStd(all),
          residents,
          analysis_summary: `${alerts.length} rule violation(s) in ${flagged} of ${series.length} resident(s) over ${weeks} week(s).`,
          recommended_actions: actions,
          severity: spcSeverity(alerts),
        };
      },
    },
    deps.logger,
  );
}

export function registerCapabilityTool(server: McpServer, deps: AnalyticsDeps): void {
  const { snapshot } = deps;
  registerTool(
    server,
    {
      name: 'calculate_process_capability_tool',
      title: 'Process capability of weekly hours',
      description:
        "Cp = (USL-LSL)/6σw, Cpk = min(USL-μ, μ-LSL)/3σw with σw = mean moving range / 1.128 within each series, Pp and Ppk the same with the overall sample σ, Cpm = (USL-LSL)/6·sqrt(σ² + (μ-T)²), defect ppm from the normal tails. Data default to every active resident's weekly counted hours (one series per resident) against 40-80 h, target 60.",
      input: {
        data: seriesArg().min(1).optional(),
        lower_spec_limit: z.number().default(40),
        upper_spec_limit: z.number().default(80),
        target: z.number().optional(),
        ...scope,
      },
      output: { ...baseOutput, ...capabilityShape, recommendations: z.array(z.string()), severity: z.enum(['excellent', 'capable', 'marginal', 'incapable', 'unknown']) },
      annotations: READ_ONLY,
      run(args) {
        if (args.lower_spec_limit >= args.upper_spec_limit) throw new ToolError('lower_spec_limit must be below upper_spec_limit');
        let snap: ScheduleSnapshot | null = null;
        let series: number[][];
        if (args.data) series = [args.data];
        else {
          snap = snapshot(args);
          series = activePeople(snap, 'resident')
            .map((p) => weeklyHours(snap!, p.id))
            .filter((s) => s.length > 0);
        }
        const cap = processCapability(series, args.lower_spec_limit, args.upper_spec_limit, args.target ?? (args.lower_spec_limit + args.upper_spec_limit) / 2);
        const missing: string[] = [];
        if (cap.sample_size < 2) missing.push(`data (${cap.sample_size} value(s); 2 or more needed)`);
        if (cap.cpk === null && cap.sample_size >= 2) missing.push('variation (sigma is 0 or has no consecutive pairs): indices undefined');
        const recs: string[] = [];
        if (cap.cpk !== null && cap.cpk < 1)
          recs.push(`Cpk ${cap.cpk.toFixed(2)} < 1: weekly hours often fall outside ${args.lower_spec_limit}-${args.upper_spec_limit} h; reduce spread and re-center.`);
        if (cap.cp !== null && cap.cpk !== null && cap.cp - cap.cpk > 0.3) recs.push('The process is off center: shift the mean toward the target.');
        return {
          ...baseFields(snap, missing),
          ...cap,
          recommendations: recs,
          severity: cap.capability_status === null ? ('unknown' as const) : (cap.capability_status.toLowerCase() as 'excellent' | 'capable' | 'marginal' | 'incapable'),
        };
      },
    },
    deps.logger,
  );
}
