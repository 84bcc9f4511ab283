/**
 * A Clock for tests: time moves only when the test says so. `run(promise)` advances to the
 * next timer whenever the code under test is idle (no pending microtasks or file I/O), so
 * a whole workflow with retries and timeouts runs in milliseconds, deterministically.
 */
import type { Clock } from '../../../src/core/util/clock';

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/** True while the file system still works for us (history appends, state saves). */
function fileIoPending(): boolean {
  return process.getActiveResourcesInfo().some((r) => r.startsWith('FSReq') || r === 'CloseReq' || r.startsWith('FileHandle'));
}

export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: Timer[] = [];

  /** `onAdvance` lets a test keep other time sources (e.g. a mocked Date) in step. */
  constructor(
    start = Date.UTC(2026, 0, 5, 8, 0, 0),
    private readonly onAdvance?: (now: number) => void,
  ) {
    this.current = start;
    onAdvance?.(start);
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer: Timer = {
        at: this.current + ms,
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.push(timer);
    });
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.timers.length;
  }

  /** Lets every ready continuation run, including ones waiting on file I/O. */
  async settle(): Promise<void> {
    for (let quiet = 0; quiet < 3;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (fileIoPending()) quiet = 0;
      else quiet++;
    }
  }

  /** Moves time forward by `ms`, firing due timers in order and settling after each. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await this.settle();
    for (;;) {
      const next = this.nextTimer();
      if (!next || next.at > target) break;
      this.fire(next);
      await this.settle();
    }
    this.setTime(target);
    await this.settle();
  }

  /** Runs until `promise` settles, jumping to the next timer whenever nothing else can happen. */
  async run<T>(promise: Promise<T>, limitMs = 7 * 24 * 3_600_000): Promise<T> {
    let done = false;
    const tracked = promise.finally(() => {
      done = true;
    });
    tracked.catch(() => undefined);
    const end = this.current + limitMs;
    for (;;) {
      await this.settle();
      if (done) return tracked;
      const next = this.nextTimer();
      if (!next) throw new Error('FakeClock.run: the promise is waiting on something other than the clock');
      if (next.at > end) throw new Error(`FakeClock.run: still not settled after ${limitMs} ms of fake time`);
      this.fire(next);
    }
  }

  private nextTimer(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers) if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    return best;
  }

  private fire(timer: Timer): void {
    this.timers = this.timers.filter((t) => t !== timer);
    if (timer.at > this.current) this.setTime(timer.at);
    timer.resolve();
  }

  private setTime(now: number): void {
    this.current = now;
    this.onAdvance?.(now);
  }
}
