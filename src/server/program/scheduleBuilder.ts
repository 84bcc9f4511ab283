/** Builds the generated program's published schedule greedily, within every rule (see generate.ts). */
import { type Absence, type Assignment, type Coverage, type Person, type Service } from '../domain/program';
import { coverageAppliesOn, expandShift, type Shift } from '../domain/snapshot';
import { DAY_MS, HOUR_MS, addDays, dateToMs } from '../domain/time';
import type { ShiftType } from '../domain/program';

export const SHIFT_TYPES: ShiftType[] = [
  { id: 'day', name: 'Ward day', kind: 'day', start: '07:00', hours: 12, transitionHours: 0 },
  { id: 'night', name: 'Night float', kind: 'night_float', start: '19:00', hours: 12, transitionHours: 0 },
  { id: 'call24', name: '24-hour in-house call', kind: 'call_24', start: '07:00', hours: 24, transitionHours: 4 },
  { id: 'clinic-am', name: 'Clinic (morning)', kind: 'clinic', start: '08:00', hours: 4, transitionHours: 0 },
  { id: 'clinic-pm', name: 'Clinic (afternoon)', kind: 'clinic', start: '13:00', hours: 4, transitionHours: 0 },
  { id: 'home-call', name: 'At-home call', kind: 'home_call', start: '17:00', hours: 15, transitionHours: 0, countedHours: 3 },
  { id: 'moonlight', name: 'Moonlighting (urgent care)', kind: 'moonlighting', start: '18:00', hours: 6, transitionHours: 0 },
];

export interface Team {
  suffix: string;
  residents: Person[];
  faculty: Person[];
  wards: string;
  icu: string;
  clinic: string;
  proc: string;
}

interface Load {
  shifts: Shift[];
  /** Counted hours per day index (from the schedule start). */
  hours: Float64Array;
  /** Days touched by duty. */
  busy: Uint8Array;
  callDays: number[];
  /** Positions per week index (faculty). */
  perWeek: Map<number, number>;
}

const HOURS_CAP_28_DAYS = 300; // 75 h/week: below the 76 h warning threshold
const HEAVY_HOURS_CAP_28_DAYS = 312; // 78 h/week: a little moonlighting tips it over 80
const CALLS_CAP_28_DAYS = 8;
const CONSECUTIVE_DAYS_CAP = 6;
const FACULTY_WEEKLY_POSITIONS = 8;

/** Builds a compliant schedule day by day, faculty first so supervision is known. */
export class ScheduleBuilder {
  readonly assignments: Assignment[] = [];
  private readonly loads = new Map<string, Load>();
  private readonly types = new Map(SHIFT_TYPES.map((t) => [t.id, t]));
  private readonly startMs: number;
  private seq = 0;

  constructor(
    private readonly start: string,
    private readonly days: number,
    private readonly absences: readonly Absence[],
    private readonly rnd: () => number,
    /** Residents who pick up every shift they can, up to a higher cap (the demo's 80-hour case). */
    private readonly heavy: ReadonlySet<string>,
  ) {
    this.startMs = dateToMs(start);
  }

