/**
 * MCP tasks of the bundled server: the SDK's TaskStore over the database's tasks table, plus
 * the runner that executes a task's work in this process (abort on tasks/cancel, progress into
 * the task's status message, heartbeat). One instance per server process: the stateless HTTP
 * transport builds an McpServer per request, and a task must outlive the request that started it.
 *
 * A task whose process stopped (restart, crash) is reported failed with a reason, never
 * "working" forever: its owner's pid is gone (same host) or its heartbeat is stale.
 * Tasks are not bound to a session: the stateless transport has none, and task ids are
 * 128-bit random values known only to the client that started them.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { CreateTaskOptions, TaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/interfaces.js';
import type { CallToolResult, Request, RequestId, Result, Task } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../../core/util/log';
import { TERMINAL_STATUSES, type TaskRecord, type TaskStatus, type TaskTable } from '../store/tasks';

export interface ServerTasksOptions {
  table: TaskTable;
  logger: Logger;
  now?: () => number;
  /** How long a finished task's result is kept (default 1 h); a client may ask for less. */
  ttlMs?: number;
  /** The poll interval suggested to clients (default 1 s). */
  pollIntervalMs?: number;
  /** How often this process refreshes the heartbeat of its running tasks (default 2 s). */
  heartbeatMs?: number;
  /**
   * A running task of another host whose heartbeat is older than this is taken as orphaned
   * (default 60 s: model building may hold the owner's event loop for a while). On this
   * host a dead owner pid says so at once.
   */
  staleAfterMs?: number;
}

/** The work of one task: resolves to the tool's result (isError for an expected failure). */
export type TaskWork = (signal: AbortSignal, progress: (message: string) => void) => Promise<CallToolResult>;

const DEFAULT_TTL_MS = 60 * 60_000;
const MAX_TTL_MS = 24 * 60 * 60_000;
/**
 * A call made without task augmentation is polled by the SDK inside this process: its first
 * poll comes at once and waits (up to INLINE_WAIT_MS) for the work, so it answers as fast as a
 * plain tool would.
 */
const INLINE_POLL_MS = 1;
const INLINE_WAIT_MS = 1000;
export const ORPHANED_REASON = 'the server process running this task stopped before it finished (restart or crash); start the call again';

