/**
 * Run history and audit: one append-only JSON-lines file per run in a directory the host
 * chooses. Every run-scoped event except progress is recorded; approvals, decisions, writes
 * and the end of the run are fsynced before the workflow continues. A run's state is
 * rebuilt by folding its events, which is also how a crashed run is resumed.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { OrchestratorError } from '../errors';
import type { ApprovalAnswer, ApprovalRequest, ExceptionRecord } from './approval';
import type { JsonObject } from './definition';
import type { EngineEvent, RunEvent } from './events';
import type { RunStatus, StepResult } from './results';

const RUN_ID = /^[A-Za-z0-9_-]{1,100}$/;

export function checkRunId(runId: string): void {
  if (!RUN_ID.test(runId)) throw new OrchestratorError('validation', `Invalid run id "${runId}"`);
}

/** Events that must be on disk before the run goes on (audit records and writes). */
export function mustBeDurable(event: RunEvent): boolean {
  switch (event.type) {
    case 'approval_requested':
    case 'approval_answered':
    case 'input_answered':
    case 'decision':
    case 'run_finished':
    case 'task_started':
    case 'elicitation_answered':
      return true;
    case 'step_started':
      return event.writes;
    case 'step_finished':
      return event.result.writes;
    default:
      return false;
  }
}

/** An open run file. Appends are written in order; durable ones are fsynced. */
export class RunLog {
  private tail: Promise<void> = Promise.resolve();
  private failure: unknown;

  private constructor(
    private readonly handle: fs.FileHandle,
    readonly path: string,
  ) {}

  static async open(path: string): Promise<RunLog> {
    return new RunLog(await fs.open(path, 'a'), path);
  }

  /** Queues the event; the promise settles when it is written (and synced, if durable). */
  append(event: RunEvent, durable: boolean): Promise<void> {
    const line = `${JSON.stringify(event)}\n`;
    const next = this.tail.then(async () => {
      if (this.failure) throw this.failure;
      try {
        await this.handle.write(line);
        if (durable) await this.handle.sync();
      } catch (error) {
        this.failure = error;
        throw error;
      }
    });
    this.tail = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.tail;
    await this.handle.close();
  }
}

/** A run as rebuilt from its history. */
export interface RunRecord {
  runId: string;
  workflowId: string;
  workflowVersion: number;
  title: string;
  mode: string;
  inputs: JsonObject;
  scheduleId: string;
  writes: boolean;
  status: RunStatus;
  reason?: string;
  startedAt: number;
  finishedAt?: number;
  /** The latest result of every step that finished. */
  results: Map<string, StepResult>;
  /** Steps that started and never finished (the process stopped under them). */
  inFlight: Map<string, Extract<RunEvent, { type: 'step_started' }>>;
  /** Server tasks of steps that had not finished (step id -> task id): resuming polls them. */
  tasks: Map<string, string>;
  approvals: { stepId: string; request: ApprovalRequest; answer?: ApprovalAnswer; exception?: ExceptionRecord }[];
  decisions: Extract<RunEvent, { type: 'decision' }>[];
  /** Answers to "needs input" questions, by argument name (the latest wins). */
  answers: Map<string, number>;
  /** How many times the run was started (1 + resumes). */
  starts: number;
}

