/**
 * The port through which a step asks a person for an argument it could neither take from the
 * run's inputs nor derive from earlier results ("needs input"). Hosts implement it through the
 * application layer's InputBroker (src/core/app/inputBroker.ts): the CLI prompts on a terminal,
 * VS Code shows an input box, chat asks a question. Every host checks the answer with
 * `parseAnswer` (argPlanning.ts). Resolving undefined means "no answer": the step is skipped
 * with the flag that would supply the value next time.
 */
import type { ArgNeed } from './argPlanning';

export interface InputRequest {
  runId: string;
  workflowId: string;
  stepId: string;
  capability: string;
  need: ArgNeed;
  /** The full question: the argument, its meaning and where it could come from. */
  question: string;
  requestedAt: number;
}

export interface InputAnswer {
  value: number;
  /** Who answered (a user name, "cli prompt", …). */
  by: string;
  at: number;
}

export interface InputPort {
  /** Resolves with a checked answer, or undefined when nobody can answer (no terminal, dismissed). */
  ask(request: InputRequest, signal: AbortSignal): Promise<InputAnswer | undefined>;
}
