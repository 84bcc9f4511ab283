/**
 * A write whose outcome is unknown (the connection was lost after it was sent, or the run
 * stopped while it was in flight) decides what a report says, whatever the workflow
 * concluded from the rest: the headline names the write and the read that shows whether it
 * was applied, a run that lost the connection itself counts as failed, and the first next
 * action is that read.
 */
import type { JsonObject } from '../engine/definition';
import type { StepResult } from '../engine/results';
import type { NextAction } from '../workflows/shared/nextActions';

/** Writes whose result shows in a person's swap history; every other write shows in the schedule status. */
const SWAP_WRITES: ReadonlySet<string> = new Set(['request_swap', 'record_swap_consent', 'approve_swap', 'execute_swap', 'rollback_swap']);

export interface UncertainWrite {
  stepId: string;
  write: string;
  /** The read that shows whether the write was applied. */
  check: { capability: string; args: JsonObject };
  /** Set when this run lost the connection (or the call failed) after sending the write. */
  error?: { kind: string; message: string };
}

export function uncertainWrites(steps: readonly StepResult[], inputs: JsonObject): UncertainWrite[] {
  return steps
    .filter((r) => r.skip?.cause === 'uncertain_write')
    .map((r) => {
      const write = r.capability ?? r.stepId;
      const requester = inputs['requester'];
      const check =
        SWAP_WRITES.has(write) && typeof requester === 'string'
          ? { capability: 'get_swap_history', args: { person_id: requester } }
          : { capability: 'get_schedule_status', args: {} };
      return { stepId: r.stepId, write, check, ...(r.error ? { error: { kind: r.error.kind, message: r.error.message } } : {}) };
    });
}

export interface UncertainView {
  headline: string;
  decision: string;
  reason: string;
  /** `failed` when this run itself lost the write's answer (a connection or call failure). */
  failed: boolean;
  nextActions: NextAction[];
}

export function uncertainView(writes: readonly UncertainWrite[]): UncertainView | undefined {
  const first = writes[0];
  if (!first) return undefined;
  const more = writes.length > 1 ? ` (and ${writes.length - 1} more write(s))` : '';
  const why = first.error ? `${first.error.kind}: ${first.error.message}` : 'the run stopped while it was in flight';
  return {
    headline: `Outcome of ${first.write} unknown: check with ${first.check.capability}${more}`,
    decision: `Unknown: ${first.write} may or may not have been applied; check before anything else is changed`,
    reason: `Write ${first.stepId} (${first.write}) got no answer (${why}): it may have been applied`,
    failed: writes.some((w) => w.error !== undefined),
    nextActions: writes.map((w) => ({
      kind: 'call',
      label: `Check whether ${w.write} (${w.stepId}) was applied`,
      capability: w.check.capability,
      args: w.check.args,
      writes: false,
    })),
  };
}
