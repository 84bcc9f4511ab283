/**
 * The one N-1 model: who could step in on a required slot when someone on it is lost.
 * Contingency analysis (contingency.ts) and the analytics' coverage model
 * (analytics/coverage.ts) both ask it, so they cannot disagree about a slot.
 *
 * A person can step in when qualified for the slot (active, of the role, cleared for the
 * service, holding its credential, of an accepted PGY level), not counted on it already (a
 * backup on the slot may step up, giving the backup shift up), and the rule engine accepts
 * the shift on top of their own (EligibilityIndex.check: leave, double booking, every person
 * rule, the blocking warnings), exactly as validation would judge the change.
 *
 * Cost: the necessary conditions first (qualification, cached per service, role and PGY set;
 * leave; a scheduled overlap, found by binary search), then the rule engine on the least
 * loaded first (counted hours within two weeks, from per-person prefix sums) until enough
 * are found; verdicts are kept per person and slot, and one model serves a snapshot.
 */
import type { Person } from '../domain/program';
import { expandShift, isAbsent, type ScheduleSnapshot, type Shift, type Slot } from '../domain/snapshot';
import { firstNotBefore } from '../domain/sorted';
import { DAY_MS, HOUR_MS } from '../domain/time';
import { EligibilityIndex } from './eligibility';
import { shiftsBySlot } from './slots';

export type CoverRole = 'faculty' | 'resident';

/** Whether a person may ever fill this slot in this role (credentials, service list, PGY level). */
export function qualifies(snapshot: ScheduleSnapshot, person: Person, slot: Slot, role: CoverRole): boolean {
  if (!person.active || person.role !== role) return false;
  if (person.services && !person.services.includes(slot.serviceId)) return false;
  const credential = snapshot.services.get(slot.serviceId)?.requiredCredential;
  if (credential && !person.credentials.includes(credential)) return false;
  if (role === 'resident' && slot.pgy && (person.pgy === undefined || !slot.pgy.includes(person.pgy))) return false;
  return true;
}

/** Active people who may fill a slot in a role, cached per service / role / PGY set. */
export class QualifiedPool {
  private readonly cache = new Map<string, Person[]>();
  constructor(private readonly snapshot: ScheduleSnapshot) {}

  of(slot: Slot, role: CoverRole): Person[] {
    const key = `${slot.serviceId}|${role}|${slot.pgy?.join(',') ?? ''}`;
    let list = this.cache.get(key);
    if (!list) {
      list = this.snapshot.people.filter((p) => qualifies(this.snapshot, p, slot, role));
      this.cache.set(key, list);
    }
    return list;
  }
}

/** Counted hours within this many days of a slot rank the candidates (least loaded first). */
const LOAD_DAYS = 14;
/** No shift lasts longer than this: one starting earlier cannot overlap. */
const LONGEST_SHIFT_MS = 48 * HOUR_MS;

export class StepInModel {
  readonly pool: QualifiedPool;
  private readonly verdicts = new Map<string, boolean>();
  private readonly prefix = new Map<string, Float64Array>();
  private readonly slotShifts = new Map<string, Shift>();

  constructor(readonly index: EligibilityIndex) {
    this.pool = new QualifiedPool(index.snapshot);
  }

  /** Up to `limit` people of `role`, none in `exclude`, who could step in on the slot; least loaded first. */
  find(slot: Slot, role: CoverRole, exclude: ReadonlySet<string>, limit: number): string[] {
    if (limit <= 0) return [];
    const snap = this.index.snapshot;
    const shift = this.shiftOf(slot);
    const backups = (shiftsBySlot(snap).get(slot.key) ?? []).filter((s) => s.role === 'backup');
    const open = this.pool
      .of(slot, role)
      .filter((p) => !exclude.has(p.id) && !isAbsent(snap.absences, p.id, slot.date) && !this.overlaps(p.id, shift, backups))
      .map((p) => ({ p, load: this.load(p.id, shift.startMs) }))
      .sort((a, b) => a.load - b.load || a.p.id.localeCompare(b.p.id));
    const found: string[] = [];
    for (const { p } of open) {
      if (this.accepts(p, slot, shift, backups)) found.push(p.id);
      if (found.length >= limit) break;
    }
    return found;
  }

  private accepts(person: Person, slot: Slot, shift: Shift, backups: readonly Shift[]): boolean {
    const key = `${person.id}|${slot.key}`;
    let ok = this.verdicts.get(key);
    if (ok === undefined) {
      const backup = backups.find((b) => b.personId === person.id);
      ok = this.index.check(person, [{ ...shift, personId: person.id }], backup ? new Set([backup.assignmentId]) : undefined).ok;
      this.verdicts.set(key, ok);
    }
    return ok;
  }

  /** A scheduled overlap with the person's own shifts (their backup shift on the slot aside): double booking. */
  private overlaps(personId: string, shift: Shift, backups: readonly Shift[]): boolean {
    const own = this.index.snapshot.byPerson.get(personId) ?? [];
    for (let i = firstNotBefore(own, (s) => s.startMs < shift.startMs - LONGEST_SHIFT_MS); i < own.length && own[i]!.startMs < shift.endMs; i++) {
      const s = own[i]!;
      if (s.endMs > shift.startMs && !backups.includes(s)) return true;
    }
    return false;
  }

  private load(personId: string, atMs: number): number {
    const own = this.index.snapshot.byPerson.get(personId) ?? [];
    let sums = this.prefix.get(personId);
    if (!sums) {
      sums = new Float64Array(own.length + 1);
      for (let i = 0; i < own.length; i++) sums[i + 1] = sums[i]! + own[i]!.countedHours;
      this.prefix.set(personId, sums);
    }
    const from = firstNotBefore(own, (s) => s.startMs < atMs - LOAD_DAYS * DAY_MS);
    const to = firstNotBefore(own, (s) => s.startMs < atMs + LOAD_DAYS * DAY_MS + 1);
    return sums[to]! - sums[from]!;
  }

  private shiftOf(slot: Slot): Shift {
    let shift = this.slotShifts.get(slot.key);
    if (!shift) {
      const type = this.index.snapshot.shiftTypes.get(slot.shiftTypeId);
      if (!type) throw new Error(`unknown shift type ${slot.shiftTypeId}`);
      shift = expandShift({ id: `step-in:${slot.key}`, personId: '', serviceId: slot.serviceId, shiftTypeId: slot.shiftTypeId, date: slot.date, role: 'primary' }, type);
      this.slotShifts.set(slot.key, shift);
    }
    return shift;
  }
}

const models = new WeakMap<ScheduleSnapshot, StepInModel>();

/** The snapshot's step-in model (one per snapshot: its verdicts serve every caller). */
export function stepInModel(snapshot: ScheduleSnapshot): StepInModel {
  let model = models.get(snapshot);
  if (!model) {
    model = new StepInModel(new EligibilityIndex(snapshot));
    models.set(snapshot, model);
  }
  return model;
}
