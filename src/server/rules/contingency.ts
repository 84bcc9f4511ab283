/**
 * N-1 / N-2 contingency analysis from the schedule itself: whom losing leaves which shift
 * instances (slots) below their minimum, and whether anyone else could step in.
 *
 * For each slot and staff group (faculty, or also residents) in the period:
 *   assigned A, minimum m, substitutes S = people not on the slot who could take it without
 *   breaking a rule (the N-1 model of stepIn.ts, which the analytics share; searched only as
 *   far as the answer needs).
 * - Losing p affects slot s when p is in A and |A| - 1 < m (a direct gap).
 * - The gap is uncoverable when fewer than m remain among A and S without p.
 * - N-1 severity: critical when p leaves any uncoverable slot, high when more than 5 slots
 *   are affected, medium otherwise. n1_pass = nobody is critical.
 * - A fatal pair is two people whose joint loss leaves a slot uncoverable that neither
 *   loss alone does (slots with exactly one spare person). n2_pass = no fatal pair.
 * - Cascade (optional): for the most critical person, the substitutes are actually assigned
 *   one after another, each checked against the shifts already handed to them.
 */
import type { Person } from '../domain/program';
import type { ScheduleSnapshot, Shift } from '../domain/snapshot';
import type { EligibilityIndex } from './eligibility';
import type { DateRange } from './person';
import { slotFills, type SlotFill } from './slots';
import { stepInModel } from './stepIn';

export interface ContingencyOptions {
  n1: boolean;
  n2: boolean;
  /** 'faculty' analyses faculty losses only (the real tool); 'all' adds residents. */
  population: 'faculty' | 'all';
  cascade: boolean;
  /** Fatal pairs reported at most (the count is exact). */
  maxPairs: number;
}

export interface N1Vulnerability {
  personId: string;
  role: Person['role'];
  severity: 'critical' | 'high' | 'medium';
  affectedBlocks: number;
  uncoverableBlocks: number;
  servicesAffected: string[];
  /** Slot keys (service|shift type|date) left uncoverable, first ones. */
  uncoverableSlots: string[];
}

export interface FatalPair {
  a: string;
  b: string;
  uncoverableBlocks: number;
  affectedServices: string[];
}

export interface CascadeResult {
  personId: string;
  slotsToCover: number;
  coveredBySubstitutes: number;
  stillUncovered: number;
  assignments: { slot: string; substituteId: string }[];
}

export interface ContingencyResult {
  period: DateRange;
  slotsAnalyzed: number;
  peopleAnalyzed: number;
  n1: N1Vulnerability[];
  n2: FatalPair[];
  n2Total: number;
  cascade?: CascadeResult;
}

interface Group {
  fill: SlotFill;
  role: Person['role'];
  assigned: Shift[];
  min: number;
  /** Substitutes found (searched up to what the analysis needs). */
  subs: string[];
}

export interface ContingencyHooks {
  progress?(done: number, total: number): Promise<void> | void;
  checkCancelled?(): void;
}

