/**
 * The tool calls in flight, per policy runtime (one per server connection): what a server
 * request that arrives during a call (elicitation) is attributed to, so the app can record
 * the answer in the history of the run that made the call.
 */
import type { RunEvent } from './events';

export interface ActiveCall {
  runId: string;
  stepId: string;
  capability: string;
  record(event: RunEvent): Promise<void>;
}

const byOwner = new WeakMap<object, Set<ActiveCall>>();

/** Registers a call under `owner` (the engine's policy runtime); returns the unregistration. */
export function trackCall(owner: object, call: ActiveCall): () => void {
  let calls = byOwner.get(owner);
  if (!calls) {
    calls = new Set();
    byOwner.set(owner, calls);
  }
  calls.add(call);
  return () => calls.delete(call);
}

export function activeCalls(owner: object): ActiveCall[] {
  return [...(byOwner.get(owner) ?? [])];
}
