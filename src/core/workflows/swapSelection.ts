/**
 * A swap's candidates and the choice among them: the ranking by the seed's sort key, the
 * three-way branch, and the selection after the impact assessment (automated) or for the
 * coordinator (manual). Shared by the workflow definition and its outcome.
 */
import { findingFrom, mergeFindings, validationFindings, type Finding } from './shared/findings';
import type { ResultView } from './shared/outcome';
import { bool, list, num, str, type Json } from './shared/read';

/** Candidates assessed automatically on the hypothetical schedule. */
export const TOP_ASSESSED = 3;
export const IMPACT_STEPS = ['impact_1', 'impact_2', 'impact_3'] as const;

export type Candidate = {
  person: string;
  /** one_to_one: the candidate gives `assignment` back; absorb: the candidate only takes the shift. */
  swapType: 'one_to_one' | 'absorb';
  /** The candidate's own assignment given in exchange (one-to-one). */
  assignment?: string;
  matchScore: number;
  mutual: boolean;
  rank: number;
  /** match score x 1.5 when the swap helps both (the seed's phase 2 sort key). */
  sortKey: number;
  preferred: boolean;
};

/**
 * Ranked candidates: the preferred one first when present, then by the seed's sort key. A
 * candidate's assignment other than the requested one is given back (one-to-one) unless the
 * server says the swap type.
 */
export function rankCandidates(data: Json | undefined, preferred: string | undefined, requested?: string): Candidate[] {
  const raw = list(data, 'candidates') ?? [];
  const out = raw
    .map((c) => {
      const person = str(c, 'candidate_person_id', 'person_id', 'faculty_id', 'id');
      if (!person) return undefined;
      const matchScore = num(c, 'match_score', 'score') ?? 0;
      const mutual = bool(c, 'mutual_benefit', 'mutual') === true;
      const theirs = str(c, 'assignment_id', 'candidate_assignment_id');
      const stated = str(c, 'swap_type');
      const swapType = stated === 'absorb' || stated === 'one_to_one' ? stated : theirs && theirs !== requested ? 'one_to_one' : 'absorb';
      const candidate: Candidate = { person, swapType, matchScore, mutual, rank: 0, sortKey: matchScore * (mutual ? 1.5 : 1), preferred: person === preferred };
      if (swapType === 'one_to_one' && theirs) candidate.assignment = theirs;
      return candidate;
    })
    .filter((c): c is Candidate => c !== undefined);
  out.sort((a, b) => Number(b.preferred) - Number(a.preferred) || b.sortKey - a.sortKey || a.person.localeCompare(b.person));
  out.forEach((c, i) => (c.rank = i + 1));
  return out;
}

export type SwapPath = 'automated' | 'manual' | 'escalate';

/** The seed's branch: 3 or more -> automated, 1–2 -> manual review, 0 -> escalate. */
export function swapPath(candidates: number): SwapPath {
  if (candidates >= TOP_ASSESSED) return 'automated';
  return candidates > 0 ? 'manual' : 'escalate';
}

export function candidatesOf(ctx: ResultView): Candidate[] {
  const ranked = ctx.data('ranking')?.['candidates'];
  return Array.isArray(ranked) ? (ranked as Candidate[]) : [];
}

/**
 * What the impact assessment of one candidate says (validate_swap on the hypothetical
 * schedule): its errors refuse the swap (critical), its warnings are notes; servers that
 * report validator issues instead are read like validate_schedule.
 */
export function impactOf(data: Json | undefined, source: string): { compliant: boolean; findings: Finding[]; affected: number | undefined } {
  const coded = (key: string, severity: Finding['severity']) => (list(data, key) ?? []).map((e) => findingFrom({ ...e, severity, rule_type: str(e, 'code') ?? 'swap' }, source));
  const findings = mergeFindings(validationFindings(data, source), coded('errors', 'critical'), coded('warnings', 'low'));
  const valid = bool(data, 'is_valid', 'valid', 'compliant');
  const compliant = (valid ?? true) && !findings.some((f) => f.severity === 'critical' || f.severity === 'high');
  return { compliant, findings, affected: num(data, 'affected_people', 'impact.affected_people') };
}

export type Selection = {
  path: SwapPath;
  candidate: Candidate | null;
  compliant: boolean | null;
  findings: Finding[];
  reason: string;
  assessed: { person: string; compliant: boolean; findings: number }[];
};

/** Automated path: the preferred or best-ranked candidate whose swap keeps the schedule compliant. */
export function selectAutomated(view: ResultView): Selection {
  const candidates = candidatesOf(view).slice(0, TOP_ASSESSED);
  const assessed = candidates.map((c, i) => {
    const stepId = IMPACT_STEPS[i]!;
    const data = view.data(stepId);
    return { candidate: c, data, impact: data ? impactOf(data, stepId) : undefined };
  });
  const ok = assessed.filter((a) => a.impact?.compliant === true);
  const summary = assessed.map((a) => ({ person: a.candidate.person, compliant: a.impact?.compliant ?? false, findings: a.impact?.findings.length ?? 0 }));
  if (ok.length === 0) {
    return {
      path: 'automated',
      candidate: null,
      compliant: false,
      findings: mergeFindings(...assessed.map((a) => a.impact?.findings ?? [])),
      reason: assessed.some((a) => a.impact) ? 'no assessed candidate keeps the schedule compliant' : 'the impact assessment was unavailable',
      assessed: summary,
    };
  }
  const best = ok[0]!;
  return {
    path: 'automated',
    candidate: best.candidate,
    compliant: true,
    findings: best.impact!.findings,
    reason: `rank ${best.candidate.rank} of ${candidates.length} assessed`,
    assessed: summary,
  };
}

/** Manual path: the preferred or top candidate, previewed but chosen by the coordinator. */
export function selectManual(view: ResultView): Selection {
  const candidate = candidatesOf(view)[0] ?? null;
  const data = view.data('preview_manual');
  const impact = data ? impactOf(data, 'preview_manual') : undefined;
  return {
    path: 'manual',
    candidate,
    compliant: impact ? impact.compliant : null,
    findings: impact?.findings ?? [],
    reason: `only ${candidatesOf(view).length} candidate(s): coordinator review`,
    assessed: candidate ? [{ person: candidate.person, compliant: impact?.compliant ?? false, findings: impact?.findings.length ?? 0 }] : [],
  };
}

export function selectionOf(view: ResultView): Selection | undefined {
  return (view.data('selection') as Selection | undefined) ?? (view.data('select_automated') as Selection | undefined) ?? (view.data('select_manual') as Selection | undefined);
}
