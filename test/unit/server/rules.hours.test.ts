import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateSnapshot } from '../../../src/server/rules/engine';
import { dailyHours } from '../../../src/server/rules/windowRules';
import { days, findings, fixture, SHIFT_TYPES, snapshotOf } from '../../support/server/fixtures';

/** A shift type of `hours` starting 06:00, so 20 of them fill exactly 20 x hours in 28 days. */
const long = (hours: number) => ({ id: 'long', name: 'Long day', kind: 'day' as const, start: '06:00', hours });

describe('VI.F.1 80 hours per week averaged over 28 days', () => {
  // Twenty shifts on weekdays of a 28-day schedule: 8 weekend days stay free.
  const weekdays = days('2027-01-04', 28).filter((d) => ![6, 0].includes(new Date(`${d}T00:00:00Z`).getUTCDay()));

  it('passes at exactly 80.0 h/week (320 h in 28 days) and fails at 80.1', () => {
    const at = (hours: number) => findings(fixture({ shiftTypes: [long(hours)], assignments: weekdays.map((d) => ['r1', 'long', d]) }), ['weekly_hours']);
    assert.equal(weekdays.length, 20);
    assert.deepEqual(at(16), []);
    const over = at(16.02); // 320.4 h = 80.1 h/week
    assert.equal(over.length, 1);
    const f = over[0]!;
    assert.equal(f.ruleId, 'VI.F.1');
    assert.equal(f.severity, 'critical');
    assert.equal(f.source, 'acgme');
    assert.equal(f.measured, 80.1);
    assert.equal(f.limit, 80);
    assert.equal(f.excess, 0.1);
    assert.equal(f.personId, 'r1');
    assert.deepEqual(f.dateRange, ['2027-01-04', '2027-01-31']);
    assert.match(f.suggestedFix, /remove 0\.4 h from r1 between 2027-01-04\.\.2027-01-31, e\.g\. move the 2027-01-\d\d long shift/);
  });

  it('applies the VI.F.4 exception (88 h) only when every shift in the window is on the exempt service', () => {
    const hours = 17.6; // 352 h = 88.0 h/week
    const onIcu = findings(fixture({ shiftTypes: [long(hours)], assignments: weekdays.map((d) => ['r1', 'long', d, 'icu']) }), ['weekly_hours']);
    assert.deepEqual(onIcu, []);
    const mixed = findings(fixture({ shiftTypes: [long(hours)], assignments: weekdays.map((d, i) => ['r1', 'long', d, i === 0 ? 'wards' : 'icu']) }), ['weekly_hours']);
    assert.equal(mixed.length, 1);
    assert.equal(mixed[0]!.limit, 80);
    const overIcu = findings(fixture({ shiftTypes: [long(17.62)], assignments: weekdays.map((d) => ['r1', 'long', d, 'icu']) }), ['weekly_hours']);
    assert.equal(overIcu.length, 1);
    assert.equal(overIcu[0]!.limit, 88);
    assert.equal(overIcu[0]!.details.exception, 'VI.F.4');
  });

  it('warns from 76 h/week (approaching) without a violation', () => {
    const near = findings(fixture({ shiftTypes: [long(15.2)], assignments: weekdays.map((d) => ['r1', 'long', d]) }), ['weekly_hours', 'approaching_weekly_hours']);
    assert.equal(near.length, 1);
    assert.equal(near[0]!.key, 'approaching_weekly_hours');
    assert.equal(near[0]!.severity, 'warning');
    assert.equal(near[0]!.measured, 76);
    const below = findings(fixture({ shiftTypes: [long(15.19)], assignments: weekdays.map((d) => ['r1', 'long', d]) }), ['approaching_weekly_hours']);
    assert.deepEqual(below, []);
  });

  it('counts moonlighting toward the limit', () => {
    const base = weekdays.map((d): [string, string, string] => ['r1', 'long', d]);
    const program = fixture({ shiftTypes: [long(15.8), SHIFT_TYPES[5]!], assignments: [...base, ['r1', 'moon', '2027-01-09', 'wards']] });
    const f = findings(program, ['weekly_hours']);
    assert.equal(f.length, 1); // 316 + 6 = 322 h
    assert.equal(f[0]!.measured, 80.5);
    assert.equal(f[0]!.details.moonlighting_hours, 6);
    assert.match(f[0]!.suggestedFix, /cancel the 2027-01-09 moon shift/);
  });

  it('finds the worst rolling window, not only calendar blocks', () => {
    // 56 days; a heavy stretch from day 10 to day 37 (outside both calendar 4-week blocks).
    const heavy = days('2027-01-14', 28).filter((_, i) => i % 7 < 5);
    const program = fixture({ end: '2027-02-28', shiftTypes: [long(16.5)], assignments: heavy.map((d) => ['r1', 'long', d]) });
    const f = findings(program, ['weekly_hours']);
    assert.equal(f.length, 1);
    // Windows starting 01-12 to 01-14 all hold the whole stretch (01-14..02-08); the first is reported.
    assert.equal(f[0]!.details.window_start, '2027-01-12');
    assert.equal(f[0]!.details.window_end, '2027-02-08');
    assert.equal(f[0]!.measured, 82.5);
  });

  // ACGME averages over 4 weeks: a short range is judged by the 28-day windows overlapping it
  // (the earlier pro-rata reading flagged 84 h in one week of an otherwise empty month).
  it('judges a range shorter than 28 days by the 28-day windows around it', () => {
    const short = fixture({ end: '2027-01-10', shiftTypes: [long(14)], assignments: days('2027-01-04', 6).map((d) => ['r1', 'long', d]) });
    assert.deepEqual(findings(short, ['weekly_hours']), []); // 84 h in any 28 days

    // A heavy month, validated one week at a time: every week reports the window over it.
    const month = fixture({ shiftTypes: [long(16.5)], assignments: weekdays.map((d) => ['r1', 'long', d]) });
    const week = { start: '2027-01-18', end: '2027-01-24' };
    const f = validateSnapshot(snapshotOf(month), { focus: week, suggestions: false, rules: new Set(['weekly_hours']) }).findings;
    assert.equal(f.length, 1);
    assert.equal(f[0]!.measured, 82.5); // 330 h in the 28 days
    assert.equal(f[0]!.details.window_days, 28);
    assert.deepEqual(f[0]!.dateRange, ['2027-01-04', '2027-01-31']);
  });

  // Night 19-07 = 5 + 7 h; call 07:00 + 24 h + 4 h transition = 17 + 11 h;
  // at-home call 17:00-08:00 counting 3 h spreads 0.2 h per hour: 1.4 + 1.6 h.
  it('splits hours exactly at midnight (night shifts, transitions, at-home call)', () => {
    const program = fixture({
      assignments: [
        ['r1', 'night', '2027-01-04'],
        ['r1', 'call', '2027-01-06'],
        ['r1', 'home', '2027-01-09'],
      ],
    });
    const snap = snapshotOf(program);
    const hours = dailyHours(snap.byPerson.get('r1')!, Date.parse('2027-01-04T00:00:00Z'), 7);
    assert.deepEqual(
      [...hours].map((h) => Math.round(h * 1000) / 1000),
      [5, 7, 17, 11, 0, 1.4, 1.6],
    );
  });

  it('reports nothing for faculty', () => {
    assert.deepEqual(findings(fixture({ shiftTypes: [long(20)], assignments: weekdays.map((d) => ['f1', 'long', d]) }), ['weekly_hours']), []);
  });
});

describe('VI.F.7 in-house call every third night', () => {
  it('allows 9 calls in 28 days and fails the tenth', () => {
    const nine = days('2027-01-04', 9, 3);
    assert.deepEqual(findings(fixture({ assignments: nine.map((d) => ['r1', 'call', d]) }), ['call_frequency']), []);
    const ten = days('2027-01-04', 10, 3); // days 1, 4, ..., 28
    const f = findings(fixture({ assignments: ten.map((d) => ['r1', 'call', d]) }), ['call_frequency']);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.ruleId, 'VI.F.7');
    assert.equal(f[0]!.measured, 10);
    assert.equal(f[0]!.limit, 9);
    assert.equal(f[0]!.excess, 1);
  });

  it('does not count at-home call', () => {
    const f = findings(fixture({ assignments: days('2027-01-04', 14, 2).map((d) => ['r1', 'home', d]) }), ['call_frequency']);
    assert.deepEqual(f, []);
  });
});
