/**
 * The error vocabulary shared by the connection layer, the engine and every host.
 * `kind` drives policy: only transient kinds are retried; hosts map kinds to messages
 * and exit codes. Messages never contain secrets (the connection layer redacts them).
 */
export type ErrorKind =
  /** An attempt exceeded its time limit. */
  | 'timeout'
  /** The transport failed: process exited, socket closed, connection refused. */
  | 'connection'
  /** HTTP 429. */
  | 'rate_limited'
  /** HTTP 5xx. */
  | 'server_error'
  /** HTTP 401/403: the API key is missing or wrong. */
  | 'auth'
  /** The tool ran and answered `isError: true`. */
  | 'tool_error'
  /** The tool's result did not match the expected schema. */
  | 'invalid_result'
  /** The server does not expose the capability. */
  | 'unavailable'
  /** The caller aborted. */
  | 'cancelled'
  /** Bad input to the orchestrator or the server: never retried. */
  | 'validation'
  /** A compliance violation that blocks the step: never retried. */
  | 'compliance'
  /** The tool's circuit breaker is open: fail fast. */
  | 'circuit_open'
  /** A JSON-RPC protocol error other than the above. */
  | 'protocol';

const TRANSIENT: ReadonlySet<ErrorKind> = new Set(['timeout', 'connection', 'rate_limited', 'server_error']);

export class OrchestratorError extends Error {
  readonly kind: ErrorKind;
  /** The tool (resolved name) or capability the error concerns, when there is one. */
  readonly tool?: string;
  readonly details?: Record<string, unknown>;

  constructor(kind: ErrorKind, message: string, options: { tool?: string; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'OrchestratorError';
    this.kind = kind;
    if (options.tool !== undefined) this.tool = options.tool;
    if (options.details !== undefined) this.details = options.details;
  }

  get transient(): boolean {
    return TRANSIENT.has(this.kind);
  }
}

export function isTransient(error: unknown): boolean {
  return error instanceof OrchestratorError && error.transient;
}

export function errorKind(error: unknown): ErrorKind | undefined {
  return error instanceof OrchestratorError ? error.kind : undefined;
}
