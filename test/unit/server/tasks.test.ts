/**
 * The tasks table and ServerTasks without MCP: a result is kept for the task's TTL after it
 * ends and is gone after; a task of a process that no longer exists reads as failed; a
 * finished task cannot change again; cancelling aborts the work.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallToolResult, Request } from '@modelcontextprotocol/sdk/types.js';
import { silentLogger } from '../../../src/core/util/log';
import { sampleProgram } from '../../../src/server/program/sample';
import { ScheduleStore } from '../../../src/server/store/store';
import { ORPHANED_REASON, ServerTasks } from '../../../src/server/tasks/serverTasks';

const TASK_CALL: Request = { method: 'tools/call', params: { name: 'generate_schedule_tool', task: {} } };

function setup() {
  let now = Date.parse('2027-01-11T09:00:00Z');
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const store = ScheduleStore.open({ logger: silentLogger, now: clock.now, seed: sampleProgram });
  const tasks = new ServerTasks({ table: store.tasks, logger: silentLogger, now: clock.now, ttlMs: 60_000 });
  return { store, tasks, clock };
}

describe('server tasks', () => {
  it('keeps a result for the TTL after the task ends, then forgets the task', async () => {
    const { store, tasks, clock } = setup();
    const task = await tasks.createTask({ ttl: 60_000 }, 1, TASK_CALL);
    const result: CallToolResult = { content: [{ type: 'text', text: '{}' }], structuredContent: { draft_id: 'd-1' } };
    tasks.run(task.taskId, async () => result, new AbortController().signal);
    await tasks.whenIdle();
    clock.advance(59_000);
    assert.equal((await tasks.getTask(task.taskId))?.status, 'completed');
    assert.deepEqual(await tasks.getTaskResult(task.taskId), result);
    clock.advance(2_000);
    assert.equal(await tasks.getTask(task.taskId), null);
    await assert.rejects(tasks.getTaskResult(task.taskId), /unknown or its result expired/);
    tasks.close();
    store.close();
  });

  it('reports a running task of a dead process as failed with the reason', async () => {
    const { store, tasks } = setup();
    store.tasks.create({ id: 'orphan', tool: 'generate_schedule_tool', ttlMs: 60_000, pollIntervalMs: 1000, owner: `${(await import('node:os')).hostname()}:999999999:abcd` });
    const task = await tasks.getTask('orphan');
    assert.deepEqual([task?.status, task?.statusMessage], ['failed', ORPHANED_REASON]);
    const result = (await tasks.getTaskResult('orphan')) as CallToolResult;
    assert.equal(result.isError, true);
    tasks.close();
    store.close();
  });

  it('cancelling aborts the work; a finished task does not change again', async () => {
    const { store, tasks } = setup();
    const task = await tasks.createTask({}, 1, TASK_CALL);
    let aborted = false;
    tasks.run(
      task.taskId,
      (signal) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve({ isError: true, content: [{ type: 'text', text: 'CANCELLED: stopped' }] });
          });
        }),
      new AbortController().signal,
    );
    await tasks.updateTaskStatus(task.taskId, 'cancelled', 'Client cancelled task execution.');
    await tasks.whenIdle();
    assert.equal(aborted, true);
    assert.equal((await tasks.getTask(task.taskId))?.status, 'cancelled');
    assert.equal(store.tasks.finish(task.taskId, 'completed', undefined, '{}'), false);
    tasks.close();
    store.close();
  });
});
