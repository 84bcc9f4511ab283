/** The choices a host offers, read from a server through a tool invoker. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultValue, InputChoices, localDate } from '../../../src/core/app/inputChoices';
import type { InvokeOptions, Resolution, ToolInvoker } from '../../../src/core/engine/invoker';

function invoker(answers: Record<string, Record<string, unknown>>, calls: { capability: string; args: Record<string, unknown> }[] = []): ToolInvoker {
  return {
    resolve: (capability): Resolution =>
      answers[capability]
        ? { status: 'available', capability, tool: `${capability}_tool`, writes: false }
        : { status: 'unavailable', capability, reason: `no tool for ${capability}` },
    invoke: (capability: string, args: Record<string, unknown>, _options: InvokeOptions) => {
      calls.push({ capability, args });
      const data = answers[capability];
      return data ? Promise.resolve({ tool: `${capability}_tool`, data }) : Promise.reject(new Error(`no ${capability}`));
    },
    serverIdentity: () => 'test',
  };
}

const signal = new AbortController().signal;

describe('InputChoices', () => {
  it('reads the current schedule, or nothing when the server has no status tool', async () => {
    const facts = await new InputChoices(invoker({ get_schedule_status: { schedule_id: 's1', name: 'Block 4', start_date: '2027-01-04', end_date: '2027-01-31' } })).schedule(
      signal,
    );
    assert.deepEqual(facts, { scheduleId: 's1', name: 'Block 4', start: '2027-01-04', end: '2027-01-31' });
    assert.equal(await new InputChoices(invoker({})).schedule(signal), undefined);
  });

  it('offers active people, residents first and by name', async () => {
    const people = await new InputChoices(
      invoker({
        list_people: {
          people: [
            { person_id: 'f1', name: 'Ada', role: 'faculty', pgy: null, active: true },
            { person_id: 'r2', name: 'Zoe', role: 'resident', pgy: 2, active: true },
            { person_id: 'r1', name: 'Bea', role: 'resident', pgy: 1, active: true },
            { person_id: 'r3', name: 'Old', role: 'resident', pgy: 3, active: false },
          ],
        },
      }),
    ).people(signal);
    assert.deepEqual(
      people.map((p) => [p.value, p.description]),
      [
        ['r1', 'resident · PGY-1 · r1'],
        ['r2', 'resident · PGY-2 · r2'],
        ['f1', 'faculty · f1'],
      ],
    );
  });

  it("asks for one person's assignments from today over the horizon, by start", async () => {
    const calls: { capability: string; args: Record<string, unknown> }[] = [];
    const list = await new InputChoices(
      invoker(
        {
          get_assignments: {
            assignments: [
              { assignment_id: 'a2', date: '2027-01-06', start: '2027-01-06T07:00', shift_type_id: 'day', service_id: 'icu', role: 'primary', counted_hours: 12 },
              { assignment_id: 'a1', date: '2027-01-05', start: '2027-01-05T19:00', shift_type_id: 'night', service_id: 'ward', role: 'primary', counted_hours: 12 },
            ],
          },
        },
        calls,
      ),
    ).assignments('r1', '2027-01-04', signal);
    assert.deepEqual(calls[0]?.args, { person_id: 'r1', start_date: '2027-01-04', end_date: '2027-03-01' });
    assert.deepEqual(
      list.map((a) => [a.value, a.label, a.description]),
      [
        ['a1', '2027-01-05 night', 'ward · primary · 12 h'],
        ['a2', '2027-01-06 day', 'icu · primary · 12 h'],
      ],
    );
  });
});

describe('defaultValue', () => {
  const schedule = { scheduleId: 's', name: 's', start: '2027-01-04', end: '2027-01-31' };
  it('computes each rule from today and the schedule', () => {
    // 2027-01-06 is a Wednesday: next Monday is the 11th, that week's Sunday the 17th.
    assert.deepEqual(
      (['today', 'schedule_start', 'schedule_end', 'next_monday', 'next_sunday'] as const).map((r) => defaultValue(r, '2027-01-06', schedule)),
      ['2027-01-06', '2027-01-04', '2027-01-31', '2027-01-11', '2027-01-17'],
    );
    assert.equal(defaultValue('schedule_start', '2027-01-06', undefined), undefined);
  });
  it('reads the local date', () => assert.equal(localDate(new Date(2027, 0, 4, 23, 59).getTime()), '2027-01-04'));
});
