/**
 * Recovery distance: for an N-1 event (one person unavailable for one day) the fewest edits
 * that bring every required slot of that day back to the coverage it had. Edits: reassign a
 * free qualified person (a backup on the slot included), or move someone off another shift
 * (which may open a new gap to fix in turn). Iterative-deepening depth-first search over
 * edit sequences, every candidate checked against the hard rules (coverage.ts Roster).
 */
import { z } from 'zod';
import type { Shift } from '../domain/snapshot';
import { addDays } from '../domain/time';
import { assigneesOf, COVER_ROLES, minimumOf, type CoverageModel, type CoverRole, type CoveredSlot } from './coverage';
import { mean, median, percentile } from './stats';

export const MAX_EDITS = 6;
export const BREAKGLASS_EDITS = 3;
const NODE_BUDGET = 200_000;

export type EventType = 'faculty_absence' | 'resident_sick_day';

export interface RecoveryEvent {
  type: EventType;
  personId: string;
  date: string;
}

export interface Edit {
  type: 'reassign' | 'move';
  person_id: string;
  from_assignment_id: string | null;
  service_id: string;
  shift_type_id: string;
  date: string;
}

export interface EventResult {
  event: RecoveryEvent;
  status: 'recovered' | 'infeasible' | 'search_limit';
  distance: number | null;
  gaps: number;
  edits: Edit[];
  nodes: number;
}

