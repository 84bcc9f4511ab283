/**
 * The one path by which a step calls a capability on the server: tool steps, tool hubs and
 * tool fallbacks all come through invokeTool. Whatever changes how a call is made (arguments
 * checked against the tool's input schema, long calls run as server tasks) wraps this function.
 */
import { OrchestratorError } from '../../errors';
import { deadlineSignal } from '../../policy/abort';
import type { CallResult } from '../../policy/runtime';
import type { JsonObject } from '../definition';
import type { RunEnv } from '../runEnv';
import type { Scope } from '../scope';
import { errorInfo } from '../stepResults';

export interface ToolCall {
  /** The prefixed id of the step making the call (progress and retry events name it). */
  stepId: string;
  capability: string;
  args: JsonObject;
  writes: boolean;
}

/** Calls a capability within the step's time limit (retries included), reporting progress and retries. */
export async function invokeTool(env: RunEnv, scope: Scope, call: ToolCall): Promise<CallResult> {
  const { stepId, capability } = call;
  const policy = scope.policies.get(capability);
  const limit = deadlineSignal(
    env.clock,
    policy.stepTimeoutMs,
    env.signal,
    () => new OrchestratorError('timeout', `${capability} did not finish within the step's ${policy.stepTimeoutMs} ms (retries included)`, { tool: capability }),
  );
  try {
    return await env.options.policy.call({
      capability,
      args: call.args,
      writes: call.writes,
      policy,
      cacheMode: scope.cacheMode,
      signal: limit.signal,
      onProgress: (p) => env.emit({ type: 'progress', runId: env.runId, stepId, ...p, at: env.clock.now() }),
      onRetry: (n) =>
        env.emit({ type: 'retry_scheduled', runId: env.runId, stepId, capability, attempt: n.attempt, delayMs: n.delayMs, error: errorInfo(n.error), at: env.clock.now() }),
    });
  } finally {
    limit.dispose();
  }
}
