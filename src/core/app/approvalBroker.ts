/**
 * The engine's one approval port, shared by every host. Each run can bring its own responder
 * (a run started from chat asks in chat's way, one from the tree in a modal), with a default
 * for the rest. A responder may answer at once or leave the request pending; pending requests
 * are listed, and any host can answer one later. An answer can also be given for a request a
 * resumed run is about to repeat (a run that waited when its host stopped).
 * Approvals fail closed: a cancelled run's pending request is withdrawn, never approved.
 */
import type { ApprovalAnswer, ApprovalPort, ApprovalRequest } from '../engine/approval';
import { OrchestratorError } from '../errors';
import type { Logger } from '../util/log';
import { silentLogger } from '../util/log';
import { approvalView, type ApprovalView } from './approvalView';

/**
 * Resolves with an answer, or with `undefined` to leave the request pending for a later `answer()`.
 * `signal` aborts once the request no longer waits (answered from anywhere, or withdrawn when the
 * run is cancelled), so whatever the responder still shows about it can close.
 */
export type ApprovalResponder = (request: ApprovalRequest, view: ApprovalView, signal: AbortSignal) => Promise<ApprovalAnswer | undefined>;

/** A port that always answers (a CLI flag, a prompt, a test) as a responder. */
export function responderOf(port: ApprovalPort): ApprovalResponder {
  return (request, _view, signal) => port.request(request, signal);
}

export interface PendingApproval {
  runId: string;
  stepId: string;
  request: ApprovalRequest;
  view: ApprovalView;
}

export type ApprovalChange = { runId: string; stepId: string; kind: 'pending' | 'answered' | 'withdrawn' };

interface Waiting extends PendingApproval {
  resolve(answer: ApprovalAnswer): void;
}

const key = (runId: string, stepId: string) => `${runId}\u0000${stepId}`;

export class ApprovalBroker implements ApprovalPort {
  private readonly routes = new Map<string, ApprovalResponder>();
  private readonly waiting = new Map<string, Waiting>();
  private readonly prepared = new Map<string, ApprovalAnswer>();
  private readonly listeners = new Set<(change: ApprovalChange) => void>();

  constructor(
    /** Asks for runs without a route of their own; without one, requests wait for `answer()`. */
    private defaultResponder?: ApprovalResponder,
    private readonly logger: Logger = silentLogger,
  ) {}

  setDefaultResponder(responder: ApprovalResponder | undefined): void {
    this.defaultResponder = responder;
  }

  /** Routes one run's requests to `responder` until the returned function is called. */
  route(runId: string, responder: ApprovalResponder): () => void {
    this.routes.set(runId, responder);
    return () => {
      if (this.routes.get(runId) === responder) this.routes.delete(runId);
    };
  }

  /** Answers the next request of `stepId` in `runId` (a resumed run repeating its question). */
  prepare(runId: string, stepId: string, answer: ApprovalAnswer): void {
    this.prepared.set(key(runId, stepId), answer);
  }

  pending(): PendingApproval[] {
    return [...this.waiting.values()].map(({ runId, stepId, request, view }) => ({ runId, stepId, request, view }));
  }

  /** Answers a pending request; false when there is none (already answered, withdrawn or unknown). */
  answer(runId: string, stepId: string, answer: ApprovalAnswer): boolean {
    const entry = this.waiting.get(key(runId, stepId));
    if (!entry) return false;
    entry.resolve(answer);
    return true;
  }

  onDidChange(listener: (change: ApprovalChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The engine's side: resolves with the answer, rejects when the run is cancelled. */
  request(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalAnswer> {
    const k = key(request.runId, request.stepId);
    const ready = this.prepared.get(k);
    if (ready) {
      this.prepared.delete(k);
      return Promise.resolve(ready);
    }
    if (signal.aborted) return Promise.reject(abortError(signal));
    const view = approvalView(request);
    const asking = new AbortController();
    return new Promise<ApprovalAnswer>((resolve, reject) => {
      const settle = (kind: ApprovalChange['kind']) => {
        signal.removeEventListener('abort', onAbort);
        this.waiting.delete(k);
        asking.abort(kind === 'withdrawn' ? abortError(signal) : new OrchestratorError('cancelled', 'the approval was answered'));
        this.emit({ runId: request.runId, stepId: request.stepId, kind });
      };
      const onAbort = () => {
        if (!this.waiting.has(k)) return;
        settle('withdrawn');
        reject(abortError(signal));
      };
      this.waiting.set(k, {
        runId: request.runId,
        stepId: request.stepId,
        request,
        view,
        resolve: (answer) => {
          if (!this.waiting.has(k)) return;
          settle('answered');
          resolve(answer);
        },
      });
      signal.addEventListener('abort', onAbort, { once: true });
      this.emit({ runId: request.runId, stepId: request.stepId, kind: 'pending' });
      const responder = this.routes.get(request.runId) ?? this.defaultResponder;
      responder?.(request, view, asking.signal).then(
        (answer) => {
          if (answer) this.answer(request.runId, request.stepId, answer);
        },
        (error: unknown) => {
          // A responder that fails (a dialog torn down with its window) leaves the request pending.
          this.logger.log('warn', `The approval responder of run ${request.runId} failed; the request stays pending`, { error: String(error) });
        },
      );
    });
  }

  private emit(change: ApprovalChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (error) {
        this.logger.log('warn', 'An approval listener failed', { error: String(error) });
      }
    }
  }
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new OrchestratorError('cancelled', 'the run was cancelled while waiting for approval');
}
