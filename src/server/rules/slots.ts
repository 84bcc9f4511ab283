/**
 * The rules about shift instances rather than one person: coverage minimums and maximums,
 * PGY-1 supervision (ACGME) and the program's supervision ratios (local policy).
 *
 * - A slot is one coverage rule on one date (domain/snapshot requiredSlots). People count
 *   toward it when assigned to that service and shift type on that date with role primary
 *   or supervising (backup does not count), and are eligible for it (PGY filter).
 * - Supervision: a PGY-1 resident's shift on a service that requires supervision needs at
 *   least one faculty shift of the same service overlapping it in time.
 * - Ratio (local policy): per service, shift type and date, faculty overlapping the shift
 *   must number at least ceil(PGY-1 / pgy1 + PGY-2+ / senior) (supervision units).
 */
import type { Coverage, Person } from '../domain/program';
import { coverageAppliesOn, requiredSlots, slotKey, type ScheduleSnapshot, type Shift, type Slot } from '../domain/snapshot';
import { makeFinding, type Finding, type FindingInput } from './findings';
import type { DateRange } from './person';
import type { RuleKey } from './ruleIds';

export interface SlotFill {
  slot: Slot;
  residents: Shift[];
  faculty: Shift[];
}

// Derived indexes are pure functions of a snapshot, and the store hands out the same
// snapshot object while the data version is unchanged: compute each once.
const bySlotCache = new WeakMap<ScheduleSnapshot, Map<string, Shift[]>>();
const facultyCache = new WeakMap<ScheduleSnapshot, Map<string, Shift[]>>();
const fillsCache = new WeakMap<ScheduleSnapshot, Map<string, SlotFill[]>>();

function memo<T>(cache: WeakMap<ScheduleSnapshot, T>, snapshot: ScheduleSnapshot, build: () => T): T {
  let value = cache.get(snapshot);
  if (value === undefined) {
    value = build();
    cache.set(snapshot, value);
  }
  return value;
}

/** Shifts grouped by slot key (service|shift type|date). */
export function shiftsBySlot(snapshot: ScheduleSnapshot): Map<string, Shift[]> {
  return memo(bySlotCache, snapshot, () => groupBySlot(snapshot.shifts));
}

function groupBySlot(shifts: readonly Shift[]): Map<string, Shift[]> {
  const map = new Map<string, Shift[]>();
  for (const s of shifts) {
    const key = slotKey(s.serviceId, s.shiftTypeId, s.date);
    let list = map.get(key);
    if (!list) map.set(key, (list = []));
    list.push(s);
  }
  return map;
}

/** Every required slot in the range with the people counting toward it. */
export function slotFills(snapshot: ScheduleSnapshot, range: DateRange): SlotFill[] {
  const perRange = memo(fillsCache, snapshot, () => new Map<string, SlotFill[]>());
  const key = `${range.start}|${range.end}`;
  let fills = perRange.get(key);
  if (!fills) {
    fills = computeFills(snapshot, requiredSlots(snapshot.coverage, snapshot.shiftTypes, range), shiftsBySlot(snapshot));
    perRange.set(key, fills);
  }
  return fills;
}

/** A slot named by its coordinates, as a shift or an assignment carries them. */
export type SlotRef = Pick<Shift, 'serviceId' | 'shiftTypeId' | 'date'>;

/** The slots of a check confined to a few of them (ValidationOptions.slots) and their shifts, in the snapshot's order. */
export interface SlotSelection {
  keys: Set<string>;
  dates: string[];
  shifts: Shift[];
}

/** One scan of the shifts instead of grouping them all (shiftsBySlot): for a check confined to a few slots. */
export function selectSlots(snapshot: ScheduleSnapshot, refs: readonly SlotRef[]): SlotSelection {
  const keys = new Set(refs.map((r) => slotKey(r.serviceId, r.shiftTypeId, r.date)));
  const dates = new Set(refs.map((r) => r.date));
  const shifts = snapshot.shifts.filter((s) => dates.has(s.date) && keys.has(slotKey(s.serviceId, s.shiftTypeId, s.date)));
  return { keys, dates: [...dates].sort(), shifts };
}

/** The required slots of the selection inside the range, with the people counting toward them. */
export function selectedSlotFills(snapshot: ScheduleSnapshot, range: DateRange, selection: SlotSelection): SlotFill[] {
  const slots: Slot[] = [];
  for (const date of selection.dates) {
    if (date < range.start || date > range.end) continue;
    for (const slot of requiredSlots(snapshot.coverage, snapshot.shiftTypes, { start: date, end: date })) if (selection.keys.has(slot.key)) slots.push(slot);
  }
  return computeFills(snapshot, slots, groupBySlot(selection.shifts));
}

