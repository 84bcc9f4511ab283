/**
 * What `run` and `demo` share: an engine over one connection, with run history, breaker and
 * cache state in the state directory, and each run turned into a report saved beside them.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { ApprovalPort } from '../core/engine/approval';
import type { EngineEvent } from '../core/engine/events';
import { Engine } from '../core/engine/engine';
import { RunHistory } from '../core/engine/history';
import type { RunSummary } from '../core/engine/results';
import type { McpConnection } from '../core/mcp/connection';
import { McpToolInvoker } from '../core/mcp/invoker';
import { PolicyTable, type PolicyOverrides } from '../core/policy/policies';
import { PolicyRuntime } from '../core/policy/runtime';
import { JsonFileStateStore } from '../core/policy/stateStore';
import { renderMarkdown } from '../core/report/markdown';
import { buildReport, type Report } from '../core/report/report';
import type { Logger } from '../core/util/log';
import { loadModule } from '../core/workflows/catalog';
import type { WorkflowModule } from '../core/workflows/shared/module';
import { stateLayout } from './stateDir';

export interface OrchestratorOptions {
  stateDir: string;
  approvals: ApprovalPort;
  logger: Logger;
  /** Policy overrides on top of the seed's (e.g. from --policy). */
  policies?: PolicyOverrides;
}

export interface WorkflowRun {
  module: WorkflowModule;
  inputs: Record<string, unknown>;
  mode?: string | undefined;
  signal: AbortSignal;
  /** Sees every event of the run and every breaker change while it runs. */
  onEvent?: (event: EngineEvent) => void;
}

export interface RunOutcome {
  summary: RunSummary;
  report: Report;
  files: { markdown: string; json: string };
}

/** The server as the report names it: name and version, and how it was reached. */
export function serverLabel(connection: McpConnection): string {
  const info = connection.serverInfo;
  return `${info ? `${info.name} ${info.version}` : 'unknown server'} (${connection.description})`;
}

/** Writes the report as Markdown and JSON; returns the two paths. */
export async function writeReport(report: Report, markdownPath: string, jsonPath: string): Promise<{ markdown: string; json: string }> {
  await Promise.all([fs.writeFile(markdownPath, renderMarkdown(report), 'utf8'), fs.writeFile(jsonPath, `${JSON.stringify(report, null, 2)}\n`, 'utf8')]);
  return { markdown: markdownPath, json: jsonPath };
}

export class Orchestrator {
  private constructor(
    private readonly connection: McpConnection,
    private readonly runtime: PolicyRuntime,
    private readonly engine: Engine,
    private readonly reportsDir: string,
  ) {}

  static async create(connection: McpConnection, options: OrchestratorOptions): Promise<Orchestrator> {
    const layout = stateLayout(options.stateDir);
    await fs.mkdir(layout.reports, { recursive: true });
    const runtime = await PolicyRuntime.create({
      invoker: new McpToolInvoker({ connection }),
      stateStore: new JsonFileStateStore(layout.state, options.logger),
      logger: options.logger,
      ...(options.policies ? { policies: new PolicyTable(options.policies) } : {}),
    });
    const engine = new Engine({ policy: runtime, approvals: options.approvals, history: new RunHistory(layout.runs), logger: options.logger });
    return new Orchestrator(connection, runtime, engine, layout.reports);
  }

  async run(request: WorkflowRun): Promise<RunOutcome> {
    const loaded = loadModule(request.module);
    const events: EngineEvent[] = [];
    const listen = (event: EngineEvent) => {
      events.push(event);
      request.onEvent?.(event);
    };
    // Breaker changes are not run events: take them from the engine while this run lasts.
    const unsubscribeBreakers = this.engine.subscribe((event) => {
      if (event.type === 'breaker_changed') listen(event);
    });
    try {
      const handle = this.engine.start(loaded, {
        inputs: request.inputs,
        ...(request.mode ? { mode: request.mode } : {}),
        signal: request.signal,
        ...(typeof request.inputs['schedule_id'] === 'string' ? { scheduleId: request.inputs['schedule_id'] } : {}),
      });
      const unsubscribe = handle.subscribe(listen);
      const summary = await handle.result.finally(unsubscribe);
      await this.runtime.flush();
      const report = buildReport({ module: request.module, summary, events, server: serverLabel(this.connection) });
      const files = await writeReport(report, join(this.reportsDir, `${summary.runId}.md`), join(this.reportsDir, `${summary.runId}.json`));
      return { summary, report, files };
    } finally {
      unsubscribeBreakers();
    }
  }

  async dispose(): Promise<void> {
    await this.engine.dispose();
    await this.runtime.flush();
  }
}
