/**
 * Swap partners for one assignment, found in the schedule: people who could take it
 * (absorb) or trade one of their own assignments for it (one_to_one) with neither side
 * breaking a rule afterwards. Scored with the real server's weights:
 *   0.25 date proximity + 0.30 preference alignment + 0.20 workload balance
 *   + 0.15 swap history + 0.10 availability,
 * and ranked by score x 1.5 when the swap suits both sides (mutual interest).
 */
import type { Person } from '../domain/program';
import type { Shift } from '../domain/snapshot';
import { DAY_MS, dateToMs, weekdayOf } from '../domain/time';
import { restAround, type EligibilityIndex } from './eligibility';
import { round2 } from './findings';
import type { DateRange } from './person';

export const SWAP_WEIGHTS = { dateProximity: 0.25, preference: 0.3, workload: 0.2, history: 0.15, availability: 0.1 } as const;
export const MUTUAL_BONUS = 1.5;

export interface SwapCandidate {
  personId: string;
  role: Person['role'];
  pgy?: number;
  swapType: 'one_to_one' | 'absorb';
  /** The candidate's assignment given in exchange (one_to_one). */
  theirAssignment?: Shift;
  score: number;
  rankingScore: number;
  mutual: boolean;
  factors: { date_proximity: number; preference_alignment: number; workload_balance: number; swap_history: number; availability: number };
  hours: { requester_before: number; requester_after: number; candidate_before: number; candidate_after: number };
  approvalLikelihood: 'low' | 'medium' | 'high';
}

export interface SwapSearch {
  requester: Person;
  shift: Shift;
  /** Dates of the candidates' own assignments considered for a trade. */
  window: DateRange;
  /** Executed swaps so far between the requester and each person (negative for rolled back). */
  history: ReadonlyMap<string, number>;
  /** Consider only this person (default everyone who could): a candidate's score depends on nobody else. */
  onlyPerson?: string;
  checkCancelled?(): void;
}

export function findSwapCandidates(index: EligibilityIndex, search: SwapSearch): { candidates: SwapCandidate[]; considered: number; rejected: number } {
  const snap = index.snapshot;
  const { requester, shift } = search;
  const from = search.window.start;
  const to = search.window.end;
  const load = (id: string, removes: readonly Shift[] = [], adds: readonly Shift[] = []) => {
    const around = 14 * DAY_MS;
    const near = (s: Shift) => Math.abs(s.startMs - shift.startMs) <= around;
    const base = (snap.byPerson.get(id) ?? []).filter(near).reduce((n, s) => n + s.countedHours, 0);
    return base - removes.filter(near).reduce((n, s) => n + s.countedHours, 0) + adds.filter(near).reduce((n, s) => n + s.countedHours, 0);
  };
  const out: SwapCandidate[] = [];
  let considered = 0;
  let rejected = 0;
  const pool = snap.people.filter(
    (p) =>
      p.id !== requester.id &&
      (search.onlyPerson === undefined || p.id === search.onlyPerson) &&
      p.role === requester.role &&
      p.active &&
      (!p.services || p.services.includes(shift.serviceId)),
  );
  // Whether the requester could take a shift given in exchange depends on its slot and role
  // only (its times follow from them), not on whose it was: asked once per slot.
  const requesterTakes = new Map<string, boolean>();
  const requesterCould = (theirs: Shift) => {
    const key = `${theirs.serviceId}|${theirs.shiftTypeId}|${theirs.date}|${theirs.role}`;
    let ok = requesterTakes.get(key);
    if (ok === undefined) requesterTakes.set(key, (ok = index.check(requester, [theirs], new Set([shift.assignmentId])).ok));
    return ok;
  };
  for (const person of pool) {
    search.checkCancelled?.();
    const options: { type: SwapCandidate['swapType']; theirs?: Shift }[] = [{ type: 'absorb' }];
    for (const s of snap.byPerson.get(person.id) ?? []) {
      if (s.date < from || s.date > to || s.role === 'backup') continue;
      if (s.serviceId === shift.serviceId && s.shiftTypeId === shift.shiftTypeId && s.date === shift.date) continue;
      options.push({ type: 'one_to_one', theirs: s });
    }
    for (const option of options) {
      considered++;
      const mine = { ...shift, personId: person.id };
      const theirs = option.theirs ? { ...option.theirs, personId: requester.id } : undefined;
      const candidateOk = index.check(person, [mine], new Set(option.theirs ? [option.theirs.assignmentId] : []));
      if (!candidateOk.ok || (theirs && !requesterCould(theirs))) {
        rejected++;
        continue;
      }
      out.push(score(index, search, person, option.type, option.theirs, load));
    }
  }
  out.sort((a, b) => b.rankingScore - a.rankingScore || a.personId.localeCompare(b.personId));
  return { candidates: out, considered, rejected };
}

