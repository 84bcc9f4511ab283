/**
 * One tool call's time limits, kept by the connection instead of the SDK so that they can
 * pause while a person answers a question the server asked during the call (MCP
 * elicitation): no answer and no progress for `timeoutMs` ends the call, and so does more
 * than `maxTotalTimeoutMs` in all; time spent paused counts towards neither. Both limits share
 * one timer: progress only moves the deadline, and a timer that fires early waits the rest.
 */
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { startTimer, type Clock } from '../util/clock';

export interface CallLimitOptions {
  timeoutMs: number;
  maxTotalTimeoutMs: number;
  /** Told when the call's clocks stop (a person is being asked) and when they run again. */
  onPause?: ((paused: boolean) => void) | undefined;
}

export class CallLimits {
  /** Which limit ended the call, once one has. */
  exceeded: 'timeout' | 'total' | undefined;
  /** The server task the call runs as, once known (an elicitation may name it). */
  taskId: string | undefined;
  private idleDeadline: number;
  private capDeadline: number;
  private readonly started: number;
  private stopTimer: (() => void) | undefined;
  private pauses = 0;
  private pausedAt = 0;
  private pausedTotal = 0;
  private over = false;

  /** `expire` gets the SDK error the call ends with: aborting the SDK's request with it tells the server (notifications/cancelled). */
  constructor(
    private readonly clock: Clock,
    private readonly options: CallLimitOptions,
    private readonly expire: (reason: McpError) => void,
  ) {
    const now = clock.now();
    this.started = now;
    this.idleDeadline = now + options.timeoutMs;
    this.capDeadline = now + options.maxTotalTimeoutMs;
    this.arm(now);
  }

  /** Time the clocks stood still so far (a pause still open counts up to now). */
  get pausedMs(): number {
    return this.pauses > 0 && !this.over ? this.pausedTotal + this.clock.now() - this.pausedAt : this.pausedTotal;
  }

  /** Progress from the server: the inactivity limit starts again (from the pause's start while paused). */
  progress(): void {
    this.idleDeadline = (this.pauses > 0 ? this.pausedAt : this.clock.now()) + this.options.timeoutMs;
  }

  /** A person is being asked: the clocks stop until every pause has ended. */
  pause(): void {
    if (this.over || this.pauses++ > 0) return;
    this.pausedAt = this.clock.now();
    this.stopTimer?.();
    this.stopTimer = undefined;
    this.options.onPause?.(true);
  }

  resume(): void {
    if (this.over || this.pauses === 0 || --this.pauses > 0) return;
    const now = this.clock.now();
    const paused = now - this.pausedAt;
    this.pausedTotal += paused;
    this.idleDeadline += paused;
    this.capDeadline += paused;
    this.arm(now);
    this.options.onPause?.(false);
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
    if (now >= this.capDeadline) {
      this.end(
        'total',
        new McpError(ErrorCode.RequestTimeout, 'Maximum total timeout exceeded', {
          maxTotalTimeout: this.options.maxTotalTimeoutMs,
          totalElapsed: now - this.started - this.pausedTotal,
        }),
      );
    } else if (now >= this.idleDeadline) {
      this.end('timeout', new McpError(ErrorCode.RequestTimeout, 'Request timed out', { timeout: this.options.timeoutMs }));
    } else {
      this.arm(now);
    }
  }

  private end(limit: 'timeout' | 'total', reason: McpError): void {
    this.exceeded = limit;
    this.dispose();
    this.expire(reason);
  }
}

/**
 * The in-flight calls an elicitation pauses: the call of the task it names when it names
 * one, else every call in flight (most often the only one): over stdio a server's request
 * does not say which of ours it serves.
 */
export function callsAskedFor(calls: ReadonlySet<CallLimits>, taskId: string | undefined): CallLimits[] {
  if (taskId !== undefined) {
    const named = [...calls].filter((c) => c.taskId === taskId);
    if (named.length > 0) return named;
  }
  return [...calls];
}
