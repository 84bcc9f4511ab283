import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { days, findings, fixture, SHIFT_TYPES } from '../../support/server/fixtures';

/** An extra 4-hour clinic-like shift type starting at `start`. */
const at = (id: string, start: string, hours = 4, kind: 'clinic' | 'day' | 'night_float' = 'clinic') => ({ id, name: id, kind, start, hours });

describe('VI.F.2.b 14 hours free after 24-hour in-house call', () => {
  // Call 2027-01-05 07:00 + 24 h + 4 h transition ends 2027-01-06 11:00.
  const after = (start: string) =>
    findings(
      fixture({
        shiftTypes: [...SHIFT_TYPES, at('next', start)],
        assignments: [
          ['r1', 'call', '2027-01-05'],
          ['r1', 'next', '2027-01-07'],
        ],
      }),
      ['rest_after_call'],
    );

  it('passes with exactly 14.0 h and fails with 13.9 h', () => {
    assert.deepEqual(after('01:00'), []);
    const f = after('00:54');
    assert.equal(f.length, 1);
    assert.equal(f[0]!.ruleId, 'VI.F.2.b');
    assert.equal(f[0]!.measured, 13.9);
    assert.equal(f[0]!.limit, 14);
    assert.equal(f[0]!.excess, 0.1);
    assert.deepEqual(f[0]!.window, { start: '2027-01-06T11:00', end: '2027-01-07T00:54' });
    assert.match(f[0]!.suggestedFix, /move the 2027-01-07 next shift \(a2\) to someone else, or start it 0\.1 h later \(not before 2027-01-07 01:00\)/);
  });

  it('treats 24 scheduled in-house hours (day + night) as call', () => {
    const f = findings(
      fixture({
        shiftTypes: [...SHIFT_TYPES, at('early', '13:00')],
        assignments: [
          ['r1', 'day', '2027-01-05'],
          ['r1', 'night', '2027-01-05'],
          ['r1', 'early', '2027-01-06'],
        ],
      }),
      ['rest_after_call'],
    );
    assert.equal(f.length, 1);
    assert.equal(f[0]!.measured, 6);
  });

  it('reports the local rest-after-call policy separately and only when enabled', () => {
    const program = (enabled: boolean) =>
      fixture({
        shiftTypes: [...SHIFT_TYPES, at('next', '20:00')],
        assignments: [
          ['r1', 'call', '2027-01-05'],
          ['r1', 'next', '2027-01-06'],
        ],
        policies: { restAfterCallHours: { enabled, limit: 10 } },
      });
    const on = findings(program(true), ['rest_after_call', 'local_rest_after_call']);
    assert.deepEqual(on.map((f) => [f.key, f.source, f.ruleId]).sort(), [
      ['local_rest_after_call', 'local_policy', 'local.rest_after_call'],
      ['rest_after_call', 'acgme', 'VI.F.2.b'],
    ]);
    assert.deepEqual(findings(program(false), ['local_rest_after_call']), []);
  });
});

describe('VI.F.2.a 8 hours between shifts (should)', () => {
  it('warns at 7.9 h and is silent at 8.0 h', () => {
    const gap = (start: string) =>
      findings(
        fixture({
          shiftTypes: [...SHIFT_TYPES, at('late', start, 4, 'day')],
          assignments: [
            ['r1', 'day', '2027-01-05'],
            ['r1', 'late', '2027-01-06'],
          ],
        }),
        ['rest_between_shifts'],
      );
    // Day shift ends 19:00; the next starts at 03:00 (8.0 h) or 02:54 (7.9 h).
    assert.deepEqual(gap('03:00'), []);
    const f = gap('02:54');
    assert.equal(f.length, 1);
    assert.equal(f[0]!.severity, 'warning');
    assert.equal(f[0]!.measured, 7.9);
  });

  it('treats a lunch break under 2 h as part of one duty period', () => {
    const f = findings(
      fixture({
        shiftTypes: [...SHIFT_TYPES, at('pm', '13:00')],
        assignments: [
          ['r1', 'clinic', '2027-01-05'],
          ['r1', 'pm', '2027-01-05'],
        ],
      }),
      ['rest_between_shifts', 'continuous_duty'],
    );
    assert.deepEqual(f, []);
  });
});

