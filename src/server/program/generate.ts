/**
 * A seedable generator of realistic residency programs: people in teams of about twelve
 * residents, inpatient wards with day and night-float shifts, an ICU with 24-hour in-house
 * call (granted the VI.F.4 88-hour exception), continuity clinic half-days, a procedures
 * clinic that needs a credential, faculty at-home call, moonlighting, absences and
 * well-being data, and one published schedule built greedily within every rule.
 *
 * With `findings: 'few'` (the default) a handful of realistic problems are then planted in
 * up to three teams: moonlighting that pushes a senior resident over 80 h/week, a clinic
 * half-day right after a 24-hour call, a night left uncovered after a sick call, and a
 * lapsed procedures credential. With `findings: 'none'` the schedule has no critical
 * finding (a test checks both with the rule engine).
 */
import {
  policiesSchema,
  programFileSchema,
  type Absence,
  type Assignment,
  type Coverage,
  type Person,
  type ProgramFile,
  type ProgramFileInput,
  type Service,
  type ShiftType,
} from '../domain/program';
import { buildSnapshot, expandShift, type ScheduleSnapshot } from '../domain/snapshot';
import { EligibilityIndex } from '../rules/eligibility';
import { slotFills } from '../rules/slots';
import { addDays, eachDate, isIsoDate, weekdayOf } from '../domain/time';
import { personRuleContext, selectRules } from '../rules/engine';
import { checkPerson } from '../rules/person';
import { parseProgram, ProgramValidationError } from './load';
import { seededRng } from '../analytics/rng';
import { ScheduleBuilder, isAbsentAny } from './scheduleBuilder';
import { FIRST_NAMES, LAST_NAMES } from './names';
import { SHIFT_TYPES, type Team } from './scheduleBuilder';

export interface GenerateParams {
  residentsPerPgy: number;
  /** Faculty in total (spread over the teams). */
  faculty: number;
  weeks: number;
  /** First day (default 2027-01-04, a Monday). */
  start?: string;
  seed?: number;
  /** Number of absences (default: one per six people). */
  absences?: number;
  /** Plant a few realistic findings (default) or none. */
  findings?: 'few' | 'none';
}

export const GENERATE_LIMITS = { residentsPerPgy: [1, 200], faculty: [1, 600], weeks: [1, 104], absences: [0, 5000] } as const;

