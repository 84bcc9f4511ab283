/** "Needs input" questions: the application layer's broker and the CLI's terminal prompt. */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { InputBroker, type InputChange } from '../../../src/core/app/inputBroker';
import type { InputRequest } from '../../../src/core/engine/inputPort';
import { ARG_NEEDS } from '../../../src/core/workflows/shared/argPlans';
import { promptInputs } from '../../../src/cli/inputPrompt';

const clock = { now: () => 5, sleep: async () => undefined };
const question = (arg: 'coverage_rate' | 'required_blocks', runId = 'r1'): InputRequest => ({
  runId,
  workflowId: 'resilience',
  stepId: arg === 'coverage_rate' ? 'defense' : 'utilization',
  capability: arg === 'coverage_rate' ? 'get_defense_level' : 'check_utilization_threshold',
  need: ARG_NEEDS[arg],
  question: `needs ${arg}`,
  requestedAt: 0,
});

describe('input broker', () => {
  it('without a responder a question is declined at once (a headless run never waits)', async () => {
    assert.equal(await new InputBroker().ask(question('coverage_rate'), new AbortController().signal), undefined);
  });

  it('a question left pending is listed, a bad answer is refused with the reason, a good one is checked and delivered', async () => {
    const broker = new InputBroker(async () => undefined);
    const changes: InputChange['kind'][] = [];
    broker.onDidChange((c) => changes.push(c.kind));
    const asked = broker.ask(question('coverage_rate'), new AbortController().signal);
    assert.deepEqual(
      broker.pending().map((p) => [p.runId, p.stepId, p.arg]),
      [['r1', 'defense', 'coverage_rate']],
    );
    assert.equal(broker.answer('r1', 'defense', 'coverage_rate', '94', 'pat', 7), 'coverage_rate must be between 0 and 1');
    assert.equal(broker.answer('r1', 'defense', 'coverage_rate', '0.94', 'pat', 7), undefined);
    assert.deepEqual(await asked, { value: 0.94, by: 'pat', at: 7 });
    assert.deepEqual(changes, ['pending', 'answered']);
    assert.deepEqual(broker.pending(), []);
  });

  it('routes a run to its own responder; a cancelled run withdraws its question', async () => {
    const broker = new InputBroker(async () => 'decline');
    const unroute = broker.route('r2', async () => ({ value: 12, by: 'chat', at: 1 }));
    assert.deepEqual(await broker.ask(question('required_blocks', 'r2'), new AbortController().signal), { value: 12, by: 'chat', at: 1 });
    assert.equal(await broker.ask(question('required_blocks', 'r3'), new AbortController().signal), undefined);
    unroute();
    const waiting = new InputBroker(async () => undefined);
    const controller = new AbortController();
    const asked = waiting.ask(question('required_blocks'), controller.signal);
    controller.abort();
    assert.equal(await asked, undefined);
    assert.deepEqual(waiting.pending(), []);
  });
});

describe('CLI prompt for a missing argument (on a terminal)', () => {
  it('asks again after an invalid answer and returns the checked value; names the flag for next time', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (d: Buffer) => (shown += d.toString()));
    const responder = promptInputs(input, output, 'pat', clock);
    input.write('twelve\n12.5\n120\n');
    const answer = await responder(question('required_blocks'), new AbortController().signal);
    assert.deepEqual(answer, { value: 120, by: 'pat (prompt)', at: 5 });
    assert.match(shown, /required_blocks must be a number/);
    assert.match(shown, /whole number/);
    assert.match(shown, /next time: --required-blocks <n>/);
  });

  it('an empty answer declines; parallel questions are asked one after the other', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (d: Buffer) => (shown += d.toString()));
    const responder = promptInputs(input, output, 'pat', clock);
    const a = responder(question('required_blocks'), new AbortController().signal);
    const b = responder(question('coverage_rate'), new AbortController().signal);
    input.write('\n');
    assert.equal(await a, 'decline');
    input.write('0.9\n');
    assert.deepEqual(await b, { value: 0.9, by: 'pat (prompt)', at: 5 });
    assert.ok(shown.indexOf('needs required_blocks') < shown.indexOf('needs coverage_rate'));
  });
});
