/**
 * Rule classification of reported issues: by name when the server gives a known one, else by
 * the measured quantities, else by the message; an issue nothing identifies is unclassified
 * and leaves the rules it may concern `unknown` in the compliance summary, never `pass`.
 * Issue shapes follow the real server's validate_schedule_tool and validate_schedule_by_id_tool.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ruleCheck } from '../../../src/core/workflows/compliance';
import { classifyIssue, UNCLASSIFIED } from '../../../src/core/workflows/shared/classify';
import { describeFinding, findingFrom, validationFindings } from '../../../src/core/workflows/shared/findings';

/** validate_schedule_tool passes the backend's `type` as nothing: rule_type "unknown". */
const REAL_80H = {
  severity: 'critical',
  rule_type: 'unknown',
  person_id: 'r-07',
  role: 'resident',
  date_range: ['2027-01-04', '2027-01-31'],
  message: 'Resident r-07 averages 83.5 hours/week over the 4-week window',
  details: {},
  suggested_fix: null,
};

const RULES = ['weekly_hours', 'day_off', 'supervision', 'rest', 'continuous_duty'] as const;

function summary(issues: Record<string, unknown>[]): Record<string, string> {
  const findings = validationFindings({ issues }, 'validate');
  return Object.fromEntries(RULES.map((r) => [r, ruleCheck(findings, r, true)]));
}

describe('rule classification', () => {
  it('trusts a known rule name first (confidence 1), whatever the message says', () => {
    assert.deepEqual(classifyIssue({ message: 'short rest' }, ['80_HOUR_VIOLATION']), { rule: 'weekly_hours', basis: 'rule_type', confidence: 1 });
    assert.equal(classifyIssue({}, ['unknown', 'SUPERVISION_RATIO_VIOLATION']).rule, 'supervision');
  });

  it('reads the measured quantities when the name says nothing', () => {
    const c = classifyIssue({ details: { consecutive_days: 8, limit: 6 }, message: 'x' }, ['unknown']);
    assert.deepEqual(c, { rule: 'day_off', basis: 'details', confidence: 0.9 });
    assert.equal(classifyIssue({ details: { average_weekly_hours: 84 } }, ['unknown']).rule, 'weekly_hours');
  });

  it('reads the message last: hours/week, consecutive days, rest, supervision, call, 24+4', () => {
    const cases: [string, string][] = [
      ['averages 83.5 hours/week over the 4-week window', 'weekly_hours'],
      ['Worked 9 consecutive days without a day off', 'day_off'],
      ['Only 6 hours of rest between shifts', 'rest'],
      ['PGY-1 residents without supervision on 2027-01-05 AM', 'supervision'],
      ['On call more often than every third night', 'call_frequency'],
      ['Shift exceeds the 24+4 limit', 'continuous_duty'],
      ['Resident is assigned twice on 2027-01-06', 'double_booking'],
    ];
    for (const [message, rule] of cases) {
      const c = classifyIssue({ message }, ['unknown']);
      assert.deepEqual([c.rule, c.basis, c.confidence], [rule, 'message', 0.8], message);
    }
  });

  it('a message that matches two rules keeps both, with less confidence', () => {
    const c = classifyIssue({ message: 'averages 82 hours/week and worked 8 consecutive days' }, ['unknown']);
    assert.deepEqual(c, { rule: 'weekly_hours', basis: 'message', confidence: 0.5, alsoMatches: ['day_off'] });
  });

  it('what nothing identifies is an unclassified violation; an unknown but specific name is kept', () => {
    assert.deepEqual(classifyIssue({ message: 'Constraint failed for r-02' }, ['unknown', undefined]), { rule: UNCLASSIFIED, basis: 'none', confidence: 0 });
    assert.equal(classifyIssue({ message: 'x' }, ['EXTERNAL_CONFLICT']).rule, 'external_conflict');
    const f = findingFrom({ severity: 'critical', rule_type: 'unknown', message: 'Constraint failed for r-02', person_id: 'r-02' }, 'validate');
    assert.equal(f.rule, UNCLASSIFIED);
    assert.deepEqual(f.classification, { basis: 'none', confidence: 0 });
    assert.match(describeFinding(f), /^unclassified violation, r-02: Constraint failed/);
  });
});

describe('compliance rule summary', () => {
  it('the real validator\'s "unknown" critical issue about 83.5 hours/week makes weekly_hours fail, not pass', () => {
    const findings = validationFindings({ issues: [REAL_80H] }, 'validate');
    assert.equal(findings[0]!.rule, 'weekly_hours');
    assert.deepEqual(findings[0]!.classification, { basis: 'message', confidence: 0.8 });
    assert.deepEqual(findings[0]!.window, { start: '2027-01-04', end: '2027-01-31' });
    assert.deepEqual(summary([REAL_80H]), { weekly_hours: 'fail', day_off: 'pass', supervision: 'pass', rest: 'pass', continuous_duty: 'pass' });
  });

  it('validate_schedule_by_id issues are classified from constraint_name or message', () => {
    const byId = {
      severity: 'warning',
      rule_type: 'unknown',
      constraint_name: 'ConsecutiveDays',
      affected_entity_ref: 'r-04',
      date_context: '2027-01-04..2027-01-12',
      message: '8 consecutive duty days',
      details: {},
    };
    assert.deepEqual(summary([byId]), { weekly_hours: 'pass', day_off: 'warning', supervision: 'pass', rest: 'pass', continuous_duty: 'pass' });
  });

  it('an unclassified finding makes every rule without its own finding unknown, never pass', () => {
    const unknown = { severity: 'critical', rule_type: 'unknown', message: 'Constraint failed for r-02', person_id: 'r-02' };
    assert.deepEqual(summary([unknown, REAL_80H]), { weekly_hours: 'fail', day_off: 'unknown', supervision: 'unknown', rest: 'unknown', continuous_duty: 'unknown' });
  });

  it('a finding that matched two rules leaves the second unknown; no validation leaves the rest not_checked but a reported violation still fails', () => {
    const two = { severity: 'info', rule_type: 'unknown', message: 'averages 82 hours/week and worked 8 consecutive days' };
    assert.equal(summary([two])['day_off'], 'unknown');
    const conflicts = [findingFrom({ conflict_type: 'work_hour_violation', severity: 'critical', affected_people: ['r-1'], description: 'hours' }, 'conflicts')];
    assert.equal(ruleCheck(conflicts, 'weekly_hours', false), 'fail');
    assert.equal(ruleCheck(conflicts, 'rest', false), 'not_checked');
  });
});
