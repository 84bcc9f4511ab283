/**
 * One run of a workflow: its lifecycle (history file, writer lock, time limit, cancellation),
 * the scopes it executes (phases.ts runs a phase, scheduler.ts its steps, steps/ each step
 * kind), and the run's records and summary. Phases and steps see it as a RunEnv (runEnv.ts).
 *
 * Time limits at three levels: one attempt (the capability policy's timeoutMs, reset by
 * progress), one step including retries (stepTimeoutMs), the whole run (the workflow's or
 * mode's timeoutMs; paused while waiting for the writer lock or a human). Every tool call
 * receives an AbortSignal derived from the run's, so cancelling a run cancels the calls on
 * the server.
 */
import { aggregateConfidence } from '../confidence/aggregate';
import { computeConfidence, type Confidence, type ConfidenceFactor } from '../confidence/score';
import { OrchestratorError } from '../errors';
import { PausableDeadline } from '../policy/abort';
import { asOrchestratorError } from '../policy/retry';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/log';
import type { JsonObject, RunContext } from './definition';
import type { EngineOptions } from './engineOptions';
import type { EventHub, RunEvent } from './events';
import { isRecorded, mustBeDurable, type RunLog } from './history';
import type { ScheduleLocks } from './lock';
import { runPhase } from './phases';
import { PLACEHOLDER_PENALTY, placeholderSteps, type RunSummary, type StepResult } from './results';
import type { RunEnv } from './runEnv';
import { createScope, runContext, type Scope, type ScopeOutcome } from './scope';
import { skippedResult } from './stepResults';
import type { LoadedWorkflow, StepInfo } from './validate';

export interface LaunchSpec<I extends JsonObject> {
  runId: string;
  mode: string;
  inputs: I;
  scheduleId: string;
  signal: AbortSignal | undefined;
  timeoutMs: number | undefined;
  kept: Map<string, StepResult>;
  /** Writes found in flight in the history: recorded as uncertain when the resumed run starts. */
  interrupted: StepResult[];
  resumed: boolean;
  /** Answers recorded by earlier starts of the run, reused by its steps. */
  answers: Map<string, number>;
}

export function reasonText(reason: unknown): string | undefined {
  if (reason === undefined) return undefined;
  return reason instanceof Error ? reason.message : String(reason);
}

export class RunExecution implements RunEnv {
  readonly results = new Map<string, StepResult>();
  readonly answers: Map<string, number>;
  readonly runId: string;
  readonly signal: AbortSignal;
  /** The run's own time limit; it aborts the run (and every call in flight) when it expires. */
  readonly deadline: PausableDeadline;
  private readonly root: Scope;
  private log: RunLog | undefined;
  private fatal: string | undefined;
  private detached = false;
  private readonly startedAt: number;

  constructor(
    readonly options: EngineOptions,
    private readonly hub: EventHub,
    readonly clock: Clock,
    readonly logger: Logger,
    private readonly locks: ScheduleLocks,
    private readonly workflow: LoadedWorkflow,
    private readonly spec: LaunchSpec<JsonObject> & { controller: AbortController },
  ) {
    this.runId = spec.runId;
    this.answers = new Map(spec.answers);
    this.signal = spec.controller.signal;
    this.root = createScope(options.policy, workflow, '', spec.mode, spec.inputs);
    for (const [id, result] of spec.kept) this.results.set(id, result);
    this.startedAt = clock.now();
    const timeoutMs = spec.timeoutMs ?? this.root.modeDef.timeoutMs ?? workflow.definition.timeoutMs;
    this.deadline = new PausableDeadline(clock, timeoutMs, () => spec.controller.abort(new OrchestratorError('timeout', `The workflow exceeded its ${timeoutMs} ms time limit`)));
  }