function computeFills(snapshot: ScheduleSnapshot, slots: readonly Slot[], bySlot: ReadonlyMap<string, Shift[]>): SlotFill[] {
  const fills: SlotFill[] = [];
  for (const slot of slots) {
    const residents: Shift[] = [];
    const faculty: Shift[] = [];
    for (const s of bySlot.get(slot.key) ?? []) {
      if (s.role === 'backup') continue;
      const p = snapshot.peopleById.get(s.personId);
      if (!p) continue;
      if (p.role === 'faculty') faculty.push(s);
      else if (!slot.pgy || slot.pgy.includes(p.pgy ?? 0)) residents.push(s);
    }
    fills.push({ slot, residents, faculty });
  }
  return fills;
}

/** Filled share of required positions (residents and faculty), 1 when nothing is required. */
export function coverageRate(fills: readonly SlotFill[]): { rate: number; required: number; filled: number } {
  let required = 0;
  let filled = 0;
  for (const f of fills) {
    required += f.slot.residentsMin + f.slot.facultyMin;
    filled += Math.min(f.residents.length, f.slot.residentsMin) + Math.min(f.faculty.length, f.slot.facultyMin);
  }
  return { rate: required === 0 ? 1 : filled / required, required, filled };
}

export function checkCoverage(snapshot: ScheduleSnapshot, fills: readonly SlotFill[], rules: ReadonlySet<RuleKey>): Finding[] {
  const out: FindingInput[] = [];
  for (const { slot, residents, faculty } of fills) {
    const what = `${slot.serviceId} ${slot.shiftTypeId} on ${slot.date}`;
    for (const [group, have, min, max] of [
      ['residents', residents, slot.residentsMin, slot.residentsMax],
      ['faculty', faculty, slot.facultyMin, slot.facultyMax],
    ] as const) {
      const base = { personId: null, subject: `${slot.key}|${group}`, startMs: slot.startMs, endMs: slot.endMs, unit: group, measured: have.length };
      if (rules.has('coverage_minimum') && have.length < min) {
        const missing = min - have.length;
        out.push({
          ...base,
          key: 'coverage_minimum',
          severity: 'critical',
          limit: min,
          excess: missing,
          message: `${what} has ${have.length} of the ${min} ${group === 'residents' ? `resident${slot.pgy ? ` (PGY ${slot.pgy.join('/')})` : ''}` : 'faculty'} position${min > 1 ? 's' : ''} filled`,
          suggestedFix: `assign ${missing} more ${group === 'residents' ? 'eligible resident' : 'faculty member'}${missing > 1 ? 's' : ''} to ${what}`,
          assignmentIds: have.map((s) => s.assignmentId),
          details: { service_id: slot.serviceId, shift_type_id: slot.shiftTypeId, date: slot.date, coverage_id: slot.coverageId, group },
        });
      }
      if (rules.has('coverage_maximum') && max !== undefined && have.length > max) {
        out.push({
          ...base,
          key: 'coverage_maximum',
          severity: 'info',
          limit: max,
          excess: have.length - max,
          message: `${what} has ${have.length} ${group} assigned (at most ${max})`,
          suggestedFix: `move ${have.length - max} of them (e.g. ${have[have.length - 1]!.assignmentId}) to a slot that is short`,
          assignmentIds: have.map((s) => s.assignmentId),
          details: { service_id: slot.serviceId, shift_type_id: slot.shiftTypeId, date: slot.date, coverage_id: slot.coverageId, group },
        });
      }
    }
  }
  return out.map((f) => makeFinding(f, snapshot.policies));
}

/** Faculty shifts per service, sorted by start (for overlap queries). */
export function facultyShiftsByService(snapshot: ScheduleSnapshot): Map<string, Shift[]> {
  return memo(facultyCache, snapshot, () => groupFacultyByService(snapshot));
}

function groupFacultyByService(snapshot: ScheduleSnapshot): Map<string, Shift[]> {
  const map = new Map<string, Shift[]>();
  for (const s of snapshot.shifts) {
    if (s.role === 'backup' || snapshot.peopleById.get(s.personId)?.role !== 'faculty') continue;
    let list = map.get(s.serviceId);
    if (!list) map.set(s.serviceId, (list = []));
    list.push(s);
  }
  return map;
}

/** Distinct faculty whose shifts on the service overlap [startMs, endMs). */
export function overlappingFaculty(byService: ReadonlyMap<string, Shift[]>, serviceId: string, startMs: number, endMs: number): Set<string> {
  const list = byService.get(serviceId) ?? [];
  const out = new Set<string>();
  // Shifts are at most 28 h long: anything starting earlier than that cannot overlap.
  let lo = 0;
  let hi = list.length;
  const earliest = startMs - 28 * 3_600_000;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.startMs < earliest) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < list.length && list[i]!.startMs < endMs; i++) if (list[i]!.endMs > startMs) out.add(list[i]!.personId);
  return out;
}

