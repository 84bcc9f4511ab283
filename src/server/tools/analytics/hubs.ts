/** Faculty hub tools on the co-assignment network: hub centrality and the unified critical index. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { activePeople, baseFields, baseOutput, burnoutStatuses, coverageGaps, hasWellbeing, wellbeingName } from '../../analytics/common';
import { hubAnalysis, hubOutput } from '../../analytics/hub';
import { unifiedIndex, unifiedOutput } from '../../analytics/unifiedIndex';
import { READ_ONLY, registerTool } from '../defineTool';
import { minSharedBlocks, scope, type AnalyticsDeps } from './shared';

export function registerHubCentralityTool(server: McpServer, deps: AnalyticsDeps): void {
  const { snapshot, derived, network } = deps;
  registerTool(
    server,
    {
      name: 'analyze_hub_centrality_tool',
      title: 'Faculty hub centrality',
      description:
        'Faculty hubs on the co-assignment network (people linked when they worked at least min_shared_blocks blocks together): degree, betweenness (Brandes), eigenvector, PageRank and replacement difficulty, composite 0.20/0.30/0.20/0.15/0.15, risk low..catastrophic (also by services only one faculty member can cover).',
      input: { top_n: z.number().int().min(1).max(100).default(10), min_shared_blocks: minSharedBlocks, ...scope },
      output: { ...baseOutput, ...hubOutput },
      annotations: READ_ONLY,
      run(args) {
        const snap = snapshot(args);
        const { model } = derived(snap);
        const { net, cent } = network(snap, args.min_shared_blocks);
        const missing = coverageGaps(snap, model);
        if (activePeople(snap, 'faculty').length === 0) missing.push('faculty (the program has no active faculty)');
        if (net.edgeCount === 0) missing.push(`co-assignment network (no two people share ${args.min_shared_blocks} blocks)`);
        return { ...baseFields(snap, missing), ...hubAnalysis(snap, model, net, cent, args.top_n, args.min_shared_blocks) };
      },
    },
    deps.logger,
  );
}

export function registerUnifiedIndexTool(server: McpServer, deps: AnalyticsDeps): void {
  const { snapshot, derived, network, analyzedAt } = deps;
  registerTool(
    server,
    {
      name: 'get_unified_critical_index_tool',
      title: 'Unified critical index',
      description:
        'Per faculty member: contingency = min(1, (0.3·blocks nobody else can cover + 0.1·blocks falling short without them) / their required blocks); hub = 0.25 degree + 0.35 betweenness + 0.25 eigenvector + 0.15 PageRank; epidemiology = 0.4 degree + 0.4 betweenness (×1.5 if burned out or at risk). Min-max normalised across faculty, composite 0.40/0.35/0.25, risk patterns and interventions; overall_index = 100 × mean of the top 5 composites (critical ≥ 70, high ≥ 50, moderate ≥ 30).',
      input: { include_details: z.boolean().default(true), top_n: z.number().int().min(1).max(100).default(5), min_shared_blocks: minSharedBlocks, ...scope },
      output: { ...baseOutput, ...unifiedOutput },
      annotations: READ_ONLY,
      run(args) {
        const snap = snapshot(args);
        const { model } = derived(snap);
        const { net, cent } = network(snap, args.min_shared_blocks);
        const missing = coverageGaps(snap, model);
        const hasBurnout = hasWellbeing(snap, 'burnout');
        if (!hasBurnout) missing.push(wellbeingName('burnout'));
        if (net.edgeCount === 0) missing.push(`co-assignment network (no two people share ${args.min_shared_blocks} blocks)`);
        const statuses = new Map([...burnoutStatuses(snap)].map(([id, r]) => [id, r.status]));
        const result = unifiedIndex({ snapshot: snap, model, net, cent, burnout: statuses, hasBurnoutData: hasBurnout }, args.top_n, args.include_details);
        if (result.risk_level === 'insufficient_data') missing.push('faculty or assignments (2 faculty and 10 assignments needed)');
        // No history store: a trend would need earlier indices.
        return { ...baseFields(snap, missing), analyzed_at: analyzedAt(), ...result, trend: 'unknown' };
      },
    },
    deps.logger,
  );
}
