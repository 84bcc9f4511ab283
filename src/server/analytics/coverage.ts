/**
 * Coverage facts the resilience analytics share: which required slot each assignment fills,
 * who could step in (qualified, present, free, within the hard duty-hour rules), and what
 * losing one person does to coverage (N-1). Pure: reads a snapshot, returns plain data.
 * `run_contingency_analysis_resilience_tool` can reuse `n1Losses` instead of recomputing it.
 */
import type { Person } from '../domain/program';
import { expandShift, isAbsent, requiredSlots, slotKey, type ScheduleSnapshot, type Shift, type Slot } from '../domain/snapshot';
import { DAY_MS, addDays, dateToMs, daysBetween } from '../domain/time';

export type CoverRole = 'faculty' | 'resident';
export const COVER_ROLES: readonly CoverRole[] = ['faculty', 'resident'];

/** A required slot and the assignments on it. Backups are listed apart: they do not count. */
export interface CoveredSlot {
  index: number;
  slot: Slot;
  faculty: Shift[];
  residents: Shift[];
  backups: Shift[];
}

export function minimumOf(slot: Slot, role: CoverRole): number {
  return role === 'faculty' ? slot.facultyMin : slot.residentsMin;
}

export function assigneesOf(c: CoveredSlot, role: CoverRole): Shift[] {
  return role === 'faculty' ? c.faculty : c.residents;
}

/** Required slots of the snapshot's range (those asking for at least one person) with their assignments. */
export function coveredSlots(snapshot: ScheduleSnapshot): CoveredSlot[] {
  const byKey = new Map<string, Shift[]>();
  for (const s of snapshot.shifts) {
    const key = slotKey(s.serviceId, s.shiftTypeId, s.date);
    let list = byKey.get(key);
    if (!list) byKey.set(key, (list = []));
    list.push(s);
  }
  const slots = requiredSlots(snapshot.coverage, snapshot.shiftTypes, snapshot.range).filter((s) => s.facultyMin > 0 || s.residentsMin > 0);
  return slots.map((slot, index) => {
    const faculty: Shift[] = [];
    const residents: Shift[] = [];
    const backups: Shift[] = [];
    for (const s of byKey.get(slot.key) ?? []) {
      const person = snapshot.peopleById.get(s.personId);
      if (!person) continue;
      if (s.role === 'backup') backups.push(s);
      else if (person.role === 'faculty') faculty.push(s);
      else if (!slot.pgy || (person.pgy !== undefined && slot.pgy.includes(person.pgy))) residents.push(s);
    }
    return { index, slot, faculty, residents, backups };
  });
}

/** Whether a person may ever fill this slot in this role (credentials, service list, PGY level). */
export function qualifies(snapshot: ScheduleSnapshot, person: Person, slot: Slot, role: CoverRole): boolean {
  if (!person.active || person.role !== role) return false;
  if (person.services && !person.services.includes(slot.serviceId)) return false;
  const credential = snapshot.services.get(slot.serviceId)?.requiredCredential;
  if (credential && !person.credentials.includes(credential)) return false;
  if (role === 'resident' && slot.pgy && (person.pgy === undefined || !slot.pgy.includes(person.pgy))) return false;
  return true;
}

/** Days of padding around the range so 28-day windows at its edges can be summed. */
const PAD = 28;
const ACGME_WEEKLY_LIMIT = 80;

/**
 * Who works when, mutable so the recovery search can try edits and undo them. `canTake`
 * applies the hard rules a replacement must meet: not absent, no overlapping duty (including
 * transition time), and for residents the 80-hour 4-week average (or the service's approved
 * limit) and the program's maximum consecutive duty days.
 */
export class Roster {
  private readonly origin: number;
  private readonly length: number;
  private readonly byDay = new Map<string, Shift[][]>();
  private readonly hours = new Map<string, Float64Array>();
  /** Per person and day: the largest 28-day total among the windows containing that day (dropped on change). */
  private readonly windowMax = new Map<string, Float64Array>();
  /** Per slot key: the slot's shift times and hours, which do not depend on who works it. */
  private readonly slotShift = new Map<string, { shift: Shift; day: number; limit: number }>();

  constructor(private readonly snapshot: ScheduleSnapshot) {
    this.origin = dateToMs(snapshot.range.start) - PAD * DAY_MS;
    this.length = daysBetween(snapshot.range.start, snapshot.range.end) + 1 + 2 * PAD;
    for (const s of snapshot.shifts) if (s.role !== 'backup') this.add(s);
  }

  private readonly dayIndex = new Map<string, number>();

  private day(date: string): number {
    let i = this.dayIndex.get(date);
    if (i === undefined) this.dayIndex.set(date, (i = Math.round((dateToMs(date) - this.origin) / DAY_MS)));
    return i;
  }

