/**
 * Runs on server tasks survive a window reload. While a run this window started uses a server
 * task (MCP tasks: a generation), its id is kept in the workspace state until the run ends.
 * When the extension host stops, such runs are left to the next one (SchedulingApp.shutdown:
 * nothing more is recorded, the server finishes the task). On the next activation they are
 * resumed at once: the resumed run polls the recorded task (no second generation), then
 * continues to its approval prompt, with its panel and the Runs tree showing it going on.
 *
 * Resumed automatically rather than offered: the user started the run and a reload is not a
 * decision to stop it, and resuming only polls work the server already does, so it cannot
 * duplicate anything. Runs without a task are cancelled at shutdown as before. The list is
 * per workspace, so a window never resumes the runs of another window.
 */
import * as vscode from 'vscode';
import type { SchedulingApp } from '../core/app/schedulingApp';
import { COMMAND } from './commands/ids';
import type { Host } from './host';

const KEY = 'schedOrch.taskRuns';

function listed(context: vscode.ExtensionContext): string[] {
  return context.workspaceState.get<string[]>(KEY, []);
}

function update(context: vscode.ExtensionContext, change: (ids: Set<string>) => void): Thenable<void> {
  const ids = new Set(listed(context));
  change(ids);
  return context.workspaceState.update(KEY, [...ids]);
}

/** Keeps the ids of this window's runs that use a server task, from their first task to their end. */
export function trackTaskRuns(context: vscode.ExtensionContext, host: Host): vscode.Disposable {
  let unsubscribe: () => void = () => undefined;
  const bind = (app: SchedulingApp | undefined) => {
    unsubscribe();
    unsubscribe = app
      ? app.onEvent((event) => {
          if (event.type === 'task_started' && app.runs.get(event.runId)?.startedHere === true && !listed(context).includes(event.runId)) {
            void update(context, (ids) => ids.add(event.runId));
          } else if (event.type === 'run_finished' && listed(context).includes(event.runId)) {
            void update(context, (ids) => ids.delete(event.runId));
          }
        })
      : () => undefined;
  };
  bind(host.app);
  const listener = host.onDidChangeApp(bind);
  return { dispose: () => (listener.dispose(), unsubscribe()) };
}

/**
 * Resumes the runs an earlier extension host of this window left on server tasks; forgets the
 * ones that are no longer interrupted (finished elsewhere, or their history is gone).
 */
export async function resumeTaskRuns(context: vscode.ExtensionContext, host: Host): Promise<void> {
  const ids = listed(context);
  if (ids.length === 0) return;
  const app = await host.ensureApp();
  await app.loadHistory();
  for (const runId of ids) {
    const stored = app.runs.get(runId);
    if (!stored?.interrupted) {
      await update(context, (set) => set.delete(runId));
      continue;
    }
    host.logger.log('info', `Resuming run ${runId}: it was waiting on a server task when the window reloaded`);
    await vscode.commands.executeCommand(COMMAND.resumeRun, runId);
  }
}
