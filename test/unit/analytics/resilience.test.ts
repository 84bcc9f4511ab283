/**
 * The resilience analytics on built programs: the single-point-of-failure fixture must show
 * F1 (alone qualified for the ICU) everywhere it matters, and the recovery search must find
 * the shortest repair (including a two-edit chain) and prove infeasibility.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blastRadius } from '../../../src/server/analytics/blastRadius';
import { coverageModel, Roster } from '../../../src/server/analytics/coverage';
import { burnoutContagion } from '../../../src/server/analytics/epidemiology';
import { hubAnalysis } from '../../../src/server/analytics/hub';
import { centralities, coAssignmentNetwork } from '../../../src/server/analytics/network';
import { planEvents, recoverEvent, summariseRecovery } from '../../../src/server/analytics/recovery';
import { sacrificePreview } from '../../../src/server/analytics/sacrifice';
import { unifiedIndex } from '../../../src/server/analytics/unifiedIndex';
import { coverageSchema, personSchema, policiesSchema, serviceSchema, shiftTypeSchema } from '../../../src/server/domain/program';
import { buildSnapshot, type SnapshotInput } from '../../../src/server/domain/snapshot';
import { fixtureWellbeing, NOW, spofInput, spofSnapshot } from '../../support/analytics/fixtures';

describe('single point of failure fixture', () => {
  const snap = spofSnapshot(fixtureWellbeing());
  const model = coverageModel(snap);
  const net = coAssignmentNetwork(snap);
  const cent = centralities(net);

  it('N-1: F1 is the only person whose loss leaves blocks nobody can cover', () => {
    const f1 = model.losses.get('F1')!;
    assert.equal(f1.requiredShifts, 20);
    assert.equal(f1.affected.length, 20);
    assert.equal(f1.uncoverable.length, 20);
    for (const [id, loss] of model.losses) if (id !== 'F1') assert.equal(loss.uncoverable.length, 0, id);
    // F2 and F3 both work the wards, which need one faculty member: neither loss breaks it.
    assert.equal(model.losses.get('F2')!.affected.length, 0);
    // F4 is alone in clinic but F5 is qualified and free.
    assert.equal(model.losses.get('F4')!.affected.length, 20);
  });

  it('blast radius: F1 has the largest radius and is the single point of failure', () => {
    const br = blastRadius(snap, model, { maxPersonnel: 20, nowMs: NOW });
    assert.deepEqual(br.single_points_of_failure, ['F1']);
    const first = br.person_impacts[0]!;
    assert.equal(first.person_id, 'F1');
    assert.equal(first.blast_radius, 6); // all six residents rotate through the ICU
    assert.equal(br.max_blast_radius, 6);
    for (const p of br.person_impacts.slice(1)) assert.ok(p.blast_radius < first.blast_radius, p.person_id);
    assert.equal(br.severity, 'warning');
    const inpatient = br.zone_details.find((z) => z.zone_id === 'inpatient')!;
    // ICU + wards need 2 faculty at once; F1, F2, F3 qualify: 3 = optimal (2 + 1) → yellow.
    assert.deepEqual([inpatient.minimum_required, inpatient.available_faculty, inpatient.health_status], [2, 3, 'yellow']);
  });

  it('hub centrality: F1 ranks first', () => {
    const hub = hubAnalysis(snap, model, net, cent, 10, 3);
    const top = hub.top_hubs[0]!;
    assert.equal(top.faculty_id, 'F1');
    assert.deepEqual(top.unique_services, ['icu']);
    assert.equal(top.replacement_difficulty, 1);
    assert.ok(['critical', 'catastrophic'].includes(top.risk_level));
    assert.deepEqual(hub.cascade_failure_points, ['F1']);
    assert.equal(hub.cross_training_priority[0]!.service_id, 'icu');
  });

  it('unified critical index: F1 tops it as universal critical', () => {
    const statuses = new Map(fixtureWellbeing().burnout.map((b) => [b.personId, b.status] as const));
    const u = unifiedIndex({ snapshot: snap, model, net, cent, burnout: statuses, hasBurnoutData: true }, 5, true);
    const top = u.top_critical_faculty[0]!;
    assert.equal(top.faculty_id, 'F1');
    assert.equal(top.risk_pattern, 'universal_critical');
    assert.equal(top.priority_rank, 1);
    assert.deepEqual(u.top_priority, ['F1']);
    // overall = 100 × mean of the top five composites (all five faculty here).
    const mean5 = u.top_critical_faculty.reduce((a, f) => a + f.composite_index, 0) / 5;
    assert.ok(Math.abs(u.overall_index! - 100 * mean5) < 1e-9);
    // Confidence: 20 blocks (> 5) 0.25 + network 0.35 + burnout data 0.30.
    assert.ok(Math.abs(top.confidence - 0.9) < 1e-9);
  });

  it('recovery: losing F1 is infeasible, losing F4 takes one edit', () => {
    const events = planEvents(model, 20);
    assert.equal(events[0]!.personId, 'F1');
    const results = events.map((e) => recoverEvent(model, e));
    const f1 = results[0]!;
    assert.equal(f1.status, 'infeasible');
    const f4 = results.find((r) => r.event.personId === 'F4')!;
    assert.equal(f4.distance, 1);
    const summary = summariseRecovery(results, true);
    assert.equal(summary.infeasible_count, 1);
    assert.equal(summary.events_tested, events.length);
  });

  it('sacrifice preview: continuity services are shed at black, with the hours they free', () => {
    const black = sacrificePreview(snap, model, 'black');
    assert.deepEqual(black.activities_suspended, ['clinic']);
    // 20 weekdays × 2 people × 10 h.
    assert.equal(black.capacity_freed_hours, 400);
    assert.equal(sacrificePreview(snap, model, 'red').activities_suspended.length, 0);
  });
});

/** Services A and B on one day; X only A, Y both, Z only B (free). */
function chainInput(): SnapshotInput {
  const date = '2027-01-04';
  return {
    program: { id: 'chain', name: 'Chain', timezone: 'UTC' },
    people: [
      personSchema.parse({ id: 'X', name: 'X', role: 'faculty', services: ['A'] }),
      personSchema.parse({ id: 'Y', name: 'Y', role: 'faculty', services: ['A', 'B'] }),
      personSchema.parse({ id: 'Z', name: 'Z', role: 'faculty', services: ['B'] }),
    ],
    shiftTypes: [shiftTypeSchema.parse({ id: 'day', name: 'Day', kind: 'day', start: '08:00', hours: 8 })],
    services: [serviceSchema.parse({ id: 'A', name: 'A', zone: 'inpatient' }), serviceSchema.parse({ id: 'B', name: 'B', zone: 'outpatient' })],
    coverage: ['A', 'B'].map((s) => coverageSchema.parse({ id: `c${s}`, serviceId: s, shiftTypeId: 'day', days: 'all', residents: { min: 0 }, faculty: { min: 1 } })),
    absences: [],
    policies: policiesSchema.parse({}),
    schedule: { id: 's', name: 's', start: date, end: date, status: 'published' },
    dataVersion: 1,
    assignments: [
      { id: 'a1', personId: 'X', serviceId: 'A', shiftTypeId: 'day', date, role: 'primary' },
      { id: 'a2', personId: 'Y', serviceId: 'B', shiftTypeId: 'day', date, role: 'primary' },
    ],
    range: { start: date, end: date },
  };
}