  private days(personId: string): Shift[][] {
    let d = this.byDay.get(personId);
    if (!d) {
      d = Array.from({ length: this.length }, () => []);
      this.byDay.set(personId, d);
      this.hours.set(personId, new Float64Array(this.length));
    }
    return d;
  }

  add(s: Shift): void {
    const i = this.day(s.date);
    if (i < 0 || i >= this.length) return;
    this.days(s.personId)[i]!.push(s);
    this.hours.get(s.personId)![i]! += s.countedHours;
    this.windowMax.delete(s.personId);
  }

  remove(s: Shift): void {
    const i = this.day(s.date);
    if (i < 0 || i >= this.length) return;
    const list = this.days(s.personId)[i]!;
    const at = list.indexOf(s);
    if (at < 0) return;
    list.splice(at, 1);
    this.hours.get(s.personId)![i]! -= s.countedHours;
    this.windowMax.delete(s.personId);
  }

  /** The shifts of a person on one date. */
  shiftsOn(personId: string, date: string): readonly Shift[] {
    const i = this.day(date);
    return i < 0 || i >= this.length ? [] : (this.byDay.get(personId)?.[i] ?? []);
  }

  /** The shift this person would work on the slot (expanded from its shift type). */
  shiftFor(personId: string, slot: Slot, id: string): Shift {
    return { ...this.slotInfo(slot).shift, assignmentId: id, personId };
  }

  private slotInfo(slot: Slot): { shift: Shift; day: number; limit: number } {
    let info = this.slotShift.get(slot.key);
    if (!info) {
      const type = this.snapshot.shiftTypes.get(slot.shiftTypeId)!;
      const shift = expandShift({ id: '', personId: '', serviceId: slot.serviceId, shiftTypeId: slot.shiftTypeId, date: slot.date, role: 'primary' }, type);
      const weekly = this.snapshot.services.get(slot.serviceId)?.weeklyHoursLimit ?? ACGME_WEEKLY_LIMIT;
      info = { shift, day: this.day(slot.date), limit: weekly * 4 + 1e-9 };
      this.slotShift.set(slot.key, info);
    }
    return info;
  }

  /** Whether the person could work the slot, leaving out `except` (a shift they would give up). */
  canTake(personId: string, slot: Slot, except?: Shift): boolean {
    const person = this.snapshot.peopleById.get(personId);
    if (!person || isAbsent(this.snapshot.absences, personId, slot.date)) return false;
    const { shift: cand, day: d, limit } = this.slotInfo(slot);
    const days = this.days(personId);
    // Shifts last at most 28 h + transition: only the neighbouring days can overlap.
    for (let k = Math.max(0, d - 2); k <= Math.min(this.length - 1, d + 1); k++) {
      for (const s of days[k]!) if (s !== except && s.startMs < cand.dutyEndMs && cand.startMs < s.dutyEndMs) return false;
    }
    if (person.role !== 'resident') return true;
    return this.withinHours(personId, d, cand.countedHours, limit, except) && this.withinConsecutiveDays(days, d, except);
  }

  /** Every 28-day window containing day d stays within 4 × the weekly limit. */
  private withinHours(personId: string, d: number, added: number, limit: number, except?: Shift): boolean {
    if (!except) return this.maxWindows(personId)[d]! + added <= limit;
    const h = this.hours.get(personId)!;
    const exceptDay = this.day(except.date);
    const at = (k: number) => (k < 0 || k >= this.length ? 0 : h[k]!) + (k === d ? added : 0) - (k === exceptDay ? except.countedHours : 0);
    let window = 0;
    for (let k = d - 27; k <= d; k++) window += at(k);
    if (window > limit) return false;
    for (let start = d - 26; start <= d; start++) {
      window += at(start + 27) - at(start - 1);
      if (window > limit) return false;
    }
    return true;
  }

  private maxWindows(personId: string): Float64Array {
    let max = this.windowMax.get(personId);
    if (max) return max;
    const h = this.hours.get(personId)!;
    const prefix = new Float64Array(this.length + 1);
    for (let k = 0; k < this.length; k++) prefix[k + 1] = prefix[k]! + h[k]!;
    const sum = (start: number) => prefix[Math.min(this.length, Math.max(0, start + 28))]! - prefix[Math.max(0, start)]!;
    max = new Float64Array(this.length);
    for (let d = 0; d < this.length; d++) {
      let m = 0;
      for (let start = d - 27; start <= d; start++) m = Math.max(m, sum(start));
      max[d] = m;
    }
    this.windowMax.set(personId, max);
    return max;
  }

