/**
 * The tasks table: MCP tasks (long tool calls run in the background) outlive the request and
 * the process that started them. Status changes are coordination, not schedule data: they
 * do not change the data version and are not audited. A row whose expiry has passed is gone.
 */
import type { SqliteDb } from './sqlite';

export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';

export const TERMINAL_STATUSES: readonly TaskStatus[] = ['completed', 'failed', 'cancelled'];

export interface TaskRecord {
  id: string;
  tool: string;
  status: TaskStatus;
  statusMessage?: string;
  /** How long the task and its result are kept after its last change; null: until deleted. */
  ttlMs: number | null;
  pollIntervalMs: number;
  createdAt: string;
  updatedAt: string;
  /** The server process running it (host, pid and a per-process nonce). */
  owner: string;
  heartbeatAt: string;
  /** The CallToolResult as JSON, once finished. */
  result?: string;
}

export interface NewTask {
  id: string;
  tool: string;
  ttlMs: number | null;
  pollIntervalMs: number;
  owner: string;
}

interface TaskRow {
  [column: string]: string | number | null;
  id: string;
  tool: string;
  status: string;
  status_message: string | null;
  ttl_ms: number | null;
  poll_interval_ms: number;
  created_at: string;
  updated_at: string;
  owner: string;
  heartbeat_at: string;
  result: string | null;
}

const PAGE_SIZE = 50;

export class TaskTable {
  constructor(
    private readonly db: SqliteDb,
    private readonly now: () => number,
  ) {}

  create(task: NewTask): TaskRecord {
    const at = this.iso();
    this.db.transaction('immediate', () =>
      this.db.run(
        `INSERT INTO tasks (id, tool, status, ttl_ms, poll_interval_ms, created_at, updated_at, expires_at, owner, heartbeat_at)
         VALUES (?, ?, 'working', ?, ?, ?, ?, ?, ?, ?)`,
        [task.id, task.tool, task.ttlMs, task.pollIntervalMs, at, at, this.expiry(task.ttlMs), task.owner, at],
      ),
    );
    return this.get(task.id) as TaskRecord;
  }

  /** The task unless it expired (an expired row is deleted). */
  get(id: string): TaskRecord | undefined {
    this.deleteExpired();
    const row = this.db.transaction('read', () => this.db.get<TaskRow>('SELECT * FROM tasks WHERE id = ?', [id]));
    return row ? toRecord(row) : undefined;
  }

  /** Tasks in creation order, a page at a time; the cursor is the last id of the previous page. */
  list(cursor?: string): { tasks: TaskRecord[]; nextCursor?: string } {
    this.deleteExpired();
    const rows = this.db.transaction('read', () =>
      cursor === undefined
        ? this.db.all<TaskRow>('SELECT * FROM tasks ORDER BY created_at, id LIMIT ?', [PAGE_SIZE + 1])
        : this.db.all<TaskRow>('SELECT * FROM tasks WHERE (created_at, id) > (SELECT created_at, id FROM tasks WHERE id = ?) ORDER BY created_at, id LIMIT ?', [
            cursor,
            PAGE_SIZE + 1,
          ]),
    );
    const page = rows.slice(0, PAGE_SIZE).map(toRecord);
    return rows.length > PAGE_SIZE ? { tasks: page, nextCursor: page[page.length - 1]!.id } : { tasks: page };
  }

  /**
   * Moves a task that is not finished to `status` (and stores the result when given).
   * Returns false, changing nothing, when the task is unknown or already finished.
   */
  finish(id: string, status: TaskStatus, message: string | undefined, result?: string): boolean {
    const at = this.iso();
    return this.db.transaction('immediate', () => {
      const row = this.db.get<{ ttl_ms: number | null }>("SELECT ttl_ms FROM tasks WHERE id = ? AND status IN ('working','input_required')", [id]);
      if (!row) return false;
      // The TTL counts from the last change, so a result is kept for the whole TTL after it arrives;
      // without a message of its own the last progress stays.
      this.db.run('UPDATE tasks SET status = ?, status_message = COALESCE(?, status_message), updated_at = ?, expires_at = ?, result = ? WHERE id = ?', [
        status,
        message ?? null,
        at,
        this.expiry(row.ttl_ms),
        result ?? null,
        id,
      ]);
      return true;
    });
  }

  /** Moves a running task between the running statuses (working, input_required). */
  mark(id: string, status: 'working' | 'input_required', message: string | undefined): void {
    const at = this.iso();
    this.db.transaction('immediate', () =>
      this.db.run("UPDATE tasks SET status = ?, status_message = ?, updated_at = ? WHERE id = ? AND status IN ('working','input_required')", [status, message ?? null, at, id]),
    );
  }

  /** Records progress of a running task (shown by tasks/get) and refreshes its heartbeat. */
  progress(id: string, message: string): void {
    const at = this.iso();
    this.db.transaction('immediate', () =>
      this.db.run("UPDATE tasks SET status_message = ?, heartbeat_at = ? WHERE id = ? AND status IN ('working','input_required')", [message, at, id]),
    );
  }

  /** Refreshes the heartbeat of every running task of `owner`. */
  heartbeat(owner: string): void {
    const at = this.iso();
    this.db.transaction('immediate', () => this.db.run("UPDATE tasks SET heartbeat_at = ? WHERE owner = ? AND status IN ('working','input_required')", [at, owner]));
  }

  /** Running tasks of other owners, with their heartbeat, for the orphan check. */
  runningOfOthers(owner: string): { id: string; owner: string; heartbeatAt: string }[] {
    return this.db
      .transaction('read', () =>
        this.db.all<{ id: string; owner: string; heartbeat_at: string }>("SELECT id, owner, heartbeat_at FROM tasks WHERE owner <> ? AND status IN ('working','input_required')", [
          owner,
        ]),
      )
      .map((r) => ({ id: r.id, owner: r.owner, heartbeatAt: r.heartbeat_at }));
  }

  private deleteExpired(): void {
    const at = this.iso();
    this.db.transaction('immediate', () => this.db.run('DELETE FROM tasks WHERE expires_at IS NOT NULL AND expires_at <= ?', [at]));
  }

  private expiry(ttlMs: number | null): string | null {
    return ttlMs === null ? null : new Date(this.now() + ttlMs).toISOString();
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}

function toRecord(row: TaskRow): TaskRecord {
  return {
    id: row.id,
    tool: row.tool,
    status: row.status as TaskStatus,
    ...(row.status_message !== null ? { statusMessage: row.status_message } : {}),
    ttlMs: row.ttl_ms,
    pollIntervalMs: row.poll_interval_ms,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    owner: row.owner,
    heartbeatAt: row.heartbeat_at,
    ...(row.result !== null ? { result: row.result } : {}),
  };
}
