/**
 * A task waiting for input (a person is being asked) is awaited through tasks/result for as
 * long as the caller's limits allow: the SDK's one-minute default must not end it, and the
 * caller's signal still does (with tasks/cancel). The client is a stand-in recording what the
 * exchange asks of it; the exchange over a real server is in test/integration/workflows/taskResume.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { OrchestratorError } from '../../../src/core/errors';
import { callToolAsTask } from '../../../src/core/mcp/taskCalls';

const TASK = { taskId: 't-1', status: 'input_required', ttl: 60_000, createdAt: '2027-01-04T00:00:00Z', lastUpdatedAt: '2027-01-04T00:00:00Z' };

function clientWaitingForInput() {
  const resultOptions: RequestOptions[] = [];
  const cancelled: string[] = [];
  const client = {
    request: async () => ({ task: TASK }),
    experimental: {
      tasks: {
        getTask: async () => TASK,
        getTaskResult: (_id: string, _schema: unknown, options: RequestOptions) => {
          resultOptions.push(options);
          return new Promise((_resolve, reject) => options.signal?.addEventListener('abort', () => reject(options.signal?.reason), { once: true }));
        },
        cancelTask: async (id: string) => {
          cancelled.push(id);
        },
      },
    },
  } as unknown as Client;
  return { client, resultOptions, cancelled };
}

describe('a server task waiting for input', () => {
  it('is awaited through tasks/result without the SDK default limit, until the caller gives up', async () => {
    const { client, resultOptions, cancelled } = clientWaitingForInput();
    const caller = new AbortController();
    const call = callToolAsTask(client, 'generate_schedule_tool', {}, { signal: caller.signal, requestTimeoutMs: 30_000, onStarted: async () => undefined });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(resultOptions.length, 1, 'tasks/result was asked once the task wanted input');
    assert.ok((resultOptions[0]!.timeout ?? 60_000) > 24 * 3_600_000, `tasks/result limited to ${resultOptions[0]!.timeout} ms`);
    caller.abort(new Error('cancelled by the caller'));
    await assert.rejects(call, (error: unknown) => error instanceof OrchestratorError && error.kind === 'cancelled');
    assert.deepEqual(cancelled, ['t-1'], 'the server task was cancelled');
  });
});
