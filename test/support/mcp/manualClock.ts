/**
 * A clock that only moves when the test says so: reconnect backoff and connect timeouts
 * run instantly and deterministically.
 */
import type { Clock } from '../../../src/core/util/clock';

interface Sleeper {
  at: number;
  resolve: () => void;
}

export class ManualClock implements Clock {
  private time = 0;
  private sleepers: Sleeper[] = [];

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const sleeper: Sleeper = { at: this.time + ms, resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  /** Durations of the sleeps currently waiting, in the order they started. */
  pending(): number[] {
    return this.sleepers.map((s) => s.at - this.time);
  }

  /** Moves time forward and wakes every sleeper that is due. */
  advance(ms: number): void {
    this.time += ms;
    const due = this.sleepers.filter((s) => s.at <= this.time);
    this.sleepers = this.sleepers.filter((s) => s.at > this.time);
    for (const s of due) s.resolve();
  }
}
