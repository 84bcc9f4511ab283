/**
 * The commands that start and act on runs: the four workflows (inputs asked with quick picks,
 * or given as an argument by the panel and other callers), cancel, re-run (same or edited
 * inputs), resume an interrupted run, approve or reject a waiting one, open and export.
 * Every one goes through the application layer; none knows a workflow's logic.
 */
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import type { RunTicket, SchedulingApp } from '../../core/app/schedulingApp';
import type { JsonObject } from '../../core/engine/definition';
import { renderMarkdown } from '../../core/report/markdown';
import { runStateLabel } from '../../core/report/runState';
import { answerPending, modalResponder } from '../approvals';
import type { Host } from '../host';
import { loadRuntime } from '../loadRuntime';
import { followRun } from '../runProgress';
import { askWorkflowInputs, type WorkflowRequest } from '../workflowInputs';
import { COMMAND, WORKFLOW_COMMANDS } from './ids';

export interface RunCommandHooks {
  /** Shows a run (its panel, or its report until a panel exists). */
  openRun(runId: string): Promise<void>;
  /** A run ended: its result in a few words (the status bar shows the latest). */
  onResult(result: string): void;
}

type StartArgs = Partial<Pick<WorkflowRequest, 'mode' | 'inputs'>>;

/** A run command's first argument: the id (panel, palette, other callers) or the tree node (menus). */
function runIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const id = typeof arg === 'object' && arg !== null ? (arg as { runId?: unknown }).runId : undefined;
  return typeof id === 'string' ? id : undefined;
}

