/** Findings from the different validators' shapes, merged across tools. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conflictFindings, findingFrom, mergeFindings, ruleFamily, shortFinding, validationFindings } from '../../../src/core/workflows/shared/findings';

/** validate_schedule_tool of the bundled server. */
const BUNDLED_ISSUE = {
  severity: 'critical',
  rule_type: 'VI.F.1',
  rule_key: 'weekly_hours',
  person_id: 'r-009',
  date_range: ['2027-01-04', '2027-01-31'],
  window: { start: '2027-01-04T00:00', end: '2027-02-01T00:00' },
  measured: 81.5,
  limit: 80,
  excess: 1.5,
  unit: 'hours_per_week',
  message: 'r-009 averages 81.5 h/week',
  suggested_fix: 'cancel the 2027-01-28 moonlight shift',
  details: {},
};

describe('findings', () => {
  it('reads the bundled validator: person, window, measured, limit, excess, fix', () => {
    const f = findingFrom(BUNDLED_ISSUE, 'validate');
    assert.deepEqual(
      { ...f },
      {
        id: 'weekly_hours:r-009:2027-01-04',
        severity: 'critical',
        rule: 'weekly_hours',
        ruleId: 'VI.F.1',
        person: 'r-009',
        window: { start: '2027-01-04T00:00', end: '2027-02-01T00:00' },
        measured: 81.5,
        limit: 80,
        excess: 1.5,
        unit: 'hours_per_week',
        message: 'r-009 averages 81.5 h/week',
        suggestedFix: 'cancel the 2027-01-28 moonlight shift',
        sources: ['validate'],
      },
    );
    assert.equal(shortFinding(f), '80 h/week (4-week average), r-009 from 2027-01-04: 81.5 vs limit 80');
  });

  it('reads the real backend’s 80-hour details and computes the excess', () => {
    const f = findingFrom(
      {
        severity: 'critical',
        rule_type: '80_HOUR_VIOLATION',
        person_id: 'p1',
        message: 'm',
        details: { window_start: '2026-03-02', window_end: '2026-03-29', average_weekly_hours: 84.25 },
      },
      'validate',
    );
    assert.deepEqual([f.rule, f.measured, f.limit, f.excess, f.window?.start], ['weekly_hours', 84.25, undefined, undefined, '2026-03-02']);
    const withLimit = findingFrom({ severity: 'critical', rule_type: '80_HOUR_VIOLATION', message: 'm', details: { average_weekly_hours: 84.25, limit: 80 } }, 'v');
    assert.equal(withLimit.excess, 4.25);
  });

  it('merges one problem seen by validate, validate-by-id and detect_conflicts (also a slot finding)', () => {
    const byId = validationFindings(
      {
        issues: [
          {
            severity: 'critical',
            rule_type: 'VI.F.1',
            message: 'x',
            constraint_name: 'weekly_hours: 80 hours per week averaged over 4 weeks',
            affected_entity_ref: 'r-009',
            date_context: '2027-01-04..2027-01-31',
            details: { measured: 81.5, limit: 80 },
            suggested_action: null,
          },
          {
            severity: 'critical',
            rule_type: 'coverage.minimum',
            message: 'y',
            constraint_name: 'coverage_minimum: short',
            affected_entity_ref: 'wards/night/2027-01-18',
            date_context: '2027-01-18',
            details: {},
          },
        ],
      },
      'validate_by_id',
    );
    const slot = findingFrom(
      {
        severity: 'critical',
        rule_key: 'coverage_minimum',
        person_id: null,
        message: 'y',
        window: { start: '2027-01-18T19:00', end: '2027-01-19T07:00' },
        details: { service_id: 'wards', shift_type_id: 'night', date: '2027-01-18' },
      },
      'validate',
    );
    const conflicts = conflictFindings(
      {
        conflicts: [
          {
            conflict_type: 'work_hour_violation',
            severity: 'critical',
            rule_type: 'VI.F.1',
            affected_people: ['r-009'],
            date_range: ['2027-01-04', '2027-01-31'],
            description: 'hours',
          },
        ],
      },
      'conflicts',
    );
    const merged = mergeFindings([findingFrom(BUNDLED_ISSUE, 'validate'), slot], byId, conflicts);
    assert.equal(merged.length, 2);
    assert.deepEqual(merged[0]!.sources, ['validate', 'validate_by_id', 'conflicts']);
    assert.equal(merged[0]!.suggestedFix, 'cancel the 2027-01-28 moonlight shift');
    assert.deepEqual([merged[1]!.subject, merged[1]!.person, merged[1]!.sources], ['wards/night/2027-01-18', undefined, ['validate', 'validate_by_id']]);
  });

  it('keeps the seed’s conflict severities when a server reports a milder one, and ranks by severity', () => {
    const [f] = conflictFindings({ conflicts: [{ conflict_type: 'double_booking', severity: 'warning', affected_people: ['a'], description: 'd' }] }, 'c');
    assert.equal(f!.severity, 'critical');
    const ranked = mergeFindings([
      findingFrom({ severity: 'info', rule_type: 'x', message: 'low', person_id: 'a' }, 's'),
      findingFrom({ severity: 'warning', rule_type: 'y', message: 'mid', person_id: 'b' }, 's'),
    ]);
    assert.deepEqual(
      ranked.map((r) => r.severity),
      ['medium', 'low'],
    );
  });

  it('maps rule names of both servers to one family', () => {
    assert.deepEqual(
      [
        'VI.F.1',
        '80_HOUR_VIOLATION',
        'work_hour_violation',
        'VI.F.2.c',
        '1_IN_7_VIOLATION',
        'SUPERVISION_RATIO_VIOLATION',
        'VI.F.2.a',
        'approaching_weekly_hours',
        'something_else',
      ].map((n) => ruleFamily(n)),
      ['weekly_hours', 'weekly_hours', 'weekly_hours', 'day_off', 'day_off', 'supervision', 'rest', 'approaching_weekly_hours', 'something_else'],
    );
  });
});

describe('advisory rules', () => {
  it('keeps the 8-hour "should" (VI.F.2.a) a warning while the 14 hours after call stay critical', () => {
    const conflict = (id: string) => ({
      severity: 'warning',
      conflict_type: 'rest_period_violation',
      conflict_id: `${id}:r-009:2027-01-23T00:00`,
      affected_people: ['r-009'],
      description: 'short rest',
    });
    assert.equal(findingFrom(conflict('rest_between_shifts'), 'conflicts').severity, 'medium');
    assert.equal(findingFrom(conflict('rest_after_call'), 'conflicts').severity, 'critical');
    assert.equal(findingFrom({ severity: 'warning', rule_id: 'VI.F.2.a', message: 'short rest' }, 'validate').severity, 'medium');
  });
});
