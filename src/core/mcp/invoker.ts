/**
 * The engine's ToolInvoker over an McpConnection: capability resolution against the live
 * tool list, one call with progress, timeouts and cancellation, typed results.
 *
 * Re-sending rule: after a connection failure a read is re-sent once (the connection
 * initializes again first); a write never is, because the server may already have applied
 * it. The error then says so (`details.outcomeUnknown`) and the caller reconciles with a read.
 *
 * Task mode: when the engine's call carries task hooks (src/core/engine/toolTasks.ts) and the
 * server offers the tool as a task, the call runs as one (taskCalls.ts); a task recorded by a
 * host that stopped is polled instead of calling again. Otherwise nothing changes.
 */
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ArgumentSchema, InvokeOptions, InvokeResult, Resolution, ResourceLink, ToolInvoker } from '../engine/invoker';
import { taskHooks } from '../engine/toolTasks';
import { OrchestratorError } from '../errors';
import { CAPABILITIES, findCapability, type CapabilitySpec } from './capabilities';
import { argumentSchemaOf, resolveCapability, safeToResend, type CatalogOptions } from './catalog';
import type { McpConnection } from './connection';
import type { CallOptions } from './connectionTypes';
import { assertNotToolError, resultData, validateResult } from './results';

export interface McpToolInvokerOptions {
  connection: McpConnection;
  /** Host-configured capability -> tool name mappings, tried first. */
  aliases?: Readonly<Record<string, string>>;
  /** Tools the project treats as writing whatever their annotations say. */
  writeTools?: readonly string[];
  /** The capability catalogue; CAPABILITIES by default. */
  specs?: readonly CapabilitySpec[];
}

export class McpToolInvoker implements ToolInvoker {
  private readonly connection: McpConnection;
  private readonly specs: readonly CapabilitySpec[];
  private readonly catalog: CatalogOptions;
  /** Resolutions against one tool list (a call resolves its capability every time). */
  private resolved: { tools: readonly Tool[]; byCapability: Map<string, Resolution> } = { tools: [], byCapability: new Map() };

  constructor(options: McpToolInvokerOptions) {
    this.connection = options.connection;
    this.specs = options.specs ?? CAPABILITIES;
    this.catalog = {
      specs: this.specs,
      ...(options.aliases ? { aliases: options.aliases } : {}),
      ...(options.writeTools ? { writeTools: options.writeTools } : {}),
    };
  }

  resolve(capability: string): Resolution {
    const tools = this.connection.tools;
    if (tools.length === 0 && this.connection.state !== 'connected') {
      return { status: 'unavailable', capability, reason: `not connected to ${this.connection.description}` };
    }
    if (this.resolved.tools !== tools) this.resolved = { tools, byCapability: new Map() };
    let resolution = this.resolved.byCapability.get(capability);
    if (!resolution) {
      resolution = resolveCapability(capability, tools, this.catalog);
      this.resolved.byCapability.set(capability, resolution);
    }
    return resolution;
  }

  argumentSchema(capability: string): ArgumentSchema | undefined {
    return argumentSchemaOf(capability, this.connection.tools, this.catalog);
  }

  serverIdentity(): string {
    return this.connection.identity();
  }

  async invoke(capability: string, args: Record<string, unknown>, options: InvokeOptions): Promise<InvokeResult> {
    // Resolution needs the tool list: connect first if nothing is known yet.
    if (this.connection.tools.length === 0 && this.connection.state !== 'connected') await this.connection.connect(options.signal);
    const resolution = this.resolve(capability);
    if (resolution.status === 'unavailable') throw new OrchestratorError('unavailable', resolution.reason, { tool: capability });
    const { tool, writes } = resolution;
    // The engine's options are the connection's call options as they are.
    const call: CallOptions = options;

    const hooks = taskHooks();
    let result;
    try {
      result =
        hooks && (hooks.resumeTaskId !== undefined || this.connection.supportsTaskCall(tool))
          ? await this.connection.callToolAsTask(tool, args, {
              ...call,
              onStarted: hooks.onStarted,
              ...(hooks.resumeTaskId !== undefined ? { resumeTaskId: hooks.resumeTaskId } : {}),
            })
          : await this.connection.callTool(tool, args, call);
    } catch (error) {
      if (!(error instanceof OrchestratorError) || error.kind !== 'connection' || error.details?.['requestSent'] !== true) throw error;
      const taskId = error.details?.['taskId'];
      if (hooks && typeof taskId === 'string') {
        // The task exists on the server: polling it again is safe even for a write.
        this.connection.logger.log('info', `polling task ${taskId} of ${tool} again after the connection failed`);
        result = await this.connection.callToolAsTask(tool, args, { ...call, onStarted: hooks.onStarted, resumeTaskId: taskId });
        return this.finish(capability, tool, result);
      }
      const described = this.connection.tools.find((t) => t.name === tool);
      if (!described || !safeToResend(described, writes)) {
        throw new OrchestratorError('connection', `${error.message}; ${tool} is not known to be read-only, so it was not sent again: check with a read whether it was applied`, {
          tool,
          details: { ...error.details, write: writes, outcomeUnknown: true },
          ...(error.cause !== undefined ? { cause: error.cause } : {}),
        });
      }
      this.connection.logger.log('info', `re-sending the read ${tool} once after the connection failed`);
      result = await this.connection.callTool(tool, args, call);
    }
    return this.finish(capability, tool, result);
  }

  private finish(capability: string, tool: string, result: CallToolResult): InvokeResult {
    assertNotToolError(tool, result);
    const data = resultData(result);
    const spec = findCapability(capability, this.specs);
    const links = resourceLinks(result);
    return { tool, data: spec ? validateResult(tool, spec.result, data) : data, ...(links.length > 0 ? { links } : {}) };
  }
}

function resourceLinks(result: CallToolResult): ResourceLink[] {
  return result.content.flatMap((c) =>
    c.type === 'resource_link'
      ? [
          {
            uri: c.uri,
            name: c.name,
            ...(c.title !== undefined ? { title: c.title } : {}),
            ...(c.description !== undefined ? { description: c.description } : {}),
            ...(c.mimeType !== undefined ? { mimeType: c.mimeType } : {}),
          },
        ]
      : [],
  );
}