  fillTeam(team: Team, coverage: readonly Coverage[], services: readonly Service[]): void {
    const rules = coverage.filter((c) => [team.wards, team.icu, team.clinic, team.proc].includes(c.serviceId));
    const serviceById = new Map(services.map((s) => [s.id, s]));
    const pgyOf = new Map(team.residents.map((r) => [r.id, r.pgy ?? 0]));
    for (let d = 0; d < this.days; d++) {
      const date = addDays(this.start, d);
      const today = rules.filter((c) => coverageAppliesOn(c, date)).sort((a, b) => this.types.get(a.shiftTypeId)!.start.localeCompare(this.types.get(b.shiftTypeId)!.start));
      const facultyOn = new Map<string, Shift[]>();
      for (const c of today) {
        for (let n = 0; n < c.faculty.min; n++) {
          const shift = this.shiftFor(c, date);
          const who = this.best(
            team.faculty,
            shift,
            (p) => this.facultyFits(p, shift, serviceById.get(c.serviceId)!),
            () => 0,
          );
          if (who) facultyOn.set(c.serviceId, [...(facultyOn.get(c.serviceId) ?? []), this.place(who, c, date)]);
        }
      }
      // Scarce slots first: 24-hour call and procedures need seniors (and a credential);
      // a night excludes any other work that day.
      const priority = (c: Coverage) => (c.shiftTypeId === 'call24' ? 0 : c.residents.pgy ? 1 : c.shiftTypeId === 'night' ? 2 : 3);
      for (const c of [...today].sort((a, b) => priority(a) - priority(b))) {
        const service = serviceById.get(c.serviceId)!;
        const placed: Shift[] = [];
        for (let n = 0; n < c.residents.min; n++) {
          const shift = this.shiftFor(c, date);
          const supervisors = (facultyOn.get(c.serviceId) ?? []).filter((f) => f.startMs < shift.endMs && f.endMs > shift.startMs).length;
          const pgy1 = placed.filter((s) => pgyOf.get(s.personId) === 1).length;
          const seniors = placed.length - pgy1;
          const fits = (p: Person) => {
            if (c.residents.pgy && !c.residents.pgy.includes(p.pgy!)) return false;
            if (service.requiredCredential && !p.credentials.includes(service.requiredCredential)) return false;
            if (service.supervisionRequired) {
              if (supervisors === 0 && p.pgy === 1) return false;
              // Program ratio: ceil(PGY-1 / 2 + seniors / 4) faculty.
              const units = (pgy1 + (p.pgy === 1 ? 1 : 0)) / 2 + (seniors + (p.pgy === 1 ? 0 : 1)) / 4;
              if (Math.ceil(units - 1e-9) > supervisors) return false;
            }
            return this.residentFits(p, shift);
          };
          const who = this.best(team.residents, shift, fits, (p) => this.rotationScore(team, p, c, d) + (this.heavy.has(p.id) ? 1.5 : 0));
          if (who) placed.push(this.place(who, c, date));
        }
      }
    }
  }

  /** Weekly rotations: juniors and seniors cycle through the services; a strong preference only. */
  private rotationScore(team: Team, p: Person, c: Coverage, day: number): number {
    const week = Math.floor(day / 7);
    const juniors = team.residents.filter((r) => r.pgy === 1);
    const seniors = team.residents.filter((r) => r.pgy !== 1);
    const junior = p.pgy === 1;
    const index = (junior ? juniors : seniors).indexOf(p);
    const cycle = junior ? ['wards', 'wards', 'clinic', 'night'] : ['icu', 'icu', 'icu', 'wards', 'night', 'clinic', 'proc', 'wards'];
    const rotation = cycle[(index + week) % cycle.length]!;
    const slotRotation =
      c.serviceId === team.wards ? (c.shiftTypeId === 'night' ? 'night' : 'wards') : c.serviceId === team.icu ? 'icu' : c.serviceId === team.clinic ? 'clinic' : 'proc';
    return rotation === slotRotation ? 1 : 0;
  }

  private best(pool: readonly Person[], shift: Shift, fits: (p: Person) => boolean, bonus: (p: Person) => number): Person | undefined {
    let chosen: Person | undefined;
    let chosenScore = -Infinity;
    for (const p of pool) {
      if (isAbsentAny(this.absences, p.id, shift.date) || !fits(p)) continue;
      const score = bonus(p) * 1000 - this.recentHours(p.id, shift) + this.rnd();
      if (score > chosenScore) {
        chosen = p;
        chosenScore = score;
      }
    }
    return chosen;
  }

  private shiftFor(c: Coverage, date: string): Shift {
    return expandShift({ id: '-', personId: '-', serviceId: c.serviceId, shiftTypeId: c.shiftTypeId, date, role: 'primary' }, this.types.get(c.shiftTypeId)!);
  }

  private load(id: string): Load {
    let l = this.loads.get(id);
    if (!l) {
      l = { shifts: [], hours: new Float64Array(this.days + 2), busy: new Uint8Array(this.days + 2), callDays: [], perWeek: new Map() };
      this.loads.set(id, l);
    }
    return l;
  }

  private dayIndex(ms: number): number {
    return Math.floor((ms - this.startMs) / DAY_MS);
  }

  private recentHours(id: string, shift: Shift): number {
    const l = this.load(id);
    const d = this.dayIndex(shift.startMs);
    let sum = 0;
    for (let k = Math.max(0, d - 27); k <= d; k++) sum += l.hours[k]!;
    return sum;
  }

