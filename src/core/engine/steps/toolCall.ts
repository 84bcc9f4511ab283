/**
 * The one path by which a step calls a capability on the server: tool steps, tool hubs and
 * tool fallbacks all come through invokeTool. Whatever changes how a call is made (arguments
 * checked against the tool's input schema, long calls run as server tasks) wraps this function.
 */
import { OrchestratorError } from '../../errors';
import { deadlineSignal } from '../../policy/abort';
import type { CallRequest, CallResult } from '../../policy/runtime';
import type { JsonObject } from '../definition';
import type { RunEnv } from '../runEnv';
import type { Scope } from '../scope';
import { errorInfo } from '../stepResults';
import { trackCall, type ActiveCall } from '../activeCalls';
import { withTaskHooks } from '../toolTasks';

/** A capability whose SLA is at least this long may run as a server task (MCP tasks). */
export const TASK_MODE_MIN_SLA_MS = 5000;

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
  // A task of this step recorded before the host stopped is polled, once, instead of calling again.
  const resumeTaskId = await takeRecordedTask(env, stepId);
  // Writes (never sent twice: a task makes them resumable) and calls expected to take a while run
  // as server tasks when the server offers that; a fast read would only pay the polling delay.
  const taskMode = resumeTaskId !== undefined || call.writes || policy.slaMs >= TASK_MODE_MIN_SLA_MS;
  const active: ActiveCall = { runId: env.runId, stepId, capability, record: (event) => env.record(event) };
  const hooks = {
    onStarted: (taskId: string) => {
      active.taskId = taskId;
      return env.record({ type: 'task_started', runId: env.runId, stepId, capability, taskId, at: env.clock.now() });
    },
    ...(resumeTaskId !== undefined ? { resumeTaskId } : {}),
  };
  const untrack = trackCall(env.options.policy, active);
  let paused = false;
  const setPaused = (pause: boolean): void => {
    paused = pause;
    if (pause) {
      limit.pause();
      env.deadline.pause();
    } else {
      limit.resume();
      env.deadline.resume();
    }
  };
  try {
    const request: CallRequest = {
      capability,
      args: call.args,
      writes: call.writes,
      policy,
      cacheMode: scope.cacheMode,
      signal: limit.signal,
      onProgress: (p) => env.emit({ type: 'progress', runId: env.runId, stepId, ...p, at: env.clock.now() }),
      onRetry: (n) =>
        env.emit({ type: 'retry_scheduled', runId: env.runId, stepId, capability, attempt: n.attempt, delayMs: n.delayMs, error: errorInfo(n.error), at: env.clock.now() }),
      // A person answering the server's question: neither the step's limit nor the run's counts that time.
      onPause: (pause) => {
        if (pause !== paused) setPaused(pause);
      },
    };
    return await (taskMode ? withTaskHooks(hooks, () => env.options.policy.call(request)) : env.options.policy.call(request));
  } finally {
    if (paused) setPaused(false);
    untrack();
    limit.dispose();
  }
}

/**
 * Server tasks left by the previous process of this run (step id -> task id), read once per
 * execution from the history as it was when the run resumed; each is handed out once.
 */
const recordedTasks = new WeakMap<RunEnv, Promise<Map<string, string>>>();

async function takeRecordedTask(env: RunEnv, stepId: string): Promise<string | undefined> {
  const history = env.options.history;
  if (!history) return undefined;
  let tasks = recordedTasks.get(env);
  if (!tasks) {
    tasks = history.load(env.runId).then(
      (record) => new Map(record.tasks),
      () => new Map<string, string>(),
    );
    recordedTasks.set(env, tasks);
  }
  const map = await tasks;
  const taskId = map.get(stepId);
  map.delete(stepId);
  return taskId;
}
