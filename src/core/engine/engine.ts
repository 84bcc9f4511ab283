/**
 * The engine: the entry points hosts and workflows use. It starts runs of a LoadedWorkflow
 * against a PolicyRuntime (which wraps the ToolInvoker) on an injected Clock, resumes
 * recorded runs, and fans the typed event stream out to subscribers. One run is executed
 * by a RunExecution (runExecution.ts).
 */
import { setMaxListeners } from 'node:events';
import { confidenceOf } from '../confidence/score';
import { OrchestratorError } from '../errors';
import type { ToolHealth } from '../policy/health';
import { systemClock, type Clock } from '../util/clock';
import { silentLogger, type Logger } from '../util/log';
import type { JsonObject } from './definition';
import { EventHub, type EventListener, type RunEvent } from './events';
import { checkRunId } from './history';
import { ScheduleLocks } from './lock';
import type { EngineOptions } from './engineOptions';
import { KEPT_SKIPS, type RunSummary, type StepResult } from './results';
import { RunExecution, reasonText, type LaunchSpec } from './runExecution';
import type { LoadedWorkflow } from './validate';

export type { EngineOptions } from './engineOptions';

export interface StartOptions {
  /** Raw inputs; the workflow's `parseInputs` validates them. */
  inputs?: unknown;
  mode?: string;
  /** The schedule a writing run locks (default "default"). */
  scheduleId?: string;
  signal?: AbortSignal;
  /** Overrides the workflow's (or mode's) time limit. */
  timeoutMs?: number;
}

export interface ResumeOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * Writes that were in flight when the run stopped are never re-sent automatically (they may
   * have been applied). After checking the server, name them here to send them again.
   */
  retryUncertainWrites?: readonly string[];
}

export interface RunHandle {
  readonly runId: string;
  /** Settles with the summary; never rejects for workflow failures (see `status`). */
  readonly result: Promise<RunSummary>;
  cancel(reason?: string): void;
  /**
   * This run's events only. The run starts on the next microtask, so subscribing right after
   * `start()` sees every event from `run_started` on. Returns an unsubscribe function.
   */
  subscribe(listener: (event: RunEvent) => void): () => void;
}

export class Engine {
  private readonly hub: EventHub;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly locks = new ScheduleLocks();
  private readonly active = new Map<string, { workflowId: string; scheduleId: string; handle: RunHandle; execution: RunExecution }>();

  private readonly unsubscribePolicy: () => void;

  constructor(private readonly options: EngineOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.hub = new EventHub(this.logger);
    this.unsubscribePolicy = options.policy.subscribe((event) => this.hub.emit(event));
  }

  /** Cancels every active run and waits for them to finish recording; the engine is unusable after. */
  async dispose(reason = 'The engine is shutting down'): Promise<void> {
    const runs = [...this.active.values()].map((r) => r.handle);
    runs.forEach((handle) => handle.cancel(reason));
    await Promise.allSettled(runs.map((handle) => handle.result));
    this.unsubscribePolicy();
  }

  /** Every event of every run, plus breaker and health changes. Returns an unsubscribe function. */
  subscribe(listener: EventListener): () => void {
    return this.hub.subscribe(listener);
  }

  health(): ToolHealth[] {
    return this.options.policy.health();
  }

  /**
   * Leaves an active run to the next process (see RunExecution.detach): its history stays as
   * it is now, `dispose()` no longer waits for it, and its result never settles. False when
   * the run is not active here.
   */
  detach(runId: string): boolean {
    const run = this.active.get(runId);
    if (!run) return false;
    run.execution.detach();
    this.active.delete(runId);
    return true;
  }

  activeRuns(): { runId: string; workflowId: string; scheduleId: string }[] {
    return [...this.active].map(([runId, r]) => ({ runId, workflowId: r.workflowId, scheduleId: r.scheduleId }));
  }

  /** Starts a run. Throws a validation error (and starts nothing) for bad inputs or an unknown mode. */
  start<I extends JsonObject>(workflow: LoadedWorkflow<I>, options: StartOptions = {}): RunHandle {
    const def = workflow.definition;
    const mode = options.mode ?? def.defaultMode;
    if (!(mode in def.modes)) throw new OrchestratorError('validation', `Workflow ${def.id} has no mode "${mode}" (modes: ${Object.keys(def.modes).join(', ')})`);
    const inputs = parseInputs(workflow, options.inputs);
    const runId = this.options.newRunId?.(def.id) ?? defaultRunId(def.id, this.clock.now());
    checkRunId(runId);
    return this.launch(workflow, {
      runId,
      mode,
      inputs,
      scheduleId: options.scheduleId ?? 'default',
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      kept: new Map(),
      interrupted: [],
      resumed: false,
      answers: new Map(),
    });
  }

