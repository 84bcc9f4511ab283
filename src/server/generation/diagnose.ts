/**
 * Names the binding constraints of a request that cannot be met. Cheap supply checks run
 * before solving (a slot with fewer eligible people than it needs, more simultaneous
 * positions than people, more restricted hours or calls in a 28-day window than the
 * eligible group may work); when the solver or the greedy constructor still fails, the
 * slots left short are explained by the rules that blocked each eligible person.
 */
import { isAbsent, type ScheduleSnapshot } from '../domain/snapshot';
import { DAY_MS, addDays, msToDateTime } from '../domain/time';
import { RowState } from './greedy';
import { hoursInWindow, supervisionNeed, type LinearModel, type RowKind } from './model';
import { restAfter, windowBounds, type Problem } from './problem';

export interface Finding {
  /** What kind of limit binds. */
  constraint: 'supply' | 'supervision' | 'simultaneous' | 'window_hours' | 'window_calls' | 'rules';
  date: string;
  message: string;
}

const RULE_WORDS: Record<RowKind, string> = {
  coverage_residents: 'shift already full',
  coverage_faculty: 'shift already full',
  rest: 'overlap or too little rest',
  hours: 'the 80-hour limit',
  free_periods: 'the 1-day-in-7 rule',
  calls: 'the every-third-night call limit',
  consecutive_days: 'the consecutive duty-day limit',
  consecutive_nights: 'the consecutive-night limit',
  supervision: 'supervision ratio',
  equity: 'equity',
  short_rest: 'short rest',
};

function slotName(snapshot: ScheduleSnapshot, problem: Problem, s: number): string {
  const slot = problem.slots[s]!;
  const service = snapshot.services.get(slot.serviceId)?.name ?? slot.serviceId;
  const shift = snapshot.shiftTypes.get(slot.shiftTypeId)?.name ?? slot.shiftTypeId;
  return `${service} ${shift}`.toLowerCase();
}

function groupLabel(pgy: number[] | undefined): string {
  return pgy && pgy.length < 3 ? `PGY-${pgy.join('/')}` : 'residents';
}

/** Checks that need no solving; an empty list does not prove feasibility. */
export function supplyFindings(snapshot: ScheduleSnapshot, problem: Problem): Finding[] {
  const out: Finding[] = [];
  problem.slots.forEach((slot, s) => {
    const residents = problem.residentsBySlot[s]!.length;
    if (residents < slot.residentsMin) {
      const notes = problem.supplyNotes.get(s);
      out.push({
        constraint: 'supply',
        date: slot.date,
        message:
          `no eligible resident for ${slotName(snapshot, problem, s)} on ${slot.date}: needs ${slot.residentsMin}, ${residents} eligible` +
          `${slot.pgy ? ` (${groupLabel(slot.pgy)} only)` : ''}${notes ? `; others excluded: ${notes.join(', ')}` : ''}`,
      });
    }
    const faculty = problem.facultyBySlot[s]!.length;
    if (faculty < slot.facultyMin) {
      out.push({
        constraint: 'supply',
        date: slot.date,
        message: `not enough faculty to staff ${slotName(snapshot, problem, s)} on ${slot.date} ${msToDateTime(slot.startMs).slice(11)}: needs ${slot.facultyMin}, ${faculty} available`,
      });
    }
    const needToSupervise = supervisionNeed(problem, s, slot.residentsMin, 'fewest');
    const sup = problem.supervisors[s]!;
    const supervisors = new Set([...sup.fixedFaculty, ...sup.slots.flatMap((k) => problem.facultyBySlot[k]!.map((j) => problem.candidates[j]!.personId))]).size;
    if (supervisors < needToSupervise) {
      out.push({
        constraint: 'supervision',
        date: slot.date,
        message: `not enough faculty to supervise ${slotName(snapshot, problem, s)} on ${slot.date} ${msToDateTime(slot.startMs).slice(11)}: needs ${needToSupervise}, ${supervisors} available`,
      });
    }
  });
  out.push(...simultaneousFindings(snapshot, problem));
  out.push(...windowFindings(snapshot, problem));
  return out;
}

/**
 * Positions that no single person can hold together (they overlap in time, or one falls
 * within the rest the other requires) must be filled by different people: at each slot
 * start, a bipartite matching of such positions to eligible people. When it falls short,
 * the positions reachable from an unmatched one name the people-starved slots (Hall's set).
 */
