/**
 * The pictures a run panel draws, as plain data read from a run's step results: the hours
 * heat map and SPC charts (run_spc_analysis), the utilization gauge, the unified index's
 * top list, a draft's diff (preview_draft) and a swap's ranked candidates (the swap
 * workflow's ranking and selection steps). Pure and host-free: the webview only draws it.
 * Results are read leniently; a picture whose data the server did not give is left out.
 */
import type { Finding } from '../workflows/shared/findings';
import { bool, list, num, obj, str, strings, type Json } from '../workflows/shared/read';
import { unifiedIndex, utilizationLevel, utilizationRate } from '../workflows/shared/signals';
import type { RunSnapshot, StepSnapshot } from './runSnapshot';

/** The ACGME weekly limit (VI.F.1: 80 hours per week) the heat map colours against. */
export const WEEKLY_HOURS_LIMIT = 80;
/** SPC charts drawn at most (the residents findings name come first). */
export const MAX_SPC_CHARTS = 4;
/** Rows of the unified index's top list and of the draft diff. */
export const TOP_ROWS = 10;

/** Rule families of the ACGME common requirements (section VI); every other rule is the program's own policy. */
const ACGME_FAMILIES: ReadonlySet<string> = new Set([
  'weekly_hours',
  'approaching_weekly_hours',
  'day_off',
  'supervision',
  'continuous_duty',
  'rest',
  'call_frequency',
  'moonlighting',
]);

export function isAcgmeFinding(finding: Pick<Finding, 'rule' | 'ruleId'>): boolean {
  return /^VI\./i.test(finding.ruleId ?? '') || ACGME_FAMILIES.has(finding.rule);
}

export interface HeatMap {
  weeks: string[];
  limit: number;
  rows: { person: string; hours: number[] }[];
}

export interface SpcChart {
  person: string;
  weeks: string[];
  hours: number[];
  centerline: number;
  /** 1, 2 and 3 sigma limits, when the server gave them. */
  limits: { sigma: 1 | 2 | 3; upper: number; lower: number }[];
  /** Indexes of the weeks an alert flags. */
  flagged: number[];
  /** True when a finding names this resident. */
  named: boolean;
}

export interface UtilizationGauge {
  rate: number;
  level: string | null;
  message: string | null;
}

export interface IndexEntry {
  id: string;
  name: string | null;
  score: number;
  pattern: string | null;
}

export interface UnifiedTop {
  /** The program's index 0-100. */
  overall: number | null;
  riskLevel: string | null;
  entries: IndexEntry[];
}

export interface DraftPersonDiff {
  person: string;
  name: string | null;
  hoursBefore: number;
  hoursAfter: number;
  added: string[];
  removed: string[];
}

export interface DraftDiff {
  draftId: string | null;
  range: string | null;
  added: number;
  removed: number;
  people: DraftPersonDiff[];
  /** People with changes beyond the rows listed. */
  more: number;
}

export interface SwapCandidateRow {
  person: string;
  rank: number;
  matchScore: number;
  mutual: boolean;
  swapType: string;
  assignment: string | null;
  chosen: boolean;
  /** From the impact assessment, when the candidate was assessed. */
  compliant: boolean | null;
}

export interface SwapPicture {
  path: string | null;
  reason: string | null;
  candidates: SwapCandidateRow[];
}

export interface PanelPictures {
  heatMap: HeatMap | null;
  spc: SpcChart[];
  utilization: UtilizationGauge | null;
  unified: UnifiedTop | null;
  draftDiff: DraftDiff | null;
  swap: SwapPicture | null;
}

function steps(snapshot: RunSnapshot): StepSnapshot[] {
  return snapshot.phases.flatMap((p) => p.steps);
}

/** The data of the succeeded steps answering `capability`, in the plan's order. */
function dataOf(snapshot: RunSnapshot, match: (s: StepSnapshot) => boolean): Json[] {
  return steps(snapshot).flatMap((s) => {
    const data = s.result?.status === 'succeeded' ? obj(s.result.data) : undefined;
    return data && match(s) ? [data] : [];
  });
}

