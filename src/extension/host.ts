/**
 * The extension's one connection and one application (src/core/app/schedulingApp.ts), made
 * on first use from the settings and dropped when a setting that shapes them changes (the
 * next command makes them afresh: no reload). Views listen here to learn when the
 * application or the connection state changed.
 */
import * as vscode from 'vscode';
import type { InputChoices } from '../core/app/inputChoices';
import type { SchedulingApp } from '../core/app/schedulingApp';
import type { ConnectionState } from '../core/mcp/connectionTypes';
import type { OrchestratorError } from '../core/errors';
import type { Logger } from '../core/util/log';
import { PromptQueue } from './inputs/fieldInput';
import { nativeElicitation } from './inputs/elicitationPrompt';
import { nativeInputResponder } from './inputs/needsInput';
import { loadRuntime } from './loadRuntime';
import { RECONNECT_SECTIONS } from './settings';

export interface ConnectionStatus {
  state: ConnectionState;
  error?: OrchestratorError;
}

export class Host implements vscode.Disposable {
  private current: SchedulingApp | undefined;
  private creating: Promise<SchedulingApp> | undefined;
  /** The settings the current (or coming) application is made from (settingsFingerprint). */
  private madeFrom: string | undefined;
  private status: ConnectionStatus = { state: 'disconnected' };
  private readonly appChanged = new vscode.EventEmitter<SchedulingApp | undefined>();
  private readonly stateChanged = new vscode.EventEmitter<ConnectionStatus>();
  /** Server requests for input and "needs input" questions share one queue: one quick input at a time. */
  private readonly prompts = new PromptQueue();
  /** Fires with the new application (undefined after a reset). */
  readonly onDidChangeApp = this.appChanged.event;
  readonly onDidChangeConnection = this.stateChanged.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly logger: Logger,
  ) {}

  get app(): SchedulingApp | undefined {
    return this.current;
  }

  get connection(): ConnectionStatus {
    return this.status;
  }

  /** The application, made (not yet connected) on first use; settings errors reject here. */
  ensureApp(): Promise<SchedulingApp> {
    if (this.current) return Promise.resolve(this.current);
    this.creating ??= this.create().finally(() => (this.creating = undefined));
    return this.creating;
  }

  /** Connects (or reuses the connection) and returns the application. */
  async connected(signal?: AbortSignal): Promise<SchedulingApp> {
    const app = await this.ensureApp();
    await app.connection.connect(signal);
    return app;
  }

  /** Reads for input prompts (schedule range, people, assignments) over the same connection. */
  async choices(): Promise<InputChoices> {
    const app = await this.connected();
    return (await loadRuntime()).inputChoices(app);
  }

  /**
   * A setting that shapes the application changed: drop it unless the settings are what it was
   * made from (an event arriving after the application was remade from the same values, or a
   * change undone, keeps the connection and its runs).
   */
  async settingsChanged(): Promise<void> {
    if (this.madeFrom !== settingsFingerprint()) await this.reset();
  }

  /** Drops the application and its connection: live runs are cancelled, state is saved. */
  async reset(): Promise<void> {
    const app = this.current ?? (await this.creating?.catch(() => undefined));
    this.current = undefined;
    if (!app) return;
    this.appChanged.fire(undefined);
    await app.dispose();
    await app.connection.close();
    this.setStatus({ state: 'disconnected' });
  }

  /**
   * The extension host is stopping (window closed or reloaded): runs on server tasks are left
   * to the next activation (see taskRuns.ts), the others are cancelled. With runs left, the
   * connection stays open: closing it would stop the server and fail their tasks, while a
   * stdio server finishes them once this process has exited and its input has closed.
   */
  async shutdown(): Promise<void> {
    const app = this.current ?? (await this.creating?.catch(() => undefined));
    this.current = undefined;
    if (!app) return;
    const left = await app.shutdown();
    if (left.length > 0) this.logger.log('info', `Left run(s) ${left.join(', ')} to the next window: their server tasks go on`);
    else await app.connection.close();
  }

  dispose(): void {
    void this.reset();
    this.appChanged.dispose();
    this.stateChanged.dispose();
  }

  private async create(): Promise<SchedulingApp> {
    this.madeFrom = settingsFingerprint();
    await vscode.workspace.fs.createDirectory(this.context.globalStorageUri);
    const runtime = await loadRuntime();
    const app = await runtime.createApp({
      context: this.context,
      logger: this.logger,
      // One responder for runs from the palette, the tree and chat alike.
      elicitation: nativeElicitation(this.prompts),
      inputs: nativeInputResponder(this.prompts),
      onState: (state, error) => this.setStatus({ state, ...(error ? { error } : {}) }),
    });
    this.current = app;
    this.appChanged.fire(app);
    // Runs of earlier windows appear in the tree once read; a broken file is logged, never fatal.
    void app.loadHistory().catch((error: unknown) => this.logger.log('warn', 'The run history could not be read', { error: String(error) }));
    return app;
  }

  private setStatus(status: ConnectionStatus): void {
    this.status = status;
    this.stateChanged.fire(status);
  }
}

/** The values of every setting that shapes the application, as one comparable text. */
function settingsFingerprint(): string {
  const config = vscode.workspace.getConfiguration();
  return JSON.stringify(RECONNECT_SECTIONS.map((section) => config.get(section)));
}
