/**
 * Violations and conflicts from different tools, in one shape: who, when, what was measured
 * against which limit, by how much, and how to fix it (the seed's recovery scenario 2 report).
 * The same problem reported by two tools (validate_schedule and detect_conflicts both see an
 * 80-hour breach) becomes one finding that names both sources.
 */
import { classifyIssue, knownFamily, UNCLASSIFIED, type Classification } from './classify';
import { at, list, num, obj, str, strings, type Json } from './read';

export type Severity = 'critical' | 'high' | 'medium' | 'low';

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 0, high: 1, medium: 2, low: 3 };

export type Finding = {
  /** Rule family + person + window start: the same problem from two tools has one id. */
  id: string;
  severity: Severity;
  /** Normalised rule family (e.g. `weekly_hours`, `supervision`, `double_booking`). */
  rule: string;
  /** The id the server reported (e.g. `VI.F.1`, `80_HOUR_VIOLATION`), when it gave one. */
  ruleId?: string;
  person?: string;
  /** What the finding is about when it is not a person, e.g. a shift slot `wards/night/2027-01-18`. */
  subject?: string;
  /** Dates or date-times as the server gave them. */
  window?: { start: string; end: string };
  measured?: number;
  limit?: number;
  excess?: number;
  unit?: string;
  message: string;
  suggestedFix?: string;
  /** How the rule was inferred when the server did not name a known one (details, message, or not at all). */
  classification?: Omit<Classification, 'rule'>;
  /** Step ids that reported it. */
  sources: string[];
};

/** Doc severities of conflict types (compliance workflow), used when a server reports a milder one. */
const CONFLICT_SEVERITY: Readonly<Record<string, Severity>> = {
  double_booking: 'critical',
  work_hour_violation: 'critical',
  rest_period_violation: 'critical',
  supervision_gap: 'high',
  leave_overlap: 'medium',
  credential_mismatch: 'medium',
};

/**
 * ACGME VI.F.2.a (8 hours between shifts) is a "should": reported as a warning, never raised to
 * the severity of its conflict type (rest_period_violation also covers the 14 hours after call).
 */
const ADVISORY_RULE = /^(VI\.F\.2\.a|rest_between_shifts)\b/;

function isAdvisory(issue: Json): boolean {
  return [str(issue, 'rule_id'), str(issue, 'rule_key', 'details.rule_key'), str(issue, 'conflict_id')].some((v) => v !== undefined && ADVISORY_RULE.test(v));
}

export function normaliseSeverity(raw: unknown): Severity {
  const s = typeof raw === 'string' ? raw.toLowerCase() : '';
  if (s === 'critical' || s === 'error' || s === 'emergency') return 'critical';
  if (s === 'high') return 'high';
  if (s === 'warning' || s === 'medium' || s === 'elevated') return 'medium';
  return 'low';
}

export function worse(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] <= SEVERITY_RANK[b] ? a : b;
}

/** The family of the first name that has a known one, else the first name itself. */
export function ruleFamily(...names: (string | undefined)[]): string {
  for (const n of names) {
    const f = knownFamily(n);
    if (f) return f;
  }
  const first = names.find((n) => n && n.length > 0);
  return first ? first.toLowerCase().replace(/[-\s.:]/g, '_') : 'other';
}

/** Readable names of the families, for reports. */
export const RULE_LABELS: Readonly<Record<string, string>> = {
  weekly_hours: '80 h/week (4-week average)',
  approaching_weekly_hours: 'approaching 80 h/week',
  day_off: '1 day off in 7',
  supervision: 'supervision',
  continuous_duty: '24 + 4 h continuous duty',
  rest: 'rest between shifts',
  call_frequency: 'call every third night at most',
  moonlighting: 'moonlighting',
  double_booking: 'double booking',
  leave_overlap: 'shift during leave',
  credential_mismatch: 'credential / eligibility',
  coverage: 'coverage minimum',
  [UNCLASSIFIED]: 'unclassified violation',
};

function pair(value: unknown): [string, string] | undefined {
  if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') return [value[0], value[1]];
  return undefined;
}

function windowOf(issue: Json): { start: string; end: string } | undefined {
  const w = obj(issue['window']);
  const ws = str(w, 'start');
  const we = str(w, 'end');
  if (ws && we) return { start: ws, end: we };
  const range = pair(issue['date_range']) ?? pair(at(issue, 'details.date_range'));
  if (range) return { start: range[0], end: range[1] };
  const ds = str(issue, 'details.window_start', 'window_start', 'date', 'details.date');
  const de = str(issue, 'details.window_end', 'window_end');
  if (ds) return { start: ds, end: de ?? ds };
  const context = str(issue, 'date_context');
  if (!context) return undefined;
  const [from, to] = context.split('..');
  return { start: from!, end: to ?? from! };
}

/**
 * One issue of validate_schedule / validate_schedule_by_id / validate_swap, or one conflict
 * of detect_conflicts, as a finding. Fields are read from the top level and from `details`.
 */
