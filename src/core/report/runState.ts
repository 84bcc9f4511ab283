/**
 * The one word every host shows for a run's state: the Runs tree, the run panel, the end-of-run
 * notification, chat. It is the engine's own status, so a rejected approval reads "rejected"
 * everywhere; the report's `status` (reportStatus in report.ts) folds statuses for scripts and
 * exit codes and is not what a person reads.
 */
import type { RunStatus } from '../engine/results';

/** The engine's statuses plus the live ones a host shows before a run ends. */
export type ShownRunState = RunStatus | 'queued' | 'waiting';

export function runStateLabel(state: ShownRunState): string {
  return state.replace(/_/g, ' ');
}
