/** Which call a server's request for input belongs to: its task when named, else the one call in flight throughout. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ElicitationBroker, type ElicitationArrival, type ElicitationRecord } from '../../../src/core/app/elicitation';
import { requestOwner, type ActiveCall } from '../../../src/core/engine/activeCalls';
import { silentLogger } from '../../../src/core/util/log';

const call = (runId: string, stepId: string, taskId?: string): ActiveCall => ({
  runId,
  stepId,
  capability: stepId,
  ...(taskId !== undefined ? { taskId } : {}),
  record: () => Promise.resolve(),
});

describe('elicitation owner', () => {
  it('a request naming its server task belongs to that call only', () => {
    const generate = call('r1', 'generate', 'task-7');
    const other = call('r1', 'conflicts');
    assert.deepEqual(requestOwner([generate, other], [generate, other], 'task-7'), { owner: generate });
  });

  it('without a task: the one call in flight from arrival to answer; calls that ended or started meanwhile are not it', () => {
    const validate = call('r1', 'validate');
    const ended = call('r1', 'validate_by_id');
    const later = call('r1', 'conflicts');
    assert.deepEqual(requestOwner([validate, ended], [validate, later], undefined), { owner: validate });
  });

  it('several calls in flight throughout: none is named the owner, all are candidates', () => {
    const a = call('r1', 'validate');
    const b = call('r2', 'utilization');
    assert.deepEqual(requestOwner([a, b], [a, b], undefined), { candidates: [a, b] });
    assert.equal(requestOwner([], [a], undefined), undefined, 'a request outside any call of ours belongs to none');
  });

  it("the broker tells listeners the request's related task on arrival and its record once answered", async () => {
    const broker = new ElicitationBroker({ elicit: () => Promise.resolve({ action: 'decline' }) }, silentLogger);
    const seen: [ElicitationArrival, ElicitationRecord][] = [];
    broker.onRequest((arrival) => (record) => seen.push([arrival, record]));
    const params = {
      mode: 'form' as const,
      message: 'Which site?',
      requestedSchema: { type: 'object' as const, properties: { site: { type: 'string' as const } } },
      _meta: { 'io.modelcontextprotocol/related-task': { taskId: 'task-7' } },
    };
    assert.deepEqual(await broker.handle('srv', params, new AbortController().signal), { action: 'decline' });
    const { _meta: _, ...plain } = params;
    await broker.handle('srv', plain, new AbortController().signal);
    assert.deepEqual(
      seen.map(([arrival, record]) => [arrival, record.action]),
      [
        [{ taskId: 'task-7' }, 'decline'],
        [{}, 'decline'],
      ],
    );
  });
});
