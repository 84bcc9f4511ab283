/**
 * The engine's one input port (src/core/engine/inputPort.ts), shared by every host: a step
 * that "needs input" (an argument it could neither take from the run's inputs nor derive)
 * asks here. Like the approval broker, each run can bring its own responder (the CLI prompts
 * on a terminal, VS Code shows an input box, chat asks a question) with a default for the
 * rest. A responder answers, declines (`'decline'`: the step is skipped and names the flag
 * that would supply the value), or leaves the question pending (`undefined`) for any host to
 * answer later with `answer()`. Answers are checked with `parseAnswer` before the run sees
 * them; the engine records them in the run's history and a resumed run reuses them.
 * Without any responder a question is declined at once: a headless run never waits.
 */
import { parseAnswer } from '../engine/argPlanning';
import type { InputAnswer, InputPort, InputRequest } from '../engine/inputPort';
import { silentLogger, type Logger } from '../util/log';

export type InputResponder = (request: InputRequest, signal: AbortSignal) => Promise<InputAnswer | 'decline' | undefined>;

export interface PendingInput {
  runId: string;
  stepId: string;
  arg: string;
  request: InputRequest;
}

export type InputChange = { runId: string; stepId: string; arg: string; kind: 'pending' | 'answered' | 'declined' | 'withdrawn' };

interface Waiting extends PendingInput {
  settle(answer: InputAnswer | undefined, kind: InputChange['kind']): void;
}

const key = (runId: string, stepId: string, arg: string) => `${runId}\u0000${stepId}\u0000${arg}`;

export class InputBroker implements InputPort {
  private readonly routes = new Map<string, InputResponder>();
  private readonly waiting = new Map<string, Waiting>();
  private readonly listeners = new Set<(change: InputChange) => void>();

  constructor(
    private defaultResponder?: InputResponder,
    private readonly logger: Logger = silentLogger,
  ) {}

  setDefaultResponder(responder: InputResponder | undefined): void {
    this.defaultResponder = responder;
  }

  /** Routes one run's questions to `responder` until the returned function is called. */
  route(runId: string, responder: InputResponder): () => void {
    this.routes.set(runId, responder);
    return () => {
      if (this.routes.get(runId) === responder) this.routes.delete(runId);
    };
  }

  pending(): PendingInput[] {
    return [...this.waiting.values()].map(({ runId, stepId, arg, request }) => ({ runId, stepId, arg, request }));
  }

  /**
   * Answers a pending question with the text a person typed. Returns undefined when accepted,
   * else why not (not a valid value: ask again; or no such question).
   */
  answer(runId: string, stepId: string, arg: string, raw: string, by: string, at: number): string | undefined {
    const entry = this.waiting.get(key(runId, stepId, arg));
    if (!entry) return `no open question for ${arg} in step ${stepId} of run ${runId}`;
    const checked = parseAnswer(entry.request.need, raw);
    if ('error' in checked) return checked.error;
    entry.settle({ value: checked.value, by, at }, 'answered');
    return undefined;
  }

  /** Declines a pending question: the step is skipped with the flag that supplies the value. */
  decline(runId: string, stepId: string, arg: string): boolean {
    const entry = this.waiting.get(key(runId, stepId, arg));
    entry?.settle(undefined, 'declined');
    return entry !== undefined;
  }

  onDidChange(listener: (change: InputChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The engine's side: resolves with a checked answer, or undefined when declined or the run stops. */
  ask(request: InputRequest, signal: AbortSignal): Promise<InputAnswer | undefined> {
    const responder = this.routes.get(request.runId) ?? this.defaultResponder;
    if (!responder || signal.aborted) return Promise.resolve(undefined);
    const { runId, stepId } = request;
    const arg = request.need.arg;
    const k = key(runId, stepId, arg);
    return new Promise<InputAnswer | undefined>((resolve) => {
      const onAbort = () => this.waiting.get(k)?.settle(undefined, 'withdrawn');
      this.waiting.set(k, {
        runId,
        stepId,
        arg,
        request,
        settle: (answer, kind) => {
          if (!this.waiting.has(k)) return;
          this.waiting.delete(k);
          signal.removeEventListener('abort', onAbort);
          this.emit({ runId, stepId, arg, kind });
          resolve(answer);
        },
      });
      signal.addEventListener('abort', onAbort, { once: true });
      this.emit({ runId, stepId, arg, kind: 'pending' });
      responder(request, signal).then(
        (answer) => {
          if (answer === 'decline') this.decline(runId, stepId, arg);
          else if (answer) this.answer(runId, stepId, arg, String(answer.value), answer.by, answer.at);
        },
        (error: unknown) => {
          this.logger.log('warn', `The input responder of run ${runId} failed; the question for ${arg} stays pending`, { error: String(error) });
        },
      );
    });
  }

  private emit(change: InputChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (error) {
        this.logger.log('warn', 'An input listener failed', { error: String(error) });
      }
    }
  }
}
