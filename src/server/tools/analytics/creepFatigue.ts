/** The creep-fatigue burnout risk tool. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { baseFields, baseOutput } from '../../analytics/common';
import { creepAssessmentShape, LMP_THRESHOLD, SAFE_LMP } from '../../analytics/creepFatigue';
import { creepReport } from '../../analytics/creepReport';
import { mean } from '../../analytics/stats';
import { READ_ONLY, registerTool } from '../defineTool';
import { scope, type AnalyticsDeps } from './shared';

export function registerCreepFatigueTool(server: McpServer, deps: AnalyticsDeps): void {
  const { snapshot, analyzedAt } = deps;
  registerTool(
    server,
    {
      name: 'assess_creep_fatigue_tool',
      title: 'Creep-fatigue burnout risk',
      description:
        "Per resident over the last lookback_days of the range: Larson-Miller parameter LMP = (mean weekly hours / 80) × (10 + 25·log10(days)) (threshold 45, safe 31.5; primary < 22.5 ≤ secondary < 36 ≤ tertiary) and Miner's rule fatigue damage with one cycle per week (S = hours / 80, N = A·S^b, A = 1e10, b = -3); risk = 0.6·creep + 0.4·fatigue (high ≥ 2.5, moderate ≥ 1.8).",
      input: {
        include_assessments: z.boolean().default(true),
        top_n: z.number().int().min(1).max(200).default(10),
        lookback_days: z.number().int().min(7).max(365).default(90),
        ...scope,
      },
      output: {
        ...baseOutput,
        analyzed_at: z.string(),
        residents_analyzed: z.number(),
        high_risk_count: z.number(),
        moderate_risk_count: z.number(),
        tertiary_creep_count: z.number(),
        average_lmp: z.number(),
        average_remaining_life: z.number(),
        lmp_threshold: z.number(),
        safe_lmp: z.number(),
        assessments: z.array(creepAssessmentShape),
        system_recommendations: z.array(z.string()),
        severity: z.enum(['healthy', 'at_risk', 'critical']),
      },
      annotations: READ_ONLY,
      run(args) {
        const snap = snapshot(args);
        const r = creepReport(snap, args.lookback_days);
        const { high, moderate, tertiary } = r;
        const all = r.assessments;
        const missing = r.weeks < 4 ? [`weekly_hours (${r.weeks} full week(s); 4 or more wanted)`] : [];
        return {
          ...baseFields(snap, missing),
          analyzed_at: analyzedAt(),
          residents_analyzed: all.length,
          high_risk_count: high,
          moderate_risk_count: moderate,
          tertiary_creep_count: tertiary,
          average_lmp: mean(all.map((a) => a.creep_analysis.larson_miller_parameter)),
          average_remaining_life: mean(all.map((a) => a.fatigue_analysis.remaining_life_fraction)),
          lmp_threshold: LMP_THRESHOLD,
          safe_lmp: SAFE_LMP,
          assessments: args.include_assessments ? all.slice(0, args.top_n) : [],
          system_recommendations: r.recommendations,
          severity: high > 0 ? ('critical' as const) : moderate > 0 ? ('at_risk' as const) : ('healthy' as const),
        };
      },
    },
    deps.logger,
  );
}