export function registerRunCommands(host: Host, hooks: RunCommandHooks): vscode.Disposable[] {
  const report = (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(message, 'Show Log').then((c) => (c ? vscode.commands.executeCommand(COMMAND.showLog) : undefined));
  };
  /** Errors become a message; the command resolves with undefined. */
  const guarded =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R | undefined> => {
      try {
        return await fn(...args);
      } catch (error) {
        report(error);
        return undefined;
      }
    };

  const watch = (app: SchedulingApp, start: (signal: AbortSignal) => Promise<RunTicket> | RunTicket, title: string): Promise<string> => {
    const controller = new AbortController();
    return Promise.resolve(start(controller.signal)).then((ticket) => {
      void followRun(app, ticket, controller, title, host.logger).then((result) => result && hooks.onResult(result));
      // Every run gets its panel once it has started (its snapshot names the workflow for the tab title).
      let opened = false;
      const unsubscribe = app.runs.subscribe(ticket.runId, (event) => {
        if (opened || event.type !== 'run_started') return;
        opened = true;
        queueMicrotask(() => unsubscribe());
        hooks.openRun(ticket.runId).catch((error: unknown) => host.logger.log('warn', `The panel of run ${ticket.runId} could not open`, { error: String(error) }));
      });
      void ticket.done.finally(unsubscribe).catch(() => undefined);
      return ticket.runId;
    });
  };

  const startWorkflow = (workflow: string) =>
    guarded(async (args?: StartArgs): Promise<string | undefined> => {
      const app = await host.connected();
      const { workflowModule } = await loadRuntime();
      const request = args?.inputs
        ? { workflow, mode: args.mode ?? workflowModule(workflow).definition.defaultMode, inputs: args.inputs }
        : await askWorkflowInputs(workflow, () => host.choices());
      if (!request) return undefined;
      const runId = await watch(app, (signal) => app.start({ ...request, signal, responder: modalResponder }), workflowModule(workflow).definition.title);
      void vscode.commands.executeCommand('schedOrch.runs.focus');
      return runId;
    });

  const pickRun = async (app: SchedulingApp, filter: (live: boolean, interrupted: boolean) => boolean, placeHolder: string): Promise<string | undefined> => {
    const items = app.runs
      .list()
      .filter((r) => filter(r.live, r.interrupted))
      .map((r) => ({
        label: r.snapshot.title,
        description: `${r.snapshot.mode} · ${runStateLabel(r.snapshot.state)} · ${new Date(r.snapshot.startedAt).toLocaleString()}`,
        runId: r.snapshot.runId,
      }));
    if (items.length === 0) {
      void vscode.window.showInformationMessage(`No run to choose: ${placeHolder.toLowerCase()}`);
      return undefined;
    }
    return (await vscode.window.showQuickPick(items, { placeHolder }))?.runId;
  };

  const answer = (approved: boolean) =>
    guarded(async (arg?: unknown): Promise<boolean> => {
      const runId = runIdOf(arg);
      const app = await host.ensureApp();
      const pending = app.approvals.pending().find((p) => runId === undefined || p.runId === runId);
      if (!pending) {
        void vscode.window.showInformationMessage(runId ? `Run ${runId} is not waiting for an approval.` : 'No run is waiting for an approval.');
        return false;
      }
      const given = await answerPending(pending, approved);
      return given ? app.approvals.answer(pending.runId, pending.stepId, given) : false;
    });

  return [
    ...Object.entries(WORKFLOW_COMMANDS).map(([command, workflow]) => vscode.commands.registerCommand(command, startWorkflow(workflow))),
    vscode.commands.registerCommand(
      COMMAND.cancelRun,
      guarded(async (arg?: unknown) => {
        const app = await host.ensureApp();
        const id = runIdOf(arg) ?? (await pickRun(app, (live) => live, 'Choose a running run to cancel'));
        if (!id) return false;
        const cancelled = app.cancel(id, 'cancelled from VS Code');
        if (!cancelled) void vscode.window.showInformationMessage(`Run ${id} is not running in this window.`);
        return cancelled;
      }),
    ),
    vscode.commands.registerCommand(
      COMMAND.rerun,
      guarded(async (arg: unknown, changes?: { mode?: string }) => {
        const runId = runIdOf(arg);
        if (!runId) throw new Error('Re-run needs a run');
        const app = await host.connected();
        const title = `Re-run: ${app.runs.snapshot(runId)?.title ?? runId}`;
        return watch(app, (signal) => app.rerun(runId, changes?.mode ? { mode: changes.mode } : {}, { signal, responder: modalResponder }), title);
      }),
    ),
    vscode.commands.registerCommand(
      COMMAND.rerunWithInputs,
      guarded(async (arg: unknown, target?: { workflow?: string; mode?: string; inputs?: JsonObject }) => {
        const runId = runIdOf(arg);
        if (!runId) throw new Error('Re-run needs a run');
        const app = await host.connected();
        const { workflowModule } = await loadRuntime();
        const previous = app.runs.snapshot(runId);
        if (!previous) throw new Error(`Run ${runId} is not listed`);
        // A next action may suggest another workflow (or other inputs): its inputs pre-fill the prompts.
        const workflow = target?.workflow ?? previous.workflowId;
        const base = workflow === previous.workflowId ? previous.inputs : {};
        const request = await askWorkflowInputs(workflow, () => host.choices(), {
          mode: target?.mode ?? (workflow === previous.workflowId ? previous.mode : workflowModule(workflow).definition.defaultMode),
          inputs: { ...base, ...target?.inputs },
        });
        if (!request) return undefined;
        return watch(app, (signal) => app.start({ ...request, signal, responder: modalResponder }), workflowModule(workflow).definition.title);
      }),
    ),
    vscode.commands.registerCommand(
      COMMAND.resumeRun,
      guarded(async (arg?: unknown) => {
        const app = await host.connected();
        const id = runIdOf(arg) ?? (await pickRun(app, (live) => !live, 'Choose a run to resume (interrupted, failed or blocked)'));
        if (!id) return undefined;
        return watch(app, (signal) => app.resume(id, { signal, responder: modalResponder }), `Resume: ${app.runs.snapshot(id)?.title ?? id}`);
      }),
    ),
    vscode.commands.registerCommand(COMMAND.approveRun, answer(true)),
    vscode.commands.registerCommand(COMMAND.rejectRun, answer(false)),
    vscode.commands.registerCommand(
      COMMAND.openRun,
      guarded(async (arg?: unknown) => {
        const app = await host.ensureApp();
        const id = runIdOf(arg) ?? (await pickRun(app, () => true, 'Choose a run to open'));
        if (id) await hooks.openRun(id);
      }),
    ),
    vscode.commands.registerCommand(
      COMMAND.exportReport,
      guarded(async (arg?: unknown, format?: 'markdown' | 'json', target?: vscode.Uri) => {
        const app = await host.ensureApp();
        const id = runIdOf(arg) ?? (await pickRun(app, (live) => !live, 'Choose a finished run to export'));
        if (!id) return undefined;
        const saved = await app.report(id);
        if (!saved) throw new Error(`Run ${id} has no report yet (it is still running, or ended before one was written).`);
        const kind =
          format ??
          (
            await vscode.window.showQuickPick(
              [
                { label: 'Markdown', value: 'markdown' as const },
                { label: 'JSON', value: 'json' as const },
              ],
              { placeHolder: 'Export the report as' },
            )
          )?.value;
        if (!kind) return undefined;
        const ext = kind === 'markdown' ? 'md' : 'json';
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
        const uri =
          target ??
          (await vscode.window.showSaveDialog({
            filters: { [kind === 'markdown' ? 'Markdown' : 'JSON']: [ext] },
            ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, `${id}.${ext}`) } : {}),
          }));
        if (!uri) return undefined;
        await fs.writeFile(uri.fsPath, kind === 'markdown' ? renderMarkdown(saved) : `${JSON.stringify(saved, null, 2)}\n`, 'utf8');
        void vscode.window.showInformationMessage(`Report saved to ${vscode.workspace.asRelativePath(uri)}`);
        return uri.fsPath;
      }),
    ),
  ];
}
