/**
 * Which rule a reported issue is about. Servers name the rule in different fields and some
 * do not name it at all (a validator that reports `rule_type: "unknown"` and says what is
 * wrong only in its message, e.g. "averages 83.5 hours/week over the 4-week window"). The
 * name is trusted first; else the measured quantities in `details`; else the message. What
 * none of them identify is an unclassified violation, which may concern any rule.
 */
import { obj, str, type Json } from './read';

/** The rule of a finding no name, detail or message identified. */
export const UNCLASSIFIED = 'unclassified';

export interface Classification {
  rule: string;
  /** Where the rule came from: the server's rule name, the measured quantities, the message, or nothing. */
  basis: 'rule_type' | 'details' | 'message' | 'none';
  /** How sure the mapping is (1: named by the server; less when inferred). */
  confidence: number;
  /** Other rules the issue's text also matches (an inference that could be about them too). */
  alsoMatches?: string[];
}

/** Families that name the same rule across tools (rule keys, VI.F ids, validator rule types, conflict types). */
const FAMILIES: readonly [RegExp, string][] = [
  [/approach/, 'approaching_weekly_hours'],
  [/^vi_f_1$|80|weekly_hours|work_hour/, 'weekly_hours'],
  [/^vi_f_2_c$|1_in_7|one_day_in_seven|day_off|consecutive_duty/, 'day_off'],
  [/^vi_a|supervision/, 'supervision'],
  [/^vi_f_3$|continuous/, 'continuous_duty'],
  [/^vi_f_2_[ab]$|rest/, 'rest'],
  [/^vi_f_7$|call_freq|every_third|call/, 'call_frequency'],
  [/^vi_f_5$|moonlight/, 'moonlighting'],
  [/double_book|overlap_shift/, 'double_booking'],
  [/leave|absence/, 'leave_overlap'],
  [/credential|eligib/, 'credential_mismatch'],
  [/coverage|understaff|overstaff/, 'coverage'],
];

/** Every family a name or text can be mapped to. */
export const KNOWN_RULES: ReadonlySet<string> = new Set(FAMILIES.map(([, family]) => family));

/** Names that say nothing about the rule (the real validator's `rule_type` is usually "unknown"). */
const UNINFORMATIVE = /^(unknown|other|none|null|undefined|general|generic|violation|issue|error|warning|info|constraint|rule)?$/;

function normalise(raw: string): string {
  return raw.toLowerCase().replace(/[-\s.:]/g, '_');
}

export function knownFamily(raw: string | undefined): string | undefined {
  const s = normalise(raw ?? '');
  if (UNINFORMATIVE.test(s)) return undefined;
  for (const [pattern, family] of FAMILIES) if (pattern.test(s)) return family;
  return undefined;
}

/** Measured quantities in `details` that only one rule reports. */
const DETAIL_KEYS: readonly [RegExp, string][] = [
  [/average_weekly_hours|weekly_hours|hours_per_week|avg_weekly/, 'weekly_hours'],
  [/consecutive_(duty_)?days|days_without_(a_)?day_off|days_off/, 'day_off'],
  [/continuous_(duty_)?hours|shift_length_hours|duty_period_hours/, 'continuous_duty'],
  [/rest_hours|hours_off|hours_between_shifts/, 'rest'],
  [/supervis|required_faculty|faculty_ratio/, 'supervision'],
  [/calls_in_window|call_nights|nights_on_call/, 'call_frequency'],
  [/moonlight/, 'moonlighting'],
];

/** Wording of the rules in messages, most specific first. */
const MESSAGE_PATTERNS: readonly [RegExp, string][] = [
  [/approaching|near(ing)? the (80|limit)/, 'approaching_weekly_hours'],
  [/hours?\s*(\/|per)\s*week|weekly hours|80[- ]?h(ou)?r|4[- ]week (average|window)|average[sd]? .*hours/, 'weekly_hours'],
  [/consecutive (duty )?days|days? off|1[- ]in[- ]7|one day in (seven|7)|seven days|7 days without/, 'day_off'],
  [/24\s*\+\s*4|continuous (duty|hours|shift)|shift (length|longer)|28[- ]?h(ou)?r|exceeds 24/, 'continuous_duty'],
  [/rest (period|between|after)|hours? off between|between shifts|post[- ]call rest|insufficient rest/, 'rest'],
  [/supervis|faculty (ratio|coverage)|unsupervised/, 'supervision'],
  [/every (third|3rd) night|call frequency|on call .*nights|consecutive (call )?nights/, 'call_frequency'],
  [/moonlight/, 'moonlighting'],
  [/double[- ]book|assigned twice|two (shifts|assignments) at (once|the same time)|overlapping (shifts|assignments)/, 'double_booking'],
  [/leave|absence|vacation/, 'leave_overlap'],
  [/credential|not eligible|eligibility|certif/, 'credential_mismatch'],
  [/coverage|understaff|overstaff|unfilled|minimum staffing/, 'coverage'],
];

function detailMatches(issue: Json): string[] {
  const keys = Object.keys(obj(issue['details']) ?? {}).map(normalise);
  const out: string[] = [];
  for (const [pattern, family] of DETAIL_KEYS) if (keys.some((k) => pattern.test(k)) && !out.includes(family)) out.push(family);
  return out;
}

function messageMatches(text: string): string[] {
  const s = text.toLowerCase();
  const out: string[] = [];
  for (const [pattern, family] of MESSAGE_PATTERNS) if (pattern.test(s) && !out.includes(family)) out.push(family);
  return out;
}

function inferred(matches: string[], basis: 'details' | 'message', single: number, several: number): Classification {
  const [rule, ...rest] = matches;
  return { rule: rule!, basis, confidence: rest.length === 0 ? single : several, ...(rest.length > 0 ? { alsoMatches: rest } : {}) };
}

/**
 * The rule of one issue: a known name (confidence 1), else a name the server gave that is
 * not a known family (kept as is, confidence 1: the server said what it is), else the
 * measured quantities (0.9), else the message (0.8; 0.5 when it matches several rules),
 * else unclassified (0).
 */
export function classifyIssue(issue: Json, names: readonly (string | undefined)[]): Classification {
  for (const n of names) {
    const family = knownFamily(n);
    if (family) return { rule: family, basis: 'rule_type', confidence: 1 };
  }
  const details = detailMatches(issue);
  if (details.length > 0) return inferred(details, 'details', 0.9, 0.6);
  const text = [str(issue, 'message'), str(issue, 'description'), str(issue, 'constraint_name')].filter(Boolean).join(' ');
  const fromText = messageMatches(text);
  if (fromText.length > 0) return inferred(fromText, 'message', 0.8, 0.5);
  const named = names.find((n) => n !== undefined && !UNINFORMATIVE.test(normalise(n)));
  if (named) return { rule: normalise(named), basis: 'rule_type', confidence: 1 };
  return { rule: UNCLASSIFIED, basis: 'none', confidence: 0 };
}
