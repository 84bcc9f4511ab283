/** The workload trend tool (Kalman filter). */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { baseFields, baseOutput } from '../../analytics/common';
import { band, kalmanTrend, smoothness, trendAssessment, trendOutput, type KalmanParams } from '../../analytics/trend';
import { residentTrends } from '../../analytics/trendReport';
import type { ScheduleSnapshot } from '../../domain/snapshot';
import { seriesArg } from '../args';
import { READ_ONLY, registerTool } from '../defineTool';
import { scope, type AnalyticsDeps } from './shared';

export function registerTrendTool(server: McpServer, deps: AnalyticsDeps): void {
  const { snapshot, analyzedAt } = deps;
  registerTool(
    server,
    {
      name: 'analyze_workload_trend_tool',
      title: 'Workload trend (Kalman filter)',
      description:
        'Local-linear-trend Kalman filter (level and weekly slope) over weekly hours, with filtered values, 95 % bands, a forecast of prediction_steps weeks and a trend assessment (slope beyond ±1 h/week per week). Top level: the mean weekly hours of active residents (or workload_history if you pass it); per_person: each resident.',
      input: {
        workload_history: seriesArg().min(1).optional(),
        process_noise: z.number().positive().default(0.1),
        measurement_noise: z.number().positive().default(1),
        initial_estimate: z.number().optional(),
        initial_error: z.number().positive().default(1),
        prediction_steps: z.number().int().min(0).max(52).default(4),
        ...scope,
      },
      output: { ...baseOutput, analyzed_at: z.string(), ...trendOutput },
      annotations: READ_ONLY,
      run(args) {
        const params: KalmanParams = {
          processNoise: args.process_noise,
          measurementNoise: args.measurement_noise,
          initialEstimate: args.initial_estimate ?? null,
          initialError: args.initial_error,
          predictionSteps: args.prediction_steps,
        };
        const missing: string[] = [];
        let snap: ScheduleSnapshot | null = null;
        let label = 'workload_history';
        let series: number[];
        let starts: string[] = [];
        let perPerson: ReturnType<typeof residentTrends>['perPerson'] = [];
        if (args.workload_history) series = args.workload_history;
        else {
          snap = snapshot(args);
          ({ series, starts, perPerson } = residentTrends(snap, params));
          label = 'mean weekly hours of active residents';
        }
        if (series.length < 4) missing.push(`weekly hours (${series.length} week(s); 4 or more needed for a trend)`);
        const k = kalmanTrend(series, params);
        const slope = k.slope[k.slope.length - 1] ?? 0;
        return {
          ...baseFields(snap, missing),
          analyzed_at: analyzedAt(),
          series_label: label,
          observations: series,
          filtered_workload: k.level,
          confidence_intervals: k.level.map((l, i) => band(l, k.levelVariance[i]!)),
          predictions: k.predictions,
          prediction_confidence: k.predictions.map((p, i) => band(p, k.predictionVariance[i]!)),
          kalman_gain_history: k.gain,
          trend_slope: slope,
          trend_assessment: series.length < 4 ? ('insufficient_data' as const) : trendAssessment(slope),
          smoothness_score: smoothness(series),
          parameters: {
            process_noise: params.processNoise,
            measurement_noise: params.measurementNoise,
            initial_estimate: params.initialEstimate,
            initial_error: params.initialError,
            prediction_steps: params.predictionSteps,
          },
          metadata: { model: 'local linear trend Kalman filter (level + slope, weekly steps)', observations: series.length, week_starts: starts },
          per_person: perPerson,
        };
      },
    },
    deps.logger,
  );
}
