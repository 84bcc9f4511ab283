/** The burnout contagion (SIS) simulation tool. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { baseFields, baseOutput } from '../../analytics/common';
import { contagionScores } from '../../analytics/contagionScores';
import { burnoutContagion, contagionOutput } from '../../analytics/epidemiology';
import { READ_ONLY, registerTool } from '../defineTool';
import { checkpointFor, minSharedBlocks, scope, type AnalyticsDeps } from './shared';

export function registerContagionTool(server: McpServer, deps: AnalyticsDeps): void {
  const { snapshot, network, analyzedAt } = deps;
  registerTool(
    server,
    {
      name: 'simulate_burnout_contagion_tool',
      title: 'Burnout contagion (SIS) simulation',
      description:
        "SIS diffusion of burnout over the real co-assignment network (seeded, averaged over monte_carlo_runs runs), with superspreaders (burnout × degree centrality) and interventions sized by counterfactual runs that remove one burned-out person's co-assignments. Scores default to the wellbeing data (burned_out 1.0, at_risk 0.25, healthy 0). Reports progress and honours cancellation.",
      input: {
        provider_burnout_scores: z.record(z.string(), z.number().min(0).max(1)).optional().describe('Burnout score 0-1 per person (>= 0.5 counts as burned out).'),
        infection_rate: z.number().min(0).max(1).default(0.05),
        recovery_rate: z.number().min(0).max(1).default(0.01),
        simulation_iterations: z.number().int().min(1).max(1000).default(50),
        max_interventions: z.number().int().min(0).max(50).default(10),
        monte_carlo_runs: z.number().int().min(1).max(500).default(20),
        seed: z.number().int().default(1),
        min_shared_blocks: minSharedBlocks,
        ...scope,
      },
      output: { ...baseOutput, ...contagionOutput },
      annotations: READ_ONLY,
      async run(args, call) {
        const snap = snapshot(args);
        const { net, cent } = network(snap, args.min_shared_blocks);
        const { scores, missing, warnings } = contagionScores(snap, net, args.provider_burnout_scores, args.min_shared_blocks);
        const result = await burnoutContagion({
          net,
          degree: cent.degree,
          scores,
          params: { infectionRate: args.infection_rate, recoveryRate: args.recovery_rate, iterations: args.simulation_iterations, runs: args.monte_carlo_runs, seed: args.seed },
          maxInterventions: args.max_interventions,
          checkpoint: checkpointFor(call),
        });
        return { ...baseFields(snap, missing), ...result, warnings, generated_at: analyzedAt() };
      },
    },
    deps.logger,
  );
}
