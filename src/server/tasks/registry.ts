/**
 * Which McpServer runs long tools as tasks, and with which ServerTasks: createServer attaches
 * the process's instance, registerTool (src/server/tools/defineTool.ts) looks it up, so the
 * tool modules need not pass it through every registration.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Logger } from '../../core/util/log';
import type { ScheduleStore } from '../store/store';
import { ServerTasks } from './serverTasks';

const attached = new WeakMap<McpServer, ServerTasks>();

export function attachTasks(server: McpServer, tasks: ServerTasks): void {
  attached.set(server, tasks);
}

export function tasksOf(server: McpServer): ServerTasks | undefined {
  return attached.get(server);
}

const perStore = new WeakMap<ScheduleStore, ServerTasks>();

/** The process's ServerTasks for a store (created on first use): one heartbeat and one runner per database. */
export function tasksFor(store: ScheduleStore, logger: Logger, now?: () => number): ServerTasks {
  let tasks = perStore.get(store);
  if (!tasks) {
    tasks = new ServerTasks({ table: store.tasks, logger, ...(now ? { now } : {}) });
    perStore.set(store, tasks);
  }
  return tasks;
}