  private withinConsecutiveDays(days: Shift[][], d: number, except?: Shift): boolean {
    const rule = this.snapshot.policies.maxConsecutiveDutyDays;
    if (!rule.enabled) return true;
    const worked = (k: number) => k >= 0 && k < this.length && days[k]!.some((s) => s !== except);
    let run = 1;
    for (let k = d - 1; worked(k); k--) run++;
    for (let k = d + 1; worked(k); k++) run++;
    return run <= rule.limit;
  }
}

/** Active people who may fill a slot in a role, cached per service / role / PGY set. */
export class QualifiedPool {
  private readonly cache = new Map<string, Person[]>();
  private readonly bySlot = new WeakMap<Slot, Partial<Record<CoverRole, Person[]>>>();
  constructor(private readonly snapshot: ScheduleSnapshot) {}

  of(slot: Slot, role: CoverRole): Person[] {
    let entry = this.bySlot.get(slot);
    if (!entry) this.bySlot.set(slot, (entry = {}));
    let list = entry[role];
    if (!list) {
      const key = `${slot.serviceId}|${role}|${slot.pgy?.join(',') ?? ''}`;
      list = this.cache.get(key);
      if (!list) {
        list = this.snapshot.people.filter((p) => qualifies(this.snapshot, p, slot, role));
        this.cache.set(key, list);
      }
      entry[role] = list;
    }
    return list;
  }
}

/** How many people outside the slot could step in now (backups on the slot included). */
export function replacementsFor(c: CoveredSlot, role: CoverRole, pool: QualifiedPool, roster: Roster, limit = Number.POSITIVE_INFINITY): number {
  const on = new Set(assigneesOf(c, role).map((s) => s.personId));
  let n = 0;
  for (const q of pool.of(c.slot, role)) {
    if (on.has(q.id)) continue;
    const backup = c.backups.find((b) => b.personId === q.id);
    if (roster.canTake(q.id, c.slot, backup)) {
      n++;
      if (n >= limit) break;
    }
  }
  return n;
}

/** What losing one person for the whole range does to coverage. */
export interface PersonLoss {
  personId: string;
  role: CoverRole;
  /** All their shifts in the range. */
  shifts: number;
  /** Shifts counting toward a required slot's minimum. */
  requiredShifts: number;
  /** Slots that fall below their minimum without them. */
  affected: CoveredSlot[];
  /** Affected slots nobody qualified and free could fill. */
  uncoverable: CoveredSlot[];
  /** Slots on which they are the only person of their role. */
  sole: CoveredSlot[];
  /** Replacements available for each of their required shifts. */
  alternatives: number[];
  /** Other people working the affected slots. */
  affectedPeople: Set<string>;
}

export interface CoverageModel {
  slots: CoveredSlot[];
  roster: Roster;
  pool: QualifiedPool;
  losses: Map<string, PersonLoss>;
}

/** N-1 for every active person: removes each in turn and counts what breaks. */
export function coverageModel(snapshot: ScheduleSnapshot): CoverageModel {
  const slots = coveredSlots(snapshot);
  const roster = new Roster(snapshot);
  const pool = new QualifiedPool(snapshot);
  const losses = new Map<string, PersonLoss>();
  for (const p of snapshot.people) {
    if (!p.active) continue;
    losses.set(p.id, {
      personId: p.id,
      role: p.role,
      shifts: snapshot.byPerson.get(p.id)?.length ?? 0,
      requiredShifts: 0,
      affected: [],
      uncoverable: [],
      sole: [],
      alternatives: [],
      affectedPeople: new Set(),
    });
  }
  for (const c of slots) {
    for (const role of COVER_ROLES) {
      const min = minimumOf(c.slot, role);
      if (min === 0) continue;
      const on = assigneesOf(c, role);
      const alternatives = replacementsFor(c, role, pool, roster);
      for (const s of on) {
        const loss = losses.get(s.personId);
        if (!loss) continue;
        loss.requiredShifts++;
        loss.alternatives.push(alternatives);
        if (on.length === 1) loss.sole.push(c);
        if (on.length - 1 < min) {
          loss.affected.push(c);
          if (alternatives === 0) loss.uncoverable.push(c);
          for (const other of [...c.faculty, ...c.residents]) if (other.personId !== s.personId) loss.affectedPeople.add(other.personId);
        }
      }
    }
  }
  return { slots, roster, pool, losses };
}

/** Days from start to end (inclusive) on which no blocking absence keeps the person away. */
export function availableDays(snapshot: ScheduleSnapshot, personId: string, start: string, end: string): number {
  let n = 0;
  for (let d = start; d <= end; d = addDays(d, 1)) if (!isAbsent(snapshot.absences, personId, d)) n++;
  return n;
}
