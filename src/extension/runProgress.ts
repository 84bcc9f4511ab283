/**
 * One cancellable progress notification per run: Cancel aborts the run's AbortSignal (the
 * engine tells the server with notifications/cancelled); each finished step advances the bar
 * and is named as done, and the server's own progress notifications show as the message.
 * When the run ends the notification closes and a message offers to open or export it.
 */
import * as vscode from 'vscode';
import type { RunTicket, SchedulingApp } from '../core/app/schedulingApp';
import { confidenceText } from '../core/app/runLabels';
import { runStateLabel } from '../core/report/runState';
import type { Logger } from '../core/util/log';
import { COMMAND } from './commands/ids';

/** Shows the run's progress until it ends; resolves with its result in a few words (undefined when the report failed). */
export function followRun(app: SchedulingApp, ticket: RunTicket, controller: AbortController, title: string, logger: Logger): Promise<string | undefined> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      token.onCancellationRequested(() => controller.abort(new Error('cancelled from VS Code')));
      const run = app.runs.snapshot(ticket.runId);
      const total = Math.max(1, run?.phases.reduce((n, p) => n + p.steps.length, 0) ?? 1);
      const unsubscribe = app.runs.subscribe(ticket.runId, (event) => {
        // Said as done: the bare title of the last step to finish read as the step still running.
        if (event.type === 'step_finished') progress.report({ increment: 100 / total, message: `done: ${event.result.title ?? event.stepId}` });
        else if (event.type === 'progress' && event.message) progress.report({ message: event.message });
        else if (event.type === 'approval_requested') progress.report({ message: `waiting for approval: ${event.request.title}` });
        else if (event.type === 'input_requested') progress.report({ message: `waiting for input: ${event.request.need.arg}` });
        else if (event.type === 'phase_started') progress.report({ message: event.title });
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
