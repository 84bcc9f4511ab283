/** The public shapes of an MCP connection: its options, states, events and call options. */
import type { ElicitRequest, ElicitResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ToolProgress } from '../engine/invoker';
import type { OrchestratorError } from '../errors';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/log';
import type { ApiKeySource } from './apiKey';
import type { ServerConfig } from './config';
import type { ServerEndpoint } from './endpoints';

export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'error';

export interface ReconnectPolicy {
  initialDelayMs: number;
  multiplier: number;
  maxDelayMs: number;
  /** Background attempts after a drop; a later call still tries once more on its own. */
  maxAttempts: number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = { initialDelayMs: 500, multiplier: 2, maxDelayMs: 30_000, maxAttempts: 8 };

export interface McpConnectionOptions {
  /** A validated server setting (see parseServerConfig), or an endpoint of your own. */
  server: ServerConfig | ServerEndpoint;
  /** Wrapped so the API key and secret headers can never leave through it. */
  logger?: Logger;
  apiKey?: ApiKeySource;
  /** Limit on starting the transport, `initialize` and the first `tools/list` together. */
  connectTimeoutMs?: number;
  /** Limit on the connection's own requests (`tools/list`); tool calls carry their own. */
  requestTimeoutMs?: number;
  /** Background reconnects after the connection drops; `false` turns them off. */
  reconnect?: Partial<ReconnectPolicy> | false;
  /** Drives reconnect delays and the connect timeout (inject a fake one in tests). */
  clock?: Clock;
  /** Drives the calls' time limits (CallOptions); the system clock unless given. */
  callClock?: Clock;
  clientInfo?: { name: string; version: string };
  /** Grace period for a stdio server to exit on close before it is signalled. */
  closeGraceMs?: number;
  /**
   * Answers the server's `elicitation/create` (form and URL mode are declared only with it;
   * src/core/app/elicitation.ts builds one over the host's input port).
   */
  elicitation?: (server: string, params: ElicitRequest['params'], signal: AbortSignal) => Promise<ElicitResult>;
}

export interface ServerInfo {
  name: string;
  version: string;
  title?: string | undefined;
}

export interface ConnectionEvents {
  state: { state: ConnectionState; error?: OrchestratorError };
  /** The tool list changed (after connecting and after each refresh). */
  tools: { tools: readonly Tool[] };
  /** A background reconnect attempt is scheduled after `delayMs`. */
  reconnecting: { attempt: number; delayMs: number };
}

export interface CallOptions {
  /** Aborting sends `notifications/cancelled` to the server and rejects with kind 'cancelled'. */
  signal: AbortSignal;
  /**
   * The controller of `signal` when the caller made it for this call alone and aborts it at
   * most while the call runs: its signal then goes to the SDK as it is, and the call's own
   * limits abort it. Without one the call makes a controller of its own.
   */
  controller?: AbortController;
  /** No response and no progress for this long -> 'timeout' (progress resets it). */
  timeoutMs: number;
  /** Hard cap whatever progress arrives -> 'timeout'. */
  maxTotalTimeoutMs: number;
  onProgress?: (progress: ToolProgress) => void;
  /**
   * Told when the call's clocks stop because the server asked a person something during the
   * call (elicitation), and when they run again: the limits above do not count that time.
   */
  onPause?: (paused: boolean) => void;
}
