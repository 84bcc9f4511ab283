/**
 * A schedule as the rule engine, the solver and the analytics read it: the program's
 * reference data plus every assignment expanded into a shift with real start and end times.
 * Built once per request from the store; plain data, no I/O.
 */
import {
  defaultBlocking,
  type Absence,
  type Coverage,
  type Person,
  type Policies,
  type ProgramFile,
  type Service,
  type ShiftKind,
  type ShiftType,
  type Wellbeing,
} from './program';
import { HOUR_MS, dateToMs, eachDate, timeOnDate, weekdayOf } from './time';

export interface Shift {
  assignmentId: string;
  personId: string;
  serviceId: string;
  shiftTypeId: string;
  kind: ShiftKind;
  role: 'primary' | 'supervising' | 'backup';
  date: string;
  startMs: number;
  /** End of the scheduled shift, without transition time. */
  endMs: number;
  /** End including transition time (24 + 4): what rest rules measure from. */
  dutyEndMs: number;
  /** Hours that count toward the weekly limit. */
  countedHours: number;
}

export interface ScheduleInfo {
  id: string;
  name: string;
  start: string;
  end: string;
  status: 'published' | 'draft';
  lockedThrough?: string | undefined;
}

export interface ScheduleSnapshot {
  program: ProgramFile['program'];
  people: Person[];
  peopleById: Map<string, Person>;
  shiftTypes: Map<string, ShiftType>;
  services: Map<string, Service>;
  coverage: Coverage[];
  absences: Absence[];
  policies: Policies;
  wellbeing?: Wellbeing;
  schedule: ScheduleInfo;
  /** The server's data version when the snapshot was read (every write increases it). */
  dataVersion: number;
  /** The range asked for; shifts are those starting inside it. */
  range: { start: string; end: string };
  /** Sorted by start time. */
  shifts: Shift[];
  /** Each person's shifts, sorted by start time; every person has an entry. */
  byPerson: Map<string, Shift[]>;
}

export interface SnapshotInput {
  program: ProgramFile['program'];
  people: Person[];
  shiftTypes: ShiftType[];
  services: Service[];
  coverage: Coverage[];
  absences: Absence[];
  policies: Policies;
  wellbeing?: Wellbeing | undefined;
  schedule: ScheduleInfo;
  dataVersion: number;
  assignments: readonly {
    id: string;
    personId: string;
    serviceId: string;
    shiftTypeId: string;
    date: string;
    role: 'primary' | 'supervising' | 'backup';
  }[];
  range: { start: string; end: string };
}

export function expandShift(a: SnapshotInput['assignments'][number], type: ShiftType): Shift {
  const startMs = timeOnDate(a.date, type.start);
  const endMs = startMs + type.hours * HOUR_MS;
  return {
    assignmentId: a.id,
    personId: a.personId,
    serviceId: a.serviceId,
    shiftTypeId: a.shiftTypeId,
    kind: type.kind,
    role: a.role,
    date: a.date,
    startMs,
    endMs,
    dutyEndMs: endMs + type.transitionHours * HOUR_MS,
    countedHours: type.countedHours ?? type.hours + type.transitionHours,
  };
}

export function buildSnapshot(input: SnapshotInput): ScheduleSnapshot {
  const shiftTypes = new Map(input.shiftTypes.map((t) => [t.id, t]));
  const from = dateToMs(input.range.start);
  const to = dateToMs(input.range.end);
  const shifts: Shift[] = [];
  for (const a of input.assignments) {
    const type = shiftTypes.get(a.shiftTypeId);
    if (!type) throw new Error(`assignment ${a.id} names unknown shift type ${a.shiftTypeId}`);
    const day = dateToMs(a.date);
    if (day < from || day > to) continue;
    shifts.push(expandShift(a, type));
  }
  shifts.sort((x, y) => x.startMs - y.startMs || x.personId.localeCompare(y.personId));
  const byPerson = new Map<string, Shift[]>(input.people.map((p) => [p.id, []]));
  for (const s of shifts) {
    let list = byPerson.get(s.personId);
    if (!list) byPerson.set(s.personId, (list = []));
    list.push(s);
  }
  return {
    program: input.program,
    people: input.people,
    peopleById: new Map(input.people.map((p) => [p.id, p])),
    shiftTypes,
    services: new Map(input.services.map((s) => [s.id, s])),
    coverage: input.coverage,
    absences: input.absences,
    policies: input.policies,
    ...(input.wellbeing ? { wellbeing: input.wellbeing } : {}),
    schedule: input.schedule,
    dataVersion: input.dataVersion,
    range: input.range,
    shifts,
    byPerson,
  };
}

