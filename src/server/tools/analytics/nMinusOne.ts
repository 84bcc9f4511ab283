/** N-1 contingency tools: blast radius and zone health, the sacrifice hierarchy preview and recovery distance. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { blastRadius, blastRadiusOutput } from '../../analytics/blastRadius';
import { activePeople, baseFields, baseOutput, coverageGaps } from '../../analytics/common';
import { planEvents, recoverEvent, recoveryOutput, summariseRecovery, type EventResult } from '../../analytics/recovery';
import { SACRIFICE_LEVELS, sacrificeOutput, sacrificePreview } from '../../analytics/sacrifice';
import { ToolError } from '../../domain/errors';
import { ZONES } from '../../domain/program';
import { READ_ONLY, registerTool } from '../defineTool';
import { checkpointFor, scope, type AnalyticsDeps } from './shared';

export function registerBlastRadiusTool(server: McpServer, deps: AnalyticsDeps): void {
  const { snapshot, derived, analyzedAt, now } = deps;
  registerTool(
    server,
    {
      name: 'calculate_blast_radius_tool',
      title: 'Blast radius and zone health',
      description:
        "Zone health (available faculty against each zone's minimum and optimal coverage, status green/yellow/orange/red/black, containment level) and, per person, the impact scope of losing them: blocks that fall below their minimum, blocks nobody could cover, and people affected. Computed from the stored schedule.",
      input: {
        zone_id: z.enum(ZONES).optional().describe('Only this zone (inpatient, outpatient, education, research, admin).'),
        check_all_zones: z.boolean().default(true),
        max_personnel: z.number().int().min(1).max(200).default(10).describe('How many person impacts to list, largest first.'),
        ...scope,
      },
      output: { ...baseOutput, analyzed_at: z.string(), ...blastRadiusOutput },
      annotations: READ_ONLY,
      run(args) {
        if (!args.check_all_zones && !args.zone_id) throw new ToolError('check_all_zones is false: name the zone to check in zone_id');
        const snap = snapshot(args);
        const { model } = derived(snap);
        const missing = coverageGaps(snap, model);
        if (activePeople(snap, 'faculty').length === 0) missing.push('faculty (the program has no active faculty)');
        const result = blastRadius(snap, model, {
          ...(args.zone_id ? { zoneId: args.zone_id } : {}),
          maxPersonnel: args.max_personnel,
          nowMs: now(),
        });
        return { ...baseFields(snap, missing), analyzed_at: analyzedAt(), ...result };
      },
    },
    deps.logger,
  );
}

export function registerSacrificeHierarchyTool(server: McpServer, deps: AnalyticsDeps): void {
  const { snapshot, derived } = deps;
  registerTool(
    server,
    {
      name: 'execute_sacrifice_hierarchy_tool',
      title: 'Sacrifice hierarchy preview (load shedding)',
      description:
        'Preview of a load-shedding level: which services it suspends (by category: optional education first, then administration and research, core education, continuity, ACGME; patient safety never), the scheduled hours and people it frees, and how many open positions of the remaining services the freed people could fill. Preview only: applying (simulate_only=false) is refused here because changing the schedule needs the approval flow.',
      input: {
        target_level: z.enum(SACRIFICE_LEVELS),
        simulate_only: z.boolean().default(true),
        ...scope,
      },
      output: { ...baseOutput, ...sacrificeOutput },
      annotations: READ_ONLY,
      run(args) {
        if (!args.simulate_only) {
          throw new ToolError(
            "applying load shedding changes the schedule and needs a coordinator's approval; this tool only previews (call it with simulate_only=true and apply the change through the approval flow)",
            'APPROVAL_REQUIRED',
          );
        }
        const snap = snapshot(args);
        const { model } = derived(snap);
        return { ...baseFields(snap, coverageGaps(snap, model)), ...sacrificePreview(snap, model, args.target_level) };
      },
    },
    deps.logger,
  );
}

export function registerRecoveryDistanceTool(server: McpServer, deps: AnalyticsDeps): void {
  const { snapshot, derived, analyzedAt } = deps;
  registerTool(
    server,
    {
      name: 'calculate_recovery_distance_tool',
      title: 'Recovery distance after N-1 events',
      description:
        "For the people whose loss hurts coverage most (up to max_events), takes each away for their busiest day and searches (iterative deepening, hard rules checked) for the fewest edits — reassign a free qualified person or backup, or move someone off another shift — that restore the day's coverage. Reports rd_mean/median/p95/max, break-glass (> 3 edits), infeasible events (none within 6 edits) and a 0-1 fragility score. Reports progress per event and honours cancellation.",
      input: {
        max_events: z.number().int().min(1).max(100).default(20),
        include_samples: z.boolean().default(true),
        ...scope,
      },
      output: { ...baseOutput, ...recoveryOutput },
      annotations: READ_ONLY,
      async run(args, call) {
        const snap = snapshot(args);
        const { model } = derived(snap);
        const events = planEvents(model, args.max_events);
        const results: EventResult[] = [];
        const checkpoint = checkpointFor(call);
        for (const [i, event] of events.entries()) {
          await checkpoint(i, events.length);
          results.push(recoverEvent(model, event));
        }
        await call.progress(events.length, events.length);
        const missing = coverageGaps(snap, model);
        if (events.length === 0) missing.push('N-1 events (nobody fills a required slot)');
        return { ...baseFields(snap, missing), analyzed_at: analyzedAt(), ...summariseRecovery(results, args.include_samples) };
      },
    },
    deps.logger,
  );
}
