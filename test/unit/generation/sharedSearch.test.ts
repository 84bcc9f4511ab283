/**
 * The state neighbourhood searches share across worker threads: the best schedule (only a
 * strictly better one replaces it, and a reader gets a copy), the stopping rule's count
 * over all searches together, and a schedule never torn between two writers on two threads.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { SharedSearch } from '../../../src/server/generation/sharedSearch';

const schedule = (objective: number, columns = 4) => ({ objective, values: new Float64Array(columns).fill(objective) });

describe('shared neighbourhood search state', () => {
  it('keeps only a strictly better schedule, and hands out copies', () => {
    const shared = new SharedSearch(SharedSearch.allocate(4));
    assert.equal(shared.better(Infinity), undefined, 'nothing offered yet');
    shared.offer(schedule(10));
    shared.offer(schedule(12));
    shared.offer(schedule(10));
    const best = shared.better(11);
    assert.deepEqual(best, schedule(10));
    assert.equal(shared.better(10), undefined, 'not better than the caller’s own');
    best!.values[0] = 99;
    assert.equal(shared.better(11)!.values[0], 10, 'the copy does not write through');
  });

  it('counts sub-solves of all searches together and restarts when the best gained enough', () => {
    const buffer = SharedSearch.allocate(4);
    const first = new SharedSearch(buffer);
    const second = new SharedSearch(buffer);
    first.offer(schedule(100));
    first.countRound(0.01);
    second.countRound(0.01);
    assert.equal(first.idleRounds, 2);
    second.offer(schedule(99.5)); // 0.5 % below where the count started: too little
    first.countRound(0.01);
    assert.equal(second.idleRounds, 3);
    second.offer(schedule(98.9)); // 1.1 % below 100
    first.countRound(0.01);
    assert.equal(first.idleRounds, 0);
    second.offer(schedule(98.5)); // measured from 98.9 now
    second.countRound(0.01);
    assert.equal(first.idleRounds, 1);
  });

  it('never mixes two schedules offered at once from two threads', async () => {
    const columns = 20_000;
    const buffer = SharedSearch.allocate(columns);
    const shared = new SharedSearch(buffer);
    // The other thread offers ever better schedules whose every value is their objective.
    const source = `
      const { workerData, parentPort } = require('node:worker_threads');
      const { SharedSearch } = require(${JSON.stringify(require.resolve('../../../src/server/generation/sharedSearch'))});
      const shared = new SharedSearch(workerData.buffer);
      for (let k = 0; k < 400; k++) shared.offer({ objective: 1e6 - 2 * k - 1, values: new Float64Array(${columns}).fill(1e6 - 2 * k - 1) });
      parentPort.postMessage('done');
    `;
    const tsx = require.resolve('tsx/cjs');
    const worker = new Worker(`require(${JSON.stringify(tsx)}); ${source}`, { eval: true, workerData: { buffer } });
    const done = new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    let finished = false;
    void done.then(() => (finished = true));
    let reads = 0;
    for (let k = 0; !finished || k < 400; k++) {
      if (k < 400) shared.offer(schedule(1e6 - 2 * k, columns));
      const seen = shared.better(Infinity);
      if (seen) {
        reads += 1;
        assert.ok(
          seen.values.every((v) => v === seen.objective),
          `a schedule read whole (objective ${seen.objective})`,
        );
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await done;
    await worker.terminate();
    assert.ok(reads > 0);
    assert.equal(shared.better(Infinity)!.objective, 1e6 - 799, 'the best of both threads');
  });
});
