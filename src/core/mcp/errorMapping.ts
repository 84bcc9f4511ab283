/**
 * Turns whatever the SDK, fetch or a child process throws into one OrchestratorError
 * with a kind the policies understand and a message a user can act on. Every message is
 * redacted: a secret that appears in an upstream error text never leaves this function.
 */
import { SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { OrchestratorError, type ErrorKind } from '../errors';
import { redact } from '../util/log';

export interface ErrorContext {
  /** What was being done, completing "… failed": "connecting to http: …", "calling validate_schedule_tool". */
  action: string;
  tool?: string;
  /** A sentence from the transport about why it failed (e.g. the server process exit). */
  detail?: string;
  /** How to fix an authentication failure ("check the API key in environment variable X"). */
  authHint?: string;
  secrets: readonly string[];
  /** Merged into the error's details (e.g. whether the request had been sent). */
  details?: Record<string, unknown>;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'ENOENT',
  'EACCES',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The HTTP status behind a transport error, when there is one. */
export function httpStatusOf(error: unknown): number | undefined {
  if (error instanceof StreamableHTTPError || error instanceof SseError) return error.code;
  if (error instanceof UnauthorizedError) return 401;
  // The SSE transport reports failed POSTs as plain errors: "Error POSTing to endpoint (HTTP 401): …".
  const match = error instanceof Error ? /\(HTTP (\d{3})\)/.exec(error.message) : null;
  return match ? Number(match[1]) : undefined;
}

/** True when the server refused the Streamable HTTP transport itself, so SSE is worth a try. */
export function isTransportRefusal(error: unknown): boolean {
  const status = httpStatusOf(error);
  return status === 400 || status === 404 || status === 405;
}

/** What the server said in an HTTP error body, shortened (server text is untrusted). */
function serverText(error: unknown): string {
  if (!(error instanceof Error)) return '';
  const text = error.message
    .replace(/^Streamable HTTP error: /, '')
    .replace(/^Error POSTing to endpoint( \(HTTP \d{3}\))?: ?/, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!text || text === 'null') return '';
  return `: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`;
}

function systemCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function classify(error: unknown): { kind: ErrorKind; reason: string; status?: number } {
  if (error instanceof McpError) {
    const data = error.data as { timeout?: number; maxTotalTimeout?: number } | undefined;
    switch (error.code) {
      case ErrorCode.RequestTimeout:
        return {
          kind: 'timeout',
          reason:
            data?.maxTotalTimeout !== undefined
              ? `it exceeded its total time limit of ${data.maxTotalTimeout} ms`
              : data?.timeout !== undefined
                ? `no response or progress within ${data.timeout} ms`
                : 'it timed out',
        };
      case ErrorCode.ConnectionClosed:
        return { kind: 'connection', reason: 'the connection closed' };
      case ErrorCode.InvalidParams:
        return { kind: 'validation', reason: `the server rejected the arguments: ${error.message}` };
      default:
        return { kind: 'protocol', reason: `the server answered with an error: ${error.message}` };
    }
  }
  const status = httpStatusOf(error);
  if (status !== undefined) {
    const said = serverText(error);
    if (status === 401 || status === 403) return { kind: 'auth', reason: `authentication failed (HTTP ${status})${said}`, status };
    if (status === 429) return { kind: 'rate_limited', reason: `the server is rate limiting requests (HTTP 429)${said}`, status };
    if (status >= 500) return { kind: 'server_error', reason: `the server failed (HTTP ${status})${said}`, status };
    return { kind: 'protocol', reason: `the server answered HTTP ${status}${said}`, status };
  }
  const code = systemCode(error);
  if (code && NETWORK_CODES.has(code)) return { kind: 'connection', reason: `the server could not be reached (${code})` };
  if (error instanceof Error && error.name === 'AbortError') return { kind: 'cancelled', reason: 'it was cancelled' };
  if (error instanceof SseError) return { kind: 'connection', reason: `the event stream failed: ${error.message}` };
  if (error instanceof Error && /not connected|not running|fetch failed|socket|terminated/i.test(error.message)) {
    // fetch hides the real reason ("bad port", a TLS failure …) in its cause.
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return { kind: 'connection', reason: `the connection failed: ${error.message}${cause}` };
  }
  return { kind: 'protocol', reason: error instanceof Error ? error.message : String(error) };
}

export function toOrchestratorError(error: unknown, context: ErrorContext): OrchestratorError {
  if (error instanceof OrchestratorError) return error;
  const { kind, reason, status } = classify(error);
  const parts = [`${context.action} failed: ${reason}`];
  if (context.detail) parts.push(context.detail);
  if (kind === 'auth') parts.push(context.authHint ?? 'the server needs an API key');
  const message = redact(parts.join('; '), context.secrets);
  const causeText = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
  // The original error is kept for --verbose output only when it carries no secret.
  const safeCause = redact(causeText, context.secrets) === causeText;
  const details = { ...context.details, ...(status !== undefined ? { httpStatus: status } : {}) };
  return new OrchestratorError(kind, message, {
    ...(context.tool !== undefined ? { tool: context.tool } : {}),
    ...(Object.keys(details).length > 0 ? { details } : {}),
    ...(safeCause ? { cause: error } : {}),
  });
}
