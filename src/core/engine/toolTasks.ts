/**
 * Long calls as server tasks (MCP tasks), seen from the engine: what a tool call tells the
 * invoker about task mode. It travels with the call's async context rather than through the
 * policy runtime's call request, so retries, breakers and time limits stay as they are and
 * an invoker without task support simply never looks.
 *
 * - `onStarted` is awaited before the invoker waits on the task: the engine records the task
 *   id durably in the run's history first (a `task_started` event).
 * - `resumeTaskId`: the task of this step recorded before the host stopped; the invoker polls
 *   it instead of calling the tool again (a write is never sent twice).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface TaskHooks {
  onStarted(taskId: string): Promise<void>;
  resumeTaskId?: string;
}

const current = new AsyncLocalStorage<TaskHooks>();

/** Runs `fn` with task hooks visible to the invoker it reaches. */
export function withTaskHooks<T>(hooks: TaskHooks, fn: () => Promise<T>): Promise<T> {
  return current.run(hooks, fn);
}

/** The hooks of the tool call running in this async context, if any. */
export function taskHooks(): TaskHooks | undefined {
  return current.getStore();
}
