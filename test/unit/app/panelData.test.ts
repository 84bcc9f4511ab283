/** The run panel's pictures, read from step results shaped as the bundled server returns them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { draftDiff, heatMap, panelPictures, spcCharts, swapPicture, unifiedTop, utilizationGauge, WEEKLY_HOURS_LIMIT } from '../../../src/core/app/panelData';
import type { RunSnapshot, StepSnapshot } from '../../../src/core/app/runSnapshot';
import type { StepResult } from '../../../src/core/engine/results';
import type { Finding } from '../../../src/core/workflows/shared/findings';

type StepSpec = {
  id: string;
  capability?: string;
  status?: StepResult['status'];
  data?: unknown;
};

function step(spec: StepSpec): StepSnapshot {
  const status = spec.status ?? 'succeeded';
  const result = {
    stepId: spec.id,
    phaseId: 'p',
    kind: spec.capability ? 'tool' : 'compute',
    title: spec.id,
    writes: false,
    critical: false,
    startedAt: 0,
    finishedAt: 1,
    status,
    source: status === 'succeeded' ? 'live' : 'none',
    data: spec.data,
    attempts: 1,
    durationMs: 1,
    warnings: [],
  } as unknown as StepResult;
  return {
    stepId: spec.id,
    phaseId: 'p',
    title: spec.id,
    kind: result.kind,
    writes: false,
    state: status,
    retries: [],
    result,
    ...(spec.capability ? { capability: spec.capability } : {}),
  };
}

function snapshot(...specs: StepSpec[]): RunSnapshot {
  return {
    runId: 'r',
    workflowId: 'compliance',
    workflowVersion: 1,
    title: 'Compliance',
    mode: 'standard',
    inputs: {},
    scheduleId: 's',
    writes: false,
    state: 'completed',
    startedAt: 0,
    starts: 1,
    phases: [
      {
        phaseId: 'p',
        title: 'P',
        state: 'completed',
        warnings: [],
        steps: specs.map(step),
      },
    ],
    approvals: [],
    decisions: [],
    events: [],
  };
}

const WEEKS = ['2027-01-04', '2027-01-11', '2027-01-18', '2027-01-25'];
const SPC = {
  control_limits: {
    centerline: 60,
    sigma: 5,
    ucl_1sigma: 65,
    lcl_1sigma: 55,
    ucl_2sigma: 70,
    lcl_2sigma: 50,
    ucl_3sigma: 75,
    lcl_3sigma: 45,
  },
  alerts: [
    { resident_id: 'r-002', rule: 'Rule 1', data_points: [1, 2] },
    { resident_id: 'r-009', rule: 'Rule 1', data_points: [0, 9] },
  ],
  residents: [
    {
      resident_id: 'r-001',
      violations_detected: 0,
      weekly_hours: [50, 52, 48, 50],
      week_starts: WEEKS,
    },
    {
      resident_id: 'r-002',
      violations_detected: 3,
      weekly_hours: [60, 40, 36, 61],
      week_starts: WEEKS,
    },
    {
      resident_id: 'r-009',
      violations_detected: 1,
      weekly_hours: [84, 80, 82, 80],
      week_starts: WEEKS,
    },
    {
      resident_id: 'r-010',
      violations_detected: 1,
      weekly_hours: [44, 60, 60, 60],
      week_starts: WEEKS,
    },
  ],
};
const finding = (person: string): Finding => ({
  id: `weekly_hours:${person}`,
  severity: 'critical',
  rule: 'weekly_hours',
  person,
  message: 'over 80 h',
  sources: ['validate'],
});

describe('panel pictures', () => {
  it('builds the person x week heat map from the SPC per-resident series, against 80 h', () => {
    const map = heatMap(snapshot({ id: 'spc', capability: 'run_spc_analysis', data: SPC }));
    assert.ok(map);
    assert.equal(map.limit, WEEKLY_HOURS_LIMIT);
    assert.deepEqual(map.weeks, WEEKS);
    assert.deepEqual(
      map.rows.map((r) => r.person),
      ['r-001', 'r-002', 'r-009', 'r-010'],
    );
    assert.deepEqual(map.rows[2]!.hours, [84, 80, 82, 80]);
  });

  it('leaves the heat map and SPC charts out when the server gives no per-resident series', () => {
    const run = snapshot({
      id: 'spc',
      capability: 'run_spc_analysis',
      data: { ...SPC, residents: [{ resident_id: 'r-001', mean_hours: 50 }] },
    });
    assert.equal(heatMap(run), null);
    assert.deepEqual(spcCharts(run, [finding('r-001')]), []);
  });

  it('charts the residents a finding names first, then the most flagged, with the control limits and flagged weeks', () => {
    const charts = spcCharts(snapshot({ id: 'spc', capability: 'run_spc_analysis', data: SPC }), [finding('r-009')]);
    assert.deepEqual(
      charts.map((c) => [c.person, c.named]),
      [
        ['r-009', true],
        ['r-002', false],
        ['r-010', false],
      ],
    );
    assert.deepEqual(charts[0]!.flagged, [0], 'out-of-range data points are ignored');
    assert.deepEqual(charts[1]!.flagged, [1, 2]);
    assert.equal(charts[0]!.centerline, 60);
    assert.deepEqual(
      charts[0]!.limits.map((l) => [l.sigma, l.lower, l.upper]),
      [
        [1, 55, 65],
        [2, 50, 70],
        [3, 45, 75],
      ],
    );
  });

  it('reads the utilization gauge, and its level from the rate when the server names none', () => {
    assert.deepEqual(
      utilizationGauge(
        snapshot({
          id: 'u',
          capability: 'check_utilization_threshold',
          data: {
            level: 'yellow',
            utilization_rate: 0.7619,
            message: 'utilization 76.2%',
          },
        }),
      ),
      { rate: 0.7619, level: 'yellow', message: 'utilization 76.2%' },
    );
    assert.equal(
      utilizationGauge(
        snapshot({
          id: 'u',
          capability: 'check_utilization_threshold',
          data: { utilization_rate: 0.93 },
        }),
      )?.level,
      'red',
    );
    assert.equal(
      utilizationGauge(
        snapshot({
          id: 'u',
          capability: 'check_utilization_threshold',
          status: 'failed',
        }),
      ),
      null,
    );
  });

  it('lists the unified index top entries by score', () => {
    const top = unifiedTop(
      snapshot({
        id: 'unified',
        capability: 'get_unified_critical_index',
        data: {
          overall_index: 54.85,
          risk_level: 'high',
          top_critical_faculty: [
            {
              faculty_id: 'f-002',
              faculty_name: 'Liam Brennan',
              composite_index: 0.57,
              risk_pattern: 'universal_critical',
            },
            {
              faculty_id: 'f-001',
              faculty_name: 'Ben Cohen',
              composite_index: 0.76,
              risk_pattern: 'universal_critical',
            },
            { faculty_name: 'no id', composite_index: 0.9 },
          ],
        },
      }),
    );
    assert.deepEqual(top, {
      overall: 54.85,
      riskLevel: 'high',
      entries: [
        {
          id: 'f-001',
          name: 'Ben Cohen',
          score: 0.76,
          pattern: 'universal_critical',
        },
        {
          id: 'f-002',
          name: 'Liam Brennan',
          score: 0.57,
          pattern: 'universal_critical',
        },
      ],
    });
  });

  it('diffs a draft per person: hours before -> after, assignments added and removed, unchanged people left out', () => {
    const shift = (date: string, shiftType: string) => ({
      date,
      service_id: 'wards',
      shift_type_id: shiftType,
      role: 'primary',
    });
    const diff = draftDiff(
      snapshot({
        id: 'preview',
        capability: 'preview_draft',
        data: {
          draft_id: 'draft-1',
          date_range: ['2027-01-04', '2027-01-10'],
          people: [
            {
              person_id: 'r-001',
              name: 'A',
              added: [],
              removed: [],
              hours_before: 40,
              hours_after: 40,
            },
            {
              person_id: 'r-003',
              name: 'Tariq Chen',
              added: [shift('2027-01-06', 'day')],
              removed: [shift('2027-01-04', 'night'), shift('2027-01-05', 'night')],
              hours_before: 60,
              hours_after: 48,
            },
            {
              person_id: 'r-004',
              name: 'B',
              added: [shift('2027-01-07', 'day')],
              removed: [],
              hours_before: 44,
              hours_after: 56,
            },
            {
              person_id: 'r-005',
              name: 'C',
              added: [shift('2027-01-08', 'day')],
              removed: [],
              hours_before: 50,
              hours_after: 52,
            },
          ],
          metrics: { changes: { added: 29, removed: 22 } },
        },
      }),
    );
    assert.ok(diff);
    assert.equal(diff.draftId, 'draft-1');
    assert.equal(diff.range, '2027-01-04 .. 2027-01-10');
    assert.deepEqual([diff.added, diff.removed, diff.more], [29, 22, 0]);
    assert.deepEqual(
      diff.people.map((p) => p.person),
      ['r-003', 'r-004', 'r-005'],
      'biggest hour change first; unchanged r-001 left out',
    );
    assert.deepEqual(diff.people[0], {
      person: 'r-003',
      name: 'Tariq Chen',
      hoursBefore: 60,
      hoursAfter: 48,
      added: ['2027-01-06 wards day'],
      removed: ['2027-01-04 wards night', '2027-01-05 wards night'],
    });
  });

  it('shows the swap candidates with scores, the chosen one and its impact', () => {
    const swap = swapPicture(
      snapshot(
        {
          id: 'ranking',
          data: {
            candidates: [
              {
                person: 'r-004',
                swapType: 'one_to_one',
                assignment: 'a-9',
                matchScore: 0.8,
                mutual: true,
                rank: 1,
              },
              {
                person: 'r-006',
                swapType: 'absorb',
                matchScore: 0.9,
                mutual: false,
                rank: 2,
              },
              {
                person: 'r-007',
                swapType: 'absorb',
                matchScore: 0.5,
                mutual: false,
                rank: 3,
              },
            ],
          },
        },
        {
          id: 'select_automated',
          data: {
            path: 'automated',
            candidate: { person: 'r-006' },
            reason: 'rank 2 of 3 assessed',
            assessed: [
              { person: 'r-004', compliant: false },
              { person: 'r-006', compliant: true },
            ],
          },
        },
      ),
    );
    assert.ok(swap);
    assert.equal(swap.path, 'automated');
    assert.deepEqual(
      swap.candidates.map((c) => [c.person, c.rank, c.matchScore, c.chosen, c.compliant, c.assignment]),
      [
        ['r-004', 1, 0.8, false, false, 'a-9'],
        ['r-006', 2, 0.9, true, true, null],
        ['r-007', 3, 0.5, false, null, null],
      ],
    );
  });

  it('gives an empty picture set for a run without the steps', () => {
    assert.deepEqual(panelPictures(snapshot({ id: 'scope', data: {} }), []), {
      heatMap: null,
      spc: [],
      utilization: null,
      unified: null,
      draftDiff: null,
      swap: null,
    });
  });
});
