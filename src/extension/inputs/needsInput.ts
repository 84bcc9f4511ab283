/**
 * VS Code's answer to a step that "needs input" (an argument the engine could neither take
 * from the run's inputs nor derive; see src/core/app/inputBroker.ts): an input box titled
 * with the step, saying what the argument means and where it could come from, validating as
 * the person types (a whole number ≥ 0, or a rate from 0 to 1, like the core's parseAnswer).
 * The run continues with the answer, which the engine records and a resumed run reuses.
 * Escape declines: the step is skipped and its result names the value that was missing.
 */
import type { ElicitField } from '../../core/app/elicitation';
import type { InputResponder } from '../../core/app/inputBroker';
import type { ArgNeed } from '../../core/engine/argPlanning';
import { approverName } from '../settings';
import { askField, tokenFor, type PromptQueue } from './fieldInput';

/** The argument as a schema field, so it is asked and checked like any requested number. */
export function needField(need: ArgNeed): ElicitField {
  return {
    name: need.arg,
    title: need.arg,
    description: `${need.meaning}; it could come from ${need.where}`,
    type: need.kind === 'integer' ? 'integer' : 'number',
    required: true,
    minimum: 0,
    ...(need.kind === 'rate' ? { maximum: 1 } : {}),
  };
}

export function nativeInputResponder(queue: PromptQueue): InputResponder {
  return (request, signal) =>
    queue.run(async () => {
      if (signal.aborted) return undefined;
      const source = tokenFor(signal);
      try {
        const value = await askField(needField(request.need), { title: `Input needed: ${request.capability} (step ${request.stepId})`, token: source.token });
        if (signal.aborted) return undefined;
        return typeof value === 'number' ? { value, by: `${approverName()} (VS Code)`, at: Date.now() } : 'decline';
      } finally {
        source.dispose();
      }
    });
}
