/**
 * Run panels: one webview per run, a thin adapter over the application layer. The host
 * sends the run's snapshot once the page is ready, then one message per run-store change
 * carrying only what changed (the run's head, the changed phase or step, the new events),
 * the saved report once the run has finished and the run's pending approvals. Buttons run
 * the extension's commands with the run's id; no workflow logic lives here.
 */
import * as vscode from 'vscode';
import { panelPictures, type PanelPictures } from '../../core/app/panelData';
import type { RunSnapshot } from '../../core/app/runSnapshot';
import type { StoreChange } from '../../core/app/runStore';
import type { SchedulingApp } from '../../core/app/schedulingApp';
import { serverLabel, serverSummary } from '../../core/app/serverLabel';
import type { Report } from '../../core/report/report';
import type { Logger } from '../../core/util/log';
import type { NextAction } from '../../core/workflows/shared/nextActions';
import { COMMAND } from '../commands/ids';
import { isPanelRequest, type PanelMessage, type PanelRequest, type PanelShown, type PendingApprovalView, type RunHead } from '../../webview/runMessages';
import { runPanelHtml, webviewOptions } from './page';

export const RUN_PANEL_VIEW_TYPE = 'schedOrch.run';

/** The report is written just after the run's last event: look for it this often, this long. */
const REPORT_POLL_MS = 200;
const REPORT_WAIT_MS = 15_000;

const FINISHED: ReadonlySet<RunSnapshot['state']> = new Set(['completed', 'needs_review', 'blocked', 'rejected', 'failed', 'cancelled', 'refused']);

function headOf(run: RunSnapshot): RunHead {
  const { phases: _phases, events: _events, ...head } = run;
  return head;
}

function runIdOf(state: unknown): string | undefined {
  const id = typeof state === 'object' && state !== null ? (state as { runId?: unknown }).runId : undefined;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/** The command a next action runs, with its arguments; undefined when it is only advice (a `call` a person makes). */
export function nextActionCommand(action: NextAction, run: Pick<RunSnapshot, 'runId' | 'workflowId'>): { command: string; args: unknown[] } | undefined {
  const rerun = (target: { workflow: string; mode?: string; inputs?: Record<string, unknown> }) =>
    target.workflow === run.workflowId && !target.inputs
      ? {
          command: 'schedOrch.rerun',
          args: [run.runId, ...(target.mode ? [{ mode: target.mode }] : [])],
        }
      : {
          command: 'schedOrch.rerunWithInputs',
          args: [
            run.runId,
            {
              workflow: target.workflow,
              ...(target.mode ? { mode: target.mode } : {}),
              inputs: target.inputs ?? {},
            },
          ],
        };
  switch (action.kind) {
    case 'override':
      return { command: 'schedOrch.approveRun', args: [run.runId] };
    case 'run':
      return rerun(action);
    case 'fix':
      return action.then ? rerun(action.then) : undefined;
    case 'call':
      return undefined;
  }
}

export class RunPanels implements vscode.Disposable {
  private readonly panels = new Map<string, RunPanel>();
  private readonly shown = new vscode.EventEmitter<PanelShown>();
  /** A panel's page has drawn its run (after loading, and again with the report). */
  readonly onDidShow = this.shown.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly app: SchedulingApp,
    private readonly logger: Logger,
  ) {}

  /** Shows the run's panel, opening it if needed (one panel per run). */
  open(runId: string): void {
    const existing = this.panels.get(runId);
    if (existing) {
      existing.reveal();
      return;
    }
    const title = this.app.runs.snapshot(runId)?.title ?? 'Run';
    const panel = vscode.window.createWebviewPanel(RUN_PANEL_VIEW_TYPE, title, { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, webviewOptions(this.extensionUri));
    this.attach(panel, runId);
  }

  /** Restores the panels that were open when VS Code reloaded (their saved state names the run). */
  registerSerializer(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(RUN_PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: (panel, state) => {
        const runId = runIdOf(state);
        if (!runId || this.panels.has(runId)) {
          panel.dispose();
          if (runId) this.panels.get(runId)?.reveal();
          return Promise.resolve();
        }
        panel.webview.options = webviewOptions(this.extensionUri);
        this.attach(panel, runId);
        return Promise.resolve();
      },
    });
  }

  /** The runs with an open panel (for tests and for the Runs view's "open" state). */
  openRuns(): string[] {
    return [...this.panels.keys()];
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.dispose();
    this.shown.dispose();
  }

  private attach(panel: vscode.WebviewPanel, runId: string): void {
    this.panels.set(
      runId,
      new RunPanel(panel, runId, this.extensionUri, this.app, this.logger, { closed: () => this.panels.delete(runId), shown: (info) => this.shown.fire(info) }),
    );
  }
}