  async execute(): Promise<RunSummary> {
    const def = this.workflow.definition;
    let outcome: ScopeOutcome = { status: 'failed', reason: 'not started' };
    let release: (() => void) | undefined;
    try {
      if (this.options.history) this.log = await this.options.history.open(this.runId);
      await this.record({
        type: 'run_started',
        runId: this.runId,
        workflowId: def.id,
        workflowVersion: def.version,
        title: def.title,
        mode: this.spec.mode,
        inputs: this.spec.inputs,
        scheduleId: this.spec.scheduleId,
        writes: this.workflow.writes,
        resumed: this.spec.resumed,
        at: this.clock.now(),
      });
      for (const result of this.spec.interrupted) {
        await this.record({ type: 'step_finished', runId: this.runId, phaseId: result.phaseId, stepId: result.stepId, result, at: result.finishedAt });
      }
      // Kept human decisions stand: a recorded rejection still ends the run. A write whose
      // outcome is unknown stops it until a human has checked the server.
      const kept = [...this.spec.kept.values()];
      const rejected = kept.find((r) => r.kind === 'approval' && r.skip?.cause === 'rejected');
      const uncertain = kept.find((r) => r.skip?.cause === 'uncertain_write');
      if (rejected) this.root.stop = { status: 'rejected', reason: rejected.skip!.reason };
      else if (uncertain) this.root.stop = { status: 'needs_review', reason: `Write ${uncertain.stepId}: ${uncertain.skip!.reason}` };
      if (this.workflow.writes) {
        const lock = await this.locks.acquire(this.spec.scheduleId, this.runId, this.options.whenBusy ?? 'queue', this.signal, (holder) => {
          void this.record({ type: 'run_queued', runId: this.runId, workflowId: def.id, scheduleId: this.spec.scheduleId, behindRunId: holder, at: this.clock.now() });
        });
        if (!lock.ok) {
          outcome = { status: 'refused', reason: `Schedule ${this.spec.scheduleId} is being changed by run ${lock.holder}` };
          return await this.finish(outcome);
        }
        release = lock.release;
      }
      this.deadline.start();
      outcome = await this.runScope(this.root);
    } catch (error) {
      if (!this.signal.aborted) {
        this.logger.log('error', `Run ${this.runId} failed`, { error: String(error) });
        outcome = { status: 'failed', reason: `Engine error: ${(error as Error).message}` };
      }
    } finally {
      this.deadline.dispose();
      release?.();
    }
    if (this.fatal) outcome = { status: 'failed', reason: this.fatal };
    else if (this.signal.aborted) {
      const reason = asOrchestratorError(this.signal.reason);
      outcome = { status: reason.kind === 'cancelled' ? 'cancelled' : 'failed', reason: reason.message };
    }
    return this.finish(outcome);
  }

