/**
 * The port between the engine and a tool server. The MCP connection layer implements it
 * (src/core/mcp); tests and benchmarks use an in-memory fake. The engine only ever speaks
 * in capabilities (the seed's short tool names); the invoker maps them to real tool names.
 */

/** A progress notification forwarded from the server while a call runs. */
export interface ToolProgress {
  progress: number;
  total?: number;
  message?: string;
}

/** What the invoker knows about a capability before calling it. */
export type Resolution = { status: 'available'; capability: string; tool: string; writes: boolean } | { status: 'unavailable'; capability: string; reason: string };

export interface InvokeOptions {
  /** Aborting it must cancel the call on the server (notifications/cancelled). */
  signal: AbortSignal;
  /** The controller of `signal` when it was made for this call alone (the invoker may abort it at its limits). */
  controller?: AbortController;
  /** Time limit of one attempt, reset by progress notifications. */
  timeoutMs: number;
  /** Hard cap on one attempt, whatever progress arrives. */
  maxTotalTimeoutMs: number;
  onProgress?: (p: ToolProgress) => void;
  /** Told when the attempt's clocks stop while a person answers the server's question, and when they run again. */
  onPause?: (paused: boolean) => void;
}

/** A stored thing a result refers to (an MCP resource_link): a draft, a swap, a person's schedule. */
export interface ResourceLink {
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
}

export interface InvokeResult {
  /** The resolved tool name that answered. */
  tool: string;
  data: Record<string, unknown>;
  /** Resources the result links to, when the server sent any. */
  links?: ResourceLink[];
}

/** What the server declares about a capability's arguments (argPlanning.ts fits calls to it). */
export interface ArgumentSchema {
  /** The tool's declared JSON Schema for its arguments. */
  inputSchema: Record<string, unknown>;
  /** Workflow argument name -> this tool's name for it (servers name some arguments differently). */
  aliases?: Readonly<Record<string, string>>;
}

export interface ToolInvoker {
  resolve(capability: string): Resolution;
  /** The capability's declared arguments; undefined when unknown (nothing is fitted then). */
  argumentSchema?(capability: string): ArgumentSchema | undefined;
  /** Throws OrchestratorError (src/core/errors.ts). */
  invoke(capability: string, args: Record<string, unknown>, options: InvokeOptions): Promise<InvokeResult>;
  /** Stable identity of the server for cache keys (server name, version, endpoint or command). */
  serverIdentity(): string;
}
