/**
 * The rule engine's entry points: which rules exist in which family, and a validation run
 * over a ScheduleSnapshot producing sorted findings plus the figures the tools report.
 * Pure: no I/O; the async variant only yields between chunks of people so that a tool can
 * report progress and notice cancellation.
 */
import type { ScheduleSnapshot } from '../domain/snapshot';
import { EligibilityIndex } from './eligibility';
import { overlapsDates, sortFindings, type Finding } from './findings';
import { checkPerson, type DateRange, type PersonRuleContext } from './person';
import type { RuleKey } from './ruleIds';
import { checkCoverage, checkSupervision, coverageLookup, coverageRate, selectSlots, selectedSlotFills, slotFills, type SlotRef } from './slots';
import { suggestFixes } from './suggest';

/** Rule families: the unit of the tools' check_* switches and of detect_conflicts' types. */
export const RULE_FAMILIES = {
  work_hours: ['weekly_hours', 'approaching_weekly_hours', 'call_frequency', 'continuous_duty', 'moonlighting_pgy1'],
  rest: ['rest_after_call', 'rest_between_shifts', 'local_rest_after_call'],
  consecutive_duty: ['one_day_in_seven', 'local_max_consecutive_duty_days', 'local_max_consecutive_nights'],
  supervision: ['supervision_pgy1', 'local_supervision_ratio'],
  coverage: ['coverage_minimum', 'coverage_maximum'],
  conflicts: ['double_booking', 'leave_overlap', 'credential_mismatch'],
} as const satisfies Record<string, readonly RuleKey[]>;

export type RuleFamily = keyof typeof RULE_FAMILIES;

export function selectRules(families: Iterable<RuleFamily>): Set<RuleKey> {
  const out = new Set<RuleKey>();
  for (const f of families) for (const k of RULE_FAMILIES[f]) out.add(k);
  return out;
}

export const ALL_RULES: ReadonlySet<RuleKey> = selectRules(Object.keys(RULE_FAMILIES) as RuleFamily[]);

export interface ValidationOptions {
  /** Dates to report on (default: the snapshot's range). The snapshot may hold more
   * dates around it: 28-day windows reaching into them are counted correctly. */
  focus?: DateRange;
  rules?: ReadonlySet<RuleKey>;
  /** Name substitutes in suggested fixes (costs a few ms per finding). Default true. */
  suggestions?: boolean;
  /** At most this many findings get substitute-naming fixes. Default 50. */
  maxSuggestions?: number;
  /** Check only these people (default everyone); the slot rules still run in full. A
   * person's findings depend on nobody else's shifts, so theirs equal a full run's. */
  people?: ReadonlySet<string>;
  /** Run the slot rules only on these slots (coverage and supervision ratio of each, PGY-1
   * supervision of its shifts; default every slot): a slot's findings equal a full run's. For
   * a before/after comparison of a change confined to them (swaps/validate.ts); the report's
   * coverage figures then count these slots only. */
  slots?: readonly SlotRef[];
}

export interface ValidationReport {
  focus: DateRange;
  findings: Finding[];
  counts: { critical: number; warning: number; info: number };
  /** Residents with at least one shift in the focus range. */
  residentsScheduled: number;
  /** Of those, residents without any critical finding. */
  residentsCompliant: number;
  /** Filled share of required positions in the focus range. */
  coverage: { rate: number; required: number; filled: number };
  shiftsInFocus: number;
}

export interface ValidationHooks {
  /** Called between chunks; may send a progress notification. */
  progress?(done: number, total: number): Promise<void> | void;
  /** Throws to stop the run (the tool's cancellation check). */
  checkCancelled?(): void;
  /** People per chunk (default 25). */
  chunkSize?: number;
}

export function validateSnapshot(snapshot: ScheduleSnapshot, options: ValidationOptions = {}): ValidationReport {
  const steps = validationSteps(snapshot, options, 1_000_000);
  let next = steps.next();
  while (!next.done) next = steps.next();
  return next.value;
}

export async function runValidation(snapshot: ScheduleSnapshot, options: ValidationOptions = {}, hooks: ValidationHooks = {}): Promise<ValidationReport> {
  const steps = validationSteps(snapshot, options, hooks.chunkSize ?? 25);
  let next = steps.next();
  while (!next.done) {
    hooks.checkCancelled?.();
    await hooks.progress?.(next.value.done, next.value.total);
    // Let the event loop deliver a cancellation before the next chunk.
    await new Promise<void>((resolve) => setImmediate(resolve));
    hooks.checkCancelled?.();
    next = steps.next();
  }
  return next.value;
}

/** The person rules' context for a snapshot. */
export function personRuleContext(snapshot: ScheduleSnapshot, focus: DateRange, rules: ReadonlySet<RuleKey>): PersonRuleContext {
  return {
    policies: snapshot.policies,
    services: snapshot.services,
    shiftTypes: snapshot.shiftTypes,
    absences: snapshot.absences,
    coverageFor: coverageLookup(snapshot),
    data: snapshot.range,
    focus,
    rules,
  };
}

