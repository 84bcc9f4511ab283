/** Time as the engine sees it: injected so tests run on a fake clock. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Calls `fn` after `ms` unless the returned function is called first. Optional: without
   * it, startTimer() builds one from sleep(). A per-call timer this way costs no abort signal.
   */
  timer?(ms: number, fn: () => void): () => void;
}

/** Reason used to stop internal timers: aborting without one builds a costly DOMException. */
export const TIMER_DONE = Symbol('timer done');

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
  timer: (ms, fn) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

/** Calls `fn` after `ms` on `clock` unless the returned function is called first. */
export function startTimer(clock: Clock, ms: number, fn: () => void): () => void {
  if (clock.timer) return clock.timer(ms, fn);
  const stop = new AbortController();
  clock.sleep(ms, stop.signal).then(fn, () => undefined);
  return () => stop.abort(TIMER_DONE);
}

/** The local date (the program's "today" for default ranges and a swap's "not in the past"). */
export function localDate(now: number): string {
  const d = new Date(now);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
