/**
 * One cancellable progress notification per run: Cancel aborts the run's AbortSignal (the
 * engine tells the server with notifications/cancelled); each finished step advances the bar,
 * and the message says what the run waits for or its latest news (runProgressText.ts).
 * When the run ends the notification closes and a message offers to open or export it.
 */
import * as vscode from 'vscode';
import type { RunTicket, SchedulingApp } from '../core/app/schedulingApp';
import { confidenceText } from '../core/app/runLabels';
import { runStateLabel } from '../core/report/runState';
import type { Logger } from '../core/util/log';
import { COMMAND } from './commands/ids';
import { RunProgressText } from './runProgressText';

/** Shows the run's progress until it ends; resolves with its result in a few words (undefined when the report failed). */
export function followRun(app: SchedulingApp, ticket: RunTicket, controller: AbortController, title: string, logger: Logger): Promise<string | undefined> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      token.onCancellationRequested(() => controller.abort(new Error('cancelled from VS Code')));
      const run = app.runs.snapshot(ticket.runId);
      const total = Math.max(1, run?.phases.reduce((n, p) => n + p.steps.length, 0) ?? 1);
      const text = new RunProgressText();
      const unsubscribe = app.runs.subscribe(ticket.runId, (event) => {
        const changed = text.next(event);
        // Every report carries the message: VS Code shows a report without one as none.
        if (event.type === 'step_finished') progress.report({ increment: 100 / total, message: text.current });
        else if (changed !== undefined) progress.report({ message: changed });
      });
      try {
        const outcome = await ticket.done;
        const h = outcome.report.header;
        const status = runStateLabel(h.engineStatus);
        void vscode.window
          .showInformationMessage(`${h.workflow.title}: ${status}${h.confidence ? ` (confidence ${confidenceText(h.confidence.value)})` : ''}`, 'Open Run', 'Export Report')
          .then((choice) => {
            if (choice === 'Open Run') void vscode.commands.executeCommand(COMMAND.openRun, ticket.runId);
            else if (choice === 'Export Report') void vscode.commands.executeCommand(COMMAND.exportReport, ticket.runId);
          });
        return `${h.workflow.id} ${status}`;
      } catch (error) {
        logger.log('error', `Run ${ticket.runId} could not be reported`, { error: String(error) });
        void vscode.window.showErrorMessage(`${title}: the run ended but its report could not be written (${error instanceof Error ? error.message : String(error)})`);
        return undefined;
      } finally {
        unsubscribe();
      }
    }),
  );
}
