/** The choices a host offers, read from a server through a tool invoker. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultValue, InputChoices } from '../../../src/core/app/inputChoices';
import { localDate } from '../../../src/core/util/clock';
import type { InvokeOptions, Resolution, ToolInvoker } from '../../../src/core/engine/invoker';
import type { InputField } from '../../../src/core/workflows/shared/inputPlan';

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
      (['today', 'schedule_start', 'schedule_end', 'next_week_start', 'next_week_end'] as const).map((r) => defaultValue(r, '2027-01-06', schedule)),
      ['2027-01-06', '2027-01-04', '2027-01-31', '2027-01-11', '2027-01-17'],
    );
    assert.equal(defaultValue('schedule_start', '2027-01-06', undefined), undefined);
  });
  it("starts a new draft's week at next week, or at the current schedule's first week when the schedule starts later", () => {
    const week = (today: string, facts: typeof schedule | undefined) => [defaultValue('next_week_start', today, facts), defaultValue('next_week_end', today, facts)];
    // Today is long before the schedule (the sample program's January 2027): its first week.
    assert.deepEqual(week('2026-12-03', schedule), ['2027-01-04', '2027-01-10']);
    // The schedule starts on a Wednesday of next week: its first seven days.
    assert.deepEqual(week('2026-12-31', { ...schedule, start: '2027-01-06' }), ['2027-01-06', '2027-01-12']);
    // Next week starts after the schedule's end (Monday 1 February): the next block, next week.
    assert.deepEqual(week('2027-01-27', schedule), ['2027-02-01', '2027-02-07']);
    // A schedule shorter than a week: cut at its end.
    assert.deepEqual(week('2026-12-03', { ...schedule, end: '2027-01-06' }), ['2027-01-04', '2027-01-06']);
    // No schedule: next week.
    assert.deepEqual(week('2026-12-03', undefined), ['2026-12-07', '2026-12-13']);
  });
  it("gives a prompt its field's default, reading the current schedule once and only when the rule needs it", async () => {
    const calls: { capability: string; args: Record<string, unknown> }[] = [];
    const source = new InputChoices(invoker({ get_schedule_status: { schedule_id: 's1', start_date: '2027-01-04', end_date: '2027-01-31' } }, calls));
    const field = (fieldDefault: InputField['default']): InputField => ({
      key: 'k',
      title: 'K',
      description: 'k',
      type: 'date',
      required: false,
      ask: true,
      ...(fieldDefault === undefined ? {} : { default: fieldDefault }),
    });
    assert.equal(await source.initialValue(field('today'), '2026-12-03', signal), '2026-12-03');
    assert.equal(await source.initialValue(field(7), '2026-12-03', signal), '7');
    assert.equal(await source.initialValue({ ...field(undefined) }, '2026-12-03', signal), undefined);
    assert.equal(calls.length, 0);
    assert.equal(await source.initialValue(field('next_week_start'), '2026-12-03', signal), '2027-01-04');
    assert.equal(await source.initialValue(field('next_week_end'), '2026-12-03', signal), '2027-01-10');
    assert.equal(await source.initialValue(field('schedule_end'), '2026-12-03', signal), '2027-01-31');
    assert.equal(calls.length, 1);
  });
  it('reads the local date', () => assert.equal(localDate(new Date(2027, 0, 4, 23, 59).getTime()), '2027-01-04'));
});