/** The supervision findings; with `selection`, only those about the shifts of the selected slots. */
export function checkSupervision(snapshot: ScheduleSnapshot, focus: DateRange, rules: ReadonlySet<RuleKey>, selection?: SlotSelection): Finding[] {
  const shifts = selection ? selection.shifts : snapshot.shifts;
  const bySlot = selection ? groupBySlot(selection.shifts) : shiftsBySlot(snapshot);
  const byService = facultyShiftsByService(snapshot);
  const out: FindingInput[] = [];
  const person = (s: Shift): Person | undefined => snapshot.peopleById.get(s.personId);
  if (rules.has('supervision_pgy1')) {
    for (const s of shifts) {
      if (s.date < focus.start || s.date > focus.end || s.kind === 'moonlighting') continue;
      const p = person(s);
      if (p?.role !== 'resident' || p.pgy !== 1 || !snapshot.services.get(s.serviceId)?.supervisionRequired) continue;
      if (overlappingFaculty(byService, s.serviceId, s.startMs, s.endMs).size > 0) continue;
      out.push({
        key: 'supervision_pgy1',
        severity: 'critical',
        personId: p.id,
        subject: s.assignmentId,
        startMs: s.startMs,
        endMs: s.endMs,
        measured: 0,
        limit: 1,
        excess: 1,
        unit: 'faculty',
        message: `${p.name} (${p.id}, PGY-1) works the ${s.date} ${s.shiftTypeId} shift on ${s.serviceId} with no ${s.serviceId} faculty on duty`,
        suggestedFix: `assign a ${s.serviceId} faculty member to a shift overlapping ${s.date} ${s.shiftTypeId}, or give the shift (${s.assignmentId}) to a PGY-2 or PGY-3 resident`,
        assignmentIds: [s.assignmentId],
        details: { service_id: s.serviceId, shift_type_id: s.shiftTypeId, date: s.date },
      });
    }
  }
  const ratio = snapshot.policies.supervisionRatio;
  if (rules.has('local_supervision_ratio') && ratio.enabled) {
    for (const [key, shifts] of bySlot) {
      const first = shifts[0]!;
      if (first.date < focus.start || first.date > focus.end || !snapshot.services.get(first.serviceId)?.supervisionRequired) continue;
      let pgy1 = 0;
      let senior = 0;
      for (const s of shifts) {
        const p = person(s);
        if (p?.role !== 'resident' || s.role === 'backup' || s.kind === 'moonlighting') continue;
        if (p.pgy === 1) pgy1++;
        else senior++;
      }
      if (pgy1 + senior === 0) continue;
      // Supervision units, as the real validator counts them: ceil(PGY-1/2 + seniors/4) by default.
      const required = Math.ceil(pgy1 / ratio.pgy1 + senior / ratio.senior - 1e-9);
      const present = overlappingFaculty(byService, first.serviceId, first.startMs, first.endMs).size;
      if (present >= required) continue;
      out.push({
        key: 'local_supervision_ratio',
        severity: 'warning',
        personId: null,
        subject: key,
        startMs: first.startMs,
        endMs: first.endMs,
        measured: present,
        limit: required,
        excess: required - present,
        unit: 'faculty',
        message: `${first.serviceId} ${first.shiftTypeId} on ${first.date} has ${pgy1} PGY-1 and ${senior} senior residents with ${present} faculty (program ratio 1:${ratio.pgy1} for PGY-1, 1:${ratio.senior} for seniors needs ${required})`,
        suggestedFix: `add ${required - present} ${first.serviceId} faculty member${required - present > 1 ? 's' : ''} on ${first.date} ${first.shiftTypeId}, or move a resident off this shift`,
        assignmentIds: shifts.map((s) => s.assignmentId),
        details: { service_id: first.serviceId, shift_type_id: first.shiftTypeId, date: first.date, pgy1, senior },
      });
    }
  }
  return out.map((f) => makeFinding(f, snapshot.policies));
}

/** The coverage rule that a shift fills on its date, if any. */
export function coverageLookup(snapshot: Pick<ScheduleSnapshot, 'coverage'>): (shift: Pick<Shift, 'serviceId' | 'shiftTypeId' | 'date'>) => Coverage | undefined {
  const byPair = new Map<string, Coverage[]>();
  for (const c of snapshot.coverage) {
    const key = `${c.serviceId}|${c.shiftTypeId}`;
    let list = byPair.get(key);
    if (!list) byPair.set(key, (list = []));
    list.push(c);
  }
  return (shift) => {
    const list = byPair.get(`${shift.serviceId}|${shift.shiftTypeId}`);
    if (!list) return undefined;
    if (list.length === 1 && list[0]!.days === 'all') return list[0];
    return list.find((c) => coverageAppliesOn(c, shift.date));
  };
}
