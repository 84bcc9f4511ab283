/**
 * Coverage facts the resilience analytics share: which required slot each assignment fills,
 * who could step in, and what losing one person does to coverage (N-1). Pure: reads a
 * snapshot, returns plain data. Whether a loss can be covered is the N-1 model of
 * rules/stepIn.ts (rule-checked, the same answer contingency analysis gives); edits the
 * recovery search and the sacrifice preview make are checked by the rule engine too.
 */
import { defaultBlocking, type Absence } from '../domain/program';
import { expandShift, isAbsent, requiredSlots, slotKey, type ScheduleSnapshot, type Shift, type Slot } from '../domain/snapshot';
import { DAY_MS, dateToMs, daysBetween } from '../domain/time';
import { EligibilityIndex } from '../rules/eligibility';
import { type QualifiedPool, stepInModel, type CoverRole } from '../rules/stepIn';

export type { CoverRole };
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

/** Days of padding around the range, so shifts near its edges are indexed too. */
const PAD = 2;

/**
 * Who works when, mutable so the recovery search can try edits and undo them. `canTake`
 * answers with the rule engine (EligibilityIndex: every person rule at critical severity plus
 * the blocking warnings, as validation would judge the change); absence and overlapping duty
 * are tested first only because they are cheap and rule most people out.
 */
export class Roster {
  private readonly origin: number;
  private readonly length: number;
  private readonly byDay = new Map<string, Shift[][]>();
  private readonly dayIndex = new Map<string, number>();
  private readonly original: ReadonlySet<Shift>;
  /** Changes against the snapshot, per person, in the form the rule engine takes. */
  private readonly added = new Map<string, Shift[]>();
  private readonly removed = new Map<string, Set<string>>();
  /** Per slot key: the shift the slot would be, which does not depend on who works it. */
  private readonly slotShift = new Map<string, { shift: Shift; day: number }>();
  private readonly rules: EligibilityIndex;

  constructor(private readonly snapshot: ScheduleSnapshot) {
    this.origin = dateToMs(snapshot.range.start) - PAD * DAY_MS;
    this.length = daysBetween(snapshot.range.start, snapshot.range.end) + 1 + 2 * PAD;
    this.rules = new EligibilityIndex(snapshot);
    const counted = snapshot.shifts.filter((s) => s.role !== 'backup');
    for (const s of counted) this.index(s);
    this.original = new Set(counted);
  }

  private day(date: string): number {
    let i = this.dayIndex.get(date);
    if (i === undefined) this.dayIndex.set(date, (i = Math.round((dateToMs(date) - this.origin) / DAY_MS)));
    return i;
  }

  private days(personId: string): Shift[][] {
    let d = this.byDay.get(personId);
    if (!d) this.byDay.set(personId, (d = Array.from({ length: this.length }, () => [])));
    return d;
  }

  private index(s: Shift): void {
    const i = this.day(s.date);
    if (i >= 0 && i < this.length) this.days(s.personId)[i]!.push(s);
  }

  add(s: Shift): void {
    this.index(s);
    if (this.original.has(s)) this.removed.get(s.personId)?.delete(s.assignmentId);
    else {
      let list = this.added.get(s.personId);
      if (!list) this.added.set(s.personId, (list = []));
      list.push(s);
    }
  }