class RunPanel {
  private readonly disposables: (() => void)[] = [];
  private ready = false;
  private disposed = false;
  private sentEvents = 0;
  private sentPictures = '';
  private report: Report | null = null;
  private waitingForReport = false;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly runId: string,
    extensionUri: vscode.Uri,
    private readonly app: SchedulingApp,
    private readonly logger: Logger,
    private readonly notify: { closed(): void; shown(info: PanelShown): void },
  ) {
    panel.webview.html = runPanelHtml(panel.webview, extensionUri, panel.title);
    const received = panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message));
    const closed = panel.onDidDispose(() => this.dispose());
    this.disposables.push(
      () => received.dispose(),
      () => closed.dispose(),
      app.runs.onDidChange((change) => {
        if (change.runId === runId) this.changed(change);
      }),
      app.approvals.onDidChange((change) => {
        if (change.runId === runId && this.ready) this.post({ type: 'approvals', pending: this.pending() });
      }),
    );
  }

  reveal(): void {
    this.panel.reveal();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const dispose of this.disposables.splice(0)) dispose();
    this.notify.closed();
    this.panel.dispose();
  }

  private receive(message: unknown): void {
    if (!isPanelRequest(message)) {
      this.logger.log('warn', `Run panel ${this.runId}: ignored a message of unknown shape`);
      return;
    }
    void this.handle(message).catch((error: unknown) => this.logger.log('error', `Run panel ${this.runId}: ${String(error)}`));
  }

  private async handle(message: PanelRequest): Promise<void> {
    switch (message.type) {
      case 'ready':
        await this.sendInit();
        return;
      case 'command':
        await vscode.commands.executeCommand(`schedOrch.${message.command}`, this.runId);
        return;
      case 'shown': {
        const { type: _type, ...info } = message;
        this.logger.log('trace', `Run panel ${this.runId} shows ${info.steps} step(s), ${info.events} event(s), ${info.findings} finding row(s)`);
        this.notify.shown(info);
        return;
      }
      case 'openResource':
        await vscode.commands.executeCommand(COMMAND.openResource, message.uri);
        return;
      case 'nextAction': {
        const action = this.report?.nextActions[message.index];
        const run = this.app.runs.snapshot(this.runId);
        const target = action && run ? nextActionCommand(action, run) : undefined;
        if (target) await vscode.commands.executeCommand(target.command, ...target.args);
        return;
      }
    }
  }

  private async sendInit(): Promise<void> {
    if (!this.app.runs.get(this.runId)) await this.app.loadHistory();
    const stored = this.app.runs.get(this.runId);
    if (!stored) {
      this.post({
        type: 'missing',
        runId: this.runId,
        reason: 'This run is not in the run history of this workspace.',
      });
      return;
    }
    if (FINISHED.has(stored.snapshot.state) && !stored.live) this.report = (await this.app.report(this.runId)) ?? null;
    // Read again after the awaits: events folded meanwhile are in this snapshot, not in a later update.
    const run = this.app.runs.snapshot(this.runId) ?? stored.snapshot;
    const pictures = this.pictures(run);
    this.sentEvents = run.events.length;
    this.ready = true;
    this.panel.title = run.title;
    this.post({
      type: 'init',
      state: {
        run,
        live: this.isLive(run),
        interrupted: stored.interrupted,
        server: serverSummary(this.app.connection),
        report: this.report && this.forPage(this.report),
        pictures,
        pending: this.pending(),
      },
    });
    if (FINISHED.has(run.state) && !this.report) void this.awaitReport();
  }

  private changed(change: StoreChange): void {
    if (!this.ready) return;
    if (change.kind === 'removed') {
      this.post({
        type: 'missing',
        runId: this.runId,
        reason: 'This run was removed from the list.',
      });
      return;
    }
    const run = this.app.runs.snapshot(this.runId);
    if (!run) return;
    const phase = change.phaseId ? run.phases.find((p) => p.phaseId === change.phaseId) : undefined;
    const step = change.stepId ? run.phases.flatMap((p) => p.steps).find((s) => s.stepId === change.stepId) : undefined;
    const events = run.events.slice(this.sentEvents);
    this.sentEvents = run.events.length;
    const pictures = step?.result ? this.pictures(run) : undefined;
    const message: PanelMessage = {
      type: 'update',
      head: headOf(run),
      live: this.isLive(run),
      ...(step
        ? { step }
        : phase
          ? {
              phase: {
                phaseId: phase.phaseId,
                title: phase.title,
                state: phase.state,
                warnings: phase.warnings,
                ...(phase.confidence !== undefined ? { confidence: phase.confidence } : {}),
              },
            }
          : {}),
      events,
      ...(pictures && JSON.stringify(pictures) !== this.sentPictures ? { pictures } : {}),
    };
    if (message.pictures) this.sentPictures = JSON.stringify(message.pictures);
    this.post(message);
    if (FINISHED.has(run.state) && !this.report) void this.awaitReport();
  }

  /** The application writes the report after the run's last event; poll until it is there. */
  private async awaitReport(): Promise<void> {
    if (this.waitingForReport) return;
    this.waitingForReport = true;
    try {
      for (let waited = 0; waited <= REPORT_WAIT_MS && !this.disposed; waited += REPORT_POLL_MS) {
        const report = await this.app.report(this.runId);
        if (report && report.header.runId === this.runId) {
          this.report = report;
          const run = this.app.runs.snapshot(this.runId);
          if (!run) return;
          const pictures = this.pictures(run);
          this.sentPictures = JSON.stringify(pictures);
          this.post({ type: 'report', report: this.forPage(report), pictures });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, REPORT_POLL_MS));
      }
      if (!this.disposed) this.logger.log('warn', `Run panel ${this.runId}: no report was written within ${REPORT_WAIT_MS / 1000} s`);
    } finally {
      this.waitingForReport = false;
    }
  }

  /**
   * The report as the page gets it: its server named without local paths (the saved report
   * keeps the full command). A report of another server keeps only that server's name and
   * version (serverLabel puts the endpoint in parentheses after them).
   */
  private forPage(report: Report): Report {
    const { connection } = this.app;
    const server = report.header.server === serverLabel(connection) ? serverSummary(connection) : report.header.server.split(' (')[0]!;
    return { ...report, header: { ...report.header, server } };
  }

  /** The engine's handle outlives the run's last event by a moment: a finished run is never live. */
  private isLive(run: RunSnapshot): boolean {
    return this.app.isLive(this.runId) && !FINISHED.has(run.state);
  }

  private pictures(run: RunSnapshot): PanelPictures {
    return panelPictures(run, this.report?.findings ?? []);
  }

  private pending(): PendingApprovalView[] {
    return this.app.approvals
      .pending()
      .filter((p) => p.runId === this.runId)
      .map((p) => ({ stepId: p.stepId, view: p.view }));
  }

  private post(message: PanelMessage): void {
    if (this.disposed) return;
    void this.panel.webview
      .postMessage(message)
      .then(undefined, (error: unknown) => this.logger.log('warn', `Run panel ${this.runId}: a message was not delivered`, { error: String(error) }));
  }
}