const byCapability = (capability: string) => (s: StepSnapshot) => s.capability === capability;
const byStep = (stepId: string) => (s: StepSnapshot) => s.stepId === stepId;

interface Series {
  person: string;
  weeks: string[];
  hours: number[];
  violations: number;
}

function spcSeries(data: Json): Series[] {
  return (list(data, 'residents') ?? []).flatMap((r) => {
    const person = str(r, 'resident_id', 'person_id');
    const hours = (Array.isArray(r['weekly_hours']) ? r['weekly_hours'] : []).filter((h): h is number => typeof h === 'number' && Number.isFinite(h));
    if (!person || hours.length === 0) return [];
    const starts = strings(r, 'week_starts') ?? [];
    const weeks = hours.map((_, i) => starts[i] ?? `week ${i + 1}`);
    return [{ person, weeks, hours, violations: num(r, 'violations_detected') ?? 0 }];
  });
}

/** Person x week counted hours, from the last SPC result that carries per-resident series. */
export function heatMap(snapshot: RunSnapshot): HeatMap | null {
  const series = dataOf(snapshot, byCapability('run_spc_analysis'))
    .map(spcSeries)
    .filter((s) => s.length > 0)
    .pop();
  if (!series) return null;
  const weeks = series.reduce<string[]>((longest, s) => (s.weeks.length > longest.length ? s.weeks : longest), []);
  return {
    weeks,
    limit: WEEKLY_HOURS_LIMIT,
    rows: series.map((s) => ({ person: s.person, hours: s.hours })),
  };
}

/** SPC charts for the residents the findings name, then the ones with the most rule violations. */
export function spcCharts(snapshot: RunSnapshot, findings: readonly Finding[]): SpcChart[] {
  const data = dataOf(snapshot, byCapability('run_spc_analysis'))
    .filter((d) => spcSeries(d).length > 0)
    .pop();
  if (!data) return [];
  const limits = obj(data['control_limits']);
  const centerline = num(limits, 'centerline');
  if (centerline === undefined) return [];
  const bands = ([1, 2, 3] as const).flatMap((sigma) => {
    const upper = num(limits, `ucl_${sigma}sigma`);
    const lower = num(limits, `lcl_${sigma}sigma`);
    return upper !== undefined && lower !== undefined ? [{ sigma, upper, lower }] : [];
  });
  const named = new Set(findings.flatMap((f) => (f.person ? [f.person] : [])));
  const alerts = list(data, 'alerts') ?? [];
  const series = spcSeries(data);
  const chosen = [...series.filter((s) => named.has(s.person)), ...series.filter((s) => !named.has(s.person) && s.violations > 0).sort((a, b) => b.violations - a.violations)];
  return chosen.slice(0, MAX_SPC_CHARTS).map((s) => ({
    person: s.person,
    weeks: s.weeks,
    hours: s.hours,
    centerline,
    limits: bands,
    flagged: [
      ...new Set(
        alerts
          .filter((a) => str(a, 'resident_id') === s.person)
          .flatMap((a) => (Array.isArray(a['data_points']) ? a['data_points'] : []))
          .filter((i): i is number => typeof i === 'number' && i >= 0 && i < s.hours.length),
      ),
    ].sort((a, b) => a - b),
    named: named.has(s.person),
  }));
}

/** The latest utilization result (a draft's, when the run checked one, comes last in the plan). */
export function utilizationGauge(snapshot: RunSnapshot): UtilizationGauge | null {
  const data = dataOf(snapshot, byCapability('check_utilization_threshold')).pop();
  const rate = utilizationRate(data);
  if (!data || rate === undefined) return null;
  return {
    rate,
    level: utilizationLevel(data) ?? null,
    message: str(data, 'message') ?? null,
  };
}