describe('VI.F.3 24 + 4 hours continuous duty', () => {
  it('allows a 24-hour call with 4 transition hours', () => {
    assert.deepEqual(findings(fixture({ assignments: [['r1', 'call', '2027-01-05']] }), ['continuous_duty']), []);
  });

  it('fails when clinical work continues past 24 h', () => {
    // Clinic at 08:00 the next day starts inside the call's transition time.
    const f = findings(
      fixture({
        assignments: [
          ['r1', 'call', '2027-01-05'],
          ['r1', 'clinic', '2027-01-06'],
        ],
      }),
      ['continuous_duty'],
    );
    assert.equal(f.length, 1);
    assert.equal(f[0]!.ruleId, 'VI.F.3');
    assert.equal(f[0]!.measured, 29);
    assert.equal(f[0]!.limit, 24);
  });

  it('passes at exactly 24.0 scheduled hours and fails at 24.1', () => {
    const nightOf = (hours: number) => ({ id: 'n', name: 'n', kind: 'night_float' as const, start: '19:00', hours });
    const run = (hours: number) =>
      findings(
        fixture({
          shiftTypes: [...SHIFT_TYPES, nightOf(hours)],
          assignments: [
            ['r1', 'day', '2027-01-05'],
            ['r1', 'n', '2027-01-05'],
          ],
        }),
        ['continuous_duty'],
      );
    assert.deepEqual(run(12), []);
    const f = run(12.1);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.measured, 24.1);
  });
});

describe('VI.F.2.c one day in seven free, averaged over 4 weeks', () => {
  const all = days('2027-01-04', 28);

  it('passes with 4 free 24-hour periods in 28 days and fails with 3', () => {
    const off = (n: number) => new Set(all.filter((_, i) => i % 7 === 6).slice(0, n));
    const work = (n: number) => all.filter((d) => !off(n).has(d)).map((d): [string, string, string] => ['r1', 'day', d]);
    assert.deepEqual(findings(fixture({ assignments: work(4) }), ['one_day_in_seven']), []);
    const f = findings(fixture({ assignments: work(3) }), ['one_day_in_seven']);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.ruleId, 'VI.F.2.c');
    assert.equal(f[0]!.measured, 3);
    assert.equal(f[0]!.limit, 4);
    assert.equal(f[0]!.excess, 1);
  });

  it('does not count a day with at-home call as free', () => {
    const offDays = all.filter((_, i) => i % 7 === 6);
    const work = all.filter((d) => !offDays.includes(d)).map((d): [string, string, string] => ['r1', 'day', d]);
    const f = findings(fixture({ assignments: [...work, ['r1', 'home', offDays[0]!]] }), ['one_day_in_seven']);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.measured, 3);
  });

  it('does not count a calendar day that a night shift runs into', () => {
    // Each week: nights on days 0-2, nothing starts on day 3, then 05:00, 07:00 and 13:00
    // shifts. Day 3 has no shift of its own, but the night ends there at 07:00 and the
    // next shift starts at 05:00 the day after: 22 h, not a free day. No gap reaches 24 h.
    const early = { id: 'early', name: 'early', kind: 'day' as const, start: '05:00', hours: 12 };
    const late = { id: 'late', name: 'late', kind: 'day' as const, start: '13:00', hours: 12 };
    const pattern = ['night', 'night', 'night', null, 'early', 'day', 'late'];
    const assignments = all.flatMap((d, i): [string, string, string][] => (pattern[i % 7] ? [['r1', pattern[i % 7]!, d]] : []));
    const f = findings(fixture({ shiftTypes: [...SHIFT_TYPES, early, late], assignments }), ['one_day_in_seven']);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.measured, 0);
  });
});
