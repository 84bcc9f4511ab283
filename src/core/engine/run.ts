/**
 * One run of a workflow: phases in order, steps as a DAG inside each phase, the recovery
 * ladder, confidence, decisions, approvals, and the run's history records.
 *
 * Time limits at three levels: one attempt (the capability policy's timeoutMs, reset by
 * progress), one step including retries (stepTimeoutMs), the whole run (the workflow's or
 * mode's timeoutMs; paused while waiting for the writer lock or a human). Every tool call
 * receives an AbortSignal derived from the run's, so cancelling a run cancels the calls on
 * the server.
 *
 * Recovery ladder of a tool step: retries (in the runtime) -> a cached result within the
 * capability's max age -> the step's registered fallback -> skipped with confidence 0, or,
 * for a critical step, the workflow is blocked with the reason.
 */
import { aggregateConfidence, type AggregationMethod } from '../confidence/aggregate';
import {
  computeConfidence,
  confidenceOf,
  formatAge,
  scoreToolResult,
  type Confidence,
  type ConfidenceFactor,
} from '../confidence/score';
import { decide } from '../confidence/thresholds';
import { OrchestratorError, type ErrorKind } from '../errors';
import { PausableDeadline, deadlineSignal, raceAbort } from '../policy/abort';
import type { PolicyTable } from '../policy/policies';
import { asOrchestratorError } from '../policy/retry';
import type { CacheMode, CallResult } from '../policy/runtime';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/log';
import type { ApprovalAnswer, ExceptionRecord } from './approval';
import type {
  ApprovalStep,
  BranchStep,
  ComputeStep,
  FallbackDefinition,
  HubStep,
  JsonObject,
  ModeDefinition,
  PhaseContext,
  PhaseDefinition,
  PhaseVerdict,
  RunContext,
  StepConfidenceRules,
  StepDefinition,
  SubWorkflowStep,
  ToolStep,
} from './definition';
import type { EventHub, RunEvent } from './events';
import { isRecorded, mustBeDurable, type RunLog } from './history';
import type { ScheduleLocks } from './lock';
import {
  BY_DESIGN,
  countsForConfidence,
  type ErrorInfo,
  type PhaseSummary,
  type RunStatus,
  type RunSummary,
  type SkipCause,
  type StepResult,
} from './results';
import type { LoadedWorkflow, StepInfo } from './validate';
import type { EngineOptions } from './executor';

const DEFAULT_CONCURRENCY = 8;
/** Kinds after which a failed write certainly did not change anything. */
const DEFINITE_WRITE_FAILURES: ReadonlySet<ErrorKind> = new Set(['validation', 'compliance', 'tool_error', 'auth', 'unavailable', 'circuit_open', 'rate_limited']);
/** Kinds the recovery ladder does not paper over: the answer is real, or the input is wrong. */
const NOT_RECOVERABLE: ReadonlySet<ErrorKind> = new Set(['validation', 'compliance', 'auth', 'cancelled']);

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
}

export function reasonText(reason: unknown): string | undefined {
  if (reason === undefined) return undefined;
  return reason instanceof Error ? reason.message : String(reason);
}

function errorInfo(error: OrchestratorError): ErrorInfo {
  return { kind: error.kind, message: error.message };
}

/** One workflow (the run's, or a sub-workflow's) being executed. */
interface Scope {
  workflow: LoadedWorkflow;
  /** "" for the run's workflow, "<step>/" for a sub-workflow's steps. */
  prefix: string;
  mode: string;
  modeDef: ModeDefinition;
  inputs: JsonObject;
  policies: PolicyTable;
  cacheMode: CacheMode;
  stop?: { status: RunStatus; reason: string };
  reviews: string[];
  warnings: string[];
  phases: PhaseSummary[];
}

interface ScopeOutcome {
  status: RunStatus;
  reason?: string;
  confidence?: Confidence;
}

export class RunExecution {
  private readonly results = new Map<string, StepResult>();
  private readonly runId: string;
  private readonly signal: AbortSignal;
  private readonly root: Scope;
  private log: RunLog | undefined;
  /** The run's own time limit; it aborts the run (and every call in flight) when it expires. */
  private readonly deadline: PausableDeadline;
  private fatal: string | undefined;
  private readonly startedAt: number;

