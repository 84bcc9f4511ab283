/**
 * One connection to one MCP server: transport choice and fallback, connect timeout,
 * states with events, the tool list (all pages, refreshed on list_changed), reconnects with
 * exponential backoff, and single tool calls with progress, timeouts and cancellation.
 *
 * Failure handling in one place:
 * - the transport closes (stdio server exits, SSE stream dies) -> state 'error', background
 *   reconnect with backoff while the connection is still wanted;
 * - a request fails with a connection-kind error (HTTP connection refused, 404 on a session)
 *   -> the session is dropped and the next call initializes again;
 * - nothing here re-sends a tool call: whether that is safe is the invoker's decision.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import {
  CallToolResultSchema,
  ElicitRequestSchema,
  ToolListChangedNotificationSchema,
  type CallToolResult,
  type ReadResourceResult,
  type ServerCapabilities,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { OrchestratorError } from '../errors';
import { raceAbort } from '../policy/abort';
import { systemClock, type Clock } from '../util/clock';
import { logs, redactingLogger, silentLogger, type Logger } from '../util/log';
import { Emitter } from './emitter';
import { endpointFor, type OpenedTransport, type ServerEndpoint } from './endpoints';
import { httpStatusOf, isTransportRefusal, toOrchestratorError } from './errorMapping';
import { InFlightCalls } from './inFlightCalls';
import { callToolAsTask, SDK_NO_TIMEOUT_MS, supportsTaskCalls, toolProgressOf, type TaskCallOptions } from './taskCalls';
import { TracingTransport } from './tracingTransport';
import { jsonSchemaValidator } from './schemaValidator';

import {
  DEFAULT_RECONNECT,
  type CallOptions,
  type ConnectionEvents,
  type ConnectionState,
  type McpConnectionOptions,
  type ReconnectPolicy,
  type ServerInfo,
} from './connectionTypes';

interface Session {
  client: Client;
  opened: OpenedTransport;
  kind: string;
}

const MAX_TOOL_PAGES = 1000;

export class McpConnection {
  private readonly endpoint: ServerEndpoint;
  private readonly log: Logger;
  private readonly events: Emitter<ConnectionEvents>;
  private readonly clock: Clock;
  private readonly policy: ReconnectPolicy | undefined;
  private readonly connectTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly clientInfo: { name: string; version: string };

  private session: Session | undefined;
  /** The client of a handshake in progress, so close() can stop it at once. */
  private pending: Client | undefined;
  private currentState: ConnectionState = 'disconnected';
  private lastError: OrchestratorError | undefined;
  private toolList: readonly Tool[] = [];
  private server: ServerInfo | undefined;
  private identityOf: { server: ServerInfo | undefined; text: string } | undefined;
  private wanted = false;
  /** Bumped by every handshake and by close(): a stale handshake or callback sees the change. */
  private generation = 0;
  private connecting: Promise<void> | undefined;
  private reconnectLoop: AbortController | undefined;
  private apiKey: string | undefined;
  private preferredKind = 0;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  /** The calls in flight, so that a server's question can pause them. */
  private readonly calls: InFlightCalls;

  constructor(private readonly options: McpConnectionOptions) {
    this.endpoint =
      'open' in options.server ? options.server : endpointFor(options.server, { ...(options.closeGraceMs !== undefined ? { closeGraceMs: options.closeGraceMs } : {}) });
    this.log = redactingLogger(options.logger ?? silentLogger, () => this.secrets());
    this.events = new Emitter((error) => this.log.log('error', `a connection event listener failed: ${String(error)}`));
    this.clock = options.clock ?? systemClock;
    this.calls = new InFlightCalls(options.callClock ?? systemClock);
    this.policy = options.reconnect === false ? undefined : { ...DEFAULT_RECONNECT, ...options.reconnect };
    this.connectTimeoutMs = options.connectTimeoutMs ?? 20_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.clientInfo = options.clientInfo ?? { name: 'sched-orch', version: '0.1.0' };
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** The error behind the 'error' state. */
  get error(): OrchestratorError | undefined {
    return this.lastError;
  }

  /** The last known tool list; kept while reconnecting so resolution stays stable. */
  get tools(): readonly Tool[] {
    return this.toolList;
  }

  get serverInfo(): ServerInfo | undefined {
    return this.server;
  }

  /** What the server declared at initialize (tools, resources, tasks …) while connected. */
  get serverCapabilities(): ServerCapabilities | undefined {
    return this.session?.client.getServerCapabilities();
  }

  /** 'stdio', 'streamable-http' or 'sse' while connected. */
  get transportKind(): string | undefined {
    return this.session?.kind;
  }

  /** The connection's redacting logger, for components that log about its calls. */
  get logger(): Logger {
    return this.log;
  }

  get description(): string {
    return this.endpoint.description;
  }

  /** The endpoint in a few words, without local paths or credentials (for what people see). */
  get summary(): string {
    return this.endpoint.summary ?? this.endpoint.description;
  }

  /** Server name and version (once known) plus the endpoint: stable across reconnects. */
  identity(): string {
    // Asked on every call (cache and single-flight keys): built once per server seen.
    const server = this.server;
    let known = this.identityOf;
    if (!known || known.server !== server) {
      known = { server, text: server ? `${server.name}@${server.version} (${this.endpoint.description})` : this.endpoint.description };
      this.identityOf = known;
    }
    return known.text;
  }

  on<K extends keyof ConnectionEvents>(event: K, listener: (payload: ConnectionEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  /** Connects (or waits for the connect in progress); throws OrchestratorError. */
  connect(signal?: AbortSignal): Promise<void> {
    this.wanted = true;
    if (this.session && this.currentState === 'connected') return Promise.resolve();
    this.connecting ??= this.establish().finally(() => (this.connecting = undefined));
    return signal ? untilAborted(this.connecting, signal, 'connecting was cancelled') : this.connecting;
  }

  /** Stops reconnecting, ends the session (a stdio server is asked to exit) and goes 'disconnected'. */
  async close(): Promise<void> {
    this.wanted = false;
    this.reconnectLoop?.abort();
    this.reconnectLoop = undefined;
    this.generation++;
    const clients = [this.session?.client, this.pending].filter((c): c is Client => c !== undefined);
    this.session = undefined;
    this.pending = undefined;
    if (this.currentState !== 'disconnected') this.log.log('info', `disconnected from ${this.description}`);
    this.setState('disconnected');
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  }

  /** Lists the tools again (all pages) and emits 'tools'. */
  async refreshTools(): Promise<readonly Tool[]> {
    const session = this.session;
    if (!session) {
      await this.connect();
      return this.toolList;
    }
    try {
      const tools = await this.listAllTools(session.client);
      if (this.session === session) this.setTools(tools);
      return tools;
    } catch (raw) {
      throw this.requestFailed(session, raw, 'listing tools');
    }
  }

  /**
   * One `tools/call`. Always passes `onprogress` (so the SDK sends a progress token) and an
   * abort signal; the timeout and the total cap are the connection's (CallLimits).
   * Throws OrchestratorError; `details.requestSent` says whether the server may have
   * received the request (false only when connecting failed first).
   */
  async callTool(name: string, args: Record<string, unknown>, options: CallOptions): Promise<CallToolResult> {
    const { signal } = options;
    if (signal.aborted) throw cancelledCall(name, false);
    // Connected already: no wait at all (connect() would still cost an await).
    if (!this.session || this.currentState !== 'connected') {
      try {
        await this.connect(signal);
      } catch (error) {
        if (signal.aborted) throw cancelledCall(name, false);
        throw withDetails(error, { requestSent: false });
      }
    }
    const session = this.session;
    if (!session) throw new OrchestratorError('connection', `calling ${name} failed: the connection closed`, { tool: name, details: { requestSent: false } });

    // The SDK never removes its abort listener, so it gets a signal that ends with the call:
    // the caller's own controller when it made one for this call alone, else one of ours.
    const call = options.controller ?? new AbortController();
    const onCallerAbort = options.controller ? undefined : () => call.abort(signal.reason);
    if (onCallerAbort) signal.addEventListener('abort', onCallerAbort, { once: true });
    // Our limits, not the SDK's (they pause while a person answers); aborting the request
    // with the SDK's timeout error makes it tell the server (notifications/cancelled).
    const inFlight = this.calls.start(options, options.onPause, (reason) => call.abort(reason));
    const { limits } = inFlight.call;
    const debug = logs(this.log, 'debug');
    const started = debug ? Date.now() : 0;
    if (debug) this.log.log('debug', `calling ${name}`);
    try {
      const result = await session.client.request({ method: 'tools/call', params: { name, arguments: args } }, CallToolResultSchema, {
        signal: call.signal,
        timeout: SDK_NO_TIMEOUT_MS,
        onprogress: (p) => {
          limits.progress();
          if (logs(this.log, 'debug')) this.log.log('debug', `progress from ${name}`, { progress: p.progress, total: p.total, message: p.message });
          options.onProgress?.(toolProgressOf(p));
        },
      });
      if (debug) this.log.log('debug', `${name} answered in ${Date.now() - started} ms${result.isError ? ' with an error result' : ''}`);
      return result;
    } catch (raw) {
      if (limits.exceeded === 'total') {
        throw new OrchestratorError('timeout', `calling ${name} failed: it exceeded its total time limit of ${options.maxTotalTimeoutMs} ms`, {
          tool: name,
          details: { requestSent: true },
        });
      }
      if (signal.aborted && limits.exceeded === undefined) throw cancelledCall(name, true);
      // The host closed the connection under the call: that ends the call, it is not a failure to recover from.
      if (!this.wanted) throw new OrchestratorError('cancelled', `calling ${name} was cancelled: the connection was closed`, { tool: name, details: { requestSent: true } });
      throw this.requestFailed(session, raw, `calling ${name}`, name);
    } finally {
      inFlight.end();
      if (onCallerAbort) signal.removeEventListener('abort', onCallerAbort);
    }
  }

  /** Whether the server runs `name` as a task when asked to (its taskSupport and the tasks capability). */
  supportsTaskCall(name: string): boolean {
    const client = this.session?.client;
    return (
      client !== undefined &&
      supportsTaskCalls(
        client,
        this.toolList.find((t) => t.name === name),
      )
    );
  }

  /**
   * One tool call as a server task (or the polling of one started earlier): see taskCalls.ts.
   * Errors are mapped like callTool's; `details.taskId` names the task once it exists.
   */
  async callToolAsTask(name: string, args: Record<string, unknown>, options: CallOptions & Pick<TaskCallOptions, 'onStarted' | 'resumeTaskId'>): Promise<CallToolResult> {
    if (options.signal.aborted) throw new OrchestratorError('cancelled', `calling ${name} was cancelled`, { tool: name, details: { requestSent: false } });
    await this.connect(options.signal);
    const session = this.session;
    if (!session) throw new OrchestratorError('connection', `calling ${name} failed: the connection closed`, { tool: name, details: { requestSent: false } });
    // A call-local controller, as in callTool: the SDK keeps its abort listeners.
    const call = new AbortController();
    const onCallerAbort = () => call.abort(options.signal.reason);
    options.signal.addEventListener('abort', onCallerAbort, { once: true });
    let taskId: string | undefined;
    // No limits of its own (each request of the exchange has one), but a server's question
    // about the task pauses the caller's clocks as for any call.
    const asked = this.calls.start({ timeoutMs: Infinity, maxTotalTimeoutMs: Infinity }, options.onPause, () => undefined);
    this.log.log('debug', `calling ${name} as a task${options.resumeTaskId ? ` (resuming task ${options.resumeTaskId})` : ''}`);
    try {
      return await callToolAsTask(session.client, name, args, {
        signal: call.signal,
        requestTimeoutMs: this.requestTimeoutMs,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        onStarted: async (id) => {
          taskId = asked.call.taskId = id;
          await options.onStarted(id);
        },
        ...(options.resumeTaskId !== undefined ? { resumeTaskId: options.resumeTaskId } : {}),
      });
    } catch (raw) {
      if (raw instanceof OrchestratorError) throw raw;
      if (!this.wanted) throw new OrchestratorError('cancelled', `calling ${name} was cancelled: the connection was closed`, { tool: name, details: { requestSent: true } });
      throw withDetails(this.requestFailed(session, raw, `calling ${name}`, name), { requestSent: true, ...(taskId !== undefined ? { taskId } : {}) });
    } finally {
      asked.end();
      options.signal.removeEventListener('abort', onCallerAbort);
    }
  }

  /** One `resources/read` (a resource a result linked to); throws OrchestratorError. */
  async readResource(uri: string, signal?: AbortSignal): Promise<ReadResourceResult> {
    await this.connect(signal);
    const session = this.session;
    if (!session) throw new OrchestratorError('connection', `reading ${uri} failed: the connection closed`);
    try {
      return await session.client.readResource({ uri }, { timeout: this.requestTimeoutMs, ...(signal ? { signal } : {}) });
    } catch (raw) {
      throw this.requestFailed(session, raw, `reading ${uri}`);
    }
  }

  private secrets(): string[] {
    return [this.apiKey ?? '', ...this.endpoint.secrets()].filter((s) => s.length >= 4);
  }

  private setState(state: ConnectionState, error?: OrchestratorError): void {
    if (state === this.currentState && error === this.lastError) return;
    this.currentState = state;
    this.lastError = state === 'error' ? error : undefined;
    this.events.emit('state', { state, ...(this.lastError ? { error: this.lastError } : {}) });
  }

  private setTools(tools: readonly Tool[]): void {
    this.toolList = tools;
    this.events.emit('tools', { tools });
  }

  private async establish(): Promise<void> {
    const generation = ++this.generation;
    this.setState('connecting');
    this.log.log('info', `connecting to ${this.description}`);
    try {
      this.apiKey = await this.options.apiKey?.get();
    } catch (error) {
      const failure = new OrchestratorError('auth', `could not read the API key from ${this.options.apiKey?.description ?? 'its source'}: ${String(error)}`);
      this.setState('error', failure);
      throw failure;
    }
    const kinds = this.endpoint.kinds;
    for (let index = this.preferredKind; index < kinds.length; index++) {
      const kind = kinds[index] as string;
      let opened: OpenedTransport | undefined;
      try {
        opened = this.endpoint.open(kind, { apiKey: this.apiKey, logger: this.log });
        const { client, tools } = await this.handshake(opened, kind);
        if (generation !== this.generation) {
          await client.close().catch(() => undefined);
          throw new OrchestratorError('cancelled', `the connection to ${this.description} was closed while connecting`);
        }
        this.session = { client, opened, kind };
        this.preferredKind = index;
        this.server = client.getServerVersion();
        this.log.log('info', `connected to ${this.identity()} over ${kind}; ${tools.length} tools`);
        this.setState('connected');
        this.setTools(tools);
        return;
      } catch (raw) {
        if (raw instanceof OrchestratorError && raw.kind === 'cancelled') throw raw;
        if (generation !== this.generation) throw new OrchestratorError('cancelled', `the connection to ${this.description} was closed while connecting`);
        if (index + 1 < kinds.length && isTransportRefusal(raw)) {
          this.log.log('info', `the server refused ${kind} (HTTP ${httpStatusOf(raw)}); trying ${kinds[index + 1]}`);
          continue;
        }
        const failure = toOrchestratorError(raw, {
          action: `connecting to ${this.description}`,
          ...this.errorContext(opened),
        });
        this.setState('error', failure);
        this.log.log('warn', failure.message);
        throw failure;
      }
    }
    throw new OrchestratorError('connection', `connecting to ${this.description} failed: no transport left to try`);
  }

  /** Starts the transport, initializes and lists the tools, all within the connect timeout. */
  private async handshake(opened: OpenedTransport, kind: string): Promise<{ client: Client; tools: Tool[] }> {
    const elicit = this.options.elicitation;
    const client = new Client(this.clientInfo, { capabilities: elicit ? { elicitation: { form: {}, url: {} } } : {}, jsonSchemaValidator });
    if (elicit) {
      client.setRequestHandler(ElicitRequestSchema, async (request, extra) => {
        // The calls waiting on this answer stop their clocks: a person's time is not the tool's.
        const resume = this.calls.pauseFor(extra.taskId);
        try {
          return await elicit(client.getServerVersion()?.name ?? this.description, request.params, extra.signal);
        } finally {
          resume();
        }
      });
    }
    this.pending = client;
    client.onclose = () => this.onClientClosed(client);
    client.onerror = (error) => this.onClientError(client, error);
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => this.onToolsChanged(client));
    // Only the timer is aborted when the handshake ends: an abort signal handed to the SDK
    // would send notifications/cancelled for requests that already completed (its listener
    // stays attached), and `initialize` must never be cancelled. On timeout the client is closed.
    const timer = new AbortController();
    const timedOut = new Promise<never>((_, reject) => {
      this.clock.sleep(this.connectTimeoutMs, timer.signal).then(
        () => {
          const detail = opened.failureDetail?.();
          reject(new OrchestratorError('timeout', `connecting to ${this.description} timed out after ${this.connectTimeoutMs} ms${detail ? `; ${detail}` : ''}`));
        },
        () => undefined, // finished in time
      );
    });
    const work = (async () => {
      await client.connect(new TracingTransport(opened.transport, this.log, kind), { timeout: this.connectTimeoutMs });
      const tools = client.getServerCapabilities()?.tools ? await this.listAllTools(client) : [];
      return { client, tools };
    })();
    try {
      return await Promise.race([work, timedOut]);
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error;
    } finally {
      timer.abort();
      if (this.pending === client) this.pending = undefined;
    }
  }

  private async listAllTools(client: Client): Promise<Tool[]> {
    const tools: Tool[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      const result = await client.listTools(cursor !== undefined ? { cursor } : undefined, { timeout: this.requestTimeoutMs });
      tools.push(...result.tools);
      cursor = result.nextCursor;
      if (cursor === undefined) return tools;
      if (seen.has(cursor)) throw new OrchestratorError('protocol', `listing tools failed: the server repeated the page cursor ${JSON.stringify(cursor)}`);
      seen.add(cursor);
    }
    throw new OrchestratorError('protocol', `listing tools failed: more than ${MAX_TOOL_PAGES} pages`);
  }

  private errorContext(opened: OpenedTransport | undefined) {
    const detail = opened?.failureDetail?.();
    return {
      secrets: this.secrets(),
      ...(detail ? { detail } : {}),
      authHint: this.options.apiKey ? `check the API key in ${this.options.apiKey.description}` : 'the server needs an API key and none is configured',
    };
  }

  /** Maps a failed request; a connection-kind failure ends the session so the next use initializes again. */
  private requestFailed(session: Session, raw: unknown, action: string, tool?: string): OrchestratorError {
    const sessionId = session.opened.transport.sessionId;
    if (httpStatusOf(raw) === 404 && sessionId) {
      const expired = new OrchestratorError('connection', `${action} failed: the server no longer knows the session; it will be initialized again`, {
        ...(tool !== undefined ? { tool } : {}),
        details: { requestSent: true, sessionExpired: true, httpStatus: 404 },
      });
      this.dropSession(session, expired);
      return expired;
    }
    const error = toOrchestratorError(raw, {
      action,
      ...(tool !== undefined ? { tool } : {}),
      ...this.errorContext(session.opened),
      details: { requestSent: true },
    });
    if (error.kind === 'connection') this.dropSession(session, error);
    return error;
  }

  private dropSession(session: Session, error: OrchestratorError): void {
    if (this.session !== session) return;
    this.session = undefined;
    this.log.log('warn', `lost the connection to ${this.description}: ${error.message}`);
    void session.client.close().catch(() => undefined);
    this.setState('error', error);
    if (this.wanted) this.startReconnecting();
  }

  private onClientClosed(client: Client): void {
    const session = this.session;
    // Closes during a handshake are reported by the handshake; stale clients are ignored.
    if (!session || session.client !== client) return;
    const detail = session.opened.failureDetail?.();
    this.dropSession(session, new OrchestratorError('connection', `the connection to ${this.description} closed${detail ? `: ${detail}` : ''}`));
  }

  private onClientError(client: Client, error: Error): void {
    this.log.log('debug', `transport reported: ${error.message}`);
    // An SSE stream that dies takes the session with it.
    const session = this.session;
    if (error instanceof SseError && session?.client === client) {
      this.dropSession(session, toOrchestratorError(error, { action: `the event stream from ${this.description}`, secrets: this.secrets() }));
    }
  }

  private onToolsChanged(client: Client): void {
    if (this.session?.client !== client) return;
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        try {
          await this.refreshTools();
          this.log.log('info', `tool list changed; ${this.toolList.length} tools`);
        } catch (error) {
          this.log.log('warn', `could not refresh the tool list: ${String(error)}`);
        }
      } while (this.refreshAgain);
    })().finally(() => (this.refreshing = undefined));
  }

  private startReconnecting(): void {
    if (!this.policy || this.reconnectLoop) return;
    const loop = new AbortController();
    this.reconnectLoop = loop;
    void this.reconnectWithBackoff(this.policy, loop.signal).finally(() => {
      if (this.reconnectLoop === loop) this.reconnectLoop = undefined;
    });
  }

  private async reconnectWithBackoff(policy: ReconnectPolicy, signal: AbortSignal): Promise<void> {
    for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
      const delayMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** (attempt - 1));
      this.events.emit('reconnecting', { attempt, delayMs });
      this.log.log('info', `reconnecting to ${this.description} in ${delayMs} ms (attempt ${attempt} of ${policy.maxAttempts})`);
      try {
        await this.clock.sleep(delayMs, signal);
      } catch {
        return;
      }
      // While we waited the host may have closed the connection, or a call may have reconnected it.
      if (signal.aborted || !this.wanted || this.currentState === 'connected') return;
      try {
        await this.connect();
        return;
      } catch (error) {
        // A wrong key does not fix itself, and a close() ends the loop.
        if (error instanceof OrchestratorError && (error.kind === 'auth' || error.kind === 'cancelled')) return;
      }
    }
    this.log.log('warn', `gave up reconnecting to ${this.description} after ${policy.maxAttempts} attempts; the next call will try again`);
  }
}

function cancelledCall(name: string, requestSent: boolean): OrchestratorError {
  return new OrchestratorError('cancelled', `calling ${name} was cancelled`, { tool: name, details: { requestSent } });
}

function withDetails(error: unknown, details: Record<string, unknown>): unknown {
  if (!(error instanceof OrchestratorError)) return error;
  return new OrchestratorError(error.kind, error.message, {
    ...(error.tool !== undefined ? { tool: error.tool } : {}),
    details: { ...error.details, ...details },
    ...(error.cause !== undefined ? { cause: error.cause } : {}),
  });
}

/** Settles like `promise`, or rejects as cancelled (with `message`) as soon as the signal aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, message: string): Promise<T> {
  return raceAbort(promise, signal).catch((error: unknown) => {
    throw signal.aborted ? new OrchestratorError('cancelled', message) : error;
  });
}