export function findingFrom(issue: Json, source: string): Finding {
  const ruleId = str(issue, 'rule_id', 'rule_type', 'type', 'conflict_type');
  // The constraint name of validate_schedule_by_id is "<rule key>: <title>".
  const constraint = str(issue, 'constraint_name')?.split(':')[0];
  const classification = classifyIssue(issue, [
    str(issue, 'rule_key', 'key'),
    constraint,
    str(issue, 'rule_type'),
    str(issue, 'conflict_type'),
    str(issue, 'type'),
    str(issue, 'rule_id'),
  ]);
  const rule = classification.rule;
  const conflictType = str(issue, 'conflict_type');
  let severity = normaliseSeverity(issue['severity']);
  const docSeverity = conflictType && !isAdvisory(issue) ? CONFLICT_SEVERITY[conflictType] : undefined;
  if (docSeverity) severity = worse(severity, docSeverity);

  // validate_schedule_by_id names a person or a slot ("service/shift/date") in affected_entity_ref.
  const ref = str(issue, 'affected_entity_ref');
  const person = str(issue, 'person_id', 'details.person_id') ?? (ref && !ref.includes('/') ? ref : undefined) ?? strings(issue, 'affected_people')?.[0];
  const slot = [str(issue, 'details.service_id'), str(issue, 'details.shift_type_id'), str(issue, 'details.date')];
  const subject = person ? undefined : ref?.includes('/') ? ref : slot.every((x) => x !== undefined) ? slot.join('/') : undefined;
  const measured = num(issue, 'measured', 'details.measured', 'details.average_weekly_hours', 'details.hours', 'details.actual', 'details.value');
  const limit = num(issue, 'limit', 'details.limit', 'details.max_hours', 'details.threshold');
  const statedExcess = num(issue, 'excess', 'details.excess', 'details.excess_hours');
  const excess = statedExcess ?? (measured !== undefined && limit !== undefined && measured > limit ? Math.round((measured - limit) * 100) / 100 : undefined);
  const unit = str(issue, 'unit', 'details.unit') ?? (rule === 'weekly_hours' && measured !== undefined ? 'hours_per_week' : undefined);
  const window = windowOf(issue);
  const message = str(issue, 'message', 'description') ?? `${RULE_LABELS[rule] ?? rule} issue`;
  const suggestedFix = str(issue, 'suggested_fix', 'suggestedFix', 'suggested_action') ?? firstResolution(issue);

  const finding: Finding = {
    id: `${rule}:${person ?? subject ?? '-'}:${(window?.start ?? '').slice(0, 10)}`,
    severity,
    rule,
    message,
    sources: [source],
  };
  if (ruleId) finding.ruleId = ruleId;
  if (person) finding.person = person;
  if (subject) finding.subject = subject;
  if (window) finding.window = window;
  if (measured !== undefined) finding.measured = measured;
  if (limit !== undefined) finding.limit = limit;
  if (excess !== undefined) finding.excess = excess;
  if (unit) finding.unit = unit;
  if (suggestedFix) finding.suggestedFix = suggestedFix;
  if (classification.basis !== 'rule_type') {
    finding.classification = {
      basis: classification.basis,
      confidence: classification.confidence,
      ...(classification.alsoMatches ? { alsoMatches: classification.alsoMatches } : {}),
    };
  }
  return finding;
}

function firstResolution(issue: Json): string | undefined {
  const option = list(issue, 'resolution_options')?.[0];
  return str(option, 'description', 'strategy');
}

/** The issues of a validation result (`issues`, or `violations` on other servers). */
export function validationFindings(data: Json | undefined, source: string): Finding[] {
  return (list(data, 'issues', 'violations') ?? []).map((i) => findingFrom(i, source));
}

/** The conflicts of a detect_conflicts result. */
export function conflictFindings(data: Json | undefined, source: string): Finding[] {
  return (list(data, 'conflicts') ?? []).map((c) => findingFrom(c, source));
}

/**
 * Merges findings with the same id: the worse severity wins, measurements and the fix are
 * taken from whichever report has them, and the sources are listed together. Most severe
 * first, then by window start, then by person.
 */
export function mergeFindings(...groups: readonly (readonly Finding[])[]): Finding[] {
  const byId = new Map<string, Finding>();
  for (const f of groups.flat()) {
    const existing = byId.get(f.id);
    if (!existing) {
      byId.set(f.id, { ...f, sources: [...f.sources] });
      continue;
    }
    existing.severity = worse(existing.severity, f.severity);
    for (const key of ['ruleId', 'person', 'subject', 'window', 'measured', 'limit', 'excess', 'unit', 'suggestedFix'] as const) {
      if (existing[key] === undefined && f[key] !== undefined) (existing as unknown as Record<string, unknown>)[key] = f[key];
    }
    for (const s of f.sources) if (!existing.sources.includes(s)) existing.sources.push(s);
  }
  return [...byId.values()].sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      (a.window?.start ?? '').localeCompare(b.window?.start ?? '') ||
      (a.person ?? '').localeCompare(b.person ?? '') ||
      a.rule.localeCompare(b.rule),
  );
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const out: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const f of findings) out[f.severity]++;
  return out;
}

/** One short line for decisions: "80 h/week (4-week average), r-009 from 2027-01-04: 81.5 vs limit 80". */
export function shortFinding(f: Finding): string {
  const who = f.person ?? f.subject;
  const when = f.window ? ` from ${f.window.start.slice(0, 10)}` : '';
  const numbers = f.measured !== undefined && f.limit !== undefined ? `: ${f.measured} vs limit ${f.limit}` : '';
  return `${RULE_LABELS[f.rule] ?? f.rule}${who ? `, ${who}` : ''}${when}${numbers}`;
}

/** "weekly_hours: r-03 2026-03-02…2026-03-29, 86.5 > 80 (+6.5 h/week): move …" */
export function describeFinding(f: Finding): string {
  const parts = [`${RULE_LABELS[f.rule] ?? f.rule}`];
  if (f.person ?? f.subject) parts.push((f.person ?? f.subject)!);
  if (f.window) parts.push(f.window.start === f.window.end ? f.window.start : `${f.window.start} to ${f.window.end}`);
  if (f.measured !== undefined && f.limit !== undefined) parts.push(`${f.measured} vs limit ${f.limit}${f.excess !== undefined ? ` (+${f.excess})` : ''}`);
  return `${parts.join(', ')}: ${f.message}`;
}
