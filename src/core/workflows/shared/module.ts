/** A workflow as the hosts use it: its definition, its safety tier and how its outcome is read. */
import type { JsonObject, WorkflowDefinition } from '../../engine/definition';
import type { z } from 'zod';
import type { InputPlan } from './inputPlan';
import type { ResultView, RunEnd, WorkflowOutcome } from './outcome';

export interface WorkflowModule<I extends JsonObject = JsonObject> {
  definition: WorkflowDefinition<I>;
  /** Seed safety tier: 1 read-only (no approval), 2 previews then asks before writing. */
  safetyTier: 1 | 2;
  /** The conclusion drawn from the results, for reports and hosts (pure). */
  outcome(view: ResultView, end: RunEnd): WorkflowOutcome;
  /** The inputs' schema (`definition.parseInputs` applies it); `jsonSchemaOf` derives the JSON Schema. */
  inputSchema: z.ZodType;
  /** Which inputs a host asks for, their defaults and where their choices come from. */
  inputPlan: InputPlan;
}
