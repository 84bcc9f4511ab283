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
  /** The server task the call runs as, once started (MCP tasks). */
  taskId?: string;
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

/**
 * The calls a server request belongs to, from the calls in flight when it arrived and those
 * still in flight when it was answered. A request naming its server task belongs to that task's
 * call. Otherwise nothing on the wire says which call made it, but that call was in flight from
 * the request's arrival to its answer: when one call was, `owner` is it; else `candidates` are
 * the calls it may belong to.
 */
export function requestOwner(
  arrived: readonly ActiveCall[],
  answered: readonly ActiveCall[],
  taskId: string | undefined,
): { owner: ActiveCall } | { candidates: ActiveCall[] } | undefined {
  const byTask = taskId !== undefined ? [...arrived, ...answered].find((c) => c.taskId === taskId) : undefined;
  if (byTask) return { owner: byTask };
  const throughout = arrived.filter((c) => answered.includes(c));
  // A call cancelled before the answer (its run stopped) may still be the one that asked.
  const candidates = throughout.length > 0 ? throughout : [...arrived];
  if (candidates.length === 0) return undefined;
  return candidates.length === 1 ? { owner: candidates[0]! } : { candidates };
}