export function unifiedTop(snapshot: RunSnapshot): UnifiedTop | null {
  const data = dataOf(snapshot, byCapability('get_unified_critical_index')).pop();
  if (!data) return null;
  const entries = (list(data, 'top_critical_faculty', 'top_critical', 'entries') ?? []).flatMap((e) => {
    const id = str(e, 'faculty_id', 'person_id', 'id');
    const score = num(e, 'composite_index', 'score', 'index');
    return id && score !== undefined
      ? [
          {
            id,
            name: str(e, 'faculty_name', 'name') ?? null,
            score,
            pattern: str(e, 'risk_pattern', 'pattern') ?? null,
          },
        ]
      : [];
  });
  const overall = unifiedIndex(data) ?? null;
  if (entries.length === 0 && overall === null) return null;
  entries.sort((a, b) => b.score - a.score);
  return {
    overall,
    riskLevel: str(data, 'risk_level') ?? null,
    entries: entries.slice(0, TOP_ROWS),
  };
}

function shift(a: Json): string {
  return [str(a, 'date'), str(a, 'service_id'), str(a, 'shift_type_id')].filter(Boolean).join(' ');
}

/** Per person: hours before and after and the assignments the draft adds and removes. */
export function draftDiff(snapshot: RunSnapshot): DraftDiff | null {
  const data = dataOf(snapshot, byCapability('preview_draft')).pop();
  const people = list(data, 'people');
  if (!data || !people) return null;
  const rows = people.flatMap((p) => {
    const person = str(p, 'person_id');
    const before = num(p, 'hours_before');
    const after = num(p, 'hours_after');
    if (!person || before === undefined || after === undefined) return [];
    return [
      {
        person,
        name: str(p, 'name') ?? null,
        hoursBefore: before,
        hoursAfter: after,
        added: (list(p, 'added') ?? []).map(shift),
        removed: (list(p, 'removed') ?? []).map(shift),
      },
    ];
  });
  const changed = rows.filter((r) => r.added.length + r.removed.length > 0 || r.hoursBefore !== r.hoursAfter);
  changed.sort((a, b) => Math.abs(b.hoursAfter - b.hoursBefore) - Math.abs(a.hoursAfter - a.hoursBefore) || a.person.localeCompare(b.person));
  const range = strings(data, 'date_range');
  return {
    draftId: str(data, 'draft_id') ?? null,
    range: range && range.length === 2 ? `${range[0]} .. ${range[1]}` : null,
    added: num(data, 'metrics.changes.added') ?? rows.reduce((n, r) => n + r.added.length, 0),
    removed: num(data, 'metrics.changes.removed') ?? rows.reduce((n, r) => n + r.removed.length, 0),
    people: changed.slice(0, TOP_ROWS),
    more: Math.max(0, changed.length - TOP_ROWS),
  };
}

/** The swap workflow's ranked candidates, the one its selection chose and what the impact said. */
export function swapPicture(snapshot: RunSnapshot): SwapPicture | null {
  const ranking = dataOf(snapshot, byStep('ranking')).pop();
  const ranked = list(ranking, 'candidates');
  if (!ranked) return null;
  const selection = dataOf(snapshot, (s) => s.stepId === 'selection' || s.stepId === 'select_automated' || s.stepId === 'select_manual').shift();
  const chosen = str(selection, 'candidate.person');
  const assessed = new Map(
    (list(selection, 'assessed') ?? []).flatMap((a) => {
      const p = str(a, 'person');
      return p ? [[p, bool(a, 'compliant') ?? null] as const] : [];
    }),
  );
  return {
    path: str(selection, 'path') ?? null,
    reason: str(selection, 'reason') ?? null,
    candidates: ranked.flatMap((c) => {
      const person = str(c, 'person');
      if (!person) return [];
      return [
        {
          person,
          rank: num(c, 'rank') ?? 0,
          matchScore: num(c, 'matchScore') ?? 0,
          mutual: bool(c, 'mutual') === true,
          swapType: str(c, 'swapType') ?? 'absorb',
          assignment: str(c, 'assignment') ?? null,
          chosen: person === chosen,
          compliant: assessed.get(person) ?? null,
        },
      ];
    }),
  };
}

export function panelPictures(snapshot: RunSnapshot, findings: readonly Finding[]): PanelPictures {
  return {
    heatMap: heatMap(snapshot),
    spc: spcCharts(snapshot, findings),
    utilization: utilizationGauge(snapshot),
    unified: unifiedTop(snapshot),
    draftDiff: draftDiff(snapshot),
    swap: swapPicture(snapshot),
  };
}