export class ServerTasks implements TaskStore {
  /** This process: host, pid and a nonce (pids are reused). */
  readonly owner: string;
  private readonly table: TaskTable;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly ttlMs: number;
  private readonly pollIntervalMs: number;
  private readonly heartbeatMs: number;
  private readonly staleAfterMs: number;
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void>; inline: boolean }>();
  /** Tasks created for calls without task augmentation: the caller's cancellation ends them. */
  private readonly inline = new Set<string>();
  private readonly timer: NodeJS.Timeout;

  constructor(options: ServerTasksOptions) {
    this.table = options.table;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.heartbeatMs = options.heartbeatMs ?? 2000;
    this.staleAfterMs = options.staleAfterMs ?? 60_000;
    this.owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.timer = setInterval(() => this.beat(), this.heartbeatMs);
    this.timer.unref();
    this.failOrphans();
  }

  // ------------------------------------------------------------ TaskStore (the SDK's port)

  async createTask(params: CreateTaskOptions, _requestId: RequestId, request: Request): Promise<Task> {
    const callParams = request.params as { name?: unknown; task?: unknown } | undefined;
    const requested = callParams?.task !== undefined;
    const ttl = Math.min(MAX_TTL_MS, Math.max(1000, params.ttl ?? this.ttlMs));
    const record = this.table.create({
      id: randomBytes(16).toString('hex'),
      tool: typeof callParams?.name === 'string' ? callParams.name : request.method,
      ttlMs: ttl,
      pollIntervalMs: requested ? this.pollIntervalMs : INLINE_POLL_MS,
      owner: this.owner,
    });
    if (!requested) this.inline.add(record.id);
    return toTask(record);
  }

  async getTask(taskId: string): Promise<Task | null> {
    const running = this.running.get(taskId);
    if (running?.inline) await Promise.race([running.done, new Promise((r) => setTimeout(r, INLINE_WAIT_MS).unref())]);
    this.failOrphans();
    const record = this.table.get(taskId);
    return record ? toTask(record) : null;
  }

  async storeTaskResult(taskId: string, status: 'completed' | 'failed', result: Result): Promise<void> {
    if (!this.table.finish(taskId, status, undefined, JSON.stringify(result))) throw new Error(`task ${taskId} is unknown or already finished`);
  }

  async getTaskResult(taskId: string): Promise<Result> {
    const record = this.table.get(taskId);
    if (!record) throw new Error(`task ${taskId} is unknown or its result expired`);
    if (record.result !== undefined) return JSON.parse(record.result) as Result;
    // Cancelled, or failed without a result (orphaned): the reason is the result.
    const text = `${record.status === 'cancelled' ? 'CANCELLED' : 'TASK_FAILED'}: ${record.statusMessage ?? record.status}`;
    return { isError: true, content: [{ type: 'text', text }] } satisfies CallToolResult;
  }

  async updateTaskStatus(taskId: string, status: Task['status'], statusMessage?: string): Promise<void> {
    if (!isTerminal(status)) {
      this.table.mark(taskId, status, statusMessage);
      return;
    }
    this.table.finish(taskId, status, statusMessage);
    // tasks/cancel lands here: stop the work at once.
    if (status === 'cancelled') this.running.get(taskId)?.controller.abort(new Error(statusMessage ?? 'cancelled'));
  }

  async listTasks(cursor?: string): Promise<{ tasks: Task[]; nextCursor?: string }> {
    this.failOrphans();
    const page = this.table.list(cursor);
    return { tasks: page.tasks.map(toTask), ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}) };
  }

  // ------------------------------------------------------------ the runner

  /**
   * Runs a task's work in the background. `callerSignal` (the request's) only ends the work
   * of a call made without task augmentation: a task outlives its request and its client.
   */
  run(taskId: string, work: TaskWork, callerSignal: AbortSignal): void {
    const controller = new AbortController();
    const inline = this.inline.delete(taskId);
    if (inline) {
      const onAbort = () => {
        this.table.finish(taskId, 'cancelled', 'the client cancelled the call');
        controller.abort(callerSignal.reason);
      };
      if (callerSignal.aborted) onAbort();
      else callerSignal.addEventListener('abort', onAbort, { once: true });
    }
    let lastMessage = '';
    const progress = (message: string) => {
      if (message === lastMessage || controller.signal.aborted) return;
      lastMessage = message;
      this.table.progress(taskId, message);
    };
    const done = work(controller.signal, progress).then(
      (result) => {
        const failed = result.isError === true;
        const message = failed ? firstText(result) : undefined;
        if (!this.table.finish(taskId, failed ? 'failed' : 'completed', message, JSON.stringify(result))) {
          this.logger.log('debug', `task ${taskId} finished after it was cancelled; its result was dropped`);
        }
      },
      (error: unknown) => {
        this.table.finish(taskId, 'failed', `INTERNAL_ERROR: ${error instanceof Error ? error.message : String(error)}`);
        this.logger.log('error', `task ${taskId} failed`, { error: String(error) });
      },
    );
    this.running.set(taskId, { controller, done, inline });
    void done.finally(() => this.running.delete(taskId));
  }

  /** Resolves when no task of this process is running (the stdio server waits for it before exiting). */
  async whenIdle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((r) => r.done));
  }

  get runningCount(): number {
    return this.running.size;
  }

  /** Stops the heartbeat and cancels what still runs (its tasks then read as failed elsewhere). */
  close(): void {
    clearInterval(this.timer);
    for (const [id, r] of this.running) {
      this.table.finish(id, 'failed', 'the server shut down before the task finished');
      r.controller.abort(new Error('server shutting down'));
    }
  }

  private beat(): void {
    try {
      if (this.running.size > 0) this.table.heartbeat(this.owner);
    } catch (error) {
      this.logger.log('warn', 'could not refresh the task heartbeat', { error: String(error) });
    }
  }

  /** Marks failed the running tasks whose process is gone (this host) or silent too long. */
  private failOrphans(): void {
    const host = hostname();
    const staleBefore = this.now() - this.staleAfterMs;
    for (const task of this.table.runningOfOthers(this.owner)) {
      const [ownerHost, pid] = task.owner.split(':');
      const gone = ownerHost === host && !processAlive(Number(pid));
      if (gone || Date.parse(task.heartbeatAt) < staleBefore) {
        if (this.table.finish(task.id, 'failed', ORPHANED_REASON)) this.logger.log('info', `task ${task.id} marked failed: its server process stopped`);
      }
    }
  }
}

function isTerminal(status: string): status is 'completed' | 'failed' | 'cancelled' {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function firstText(result: CallToolResult): string | undefined {
  const text = result.content.find((c) => c.type === 'text');
  return text?.type === 'text' ? text.text : undefined;
}

function toTask(record: TaskRecord): Task {
  return {
    taskId: record.id,
    status: record.status satisfies TaskStatus,
    ttl: record.ttlMs,
    createdAt: record.createdAt,
    lastUpdatedAt: record.updatedAt,
    pollInterval: record.pollIntervalMs,
    ...(record.statusMessage !== undefined ? { statusMessage: record.statusMessage } : {}),
  };
}
