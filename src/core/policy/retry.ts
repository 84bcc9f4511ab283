/**
 * Retrying one operation under a RetryPolicy with p-retry. From the second attempt p-retry
 * owns the attempt accounting, the stop-on-AbortError rule and the abort signal; the delays
 * run on the injected Clock (p-retry's own timer is disabled with `minTimeout: 0`) so tests
 * are exact.
 */
import pRetry, { AbortError } from 'p-retry';
import { OrchestratorError } from '../errors';
import type { Clock } from '../util/clock';
import type { LazyAbort } from './abort';
import type { RetryPolicy } from './policies';

/** Delay before retry number `retry` (1-based): exponential, capped, minus random jitter. */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number): number {
  const raw = Math.min(policy.initialDelayMs * policy.multiplier ** (retry - 1), policy.maxDelayMs);
  return Math.round(raw * (1 - policy.jitter * random()));
}

export interface RetryNotice {
  /** The attempt that just failed (1-based). */
  attempt: number;
  delayMs: number;
  error: OrchestratorError;
}

export interface RetryOptions {
  policy: RetryPolicy;
  clock: Clock;
  /** A LazyAbort builds its signal only if a retry has to wait. */
  signal: AbortSignal | LazyAbort;
  random: () => number;
  /** False for writes: a write is never sent twice. */
  retryable: boolean;
  onRetry?: (notice: RetryNotice) => void;
}

/** Anything thrown by a tool call as an OrchestratorError (the invoker contract, enforced). */
export function asOrchestratorError(error: unknown, fallbackKind: 'protocol' | 'invalid_result' = 'protocol'): OrchestratorError {
  if (error instanceof OrchestratorError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new OrchestratorError(fallbackKind, message, { cause: error });
}

/**
 * Runs `operation` (given the 1-based attempt number) until it succeeds, a non-retryable
 * error occurs, or retries run out; rejects with the last error or the signal's reason.
 * The first attempt runs straight (most calls need no retry); p-retry takes over from the
 * second, its attempt numbers shifted by the one already made.
 */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { policy, signal } = options;
  signal.throwIfAborted();
  try {
    const result = await operation(1);
    signal.throwIfAborted();
    return result;
  } catch (thrown) {
    signal.throwIfAborted();
    const error = asOrchestratorError(thrown);
    if (!retriable(error, options) || policy.maxRetries < 1) throw error;
    await beforeRetry(1, error, options);
  }
  const waitSignal = realSignal(signal);
  return pRetry(
    async (attempt) => {
      try {
        return await operation(attempt + 1);
      } catch (thrown) {
        const error = asOrchestratorError(thrown);
        throw retriable(error, options) ? error : new AbortError(error);
      }
    },
    {
      retries: policy.maxRetries - 1,
      minTimeout: 0,
      signal: waitSignal,
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft > 0) await beforeRetry(attemptNumber + 1, asOrchestratorError(error), options);
      },
    },
  );
}

function retriable(error: OrchestratorError, options: RetryOptions): boolean {
  return options.retryable && !options.signal.aborted && options.policy.retryOn.includes(error.kind);
}

/** Tells about the retry after failed attempt `attempt` and waits its backoff on the clock. */
async function beforeRetry(attempt: number, error: OrchestratorError, options: RetryOptions): Promise<void> {
  const delayMs = backoffDelay(options.policy, attempt, options.random);
  options.onRetry?.({ attempt, delayMs, error });
  await options.clock.sleep(delayMs, realSignal(options.signal));
}

function realSignal(signal: AbortSignal | LazyAbort): AbortSignal {
  return signal instanceof AbortSignal ? signal : signal.signal;
}