  /**
   * Continues a recorded run: completed steps are kept (never a completed write), failed and
   * unfinished ones run again. Works for crashed runs and for re-driving a failed or blocked one.
   */
  async resume<I extends JsonObject>(workflow: LoadedWorkflow<I>, runId: string, options: ResumeOptions = {}): Promise<RunHandle> {
    if (!this.options.history) throw new OrchestratorError('validation', 'This engine has no run history: nothing can be resumed');
    if (this.active.has(runId)) throw new OrchestratorError('validation', `Run ${runId} is still running`);
    const record = await this.options.history.load(runId);
    const def = workflow.definition;
    if (record.workflowId !== def.id) throw new OrchestratorError('validation', `Run ${runId} belongs to workflow ${record.workflowId}, not ${def.id}`);
    if (record.workflowVersion !== def.version) {
      throw new OrchestratorError('validation', `Run ${runId} was recorded with ${def.id} version ${record.workflowVersion}; this is version ${def.version}`);
    }
    const retry = new Set(options.retryUncertainWrites ?? []);
    const kept = new Map<string, StepResult>();
    for (const [id, result] of record.results) {
      const keep = result.status === 'succeeded' || (result.skip !== undefined && KEPT_SKIPS.has(result.skip.cause));
      if (keep && !(result.skip?.cause === 'uncertain_write' && retry.has(id))) kept.set(id, result);
    }
    const at = this.clock.now();
    const interrupted: StepResult[] = [];
    for (const [id, started] of record.inFlight) {
      if (!started.writes || retry.has(id) || kept.has(id)) continue;
      interrupted.push({
        stepId: id,
        phaseId: started.phaseId,
        kind: started.kind,
        status: 'skipped',
        source: 'none',
        ...(started.capability !== undefined ? { capability: started.capability } : {}),
        confidence: confidenceOf(0, 'outcome of the write is unknown'),
        skip: {
          cause: 'uncertain_write',
          reason: `the write was in flight when the run stopped and may have been applied: check the server, then resume with retryUncertainWrites: ["${id}"]`,
        },
        attempts: 0,
        durationMs: 0,
        startedAt: started.at,
        finishedAt: at,
        writes: true,
        critical: true,
        warnings: [],
      });
    }
    for (const result of interrupted) kept.set(result.stepId, result);
    return this.launch(workflow, {
      runId,
      mode: record.mode,
      inputs: record.inputs as I,
      scheduleId: record.scheduleId,
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      kept,
      interrupted,
      resumed: true,
      answers: record.answers,
    });
  }

  private launch<I extends JsonObject>(workflow: LoadedWorkflow<I>, spec: LaunchSpec<I>): RunHandle {
    const controller = new AbortController();
    // Every step in flight listens to the run's signal; there can be many at once.
    setMaxListeners(0, controller.signal);
    const execution = new RunExecution(this.options, this.hub, this.clock, this.logger, this.locks, workflow as unknown as LoadedWorkflow, { ...spec, controller });
    const onExternalAbort = () => controller.abort(new OrchestratorError('cancelled', reasonText(spec.signal?.reason) ?? 'Cancelled by the caller'));
    if (spec.signal?.aborted) onExternalAbort();
    else spec.signal?.addEventListener('abort', onExternalAbort, { once: true });
    // Started on the next microtask so the caller can subscribe to the handle first.
    const result = Promise.resolve()
      .then(() => execution.execute())
      .finally(() => {
        spec.signal?.removeEventListener('abort', onExternalAbort);
        this.active.delete(spec.runId);
      });
    const handle: RunHandle = {
      runId: spec.runId,
      result,
      cancel: (reason) => controller.abort(new OrchestratorError('cancelled', reason ?? 'Cancelled by the user')),
      subscribe: (listener) =>
        this.hub.subscribe((event) => {
          if ('runId' in event && event.runId === spec.runId) listener(event);
        }),
    };
    this.active.set(spec.runId, { workflowId: workflow.definition.id, scheduleId: spec.scheduleId, handle, execution });
    return handle;
  }
}

function parseInputs<I extends JsonObject>(workflow: LoadedWorkflow<I>, raw: unknown): I {
  let inputs: I;
  try {
    inputs = workflow.definition.parseInputs(raw ?? {});
  } catch (error) {
    throw new OrchestratorError('validation', `Invalid inputs for ${workflow.definition.id}: ${(error as Error).message}`, { cause: error });
  }
  return JSON.parse(JSON.stringify(inputs)) as I;
}

function defaultRunId(workflowId: string, now: number): string {
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${workflowId}-${stamp}-${Math.random().toString(36).slice(2, 8)}`;
}
