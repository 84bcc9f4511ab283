/**
 * Which required arguments of each capability the workflows can derive on a given server and
 * which must be given: the data of `sched-orch tools` and of a host's Server view. Pure: it
 * reads the server through `resolve` and `schemaOf` only (McpToolInvoker implements both).
 */
import type { ArgumentSchema, Resolution } from '../engine/invoker';
import { CAPABILITIES } from '../mcp/capabilities';
import { PLANNED_ARGS } from './shared/argPlans';

export type ArgStatus =
  /** Planned and derivable from a read this server offers. */
  | 'derivable'
  /** Planned, but no read on this server gives it: pass the flag (or answer when asked). */
  | 'must_be_given'
  /** Optional on this server, which computes it from its own data. */
  | 'left_to_server'
  /** Required by the server and not planned: the workflow's own arguments supply it, or the call is not sent. */
  | 'workflow';

export interface ArgCoverage {
  arg: string;
  /** The server's schema requires it (or gives it a default, or declares no arguments). */
  required: boolean;
  status: ArgStatus;
  /** The reads on this server it can be derived from. */
  derivableFrom: string[];
  flag?: string;
  meaning?: string;
}

export interface CapabilityArgs {
  capability: string;
  tool: string;
  args: ArgCoverage[];
}

function schemaFacts(schema: Record<string, unknown> | undefined): { properties: Record<string, { default?: unknown }> | undefined; required: string[] } {
  const props = schema?.['properties'];
  const properties = props && typeof props === 'object' && Object.keys(props).length > 0 ? (props as Record<string, { default?: unknown }>) : undefined;
  const required = Array.isArray(schema?.['required']) ? (schema['required'] as unknown[]).filter((r): r is string => typeof r === 'string') : [];
  return { properties, required };
}

/** Capabilities available on the server that have required or planned arguments, with each argument's status. */
export function argumentCoverage(resolve: (capability: string) => Resolution, schemaOf: (capability: string) => ArgumentSchema | undefined): CapabilityArgs[] {
  const out: CapabilityArgs[] = [];
  for (const spec of CAPABILITIES) {
    const resolution = resolve(spec.name);
    if (resolution.status !== 'available') continue;
    const inputSchema = schemaOf(spec.name)?.inputSchema;
    const { properties, required } = schemaFacts(inputSchema);
    const planned = PLANNED_ARGS[spec.name] ?? [];
    const args: ArgCoverage[] = planned.map(({ need, derivedFrom }) => {
      const declared = properties?.[need.arg];
      const needed = !inputSchema || !properties || required.includes(need.arg) || declared?.default !== undefined;
      const from = derivedFrom.filter((c) => resolve(c).status === 'available');
      const status: ArgStatus = !needed && declared ? 'left_to_server' : from.length > 0 ? 'derivable' : 'must_be_given';
      return { arg: need.arg, required: needed, status, derivableFrom: from, flag: need.flag, meaning: need.meaning };
    });
    for (const arg of required) {
      if (!planned.some((p) => p.need.arg === arg)) args.push({ arg, required: true, status: 'workflow', derivableFrom: [] });
    }
    if (args.length > 0) out.push({ capability: spec.name, tool: resolution.tool, args });
  }
  return out;
}

/** One line per argument, as `sched-orch tools` prints it. */
export function describeArgCoverage(a: ArgCoverage): string {
  switch (a.status) {
    case 'derivable':
      return `${a.arg}: derived from ${a.derivableFrom.join(' or ')} (or ${a.flag})`;
    case 'must_be_given':
      return `${a.arg}: must be given (${a.flag} <value>, or answer when asked)`;
    case 'left_to_server':
      return `${a.arg}: optional here, the server computes it (${a.flag} overrides)`;
    case 'workflow':
      return `${a.arg}: required; from the workflow's own arguments`;
  }
}
