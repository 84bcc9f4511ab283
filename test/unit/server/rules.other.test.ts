import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateSnapshot } from '../../../src/server/rules/engine';
import { days, findings, fixture, snapshotOf } from '../../support/server/fixtures';

const supervised = [
  { id: 'wards', name: 'Wards', zone: 'inpatient' as const, supervisionRequired: true },
  { id: 'proc', name: 'Procedures', zone: 'outpatient' as const, supervisionRequired: false, requiredCredential: 'procedures' },
];

describe('VI.F.5 moonlighting', () => {
  it('forbids moonlighting for PGY-1 residents only', () => {
    const f = findings(
      fixture({
        assignments: [
          ['i1', 'moon', '2027-01-05'],
          ['r1', 'moon', '2027-01-05'],
        ],
      }),
      ['moonlighting_pgy1'],
    );
    assert.equal(f.length, 1);
    assert.equal(f[0]!.personId, 'i1');
    assert.equal(f[0]!.ruleId, 'VI.F.5');
    assert.match(f[0]!.suggestedFix, /remove the 2027-01-05 moon shift/);
  });
});

describe('PGY-1 supervision', () => {
  it('needs a faculty shift of the same service overlapping the PGY-1 shift', () => {
    const alone = findings(fixture({ services: supervised, assignments: [['i1', 'day', '2027-01-05']] }), ['supervision_pgy1']);
    assert.equal(alone.length, 1);
    assert.equal(alone[0]!.ruleId, 'VI.A.2');
    assert.equal(alone[0]!.severity, 'critical');
    // At-home call 17:00-08:00 overlaps the night 19:00-07:00.
    assert.deepEqual(
      findings(
        fixture({
          services: supervised,
          assignments: [
            ['i1', 'night', '2027-01-05'],
            ['f1', 'home', '2027-01-05'],
          ],
        }),
        ['supervision_pgy1'],
      ),
      [],
    );
    // A faculty shift on the next day does not overlap.
    assert.equal(
      findings(
        fixture({
          services: supervised,
          assignments: [
            ['i1', 'day', '2027-01-05'],
            ['f1', 'day', '2027-01-06'],
          ],
        }),
        ['supervision_pgy1'],
      ).length,
      1,
    );
    // Seniors need no direct supervision.
    assert.deepEqual(findings(fixture({ services: supervised, assignments: [['r1', 'day', '2027-01-05']] }), ['supervision_pgy1']), []);
  });
});

describe('local policies', () => {
  it('reports more than 6 consecutive duty days as local policy, configurable and switchable', () => {
    const seven = days('2027-01-04', 7).map((d): [string, string, string] => ['r1', 'clinic', d]);
    const f = findings(fixture({ assignments: seven }), ['local_max_consecutive_duty_days']);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.source, 'local_policy');
    assert.equal(f[0]!.ruleId, 'local.max_consecutive_duty_days');
    assert.equal(f[0]!.severity, 'warning');
    assert.equal(f[0]!.measured, 7);
    assert.deepEqual(findings(fixture({ assignments: seven.slice(0, 6) }), ['local_max_consecutive_duty_days']), []);
    assert.deepEqual(findings(fixture({ assignments: seven, policies: { maxConsecutiveDutyDays: { enabled: true, limit: 7 } } }), ['local_max_consecutive_duty_days']), []);
    assert.deepEqual(findings(fixture({ assignments: seven, policies: { maxConsecutiveDutyDays: { enabled: false, limit: 6 } } }), ['local_max_consecutive_duty_days']), []);
  });

  it('checks supervision ratios 1:2 for PGY-1 and 1:4 for seniors as local policy', () => {
    const people = [...['i1', 'i2', 'i3'].map((id) => ({ id, name: id, role: 'resident' as const, pgy: 1 })), { id: 'f1', name: 'f1', role: 'faculty' as const }];
    const two = findings(
      fixture({
        services: supervised,
        people,
        assignments: [
          ['i1', 'day', '2027-01-05'],
          ['i2', 'day', '2027-01-05'],
          ['f1', 'day', '2027-01-05'],
        ],
      }),
      ['local_supervision_ratio'],
    );
    assert.deepEqual(two, []);
    const three = findings(
      fixture({
        services: supervised,
        people,
        assignments: [
          ['i1', 'day', '2027-01-05'],
          ['i2', 'day', '2027-01-05'],
          ['i3', 'day', '2027-01-05'],
          ['f1', 'day', '2027-01-05'],
        ],
      }),
      ['local_supervision_ratio'],
    );
    assert.equal(three.length, 1);
    assert.equal(three[0]!.source, 'local_policy');
    assert.equal(three[0]!.measured, 1);
    assert.equal(three[0]!.limit, 2);
  });

  it('reports rule ids from policies.ruleIds', () => {
    const seven = days('2027-01-04', 28).map((d): [string, string, string] => ['r1', 'day', d]);
    const f = findings(fixture({ assignments: seven, policies: { ruleIds: { weekly_hours: 'CPR-6.20', one_day_in_seven: 'CPR-6.21' } } }), ['weekly_hours', 'one_day_in_seven']);
    assert.deepEqual(f.map((x) => x.ruleId).sort(), ['CPR-6.20', 'CPR-6.21']);
  });
});