export function rebuildRun(events: readonly RunEvent[]): RunRecord {
  const first = events.find((e): e is Extract<RunEvent, { type: 'run_started' }> => e.type === 'run_started');
  if (!first) throw new OrchestratorError('validation', 'The run history has no run_started record');
  const record: RunRecord = {
    runId: first.runId,
    workflowId: first.workflowId,
    workflowVersion: first.workflowVersion,
    title: first.title,
    mode: first.mode,
    inputs: first.inputs,
    scheduleId: first.scheduleId,
    writes: first.writes,
    status: 'running',
    startedAt: first.at,
    results: new Map(),
    inFlight: new Map(),
    tasks: new Map(),
    approvals: [],
    decisions: [],
    answers: new Map(),
    starts: 0,
  };
  for (const event of events) {
    switch (event.type) {
      case 'run_started':
        record.starts++;
        record.status = 'running';
        delete record.reason;
        delete record.finishedAt;
        // Steps in flight when the previous process stopped stay unresolved until re-run.
        break;
      case 'step_started':
        record.inFlight.set(event.stepId, event);
        break;
      case 'task_started':
        record.tasks.set(event.stepId, event.taskId);
        break;
      case 'step_finished':
        record.inFlight.delete(event.stepId);
        record.tasks.delete(event.stepId);
        record.results.set(event.stepId, event.result);
        break;
      case 'approval_requested':
        record.approvals.push({ stepId: event.stepId, request: event.request });
        break;
      case 'approval_answered': {
        const open = [...record.approvals].reverse().find((a) => a.stepId === event.stepId && !a.answer);
        if (open) {
          open.answer = event.answer;
          if (event.exception) open.exception = event.exception;
        }
        break;
      }
      case 'input_answered':
        record.answers.set(event.arg, event.answer.value);
        break;
      case 'decision':
        record.decisions.push(event);
        break;
      case 'run_finished':
        record.status = event.status;
        if (event.reason !== undefined) record.reason = event.reason;
        record.finishedAt = event.at;
        break;
      default:
        break;
    }
  }
  return record;
}

export interface RunListing {
  runId: string;
  workflowId: string;
  title: string;
  mode: string;
  status: RunStatus;
  reason?: string;
  startedAt: number;
  finishedAt?: number;
}

/** The directory of run files. */
export class RunHistory {
  constructor(readonly dir: string) {}

  pathOf(runId: string): string {
    checkRunId(runId);
    return join(this.dir, `${runId}.jsonl`);
  }

  async open(runId: string): Promise<RunLog> {
    await fs.mkdir(this.dir, { recursive: true });
    return RunLog.open(this.pathOf(runId));
  }

  async exists(runId: string): Promise<boolean> {
    try {
      await fs.access(this.pathOf(runId));
      return true;
    } catch {
      return false;
    }
  }

  /** The recorded events; a torn last line (crash mid-write) is ignored. */
  async read(runId: string): Promise<RunEvent[]> {
    let text: string;
    try {
      text = await fs.readFile(this.pathOf(runId), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new OrchestratorError('validation', `No history for run ${runId}`);
      throw error;
    }
    const lines = text.split('\n').filter((l) => l.length > 0);
    const events: RunEvent[] = [];
    lines.forEach((line, i) => {
      try {
        events.push(JSON.parse(line) as RunEvent);
      } catch (error) {
        if (i < lines.length - 1) throw new OrchestratorError('validation', `Run ${runId}: history line ${i + 1} is damaged`, { cause: error });
      }
    });
    return events;
  }

  async load(runId: string): Promise<RunRecord> {
    return rebuildRun(await this.read(runId));
  }

  /** Every recorded run, newest first. */
  async list(): Promise<RunListing[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      return [];
    }
    const out: RunListing[] = [];
    for (const name of names) {
      if (!name.endsWith('.jsonl')) continue;
      const runId = name.slice(0, -'.jsonl'.length);
      if (!RUN_ID.test(runId)) continue;
      try {
        const r = await this.load(runId);
        out.push({
          runId,
          workflowId: r.workflowId,
          title: r.title,
          mode: r.mode,
          status: r.status,
          ...(r.reason !== undefined ? { reason: r.reason } : {}),
          startedAt: r.startedAt,
          ...(r.finishedAt !== undefined ? { finishedAt: r.finishedAt } : {}),
        });
      } catch {
        // A damaged file is listed by nobody rather than breaking the whole list.
      }
    }
    return out.sort((a, b) => b.startedAt - a.startedAt);
  }
}

/** The events a run file records: every run-scoped event except progress ticks. */
export function isRecorded(event: EngineEvent): event is RunEvent {
  return 'runId' in event && event.type !== 'progress';
}
