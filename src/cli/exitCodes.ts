/**
 * Exit codes of the `sched-orch` CLI: scripts and cron jobs branch on them, so they are a
 * documented contract (README) and never change meaning.
 */
import { OrchestratorError } from '../core/errors';

export const ExitCode = {
  /** Success. */
  Ok: 0,
  /** Bad command line: unknown command or option, missing or malformed value. Nothing ran. */
  Usage: 1,
  /** `run`: the workflow finished but its result needs human review. */
  NeedsReview: 2,
  /** `run`: the workflow was blocked (e.g. a compliance violation) and changed nothing. */
  Blocked: 3,
  /**
   * A call or the connection failed: timeout, connection lost, server error, rate limit,
   * tool error, invalid result, capability unavailable, protocol error.
   */
  Failed: 4,
  /** The server rejected the API key (HTTP 401/403) or none was configured. */
  Auth: 5,
  /** Interrupted with Ctrl-C (128 + SIGINT); a running call was cancelled on the server. */
  Cancelled: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export function exitCodeFor(error: unknown): ExitCodeValue {
  if (!(error instanceof OrchestratorError)) return ExitCode.Failed;
  if (error.kind === 'auth') return ExitCode.Auth;
  if (error.kind === 'cancelled') return ExitCode.Cancelled;
  return ExitCode.Failed;
}
