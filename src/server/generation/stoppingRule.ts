/**
 * The generator's stopping rule (generate.ts states it): the solver stops searching when
 * the best schedule stops improving. Kept apart from the worker so that it can be tested.
 */

/**
 * The stopping rule's memory: the best objective over time. Flat when the last
 * `windowSec` seconds (or a quarter of the time since `origin`, if longer) improved it by
 * less than `minGain` of its value; never with minGain 0.
 */
export class Progress {
  private readonly history: { time: number; objective: number }[] = [];
  constructor(
    private readonly minGain: number,
    private readonly windowSec: number,
  ) {}

  record(time: number, objective: number): void {
    const last = this.history[this.history.length - 1];
    if (!last || objective < last.objective) this.history.push({ time, objective });
  }

  flat(time: number, origin: number): boolean {
    const best = this.history[this.history.length - 1];
    if (this.minGain <= 0 || !best) return false;
    const since = time - Math.max(this.windowSec, (time - origin) / 4);
    if (since < origin) return false;
    const then = this.history.filter((h) => h.time <= since).pop();
    return then !== undefined && then.objective - best.objective < this.minGain * Math.abs(then.objective) + 1e-6;
  }
}