  constructor(
    private readonly options: EngineOptions,
    private readonly hub: EventHub,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly locks: ScheduleLocks,
    private readonly workflow: LoadedWorkflow,
    private readonly spec: LaunchSpec<JsonObject> & { controller: AbortController },
  ) {
    this.runId = spec.runId;
    this.signal = spec.controller.signal;
    this.root = this.scope(workflow, '', spec.mode, spec.inputs);
    for (const [id, result] of spec.kept) this.results.set(id, result);
    this.startedAt = clock.now();
    const timeoutMs = spec.timeoutMs ?? this.root.modeDef.timeoutMs ?? workflow.definition.timeoutMs;
    this.deadline = new PausableDeadline(clock, timeoutMs, () =>
      spec.controller.abort(new OrchestratorError('timeout', `The workflow exceeded its ${timeoutMs} ms time limit`)),
    );
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

  /** Emits to subscribers and appends to the run file; durable records are on disk before this resolves. */
  private async record(event: RunEvent): Promise<void> {
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

  /** For events nobody waits on (progress, retries, cache notes): recorded in the background. */
  private emit(event: RunEvent): void {
    void this.record(event).catch(() => undefined);
  }

  private scope(workflow: LoadedWorkflow, prefix: string, mode: string, inputs: JsonObject): Scope {
    const modeDef = workflow.definition.modes[mode] ?? {};
    return {
      workflow,
      prefix,
      mode,
      modeDef,
      inputs,
      policies: this.options.policy.policies.with(modeDef.policy),
      cacheMode: modeDef.cache ?? 'use',
      reviews: [],
      warnings: [],
      phases: [],
    };
  }

  private context(scope: Scope): RunContext {
    const result = (id: string) => this.results.get(scope.prefix + id);
    const data = (id: string) => {
      const r = result(id);
      return r?.status === 'succeeded' ? r.data : undefined;
    };
    return {
      runId: this.runId,
      workflowId: scope.workflow.definition.id,
      mode: scope.mode,
      inputs: scope.inputs,
      result,
      data,
      require: (id) => {
        const d = data(id);
        if (!d) throw new OrchestratorError('validation', `Step ${id} has no result to read`);
        return d;
      },
    };
  }

  private running(scope: Scope): boolean {
    return !this.signal.aborted && scope.stop === undefined && this.root.stop === undefined;
  }

  private async runScope(scope: Scope): Promise<ScopeOutcome> {
    const phases = scope.workflow.definition.phases;
    for (const phase of phases) {
      if (!this.running(scope)) break;
      await this.runPhase(scope, phase);
    }
    await this.sweep(scope, scope.stop ? `not reached: ${scope.stop.reason}` : 'not reached');
    const confidence = this.scopeConfidence(scope);
    if (scope.stop && scope.stop.status !== 'completed') return { status: scope.stop.status, reason: scope.stop.reason, ...(confidence ? { confidence } : {}) };
    if (this.signal.aborted) return { status: 'cancelled', reason: reasonText(this.signal.reason) ?? 'cancelled' };
    if (scope.reviews.length > 0) return { status: 'needs_review', reason: scope.reviews.join('; '), ...(confidence ? { confidence } : {}) };
    return { status: 'completed', ...(scope.stop ? { reason: scope.stop.reason } : {}), ...(confidence ? { confidence } : {}) };
  }

  private scopeConfidence(scope: Scope): Confidence | undefined {
    const values = scope.phases.filter((p) => p.confidence !== undefined).map((p) => ({ value: p.confidence! }));
    const method = scope.workflow.definition.aggregation ?? 'minimum';
    const value = aggregateConfidence(values, method);
    return value === undefined ? undefined : confidenceOf(value, `${method.replace('_', ' ')} of ${values.length} phase confidences`);
  }

  /** Records every step of the scope that never ran, so the summary and the history are complete. */
  private async sweep(scope: Scope, reason: string): Promise<void> {
    const now = this.clock.now();
    for (const [id, info] of scope.workflow.steps) {
      if (this.results.has(scope.prefix + id)) continue;
      // Steps behind a rejected approval were not run because of that decision.
      const rejected = info.deps.map((d) => this.results.get(scope.prefix + d)).find((r) => r?.skip?.cause === 'rejected');
      const skip = rejected ? this.skipped(scope, info, 'rejected', rejected.skip!.reason, now) : this.skipped(scope, info, 'not_run', reason, now);
      await this.finishStep(scope, info, skip).catch(() => undefined);
    }
  }

  private async runPhase(scope: Scope, phase: PhaseDefinition): Promise<void> {
    const started = this.clock.now();
    await this.record({ type: 'phase_started', runId: this.runId, phaseId: scope.prefix + phase.id, title: phase.title, at: started });
    const ctx = this.context(scope);
    const infos = [...scope.workflow.steps.values()].filter((s) => s.phaseId === phase.id);
    let skipReason: { cause: SkipCause; reason: string } | undefined;
    if ((phase.skipInModes ?? []).includes(scope.mode) || (scope.modeDef.skipPhases ?? []).includes(phase.id)) {
      skipReason = { cause: 'mode', reason: `mode ${scope.mode} skips phase ${phase.title}` };
    } else {
      try {
        const why = phase.skipIf?.(ctx);
        if (why) skipReason = { cause: 'condition', reason: why };
      } catch (error) {
        scope.stop = { status: 'blocked', reason: `Phase ${phase.title}: its skip rule failed: ${(error as Error).message}` };
      }
    }
    if (skipReason || scope.stop) {
      const now = this.clock.now();
      for (const info of infos) {
        if (this.results.has(scope.prefix + info.def.id)) continue;
        const skip = skipReason ?? { cause: 'not_run' as const, reason: scope.stop!.reason };
        await this.finishStep(scope, info, this.skipped(scope, info, skip.cause, skip.reason, now));
      }
      return this.endPhase(scope, phase, skipReason ? 'skipped' : 'stopped', undefined, []);
    }

    const groups =
      phase.run === 'tiered'
        ? phase.tiers.map((tier) => ({ ids: tier.steps.map((s) => s.id), concurrency: Number.POSITIVE_INFINITY, tier }))
        : [{ ids: phase.steps.map((s) => s.id), concurrency: phase.run === 'serial' ? 1 : (phase.concurrency ?? DEFAULT_CONCURRENCY), tier: undefined }];
    let allClear: string | undefined;
    for (const [index, group] of groups.entries()) {
      if (!this.running(scope)) break;
      if (allClear) {
        const now = this.clock.now();
        for (const id of group.ids) {
          const info = scope.workflow.steps.get(id)!;
          if (!this.results.has(scope.prefix + id)) await this.finishStep(scope, info, this.skipped(scope, info, 'tier', allClear, now));
        }
        continue;
      }
      await this.runGroup(scope, group.ids, group.concurrency);
      const tier = group.tier;
      if (tier?.allClear && index < groups.length - 1 && this.running(scope)) {
        try {
          if (tier.allClear(ctx)) allClear = `${tier.title ?? tier.id} all clear: deeper tiers not needed`;
        } catch (error) {
          scope.warnings.push(`Phase ${phase.title}: tier rule failed (${(error as Error).message}); running the next tier`);
        }
      }
    }
    if (!this.running(scope)) return this.endPhase(scope, phase, 'stopped', undefined, []);

    const own = infos.map((i) => this.results.get(scope.prefix + i.def.id)!).filter(Boolean);
    const counted = own.filter(countsForConfidence);
    const method = phase.aggregation ?? 'weighted_mean';
    const confidence = aggregateConfidence(
      counted.map((r) => ({ value: r.confidence.value, weight: scope.workflow.steps.get(r.stepId.slice(scope.prefix.length))?.def.weight ?? 1 })),
      method,
    );
    const warnings = own.filter((r) => r.status !== 'succeeded' && !(r.skip && BY_DESIGN.has(r.skip.cause))).map((r) => `${r.stepId}: ${r.skip?.reason ?? r.error?.message ?? r.status}`);
    warnings.push(...own.flatMap((r) => r.warnings.map((w) => `${r.stepId}: ${w}`)));

    const phaseCtx: PhaseContext<JsonObject> = { ...ctx, phaseId: phase.id, confidence, steps: own };
    let verdict: PhaseVerdict | undefined;
    try {
      verdict = phase.decide?.(phaseCtx);
    } catch (error) {
      verdict = { action: 'stop', status: 'blocked', reason: `Phase ${phase.title}: its decision rule failed: ${(error as Error).message}` };
    }
    if (verdict?.action === 'stop') {
      await this.decision(scope, phase.id, { source: 'rule', decision: 'stop', status: verdict.status, reason: verdict.reason, confidence });
      scope.stop = { status: verdict.status, reason: verdict.reason };
    } else if (verdict) {
      warnings.push(...(verdict.warnings ?? []));
      if (verdict.review) {
        scope.reviews.push(verdict.review);
        await this.decision(scope, phase.id, { source: 'rule', decision: 'review', reason: verdict.review, confidence });
      }
    }
    let gateDecision: PhaseSummary['decision'];
    if (!scope.stop) {
      for (const gate of phase.gates ?? []) {
        const subset = counted.filter((r) => !gate.steps || gate.steps.includes(r.stepId.slice(scope.prefix.length)));
        const value = aggregateConfidence(
          subset.map((r) => {
            const id = r.stepId.slice(scope.prefix.length);
            return { value: r.confidence.value, weight: gate.weights?.[id] ?? scope.workflow.steps.get(id)?.def.weight ?? 1 };
          }),
          gate.method,
        );
        if (value === undefined) continue;
        const d = decide(value, gate.thresholds);
        const label = gate.label ?? `${phase.title} confidence`;
        const reason =
          d === 'proceed'
            ? `${label}: ${value.toFixed(2)} >= ${gate.thresholds.proceed}`
            : `${label}: ${value.toFixed(2)} below ${d === 'review' ? gate.thresholds.proceed : gate.thresholds.review}`;
        await this.decision(scope, phase.id, { source: 'confidence', decision: d, reason, confidence: value });
        if (d === 'block') {
          scope.stop = { status: 'blocked', reason };
          gateDecision = 'block';
          break;
        }
        if (d === 'review') {
          scope.reviews.push(reason);
          gateDecision = 'review';
        } else gateDecision ??= 'proceed';
      }
    }
    scope.warnings.push(...warnings);
    return this.endPhase(scope, phase, scope.stop && scope.stop.status !== 'completed' ? 'stopped' : 'completed', confidence, warnings, gateDecision);
  }

  private async endPhase(
    scope: Scope,
    phase: PhaseDefinition,
    status: PhaseSummary['status'],
    confidence: number | undefined,
    warnings: string[],
    decision?: PhaseSummary['decision'],
  ): Promise<void> {
    scope.phases.push({
      phaseId: scope.prefix + phase.id,
      title: phase.title,
      status,
      ...(confidence !== undefined ? { confidence } : {}),
      ...(decision ? { decision } : {}),
      warnings,
    });
    await this.record({
      type: 'phase_finished',
      runId: this.runId,
      phaseId: scope.prefix + phase.id,
      status,
      ...(confidence !== undefined ? { confidence } : {}),
      warnings,
      at: this.clock.now(),
    });
  }

  private async decision(
    scope: Scope,
    phaseId: string,
    d: { source: 'confidence' | 'rule'; decision: 'proceed' | 'review' | 'block' | 'stop'; status?: RunStatus; reason: string; confidence: number | undefined },
  ): Promise<void> {
    await this.record({
      type: 'decision',
      runId: this.runId,
      phaseId: scope.prefix + phaseId,
      source: d.source,
      decision: d.decision,
      ...(d.status ? { status: d.status } : {}),
      reason: d.reason,
      ...(d.confidence !== undefined ? { confidence: d.confidence } : {}),
      at: this.clock.now(),
    });
  }

  /** Runs steps as a DAG of their dependencies, at most `concurrency` at a time, in listed order. */
  private async runGroup(scope: Scope, ids: readonly string[], concurrency: number): Promise<void> {
    const pending = ids.filter((id) => !this.results.has(scope.prefix + id));
    const running = new Map<string, Promise<void>>();
    while (pending.length > 0 || running.size > 0) {
      if (this.running(scope)) {
        for (let i = 0; i < pending.length && running.size < concurrency; ) {
          const id = pending[i]!;
          const info = scope.workflow.steps.get(id)!;
          if (info.deps.every((d) => this.results.has(scope.prefix + d))) {
            pending.splice(i, 1);
            running.set(
              id,
              this.runStep(scope, info).finally(() => running.delete(id)),
            );
          } else i++;
        }
      }
      if (running.size === 0) break; // stopped, or what is left waits on steps that will not run
      await Promise.race(running.values());
    }
  }

  private skipped(scope: Scope, info: StepInfo, cause: SkipCause, reason: string, at: number, error?: OrchestratorError): StepResult {
    const step = info.def;
    const counts = !BY_DESIGN.has(cause) && cause !== 'rejected';
    return {
      stepId: scope.prefix + step.id,
      phaseId: scope.prefix + info.phaseId,
      kind: step.kind,
      ...(step.title !== undefined ? { title: step.title } : {}),
      status: 'skipped',
      source: 'none',
      ...(capabilityOf(step) ? { capability: capabilityOf(step)! } : {}),
      confidence: confidenceOf(0, counts ? `no result: ${reason}` : `not run: ${reason}`),
      skip: { cause, reason },
      ...(error ? { error: errorInfo(error) } : {}),
      attempts: 0,
      durationMs: 0,
      startedAt: at,
      finishedAt: at,
      writes: info.writes,
      critical: info.critical,
      warnings: [],
    };
  }

  private finishStep(scope: Scope, info: StepInfo, result: StepResult): Promise<void> {
    this.results.set(result.stepId, result);
    return this.record({ type: 'step_finished', runId: this.runId, phaseId: scope.prefix + info.phaseId, stepId: result.stepId, result, at: result.finishedAt });
  }

  /** Never throws: every outcome becomes a StepResult. */
  private async runStep(scope: Scope, info: StepInfo): Promise<void> {
    const step = info.def;
    const ctx = this.context(scope);
    const now = this.clock.now();
    try {
      const skip = this.preconditions(scope, info, ctx);
      if (skip) return await this.finishStep(scope, info, this.skipped(scope, info, skip.cause, skip.reason, now));
      let result: StepResult;
      switch (step.kind) {
        case 'tool':
          result = await this.runTool(scope, info, step, ctx);
          break;
        case 'hub':
          result = await this.runHub(scope, info, step, ctx);
          break;
        case 'compute':
          result = await this.runCompute(scope, info, step, ctx);
          break;
        case 'branch':
          result = await this.runBranch(scope, info, step, ctx);
          break;
        case 'approval':
          result = await this.runApproval(scope, info, step, ctx);
          break;
        case 'workflow':
          result = await this.runSubWorkflow(scope, info, step, ctx);
          break;
      }
      await this.finishStep(scope, info, result);
    } catch (error) {
      if (this.results.has(scope.prefix + step.id)) return;
      // Errors here come from the workflow's own callbacks (argument builders, computations).
      const e = asOrchestratorError(error, 'invalid_result');
      await this.finishStep(scope, info, this.failure(scope, info, e, now, 0)).catch(() => undefined);
    }
  }

  private preconditions(scope: Scope, info: StepInfo, ctx: RunContext): { cause: SkipCause; reason: string } | undefined {
    const step = info.def;
    if ((step.skipInModes ?? []).includes(scope.mode) || (scope.modeDef.skipSteps ?? []).includes(step.id)) {
      return { cause: 'mode', reason: `mode ${scope.mode} skips it` };
    }
    const hubInputs = step.kind === 'hub' ? new Set(step.inputs.filter((i) => !(step.dependsOn ?? []).includes(i))) : new Set<string>();
    for (const dep of info.deps) {
      const r = this.results.get(scope.prefix + dep);
      if (!r) return { cause: 'not_run', reason: `${dep} did not run` };
      if (dep === info.branch) {
        const chosen = (r.data?.['chosen'] as unknown[] | undefined) ?? [];
        if (r.status !== 'succeeded') return { cause: inherit(r), reason: `branch ${dep} did not decide (${r.skip?.reason ?? r.status})` };
        if (!chosen.includes(step.id)) return { cause: 'branch', reason: `branch ${dep} chose "${String(r.data?.['branch'])}"` };
        continue;
      }
      if (r.status !== 'succeeded' && !hubInputs.has(dep)) {
        return { cause: inherit(r), reason: `needs ${dep}: ${r.skip?.reason ?? r.error?.message ?? r.status}` };
      }
    }
    if (step.kind === 'hub') {
      const present = step.inputs.filter((i) => this.results.get(scope.prefix + i)?.status === 'succeeded').length;
      const min = step.minInputs ?? 1;
      if (present < min) {
        const allByDesign = step.inputs.every((i) => {
          const r = this.results.get(scope.prefix + i);
          return r?.skip && BY_DESIGN.has(r.skip.cause);
        });
        return { cause: allByDesign ? 'condition' : 'dependency', reason: `only ${present} of ${step.inputs.length} inputs available (needs ${min})` };
      }
    }
    const why = step.skipIf?.(ctx);
    if (why) return { cause: 'condition', reason: why };
    return undefined;
  }

  private base(scope: Scope, info: StepInfo, at: number): Pick<StepResult, 'stepId' | 'phaseId' | 'kind' | 'title' | 'writes' | 'critical' | 'startedAt'> {
    const step = info.def;
    return {
      stepId: scope.prefix + step.id,
      phaseId: scope.prefix + info.phaseId,
      kind: step.kind,
      ...(step.title !== undefined ? { title: step.title } : {}),
      writes: info.writes,
      critical: info.critical,
      startedAt: at,
    };
  }

  /** The end of the ladder: a critical step blocks its workflow, any other is skipped with confidence 0. */
  private failure(scope: Scope, info: StepInfo, error: OrchestratorError, started: number, attempts: number, extra: string[] = []): StepResult {
    const step = info.def;
    const finishedAt = this.clock.now();
    const name = step.title ?? step.id;
    const common = { ...this.base(scope, info, started), source: 'none' as const, error: errorInfo(error), attempts, durationMs: finishedAt - started, finishedAt, warnings: extra };
    const capability = capabilityOf(step);
    const withCapability = capability ? { capability } : {};
    if (this.signal.aborted) {
      return { ...common, ...withCapability, status: 'failed', confidence: confidenceOf(0, `not finished: ${error.message}`) };
    }
    if (info.writes && !DEFINITE_WRITE_FAILURES.has(error.kind)) {
      const reason = `the write failed with ${error.kind} (${error.message}) and may have been applied: check the server, then resume with retryUncertainWrites: ["${common.stepId}"]`;
      scope.stop ??= { status: 'needs_review', reason: `Write ${common.stepId}: ${reason}` };
      return { ...common, ...withCapability, status: 'skipped', skip: { cause: 'uncertain_write', reason }, confidence: confidenceOf(0, 'outcome of the write is unknown') };
    }
    if (info.critical) {
      const reason = `Cannot proceed - ${name} unavailable: ${error.message}`;
      scope.stop ??= { status: 'blocked', reason };
      return { ...common, ...withCapability, status: 'failed', confidence: confidenceOf(0, `failed: ${error.message}`) };
    }
    const cause: SkipCause = error.kind === 'unavailable' ? 'unavailable' : 'failed';
    return {
      ...common,
      ...withCapability,
      status: 'skipped',
      skip: { cause, reason: `${cause === 'unavailable' ? 'capability missing' : 'failed'}: ${error.message}` },
      confidence: confidenceOf(0, cause === 'unavailable' ? `capability missing: ${error.message}` : `failed: ${error.message}`),
    };
  }

  private progressAndRetry(stepId: string, capability: string) {
    return {
      onProgress: (p: { progress: number; total?: number; message?: string }) =>
        this.emit({ type: 'progress', runId: this.runId, stepId, ...p, at: this.clock.now() }),
      onRetry: (n: { attempt: number; delayMs: number; error: OrchestratorError }) =>
        this.emit({ type: 'retry_scheduled', runId: this.runId, stepId, capability, attempt: n.attempt, delayMs: n.delayMs, error: errorInfo(n.error), at: this.clock.now() }),
    };
  }

  private async started(scope: Scope, info: StepInfo, capability?: string): Promise<number> {
    const at = this.clock.now();
    await this.record({
      type: 'step_started',
      runId: this.runId,
      phaseId: scope.prefix + info.phaseId,
      stepId: scope.prefix + info.def.id,
      kind: info.def.kind,
      ...(capability ? { capability } : {}),
      writes: info.writes,
      at,
    });
    return at;
  }

  /** Calls a capability with the step's time limit; the shared part of tool steps, hubs and tool fallbacks. */
  private async callTool(scope: Scope, stepId: string, capability: string, args: JsonObject, writes: boolean): Promise<CallResult> {
    const policy = scope.policies.get(capability);
    const limit = deadlineSignal(this.clock, policy.stepTimeoutMs, this.signal, () => new OrchestratorError('timeout', `${capability} did not finish within the step's ${policy.stepTimeoutMs} ms (retries included)`, { tool: capability }));
    try {
      return await this.options.policy.call({
        capability,
        args,
        writes,
        policy,
        cacheMode: scope.cacheMode,
        signal: limit.signal,
        ...this.progressAndRetry(stepId, capability),
      });
    } finally {
      limit.dispose();
    }
  }

  private async runTool(scope: Scope, info: StepInfo, step: ToolStep<JsonObject>, ctx: RunContext): Promise<StepResult> {
    return this.toolLike(scope, info, ctx, step.capability, () => step.args(ctx), step.fallback, step.confidence, undefined);
  }

  private async toolLike(
    scope: Scope,
    info: StepInfo,
    ctx: RunContext,
    capability: string,
    buildArgs: () => JsonObject,
    fallback: FallbackDefinition<JsonObject> | undefined,
    rules: StepConfidenceRules<JsonObject> | undefined,
    inputs: { expected: number; present: number; confidence?: { method: AggregationMethod; value: number } } | undefined,
  ): Promise<StepResult> {
    const stepId = scope.prefix + info.def.id;
    const started = await this.started(scope, info, capability);
    let args: JsonObject;
    try {
      args = buildArgs();
    } catch (error) {
      return this.failure(scope, info, asOrchestratorError(error, 'invalid_result'), started, 0, [`could not build the arguments`]);
    }
    const policy = scope.policies.get(capability);
    const resolution = this.options.policy.resolve(capability);
    let failure: OrchestratorError;
    let attempts = 0;
    if (resolution.status === 'available' && resolution.writes && !info.writes) {
      return this.failure(scope, info, new OrchestratorError('validation', `${capability} (${resolution.tool}) writes, but step ${stepId} is not declared as writing: refusing to run it without an approval gate`), started, 0);
    }
    if (resolution.status === 'unavailable') {
      failure = new OrchestratorError('unavailable', `${capability} is not available on this server: ${resolution.reason}`, { tool: capability });
    } else {
      const outcome = await this.callTool(scope, stepId, capability, args, info.writes);
      attempts = outcome.attempts;
      if (outcome.ok) {
        if (outcome.source === 'cache') this.emit({ type: 'cache_hit', runId: this.runId, stepId, capability, ageMs: outcome.ageMs ?? 0, at: this.clock.now() });
        const finishedAt = this.clock.now();
        const confidence = scoreToolResult({
          capability,
          base: rules?.base ?? policy.confidence.base,
          data: outcome.data,
          source: outcome.source,
          durationMs: outcome.durationMs,
          slowAfterMs: policy.confidence.slowAfterMs,
          slowPenalty: policy.confidence.slowPenalty,
          ...(outcome.ageMs !== undefined ? { cacheAgeMs: outcome.ageMs, cachedPenalty: 0 } : {}),
          ...(inputs ? { inputs } : {}),
          extra: [...this.ruleFactors(rules, outcome.data, ctx), ...inputCap(inputs)],
        });
        return {
          ...this.base(scope, info, started),
          status: 'succeeded',
          source: outcome.source,
          capability,
          tool: outcome.tool,
          data: outcome.data,
          confidence,
          ...(outcome.source === 'cache' ? { label: `fresh cached result from ${formatAge(outcome.ageMs ?? 0)} ago`, cacheAgeMs: outcome.ageMs ?? 0 } : {}),
          ...(outcome.shared ? { shared: true } : {}),
          attempts,
          durationMs: finishedAt - started,
          finishedAt,
          warnings: [],
        };
      }
      failure = outcome.error;
    }
    if (this.signal.aborted || info.writes || NOT_RECOVERABLE.has(failure.kind)) return this.failure(scope, info, failure, started, attempts);

    // Rung 2: a cached result within the capability's max age.
    if (scope.cacheMode !== 'off') {
      const cached = this.options.policy.cachedWithin(capability, args, policy.cache.maxAgeMs);
      if (cached) {
        const label = `using cached result from ${formatAge(cached.ageMs)} ago`;
        this.emit({ type: 'fallback_used', runId: this.runId, stepId, capability, fallback: 'cache', label, error: errorInfo(failure), at: this.clock.now() });
        const finishedAt = this.clock.now();
        return {
          ...this.base(scope, info, started),
          status: 'succeeded',
          source: 'cache',
          capability,
          tool: cached.tool,
          data: cached.data,
          confidence: scoreToolResult({
            capability,
            base: rules?.base ?? policy.confidence.base,
            data: cached.data,
            source: 'cache',
            durationMs: 0,
            slowAfterMs: policy.confidence.slowAfterMs,
            slowPenalty: 0,
            cacheAgeMs: cached.ageMs,
            cachedPenalty: policy.confidence.cachedPenalty,
            ...(inputs ? { inputs } : {}),
            extra: [...this.ruleFactors(rules, cached.data, ctx), ...inputCap(inputs)],
          }),
          label,
          cacheAgeMs: cached.ageMs,
          error: errorInfo(failure),
          attempts,
          durationMs: finishedAt - started,
          finishedAt,
          warnings: [`${capability} failed (${failure.message}); ${label}`],
        };
      }
    }

    // Rung 3: the registered simplified fallback.
    if (fallback) {
      const result = await this.runFallback(scope, info, ctx, capability, args, fallback, failure, started, attempts);
      if (result) return result;
    }
    return this.failure(scope, info, failure, started, attempts);
  }

  private async runFallback(
    scope: Scope,
    info: StepInfo,
    ctx: RunContext,
    capability: string,
    args: JsonObject,
    fallback: FallbackDefinition<JsonObject>,
    failure: OrchestratorError,
    started: number,
    attempts: number,
  ): Promise<StepResult | undefined> {
    const stepId = scope.prefix + info.def.id;
    const announce = (kind: 'tool' | 'compute') =>
      this.emit({ type: 'fallback_used', runId: this.runId, stepId, capability, fallback: kind, label: fallback.label, error: errorInfo(failure), at: this.clock.now() });
    const warning = `${capability} failed (${failure.message}); fallback: ${fallback.label}`;
    try {
      if (fallback.kind === 'compute') {
        const data = jsonCopy(fallback.compute(ctx));
        announce('compute');
        const finishedAt = this.clock.now();
        return {
          ...this.base(scope, info, started),
          status: 'succeeded',
          source: 'fallback',
          capability,
          data,
          confidence: computeConfidence([
            { kind: 'base', label: `fallback: ${fallback.label}`, value: fallback.base },
            ...placeholderCap(data),
          ]),
          label: fallback.label,
          error: errorInfo(failure),
          attempts,
          durationMs: finishedAt - started,
          finishedAt,
          warnings: [warning],
        };
      }
      if (this.options.policy.resolve(fallback.capability).status !== 'available') return undefined;
      const fbArgs = fallback.args ? fallback.args(ctx) : args;
      const outcome = await this.callTool(scope, stepId, fallback.capability, fbArgs, false);
      if (!outcome.ok) return undefined;
      announce('tool');
      const fbPolicy = scope.policies.get(fallback.capability);
      const finishedAt = this.clock.now();
      return {
        ...this.base(scope, info, started),
        status: 'succeeded',
        source: 'fallback',
        capability,
        tool: outcome.tool,
        data: outcome.data,
        confidence: scoreToolResult({
          capability: fallback.capability,
          base: fbPolicy.confidence.base,
          data: outcome.data,
          source: 'fallback',
          fallbackLabel: fallback.label,
          fallbackPenalty: fallback.penalty ?? fbPolicy.confidence.fallbackPenalty,
          durationMs: outcome.durationMs,
          slowAfterMs: fbPolicy.confidence.slowAfterMs,
          slowPenalty: 0,
        }),
        label: fallback.label,
        error: errorInfo(failure),
        attempts: attempts + outcome.attempts,
        durationMs: finishedAt - started,
        finishedAt,
        warnings: [warning],
      };
    } catch (error) {
      this.logger.log('warn', `Fallback of ${stepId} failed`, { error: String(error) });
      return undefined;
    }
  }

  private ruleFactors(rules: StepConfidenceRules<JsonObject> | undefined, data: JsonObject, ctx: RunContext): ConfidenceFactor[] {
    if (!rules?.adjust) return [];
    try {
      return rules.adjust(data, ctx);
    } catch (error) {
      return [{ kind: 'adjust', label: `confidence rule failed (${(error as Error).message})`, delta: -0.1 }];
    }
  }

  private inputConfidences(scope: Scope, ids: readonly string[]): number[] {
    return ids
      .map((id) => this.results.get(scope.prefix + id))
      .filter((r): r is StepResult => r?.status === 'succeeded')
      .map((r) => r.confidence.value);
  }

  private async runHub(scope: Scope, info: StepInfo, step: HubStep<JsonObject>, ctx: RunContext): Promise<StepResult> {
    const present = step.inputs.filter((i) => this.results.get(scope.prefix + i)?.status === 'succeeded').length;
    const method = step.inputConfidence ?? 'unified';
    const agg = aggregateConfidence(
      this.inputConfidences(scope, step.inputs).map((value) => ({ value })),
      method,
    );
    const inputs = { expected: step.inputs.length, present, ...(agg !== undefined ? { confidence: { method, value: agg } } : {}) };
    if ('capability' in step) {
      return this.toolLike(scope, info, ctx, step.capability, () => step.args(ctx), step.fallback, step.confidence, inputs);
    }
    const started = await this.started(scope, info);
    const data = jsonCopy(step.compute(ctx));
    const finishedAt = this.clock.now();
    return {
      ...this.base(scope, info, started),
      status: 'succeeded',
      source: 'compute',
      data,
      confidence: computeConfidence([{ kind: 'base', label: `${method.replace('_', ' ')} of ${present} input confidences`, value: agg ?? 0 }, ...inputCap(inputs), ...placeholderCap(data)]),
      attempts: 0,
      durationMs: finishedAt - started,
      finishedAt,
      warnings: present < step.inputs.length ? [`${step.inputs.length - present} of ${step.inputs.length} inputs missing`] : [],
    };
  }

  private async runCompute(scope: Scope, info: StepInfo, step: ComputeStep<JsonObject>, ctx: RunContext): Promise<StepResult> {
    const started = await this.started(scope, info);
    const data = jsonCopy(step.compute(ctx));
    let confidence: Confidence;
    if (typeof step.confidence === 'function') {
      confidence = computeConfidence(step.confidence(data, ctx));
    } else {
      const method = step.confidence ?? 'weighted_mean';
      const deps = info.deps.filter((d) => d !== info.branch);
      const value = aggregateConfidence(this.inputConfidences(scope, deps).map((v) => ({ value: v })), method);
      confidence = computeConfidence([
        value === undefined ? { kind: 'base', label: 'computed without tool inputs', value: 1 } : { kind: 'base', label: `${method.replace('_', ' ')} of its inputs`, value },
        ...placeholderCap(data),
      ]);
    }
    const finishedAt = this.clock.now();
    return { ...this.base(scope, info, started), status: 'succeeded', source: 'compute', data, confidence, attempts: 0, durationMs: finishedAt - started, finishedAt, warnings: [] };
  }

  private async runBranch(scope: Scope, info: StepInfo, step: BranchStep<JsonObject>, ctx: RunContext): Promise<StepResult> {
    const started = await this.started(scope, info);
    const requested = step.choose(ctx);
    const known = Object.prototype.hasOwnProperty.call(step.branches, requested);
    const chosen = known ? step.branches[requested]! : (step.default ?? []);
    const value = aggregateConfidence(this.inputConfidences(scope, step.dependsOn ?? []).map((v) => ({ value: v })), 'minimum');
    const finishedAt = this.clock.now();
    return {
      ...this.base(scope, info, started),
      status: 'succeeded',
      source: 'compute',
      data: { branch: known ? requested : 'default', requested, chosen: [...chosen] },
      confidence: confidenceOf(value ?? 1, `branch "${known ? requested : 'default'}" chosen`),
      attempts: 0,
      durationMs: finishedAt - started,
      finishedAt,
      warnings: [],
    };
  }

  private async runApproval(scope: Scope, info: StepInfo, step: ApprovalStep<JsonObject>, ctx: RunContext): Promise<StepResult> {
    const started = await this.started(scope, info);
    const stepId = scope.prefix + step.id;
    const content = step.request(ctx);
    const def = scope.workflow.definition;
    const gatedWrites = [...scope.workflow.steps.values()]
      .filter((s) => s.writes && dependsTransitively(scope.workflow, s.def.id, step.id))
      .map((s) => capabilityOf(s.def) ?? s.def.id);
    const request = {
      runId: this.runId,
      workflowId: def.id,
      workflowTitle: def.title,
      stepId,
      title: step.title,
      summary: content.summary,
      details: jsonCopy(content.details ?? {}),
      blockingIssues: [...(content.blockingIssues ?? [])],
      writes: gatedWrites,
      requestedAt: started,
      ...(step.timeoutMs !== undefined ? { expiresAt: started + step.timeoutMs } : {}),
    };
    await this.record({ type: 'approval_requested', runId: this.runId, stepId, request, at: started });
    const limit = deadlineSignal(this.clock, step.timeoutMs ?? Number.POSITIVE_INFINITY, this.signal, () => new OrchestratorError('timeout', `no answer within ${formatAge(step.timeoutMs ?? 0)}`));
    let answer: ApprovalAnswer;
    // Human time does not count against the workflow's time limit.
    this.deadline.pause();
    try {
      answer = checkAnswer(await raceAbort(this.options.approvals.request(request, limit.signal), limit.signal), this.clock.now());
    } catch (error) {
      const reason = limit.signal.aborted ? asOrchestratorError(limit.signal.reason).message : `dismissed (${(error as Error).message})`;
      answer = { approved: false, approver: 'system', reason, at: this.clock.now() };
    } finally {
      limit.dispose();
      this.deadline.resume();
    }
    let refusal: string | undefined;
    if (answer.approved && request.blockingIssues.length > 0 && !answer.override?.justification?.trim()) {
      refusal = `approving despite ${request.blockingIssues.length} blocking issue(s) needs an override justification`;
    }
    const exception: ExceptionRecord | undefined =
      answer.approved && !refusal && request.blockingIssues.length > 0
        ? {
            id: `${this.runId}-${step.id}-exception`,
            runId: this.runId,
            workflowId: def.id,
            stepId,
            approver: answer.approver,
            issues: request.blockingIssues,
            justification: answer.override!.justification,
            reason: answer.reason,
            at: answer.at,
          }
        : undefined;
    await this.record({ type: 'approval_answered', runId: this.runId, stepId, answer, ...(exception ? { exception } : {}), at: this.clock.now() });
    const finishedAt = this.clock.now();
    const common = { ...this.base(scope, info, started), source: 'human' as const, attempts: 0, durationMs: finishedAt - started, finishedAt };
    if (answer.approved && !refusal) {
      return {
        ...common,
        status: 'succeeded',
        data: { approved: true, approver: answer.approver, reason: answer.reason, at: answer.at, ...(exception ? { exceptionId: exception.id } : {}) },
        confidence: confidenceOf(1, `approved by ${answer.approver}`),
        warnings: exception ? [`override: exception ${exception.id}`] : [],
      };
    }
    const reason = refusal ? `Not approved: ${refusal}` : `Rejected by ${answer.approver}: ${answer.reason}`;
    scope.stop ??= { status: 'rejected', reason };
    return { ...common, status: 'skipped', skip: { cause: 'rejected', reason }, confidence: confidenceOf(0, reason), warnings: [] };
  }

  private async runSubWorkflow(scope: Scope, info: StepInfo, step: SubWorkflowStep<JsonObject>, ctx: RunContext): Promise<StepResult> {
    const child = scope.workflow.children.get(step.id)!;
    const started = await this.started(scope, info);
    let inputs: JsonObject;
    try {
      inputs = jsonCopy(child.definition.parseInputs(step.inputs(ctx)));
    } catch (error) {
      return this.failure(scope, info, new OrchestratorError('validation', `Invalid inputs for sub-workflow ${child.definition.id}: ${(error as Error).message}`), started, 0);
    }
    const childScope = this.scope(child, `${scope.prefix}${step.id}/`, step.mode ?? child.definition.defaultMode, inputs);
    const outcome = await this.runScope(childScope);
    scope.warnings.push(...childScope.warnings.map((w) => `${step.id}: ${w}`));
    const finishedAt = this.clock.now();
    const data = {
      status: outcome.status,
      ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}),
      ...(outcome.confidence ? { confidence: outcome.confidence.value } : {}),
      results: Object.fromEntries(
        [...child.steps.keys()].flatMap((id) => {
          const r = this.results.get(childScope.prefix + id);
          return r?.status === 'succeeded' && r.data ? [[id, r.data]] : [];
        }),
      ),
    };
    if (outcome.status === 'completed' || outcome.status === 'needs_review') {
      if (outcome.status === 'needs_review') scope.reviews.push(`${step.title ?? step.id}: ${outcome.reason ?? 'needs review'}`);
      return {
        ...this.base(scope, info, started),
        status: 'succeeded',
        source: 'compute',
        data,
        confidence: outcome.confidence ?? confidenceOf(1, `sub-workflow ${child.definition.id} completed`),
        attempts: 0,
        durationMs: finishedAt - started,
        finishedAt,
        warnings: outcome.status === 'needs_review' ? [`needs review: ${outcome.reason ?? ''}`] : [],
      };
    }
    const kind: ErrorKind = outcome.status === 'cancelled' ? 'cancelled' : 'compliance';
    const result = this.failure(scope, info, new OrchestratorError(kind, `sub-workflow ${child.definition.id} ended ${outcome.status}: ${outcome.reason ?? ''}`), started, 0);
    return { ...result, data };
  }
}

