/** A workflow as the hosts use it: its definition, its safety tier and how its outcome is read. */
import type { JsonObject, WorkflowDefinition } from '../../engine/definition';
import type { ResultView, RunEnd, WorkflowOutcome } from './outcome';

export interface WorkflowModule<I extends JsonObject = JsonObject> {
  definition: WorkflowDefinition<I>;
  /** Seed safety tier: 1 read-only (no approval), 2 previews then asks before writing. */
  safetyTier: 1 | 2;
  /** The conclusion drawn from the results, for reports and hosts (pure). */
  outcome(view: ResultView, end: RunEnd): WorkflowOutcome;
}
