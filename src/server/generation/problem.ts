/**
 * The generation problem of one block: which person may take which required shift
 * (the decision variables), what is already fixed around the block (history before it,
 * published assignments after it, assignments the generator does not own), and the
 * numeric limits the hard rules impose. Pure data built from a ScheduleSnapshot.
 */
import { defaultBlocking, type Person, type Policies, type ShiftKind } from '../domain/program';
import { requiredSlots, slotKey, type ScheduleSnapshot, type Shift, type Slot } from '../domain/snapshot';
import { DAY_MS, HOUR_MS, addDays, dateToMs, eachDate, msToDate, weekdayOf } from '../domain/time';

/** Numbers behind the hard rules; ACGME figures plus the program's local policies. */
export interface HardLimits {
  windowDays: number;
  /** Hours per rolling window (80 h x 4 weeks). */
  windowHours: number;
  /** Free 24-hour periods every rolling window must contain (1 day in 7 over 4 weeks). */
  minFreePeriods: number;
  /** In-house calls per rolling window (every third night over 4 weeks). */
  maxCallsPerWindow: number;
  /** Continuous duty including transitions (24 + 4). */
  maxContinuousHours: number;
  /** Rest after in-house 24-hour call. */
  restAfterLongShiftHours: number;
  /** Rest between any two shifts (VI.F.2.a; a "should": the generator penalises less). */
  restBetweenShiftsHours: number;
  maxConsecutiveDutyDays?: number;
  maxConsecutiveNights?: number;
  supervision?: { pgy1: number; senior: number };
}

export function hardLimits(policies: Policies): HardLimits {
  return {
    windowDays: 28,
    windowHours: 80 * 4,
    minFreePeriods: 4,
    maxCallsPerWindow: 9,
    maxContinuousHours: 28,
    restAfterLongShiftHours: Math.max(14, policies.restAfterCallHours.enabled ? policies.restAfterCallHours.limit : 0),
    restBetweenShiftsHours: 8,
    ...(policies.maxConsecutiveDutyDays.enabled ? { maxConsecutiveDutyDays: policies.maxConsecutiveDutyDays.limit } : {}),
    ...(policies.maxConsecutiveNights.enabled ? { maxConsecutiveNights: policies.maxConsecutiveNights.limit } : {}),
    ...(policies.supervisionRatio.enabled ? { supervision: { pgy1: policies.supervisionRatio.pgy1, senior: policies.supervisionRatio.senior } } : {}),
  };
}

/** A stretch of duty as the rules see it, whether fixed or a candidate. */
export interface Duty {
  personId: string;
  role: 'primary' | 'supervising' | 'backup';
  serviceId: string;
  shiftTypeId: string;
  kind: ShiftKind;
  date: string;
  startMs: number;
  endMs: number;
  dutyEndMs: number;
  countedHours: number;
}

/** One decision variable: this person on this required shift. */
export interface Candidate extends Duty {
  index: number;
  slot: number;
  resident: boolean;
  /** The person holds this shift in the current schedule. */
  current: boolean;
  /** Preference cost: +1 per preference it goes against, -1 when it is a preferred shift type. */
  preference: number;
  weekend: boolean;
}

export type EquityGroup = 'PGY-1' | 'PGY-2' | 'PGY-3' | 'faculty';

export interface PersonInfo {
  id: string;
  name: string;
  resident: boolean;
  pgy?: number;
  group: EquityGroup;
  /** Days of the whole generation range the person is not absent (equity is per available day). */
  availableDays: number;
}

export interface Problem {
  /** The whole generation range and the block of it being solved. */
  range: { start: string; end: string };
  block: { start: string; end: string };
  slots: Slot[];
  candidates: Candidate[];
  /** Candidate indices per slot, residents and faculty apart. */
  residentsBySlot: number[][];
  facultyBySlot: number[][];
  people: Map<string, PersonInfo>;
  /** Duty that is not the generator's to change, per person, sorted by start. */
  fixed: Map<string, Duty[]>;
  limits: HardLimits;
  /** Totals the person already carries from earlier blocks of the same run (for equity). */
  carried: Map<string, { hours: number; calls: number; weekends: number }>;
  /** Why slots have fewer eligible people than they need, found while building. */
  supplyNotes: Map<number, string[]>;
  /** Days from the start of the range to the end of this block each person is available. */
  availableSoFar: Map<string, number>;
  /** Per slot: residents on it need supervising faculty (the service requires supervision). */
  supervised: boolean[];
  /**
   * Per supervised slot: the slots of the same service overlapping it in time, whose faculty
   * count as its supervisors (the slot itself included), and the faculty of fixed duty who do.
   */
  supervisors: { slots: number[]; fixedFaculty: Set<string> }[];
  /** Pairs of a resident's candidates with less than 8 hours between them (soft). */
  shortRestPairs: [number, number][];
  /** Per candidate: fixed duties of the person it would follow or precede with less than 8 hours. */
  shortRestFixed: Map<number, number>;
  /** Hour of day at which the 24-hour periods counted as free days start (see freePeriodAnchor). */
  anchorHour: number;
}

