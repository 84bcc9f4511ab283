/**
 * Every rule the engine checks, under a stable key. The reported `rule_id` is the VI.F
 * number of the 2017 Common Program Requirements by default; newer editions renumber, so
 * a program may map any key to its own id (`policies.ruleIds`).
 */
import type { Policies } from '../domain/program';

export const RULE_KEYS = [
  'weekly_hours',
  'approaching_weekly_hours',
  'one_day_in_seven',
  'continuous_duty',
  'rest_after_call',
  'rest_between_shifts',
  'call_frequency',
  'moonlighting_pgy1',
  'supervision_pgy1',
  'local_max_consecutive_duty_days',
  'local_supervision_ratio',
  'local_rest_after_call',
  'local_max_consecutive_nights',
  'coverage_minimum',
  'coverage_maximum',
  'double_booking',
  'leave_overlap',
  'credential_mismatch',
] as const;

export type RuleKey = (typeof RULE_KEYS)[number];

/** Where a finding's authority comes from. */
export type FindingSource = 'acgme' | 'local_policy' | 'coverage' | 'conflict';

export interface RuleInfo {
  defaultId: string;
  source: FindingSource;
  title: string;
}

export const RULES: Readonly<Record<RuleKey, RuleInfo>> = {
  weekly_hours: { defaultId: 'VI.F.1', source: 'acgme', title: '80 hours per week averaged over 4 weeks' },
  approaching_weekly_hours: { defaultId: 'VI.F.1', source: 'acgme', title: 'approaching the weekly hour limit' },
  one_day_in_seven: { defaultId: 'VI.F.2.c', source: 'acgme', title: 'one day in seven free, averaged over 4 weeks' },
  continuous_duty: { defaultId: 'VI.F.3', source: 'acgme', title: 'at most 24 hours continuous duty plus 4 for transitions' },
  rest_after_call: { defaultId: 'VI.F.2.b', source: 'acgme', title: '14 hours free after 24 hours of in-house call' },
  rest_between_shifts: { defaultId: 'VI.F.2.a', source: 'acgme', title: '8 hours off between shifts (should)' },
  call_frequency: { defaultId: 'VI.F.7', source: 'acgme', title: 'in-house call no more than every third night, averaged over 4 weeks' },
  moonlighting_pgy1: { defaultId: 'VI.F.5', source: 'acgme', title: 'PGY-1 residents may not moonlight' },
  supervision_pgy1: { defaultId: 'VI.A.2', source: 'acgme', title: 'PGY-1 residents need supervising faculty available' },
  local_max_consecutive_duty_days: { defaultId: 'local.max_consecutive_duty_days', source: 'local_policy', title: 'maximum consecutive duty days' },
  local_supervision_ratio: { defaultId: 'local.supervision_ratio', source: 'local_policy', title: 'faculty-to-resident supervision ratio' },
  local_rest_after_call: { defaultId: 'local.rest_after_call', source: 'local_policy', title: 'minimum rest after 24-hour call' },
  local_max_consecutive_nights: { defaultId: 'local.max_consecutive_nights', source: 'local_policy', title: 'maximum consecutive night-float nights' },
  coverage_minimum: { defaultId: 'coverage.minimum', source: 'coverage', title: 'shift staffed below its minimum' },
  coverage_maximum: { defaultId: 'coverage.maximum', source: 'coverage', title: 'shift staffed above its maximum' },
  double_booking: { defaultId: 'conflict.double_booking', source: 'conflict', title: 'overlapping shifts for one person' },
  leave_overlap: { defaultId: 'conflict.leave_overlap', source: 'conflict', title: 'shift during a blocking absence' },
  credential_mismatch: { defaultId: 'conflict.credential_mismatch', source: 'conflict', title: 'assignment the person is not eligible for' },
};

/** The id to report for a rule under the program's policies. */
export function ruleId(key: RuleKey, policies: Pick<Policies, 'ruleIds'>): string {
  return policies.ruleIds[key] ?? RULES[key].defaultId;
}
