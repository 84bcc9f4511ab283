/**
 * Small programs for the analytics tests, built in code, and a ToolContext serving a
 * snapshot of them (so the tool tests do not need the store).
 *
 * The "single point of failure" program (4 weeks from Monday 2027-01-04, weekdays only):
 * - icu (inpatient): 1 faculty + 1 resident a day; only F1 is qualified and works it every
 *   weekday; two residents a day (the teaching service is over-staffed with residents).
 * - wards (inpatient): 1 faculty + 1 resident; F2 and F3 both work it every weekday.
 * - clinic (outpatient, continuity): 1 faculty + 1 resident; F4 works it, F5 is qualified but free.
 * - Six residents rotate weekly through icu (two), wards and clinic.
 */
import { silentLogger } from '../../../src/core/util/log';
import { coverageSchema, personSchema, policiesSchema, serviceSchema, shiftTypeSchema, type ProgramFile, type Wellbeing } from '../../../src/server/domain/program';
import { buildSnapshot, snapshotFrom, type ScheduleSnapshot, type SnapshotInput } from '../../../src/server/domain/snapshot';
import { addDays, eachDate, weekdayOf } from '../../../src/server/domain/time';
import type { SnapshotQuery } from '../../../src/server/domain/query';
import type { ToolContext } from '../../../src/server/tools/context';
import { ToolError } from '../../../src/server/domain/errors';

export const START = '2027-01-04';
export const END = addDays(START, 27);
export const NOW = Date.parse('2027-01-04T06:00:00Z');

const RESIDENTS = ['R1', 'R2', 'R3', 'R4', 'R5', 'R6'];

/** Per week: [icu, icu, wards, clinic]. */
const ROTATION = [
  ['R1', 'R2', 'R3', 'R4'],
  ['R3', 'R4', 'R5', 'R6'],
  ['R5', 'R6', 'R1', 'R2'],
  ['R1', 'R3', 'R2', 'R5'],
];

export function spofInput(wellbeing?: Wellbeing): SnapshotInput {
  const people = [
    personSchema.parse({ id: 'F1', name: 'Fay One', role: 'faculty', services: ['icu'] }),
    personSchema.parse({ id: 'F2', name: 'Gus Two', role: 'faculty', services: ['wards', 'clinic'] }),
    personSchema.parse({ id: 'F3', name: 'Hal Three', role: 'faculty', services: ['wards', 'clinic'] }),
    personSchema.parse({ id: 'F4', name: 'Ida Four', role: 'faculty', services: ['clinic'] }),
    personSchema.parse({ id: 'F5', name: 'Jo Five', role: 'faculty', services: ['clinic'] }),
    ...RESIDENTS.map((id, i) => personSchema.parse({ id, name: `Resident ${id}`, role: 'resident', pgy: (i % 3) + 1 })),
  ];
  const assignments: SnapshotInput['assignments'][number][] = [];
  const add = (personId: string, serviceId: string, date: string) =>
    assignments.push({ id: `${serviceId}-${personId}-${date}`, personId, serviceId, shiftTypeId: 'day', date, role: 'primary' });
  for (const date of eachDate(START, END)) {
    const day = weekdayOf(date);
    if (day === 'sat' || day === 'sun') continue;
    const week = Math.floor((Date.parse(date) - Date.parse(START)) / (7 * 86_400_000));
    const [icuA, icuB, wards, clinic] = ROTATION[week]!;
    add('F1', 'icu', date);
    add(icuA!, 'icu', date);
    add(icuB!, 'icu', date);
    add('F2', 'wards', date);
    add('F3', 'wards', date);
    add(wards!, 'wards', date);
    add('F4', 'clinic', date);
    add(clinic!, 'clinic', date);
  }
  return {
    program: { id: 'fx', name: 'Fixture program', timezone: 'UTC' },
    people,
    shiftTypes: [shiftTypeSchema.parse({ id: 'day', name: 'Day', kind: 'day', start: '07:00', hours: 10 })],
    services: [
      serviceSchema.parse({ id: 'icu', name: 'ICU', zone: 'inpatient', category: 'patient_safety' }),
      serviceSchema.parse({ id: 'wards', name: 'Wards', zone: 'inpatient', category: 'patient_safety' }),
      serviceSchema.parse({ id: 'clinic', name: 'Clinic', zone: 'outpatient', category: 'continuity' }),
    ],
    coverage: ['icu', 'wards', 'clinic'].map((serviceId) =>
      coverageSchema.parse({ id: `cov-${serviceId}`, serviceId, shiftTypeId: 'day', days: 'weekdays', residents: { min: 1 }, faculty: { min: 1 } }),
    ),
    absences: [],
    policies: policiesSchema.parse({}),
    ...(wellbeing ? { wellbeing } : {}),
    schedule: { id: 'sched-1', name: 'Fixture schedule', start: START, end: END, status: 'published' },
    dataVersion: 7,
    assignments,
    range: { start: START, end: END },
  };
}

