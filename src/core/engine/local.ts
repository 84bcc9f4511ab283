/**
 * Capabilities the engine serves itself, from state only the orchestrator has (its circuit
 * breakers and tool health live in the PolicyRuntime, not on the server). They are resolved
 * before the server's tools, are read-only, and are named so no server tool can shadow them
 * (`orchestrator_*`). A step uses one like any tool (`capability: 'orchestrator_health'`);
 * its result is recorded in the run's history like a tool's, so callbacks stay pure and a
 * resumed run reads what the engine saw then.
 */
import type { BreakerState } from '../policy/breaker';
import type { PolicyRuntime } from '../policy/runtime';
import type { JsonObject } from './definition';

export interface LocalCapability {
  name: string;
  description: string;
  /** Reads the engine's state; must not change anything. */
  serve(policy: PolicyRuntime, args: JsonObject): JsonObject;
}

const OPEN: ReadonlySet<BreakerState> = new Set(['open', 'isolated']);

/**
 * `orchestrator_health`: every breaker and tool health the engine tracks for the connected
 * server, plus, for the capabilities named in `args.capabilities`, whether the server offers
 * them and their breaker state. Open/half-open lists use the field names of the real
 * server's check_circuit_breakers_tool (`open_breaker_names`, `half_open_breaker_names`).
 */
const orchestratorHealth: LocalCapability = {
  name: 'orchestrator_health',
  description: "The orchestrator's own circuit breakers and tool health for the connected server",
  serve(policy, args) {
    const asked = Array.isArray(args['capabilities']) ? args['capabilities'].filter((c): c is string => typeof c === 'string') : [];
    const health = policy.health();
    const breakers = new Map<string, BreakerState>(health.map((h) => [h.capability, h.breaker]));
    const capabilities: Record<string, string> = {};
    for (const c of asked) {
      capabilities[c] = policy.resolve(c).status;
      breakers.set(c, policy.breakerState(c));
    }
    const named = (want: (s: BreakerState) => boolean) =>
      [...breakers]
        .filter(([, s]) => want(s))
        .map(([c]) => c)
        .sort();
    const open = named((s) => OPEN.has(s));
    const halfOpen = named((s) => s === 'half_open');
    return {
      source: 'orchestrator',
      server: policy.serverIdentity(),
      open_breakers: open.length,
      half_open_breakers: halfOpen.length,
      open_breaker_names: open,
      half_open_breaker_names: halfOpen,
      breakers: Object.fromEntries([...breakers].sort(([a], [b]) => a.localeCompare(b))),
      tool_health: health.map((h) => ({
        capability: h.capability,
        ...(h.tool ? { tool: h.tool } : {}),
        status: h.status,
        reasons: h.reasons,
        samples: h.samples,
        ...(h.p95Ms !== undefined ? { p95_ms: h.p95Ms } : {}),
        ...(h.successRate !== undefined ? { success_rate: h.successRate } : {}),
      })),
      degraded_tools: health
        .filter((h) => h.status === 'DEGRADED' || h.status === 'CRITICAL')
        .map((h) => h.capability)
        .sort(),
      capabilities,
    };
  },
};

const LOCAL: ReadonlyMap<string, LocalCapability> = new Map([[orchestratorHealth.name, orchestratorHealth]]);

export function localCapability(name: string): LocalCapability | undefined {
  return LOCAL.get(name);
}

export function localCapabilityNames(): string[] {
  return [...LOCAL.keys()];
}