/** One shift instance that coverage requires: who and how many must be on it. */
export interface Slot {
  key: string;
  coverageId: string;
  serviceId: string;
  shiftTypeId: string;
  date: string;
  startMs: number;
  endMs: number;
  residentsMin: number;
  residentsMax?: number;
  pgy?: number[];
  facultyMin: number;
  facultyMax?: number;
}

export function slotKey(serviceId: string, shiftTypeId: string, date: string): string {
  return `${serviceId}|${shiftTypeId}|${date}`;
}

/** Expands coverage rules into the concrete slots of a date range. */
export function requiredSlots(coverage: readonly Coverage[], shiftTypes: ReadonlyMap<string, ShiftType>, range: { start: string; end: string }): Slot[] {
  const slots: Slot[] = [];
  for (const date of eachDate(range.start, range.end)) {
    for (const c of coverage) {
      if (!coverageAppliesOn(c, date)) continue;
      const type = shiftTypes.get(c.shiftTypeId);
      if (!type) throw new Error(`coverage ${c.id} names unknown shift type ${c.shiftTypeId}`);
      const startMs = timeOnDate(date, type.start);
      slots.push({
        key: slotKey(c.serviceId, c.shiftTypeId, date),
        coverageId: c.id,
        serviceId: c.serviceId,
        shiftTypeId: c.shiftTypeId,
        date,
        startMs,
        endMs: startMs + type.hours * HOUR_MS,
        residentsMin: c.residents.min,
        ...(c.residents.max !== undefined ? { residentsMax: c.residents.max } : {}),
        ...(c.residents.pgy ? { pgy: c.residents.pgy } : {}),
        facultyMin: c.faculty.min,
        ...(c.faculty.max !== undefined ? { facultyMax: c.faculty.max } : {}),
      });
    }
  }
  return slots;
}

/** Whether a coverage rule's day pattern includes the date. */
export function coverageAppliesOn(c: Pick<Coverage, 'days'>, date: string): boolean {
  const day = weekdayOf(date);
  const weekend = day === 'sat' || day === 'sun';
  return c.days === 'all' || (c.days === 'weekdays' && !weekend) || (c.days === 'weekends' && weekend) || (Array.isArray(c.days) && c.days.includes(day));
}

/** Whether a blocking absence covers the given date for the person. */
export function isAbsent(absences: readonly Absence[], personId: string, date: string): boolean {
  return absences.some((a) => a.personId === personId && a.start <= date && date <= a.end && defaultBlocking(a));
}

/** Everything of a program file but its schedules: what every snapshot is built on. */
export type ProgramReference = Pick<ProgramFile, 'program' | 'people' | 'shiftTypes' | 'services' | 'coverage' | 'absences' | 'policies'> & {
  wellbeing?: Wellbeing | undefined;
};

/** A schedule as plain data: the program's reference data plus the given assignments. */
export function snapshotFrom(
  ref: ProgramReference,
  schedule: ScheduleInfo,
  assignments: SnapshotInput['assignments'],
  range: { start: string; end: string },
  dataVersion: number,
): ScheduleSnapshot {
  return buildSnapshot({
    program: ref.program,
    people: ref.people,
    shiftTypes: ref.shiftTypes,
    services: ref.services,
    coverage: ref.coverage,
    absences: ref.absences,
    policies: ref.policies,
    ...(ref.wellbeing ? { wellbeing: ref.wellbeing } : {}),
    schedule: {
      id: schedule.id,
      name: schedule.name,
      start: schedule.start,
      end: schedule.end,
      status: schedule.status,
      ...(schedule.lockedThrough !== undefined ? { lockedThrough: schedule.lockedThrough } : {}),
    },
    dataVersion,
    assignments,
    range,
  });
}
