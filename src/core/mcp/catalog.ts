/**
 * Capability resolution: which of the server's tools answers a capability the workflows
 * ask for. Order: a host-configured alias, the exact name, the real server's `<name>_tool`
 * convention, then documented aliases. A capability the server lacks resolves to
 * 'unavailable' with a reason listing what was tried: never an exception.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Resolution } from '../engine/invoker';
import { candidateToolNames, findCapability, type CapabilitySpec } from './capabilities';

export interface CatalogOptions {
  /** Host-configured capability -> tool name; tried before the built-in rules. */
  aliases?: Readonly<Record<string, string>>;
  /** Tools the project treats as writing whatever their annotations say. */
  writeTools?: readonly string[];
  specs?: readonly CapabilitySpec[];
}

/**
 * A tool writes unless its annotations say read-only, and the project's own list of
 * writers overrides the annotations (annotations are hints, not guarantees).
 */
export function toolWrites(tool: Tool, spec: CapabilitySpec | undefined, writeTools: readonly string[] = []): boolean {
  return spec?.writes === true || writeTools.includes(tool.name) || tool.annotations?.readOnlyHint !== true;
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
