/** Small helpers that make every wait in the engine stop as soon as its signal aborts. */
import { TIMER_DONE, type Clock } from '../util/clock';

/** Settles like `promise`, or rejects with the signal's reason as soon as it aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Calls `abort` with the signal's reason when it aborts (at once if it has); returns the unfollow. */
function followAbort(signal: AbortSignal, abort: (reason: unknown) => void): () => void {
  if (signal.aborted) {
    abort(signal.reason);
    return () => undefined;
  }
  const onAbort = () => abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

/** A child controller that aborts (with the parent's reason) when the parent does. */
export function childController(parent: AbortSignal): { controller: AbortController; dispose: () => void } {
  const controller = new AbortController();
  return { controller, dispose: followAbort(parent, (reason) => controller.abort(reason)) };
}

/**
 * A cancellation that builds an AbortSignal only when something must wait on one (a retry's
 * backoff): in Node 20 creating a signal and adding its first listener cost microseconds,
 * and most calls need neither. onAbort() takes plain callbacks.
 */
export class LazyAbort {
  private state: { reason: unknown } | undefined;
  private controller: AbortController | undefined;
  /** Made on the first onAbort(): every call has a cancellation, few are followed. */
  private callbacks: Set<(reason: unknown) => void> | undefined;

  get aborted(): boolean {
    return this.state !== undefined;
  }

  get reason(): unknown {
    return this.state?.reason;
  }

  /** A signal in step with this cancellation (built on first use). */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.state) this.controller.abort(this.state.reason);
    }
    return this.controller.signal;
  }

  throwIfAborted(): void {
    if (this.state) throw this.state.reason;
  }

  abort(reason: unknown): void {
    if (this.state) return;
    this.state = { reason };
    this.controller?.abort(reason);
    if (this.callbacks) for (const callback of [...this.callbacks]) callback(reason);
  }

  /** Calls `callback` when this aborts (not when it has already); returns the unsubscribe. */
  onAbort(callback: (reason: unknown) => void): () => void {
    const callbacks = (this.callbacks ??= new Set());
    callbacks.add(callback);
    return () => callbacks.delete(callback);
  }

  /** A cancellation that aborts when `signal` does; `dispose()` stops following it. */
  static following(signal: AbortSignal): { cancel: LazyAbort; dispose: () => void } {
    const cancel = new LazyAbort();
    return { cancel, dispose: followAbort(signal, (reason) => cancel.abort(reason)) };
  }
}

/**
 * One operation's abort scope under `parent`: its controller aborts when the parent does or
 * when abort() is called (a time limit), and race() settles like the operation or rejects
 * with the abort reason at once. Nothing listens on the scope's own signal, so ending the
 * scope needs no abort of its own: dispose() unlinks it from the parent.
 */
export class AbortScope {
  readonly controller = new AbortController();
  private rejectRace: ((reason: unknown) => void) | undefined;
  private readonly unlink: (() => void) | undefined;

  constructor(parent: LazyAbort) {
    if (parent.aborted) this.controller.abort(parent.reason);
    else this.unlink = parent.onAbort((reason) => this.abort(reason));
  }

  abort(reason: unknown): void {
    if (this.controller.signal.aborted) return;
    this.controller.abort(reason);
    this.rejectRace?.(reason);
  }

  /** Settles like `operation`, or rejects with the abort reason as soon as the scope aborts. */
  race<T>(operation: Promise<T>): Promise<T> {
    const { signal } = this.controller;
    if (signal.aborted) {
      operation.catch(() => undefined);
      return Promise.reject(signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      this.rejectRace = reject;
      operation.then(resolve, reject);
    });
  }

  dispose(): void {
    this.unlink?.();
  }
}

/**
 * A signal that aborts with `reason()` after `ms` on the clock (time paused with `pause()`
 * not counted), or with the parent's reason when the parent aborts first. `dispose()` stops
 * the timer.
 */
export function deadlineSignal(
  clock: Clock,
  ms: number,
  parent: AbortSignal,
  reason: () => unknown,
): { signal: AbortSignal; dispose: () => void; pause: () => void; resume: () => void } {
  const { controller, dispose: unlink } = childController(parent);
  const deadline = new PausableDeadline(clock, ms, () => controller.abort(reason()));
  deadline.start();
  return {
    signal: controller.signal,
    pause: () => deadline.pause(),
    resume: () => deadline.resume(),
    dispose: () => {
      deadline.dispose();
      unlink();
    },
  };
}

/**
 * A time limit that can be paused (while a human is asked) and resumed, counting only the
 * time it ran. Nothing runs until `start()`; pauses nest.
 */
export class PausableDeadline {
  private remaining: number;
  private since = 0;
  private timer: AbortController | undefined;
  private pauses = 0;
  private armed = false;
  private over = false;

  constructor(
    private readonly clock: Clock,
    ms: number,
    private readonly onExpire: () => void,
  ) {
    this.remaining = ms;
  }

  start(): void {
    this.armed = true;
    if (this.timer || this.over || this.pauses > 0 || !Number.isFinite(this.remaining)) return;
    const timer = new AbortController();
    this.timer = timer;
    this.since = this.clock.now();
    this.clock.sleep(Math.max(0, this.remaining), timer.signal).then(
      () => {
        this.timer = undefined;
        this.over = true;
        this.onExpire();
      },
      () => undefined,
    );
  }

  pause(): void {
    this.pauses++;
    if (!this.timer) return;
    this.timer.abort(TIMER_DONE);
    this.timer = undefined;
    this.remaining -= this.clock.now() - this.since;
  }

  resume(): void {
    if (this.pauses === 0) return;
    this.pauses--;
    if (this.pauses === 0 && this.armed) this.start();
  }

  dispose(): void {
    this.over = true;
    this.timer?.abort(TIMER_DONE);
    this.timer = undefined;
  }
}
