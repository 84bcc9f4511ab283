import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeContingency } from '../../../src/server/rules/contingency';
import { EligibilityIndex } from '../../../src/server/rules/eligibility';
import { blocksFor, defenseLevelFor, utilization, utilizationLevel } from '../../../src/server/rules/resilience';
import { fixture, snapshotOf } from '../../support/server/fixtures';

describe('utilization (queuing theory)', () => {
  it('uses the real thresholds: green < 0.70 <= yellow < 0.80 <= orange < 0.90 <= red < 0.95 <= black', () => {
    assert.deepEqual([0, 0.6999, 0.7, 0.7999, 0.8, 0.8999, 0.9, 0.9499, 0.95, 1.2].map(utilizationLevel), [
      'green',
      'green',
      'yellow',
      'yellow',
      'orange',
      'orange',
      'red',
      'red',
      'black',
      'black',
    ]);
  });

  it('computes capacity, safe maximum, buffer and the wait-time multiplier', () => {
    const u = utilization({ availableFaculty: 10, requiredBlocks: 16, blocksPerFacultyPerDay: 2, daysInPeriod: 1 });
    assert.equal(u.totalCapacity, 20);
    assert.equal(u.utilizationRate, 0.8);
    assert.equal(u.level, 'orange');
    assert.equal(u.severity, 'critical');
    assert.equal(u.safeMaximum, 16);
    assert.equal(u.bufferRemaining, 0);
    assert.equal(u.waitTimeMultiplier, 4);
    const over = utilization({ availableFaculty: 1, requiredBlocks: 5, blocksPerFacultyPerDay: 2, daysInPeriod: 1 });
    assert.equal(over.utilizationRate, 1);
    assert.equal(over.rawUtilization, 2.5);
    assert.equal(over.waitTimeMultiplier, 999.9);
    assert.equal(utilization({ availableFaculty: 0, requiredBlocks: 0, blocksPerFacultyPerDay: 2, daysInPeriod: 1 }).level, 'green');
  });

  it('counts half-day blocks of 6 hours', () => {
    assert.deepEqual([4, 6, 12, 15, 24].map(blocksFor), [1, 1, 2, 3, 4]);
  });
});

describe('defense in depth', () => {
  it('maps coverage to levels at 0.95 / 0.90 / 0.80 / 0.70', () => {
    assert.deepEqual([1, 0.95, 0.9499, 0.9, 0.8, 0.7, 0.6999].map(defenseLevelFor), [
      'prevention',
      'prevention',
      'control',
      'control',
      'safety_systems',
      'containment',
      'emergency',
    ]);
  });
});

describe('N-1 / N-2 contingency', () => {
  const people = [
    { id: 'f1', name: 'F1', role: 'faculty' as const, credentials: ['procedures'] },
    { id: 'f2', name: 'F2', role: 'faculty' as const, credentials: ['procedures'] },
    { id: 'f3', name: 'F3', role: 'faculty' as const },
  ];
  const services = [
    { id: 'proc', name: 'Procedures', zone: 'outpatient' as const, supervisionRequired: false, requiredCredential: 'procedures' },
    { id: 'wards', name: 'Wards', zone: 'inpatient' as const, supervisionRequired: false },
  ];
  const coverage = [
    { id: 'p', serviceId: 'proc', shiftTypeId: 'clinic', days: ['mon' as const], residents: { min: 0 }, faculty: { min: 1 } },
    { id: 'w', serviceId: 'wards', shiftTypeId: 'day', days: ['tue' as const], residents: { min: 0 }, faculty: { min: 1 } },
  ];
  const period = { start: '2027-01-04', end: '2027-01-10' };
  const analyze = (absent: boolean) =>
    analyzeContingency(
      new EligibilityIndex(
        snapshotOf(
          fixture({
            end: '2027-01-10',
            people,
            services,
            coverage,
            assignments: [
              ['f1', 'clinic', '2027-01-04', 'proc'],
              ['f1', 'day', '2027-01-05', 'wards'],
            ],
            absences: absent ? [{ id: 'x', personId: 'f2', type: 'vacation', start: '2027-01-04', end: '2027-01-04' }] : [],
          }),
        ),
      ),
      period,
      { n1: true, n2: true, population: 'faculty', cascade: true, maxPairs: 10 },
    );

  it('finds a critical single point of failure when nobody else can take the shift', async () => {
    const r = await analyze(true);
    const v = r.n1.find((x) => x.personId === 'f1')!;
    assert.equal(v.severity, 'critical');
    assert.equal(v.affectedBlocks, 2);
    assert.equal(v.uncoverableBlocks, 1);
    assert.deepEqual(v.uncoverableSlots, ['proc|clinic|2027-01-04']);
    assert.equal(r.cascade!.stillUncovered, 1);
    assert.equal(r.cascade!.coveredBySubstitutes, 1);
  });

  it('reports the loss as coverable (medium) and the pair as fatal when one substitute exists', async () => {
    const r = await analyze(false);
    const v = r.n1.find((x) => x.personId === 'f1')!;
    assert.equal(v.severity, 'medium');
    assert.equal(v.uncoverableBlocks, 0);
    // Procedures on Monday: f1 assigned, only f2 holds the credential: losing both is fatal.
    assert.ok(r.n2.some((p) => p.a === 'f1' && p.b === 'f2' && p.affectedServices.includes('proc')));
    assert.ok(!r.n2.some((p) => p.a === 'f2' && p.b === 'f3'));
  });
});