function inherit(r: StepResult): SkipCause {
  if (r.skip && (BY_DESIGN.has(r.skip.cause) || r.skip.cause === 'rejected')) return r.skip.cause;
  return 'dependency';
}

function capabilityOf(step: StepDefinition): string | undefined {
  if (step.kind === 'tool') return step.capability;
  if (step.kind === 'hub' && 'capability' in step) return step.capability;
  return undefined;
}

function inputCap(inputs: { confidence?: { method: AggregationMethod; value: number } } | undefined): ConfidenceFactor[] {
  const c = inputs?.confidence;
  return c ? [{ kind: 'cap', label: `inputs' confidence (${c.method.replace('_', ' ')}) ${c.value.toFixed(2)}`, max: c.value }] : [];
}

function placeholderCap(data: JsonObject): ConfidenceFactor[] {
  return scoreToolResult({ capability: '', base: 1, data, source: 'live', durationMs: 0, slowAfterMs: 1, slowPenalty: 0 }).factors.filter((f) => f.kind === 'cap' && f.max === 0);
}

/** Results are recorded and replayed as JSON: anything else is a bug in the workflow. */
function jsonCopy(value: JsonObject): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new OrchestratorError('invalid_result', 'A step must produce a JSON object');
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}

function checkAnswer(answer: ApprovalAnswer, now: number): ApprovalAnswer {
  if (typeof answer?.approved !== 'boolean' || typeof answer.approver !== 'string' || answer.approver.trim() === '' || typeof answer.reason !== 'string') {
    throw new OrchestratorError('validation', 'the approval answer must name the approver, the decision and a reason');
  }
  return { ...answer, at: typeof answer.at === 'number' ? answer.at : now };
}

function dependsTransitively(workflow: LoadedWorkflow, from: string, target: string): boolean {
  const seen = new Set<string>();
  const stack = [...(workflow.steps.get(from)?.deps ?? [])];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === target) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(workflow.steps.get(id)?.deps ?? []));
  }
  return false;
}