export interface BlockInput {
  snapshot: ScheduleSnapshot;
  /** The whole generation range; the block lies inside it. */
  range: { start: string; end: string };
  block: { start: string; end: string };
  /** Assignments chosen for earlier blocks of this run: fixed history now. */
  earlier: readonly Duty[];
  carried: Map<string, { hours: number; calls: number; weekends: number }>;
}

export function isCall(kind: ShiftKind): boolean {
  return kind === 'call_24' || kind === 'home_call';
}

export function isWeekendDate(date: string): boolean {
  const d = weekdayOf(date);
  return d === 'sat' || d === 'sun';
}

/**
 * Rest a resident must have after this duty before the next one starts: 14 h (or the
 * local policy) after in-house 24-hour call; otherwise the next shift must not start when
 * this one ends (it would merge into one continuous duty period). At-home call is not
 * in-house. The 8 hours of VI.F.2.a are a "should": penalised (see shortRest), not enforced.
 */
export function restAfter(duty: Pick<Duty, 'startMs' | 'endMs' | 'kind'>, limits: HardLimits): number {
  const scheduled = (duty.endMs - duty.startMs) / HOUR_MS;
  const call = duty.kind === 'call_24' || (duty.kind !== 'home_call' && scheduled >= 24);
  return call ? limits.restAfterLongShiftHours * HOUR_MS : 1;
}

/** Whether two duties of the same person cannot both be held (overlap or too little rest). */
export function conflicts(a: Duty, b: Duty, resident: boolean, limits: HardLimits): boolean {
  const [first, second] = a.startMs <= b.startMs ? [a, b] : [b, a];
  const gap = resident ? restAfter(first, limits) : 0;
  return second.startMs < first.dutyEndMs + gap;
}

/** Two duties a resident may hold together but with less than the 8 hours off that should separate them. */
export function shortRest(a: Duty, b: Duty, limits: HardLimits): boolean {
  const [first, second] = a.startMs <= b.startMs ? [a, b] : [b, a];
  return !conflicts(a, b, true, limits) && second.startMs < first.dutyEndMs + limits.restBetweenShiftsHours * HOUR_MS;
}

/**
 * Which assignments the generator owns: those of the snapshot that fill a required slot
 * of the generation range in the role the generator gives (residents primary, faculty
 * supervising). Everything else is kept and counted as fixed duty.
 */
export function ownedAssignment(shift: Shift, person: Person | undefined, slotKeys: ReadonlySet<string>, range: { start: string; end: string }): boolean {
  if (shift.date < range.start || shift.date > range.end || !person) return false;
  if (!slotKeys.has(slotKey(shift.serviceId, shift.shiftTypeId, shift.date))) return false;
  return person.role === 'resident' ? shift.role === 'primary' : shift.role === 'supervising';
}

function datesTouched(startMs: number, endMs: number): string[] {
  return eachDate(msToDate(startMs), msToDate(Math.max(startMs, endMs - 1)));
}

/** Blocking absence dates per person, as a set for fast lookups. */
function absentDates(snapshot: ScheduleSnapshot): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const a of snapshot.absences) {
    if (!defaultBlocking(a)) continue;
    let set = out.get(a.personId);
    if (!set) out.set(a.personId, (set = new Set()));
    for (const d of eachDate(a.start, a.end)) set.add(d);
  }
  return out;
}

function toDuty(s: Shift): Duty {
  return {
    personId: s.personId,
    role: s.role,
    serviceId: s.serviceId,
    shiftTypeId: s.shiftTypeId,
    kind: s.kind,
    date: s.date,
    startMs: s.startMs,
    endMs: s.endMs,
    dutyEndMs: s.dutyEndMs,
    countedHours: s.countedHours,
  };
}

/** People info for the whole range: equity groups and available days. */
export function peopleInfo(snapshot: ScheduleSnapshot, range: { start: string; end: string }, absent = absentDates(snapshot)): Map<string, PersonInfo> {
  const dates = eachDate(range.start, range.end);
  const out = new Map<string, PersonInfo>();
  for (const p of snapshot.people) {
    if (!p.active) continue;
    const resident = p.role === 'resident';
    const off = absent.get(p.id);
    const availableDays = off ? dates.filter((d) => !off.has(d)).length : dates.length;
    out.set(p.id, {
      id: p.id,
      name: p.name,
      resident,
      ...(p.pgy !== undefined ? { pgy: p.pgy } : {}),
      group: resident ? (`PGY-${p.pgy ?? 1}` as EquityGroup) : 'faculty',
      availableDays,
    });
  }
  return out;
}