export async function analyzeContingency(index: EligibilityIndex, period: DateRange, options: ContingencyOptions, hooks: ContingencyHooks = {}): Promise<ContingencyResult> {
  const snap = index.snapshot;
  const roles: Person['role'][] = options.population === 'all' ? ['faculty', 'resident'] : ['faculty'];
  const fills = slotFills(snap, period);
  const groups: Group[] = [];
  for (const fill of fills) {
    for (const role of roles) {
      const assigned = role === 'faculty' ? fill.faculty : fill.residents;
      const min = role === 'faculty' ? fill.slot.facultyMin : fill.slot.residentsMin;
      if (min > 0 && assigned.length > 0) groups.push({ fill, role, assigned, min, subs: [] });
    }
  }
  // Substitutes from the one N-1 model (stepIn.ts): enough to decide N-1 (m - |A| + 1) and N-2 (one more).
  const stepIn = stepInModel(snap);
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    const need = g.min - g.assigned.length + (options.n2 ? 2 : 1);
    const onSlot = new Set([...g.fill.faculty, ...g.fill.residents].map((s) => s.personId));
    g.subs = stepIn.find(g.fill.slot, g.role, onSlot, need);
    if (i % 50 === 49) {
      hooks.checkCancelled?.();
      await hooks.progress?.(i + 1, groups.length);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  hooks.checkCancelled?.();

  const people = new Set(groups.flatMap((g) => g.assigned.map((s) => s.personId)));
  const n1: N1Vulnerability[] = [];
  if (options.n1 || options.cascade) {
    const byPerson = new Map<string, Group[]>();
    for (const g of groups) for (const s of g.assigned) byPerson.set(s.personId, [...(byPerson.get(s.personId) ?? []), g]);
    for (const [personId, list] of byPerson) {
      const affected = list.filter((g) => g.assigned.length - 1 < g.min);
      if (affected.length === 0) continue;
      const uncoverable = affected.filter((g) => g.assigned.length - 1 + g.subs.length < g.min);
      n1.push({
        personId,
        role: snap.peopleById.get(personId)!.role,
        severity: uncoverable.length > 0 ? 'critical' : affected.length > 5 ? 'high' : 'medium',
        affectedBlocks: affected.length,
        uncoverableBlocks: uncoverable.length,
        servicesAffected: [...new Set(affected.map((g) => g.fill.slot.serviceId))].sort(),
        uncoverableSlots: uncoverable.slice(0, 10).map((g) => g.fill.slot.key),
      });
    }
    n1.sort((a, b) => b.uncoverableBlocks - a.uncoverableBlocks || b.affectedBlocks - a.affectedBlocks || a.personId.localeCompare(b.personId));
  }

  const pairs = new Map<string, FatalPair & { services: Set<string> }>();
  if (options.n2) {
    for (const g of groups) {
      // Exactly one spare: any two losses that include an assigned person break it.
      if (g.assigned.length + g.subs.length - g.min !== 1) continue;
      const assigned = g.assigned.map((s) => s.personId);
      const pool = [...new Set([...assigned, ...g.subs])].sort();
      for (let x = 0; x < pool.length; x++) {
        for (let y = x + 1; y < pool.length; y++) {
          const [a, b] = [pool[x]!, pool[y]!];
          if (!assigned.includes(a) && !assigned.includes(b)) continue;
          const key = `${a}|${b}`;
          let pair = pairs.get(key);
          if (!pair) pairs.set(key, (pair = { a, b, uncoverableBlocks: 0, affectedServices: [], services: new Set() }));
          pair.uncoverableBlocks++;
          pair.services.add(g.fill.slot.serviceId);
        }
      }
    }
  }
  const n2 = [...pairs.values()]
    .map(({ services, ...p }) => ({ ...p, affectedServices: [...services].sort() }))
    .sort((p, q) => q.uncoverableBlocks - p.uncoverableBlocks || p.a.localeCompare(q.a) || p.b.localeCompare(q.b));

  const result: ContingencyResult = {
    period,
    slotsAnalyzed: fills.length,
    peopleAnalyzed: people.size,
    n1: options.n1 ? n1 : [],
    n2: n2.slice(0, options.maxPairs),
    n2Total: n2.length,
  };
  const worst = n1[0];
  if (options.cascade && worst) result.cascade = cascade(index, groups, worst.personId);
  return result;
}

/** Hands the lost person's slots to substitutes one by one, re-checking each substitute's load. */
function cascade(index: EligibilityIndex, groups: readonly Group[], lost: string): CascadeResult {
  const snap: ScheduleSnapshot = index.snapshot;
  const given = new Map<string, Shift[]>();
  const assignments: CascadeResult['assignments'] = [];
  const slots = groups.filter((g) => g.assigned.some((s) => s.personId === lost) && g.assigned.length - 1 < g.min);
  for (const g of slots) {
    const lostShift = g.assigned.find((s) => s.personId === lost)!;
    const onSlot = new Set([...g.fill.faculty, ...g.fill.residents].map((s) => s.personId));
    const candidates = snap.people.filter(
      (p) => p.role === g.role && p.active && !onSlot.has(p.id) && p.id !== lost && (!p.services || p.services.includes(g.fill.slot.serviceId)),
    );
    for (const p of candidates) {
      const extra = given.get(p.id) ?? [];
      const shift = { ...lostShift, personId: p.id, assignmentId: `cascade:${lostShift.assignmentId}` };
      if (!index.check(p, [...extra, shift]).ok) continue;
      given.set(p.id, [...extra, shift]);
      assignments.push({ slot: g.fill.slot.key, substituteId: p.id });
      break;
    }
  }
  return { personId: lost, slotsToCover: slots.length, coveredBySubstitutes: assignments.length, stillUncovered: slots.length - assignments.length, assignments };
}
