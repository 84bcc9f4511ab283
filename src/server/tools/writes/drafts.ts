/** Draft tools: preview a draft against the published schedule, publish it, roll a publish back. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { draftPreview, publishDraft, rollbackPublish, type ServiceDeps } from '../../generation/service';
import { dateRangeOut, idArg } from '../args';
import { READ_ONLY, registerTool } from '../defineTool';
import { actorArg, DESTRUCTIVE, metricsOut, metricsResult, versionArg } from './shared';

export function registerDraftPreviewTool(server: McpServer, deps: ServiceDeps): void {
  registerTool(
    server,
    {
      name: 'get_draft_preview_tool',
      title: 'Preview a draft',
      description:
        "A draft against the published schedule: per person the assignments added and removed and the hours before and after in the draft's range, " +
        'plus hard violations, coverage, equity and changes of the schedule the draft would make. "stale" means the published schedule changed since the draft was made (publishing is refused).',
      input: {
        draft_id: idArg('The draft (from generate_schedule_tool).'),
        max_people: z.number().int().min(1).max(5000).default(100),
      },
      output: {
        draft_id: z.string(),
        schedule_id: z.string(),
        date_range: dateRangeOut,
        data_version: z.number().int(),
        stale: z.boolean(),
        published_as: z.object({ publish_id: z.string(), rolled_back: z.boolean() }).nullable(),
        people: z.array(
          z.object({
            person_id: z.string(),
            name: z.string(),
            added: z.array(z.object({ date: z.string(), service_id: z.string(), shift_type_id: z.string(), role: z.string() })),
            removed: z.array(z.object({ date: z.string(), service_id: z.string(), shift_type_id: z.string(), role: z.string() })),
            hours_before: z.number(),
            hours_after: z.number(),
          }),
        ),
        metrics: metricsOut,
      },
      annotations: READ_ONLY,
      run(args) {
        const p = draftPreview(deps, args.draft_id, args.max_people);
        return {
          draft_id: p.draftId,
          schedule_id: p.scheduleId,
          date_range: [p.range.start, p.range.end] as [string, string],
          data_version: p.dataVersion,
          stale: p.stale,
          published_as: p.publishedAs ? { publish_id: p.publishedAs.publishId, rolled_back: p.publishedAs.rolledBack } : null,
          people: p.people,
          metrics: metricsResult(p.metrics),
        };
      },
    },
    deps.logger,
  );
}

export function registerPublishTool(server: McpServer, deps: ServiceDeps): void {
  registerTool(
    server,
    {
      name: 'publish_draft_tool',
      title: 'Publish a draft',
      description:
        "Replaces the published schedule's assignments in the draft's range with the draft's, after a backup of what it replaces. " +
        'Refused with CONFLICT when expected_data_version is stale or the published schedule changed after the draft was made. Can be rolled back within 24 hours (rollback_publish_tool).',
      input: { actor: actorArg, expected_data_version: versionArg, draft_id: idArg('The draft to publish.') },
      output: {
        publish_id: z.string().describe('Id of the backup taken before publishing; give it to rollback_publish_tool.'),
        draft_id: z.string(),
        schedule_id: z.string(),
        data_version: z.number().int(),
        date_range: dateRangeOut,
        rollback_deadline: z.string(),
        changes: z.object({ added: z.number().int(), removed: z.number().int() }),
      },
      annotations: DESTRUCTIVE,
      run(args) {
        const r = publishDraft(deps, args.actor, args.draft_id, args.expected_data_version);
        return {
          publish_id: r.publishId,
          draft_id: r.draftId,
          schedule_id: r.scheduleId,
          data_version: r.dataVersion,
          date_range: [r.range.start, r.range.end] as [string, string],
          rollback_deadline: r.rollbackDeadline,
          changes: r.changes,
        };
      },
    },
    deps.logger,
  );
}

export function registerRollbackPublishTool(server: McpServer, deps: ServiceDeps): void {
  registerTool(
    server,
    {
      name: 'rollback_publish_tool',
      title: 'Roll back a publish',
      description:
        'Restores the published schedule as it was before a publish, within 24 hours of it (ROLLBACK_WINDOW_EXPIRED after) and only while nothing else changed the schedule since (CONFLICT). A backup of the state it replaces is kept.',
      input: { actor: actorArg, expected_data_version: versionArg, publish_id: idArg('The publish_id from publish_draft_tool.') },
      output: {
        publish_id: z.string(),
        backup_id: z.string().describe('Backup of the state the rollback replaced.'),
        schedule_id: z.string(),
        data_version: z.number().int(),
        date_range: dateRangeOut,
        restored: z.number().int(),
      },
      annotations: DESTRUCTIVE,
      run(args) {
        const r = rollbackPublish(deps, args.actor, args.publish_id, args.expected_data_version);
        return {
          publish_id: r.publishId,
          backup_id: r.backupId,
          schedule_id: r.scheduleId,
          data_version: r.dataVersion,
          date_range: [r.range.start, r.range.end] as [string, string],
          restored: r.restored,
        };
      },
    },
    deps.logger,
  );
}
