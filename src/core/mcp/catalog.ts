/**
 * Capability resolution: which of the server's tools answers a capability the workflows
 * ask for. Order: a host-configured alias, the exact name, the real server's `<name>_tool`
 * convention, then documented aliases. A capability the server lacks resolves to
 * 'unavailable' with a reason listing what was tried: never an exception.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ArgumentSchema, Resolution } from '../engine/invoker';
import { ARG_ALIASES } from './argAliases';
import { candidateToolNames, findCapability, type CapabilitySpec } from './capabilities';

export interface CatalogOptions {
  /** Host-configured capability -> tool name; tried before the built-in rules. */
  aliases?: Readonly<Record<string, string>>;
  /** Tools the project treats as writing whatever their annotations say. */
  writeTools?: readonly string[];
  specs?: readonly CapabilitySpec[];
}

/**
 * Whether a tool writes, as workflows see it. For a capability the project knows, its own
 * knowledge decides, unless the server says outright that the tool writes: servers such as
 * the real scheduling server send no annotations at all, and a missing hint must not turn
 * every read into a write. For a tool the project does not know, anything not annotated
 * read-only writes. The host's list of writers always wins.
 */
export function toolWrites(tool: Tool, spec: CapabilitySpec | undefined, writeTools: readonly string[] = []): boolean {
  if (writeTools.includes(tool.name)) return true;
  if (spec) return spec.writes || tool.annotations?.readOnlyHint === false || tool.annotations?.destructiveHint === true;
  return tool.annotations?.readOnlyHint !== true;
}

/**
 * Whether a call may be sent again after the connection failed mid-call: only a tool that
 * is read-only by the project's knowledge AND annotated read-only by the server. Anything
 * less certain is reconciled with a read by the caller instead.
 */
export function safeToResend(tool: Tool, writes: boolean): boolean {
  return !writes && tool.annotations?.readOnlyHint === true;
}

export function resolveCapability(capability: string, tools: readonly Tool[], options: CatalogOptions = {}): Resolution {
  const spec = findCapability(capability, options.specs);
  const configured = options.aliases?.[capability];
  const candidates = [...new Set([...(configured ? [configured] : []), capability, ...candidateToolNames(spec ?? { name: capability })])];
  const byName = new Map(tools.map((t) => [t.name, t]));
  for (const name of candidates) {
    const tool = byName.get(name);
    if (tool) return { status: 'available', capability, tool: tool.name, writes: toolWrites(tool, spec, options.writeTools) };
  }
  const tried = candidates.map((n) => (n === configured ? `${n} (configured alias)` : n)).join(', ');
  return { status: 'unavailable', capability, reason: `the server has no tool for ${capability} (tried ${tried})` };
}

/** The declared arguments of the tool a capability resolves to, with the renames known for it. */
export function argumentSchemaOf(capability: string, tools: readonly Tool[], options: CatalogOptions = {}): ArgumentSchema | undefined {
  const resolution = resolveCapability(capability, tools, options);
  if (resolution.status !== 'available') return undefined;
  const tool = tools.find((t) => t.name === resolution.tool);
  if (!tool) return undefined;
  const aliases = ARG_ALIASES[findCapability(capability, options.specs)?.name ?? capability];
  return { inputSchema: tool.inputSchema, ...(aliases ? { aliases } : {}) };
}
