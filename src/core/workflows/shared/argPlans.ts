/**
 * The arguments the workflows plan for the capacity tools (utilization, defense level), what
 * each means and where it can come from: the run's inputs, the schedule status, the people
 * list, a validation result. The engine fits them to the server's schema, asks for the ones
 * that are missing, and records where each came from (src/core/engine/argPlanning.ts).
 */
import { flagUsage, type ArgNeed, type PlannedArg } from '../../engine/argPlanning';
import type { RunContext, StepDefinition } from '../../engine/definition';
import type { NextAction } from './nextActions';
import type { ResultView } from './outcome';
import { list, num, type Json } from './read';
import { rangeArgs, scopeOf, type CapacityFigure, type ScopeInputs } from './scope';

export const ARG_NEEDS: Readonly<Record<CapacityFigure, ArgNeed>> = {
  available_faculty: {
    arg: 'available_faculty',
    meaning: 'how many faculty members are available to cover the period',
    where: 'the schedule status or the people list (list_people)',
    flag: '--available-faculty',
    kind: 'integer',
  },
  required_blocks: {
    arg: 'required_blocks',
    meaning: 'how many faculty half-day blocks the coverage rules require over the period',
    where: 'the coverage rules times the date range, when the schedule status reports it',
    flag: '--required-blocks',
    kind: 'integer',
  },
  coverage_rate: {
    arg: 'coverage_rate',
    meaning: 'the share (0-1) of required positions the schedule covers',
    where: 'the schedule status or a validation result (validate_schedule)',
    flag: '--coverage-rate',
    kind: 'rate',
  },
};

/** Capability -> the arguments the workflows plan for it, and the reads each can be derived from. */
export const PLANNED_ARGS: Readonly<Record<string, readonly { need: ArgNeed; derivedFrom: readonly string[] }[]>> = {
  check_utilization_threshold: [
    { need: ARG_NEEDS.available_faculty, derivedFrom: ['get_schedule_status', 'list_people'] },
    // Read from the status when a server reports it (scope.ts), but no known server does: it is given.
    { need: ARG_NEEDS.required_blocks, derivedFrom: [] },
  ],
  get_defense_level: [{ need: ARG_NEEDS.coverage_rate, derivedFrom: ['get_schedule_status', 'validate_schedule'] }],
};

/** Step ids of the optional reads a workflow adds to derive capacity figures (see capacitySteps). */
export const PEOPLE_STEP = 'capacity_people';
export const COVERAGE_STEP = 'capacity_coverage';

function fromScope(ctx: RunContext, figure: CapacityFigure): PlannedArg | undefined {
  const s = scopeOf(ctx);
  const value = s[figure];
  const source = s.capacity_sources[figure];
  if (value === null || source === null) return undefined;
  const need = ARG_NEEDS[figure];
  return source === 'inputs' ? { need, value, source: 'input', from: need.flag } : { need, value, source: 'derived', from: source };
}

/** Active faculty in a people list (the bundled server's and the real server's field names). */
export function facultyCount(people: Json | undefined): number | undefined {
  const rows = list(people, 'people', 'items', 'results');
  if (!rows) return undefined;
  const faculty = rows.filter((p) => (p['role'] === 'faculty' || p['type'] === 'faculty') && p['active'] !== false && p['is_active'] !== false);
  return faculty.length > 0 ? faculty.length : undefined;
}

export function utilizationPlan(ctx: RunContext): PlannedArg[] {
  const faculty = fromScope(ctx, 'available_faculty') ?? derived(ARG_NEEDS.available_faculty, facultyCount(ctx.data(PEOPLE_STEP)), 'list_people');
  const blocks = fromScope(ctx, 'required_blocks') ?? { need: ARG_NEEDS.required_blocks };
  return [faculty, blocks];
}

export function defensePlan(ctx: RunContext): PlannedArg[] {
  const rate = num(ctx.data(COVERAGE_STEP), 'coverage_rate', 'coverage.rate', 'metrics.coverage_rate');
  return [fromScope(ctx, 'coverage_rate') ?? derived(ARG_NEEDS.coverage_rate, rate !== undefined && rate >= 0 && rate <= 1 ? rate : undefined, 'validate_schedule')];
}

function derived(need: ArgNeed, value: number | undefined, from: string): PlannedArg {
  return value === undefined ? { need } : { need, value, source: 'derived', from };
}

/**
 * The reads a workflow adds after its scope to derive the capacity figures the status did not
 * give: the people list (faculty count) and a validation result (coverage rate). Each runs only
 * when its figure is still unknown, and weighs 0: it is bookkeeping, not evidence.
 */
export function capacitySteps<I extends ScopeInputs>(): StepDefinition<I>[] {
  return [
    {
      id: PEOPLE_STEP,
      kind: 'tool',
      title: 'Faculty on the roster',
      capability: 'list_people',
      dependsOn: ['scope'],
      weight: 0,
      skipIf: (ctx) => (scopeOf(ctx).available_faculty !== null ? 'the faculty count is known' : undefined),
      args: () => ({ role: 'faculty' }),
    },
    {
      id: COVERAGE_STEP,
      kind: 'tool',
      title: 'Coverage from a validation',
      capability: 'validate_schedule',
      dependsOn: ['scope'],
      weight: 0,
      skipIf: (ctx) => (scopeOf(ctx).coverage_rate !== null ? 'the coverage rate is known' : undefined),
      args: rangeArgs,
    },
  ];
}

/** "Pass …" for the arguments the listed steps were missing (needs_input), or nothing. */
export function missingArgsAction(view: ResultView, stepIds: readonly string[]): NextAction[] {
  const flags = new Map<string, string>();
  for (const id of stepIds) for (const m of view.result(id)?.missingArgs ?? []) flags.set(m.flag, flagUsage(m));
  if (flags.size === 0) return [];
  return [{ kind: 'fix', label: `Give what the server requires and could not be derived, then run again with ${[...flags.values()].join(' ')}` }];
}