  private async finish(outcome: ScopeOutcome): Promise<RunSummary> {
    await this.sweep(this.root, `run ended: ${outcome.status}${outcome.reason ? ` (${outcome.reason})` : ''}`);
    const finishedAt = this.clock.now();
    const confidence = outcome.confidence ?? this.scopeConfidence(this.root);
    try {
      await this.record({
        type: 'run_finished',
        runId: this.runId,
        status: outcome.status,
        ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}),
        ...(confidence ? { confidence } : {}),
        durationMs: finishedAt - this.startedAt,
        at: finishedAt,
      });
    } catch (error) {
      this.logger.log('error', `Could not record the end of run ${this.runId}`, { error: String(error) });
    }
    try {
      await this.log?.close();
    } catch (error) {
      this.logger.log('warn', `Could not close the history of run ${this.runId}`, { error: String(error) });
    }
    const def = this.workflow.definition;
    return {
      runId: this.runId,
      workflowId: def.id,
      workflowVersion: def.version,
      mode: this.spec.mode,
      status: outcome.status,
      ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}),
      ...(confidence ? { confidence } : {}),
      startedAt: this.startedAt,
      finishedAt,
      durationMs: finishedAt - this.startedAt,
      phases: this.root.phases,
      steps: [...this.results.values()].sort((a, b) => a.startedAt - b.startedAt || a.stepId.localeCompare(b.stepId)),
      warnings: this.root.warnings,
    };
  }

  /**
   * Leaves the run to the next process (its host is going away while a server task works for
   * it): nothing more is emitted or recorded, and the run stops at its next durable record, so
   * no approval is asked and no write is sent that the history would not show. Resuming the
   * run from its history picks up where the record ends.
   */
  detach(): void {
    this.detached = true;
  }

  async record(event: RunEvent): Promise<void> {
    if (this.detached) return isRecorded(event) && mustBeDurable(event) ? new Promise<void>(() => undefined) : undefined;
    this.hub.emit(event);
    if (!this.log || !isRecorded(event)) return;
    const durable = mustBeDurable(event);
    const written = this.log.append(event, durable);
    if (!durable) {
      written.catch((error: unknown) => this.logger.log('warn', `Could not record ${event.type}`, { error: String(error) }));
      return;
    }
    try {
      await written;
    } catch (error) {
      this.fatal = `The run history could not be written (${(error as Error).message}): stopped so nothing happens unrecorded`;
      this.spec.controller.abort(new OrchestratorError('cancelled', this.fatal));
      throw error;
    }
  }

  emit(event: RunEvent): void {
    void this.record(event).catch(() => undefined);
  }

  context(scope: Scope): RunContext {
    return runContext(this.runId, scope, this.results);
  }

  running(scope: Scope): boolean {
    return !this.signal.aborted && scope.stop === undefined && this.root.stop === undefined;
  }

  finishStep(scope: Scope, info: StepInfo, result: StepResult): Promise<void> {
    this.results.set(result.stepId, result);
    return this.record({ type: 'step_finished', runId: this.runId, phaseId: scope.prefix + info.phaseId, stepId: result.stepId, result, at: result.finishedAt });
  }

  async runScope(scope: Scope): Promise<ScopeOutcome> {
    const phases = scope.workflow.definition.phases;
    for (const phase of phases) {
      if (!this.running(scope)) break;
      await runPhase(this, scope, phase);
    }
    await this.sweep(scope, scope.stop ? `not reached: ${scope.stop.reason}` : 'not reached');
    const confidence = this.scopeConfidence(scope);
    if (scope.stop && scope.stop.status !== 'completed') {
      // A decision lowered earlier (read-only gates) still counts when a later rule stops the run.
      const lowered = scope.lowered.length > 0 && (scope.stop.status === 'blocked' || scope.stop.status === 'needs_review') ? scope.lowered : [];
      const status = lowered.length > 0 ? 'blocked' : scope.stop.status;
      return { status, reason: [scope.stop.reason, ...lowered].join('; '), ...(confidence ? { confidence } : {}) };
    }
    if (this.signal.aborted) return { status: 'cancelled', reason: reasonText(this.signal.reason) ?? 'cancelled' };
    if (scope.lowered.length > 0) return { status: 'blocked', reason: scope.lowered.join('; '), ...(confidence ? { confidence } : {}) };
    if (scope.reviews.length > 0) return { status: 'needs_review', reason: scope.reviews.join('; '), ...(confidence ? { confidence } : {}) };
    return { status: 'completed', ...(scope.stop ? { reason: scope.stop.reason } : {}), ...(confidence ? { confidence } : {}) };
  }

  private scopeConfidence(scope: Scope): Confidence | undefined {
    const values = scope.phases.filter((p) => p.confidence !== undefined).map((p) => ({ value: p.confidence! }));
    const method = scope.workflow.definition.aggregation ?? 'minimum';
    const value = aggregateConfidence(values, method);
    if (value === undefined) return undefined;
    const factors: ConfidenceFactor[] = [{ kind: 'base', label: `${method.replace('_', ' ')} of ${values.length} phase confidences`, value }];
    const own = [...this.results.values()].filter((r) => r.stepId.startsWith(scope.prefix) && !r.stepId.slice(scope.prefix.length).includes('/'));
    for (const id of placeholderSteps(own)) factors.push({ kind: 'adjust', label: `placeholder: ${id} (server backend unavailable)`, delta: -PLACEHOLDER_PENALTY });
    return computeConfidence(factors);
  }

  /** Records every step of the scope that never ran, so the summary and the history are complete. */
  private async sweep(scope: Scope, reason: string): Promise<void> {
    const now = this.clock.now();
    for (const [id, info] of scope.workflow.steps) {
      if (this.results.has(scope.prefix + id)) continue;
      // Steps behind a rejected approval were not run because of that decision.
      const rejected = info.deps.map((d) => this.results.get(scope.prefix + d)).find((r) => r?.skip?.cause === 'rejected');
      const skip = rejected ? skippedResult(scope, info, 'rejected', rejected.skip!.reason, now) : skippedResult(scope, info, 'not_run', reason, now);
      await this.finishStep(scope, info, skip).catch(() => undefined);
    }
  }
}