describe('recovery distance search', () => {
  it('needs a two-edit chain: Y moves from B to A, Z backfills B', () => {
    const model = coverageModel(buildSnapshot(chainInput()));
    const r = recoverEvent(model, { type: 'faculty_absence', personId: 'X', date: '2027-01-04' });
    assert.equal(r.status, 'recovered');
    assert.equal(r.distance, 2);
    assert.deepEqual(
      r.edits.map((e) => [e.type, e.person_id, e.service_id]),
      [
        ['move', 'Y', 'A'],
        ['reassign', 'Z', 'B'],
      ],
    );
  });

  it('without Z the loss of X is infeasible; the roster is left as it was', () => {
    const input = chainInput();
    input.people = input.people.filter((p) => p.id !== 'Z');
    const model = coverageModel(buildSnapshot(input));
    const before = model.roster.shiftsOn('Y', '2027-01-04').map((s) => s.assignmentId);
    const r = recoverEvent(model, { type: 'faculty_absence', personId: 'X', date: '2027-01-04' });
    assert.equal(r.status, 'infeasible');
    assert.equal(r.distance, null);
    assert.deepEqual(
      model.roster.shiftsOn('Y', '2027-01-04').map((s) => s.assignmentId),
      before,
    );
    assert.deepEqual(
      model.roster.shiftsOn('X', '2027-01-04').map((s) => s.assignmentId),
      ['a1'],
    );
  });
});

