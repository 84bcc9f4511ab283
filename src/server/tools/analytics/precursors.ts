/** Burnout precursor tools: STA/LTA triggers per signal and the combined burnout magnitude. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { baseFields, baseOutput } from '../../analytics/common';
import { precursorFollowUp, scanSchedulePrecursors, scheduleMagnitudes, type PrecursorScan } from '../../analytics/precursorScan';
import { detectPrecursors, magnitudeEntryShape, PRECURSOR_SIGNALS, precursorAlertShape, predictMagnitude, type MagnitudeEntry } from '../../analytics/precursors';
import { ToolError } from '../../domain/errors';
import type { ScheduleSnapshot } from '../../domain/snapshot';
import { boundedRecord, personOrAllArg, seriesArg } from '../args';
import { READ_ONLY, registerTool } from '../defineTool';
import { checkWindows, maxAlerts, mostSevere, scope, type AnalyticsDeps } from './shared';

const PRECURSOR_ORDER = ['critical', 'elevated', 'warning'];

export function registerPrecursorsTool(server: McpServer, deps: AnalyticsDeps): void {
  const { snapshot } = deps;
  registerTool(
    server,
    {
      name: 'detect_burnout_precursors_tool',
      title: 'Burnout precursors (STA/LTA)',
      description:
        'Seismic STA/LTA early warning on per-resident daily signals: swap_requests and sick_calls from the wellbeing data, daily_hours from the schedule (one sample per day; trigger at ratio >= 2.5, release at <= 1.0; magnitude 0-10 = 10·log10(ratio)). With resident_id + signal_type + time_series it analyses that series instead (trigger windows are then sample indices).',
      input: {
        resident_id: personOrAllArg.optional().describe('One resident, or "all" / absent for every active resident.'),
        signal_type: z.enum(PRECURSOR_SIGNALS).optional().describe('One signal (default: swap_requests, sick_calls and daily_hours).'),
        time_series: seriesArg().min(1).optional().describe('Your own series for resident_id and signal_type.'),
        short_window: z.number().int().min(2).default(5),
        long_window: z.number().int().min(5).default(30),
        max_alerts: maxAlerts,
        ...scope,
      },
      output: {
        ...baseOutput,
        resident_id: z.string(),
        signal_type: z.string(),
        residents_analyzed: z.number(),
        signals_analyzed: z.array(z.string()),
        alerts_detected: z.number(),
        alerts: z.array(precursorAlertShape),
        alerts_truncated: z.boolean(),
        max_sta_lta_ratio: z.number(),
        analysis_summary: z.string(),
        recommended_actions: z.array(z.string()),
        severity: z.enum(['healthy', 'warning', 'elevated', 'critical']),
      },
      annotations: READ_ONLY,
      run(args) {
        checkWindows(args.short_window, args.long_window);
        let snap: ScheduleSnapshot | null = null;
        let scan: PrecursorScan;
        if (args.time_series) {
          if (!args.resident_id || !args.signal_type) throw new ToolError('time_series needs resident_id and signal_type');
          const r = detectPrecursors(
            args.resident_id,
            args.signal_type,
            args.time_series,
            args.time_series.map((_, i) => String(i)),
            args.short_window,
            args.long_window,
          );
          const missing = args.time_series.length < args.long_window ? [`time_series (${args.time_series.length} samples, long_window ${args.long_window} needed)`] : [];
          scan = { alerts: r.alerts, maxRatio: r.maxRatio, residents: 1, signals: [args.signal_type], missing };
        } else {
          snap = snapshot(args);
          scan = scanSchedulePrecursors(snap, args.resident_id, args.signal_type, args.short_window, args.long_window);
        }
        const { alerts, maxRatio, residents, signals, missing } = scan;
        const { worst, flagged, actions } = precursorFollowUp(alerts);
        return {
          ...baseFields(snap, missing),
          resident_id: args.resident_id ?? 'all',
          signal_type: args.signal_type ?? 'all',
          residents_analyzed: residents,
          signals_analyzed: signals,
          alerts_detected: alerts.length,
          alerts: mostSevere(alerts, PRECURSOR_ORDER).slice(0, args.max_alerts),
          alerts_truncated: alerts.length > args.max_alerts,
          max_sta_lta_ratio: maxRatio,
          analysis_summary: `${alerts.length} trigger(s) in ${flagged.length} of ${residents} resident(s) across ${signals.join(', ') || 'no signal'}; max STA/LTA ${maxRatio.toFixed(2)}.`,
          recommended_actions: actions,
          severity: worst,
        };
      },
    },
    deps.logger,
  );
}

export function registerMagnitudeTool(server: McpServer, deps: AnalyticsDeps): void {
  const { snapshot } = deps;
  registerTool(
    server,
    {
      name: 'predict_burnout_magnitude_tool',
      title: 'Burnout magnitude from several precursors',
      description:
        'Combines precursor signals into a 0-10 magnitude per resident: per signal 10·log10 of the largest STA/LTA ratio in the last long_window samples, combined as the root-sum-square (capped at 10). Signals default to swap_requests and sick_calls (wellbeing) and daily_hours (schedule). With resident_id + signals it uses your series. Top-level fields describe the resident with the highest magnitude.',
      input: {
        resident_id: personOrAllArg.optional(),
        signals: boundedRecord(seriesArg(), 20).optional(),
        short_window: z.number().int().min(2).default(5),
        long_window: z.number().int().min(5).default(30),
        ...scope,
      },
      output: { ...baseOutput, ...magnitudeEntryShape.shape, residents_analyzed: z.number(), predictions: z.array(magnitudeEntryShape) },
      annotations: READ_ONLY,
      run(args) {
        checkWindows(args.short_window, args.long_window);
        const missing: string[] = [];
        let snap: ScheduleSnapshot | null = null;
        let predictions: MagnitudeEntry[];
        if (args.signals) {
          if (!args.resident_id || args.resident_id === 'all') throw new ToolError('signals need the resident_id they belong to');
          for (const [name, s] of Object.entries(args.signals))
            if (s.length < args.long_window) missing.push(`${name} (${s.length} samples, long_window ${args.long_window} needed)`);
          predictions = [predictMagnitude(args.resident_id, args.signals, args.short_window, args.long_window)];
        } else {
          snap = snapshot(args);
          const scan = scheduleMagnitudes(snap, args.resident_id, args.short_window, args.long_window);
          predictions = scan.predictions;
          missing.push(...scan.missing);
        }
        predictions.sort((a, b) => b.predicted_magnitude - a.predicted_magnitude || a.resident_id.localeCompare(b.resident_id));
        const top = predictions[0];
        if (!top) throw new ToolError('the program has no active resident to assess', 'NOT_FOUND');
        return { ...baseFields(snap, missing), ...top, residents_analyzed: predictions.length, predictions };
      },
    },
    deps.logger,
  );
}
