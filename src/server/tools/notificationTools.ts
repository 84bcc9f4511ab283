/**
 * list_notifications_tool: the notification outbox (src/server/store/notifications.ts), what
 * each publish or executed swap told whom, and whether it was delivered. Deliveries already
 * under way finish first, so a caller that just published reads their outcome.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { Notifier } from '../notifications/notifier';
import type { ScheduleStore } from '../store/store';
import type { ToolContext } from './context';
import { READ_ONLY, registerTool } from './defineTool';

export function registerNotificationTools(server: McpServer, ctx: ToolContext, store: ScheduleStore, notifier: Notifier | undefined): void {
  registerTool(
    server,
    {
      name: 'list_notifications_tool',
      title: 'Notifications',
      description:
        'The notification outbox, oldest first: event (schedule_published, swap_executed), recipients, subject, message, the data version of the write, and delivery (attempts, channels: mcp clients notified, webhook status; delivered_at or last_error).',
      input: {
        since_version: z.number().int().min(0).optional().describe('Only notices of writes at or after this data version.'),
        after_id: z.number().int().min(0).optional().describe('Only notices with a larger id (paging).'),
        event: z.string().max(64).optional(),
        target: z.string().max(128).optional().describe('A schedule or swap id.'),
        pending_only: z.boolean().default(false).describe('Only notices not delivered yet.'),
        limit: z.number().int().min(1).max(1000).default(100),
      },
      output: {
        notifications: z.array(
          z.object({
            id: z.number().int(),
            event: z.string(),
            recipients: z.array(z.string()),
            subject: z.string(),
            message: z.string(),
            target: z.string().nullable(),
            data_version: z.number().int(),
            created_at: z.string(),
            created_by: z.string(),
            delivered: z.boolean(),
            delivered_at: z.string().nullable(),
            attempts: z.number().int(),
            channels: z.record(z.string(), z.unknown()),
            last_error: z.string().nullable(),
          }),
        ),
        delivered: z.number().int(),
        pending: z.number().int(),
        webhook_configured: z.boolean(),
        data_version: z.number().int(),
      },
      annotations: READ_ONLY,
      async run(args) {
        await notifier?.settled();
        const list = store.notifications.list({
          ...(args.since_version !== undefined ? { sinceVersion: args.since_version } : {}),
          ...(args.after_id !== undefined ? { afterId: args.after_id } : {}),
          ...(args.event ? { event: args.event } : {}),
          ...(args.target ? { target: args.target } : {}),
          pending: args.pending_only,
          limit: args.limit,
        });
        const notifications = list.map((n) => ({
          id: n.id,
          event: n.event,
          recipients: [...n.recipients],
          subject: n.subject,
          message: n.message,
          target: n.target ?? null,
          data_version: n.dataVersion,
          created_at: n.createdAt,
          created_by: n.createdBy,
          delivered: n.deliveredAt !== undefined,
          delivered_at: n.deliveredAt ?? null,
          attempts: n.attempts,
          channels: n.channels ?? {},
          last_error: n.lastError ?? null,
        }));
        const delivered = notifications.filter((n) => n.delivered).length;
        return { notifications, delivered, pending: notifications.length - delivered, webhook_configured: notifier?.hasWebhook ?? false, data_version: store.dataVersion() };
      },
    },
    ctx.logger,
  );
}
