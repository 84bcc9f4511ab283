/**
 * The application layer every host drives (CLI, VS Code views and panel, chat, language-model
 * tools): one connection, the policy runtime, the engine, the run history and the state
 * directory, with a run store that folds the engine's events and an approval broker that
 * routes each run's approvals to the host that started it. Hosts parse their own input and
 * render their own output; everything between is here.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { Engine, type RunHandle } from '../engine/engine';
import type { EngineEvent, RunEvent } from '../engine/events';
import { RunHistory, type RunRecord } from '../engine/history';
import type { ApprovalAnswer } from '../engine/approval';
import type { RunSummary } from '../engine/results';
import { OrchestratorError } from '../errors';
import { CAPABILITIES } from '../mcp/capabilities';
import { resolveCapability } from '../mcp/catalog';
import type { McpConnection } from '../mcp/connection';
import { McpToolInvoker } from '../mcp/invoker';
import type { ToolHealth } from '../policy/health';
import { PolicyTable, type PolicyOverrides } from '../policy/policies';
import { PolicyRuntime } from '../policy/runtime';
import { JsonFileStateStore } from '../policy/stateStore';
import { renderMarkdown } from '../report/markdown';
import { buildReport, type Report } from '../report/report';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/log';
import { writeOutputFile, type OutputOptions } from '../util/outputFile';
import { findWorkflow, loadModule } from '../workflows/catalog';
import type { WorkflowModule } from '../workflows/shared/module';
import type { NextAction } from '../workflows/shared/nextActions';
import { activeCalls, requestOwner, type ActiveCall } from '../engine/activeCalls';
import { ApprovalBroker, type ApprovalResponder } from './approvalBroker';
import { InputBroker, type InputResponder } from './inputBroker';
import type { ElicitationBroker } from './elicitation';
import { serverLabel } from './serverLabel';
import { RunStore } from './runStore';

export interface AppOptions {
  connection: McpConnection;
  /** Run histories (runs/), breaker and cache state (state/), reports (reports/). */
  stateDir: string;
  logger: Logger;
  /** Policy overrides on top of the seed's. */
  policies?: PolicyOverrides;
  clock?: Clock;
  /** Answers approvals of runs that bring no responder; without one they wait for `approvals.answer()`. */
  defaultResponder?: ApprovalResponder;
  /** How this host writes a next action in reports (the CLI: a command line). */
  renderAction?: (action: NextAction) => string;
  /** Answers "needs input" questions of runs that bring no input responder; without one they are declined. */
  defaultInputResponder?: InputResponder;
  /** The broker the connection hands elicitations to: its answers are recorded on the step whose call the request came during. */
  elicitation?: ElicitationBroker;
}

export interface StartRequest {
  /** A workflow id: compliance, resilience, generate, swap. */
  workflow: string;
  mode?: string | undefined;
  inputs: Record<string, unknown>;
  /** Aborting it cancels the run and every call in flight. */
  signal?: AbortSignal;
  /** Answers this run's approvals (else the default responder). */
  responder?: ApprovalResponder;
  /** Answers this run's "needs input" questions (else the default input responder). */
  inputResponder?: InputResponder;
  /** Sees every event of the run and every breaker change while it runs. */
  onEvent?: (event: EngineEvent) => void;
}

export interface ResumeRequest {
  signal?: AbortSignal;
  responder?: ApprovalResponder;
  inputResponder?: InputResponder;
  onEvent?: (event: EngineEvent) => void;
  /** Writes in flight when the run stopped, checked on the server and to be sent again. */
  retryUncertainWrites?: readonly string[];
  /** An answer for the approval the run was waiting for when its host stopped. */
  answer?: { stepId: string; answer: ApprovalAnswer };
}

export interface RunOutcome {
  summary: RunSummary;
  report: Report;
  files: { markdown: string; json: string };
}

export interface RunTicket {
  runId: string;
  /** Settles with the outcome; rejects only when the run could not be recorded or reported. */
  done: Promise<RunOutcome>;
  cancel(reason?: string): void;
}

export type CapabilityRow =
  | { capability: string; description: string; status: 'available'; tool: string; writes: boolean }
  | { capability: string; description: string; status: 'unavailable'; reason: string };

export function stateLayout(stateDir: string): { runs: string; state: string; reports: string } {
  return { runs: join(stateDir, 'runs'), state: join(stateDir, 'state'), reports: join(stateDir, 'reports') };
}

/**
 * Writes the report as Markdown and JSON; returns the two paths. With `output` the paths are
 * a user's (checked, never through a symlink, replaced only when `overwrite` says so).
 */
export async function writeReport(report: Report, markdownPath: string, jsonPath: string, output?: OutputOptions): Promise<{ markdown: string; json: string }> {
  const markdown = renderMarkdown(report);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (output) {
    return { markdown: await writeOutputFile(markdownPath, markdown, output), json: await writeOutputFile(jsonPath, json, output) };
  }
  await Promise.all([fs.writeFile(markdownPath, markdown, 'utf8'), fs.writeFile(jsonPath, json, 'utf8')]);
  return { markdown: markdownPath, json: jsonPath };
}