export function buildProblem(input: BlockInput): Problem {
  const { snapshot, range, block } = input;
  const limits = hardLimits(snapshot.policies);
  const allSlotKeys = new Set(requiredSlots(snapshot.coverage, snapshot.shiftTypes, range).map((s) => s.key));
  const slots = requiredSlots(snapshot.coverage, snapshot.shiftTypes, block).sort((a, b) => a.startMs - b.startMs || a.key.localeCompare(b.key));
  const absent = absentDates(snapshot);
  const isOff = (personId: string, date: string) => absent.get(personId)?.has(date) ?? false;
  const people = peopleInfo(snapshot, range, absent);

  // Fixed duty: everything of the snapshot the generator does not own, plus earlier blocks.
  const fixed = new Map<string, Duty[]>();
  const current = new Set<string>();
  for (const s of snapshot.shifts) {
    const person = snapshot.peopleById.get(s.personId);
    if (ownedAssignment(s, person, allSlotKeys, range)) {
      current.add(`${s.personId}|${slotKey(s.serviceId, s.shiftTypeId, s.date)}`);
      continue;
    }
    push(fixed, s.personId, toDuty(s));
  }
  for (const d of input.earlier) push(fixed, d.personId, d);
  for (const list of fixed.values()) list.sort((a, b) => a.startMs - b.startMs);

  const candidates: Candidate[] = [];
  const residentsBySlot: number[][] = slots.map(() => []);
  const facultyBySlot: number[][] = slots.map(() => []);
  const supplyNotes = new Map<number, string[]>();
  const activePeople = snapshot.people.filter((p) => p.active);

  slots.forEach((slot, slotIndex) => {
    const type = snapshot.shiftTypes.get(slot.shiftTypeId)!;
    const service = snapshot.services.get(slot.serviceId);
    const dutyEndMs = slot.endMs + type.transitionHours * HOUR_MS;
    const touched = datesTouched(slot.startMs, dutyEndMs);
    const duty = {
      serviceId: slot.serviceId,
      shiftTypeId: slot.shiftTypeId,
      kind: type.kind,
      date: slot.date,
      startMs: slot.startMs,
      endMs: slot.endMs,
      dutyEndMs,
      countedHours: type.countedHours ?? type.hours + type.transitionHours,
    };
    const reasons = new Map<string, number>();
    const note = (why: string) => reasons.set(why, (reasons.get(why) ?? 0) + 1);
    for (const p of activePeople) {
      const resident = p.role === 'resident';
      if (resident && slot.residentsMin === 0 && (slot.residentsMax ?? 0) === 0) continue;
      if (!resident && slot.facultyMax === 0) continue;
      if (!resident && slot.facultyMin === 0 && slot.facultyMax === undefined && !service?.supervisionRequired) continue;
      if (p.services && !p.services.includes(slot.serviceId)) continue;
      if (resident && slot.pgy && !slot.pgy.includes(p.pgy ?? 0)) continue;
      if (service?.requiredCredential && !p.credentials.includes(service.requiredCredential)) {
        note(`lacks credential ${service.requiredCredential}`);
        continue;
      }
      if (resident && type.kind === 'moonlighting' && (p.pgy ?? 1) < 2) continue;
      if (resident && (dutyEndMs - slot.startMs) / HOUR_MS > limits.maxContinuousHours) {
        note(`the shift is longer than ${limits.maxContinuousHours} h of continuous duty`);
        continue;
      }
      if (touched.some((d) => isOff(p.id, d))) {
        note('absent');
        continue;
      }
      const own: Duty = { personId: p.id, role: resident ? 'primary' : 'supervising', ...duty };
      if ((fixed.get(p.id) ?? []).some((f) => conflicts(f, own, resident, limits))) {
        note('already on duty or resting from fixed duty');
        continue;
      }
      const prefs = p.preferences;
      let preference = 0;
      if (prefs?.avoidDays.includes(weekdayOf(slot.date))) preference += 1;
      if (prefs?.avoidShiftTypes.includes(slot.shiftTypeId)) preference += 1;
      if (prefs?.preferShiftTypes.includes(slot.shiftTypeId)) preference -= 1;
      const index = candidates.length;
      candidates.push({
        ...own,
        index,
        slot: slotIndex,
        resident,
        current: current.has(`${p.id}|${slot.key}`),
        preference,
        weekend: isWeekendDate(slot.date),
      });
      (resident ? residentsBySlot : facultyBySlot)[slotIndex]!.push(index);
    }
    if (reasons.size > 0)
      supplyNotes.set(
        slotIndex,
        [...reasons].map(([why, n]) => `${n} ${why}`),
      );
  });

  const { pairs: shortRestPairs, fixedCount: shortRestFixed } = shortRestOf(candidates, fixed, limits);
  const supervised = slots.map((s) => snapshot.shiftTypes.get(s.shiftTypeId)!.kind !== 'moonlighting' && (snapshot.services.get(s.serviceId)?.supervisionRequired ?? false));
  const soFar = eachDate(range.start, block.end);
  const availableSoFar = new Map([...people.keys()].map((id) => [id, soFar.filter((d) => !isOff(id, d)).length]));
  return {
    range,
    block,
    slots,
    candidates,
    residentsBySlot,
    facultyBySlot,
    people,
    fixed,
    limits,
    carried: input.carried,
    supplyNotes,
    availableSoFar,
    anchorHour: freePeriodAnchor(slots, snapshot),
    supervised,
    shortRestPairs,
    shortRestFixed,
    supervisors: supervised.map((on, i) => (on ? supervisorsOf(slots, i, fixed, people) : { slots: [], fixedFaculty: new Set<string>() })),
  };
}