  remove(s: Shift): void {
    const i = this.day(s.date);
    if (i >= 0 && i < this.length) {
      const list = this.days(s.personId)[i]!;
      const at = list.indexOf(s);
      if (at >= 0) list.splice(at, 1);
    }
    if (this.original.has(s)) {
      let ids = this.removed.get(s.personId);
      if (!ids) this.removed.set(s.personId, (ids = new Set()));
      ids.add(s.assignmentId);
    } else {
      const list = this.added.get(s.personId) ?? [];
      const at = list.indexOf(s);
      if (at >= 0) list.splice(at, 1);
    }
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

  private slotInfo(slot: Slot): { shift: Shift; day: number } {
    let info = this.slotShift.get(slot.key);
    if (!info) {
      const type = this.snapshot.shiftTypes.get(slot.shiftTypeId)!;
      const shift = expandShift({ id: `(slot:${slot.key})`, personId: '', serviceId: slot.serviceId, shiftTypeId: slot.shiftTypeId, date: slot.date, role: 'primary' }, type);
      info = { shift, day: this.day(slot.date) };
      this.slotShift.set(slot.key, info);
    }
    return info;
  }

  /** Present and not on an overlapping shift (other than `except`): necessary, not sufficient. */
  isFree(personId: string, slot: Slot, except?: Shift): boolean {
    if (isAbsent(this.snapshot.absences, personId, slot.date)) return false;
    const { shift: cand, day: d } = this.slotInfo(slot);
    const days = this.days(personId);
    // Shifts last at most 28 h + transition: only the neighbouring days can overlap.
    for (let k = Math.max(0, d - 2); k <= Math.min(this.length - 1, d + 1); k++) {
      for (const s of days[k]!) if (s !== except && s.startMs < cand.dutyEndMs && cand.startMs < s.dutyEndMs) return false;
    }
    return true;
  }

  /** Whether the person could work the slot, giving up `except` (a shift of theirs) if named. */
  canTake(personId: string, slot: Slot, except?: Shift): boolean {
    const person = this.snapshot.peopleById.get(personId);
    if (!person || !this.isFree(personId, slot, except)) return false;
    const cand = this.slotInfo(slot).shift;
    const removes = new Set(this.removed.get(personId));
    const adds = (this.added.get(personId) ?? []).filter((s) => s !== except);
    if (except && this.original.has(except)) removes.add(except.assignmentId);
    return this.rules.check(person, [...adds, { ...cand, personId }], removes).ok;
  }
}

/** Qualified people outside the slot who are present and free then (backups on the slot included), with the backup shift they would give up. */
export function freeCandidates(c: CoveredSlot, role: CoverRole, pool: QualifiedPool, roster: Roster): { personId: string; backup?: Shift }[] {
  const on = new Set(assigneesOf(c, role).map((s) => s.personId));
  const out: { personId: string; backup?: Shift }[] = [];
  for (const q of pool.of(c.slot, role)) {
    if (on.has(q.id)) continue;
    const backup = c.backups.find((b) => b.personId === q.id);
    if (roster.isFree(q.id, c.slot, backup)) out.push(backup ? { personId: q.id, backup } : { personId: q.id });
  }
  return out;
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
  /** Affected slots nobody qualified, present and free could fill. */
  uncoverable: CoveredSlot[];
  /** Slots on which they are the only person of their role. */
  sole: CoveredSlot[];
  /** Qualified people present and free during each of their required shifts. */
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
  const stepIn = stepInModel(snapshot);
  const pool = stepIn.pool;
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
      const short = on.length - 1 < min;
      const free = freeCandidates(c, role, pool, roster);
      const onSlot = new Set([...c.faculty, ...c.residents].map((s) => s.personId));
      const coverable = !short || on.length - 1 + stepIn.find(c.slot, role, onSlot, min - on.length + 1).length >= min;
      for (const s of on) {
        const loss = losses.get(s.personId);
        if (!loss) continue;
        loss.requiredShifts++;
        loss.alternatives.push(free.length);
        if (on.length === 1) loss.sole.push(c);
        if (short) {
          loss.affected.push(c);
          if (!coverable) loss.uncoverable.push(c);
          for (const other of [...c.faculty, ...c.residents]) if (other.personId !== s.personId) loss.affectedPeople.add(other.personId);
        }
      }
    }
  }
  return { slots, roster, pool, losses };
}

// Each person's blocking absences as day spans sorted by start, per absence list (the store
// shares one list per data version): analyses ask about every person and week.
const blockingCache = new WeakMap<readonly Absence[], Map<string, { from: number; to: number }[]>>();

function blockingSpans(absences: readonly Absence[]): Map<string, { from: number; to: number }[]> {
  let byPerson = blockingCache.get(absences);
  if (!byPerson) {
    byPerson = new Map();
    for (const a of absences) {
      if (!defaultBlocking(a)) continue;
      let list = byPerson.get(a.personId);
      if (!list) byPerson.set(a.personId, (list = []));
      list.push({ from: dateToMs(a.start), to: dateToMs(a.end) });
    }
    for (const list of byPerson.values()) list.sort((x, y) => x.from - y.from);
    blockingCache.set(absences, byPerson);
  }
  return byPerson;
}

/** Days from start to end (inclusive) on which no blocking absence keeps the person away. */
export function availableDays(snapshot: ScheduleSnapshot, personId: string, start: string, end: string): number {
  const from = dateToMs(start);
  const to = dateToMs(end);
  if (to < from) return 0;
  // The range's days less those under the union of the absences (clipped to the range).
  let away = 0;
  let next = from;
  for (const span of blockingSpans(snapshot.absences).get(personId) ?? []) {
    const a = Math.max(span.from, next);
    const b = Math.min(span.to, to);
    if (b < a) continue;
    away += (b - a) / DAY_MS + 1;
    next = b + DAY_MS;
  }
  return (to - from) / DAY_MS + 1 - away;
}