// The store hands out one snapshot object per data version and range, so the findings for a
// focus and rule set are computed once per snapshot and shared, person by person: tools run
// in parallel over the same data (validate_schedule, validate_schedule_by_id) reuse them. Each
// rule's findings are the same whichever other rules run (rules.incremental.test.ts), so a run
// of fewer rules (detect_conflicts) takes its findings from a run of every rule when there is one.
const memo = new WeakMap<ScheduleSnapshot, Map<string, Finding[]>>();
const ALL_RULES_KEY = [...ALL_RULES].sort().join(',');

function memoised(
  snapshot: ScheduleSnapshot,
  focus: DateRange,
  rules: ReadonlySet<RuleKey>,
  part: string,
  build: () => Finding[],
  { fromEveryRule = true }: { fromEveryRule?: boolean } = {},
): Finding[] {
  let perKey = memo.get(snapshot);
  if (!perKey) memo.set(snapshot, (perKey = new Map()));
  const at = (rulesKey: string) => `${focus.start}|${focus.end}|${rulesKey}|${part}`;
  const key = at([...rules].sort().join(','));
  let found = perKey.get(key);
  if (!found) {
    const everyRule = fromEveryRule ? perKey.get(at(ALL_RULES_KEY)) : undefined;
    perKey.set(key, (found = everyRule ? everyRule.filter((f) => rules.has(f.key)) : build()));
  }
  return found;
}

function* validationSteps(snapshot: ScheduleSnapshot, options: ValidationOptions, chunk: number): Generator<{ done: number; total: number }, ValidationReport> {
  const focus = options.focus ?? snapshot.range;
  const rules = options.rules ?? ALL_RULES;
  const ctx = personRuleContext(snapshot, focus, rules);
  const findings: Finding[] = [];
  const only = options.people;
  const people = only ? snapshot.people.filter((p) => only.has(p.id)) : snapshot.people;
  const total = people.length + 1;
  let residentsScheduled = 0;
  const inFocus = (d: string) => d >= focus.start && d <= focus.end;
  for (let i = 0; i < people.length; i++) {
    const p = people[i]!;
    const shifts = snapshot.byPerson.get(p.id) ?? [];
    if (p.role === 'resident' && shifts.some((s) => inFocus(s.date))) residentsScheduled++;
    findings.push(...memoised(snapshot, focus, rules, `person|${p.id}`, () => checkPerson(ctx, p, shifts)));
    if ((i + 1) % chunk === 0) yield { done: i + 1, total };
  }
  const selection = options.slots && selectSlots(snapshot, options.slots);
  const fills = selection ? selectedSlotFills(snapshot, focus, selection) : slotFills(snapshot, focus);
  const slotsPart = selection ? `slots|${[...selection.keys].sort().join(',')}` : 'slots';
  findings.push(...memoised(snapshot, focus, rules, slotsPart, () => [...checkCoverage(snapshot, fills, rules), ...checkSupervision(snapshot, focus, rules, selection)]));
  // Each report gets copies: the memoised findings are shared, and suggestFixes writes into them.
  const copies = (list: readonly Finding[]) => list.map((f) => ({ ...f, details: { ...f.details } }));
  let kept = sortFindings(copies(findings.filter((f) => overlapsDates(f, focus))));
  if (options.suggestions ?? true) {
    yield { done: people.length, total };
    const max = options.maxSuggestions ?? 50;
    const unfixed = kept;
    // Which findings get substitutes depends on the whole list: never taken from another rule set's.
    const fixedPart = `${slotsPart}|fixed|${max}|${only ? [...only].sort().join(',') : '*'}`;
    kept = copies(
      memoised(
        snapshot,
        focus,
        rules,
        fixedPart,
        () => {
          suggestFixes(new EligibilityIndex(snapshot), unfixed, max);
          return unfixed;
        },
        { fromEveryRule: false },
      ),
    );
  }
  const critical = new Set(kept.filter((f) => f.severity === 'critical' && f.personId && snapshot.peopleById.get(f.personId)?.role === 'resident').map((f) => f.personId));
  return {
    focus,
    findings: kept,
    counts: {
      critical: kept.filter((f) => f.severity === 'critical').length,
      warning: kept.filter((f) => f.severity === 'warning').length,
      info: kept.filter((f) => f.severity === 'info').length,
    },
    residentsScheduled,
    residentsCompliant: residentsScheduled - [...critical].filter((id) => (snapshot.byPerson.get(id!) ?? []).some((s) => inFocus(s.date))).length,
    coverage: coverageRate(fills),
    shiftsInFocus: snapshot.shifts.filter((s) => inFocus(s.date)).length,
  };
}