export function workflowModule(id: string): WorkflowModule {
  const module = findWorkflow(id);
  if (!module) throw new OrchestratorError('validation', `Unknown workflow "${id}"`);
  return module;
}

export class SchedulingApp {
  readonly runs: RunStore;
  readonly approvals: ApprovalBroker;
  /** "Needs input" questions: pending ones, answers from any host (see inputBroker.ts). */
  readonly inputs: InputBroker;
  private readonly handles = new Map<string, RunHandle>();
  private readonly unsubscribe: () => void;

  private constructor(
    readonly connection: McpConnection,
    private readonly runtime: PolicyRuntime,
    private readonly engine: Engine,
    private readonly history: RunHistory,
    private readonly reportsDir: string,
    approvals: ApprovalBroker,
    inputs: InputBroker,
    private readonly options: AppOptions,
  ) {
    this.approvals = approvals;
    this.inputs = inputs;
    this.runs = new RunStore((id) => findWorkflow(id)?.definition, options.logger);
    const unsubscribeRuns = engine.subscribe((event) => this.runs.apply(event));
    const unsubscribeInputs = options.elicitation?.onRequest(({ taskId }) => {
      const arrived = activeCalls(runtime);
      return (answer) => {
        const at = options.clock?.now() ?? Date.now();
        const found = requestOwner(arrived, activeCalls(runtime), taskId);
        if (!found) return;
        const record = (call: ActiveCall, event: RunEvent) =>
          void call.record(event).catch((error: unknown) => options.logger.log('warn', `could not record an input answer: ${String(error)}`));
        if ('owner' in found) {
          record(found.owner, { type: 'elicitation_answered', runId: found.owner.runId, stepId: found.owner.stepId, ...answer, at });
          return;
        }
        // Which of several calls asked is not known: each run they belong to records it once, naming them.
        const byRun = new Map<string, ActiveCall[]>();
        for (const call of found.candidates) byRun.set(call.runId, [...(byRun.get(call.runId) ?? []), call]);
        for (const [runId, calls] of byRun) record(calls[0]!, { type: 'elicitation_answered', runId, inFlight: calls.map((c) => c.stepId), ...answer, at });
      };
    });
    this.unsubscribe = () => {
      unsubscribeRuns();
      unsubscribeInputs?.();
    };
  }

