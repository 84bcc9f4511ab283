/** The creep-fatigue burnout risk tool. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { activePeople, baseFields, baseOutput } from '../../analytics/common';
import { assessCreepFatigue, creepAssessmentShape, DEFAULT_SN, LMP_THRESHOLD, SAFE_LMP } from '../../analytics/creepFatigue';
import { fullWeeks, weeklyHours } from '../../analytics/series';
import { mean } from '../../analytics/stats';
import { type AnalyticsDeps, scope } from './shared';
import { READ_ONLY, registerTool } from '../defineTool';

export function registerCreepFatigueTool(server: McpServer, deps: AnalyticsDeps): void {
  const { snapshot, analyzedAt } = deps;
  registerTool(
    server,
    {
      name: 'assess_creep_fatigue_tool',
      title: 'Creep-fatigue burnout risk',
      description:
        'Per resident over the last lookback_days of the range: Larson-Miller parameter LMP = (mean weekly hours / 80) × (10 + 25·log10(days)) (threshold 45, safe 31.5; primary < 22.5 ≤ secondary < 36 ≤ tertiary) and Miner\'s rule fatigue damage with one cycle per week (S = hours / 80, N = A·S^b, A = 1e10, b = -3); risk = 0.6·creep + 0.4·fatigue (high ≥ 2.5, moderate ≥ 1.8).',
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
        const weeksBack = Math.floor(args.lookback_days / 7);
        const missing: string[] = [];
        const residents = activePeople(snap, 'resident');
        const all = residents
          .map((p) => assessCreepFatigue(p.id, p.name, weeklyHours(snap, p.id).slice(-weeksBack), 80, DEFAULT_SN))
          .sort((a, b) => b.risk_score - a.risk_score || b.creep_analysis.larson_miller_parameter - a.creep_analysis.larson_miller_parameter || a.resident_id.localeCompare(b.resident_id));
        const weeks = Math.min(weeksBack, fullWeeks(snap.range).length);
        if (weeks < 4) missing.push(`weekly_hours (${weeks} full week(s); 4 or more wanted)`);
        const high = all.filter((a) => a.overall_risk === 'high').length;
        const moderate = all.filter((a) => a.overall_risk === 'moderate').length;
        const tertiary = all.filter((a) => a.creep_analysis.creep_stage === 'tertiary').length;
        const recs: string[] = [];
        if (tertiary > 0) recs.push(`${tertiary} resident(s) in tertiary creep: plan lighter rotations for them in the next block.`);
        if (high > 0) recs.push(`${high} resident(s) at high combined risk: reduce sustained load now.`);
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
          system_recommendations: recs,
          severity: high > 0 ? ('critical' as const) : moderate > 0 ? ('at_risk' as const) : ('healthy' as const),
        };
      },
    },
    deps.logger,
  );
}