/** Worst first: people ranked by what their loss breaks, each on the day with most short slots. */
export function planEvents(model: CoverageModel, maxEvents: number): RecoveryEvent[] {
  const ranked = [...model.losses.values()]
    .filter((l) => l.requiredShifts > 0)
    .sort(
      (a, b) => b.uncoverable.length - a.uncoverable.length || b.affected.length - a.affected.length || b.requiredShifts - a.requiredShifts || a.personId.localeCompare(b.personId),
    );
  const events: RecoveryEvent[] = [];
  for (const loss of ranked.slice(0, maxEvents)) {
    const perDay = new Map<string, number>();
    for (const c of loss.affected.length > 0 ? loss.affected : model.slots.filter((s) => [...s.faculty, ...s.residents].some((x) => x.personId === loss.personId))) {
      perDay.set(c.slot.date, (perDay.get(c.slot.date) ?? 0) + 1);
    }
    const date = [...perDay.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
    if (date) events.push({ type: loss.role === 'faculty' ? 'faculty_absence' : 'resident_sick_day', personId: loss.personId, date });
  }
  return events;
}

interface Position {
  slot: CoveredSlot;
  role: CoverRole;
}

/** Assignment id of the shifts the search adds. */
const RECOVERY_ID = '(recovery)';

interface Applied {
  added: Shift;
  /** The shift a moved person gave up, and the slot position it counted for. */
  from?: Shift;
  fromPos?: Position;
  gap: Position;
}

/**
 * Search state for one event: counts per slot and role on the event's days, the roster being
 * edited, and the edits applied so far (undone on backtracking and by `rollback`).
 */
class Search {
  private readonly counts = new Map<string, number>();
  private readonly targets = new Map<string, number>();
  private readonly slotOf = new Map<Shift, Position>();
  private readonly touched = new Set<string>();
  private readonly byKey = new Map<string, Position>();
  private readonly applied: Applied[] = [];
  private readonly removed: Shift[] = [];
  readonly edits: Edit[] = [];
  nodes = 0;
  exhausted = false;

  constructor(
    private readonly model: CoverageModel,
    dates: ReadonlySet<string>,
    private readonly absentId: string,
  ) {
    for (const c of model.slots) {
      if (!dates.has(c.slot.date)) continue;
      for (const role of COVER_ROLES) {
        const min = minimumOf(c.slot, role);
        if (min === 0) continue;
        const key = `${c.index}|${role}`;
        const have = assigneesOf(c, role).length;
        this.counts.set(key, have);
        // A slot that was already short before the event is not the event's to fix.
        this.targets.set(key, Math.min(min, have));
        this.byKey.set(key, { slot: c, role });
        for (const s of assigneesOf(c, role)) this.slotOf.set(s, { slot: c, role });
      }
    }
  }

  private bump(p: Position, delta: number): void {
    const k = `${p.slot.index}|${p.role}`;
    this.counts.set(k, this.counts.get(k)! + delta);
    this.touched.add(k);
  }

  /** The event: the person's shifts of that day disappear. */
  removePerson(date: string): void {
    for (const s of [...this.model.roster.shiftsOn(this.absentId, date)]) {
      this.model.roster.remove(s);
      this.removed.push(s);
      const pos = this.slotOf.get(s);
      if (pos) this.bump(pos, -1);
    }
  }

  gaps(): Position[] {
    const out: Position[] = [];
    for (const k of this.touched) if (this.counts.get(k)! < this.targets.get(k)!) out.push(this.byKey.get(k)!);
    return out.sort((a, b) => a.slot.slot.startMs - b.slot.slot.startMs || a.slot.index - b.slot.index || a.role.localeCompare(b.role));
  }

  private apply(a: Applied, edit: Edit): void {
    if (a.from) this.model.roster.remove(a.from);
    this.model.roster.add(a.added);
    if (a.fromPos) this.bump(a.fromPos, -1);
    this.bump(a.gap, +1);
    this.applied.push(a);
    this.edits.push(edit);
  }

  private undo(): void {
    const a = this.applied.pop()!;
    this.edits.pop();
    this.bump(a.gap, -1);
    if (a.fromPos) this.bump(a.fromPos, +1);
    this.model.roster.remove(a.added);
    if (a.from) this.model.roster.add(a.from);
  }

  /** Puts the roster back as it was before the event. */
  rollback(): void {
    while (this.applied.length > 0) this.undo();
    for (const s of this.removed) this.model.roster.add(s);
  }

  /** Depth-limited search; true (edits left applied) when every gap closes within `depth` edits. */
  solve(depth: number): boolean {
    const gaps = this.gaps();
    if (gaps.length === 0) return true;
    if (gaps.length > depth) return false;
    if (++this.nodes > NODE_BUDGET) {
      this.exhausted = true;
      return false;
    }
    const gap = gaps[0]!;
    const slot = gap.slot.slot;
    const on = new Set(assigneesOf(gap.slot, gap.role).map((s) => s.personId));
    const edit = (type: Edit['type'], personId: string, from: Shift | undefined): Edit => ({
      type,
      person_id: personId,
      from_assignment_id: from?.assignmentId ?? null,
      service_id: slot.serviceId,
      shift_type_id: slot.shiftTypeId,
      date: slot.date,
    });
    for (const q of this.model.pool.of(slot, gap.role)) {
      if (q.id === this.absentId || on.has(q.id)) continue;
      // Reassign: the person is free (a backup on this slot gives up the backup duty).
      const backup = gap.slot.backups.find((b) => b.personId === q.id);
      if (this.model.roster.canTake(q.id, slot, backup)) {
        this.apply({ added: this.model.roster.shiftFor(q.id, slot, RECOVERY_ID), gap }, edit('reassign', q.id, backup));
        if (this.solve(depth - 1)) return true;
        this.undo();
        if (this.exhausted) return false;
      }
      // Move: the person leaves one of their shifts around that time for this slot.
      for (const d of [addDays(slot.date, -1), slot.date, addDays(slot.date, 1)]) {
        for (const from of [...this.model.roster.shiftsOn(q.id, d)]) {
          if (from.assignmentId === RECOVERY_ID || !this.model.roster.canTake(q.id, slot, from)) continue;
          const fromPos = this.slotOf.get(from);
          this.apply({ added: this.model.roster.shiftFor(q.id, slot, RECOVERY_ID), from, ...(fromPos ? { fromPos } : {}), gap }, edit('move', q.id, from));
          if (this.solve(depth - 1)) return true;
          this.undo();
          if (this.exhausted) return false;
        }
      }
    }
    return false;
  }
}

/** Runs one event on the model's roster and leaves the roster as it found it. */
export function recoverEvent(model: CoverageModel, event: RecoveryEvent): EventResult {
  const dates = new Set([addDays(event.date, -1), event.date, addDays(event.date, 1)]);
  const search = new Search(model, dates, event.personId);
  search.removePerson(event.date);
  const gaps = search.gaps().length;
  let found: number | null = null;
  for (let depth = gaps; depth <= MAX_EDITS && !search.exhausted; depth++) {
    if (search.solve(depth)) {
      found = search.edits.length;
      break;
    }
  }
  const edits = [...search.edits];
  search.rollback();
  return {
    event,
    status: found !== null ? 'recovered' : search.exhausted ? 'search_limit' : 'infeasible',
    distance: found,
    gaps,
    edits,
    nodes: search.nodes,
  };
}

/** 0 for a single-edit fix, rising to 1 at 4+ edits; an event with no recovery counts 1. */
export function eventFragility(r: EventResult): number {
  if (r.distance === null) return 1;
  return Math.min(1, Math.max(0, (r.distance - 1) / 3));
}

export function fragilitySeverity(f: number): 'resilient' | 'moderate' | 'fragile' | 'brittle' {
  if (f < 0.15) return 'resilient';
  if (f < 0.35) return 'moderate';
  if (f < 0.6) return 'fragile';
  return 'brittle';
}

const editShape = z.object({
  type: z.enum(['reassign', 'move']),
  person_id: z.string(),
  from_assignment_id: z.string().nullable(),
  service_id: z.string(),
  shift_type_id: z.string(),
  date: z.string(),
});

export const recoveryOutput = {
  analyzed_at: z.string(),
  events_tested: z.number(),
  rd_mean: z.number().nullable(),
  rd_median: z.number().nullable(),
  rd_p95: z.number().nullable(),
  rd_max: z.number().nullable(),
  breakglass_count: z.number(),
  infeasible_count: z.number(),
  search_limited_count: z.number(),
  by_event_type: z.record(z.string(), z.object({ events: z.number(), rd_mean: z.number().nullable(), infeasible: z.number() })),
  fragility_score: z.number(),
  sample_results: z.array(
    z.object({
      event_type: z.enum(['faculty_absence', 'resident_sick_day']),
      person_id: z.string(),
      date: z.string(),
      status: z.enum(['recovered', 'infeasible', 'search_limit']),
      recovery_distance: z.number().nullable(),
      gaps: z.number(),
      edits: z.array(editShape),
    }),
  ),
  max_edits_searched: z.number(),
  recommendations: z.array(z.string()),
  severity: z.enum(['resilient', 'moderate', 'fragile', 'brittle']),
};

export function summariseRecovery(results: readonly EventResult[], includeSamples: boolean) {
  const distances = results.filter((r) => r.distance !== null).map((r) => r.distance!);
  const unresolved = results.filter((r) => r.distance === null);
  const fragility = results.length === 0 ? 0 : mean(results.map(eventFragility));
  const byType: Record<string, { events: number; rd_mean: number | null; infeasible: number }> = {};
  for (const type of ['faculty_absence', 'resident_sick_day'] as const) {
    const of = results.filter((r) => r.event.type === type);
    if (of.length === 0) continue;
    const d = of.filter((r) => r.distance !== null).map((r) => r.distance!);
    byType[type] = { events: of.length, rd_mean: d.length ? mean(d) : null, infeasible: of.length - d.length };
  }
  const recommendations: string[] = [];
  for (const r of unresolved.slice(0, 5)) {
    recommendations.push(`Losing ${r.event.personId} on ${r.event.date} cannot be covered within ${MAX_EDITS} edits: add a qualified backup for that day.`);
  }
  const breakglass = distances.filter((d) => d > BREAKGLASS_EDITS).length;
  if (breakglass > 0) recommendations.push(`${breakglass} event(s) need more than ${BREAKGLASS_EDITS} edits: add slack (backups or lighter adjacent shifts) around them.`);
  return {
    events_tested: results.length,
    rd_mean: distances.length ? mean(distances) : null,
    rd_median: distances.length ? median(distances) : null,
    rd_p95: distances.length ? percentile(distances, 95) : null,
    rd_max: distances.length ? Math.max(...distances) : null,
    breakglass_count: breakglass,
    infeasible_count: unresolved.length,
    search_limited_count: results.filter((r) => r.status === 'search_limit').length,
    by_event_type: byType,
    fragility_score: fragility,
    sample_results: includeSamples
      ? results.map((r) => ({
          event_type: r.event.type,
          person_id: r.event.personId,
          date: r.event.date,
          status: r.status,
          recovery_distance: r.distance,
          gaps: r.gaps,
          edits: r.edits,
        }))
      : [],
    max_edits_searched: MAX_EDITS,
    recommendations,
    severity: fragilitySeverity(fragility),
  };
}
