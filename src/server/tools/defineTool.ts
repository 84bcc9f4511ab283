/**
 * The one way a tool of the bundled server is declared: zod input and output shapes
 * (so every tool has an `outputSchema`), truthful annotations, and a handler that gets
 * a cancellation signal and a progress reporter. Expected failures are `ToolError`s and
 * reach the client as `isError` results with a clear message; nothing crashes the server.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { Logger } from '../../core/util/log';
import { ToolError } from '../domain/errors';

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
}

/**
 * The largest result (its JSON, in bytes) a tool sends. The result travels twice in one
 * message (text and structured content), and clients cap a message at 10 MiB (the MCP SDK's
 * stdio buffer), so a bigger one would only break the connection: it is refused instead.
 */
export const MAX_RESULT_BYTES = 4 * 1024 * 1024;

export const READ_ONLY: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true };

export interface CallContext {
  signal: AbortSignal;
  /** Sends `notifications/progress` when the caller asked for progress; a no-op otherwise. */
  progress(done: number, total?: number, message?: string): Promise<void>;
  /** Throws a ToolError("cancelled") when the client cancelled the call. */
  checkCancelled(): void;
}

export interface ToolSpec<I extends z.ZodRawShape, O extends z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  annotations: ToolAnnotations;
  run(args: z.infer<z.ZodObject<I>>, call: CallContext): Promise<z.infer<z.ZodObject<O>>> | z.infer<z.ZodObject<O>>;
}

export function registerTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(
  server: McpServer,
  spec: ToolSpec<I, O>,
  logger: Logger,
): void {
  server.registerTool(
    spec.name,
    {
      title: spec.title,
      description: spec.description,
      inputSchema: spec.input,
      outputSchema: spec.output,
      annotations: { title: spec.title, ...spec.annotations, openWorldHint: false },
    },
    // The SDK's generic handler type cannot follow our generic shapes; the SDK has
    // already validated `args` against `spec.input` when this runs.
    (async (args: z.infer<z.ZodObject<I>>, extra: HandlerExtra) => {
      const call = callContext(extra);
      try {
        const result = await spec.run(args, call);
        const text = JSON.stringify(result);
        const bytes = Buffer.byteLength(text, 'utf8');
        if (bytes > MAX_RESULT_BYTES) {
          throw new ToolError(
            `the result of ${spec.name} is ${(bytes / 1048576).toFixed(1)} MiB, over the ${MAX_RESULT_BYTES / 1048576} MiB limit of one result: ask for less (a shorter date range, or limit/offset where the tool pages)`,
            'RESULT_TOO_LARGE',
          );
        }
        return { content: [{ type: 'text' as const, text }], structuredContent: result as Record<string, unknown> };
      } catch (error) {
        const message = toolErrorMessage(error);
        if (!(error instanceof ToolError)) logger.log('error', `tool ${spec.name} failed`, { error: String(error) });
        return { isError: true, content: [{ type: 'text' as const, text: message }] };
      }
    }) as never,
  );
}

interface HandlerExtra {
  signal: AbortSignal;
  _meta?: { progressToken?: string | number };
  sendNotification(n: { method: 'notifications/progress'; params: { progressToken: string | number; progress: number; total?: number; message?: string } }): Promise<void>;
}

function callContext(extra: HandlerExtra): CallContext {
  const token = extra._meta?.progressToken;
  return {
    signal: extra.signal,
    async progress(done, total, message) {
      if (token === undefined || extra.signal.aborted) return;
      await extra.sendNotification({
        method: 'notifications/progress',
        params: { progressToken: token, progress: done, ...(total !== undefined ? { total } : {}), ...(message ? { message } : {}) },
      });
    },
    checkCancelled() {
      if (extra.signal.aborted) throw new ToolError('cancelled by the client', 'CANCELLED');
    },
  };
}

function toolErrorMessage(error: unknown): string {
  if (error instanceof ToolError) return `${error.code}: ${error.message}`;
  if (error instanceof z.ZodError) {
    return `INVALID_INPUT: ${error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`;
  }
  return `INTERNAL_ERROR: ${error instanceof Error ? error.message : String(error)}`;
}