export function generateProgram(params: GenerateParams): ProgramFile {
  checkParams(params);
  const rnd = seededRng(params.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const start = params.start ?? '2027-01-04';
  const days = params.weeks * 7;
  const end = addDays(start, days - 1);
  const residentCount = params.residentsPerPgy * 3;
  // Teams of at least twelve residents (four per PGY level: fewer cannot staff a team's week),
  // each needing at least five faculty for its 36 weekly positions.
  const teamCount = Math.max(1, Math.min(Math.floor(residentCount / 12), Math.floor(params.faculty / 5)));
  const suffix = (t: number) => (teamCount === 1 ? '' : `-${t + 1}`);

  const services: Service[] = [];
  const coverage: Coverage[] = [];
  const teams: Team[] = [];
  for (let t = 0; t < teamCount; t++) {
    const s = suffix(t);
    const team: Team = { suffix: s, residents: [], faculty: [], wards: `wards${s}`, icu: `icu${s}`, clinic: `clinic${s}`, proc: `proc${s}` };
    const label = teamCount === 1 ? '' : ` (team ${t + 1})`;
    services.push(
      { id: team.wards, name: `Inpatient medicine wards${label}`, zone: 'inpatient', category: 'patient_safety', supervisionRequired: true },
      { id: team.icu, name: `Medical ICU${label}`, zone: 'inpatient', category: 'patient_safety', supervisionRequired: true, weeklyHoursLimit: 88 },
      { id: team.clinic, name: `Continuity clinic${label}`, zone: 'outpatient', category: 'continuity', supervisionRequired: true },
      { id: team.proc, name: `Procedures clinic${label}`, zone: 'outpatient', category: 'core_education', supervisionRequired: true, requiredCredential: 'procedures' },
    );
    const cov = (id: string, serviceId: string, shiftTypeId: string, days: Coverage['days'], residents: Coverage['residents'], faculty: Coverage['faculty']) =>
      coverage.push({ id: `${id}${s}`, serviceId, shiftTypeId, days, residents, faculty });
    cov('wards-day', team.wards, 'day', 'all', { min: 2, max: 3 }, { min: 1, max: 2 });
    cov('wards-night', team.wards, 'night', 'all', { min: 1, max: 1 }, { min: 0, max: 0 });
    cov('wards-home-call', team.wards, 'home-call', 'all', { min: 0, max: 0 }, { min: 1, max: 1 });
    cov('icu-call', team.icu, 'call24', 'all', { min: 1, max: 1, pgy: [2, 3] }, { min: 0, max: 0 });
    cov('icu-day', team.icu, 'day', 'all', { min: 1, max: 2 }, { min: 1, max: 1 });
    cov('clinic-am', team.clinic, 'clinic-am', 'weekdays', { min: 2, max: 4 }, { min: 1, max: 2 });
    cov('clinic-pm', team.clinic, 'clinic-pm', 'weekdays', { min: 2, max: 4 }, { min: 1, max: 2 });
    cov('proc-am', team.proc, 'clinic-am', 'weekdays', { min: 1, max: 1, pgy: [2, 3] }, { min: 1, max: 1 });
    teams.push(team);
  }
  services.push({ id: 'moonlight', name: 'Moonlighting (external urgent care)', zone: 'admin', category: 'optional_education', supervisionRequired: false });

  // People: names drawn without repeats while the lists last.
  const names = new Set<string>();
  const name = () => {
    for (let i = 0; i < 50; i++) {
      const n = `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}`;
      if (!names.has(n)) {
        names.add(n);
        return n;
      }
    }
    return `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)} ${names.size + 1}`;
  };
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const people: Person[] = [];
  const shiftIds = SHIFT_TYPES.map((t) => t.id);
  const preferences = () =>
    rnd() < 0.5
      ? undefined
      : {
          avoidDays: rnd() < 0.5 ? [pick(['sat', 'sun', 'fri'] as const)] : [],
          preferShiftTypes: rnd() < 0.5 ? [pick(['clinic-am', 'clinic-pm', 'day'])] : [],
          avoidShiftTypes: rnd() < 0.4 ? [pick(['night', 'call24'])] : [],
        };
  let residentNo = 0;
  for (let pgy = 1; pgy <= 3; pgy++) {
    for (let i = 0; i < params.residentsPerPgy; i++) {
      const team = teams[i % teamCount]!;
      const credentials = pgy === 3 || (pgy === 2 && rnd() < 0.6) ? ['procedures'] : [];
      const p: Person = {
        id: `r-${pad(++residentNo, 3)}`,
        name: name(),
        role: 'resident',
        pgy,
        credentials,
        services: [team.wards, team.icu, team.clinic, team.proc, ...(pgy > 1 ? ['moonlight'] : [])],
        active: true,
        ...(() => {
          const pref = preferences();
          return pref ? { preferences: { ...pref, preferShiftTypes: pref.preferShiftTypes.filter((x) => shiftIds.includes(x)) } } : {};
        })(),
      };
      team.residents.push(p);
      people.push(p);
    }
  }
  const roles: NonNullable<Person['facultyRole']>[] = ['pd', 'apd', 'oic', 'core', 'core', 'core', 'dept_chief', 'core', 'sports_med', 'core'];
  for (let i = 0; i < params.faculty; i++) {
    const team = teams[i % teamCount]!;
    const withProcedures = team.faculty.length < 3 || rnd() < 0.5;
    const p: Person = {
      id: `f-${pad(i + 1, 3)}`,
      name: name(),
      role: 'faculty',
      facultyRole: i < 2 ? roles[i]! : roles[2 + ((i - 2) % (roles.length - 2))]!,
      credentials: withProcedures ? ['procedures'] : [],
      services: [team.wards, team.icu, team.clinic, team.proc],
      active: true,
    };
    team.faculty.push(p);
    people.push(p);
  }

  const absences = makeAbsences(params.absences ?? Math.max(1, Math.round(people.length / 6)), people, start, days, rnd);
  const planting = (params.findings ?? 'few') === 'few';
  const heavy = new Set(
    planting
      ? teams.slice(0, 3).flatMap((t) =>
          t.residents
            .filter((r) => r.pgy === 3)
            .slice(0, 1)
            .map((r) => r.id),
        )
      : [],
  );
  const builder = new ScheduleBuilder(start, days, absences, rnd, heavy);
  for (const team of teams) builder.fillTeam(team, coverage, services);
  const base = { people, shiftTypes: SHIFT_TYPES, services, coverage, absences, start, end };
  fillGaps(base, builder.assignments);

  let assignments = builder.assignments;
  let finalPeople = people;
  const finalAbsences = [...absences];
  if (planting) {
    const planted = plantFindings({ teams: teams.slice(0, 3), heavy, people, services, coverage, assignments, absences: finalAbsences, start, end });
    assignments = planted.assignments;
    finalPeople = planted.people;
  }

  const wellbeing = makeWellbeing(people, start, days, rnd);
  const document: ProgramFileInput = {
    format: 'sched-orch.program',
    formatVersion: 1,
    program: { id: 'im-residency', name: 'Internal Medicine Residency (generated sample)', timezone: 'America/New_York', academicYearStart: '2026-07-01' },
    shiftTypes: SHIFT_TYPES,
    services,
    coverage,
    people: finalPeople,
    absences: finalAbsences,
    schedules: [{ id: `block-${start}`, name: `Block starting ${start} (${params.weeks} weeks)`, start, end, status: 'published', assignments }],
    wellbeing,
  };
  const parsed = parseProgram(programFileSchema.parse(document));
  if (!parsed.ok) throw new ProgramValidationError(parsed.issues, 'generated program');
  return parsed.program;
}

function checkParams(p: GenerateParams): void {
  for (const key of ['residentsPerPgy', 'faculty', 'weeks', 'absences'] as const) {
    const value = p[key];
    if (value === undefined) continue;
    const [min, max] = GENERATE_LIMITS[key];
    if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${key} must be an integer from ${min} to ${max} (got ${value})`);
  }
  if (p.start !== undefined && !isIsoDate(p.start)) throw new RangeError(`start must be a date written as YYYY-MM-DD (got ${p.start})`);
  if (p.seed !== undefined && !Number.isInteger(p.seed)) throw new RangeError(`seed must be an integer (got ${p.seed})`);
}

function makeAbsences(count: number, people: readonly Person[], start: string, days: number, rnd: () => number): Absence[] {
  const out: Absence[] = [];
  for (let i = 0; i < count; i++) {
    const person = people[Math.floor(rnd() * people.length)]!;
    const roll = rnd();
    const [type, length]: [Absence['type'], number] =
      roll < 0.6 ? ['vacation', 5 + Math.floor(rnd() * 3)] : roll < 0.85 ? ['conference', 2 + Math.floor(rnd() * 2)] : ['medical', 1 + Math.floor(rnd() * 2)];
    const first = addDays(start, Math.floor(rnd() * Math.max(1, days - length)));
    const last = addDays(first, length - 1);
    if (out.some((a) => a.personId === person.id && a.start <= last && first <= a.end)) continue;
    out.push({ id: `abs-${String(out.length + 1).padStart(3, '0')}`, personId: person.id, type, start: first, end: last, ...(type === 'medical' ? { blocking: true } : {}) });
  }
  return out;
}

interface ProgramParts {
  people: Person[];
  shiftTypes: ShiftType[];
  services: readonly Service[];
  coverage: readonly Coverage[];
  absences: readonly Absence[];
  start: string;
  end: string;
}

function snapshotOf(parts: ProgramParts, assignments: readonly Assignment[]): ScheduleSnapshot {
  return buildSnapshot({
    program: { id: 'generated', name: 'generated', timezone: 'UTC' },
    people: parts.people,
    shiftTypes: parts.shiftTypes,
    services: [...parts.services],
    coverage: [...parts.coverage],
    absences: [...parts.absences],
    policies: policiesSchema.parse({}),
    schedule: { id: 'generated', name: 'generated', start: parts.start, end: parts.end, status: 'published' },
    dataVersion: 0,
    assignments,
    range: { start: parts.start, end: parts.end },
  });
}

/**
 * The greedy pass is deliberately conservative; this second pass fills what it left open
 * with anyone the rule engine itself accepts for the shift.
 */
function fillGaps(parts: ProgramParts, assignments: Assignment[]): void {
  const snapshot = snapshotOf(parts, assignments);
  const index = new EligibilityIndex(snapshot);
  let seq = 0;
  for (const { slot, residents, faculty } of slotFills(snapshot, snapshot.range)) {
    for (const [role, have, min] of [
      ['faculty', faculty.length, slot.facultyMin],
      ['resident', residents.length, slot.residentsMin],
    ] as const) {
      if (have >= min) continue;
      const probe = index.hypotheticalShift('-', slot.serviceId, slot.shiftTypeId, slot.date);
      const onSlot = new Set([...residents, ...faculty].map((s) => s.personId));
      for (const person of index.substitutes(probe, role, { exclude: onSlot, limit: min - have })) {
        if (isAbsentAny(parts.absences, person.id, slot.date)) continue;
        const a: Assignment = {
          id: `a-f${String(++seq).padStart(4, '0')}`,
          personId: person.id,
          serviceId: slot.serviceId,
          shiftTypeId: slot.shiftTypeId,
          date: slot.date,
          role: role === 'faculty' ? 'supervising' : 'primary',
        };
        assignments.push(a);
        // Keep the snapshot current so later gaps see this shift.
        const shift = expandShift(a, snapshot.shiftTypes.get(a.shiftTypeId)!);
        snapshot.shifts.push(shift);
        const own = snapshot.byPerson.get(person.id)!;
        own.push(shift);
        own.sort((x, y) => x.startMs - y.startMs);
      }
    }
  }
}

interface PlantInput {
  teams: readonly Team[];
  heavy: ReadonlySet<string>;
  people: Person[];
  services: readonly Service[];
  coverage: readonly Coverage[];
  assignments: Assignment[];
  absences: Absence[];
  start: string;
  end: string;
}

/**
 * Plants the demo's findings, each checked with the rule engine so that it produces the
 * intended finding and no unintended critical one.
 */
function plantFindings(input: PlantInput): { assignments: Assignment[]; people: Person[] } {
  let assignments = [...input.assignments];
  let people = input.people;
  let seq = 0;
  const newId = () => `a-x${String(++seq).padStart(3, '0')}`;
  const range = { start: input.start, end: input.end };
  const criticalKeys = (list: Assignment[], person: Person) => {
    // Person rules read only the person's own shifts.
    const snap = snapshotOf(
      { ...input, people: [person], shiftTypes: SHIFT_TYPES },
      list.filter((a) => a.personId === person.id),
    );
    const ctx = personRuleContext(snap, range, selectRules(['work_hours', 'rest', 'consecutive_duty', 'conflicts']));
    return checkPerson(ctx, person, snap.byPerson.get(person.id) ?? [])
      .filter((f) => f.severity === 'critical')
      .map((f) => f.key);
  };

  for (const team of input.teams) {
    // 1. Moonlighting pushes the team's busiest senior over 80 h/week.
    const busiest = team.residents.find((r) => input.heavy.has(r.id));
    if (busiest) {
      const own = new Set(assignments.filter((a) => a.personId === busiest.id).map((a) => a.date));
      const dates = [...own, ...eachDate(input.start, input.end).filter((d) => !own.has(d))];
      for (const date of dates) {
        const trial = [...assignments, { id: newId(), personId: busiest.id, serviceId: 'moonlight', shiftTypeId: 'moonlight', date, role: 'primary' as const }];
        const keys = criticalKeys(trial, busiest);
        if (keys.some((k) => k !== 'weekly_hours')) continue;
        assignments = trial;
        if (keys.includes('weekly_hours')) break;
      }
    }
    // 2. A clinic afternoon right after a 24-hour call (2 h of rest instead of 14).
    const call = assignments.find(
      (a) => a.serviceId === team.icu && a.shiftTypeId === 'call24' && ['mon', 'tue', 'wed', 'thu'].includes(weekdayOf(a.date)) && a.personId !== busiest?.id,
    );
    if (call) {
      const next = addDays(call.date, 1);
      const resident = people.find((p) => p.id === call.personId)!;
      const trial = [...assignments, { id: newId(), personId: call.personId, serviceId: team.clinic, shiftTypeId: 'clinic-pm', date: next, role: 'primary' as const }];
      const keys = criticalKeys(trial, resident);
      if (keys.every((k) => k === 'rest_after_call') && keys.length > 0) assignments = trial;
    }
    // 3. A sick call leaves one night uncovered.
    const nights = assignments.filter((a) => a.serviceId === team.wards && a.shiftTypeId === 'night');
    const night = nights[Math.floor(nights.length / 2)];
    if (night) {
      assignments = assignments.filter((a) => a !== night);
      input.absences.push({
        id: `abs-sick-${night.personId}-${night.date}`,
        personId: night.personId,
        type: 'sick',
        start: night.date,
        end: night.date,
        blocking: true,
        note: 'called in sick; night not yet covered',
      });
    }
    // 4. A procedures credential lapsed for someone still on the procedures clinic.
    const procIds = new Set(assignments.filter((a) => a.serviceId === team.proc).map((a) => a.personId));
    const lapsed = team.residents.find((r) => procIds.has(r.id) && assignments.filter((a) => a.serviceId === team.proc && a.personId === r.id).length <= 2);
    if (lapsed) people = people.map((p) => (p.id === lapsed.id ? { ...p, credentials: p.credentials.filter((c) => c !== 'procedures') } : p));
  }
  return { assignments, people };
}

function makeWellbeing(people: readonly Person[], start: string, days: number, rnd: () => number): NonNullable<ProgramFileInput['wellbeing']> {
  const residents = people.filter((p) => p.role === 'resident');
  const date = (d: number) => addDays(start, Math.min(days - 1, Math.max(0, d)));
  const surveys = residents.flatMap((r) =>
    [0, 27].filter((d) => d < days).map((d) => ({ personId: r.id, date: date(d), satisfaction: Math.round((0.45 + rnd() * 0.5) * 100) / 100 })),
  );
  const sickCalls = residents.filter(() => rnd() < 0.15).map((r) => ({ personId: r.id, date: date(Math.floor(rnd() * days)) }));
  const swapRequests = residents.filter(() => rnd() < 0.25).map((r) => ({ personId: r.id, date: date(Math.floor(rnd() * days)) }));
  const burnout = residents.map((r, i) => {
    const roll = rnd();
    if (roll < 0.06 || i === 0) return { personId: r.id, status: 'burned_out' as const, onset: date(Math.floor(rnd() * days)) };
    if (roll < 0.2) return { personId: r.id, status: 'at_risk' as const, onset: date(Math.floor(rnd() * days)) };
    return { personId: r.id, status: 'healthy' as const };
  });
  return { surveys, sickCalls, swapRequests, burnout };
}
