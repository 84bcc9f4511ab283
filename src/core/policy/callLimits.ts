/**
 * One call's time limits, on an injectable clock so that they can pause while a person
 * answers a question the server asked during the call (MCP elicitation): no answer and no
 * progress for `timeoutMs` ends the call, and so does more than `maxTotalTimeoutMs` in all;
 * time spent paused counts towards neither. Both limits share one timer: progress only moves
 * the deadline, and a timer that fires early waits the rest. The connection keeps these for
 * a request (src/core/mcp/inFlightCalls.ts), the policy runtime for an attempt (runtime.ts).
 */
import { startTimer, type Clock } from '../util/clock';

export interface CallLimitOptions {
  timeoutMs: number;
  maxTotalTimeoutMs: number;
}

export type CallLimit = 'timeout' | 'total';

export class CallLimits {
  /** Which limit ended the call, once one has. */
  exceeded: CallLimit | undefined;
  private idleDeadline: number;
  private capDeadline: number;
  private readonly started: number;
  private stopTimer: (() => void) | undefined;
  private pauses = 0;
  private pausedAt = 0;
  private pausedTotal = 0;
  private over = false;

  /** `expire` is told which limit ended the call and how long it ran, pauses left out. */
  constructor(
    private readonly clock: Clock,
    private readonly options: CallLimitOptions,
    private readonly expire: (limit: CallLimit, ranMs: number) => void,
  ) {
    const now = clock.now();
    this.started = now;
    this.idleDeadline = now + options.timeoutMs;
    this.capDeadline = now + options.maxTotalTimeoutMs;
    this.arm(now);
  }

  /** Whether a pause is open. */
  get paused(): boolean {
    return this.pauses > 0 && !this.over;
  }

  /** Time the clocks stood still so far (a pause still open counts up to now). */
  get pausedMs(): number {
    return this.paused ? this.pausedTotal + this.clock.now() - this.pausedAt : this.pausedTotal;
  }

  /** Time the call has run so far, pauses left out. */
  get ranMs(): number {
    return this.clock.now() - this.started - this.pausedMs;
  }

  /** Progress from the server: the inactivity limit starts again (from the pause's start while paused). */
  progress(): void {
    this.idleDeadline = (this.pauses > 0 ? this.pausedAt : this.clock.now()) + this.options.timeoutMs;
  }

  /** A person is being asked: the clocks stop until every pause has ended. True when this stopped them. */
  pause(): boolean {
    if (this.over || this.pauses++ > 0) return false;
    this.pausedAt = this.clock.now();
    this.stopTimer?.();
    this.stopTimer = undefined;
    return true;
  }

  /** One pause ended. True when this started the clocks again (it was the last). */
  resume(): boolean {
    if (this.over || this.pauses === 0 || --this.pauses > 0) return false;
    const now = this.clock.now();
    const paused = now - this.pausedAt;
    this.pausedTotal += paused;
    this.idleDeadline += paused;
    this.capDeadline += paused;
    this.arm(now);
    return true;
  }

  /** The call ended: no timer is left behind; an open pause is counted up to now. */
  dispose(): void {
    if (this.over) return;
    if (this.pauses > 0) this.pausedTotal += this.clock.now() - this.pausedAt;
    this.over = true;
    this.stopTimer?.();
    this.stopTimer = undefined;
  }

  private arm(now: number): void {
    const at = Math.min(this.idleDeadline, this.capDeadline);
    if (Number.isFinite(at)) this.stopTimer = startTimer(this.clock, Math.max(0, at - now), () => this.check());
  }

  private check(): void {
    this.stopTimer = undefined;
    if (this.over || this.pauses > 0) return;
    const now = this.clock.now();
    if (now >= this.capDeadline) this.end('total');
    else if (now >= this.idleDeadline) this.end('timeout');
    else this.arm(now);
  }

  private end(limit: CallLimit): void {
    this.exceeded = limit;
    const ran = this.ranMs;
    this.dispose();
    this.expire(limit, ran);
  }
}