  static async create(options: AppOptions): Promise<SchedulingApp> {
    const layout = stateLayout(options.stateDir);
    await fs.mkdir(layout.reports, { recursive: true });
    const runtime = await PolicyRuntime.create({
      invoker: new McpToolInvoker({ connection: options.connection }),
      stateStore: new JsonFileStateStore(layout.state, options.logger),
      logger: options.logger,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.policies ? { policies: new PolicyTable(options.policies) } : {}),
    });
    const approvals = new ApprovalBroker(options.defaultResponder, options.logger);
    const inputs = new InputBroker(options.defaultInputResponder, options.logger);
    const history = new RunHistory(layout.runs);
    const engine = new Engine({ policy: runtime, approvals, inputs, history, logger: options.logger, ...(options.clock ? { clock: options.clock } : {}) });
    return new SchedulingApp(options.connection, runtime, engine, history, layout.reports, approvals, inputs, options);
  }

  /** Lists the runs of earlier processes in the run store. */
  loadHistory(limit?: number): Promise<void> {
    return this.runs.loadHistory(this.history, limit);
  }

  /** Starts a run; throws a validation error (and starts nothing) for an unknown workflow, mode or bad inputs. */
  start(request: StartRequest): RunTicket {
    const module = workflowModule(request.workflow);
    const loaded = loadModule(module);
    const scheduleId = request.inputs['schedule_id'];
    const handle = this.engine.start(loaded, {
      inputs: request.inputs,
      ...(request.mode ? { mode: request.mode } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
      ...(typeof scheduleId === 'string' ? { scheduleId } : {}),
    });
    return this.follow(module, handle, request);
  }

  /** Continues a recorded run (interrupted, failed or blocked): completed steps are kept, no completed write is sent again. */
  async resume(runId: string, request: ResumeRequest = {}): Promise<RunTicket> {
    if (this.handles.has(runId)) throw new OrchestratorError('validation', `Run ${runId} is still running`);
    const record = await this.history.load(runId);
    const module = workflowModule(record.workflowId);
    if (request.answer) this.approvals.prepare(runId, request.answer.stepId, request.answer.answer);
    // A write that was running as a server task is not uncertain: its step polls that task
    // (src/core/engine/steps/toolCall.ts) and never sends the write again.
    const polled = [...record.tasks.keys()].filter((stepId) => record.inFlight.get(stepId)?.writes === true);
    const retry = [...new Set([...(request.retryUncertainWrites ?? []), ...polled])];
    const handle = await this.engine.resume(loadModule(module), runId, {
      ...(request.signal ? { signal: request.signal } : {}),
      ...(retry.length > 0 ? { retryUncertainWrites: retry } : {}),
    });
    return this.follow(module, handle, request);
  }

  /** The run as its history recorded it; throws when the history has no such run. */
  recordedRun(runId: string): Promise<RunRecord> {
    return this.history.load(runId);
  }

  /** Runs a recorded run's workflow again with the same mode and inputs (plus `changes`). */
  async rerun(
    runId: string,
    changes: { mode?: string; inputs?: Record<string, unknown> } = {},
    request: Omit<StartRequest, 'workflow' | 'inputs' | 'mode'> = {},
  ): Promise<RunTicket> {
    const snapshot = this.runs.snapshot(runId) ?? (await this.history.load(runId));
    return this.start({ ...request, workflow: snapshot.workflowId, mode: changes.mode ?? snapshot.mode, inputs: { ...snapshot.inputs, ...changes.inputs } });
  }

  /** Cancels a live run; false when it is not running here. */
  cancel(runId: string, reason?: string): boolean {
    const handle = this.handles.get(runId);
    handle?.cancel(reason);
    return handle !== undefined;
  }

  isLive(runId: string): boolean {
    return this.handles.has(runId);
  }

  /** The saved report of a finished run, if there is one. */
  async report(runId: string): Promise<Report | undefined> {
    try {
      return JSON.parse(await fs.readFile(join(this.reportsDir, `${runId}.json`), 'utf8')) as Report;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  reportFiles(runId: string): { markdown: string; json: string } {
    return { markdown: join(this.reportsDir, `${runId}.md`), json: join(this.reportsDir, `${runId}.json`) };
  }

  /** Every engine event (runs, breakers, tool health). */
  onEvent(listener: (event: EngineEvent) => void): () => void {
    return this.engine.subscribe(listener);
  }

  health(): ToolHealth[] {
    return this.engine.health();
  }

  /** How each capability the workflows use resolved on this server (connect first). */
  capabilities(): CapabilityRow[] {
    return CAPABILITIES.map((spec) => {
      const r = resolveCapability(spec.name, this.connection.tools);
      return r.status === 'available'
        ? { capability: spec.name, description: spec.description, status: 'available', tool: r.tool, writes: r.writes }
        : { capability: spec.name, description: spec.description, status: 'unavailable', reason: r.reason };
    });
  }

  /**
   * The host is going away (a VS Code window closing or reloading): runs that have used a
   * server task are left to the next process, which resumes them by polling the task (their
   * ids are returned); the others are cancelled as `dispose()` cancels them.
   */
  async shutdown(): Promise<string[]> {
    const detached = [...this.handles.keys()].filter((runId) => this.runs.snapshot(runId)?.events.some((e) => e.type === 'task_started') === true && this.engine.detach(runId));
    await this.dispose();
    return detached;
  }

  /** Cancels live runs and saves breaker and cache state; the connection stays the caller's. */
  async dispose(): Promise<void> {
    await this.engine.dispose();
    await this.runtime.flush();
    this.unsubscribe();
  }

  private follow(module: WorkflowModule, handle: RunHandle, request: Pick<StartRequest, 'responder' | 'inputResponder' | 'onEvent'>): RunTicket {
    const runId = handle.runId;
    this.handles.set(runId, handle);
    const unrouteApprovals = request.responder ? this.approvals.route(runId, request.responder) : () => undefined;
    const unrouteInputs = request.inputResponder ? this.inputs.route(runId, request.inputResponder) : () => undefined;
    const unroute = () => {
      unrouteApprovals();
      unrouteInputs();
    };
    const breakers: EngineEvent[] = [];
    // Breaker changes are not run events: take them from the engine while this run lasts.
    const unsubscribeBreakers = this.engine.subscribe((event) => {
      if (event.type !== 'breaker_changed') return;
      breakers.push(event);
      request.onEvent?.(event);
    });
    const unsubscribeRun = request.onEvent ? handle.subscribe(request.onEvent) : () => undefined;
    const done = handle.result
      .finally(() => {
        unsubscribeRun();
        unsubscribeBreakers();
        unroute();
        this.handles.delete(runId);
      })
      .then(async (summary) => {
        await this.runtime.flush();
        const events = [...(this.runs.snapshot(runId)?.events ?? []), ...breakers];
        const report = buildReport({
          module,
          summary,
          events,
          server: serverLabel(this.connection),
          ...(this.options.renderAction ? { renderAction: this.options.renderAction } : {}),
        });
        const paths = this.reportFiles(runId);
        const files = await writeReport(report, paths.markdown, paths.json);
        return { summary, report, files };
      });
    return { runId, done, cancel: (reason) => handle.cancel(reason) };
  }
}