export function spofSnapshot(wellbeing?: Wellbeing): ScheduleSnapshot {
  return buildSnapshot(spofInput(wellbeing));
}

/** Wellbeing data for the fixture: burnout onsets, sick calls, swap requests, surveys. */
export function fixtureWellbeing(): Wellbeing {
  return {
    surveys: RESIDENTS.map((personId, i) => ({ personId, date: '2026-12-01', satisfaction: 0.5 + i * 0.05 })),
    sickCalls: [
      { personId: 'R3', date: '2027-01-25' },
      { personId: 'R3', date: '2027-01-27' },
      { personId: 'R3', date: '2027-01-28' },
    ],
    swapRequests: [
      { personId: 'R1', date: '2027-01-26' },
      { personId: 'R1', date: '2027-01-27' },
      { personId: 'R1', date: '2027-01-29' },
      { personId: 'R1', date: '2027-01-30' },
    ],
    burnout: [
      { personId: 'F1', status: 'burned_out', onset: '2027-01-05' },
      { personId: 'R1', status: 'burned_out', onset: '2027-01-10' },
      { personId: 'R2', status: 'at_risk', onset: '2027-01-20' },
      { personId: 'R4', status: 'healthy' },
    ],
  };
}

/** A snapshot of a program file's first schedule over its own range. */
export function programSnapshot(program: ProgramFile, range?: { start: string; end: string }): ScheduleSnapshot {
  const schedule = program.schedules[0];
  if (!schedule) throw new Error('the program has no schedule');
  return snapshotFrom(program, schedule, schedule.assignments, range ?? { start: schedule.start, end: schedule.end }, 1);
}

/** A ToolContext whose snapshot() rebuilds the given snapshot for the requested range. */
export function fixtureContext(source: ScheduleSnapshot | SnapshotInput, now = NOW): ToolContext {
  const input: SnapshotInput =
    'shifts' in source
      ? {
          program: source.program,
          people: source.people,
          shiftTypes: [...source.shiftTypes.values()],
          services: [...source.services.values()],
          coverage: source.coverage,
          absences: source.absences,
          policies: source.policies,
          ...(source.wellbeing ? { wellbeing: source.wellbeing } : {}),
          schedule: source.schedule,
          dataVersion: source.dataVersion,
          assignments: source.shifts.map((s) => ({ id: s.assignmentId, personId: s.personId, serviceId: s.serviceId, shiftTypeId: s.shiftTypeId, date: s.date, role: s.role })),
          range: source.range,
        }
      : source;
  return {
    logger: silentLogger,
    now: () => now,
    snapshot(q: SnapshotQuery): ScheduleSnapshot {
      if (q.scheduleId && q.scheduleId !== input.schedule.id) throw new ToolError(`unknown schedule ${q.scheduleId}`, 'NOT_FOUND');
      return buildSnapshot({ ...input, range: { start: q.start ?? input.range.start, end: q.end ?? input.range.end } });
    },
  };
}
