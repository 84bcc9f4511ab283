/**
 * Small hand-made programs for rule tests: a few shift types with exact hours, one or two
 * services, people, and assignments written as [person, shift type, date] tuples.
 */
import { programFileSchema, type ProgramFile, type ProgramFileInput } from '../../../src/server/domain/program';
import { buildSnapshot, type ScheduleSnapshot } from '../../../src/server/domain/snapshot';
import { validateSnapshot } from '../../../src/server/rules/engine';
import type { Finding } from '../../../src/server/rules/findings';
import type { RuleKey } from '../../../src/server/rules/ruleIds';

type ShiftTypeInput = ProgramFileInput['shiftTypes'][number];
type PersonInput = ProgramFileInput['people'][number];

export const SHIFT_TYPES: ShiftTypeInput[] = [
  { id: 'day', name: 'Day', kind: 'day', start: '07:00', hours: 12 },
  { id: 'night', name: 'Night', kind: 'night_float', start: '19:00', hours: 12 },
  { id: 'call', name: '24-hour call', kind: 'call_24', start: '07:00', hours: 24, transitionHours: 4 },
  { id: 'clinic', name: 'Clinic', kind: 'clinic', start: '08:00', hours: 4 },
  { id: 'home', name: 'Home call', kind: 'home_call', start: '17:00', hours: 15, countedHours: 3 },
  { id: 'moon', name: 'Moonlighting', kind: 'moonlighting', start: '18:00', hours: 6 },
];

export const PEOPLE: PersonInput[] = [
  { id: 'r1', name: 'Resident One', role: 'resident', pgy: 2 },
  { id: 'r2', name: 'Resident Two', role: 'resident', pgy: 2 },
  { id: 'i1', name: 'Intern One', role: 'resident', pgy: 1 },
  { id: 'f1', name: 'Faculty One', role: 'faculty', facultyRole: 'core' },
];

export interface FixtureOptions {
  start?: string;
  end?: string;
  /** [person, shift type, date, service?] */
  assignments?: [string, string, string, string?][];
  shiftTypes?: ShiftTypeInput[];
  people?: PersonInput[];
  services?: ProgramFileInput['services'];
  coverage?: ProgramFileInput['coverage'];
  absences?: ProgramFileInput['absences'];
  policies?: ProgramFileInput['policies'];
}

export function fixtureInput(o: FixtureOptions = {}): ProgramFileInput {
  const start = o.start ?? '2027-01-04';
  const end = o.end ?? '2027-01-31';
  return {
    format: 'sched-orch.program',
    formatVersion: 1,
    program: { id: 'test', name: 'Test program' },
    shiftTypes: o.shiftTypes ?? SHIFT_TYPES,
    services: o.services ?? [
      { id: 'wards', name: 'Wards', zone: 'inpatient', supervisionRequired: false },
      { id: 'icu', name: 'ICU', zone: 'inpatient', supervisionRequired: false, weeklyHoursLimit: 88 },
    ],
    coverage: o.coverage ?? [],
    people: o.people ?? PEOPLE,
    absences: o.absences ?? [],
    schedules: [
      {
        id: 's1',
        name: 'Test schedule',
        start,
        end,
        assignments: (o.assignments ?? []).map(([personId, shiftTypeId, date, serviceId], i) => ({
          id: `a${i + 1}`,
          personId,
          shiftTypeId,
          date,
          serviceId: serviceId ?? 'wards',
        })),
      },
    ],
    ...(o.policies ? { policies: o.policies } : {}),
  };
}

export function fixture(o: FixtureOptions = {}): ProgramFile {
  return programFileSchema.parse(fixtureInput(o));
}

export function snapshotOf(program: ProgramFile, range?: { start: string; end: string }): ScheduleSnapshot {
  const s = program.schedules[0]!;
  return buildSnapshot({ ...program, schedule: s, dataVersion: 1, assignments: s.assignments, range: range ?? { start: s.start, end: s.end } });
}

/** Findings of the given rules (all when omitted), without substitute search. */
export function findings(program: ProgramFile, rules?: RuleKey[]): Finding[] {
  return validateSnapshot(snapshotOf(program), { suggestions: false, ...(rules ? { rules: new Set(rules) } : {}) }).findings;
}

/** Consecutive dates from `start`. */
export function days(start: string, count: number, step = 1): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(new Date(Date.parse(`${start}T00:00:00Z`) + i * step * 86_400_000).toISOString().slice(0, 10));
  return out;
}