function simultaneousFindings(snapshot: ScheduleSnapshot, problem: Problem): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const kind of ['residents', 'faculty'] as const) {
    const personIds = new Map<string, number>();
    const personIndex = (id: string): number => {
      let i = personIds.get(id);
      if (i === undefined) personIds.set(id, (i = personIds.size));
      return i;
    };
    const busyUntil = problem.slots.map((slot, i) => {
      const any = problem.candidates[(kind === 'residents' ? problem.residentsBySlot[i]! : problem.facultyBySlot[i]!)[0]!];
      if (!any) return slot.endMs;
      return any.dutyEndMs + (kind === 'residents' ? restAfter(any, problem.limits) : 0);
    });
    for (const t of [...new Set(problem.slots.map((s) => s.startMs))]) {
      const positions: number[][] = [];
      const slotOf: number[] = [];
      problem.slots.forEach((s, i) => {
        if (s.startMs > t || t >= busyUntil[i]!) return;
        const need = kind === 'residents' ? s.residentsMin : s.facultyMin;
        const eligible = (kind === 'residents' ? problem.residentsBySlot[i]! : problem.facultyBySlot[i]!).map((j) => personIndex(problem.candidates[j]!.personId));
        for (let k = 0; k < need; k++) {
          positions.push(eligible);
          slotOf.push(i);
        }
      });
      const { matched, starved } = matchPositions(positions);
      if (matched === positions.length) continue;
      const slots = [...new Set(starved.positions.map((p) => slotOf[p]!))];
      const key = `${kind}|${slots.join(',')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        constraint: 'simultaneous',
        date: msToDateTime(t).slice(0, 10),
        message: `around ${msToDateTime(t).replace('T', ' ')} ${starved.positions.length} ${kind} positions that one person cannot combine (overlap or rest) have only ${starved.people} eligible ${kind}: ${slots
          .map((i) => `${slotName(snapshot, problem, i)} ${problem.slots[i]!.date}`)
          .join(', ')}`,
      });
    }
  }
  return out;
}

/**
 * Maximum matching of positions (lists of acceptable people) by augmenting paths, and when
 * some stay unmatched, the positions and people reachable from them by alternating paths:
 * more positions than people there (Hall's condition fails).
 */
export function matchPositions(positions: number[][]): { matched: number; starved: { positions: number[]; people: number } } {
  const owner = new Map<number, number>();
  const tryAssign = (p: number, visited: Set<number>): boolean => {
    for (const person of positions[p]!) {
      if (visited.has(person)) continue;
      visited.add(person);
      const current = owner.get(person);
      if (current === undefined || tryAssign(current, visited)) {
        owner.set(person, p);
        return true;
      }
    }
    return false;
  };
  const unmatched: number[] = [];
  for (let p = 0; p < positions.length; p++) if (!tryAssign(p, new Set())) unmatched.push(p);
  const reachedPositions = new Set<number>(unmatched);
  const reachedPeople = new Set<number>();
  const stack = [...unmatched];
  while (stack.length > 0) {
    const p = stack.pop()!;
    for (const person of positions[p]!) {
      if (reachedPeople.has(person)) continue;
      reachedPeople.add(person);
      const next = owner.get(person);
      if (next !== undefined && !reachedPositions.has(next)) {
        reachedPositions.add(next);
        stack.push(next);
      }
    }
  }
  return { matched: positions.length - unmatched.length, starved: { positions: [...reachedPositions].sort((a, b) => a - b), people: reachedPeople.size } };
}

/**
 * For slots restricted to some PGY levels: in any 28-day window, the hours and calls they
 * require cannot exceed what the eligible residents may still work there.
 */
function windowFindings(snapshot: ScheduleSnapshot, problem: Problem): Finding[] {
  const out: Finding[] = [];
  const { windowDays, windowHours, maxCallsPerWindow } = problem.limits;
  const classes = new Map<string, number[]>();
  problem.slots.forEach((slot, s) => {
    if (slot.residentsMin === 0) return;
    const key = problem.residentsBySlot[s]!.map((j) => problem.candidates[j]!.personId)
      .sort()
      .join(',');
    const l = classes.get(key);
    if (l) l.push(s);
    else classes.set(key, [s]);
  });
  const start = problem.block.start;
  const [from, to] = windowBounds(start, windowDays);
  for (const [key, slots] of classes) {
    if (!key) continue;
    const people = key.split(',');
    // Every slot whose eligible people are a subset of this class competes for them.
    const competing = problem.slots
      .map((_, s) => s)
      .filter((s) => problem.slots[s]!.residentsMin > 0 && problem.residentsBySlot[s]!.every((j) => people.includes(problem.candidates[j]!.personId)));
    const inWindow = competing.filter((s) => problem.slots[s]!.startMs >= from && problem.slots[s]!.startMs < to);
    if (inWindow.length === 0) continue;
    const hoursNeeded = inWindow.reduce((sum, s) => sum + problem.slots[s]!.residentsMin * slotHours(problem, s), 0);
    const days = Math.min(windowDays, Math.round((to - from) / DAY_MS));
    const capacity = people.reduce((sum, id) => {
      const fixedHours = (problem.fixed.get(id) ?? []).reduce((h, f) => h + hoursInWindow(f, from, to), 0);
      return sum + Math.max(0, Math.min(windowHours, (windowHours * availableDays(snapshot, id, start, days)) / days) - fixedHours);
    }, 0);
    const label = `${[...new Set(slots.map((s) => slotName(snapshot, problem, s)))].join(', ')}`;
    if (hoursNeeded > capacity + 1e-6) {
      out.push({
        constraint: 'window_hours',
        date: start,
        message: `${label} in ${start}..${addDays(start, days - 1)} need ${Math.round(hoursNeeded)} resident-hours from ${people.length} eligible ${groupLabel(problem.slots[slots[0]!]!.pgy)} but the 80-hour limit allows at most ${Math.round(capacity)}`,
      });
    }
    const callsNeeded = inWindow.filter((s) => problem.candidates[problem.residentsBySlot[s]![0]!]?.kind === 'call_24').reduce((n, s) => n + problem.slots[s]!.residentsMin, 0);
    if (callsNeeded > people.length * maxCallsPerWindow) {
      out.push({
        constraint: 'window_calls',
        date: start,
        message: `${label} in ${start}..${addDays(start, days - 1)} need ${callsNeeded} in-house calls from ${people.length} eligible residents but every-third-night allows at most ${people.length * maxCallsPerWindow}`,
      });
    }
  }
  return out;
}

function slotHours(problem: Problem, s: number): number {
  const j = problem.residentsBySlot[s]![0];
  return j === undefined ? 0 : problem.candidates[j]!.countedHours;
}

function availableDays(snapshot: ScheduleSnapshot, personId: string, start: string, days: number): number {
  let n = 0;
  for (let d = 0; d < days; d++) {
    const date = addDays(start, d);
    if (!isAbsent(snapshot.absences, personId, date)) n++;
  }
  return n;
}

/**
 * Explains slots a partial assignment left short: for each eligible person, the rules
 * that block adding them, aggregated as "4 by the 80-hour limit, 2 by rest".
 */
export function unfilledFindings(snapshot: ScheduleSnapshot, problem: Problem, model: LinearModel, chosen: readonly number[], unfilled: readonly number[]): Finding[] {
  const state = new RowState(model);
  for (const j of chosen) state.set(j, 1);
  return unfilled.slice(0, 20).map((s) => {
    const slot = problem.slots[s]!;
    const residentsShort = slot.residentsMin - problem.residentsBySlot[s]!.filter((j) => state.value[j] === 1).length;
    const list = residentsShort > 0 ? problem.residentsBySlot[s]! : problem.facultyBySlot[s]!;
    const who = residentsShort > 0 ? 'resident' : 'faculty member';
    const reasons = new Map<string, number>();
    let absentOrIneligible = 0;
    for (const j of list) {
      if (state.value[j] === 1) continue;
      const rows = state.blockingRows(j);
      for (const kind of new Set(rows.map((r) => RULE_WORDS[model.rowTag[r]!.kind]))) reasons.set(kind, (reasons.get(kind) ?? 0) + 1);
    }
    for (const note of problem.supplyNotes.get(s) ?? []) absentOrIneligible += Number.parseInt(note, 10) || 0;
    const parts = [...reasons].sort((a, b) => b[1] - a[1]).map(([why, n]) => `${n} at ${why}`);
    if (absentOrIneligible > 0) parts.push(`${absentOrIneligible} absent or ineligible`);
    return {
      constraint: 'rules',
      date: slot.date,
      message: `no eligible ${who} for ${slotName(snapshot, problem, s)} on ${slot.date}${slot.pgy && residentsShort > 0 ? ` (${groupLabel(slot.pgy)})` : ''}: ${parts.join(', ') || 'none eligible'}`,
    } satisfies Finding;
  });
}