describe('coverage', () => {
  const coverage = [{ id: 'c1', serviceId: 'wards', shiftTypeId: 'day', days: 'weekdays' as const, residents: { min: 1, pgy: [2, 3] }, faculty: { min: 1 } }];

  it('reports every weekday slot below its minimum, counting only eligible PGY levels', () => {
    const program = fixture({
      end: '2027-01-10',
      coverage,
      assignments: [
        ['r1', 'day', '2027-01-04'],
        ['f1', 'day', '2027-01-04'],
        ['i1', 'day', '2027-01-05'],
        ['f1', 'day', '2027-01-05'],
      ],
    });
    const f = findings(program, ['coverage_minimum']);
    // Mon fully staffed; Tue has only a PGY-1 (not eligible); Wed-Fri empty (resident + faculty).
    assert.equal(f.filter((x) => x.details.group === 'residents').length, 4);
    assert.equal(f.filter((x) => x.details.group === 'faculty').length, 3);
    assert.ok(f.every((x) => x.severity === 'critical' && x.source === 'coverage' && x.personId === null));
    const report = validateSnapshot(snapshotOf(program), { suggestions: false });
    assert.equal(report.coverage.required, 10);
    assert.equal(report.coverage.filled, 3);
  });
});

describe('conflicts', () => {
  it('finds double booking, leave overlap and credential mismatch', () => {
    const program = fixture({
      services: supervised,
      absences: [{ id: 'v1', personId: 'r2', type: 'vacation', start: '2027-01-10', end: '2027-01-16' }],
      assignments: [
        ['r1', 'day', '2027-01-05'],
        ['r1', 'clinic', '2027-01-05'],
        ['r2', 'day', '2027-01-12'],
        ['r1', 'clinic', '2027-01-07', 'proc'],
      ],
    });
    const f = findings(program, ['double_booking', 'leave_overlap', 'credential_mismatch']);
    assert.deepEqual(f.map((x) => [x.key, x.personId, x.severity]).sort(), [
      ['credential_mismatch', 'r1', 'warning'],
      ['double_booking', 'r1', 'critical'],
      ['leave_overlap', 'r2', 'warning'],
    ]);
  });

  it('ignores non-blocking absences (a conference)', () => {
    const program = fixture({ absences: [{ id: 'c1', personId: 'r2', type: 'conference', start: '2027-01-10', end: '2027-01-11' }], assignments: [['r2', 'day', '2027-01-10']] });
    assert.deepEqual(findings(program, ['leave_overlap']), []);
  });
});

describe('suggested fixes', () => {
  it('names a substitute who can take the shift without breaking a rule', () => {
    const program = fixture({
      absences: [{ id: 'v1', personId: 'r1', type: 'vacation', start: '2027-01-12', end: '2027-01-12' }],
      assignments: [['r1', 'day', '2027-01-12']],
    });
    const [f] = validateSnapshot(snapshotOf(program), { rules: new Set(['leave_overlap']) }).findings;
    assert.ok(f);
    assert.match(f.suggestedFix, /Resident Two \(r2\) could take the 2027-01-12 day shift|Intern One \(i1\) could take/);
    assert.ok(Array.isArray(f.details.substitutes) && !(f.details.substitutes as string[]).includes('r1'));
  });
});
