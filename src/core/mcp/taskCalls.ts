/**
 * A tool call as an MCP task (revision 2025-11-25): `tools/call` with a `task` parameter returns
 * a task id at once; the result is fetched with `tasks/get` (at the server's pollInterval) and
 * `tasks/result`; aborting sends `tasks/cancel`. The caller records the task id before this
 * waits, so a host that stopped can poll the same task again (`resumeTaskId`) instead of
 * calling the tool a second time.
 *
 * Progress: while the client that started the task is connected the server's progress
 * notifications arrive as usual; a resumed task reports the status message of each poll
 * ("42% building the model"). Every poll that finds the task alive counts as progress, so the
 * attempt's inactivity limit does not end a task that is still working.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema, CreateTaskResultSchema, type CallToolResult, type Progress, type Task, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ToolProgress } from '../engine/invoker';
import { OrchestratorError } from '../errors';

export interface TaskCallOptions {
  signal: AbortSignal;
  /** Limit on each request of the exchange (create, get, result, cancel). */
  requestTimeoutMs: number;
  onProgress?: (progress: ToolProgress) => void;
  /** Awaited before waiting on a new task (the caller makes the id durable). */
  onStarted(taskId: string): Promise<void>;
  /** A task started earlier (by a host that stopped): poll it instead of calling again. */
  resumeTaskId?: string;
  /** How long the server should keep the result after the task ends. */
  ttlMs?: number;
  /** Used when the server suggests no poll interval. */
  defaultPollMs?: number;
}

const TERMINAL = new Set<Task['status']>(['completed', 'failed', 'cancelled']);
const DEFAULT_TTL_MS = 60 * 60_000;
/** Bounds on the server's suggestion: never hammer it, never sleep through a whole minute. */
const MIN_POLL_MS = 100;
const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 30_000;
/** Longer than any wait of ours (the longest delay setTimeout takes): an SDK timer set to it never ends a request first. */
export const SDK_NO_TIMEOUT_MS = 2 ** 31 - 1;

/** Whether the server runs this tool's calls as tasks when asked to. */
export function supportsTaskCalls(client: Client, tool: Pick<Tool, 'execution'> | undefined): boolean {
  const support = tool?.execution?.taskSupport;
  return (support === 'optional' || support === 'required') && client.getServerCapabilities()?.tasks?.requests?.tools?.call !== undefined;
}

/** Runs (or resumes) `name` as a task and returns its CallToolResult; throws OrchestratorError for cancel and protocol failures, SDK errors otherwise. */
export async function callToolAsTask(client: Client, name: string, args: Record<string, unknown>, options: TaskCallOptions): Promise<CallToolResult> {
  const { signal } = options;
  // Polls carry no signal: the SDK never removes its abort listener, and the sleep between polls watches the signal.
  const request = { timeout: options.requestTimeoutMs };
  let task: Task;
  if (options.resumeTaskId !== undefined) {
    task = await client.experimental.tasks.getTask(options.resumeTaskId, request);
    await options.onStarted(task.taskId);
  } else {
    const created = await client.request({ method: 'tools/call', params: { name, arguments: args, task: { ttl: options.ttlMs ?? DEFAULT_TTL_MS } } }, CreateTaskResultSchema, {
      ...request,
      signal,
      ...(options.onProgress ? { onprogress: (p: Progress) => options.onProgress?.(toolProgressOf(p)) } : {}),
    });
    task = created.task;
    // Durable before waiting: if this host stops now, the next one polls this task.
    await options.onStarted(task.taskId);
  }
  const resumed = options.resumeTaskId !== undefined;
  let last: ToolProgress = { progress: 0 };
  // Early polls come sooner (doubling up to the server's interval): most tasks end quickly.
  let delay = FIRST_POLL_MS;
  try {
    while (!TERMINAL.has(task.status)) {
      if (task.status === 'input_required') break; // tasks/result delivers the server's request and waits for the end
      const interval = Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, task.pollInterval ?? options.defaultPollMs ?? 1000));
      await sleep(Math.min(delay, interval), signal);
      delay *= 2;
      task = await client.experimental.tasks.getTask(task.taskId, request);
      if (resumed && task.statusMessage) last = progressFrom(task.statusMessage, last);
      options.onProgress?.(last);
    }
    if (task.status === 'cancelled')
      throw new OrchestratorError('cancelled', `the server task of ${name} was cancelled${task.statusMessage ? `: ${task.statusMessage}` : ''}`, { tool: name });
    // Completed, failed (its result is the tool's error) or waiting for input. Waiting for
    // input, tasks/result lasts while a person answers and the task then runs to its end: no
    // limit of its own (the SDK's default is a minute); the caller's limits end it through the signal.
    return await client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema, { signal, timeout: SDK_NO_TIMEOUT_MS });
  } catch (error) {
    if (signal.aborted && !TERMINAL.has(task.status)) {
      // The caller gave up: stop the work on the server too. Best effort, bounded.
      await client.experimental.tasks.cancelTask(task.taskId, { timeout: options.requestTimeoutMs }).catch(() => undefined);
      throw new OrchestratorError('cancelled', `calling ${name} was cancelled; its server task ${task.taskId} was cancelled`, {
        tool: name,
        details: { requestSent: true, taskId: task.taskId },
      });
    }
    throw error;
  }
}

/** The SDK's progress notification as a ToolProgress: a field the server left out stays absent. */
export function toolProgressOf(p: Progress): ToolProgress {
  return { progress: p.progress, ...(p.total !== undefined ? { total: p.total } : {}), ...(p.message !== undefined ? { message: p.message } : {}) };
}

/** "42% building the model" -> progress 42 of 100 with the message; other text keeps the last number. */
function progressFrom(message: string, last: ToolProgress): ToolProgress {
  const match = /^(\d+(?:\.\d+)?)%\s*(.*)$/.exec(message);
  if (!match) return { ...last, message };
  return { progress: Number(match[1]), total: 100, ...(match[2] ? { message: match[2] } : {}) };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