function score(
  index: EligibilityIndex,
  search: SwapSearch,
  person: Person,
  type: SwapCandidate['swapType'],
  theirs: Shift | undefined,
  load: (id: string, removes?: readonly Shift[], adds?: readonly Shift[]) => number,
): SwapCandidate {
  const { requester, shift } = search;
  const days = theirs ? Math.abs(dateToMs(theirs.date) - dateToMs(shift.date)) / DAY_MS : 0;
  const span = Math.max(1, (dateToMs(search.window.end) - dateToMs(search.window.start)) / DAY_MS / 2);
  const dateProximity = Math.max(0, 1 - days / span);

  // Preferences: 0.5 neutral; +0.5 for a preferred shift type, -0.5 for an avoided day or type.
  const likes = (p: Person, s: Shift) => {
    const pref = p.preferences;
    if (!pref) return 0.5;
    let v = 0.5;
    if (pref.preferShiftTypes.includes(s.shiftTypeId)) v += 0.5;
    if (pref.avoidShiftTypes.includes(s.shiftTypeId)) v -= 0.5;
    if (pref.avoidDays.includes(weekdayOf(s.date))) v -= 0.5;
    return Math.min(1, Math.max(0, v));
  };
  const candidateLikes = likes(person, shift);
  const requesterLikes = theirs ? likes(requester, theirs) : 1;
  const requesterDislikesOwn = 1 - likes(requester, shift);
  const preference = (candidateLikes + requesterLikes) / 2;
  const candidateGains = candidateLikes > 0.5 || (theirs !== undefined && likes(person, theirs) < 0.5);
  const requesterGains = requesterDislikesOwn > 0.5 || (theirs !== undefined && requesterLikes > 0.5);
  const mutual = candidateGains && requesterGains;

  const reqBefore = load(requester.id);
  const candBefore = load(person.id);
  const reqAfter = load(requester.id, [shift], theirs ? [{ ...theirs }] : []);
  const candAfter = load(person.id, theirs ? [theirs] : [], [shift]);
  const gapBefore = Math.abs(reqBefore - candBefore);
  const gapAfter = Math.abs(reqAfter - candAfter);
  // 1 when the swap narrows the workload gap by 80 h or more, 0.5 when it is neutral.
  const workload = Math.min(1, Math.max(0, 0.5 + (gapBefore - gapAfter) / 160));

  const past = search.history.get(person.id) ?? 0;
  const history = Math.min(1, Math.max(0, 0.5 + 0.25 * past));

  const rest = restAround(index.snapshot, person.id, shift, new Set(theirs ? [theirs.assignmentId] : []));
  const availability = Math.min(1, rest / 24);

  const raw =
    SWAP_WEIGHTS.dateProximity * dateProximity +
    SWAP_WEIGHTS.preference * preference +
    SWAP_WEIGHTS.workload * workload +
    SWAP_WEIGHTS.history * history +
    SWAP_WEIGHTS.availability * availability;
  const value = round2(Math.min(1, raw));
  return {
    personId: person.id,
    role: person.role,
    ...(person.pgy !== undefined ? { pgy: person.pgy } : {}),
    swapType: type,
    ...(theirs ? { theirAssignment: theirs } : {}),
    score: value,
    rankingScore: round2(value * (mutual ? MUTUAL_BONUS : 1)),
    mutual,
    factors: {
      date_proximity: round2(dateProximity),
      preference_alignment: round2(preference),
      workload_balance: round2(workload),
      swap_history: round2(history),
      availability: round2(availability),
    },
    hours: { requester_before: round2(reqBefore), requester_after: round2(reqAfter), candidate_before: round2(candBefore), candidate_after: round2(candAfter) },
    approvalLikelihood: value >= 0.75 ? 'high' : value >= 0.5 ? 'medium' : 'low',
  };
}
