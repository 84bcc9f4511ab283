/**
 * Builds the bundled scheduling MCP server over a store: the read tools and resources
 * (this package), the analytics tools and the write tools. Transport-agnostic: main.ts
 * connects it to stdio, http.ts creates one per request (stateless Streamable HTTP).
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Logger } from '../core/util/log';
import type { Notifier } from './notifications/notifier';
import type { ScheduleStore } from './store/store';
import { attachTasks, tasksFor } from './tasks/registry';
import type { ServerTasks } from './tasks/serverTasks';
import { registerAnalyticsTools } from './tools/analytics';
import { registerNotificationTools } from './tools/notificationTools';
import type { ToolContext } from './tools/context';
import { registerReadTools } from './tools/readTools';
import { registerWriteTools } from './tools/writes';

export const SERVER_NAME = 'sched-orch-scheduler';
export const SERVER_VERSION = '0.1.0';

export interface ServerOptions {
  store: ScheduleStore;
  logger: Logger;
  /** Wall clock (injected so tests can pin "today"). */
  now?: () => number;
  /** Delivers the outbox to this server's client (and the webhook); shared by every server over the store. */
  notifier?: Notifier;
  /** How long a swap party's consent holds (default 24 h). */
  consentTtlMs?: number;
  /** Long tools run as MCP tasks here; by default the process's instance for `store`. */
  tasks?: ServerTasks;
  /** Holds each generation run after it takes its lock (generation/service.ts); tests only. */
  holdGeneration?: (signal: AbortSignal) => Promise<void>;
}

const INSTRUCTIONS = [
  'Residency scheduling server: one program (residents, faculty, services, shift types, coverage rules, absences) and its schedules.',
  'Tool names follow the real "Residency Scheduler" server (suffix _tool). Read get_schedule_status_tool first: it names the current schedule, its dates and the data version.',
  'Every result that reads a schedule carries schedule_id and data_version; the version increases with every write, so a cached result is current while the version is unchanged.',
  'ACGME findings report the rule id (VI.F numbering), the measured value, the limit, the excess and a suggested fix; program policies stricter than ACGME are reported with source "local_policy".',
].join('\n');

export function createToolContext(options: ServerOptions): ToolContext {
  return {
    logger: options.logger,
    now: options.now ?? Date.now,
    snapshot: (query) => options.store.snapshot(query),
  };
}

export function createServer(options: ServerOptions): McpServer {
  const tasks = options.tasks ?? tasksFor(options.store, options.logger, options.now);
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    {
      instructions: INSTRUCTIONS,
      capabilities: { logging: {}, tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } },
      taskStore: tasks,
    },
  );
  attachTasks(server, tasks);
  const ctx = createToolContext(options);
  registerReadTools(server, ctx, options.store);
  registerAnalyticsTools(server, ctx);
  registerWriteTools(server, ctx, options.store, {
    ...(options.consentTtlMs !== undefined ? { consentTtlMs: options.consentTtlMs } : {}),
    ...(options.holdGeneration ? { holdGeneration: options.holdGeneration } : {}),
  });
  registerNotificationTools(server, ctx, options.store, options.notifier);
  options.notifier?.attach(server);
  return server;
}
