/**
 * The tool calls a connection has in flight, so that a question the server asks during one
 * (MCP elicitation) stops the clocks of the calls waiting on the answer: a person's time is
 * not the tool's. Each call keeps its limits (src/core/policy/callLimits.ts); over stdio a
 * server's request does not say which of ours it serves, so a question naming no task of ours
 * pauses every call in flight (most often the only one).
 */
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { CallLimits, type CallLimitOptions } from '../policy/callLimits';
import type { Clock } from '../util/clock';

export interface InFlightCall {
  readonly limits: CallLimits;
  /** The server task the call runs as, once known. */
  taskId?: string;
}

interface Entry extends InFlightCall {
  onPause: ((paused: boolean) => void) | undefined;
}

export class InFlightCalls {
  private readonly calls = new Set<Entry>();

  constructor(private readonly clock: Clock) {}

  /**
   * A call starts: `expire` gets the SDK's own timeout error when a limit ends it (aborting the
   * SDK's request with that error makes the SDK tell the server: notifications/cancelled).
   * `end` must be called when the call ends, whatever happened.
   */
  start(limits: CallLimitOptions, onPause: ((paused: boolean) => void) | undefined, expire: (reason: McpError) => void): { call: InFlightCall; end(): void } {
    const entry: Entry = { limits: new CallLimits(this.clock, limits, (limit, ranMs) => expire(sdkTimeout(limit, limits, ranMs))), onPause };
    this.calls.add(entry);
    return {
      call: entry,
      end: () => {
        entry.limits.dispose();
        this.calls.delete(entry);
      },
    };
  }

  /** Stops the clocks of the calls a question is for (that task's call, else all); returns what starts them again. */
  pauseFor(taskId: string | undefined): () => void {
    const named = taskId === undefined ? [] : [...this.calls].filter((c) => c.taskId === taskId);
    const asked = named.length > 0 ? named : [...this.calls];
    for (const call of asked) if (call.limits.pause()) call.onPause?.(true);
    return () => {
      for (const call of asked) if (call.limits.resume()) call.onPause?.(false);
    };
  }
}

/** The SDK's own error for a request past its limit. */
function sdkTimeout(limit: 'timeout' | 'total', options: CallLimitOptions, ranMs: number): McpError {
  return limit === 'total'
    ? new McpError(ErrorCode.RequestTimeout, 'Maximum total timeout exceeded', { maxTotalTimeout: options.maxTotalTimeoutMs, totalElapsed: ranMs })
    : new McpError(ErrorCode.RequestTimeout, 'Request timed out', { timeout: options.timeoutMs });
}