function shortRestOf(candidates: readonly Candidate[], fixed: Map<string, Duty[]>, limits: HardLimits): { pairs: [number, number][]; fixedCount: Map<number, number> } {
  const pairs: [number, number][] = [];
  const fixedCount = new Map<number, number>();
  const byPerson = new Map<string, Candidate[]>();
  for (const c of candidates) {
    if (!c.resident) continue;
    const l = byPerson.get(c.personId);
    if (l) l.push(c);
    else byPerson.set(c.personId, [c]);
  }
  const reach = limits.restBetweenShiftsHours * HOUR_MS;
  for (const [personId, list] of byPerson) {
    list.sort((a, b) => a.startMs - b.startMs);
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length && list[j]!.startMs < list[i]!.dutyEndMs + reach; j++) {
        if (shortRest(list[i]!, list[j]!, limits)) pairs.push([list[i]!.index, list[j]!.index]);
      }
      const n = (fixed.get(personId) ?? []).filter((f) => shortRest(f, list[i]!, limits)).length;
      if (n > 0) fixedCount.set(list[i]!.index, n);
    }
  }
  return { pairs, fixedCount };
}

/** Faculty on the same service whose scheduled time overlaps the slot's supervise it. */
function supervisorsOf(slots: readonly Slot[], i: number, fixed: Map<string, Duty[]>, people: Map<string, PersonInfo>): Problem['supervisors'][number] {
  const slot = slots[i]!;
  const overlaps = (start: number, end: number) => start < slot.endMs && end > slot.startMs;
  const fixedFaculty = new Set<string>();
  for (const [personId, list] of fixed) {
    if (people.get(personId)?.resident !== false) continue;
    if (list.some((d) => d.serviceId === slot.serviceId && d.role !== 'backup' && overlaps(d.startMs, d.endMs))) fixedFaculty.add(personId);
  }
  const near = slots.map((_, k) => k).filter((k) => slots[k]!.serviceId === slot.serviceId && overlaps(slots[k]!.startMs, slots[k]!.endMs));
  return { slots: near, fixedFaculty };
}

/**
 * Free days are counted as 24-hour periods starting at one hour of the day; the hour
 * that cuts through the fewest required shifts loses the fewest real free periods
 * (a night ending at 07:00 leaves the period from 07:00 free, not the calendar day).
 */
export function freePeriodAnchor(slots: readonly Slot[], snapshot: ScheduleSnapshot): number {
  let best = 0;
  let bestCut = Infinity;
  for (let hour = 0; hour < 24; hour++) {
    let cut = 0;
    for (const slot of slots) {
      const type = snapshot.shiftTypes.get(slot.shiftTypeId)!;
      const start = (slot.startMs - dateToMs(slot.date)) / HOUR_MS;
      const length = type.hours + type.transitionHours;
      const offset = (hour - start + 24) % 24;
      if (length >= 24 || (offset > 0 && offset < length)) cut += 1;
    }
    if (cut < bestCut) [best, bestCut] = [hour, cut];
  }
  return best;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The 28-day windows (by start date) whose rules can involve the block. */
export function windowStarts(block: { start: string; end: string }, windowDays: number): string[] {
  return eachDate(addDays(block.start, -(windowDays - 1)), block.end);
}

/** Milliseconds of [aStart, aEnd) inside [bStart, bEnd). */
export function overlapMs(aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  return Math.max(0, Math.min(aEnd, bEnd) - Math.max(aStart, bStart));
}

export function windowBounds(start: string, days: number): [number, number] {
  const from = dateToMs(start);
  return [from, from + days * DAY_MS];
}