describe('replacement rules (Roster.canTake)', () => {
  const snap = spofSnapshot();
  const roster = new Roster(snap);
  const model = coverageModel(snap);
  const icuMonday = model.slots.find((c) => c.slot.serviceId === 'icu' && c.slot.date === '2027-01-04')!.slot;
  const clinicMonday = model.slots.find((c) => c.slot.serviceId === 'clinic' && c.slot.date === '2027-01-04')!.slot;
  it('a person already on an overlapping shift cannot take the slot unless they give it up', () => {
    assert.equal(roster.canTake('F2', clinicMonday), false);
    const wards = roster.shiftsOn('F2', '2027-01-04')[0]!;
    assert.equal(roster.canTake('F2', clinicMonday, wards), true);
    assert.equal(roster.canTake('F5', clinicMonday), true);
  });
  it('a blocking absence rules a person out', () => {
    const input = spofInput();
    input.absences = [{ id: 'ab', personId: 'F5', type: 'vacation', start: '2027-01-04', end: '2027-01-08' }];
    const r = new Roster(buildSnapshot(input));
    assert.equal(r.canTake('F5', clinicMonday), false);
  });
  it('residents: the consecutive-duty-day limit applies', () => {
    // With a limit of one day: R6 is free in week 1 and may take Monday; R1 works Monday to
    // Friday, so the Sunday before would make a run of two.
    const input = spofInput();
    input.policies = policiesSchema.parse({ maxConsecutiveDutyDays: { enabled: true, limit: 1 } });
    const r = new Roster(buildSnapshot(input));
    assert.equal(r.canTake('R6', icuMonday), true);
    const sunday = { ...icuMonday, date: '2027-01-03', key: 'icu|day|2027-01-03', startMs: icuMonday.startMs - 86_400_000, endMs: icuMonday.endMs - 86_400_000 };
    assert.equal(r.canTake('R1', sunday), false);
  });
  it('defers to the rule engine: a shift that leaves under 8 hours off is refused though nothing overlaps', () => {
    const input = chainInput();
    input.people = [personSchema.parse({ id: 'R', name: 'R', role: 'resident', pgy: 2 })];
    input.shiftTypes = [
      shiftTypeSchema.parse({ id: 'day', name: 'Day', kind: 'day', start: '07:00', hours: 12 }),
      shiftTypeSchema.parse({ id: 'late', name: 'Late', kind: 'day', start: '23:00', hours: 6 }),
    ];
    input.coverage = [
      coverageSchema.parse({ id: 'cA', serviceId: 'A', shiftTypeId: 'day', days: 'all', residents: { min: 1 }, faculty: { min: 0 } }),
      coverageSchema.parse({ id: 'cB', serviceId: 'B', shiftTypeId: 'late', days: 'all', residents: { min: 1 }, faculty: { min: 0 } }),
    ];
    input.assignments = [{ id: 'r0', personId: 'R', serviceId: 'A', shiftTypeId: 'day', date: '2027-01-04', role: 'primary' }];
    const snap = buildSnapshot(input);
    const r = new Roster(snap);
    const late = coverageModel(snap).slots.find((c) => c.slot.serviceId === 'B')!.slot;
    // Day shift ends 19:00, the late shift starts 23:00: free, but only 4 h off.
    assert.equal(r.isFree('R', late), true);
    assert.equal(r.canTake('R', late), false);
    // Giving up the day shift makes it acceptable.
    assert.equal(r.canTake('R', late, r.shiftsOn('R', '2027-01-04')[0]!), true);
  });
});

describe('burnout contagion simulation', () => {
  const snap = spofSnapshot(fixtureWellbeing());
  const net = coAssignmentNetwork(snap);
  const cent = centralities(net);
  const scores = net.ids.map((id) => (id === 'F1' || id === 'R1' ? 1 : 0));
  const params = { infectionRate: 0.05, recoveryRate: 0.01, iterations: 50, runs: 20, seed: 1 };

  it('is reproducible for a seed and sizes one intervention per burned-out spreader', async () => {
    const run = () => burnoutContagion({ net, degree: cent.degree, scores, params, maxInterventions: 10, checkpoint: async () => {} });
    const a = await run();
    const b = await run();
    assert.deepEqual(a, b);
    assert.equal(a.current_infected, 2);
    assert.ok(Math.abs(a.infection_curve[0]! - 2 / net.ids.length) < 1e-12);
    assert.ok(a.final_infection_rate >= a.current_infection_rate);
    assert.deepEqual(a.recommended_interventions.map((i) => i.target_providers[0]).sort(), ['F1', 'R1']);
    // Isolating a spreader can only remove infections in these common-random-number runs.
    for (const i of a.recommended_interventions) assert.ok(i.estimated_infection_reduction >= 0);
  });

  it('stops at the checkpoint that throws (cancellation)', async () => {
    let calls = 0;
    await assert.rejects(
      burnoutContagion({
        net,
        degree: cent.degree,
        scores,
        params,
        maxInterventions: 10,
        checkpoint: async () => {
          if (++calls === 2) throw new Error('cancelled');
        },
      }),
      /cancelled/,
    );
    assert.equal(calls, 2);
  });
});