  /** Overlap, or less rest than the rules want on either side (clinic half-days may abut). */
  private conflicts(l: Load, shift: Shift, restAfter: (s: Shift) => number): boolean {
    const horizon = 48 * HOUR_MS;
    // l.shifts is sorted by start: look only at the neighbourhood of this shift.
    let lo = 0;
    let hi = l.shifts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (l.shifts[mid]!.startMs < shift.startMs - horizon) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < l.shifts.length && l.shifts[i]!.startMs <= shift.dutyEndMs + horizon; i++) {
      const other = l.shifts[i]!;
      if (other.startMs < shift.dutyEndMs && shift.startMs < other.dutyEndMs) return true;
      const [first, second] = other.startMs < shift.startMs ? [other, shift] : [shift, other];
      if (first.kind === 'clinic' && second.kind === 'clinic') continue;
      if (second.startMs - first.dutyEndMs < restAfter(first) * HOUR_MS) return true;
    }
    return false;
  }

  private facultyFits(p: Person, shift: Shift, service: Service): boolean {
    if (service.requiredCredential && !p.credentials.includes(service.requiredCredential)) return false;
    const l = this.load(p.id);
    if (this.conflicts(l, shift, () => 0)) return false;
    return (l.perWeek.get(Math.floor(this.dayIndex(shift.startMs) / 7)) ?? 0) < FACULTY_WEEKLY_POSITIONS;
  }

  private residentFits(p: Person, shift: Shift): boolean {
    const l = this.load(p.id);
    if (this.conflicts(l, shift, (first) => (first.kind === 'call_24' ? 14 : 8))) return false;
    const first = this.dayIndex(shift.startMs);
    const last = this.dayIndex(shift.dutyEndMs - 1);
    // Hours: every 28-day window containing the shift stays under the cap.
    const added = new Float64Array(last - first + 1);
    const density = shift.countedHours / (shift.dutyEndMs - shift.startMs);
    for (let k = first; k <= last; k++) {
      const from = Math.max(shift.startMs, this.startMs + k * DAY_MS);
      const to = Math.min(shift.dutyEndMs, this.startMs + (k + 1) * DAY_MS);
      added[k - first] = (to - from) * density;
    }
    for (let w = first - 27; w <= last; w++) {
      let sum = 0;
      for (let k = Math.max(0, w); k < w + 28 && k < l.hours.length; k++) sum += l.hours[k]! + (k >= first && k <= last ? added[k - first]! : 0);
      if (sum > (this.heavy.has(p.id) ? HEAVY_HOURS_CAP_28_DAYS : HOURS_CAP_28_DAYS)) return false;
    }
    if (shift.kind === 'call_24' && l.callDays.filter((d) => d > first - 28).length >= CALLS_CAP_28_DAYS) return false;
    // Consecutive duty days (any overlap counts), so every 7 days hold a fully free day.
    let run = 0;
    for (let k = last; k >= 0 && (l.busy[k] || (k >= first && k <= last)); k--) run++;
    for (let k = last + 1; k < l.busy.length && l.busy[k]; k++) run++;
    return run <= CONSECUTIVE_DAYS_CAP;
  }

  private place(p: Person, c: Coverage, date: string): Shift {
    const id = `a-${String(++this.seq).padStart(5, '0')}`;
    const a: Assignment = { id, personId: p.id, serviceId: c.serviceId, shiftTypeId: c.shiftTypeId, date, role: p.role === 'faculty' ? 'supervising' : 'primary' };
    this.assignments.push(a);
    const shift = expandShift(a, this.types.get(c.shiftTypeId)!);
    const l = this.load(p.id);
    let at = l.shifts.length;
    while (at > 0 && l.shifts[at - 1]!.startMs > shift.startMs) at--;
    l.shifts.splice(at, 0, shift);
    const density = shift.countedHours / (shift.dutyEndMs - shift.startMs);
    for (let k = this.dayIndex(shift.startMs); k <= this.dayIndex(shift.dutyEndMs - 1); k++) {
      if (k < 0 || k >= l.busy.length) continue;
      const from = Math.max(shift.startMs, this.startMs + k * DAY_MS);
      const to = Math.min(shift.dutyEndMs, this.startMs + (k + 1) * DAY_MS);
      l.hours[k]! += (to - from) * density;
      l.busy[k] = 1;
    }
    if (shift.kind === 'call_24') l.callDays.push(this.dayIndex(shift.startMs));
    const week = Math.floor(this.dayIndex(shift.startMs) / 7);
    l.perWeek.set(week, (l.perWeek.get(week) ?? 0) + 1);
    return shift;
  }
}

export function isAbsentAny(absences: readonly Absence[], personId: string, date: string): boolean {
  // The generator keeps people off duty during any absence, blocking or not.
  return absences.some((a) => a.personId === personId && a.start <= date && date <= a.end);
}
