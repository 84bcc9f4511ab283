/**
 * At most one writing workflow per schedule at a time (in this process). Others either
 * wait in FIFO order — the engine tells hosts "queued behind run X" — or are refused.
 * Read-only workflows never take the lock.
 */
import { raceAbort } from '../policy/abort';

export type WhenBusy = 'queue' | 'refuse';

interface Waiter {
  runId: string;
  granted: boolean;
  grant: () => void;
}

interface Holder {
  runId: string;
  queue: Waiter[];
}

export type Acquired = { ok: true; release: () => void } | { ok: false; holder: string };

export class ScheduleLocks {
  private readonly holders = new Map<string, Holder>();

  /** The run currently writing to the schedule, if any. */
  holderOf(scheduleId: string): string | undefined {
    return this.holders.get(scheduleId)?.runId;
  }

  /**
   * Takes the schedule's writer lock for `runId`. When busy: `refuse` answers at once with
   * the holder; `queue` calls `onQueued(holder)` and waits (until `signal` aborts).
   */
  async acquire(scheduleId: string, runId: string, whenBusy: WhenBusy, signal: AbortSignal, onQueued: (holder: string) => void): Promise<Acquired> {
    const holder = this.holders.get(scheduleId);
    if (!holder) {
      this.holders.set(scheduleId, { runId, queue: [] });
      return { ok: true, release: this.releaser(scheduleId, runId) };
    }
    if (whenBusy === 'refuse') return { ok: false, holder: holder.runId };
    onQueued(holder.runId);
    let waiter: Waiter | undefined;
    const granted = new Promise<void>((resolve) => {
      const w: Waiter = {
        runId,
        granted: false,
        grant: () => {
          w.granted = true;
          resolve();
        },
      };
      waiter = w;
      holder.queue.push(w);
    });
    try {
      await raceAbort(granted, signal);
    } catch (error) {
      // Aborted while waiting, or just as the lock was handed over: give it back.
      if (waiter!.granted) this.releaser(scheduleId, runId)();
      else holder.queue.splice(holder.queue.indexOf(waiter!), 1);
      throw error;
    }
    return { ok: true, release: this.releaser(scheduleId, runId) };
  }

  private releaser(scheduleId: string, runId: string): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const holder = this.holders.get(scheduleId);
      if (!holder || holder.runId !== runId) return;
      const next = holder.queue.shift();
      if (!next) {
        this.holders.delete(scheduleId);
        return;
      }
      holder.runId = next.runId;
      next.grant();
    };
  }
}
