/**
 * How the CLI answers "needs input" questions (an argument a step could not derive): on a
 * terminal it asks, checks the answer (a whole number, or a rate 0-1) and asks again when it
 * is not valid; an empty answer declines, and the step is skipped naming the flag to pass
 * next time. Questions are asked one at a time, even when parallel steps ask together.
 * Without a terminal the CLI installs no responder: every question is declined at once.
 */
import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import type { InputResponder } from '../core/app/inputBroker';
import { flagUsage, parseAnswer } from '../core/engine/argPlanning';
import { raceAbort } from '../core/policy/abort';
import type { Clock } from '../core/util/clock';

const ATTEMPTS = 3;

export function promptInputs(input: Readable, output: Writable, who: string, clock: Clock): InputResponder {
  let queue: Promise<unknown> = Promise.resolve();
  return (request, signal) => {
    const asked = queue.then(async () => {
      output.write(`\n── Input needed: ${request.capability} (step ${request.stepId}) ──\n${request.question}\n(next time: ${flagUsage(request.need)})\n`);
      const rl = createInterface({ input, terminal: false });
      const lines = rl[Symbol.asyncIterator]();
      try {
        for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
          output.write(`${request.need.arg} (empty to skip the step): `);
          const next = await raceAbort(lines.next(), signal);
          const text = next.done ? '' : String(next.value).trim();
          if (text === '') return 'decline' as const;
          const checked = parseAnswer(request.need, text);
          if ('value' in checked) return { value: checked.value, by: `${who} (prompt)`, at: clock.now() };
          output.write(`  ${checked.error}\n`);
        }
        return 'decline' as const;
      } finally {
        rl.close();
      }
    });
    queue = asked.catch(() => undefined);
    return asked;
  };
}
