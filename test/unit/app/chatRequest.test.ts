/** Chat arguments read without a model: a table of messages and what they mean, bad dates and ambiguous names included. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseChatRequest, pickAssignment, resolvePerson } from '../../../src/core/app/chatRequest';

const ctx = { today: '2027-01-13', schedule: { scheduleId: 's-1', name: 'January block', start: '2027-01-04', end: '2027-01-31' } };

describe('chat requests', () => {
  const table: [command: 'compliance' | 'resilience' | 'generate', text: string, inputs: Record<string, unknown>, mode?: string][] = [
    ['compliance', '', { today: '2027-01-13' }],
    ['compliance', '2027-01-04..2027-01-31', { today: '2027-01-13', start_date: '2027-01-04', end_date: '2027-01-31' }],
    ['compliance', 'from 2027-01-04 to 2027-01-10 audit', { today: '2027-01-13', start_date: '2027-01-04', end_date: '2027-01-10' }, 'audit'],
    ['compliance', 'next month', { today: '2027-01-13', start_date: '2027-02-01', end_date: '2027-02-28' }],
    ['compliance', 'this block quick', { today: '2027-01-13', start_date: '2027-01-04', end_date: '2027-01-31' }, 'quick'],
    ['compliance', 'draft-ab12cd34', { today: '2027-01-13', schedule_id: 'draft-ab12cd34' }],
    ['resilience', 'this week deep', { today: '2027-01-13', start_date: '2027-01-11', end_date: '2027-01-17' }, 'deep'],
    ['generate', 'next week greedy', { today: '2027-01-13', start_date: '2027-01-18', end_date: '2027-01-24', algorithm: 'greedy' }],
    ['generate', '2027-01-18..2027-01-24 tighter', { today: '2027-01-13', start_date: '2027-01-18', end_date: '2027-01-24', tighten: true }],
  ];
  for (const [command, text, inputs, mode] of table) {
    it(`/${command} ${text || '(nothing)'}`, () => {
      const parsed = parseChatRequest(command, text, ctx);
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
      assert.deepEqual(parsed.inputs, inputs);
      assert.equal(parsed.mode, mode);
    });
  }

  it('says clearly what is wrong with a date or a range', () => {
    const bad = parseChatRequest('compliance', '2027-02-30..2027-03-05', ctx);
    assert.deepEqual(bad, { ok: false, message: '"2027-02-30" is not a real calendar date (expected YYYY-MM-DD)' });
    const backwards = parseChatRequest('compliance', '2027-03-05..2027-02-01', ctx);
    assert.equal(backwards.ok, false);
    assert.match(backwards.ok ? '' : backwards.message, /ends before it starts/);
    const noBlock = parseChatRequest('resilience', 'this block', { today: '2027-01-13' });
    assert.match(noBlock.ok ? '' : noBlock.message, /no current schedule/);
  });

  it('reads a swap: the requester, the date, and a preferred partner', () => {
    const parsed = parseChatRequest('swap', 'Nils Moreau 2027-01-18 with Esther', ctx);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.people, [
      { role: 'requester', text: 'Nils Moreau' },
      { role: 'candidate', text: 'Esther' },
    ]);
    assert.equal(parsed.date, '2027-01-18');
    const empty = parseChatRequest('swap', '2027-01-18', ctx);
    assert.match(empty.ok ? '' : empty.message, /name who gives the shift away/);
  });

  it('resolves people by id, name or unambiguous words, and asks when several match', () => {
    const people = [
      { value: 'r-010', label: 'Nils Moreau' },
      { value: 'r-004', label: 'Esther Lopez' },
      { value: 'r-011', label: 'Esther Kim' },
    ];
    assert.equal(resolvePerson('r-004', people).ok && (resolvePerson('r-004', people) as { choice: { value: string } }).choice.value, 'r-004');
    const nils = resolvePerson('nils', people);
    assert.ok(nils.ok && nils.choice.value === 'r-010');
    const esther = resolvePerson('Esther', people);
    assert.equal(esther.ok, false);
    assert.match(esther.ok ? '' : esther.message, /could be 2 people: Esther Lopez \(r-004\), Esther Kim \(r-011\)/);
    assert.match((resolvePerson('Zed', people) as { message: string }).message, /nobody called "Zed"/);
  });

  it('picks the assignment on the date, or lists the choices', () => {
    const shifts = [
      { value: 'a-1', label: '2027-01-18 night' },
      { value: 'a-2', label: '2027-01-20 day' },
    ];
    const one = pickAssignment(shifts, '2027-01-18', 'Nils Moreau');
    assert.ok(one.ok && one.choice.value === 'a-1');
    const none = pickAssignment(shifts, '2027-01-19', 'Nils Moreau');
    assert.match(none.ok ? '' : none.message, /no assignment on 2027-01-19.*2027-01-18 night; 2027-01-20 day/);
    assert.equal(pickAssignment(shifts, undefined, 'Nils Moreau').ok, false);
  });
});
