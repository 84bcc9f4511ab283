/**
 * Load-time checks of a workflow definition. A definition that passes is a LoadedWorkflow,
 * the only thing the executor runs. Every problem is reported at once, each with a code
 * and a path, e.g. `cycle: a -> b -> c -> a` or `missing_approval: apply_swap writes but
 * no approval gate comes before it`.
 */
import { AGGREGATION_METHODS } from '../confidence/aggregate';
import { checkThresholds } from '../confidence/thresholds';
import { OrchestratorError } from '../errors';
import { parsePolicyOverrides } from '../policy/policies';
import type { JsonObject, PhaseDefinition, StepDefinition, WorkflowDefinition } from './definition';
import { localCapability } from './local';

/** The capabilities the connection layer knows by name (whether or not a server has them). */
export interface CapabilityCatalog {
  has(capability: string): boolean;
  /** True when the capability changes data; undefined when the catalog does not know. */
  writes?(capability: string): boolean | undefined;
}

export function catalogOf(names: Iterable<string>, writing: Iterable<string> = []): CapabilityCatalog {
  const known = new Set(names);
  const writes = new Set(writing);
  for (const w of writes) known.add(w);
  return { has: (c) => known.has(c), writes: (c) => (known.has(c) ? writes.has(c) : undefined) };
}

export type ValidationCode =
  | 'invalid_value'
  | 'invalid_id'
  | 'duplicate_id'
  | 'unknown_dependency'
  | 'forward_dependency'
  | 'cycle'
  | 'unknown_capability'
  | 'unreachable'
  | 'branch_without_default'
  | 'invalid_branch_target'
  | 'missing_approval'
  | 'approval_without_write'
  | 'undeclared_write'
  | 'invalid_mode';

export interface ValidationIssue {
  code: ValidationCode;
  message: string;
}

export class WorkflowValidationError extends OrchestratorError {
  readonly issues: readonly ValidationIssue[];
  readonly workflowId: string;

  constructor(workflowId: string, issues: readonly ValidationIssue[]) {
    super('validation', `Workflow "${workflowId}" is invalid:\n${issues.map((i) => `  - ${i.code}: ${i.message}`).join('\n')}`, {
      details: { issues: issues.map((i) => ({ ...i })) },
    });
    this.name = 'WorkflowValidationError';
    this.issues = issues;
    this.workflowId = workflowId;
  }
}

/** Everything the executor needs to know about a step, computed once at load time. */
export interface StepInfo {
  def: StepDefinition;
  phaseId: string;
  phaseIndex: number;
  /** Tier index in a tiered phase, else 0. */
  group: number;
  /** Position in definition order across the workflow. */
  order: number;
  /** Explicit dependencies, hub inputs and the controlling branch. */
  deps: readonly string[];
  /** The branch step that decides whether this step runs. */
  branch?: string;
  writes: boolean;
  critical: boolean;
}

declare const loadedBrand: unique symbol;

export interface LoadedWorkflow<I extends JsonObject = JsonObject> {
  readonly definition: WorkflowDefinition<I>;
  readonly steps: ReadonlyMap<string, StepInfo>;
  /** True when the workflow or a sub-workflow writes: it takes the schedule's writer lock. */
  readonly writes: boolean;
  readonly children: ReadonlyMap<string, LoadedWorkflow>;
  readonly [loadedBrand]: true;
}

const ID = /^[A-Za-z0-9_-]+$/;

function phaseSteps<I extends JsonObject>(phase: PhaseDefinition<I>): { step: StepDefinition<I>; group: number }[] {
  if (phase.run === 'tiered') return (phase.tiers ?? []).flatMap((tier, group) => (tier.steps ?? []).map((step) => ({ step, group })));
  return (phase.steps ?? []).map((step) => ({ step, group: 0 }));
}

function capabilitiesOf(step: StepDefinition): string[] {
  const out: string[] = [];
  if (step.kind === 'tool') out.push(step.capability);
  if (step.kind === 'hub' && 'capability' in step) out.push(step.capability);
  const fallback = step.kind === 'tool' || (step.kind === 'hub' && 'capability' in step) ? step.fallback : undefined;
  if (fallback?.kind === 'tool') out.push(fallback.capability);
  return out;
}

/** Validates a definition (and its sub-workflows); throws WorkflowValidationError listing every problem. */
export function loadWorkflow<I extends JsonObject>(definition: WorkflowDefinition<I>, catalog: CapabilityCatalog): LoadedWorkflow<I> {
  return load(definition, catalog, []);
}

function load<I extends JsonObject>(def: WorkflowDefinition<I>, catalog: CapabilityCatalog, stack: readonly string[]): LoadedWorkflow<I> {
  const issues: ValidationIssue[] = [];
  const add = (code: ValidationCode, message: string) => issues.push({ code, message });
  const wid = typeof def.id === 'string' ? def.id : '(unnamed)';

  if (!ID.test(wid)) add('invalid_id', `workflow id "${wid}" must use letters, digits, "_" or "-"`);
  if (!Number.isInteger(def.version) || def.version < 1) add('invalid_value', `version must be a positive integer`);
  if (!(def.timeoutMs > 0)) add('invalid_value', `timeoutMs must be positive`);
  if (def.aggregation !== undefined && !AGGREGATION_METHODS.includes(def.aggregation)) add('invalid_value', `unknown aggregation "${def.aggregation}"`);
  const modeNames = Object.keys(def.modes ?? {});
  if (modeNames.length === 0) add('invalid_mode', 'at least one mode is required');
  if (!modeNames.includes(def.defaultMode)) add('invalid_mode', `default mode "${def.defaultMode}" is not one of the modes (${modeNames.join(', ')})`);
  if (!Array.isArray(def.phases) || def.phases.length === 0) add('invalid_value', 'at least one phase is required');

  // Collect steps with their positions.
  const steps = new Map<string, StepInfo>();
  const phaseIds = new Set<string>();
  let order = 0;
  (def.phases ?? []).forEach((phase, phaseIndex) => {
    if (!ID.test(phase.id)) add('invalid_id', `phase id "${phase.id}" must use letters, digits, "_" or "-"`);
    if (phaseIds.has(phase.id)) add('duplicate_id', `phase "${phase.id}" is defined twice`);
    phaseIds.add(phase.id);
    if (phase.aggregation !== undefined && !AGGREGATION_METHODS.includes(phase.aggregation)) add('invalid_value', `phase ${phase.id}: unknown aggregation "${phase.aggregation}"`);
    if (phase.run === 'tiered') {
      if (!phase.tiers?.length) add('invalid_value', `phase ${phase.id}: a tiered phase needs at least one tier`);
      phase.tiers?.forEach((tier) => {
        if (!tier.steps?.length) add('invalid_value', `phase ${phase.id}: tier ${tier.id} has no steps`);
      });
    } else if (phase.run === 'serial' || phase.run === 'parallel') {
      if (!phase.steps?.length) add('invalid_value', `phase ${phase.id} has no steps`);
      if (phase.run === 'parallel' && phase.concurrency !== undefined && !(Number.isInteger(phase.concurrency) && phase.concurrency >= 1)) {
        add('invalid_value', `phase ${phase.id}: concurrency must be an integer >= 1`);
      }
    } else {
      add('invalid_value', `phase ${String((phase as { id: unknown }).id)}: run must be serial, parallel or tiered`);
    }
    for (const { step, group } of phaseSteps(phase)) {
      if (!ID.test(step.id)) add('invalid_id', `step id "${step.id}" must use letters, digits, "_" or "-"`);
      if (steps.has(step.id)) add('duplicate_id', `step "${step.id}" is defined twice`);
      const explicit = [...(step.dependsOn ?? [])];
      if (step.kind === 'hub') explicit.push(...step.inputs.filter((i) => !explicit.includes(i)));
      const declaredWrite = step.kind === 'tool' && step.writes === true;
      steps.set(step.id, {
        def: step as unknown as StepDefinition,
        phaseId: phase.id,
        phaseIndex,
        group,
        order: order++,
        deps: explicit,
        writes: declaredWrite,
        critical: step.critical === true,
      });
    }
  });

  // Per-step shape, capabilities and writes.
  for (const [id, info] of steps) {
    const step = info.def;
    for (const capability of capabilitiesOf(step)) {
      if (!catalog.has(capability) && !localCapability(capability)) add('unknown_capability', `step ${id}: unknown capability "${capability}"`);
    }
    if (step.kind === 'tool' && step.writes === true && localCapability(step.capability))
      add('invalid_value', `step ${id}: ${step.capability} is served by the engine and reads only`);
    if (step.kind === 'tool' && catalog.writes?.(step.capability) === true && step.writes !== true) {
      add('undeclared_write', `step ${id}: capability ${step.capability} writes, so the step must declare writes: true (and follow an approval gate)`);
    }
    const fallback = step.kind === 'tool' || (step.kind === 'hub' && 'capability' in step) ? step.fallback : undefined;
    if (fallback && info.writes) add('invalid_value', `step ${id}: a writing step cannot have a fallback`);
    if (fallback?.kind === 'tool' && catalog.writes?.(fallback.capability) === true) add('invalid_value', `step ${id}: fallback ${fallback.capability} writes`);
    if (step.kind === 'hub') {
      if (step.inputs.length === 0) add('invalid_value', `hub ${id} has no inputs`);
      const min = step.minInputs ?? 1;
      if (!Number.isInteger(min) || min < 1 || min > step.inputs.length) add('invalid_value', `hub ${id}: minInputs must be between 1 and ${step.inputs.length}`);
      const hasTool = 'capability' in step;
      const hasCompute = 'compute' in step;
      if (hasTool === hasCompute) add('invalid_value', `hub ${id} must either call a capability or compute, not both or neither`);
    }
    if (step.kind === 'approval' && step.timeoutMs !== undefined && !(step.timeoutMs > 0)) add('invalid_value', `approval ${id}: timeoutMs must be positive`);
    if (step.weight !== undefined && !(step.weight >= 0)) add('invalid_value', `step ${id}: weight must be >= 0`);
    for (const mode of step.skipInModes ?? []) if (!modeNames.includes(mode)) add('invalid_mode', `step ${id}: unknown mode "${mode}" in skipInModes`);
  }

  // Branch targets become controlled steps that depend on their branch.
  for (const [id, info] of steps) {
    const step = info.def;
    if (step.kind !== 'branch') continue;
    if (step.default === undefined) add('branch_without_default', `branch ${id} has no default branch`);
    const targets = new Set([...Object.values(step.branches ?? {}).flat(), ...(step.default ?? [])]);
    for (const target of targets) {
      const t = steps.get(target);
      if (!t) {
        add('invalid_branch_target', `branch ${id}: unknown target step "${target}"`);
        continue;
      }
      if (target === id) {
        add('cycle', `cycle: ${id} -> ${id} (a branch cannot choose itself)`);
        continue;
      }
      if (t.branch !== undefined && t.branch !== id) add('invalid_branch_target', `step ${target} is chosen by two branches (${t.branch}, ${id})`);
      t.branch = id;
      if (!t.deps.includes(id)) t.deps = [...t.deps, id];
    }
  }

  // Dependencies must exist and not point forward in time.
  for (const [id, info] of steps) {
    for (const dep of info.deps) {
      const d = steps.get(dep);
      if (!d) {
        add('unknown_dependency', `step ${id} depends on unknown step "${dep}"`);
        continue;
      }
      if (dep === id) continue; // reported as a cycle below
      const phase = def.phases[info.phaseIndex]!;
      const later =
        d.phaseIndex > info.phaseIndex ||
        (d.phaseIndex === info.phaseIndex && phase.run === 'serial' && d.order > info.order) ||
        (d.phaseIndex === info.phaseIndex && phase.run === 'tiered' && d.group > info.group);
      if (later) add('forward_dependency', `step ${id} depends on ${dep}, which runs after it (phase ${d.phaseId})`);
    }
  }

  const cycle = findCycle(steps);
  if (cycle) add('cycle', `cycle: ${cycle.join(' -> ')}`);

  // Modes and phase settings.
  for (const [name, mode] of Object.entries(def.modes ?? {})) {
    for (const s of mode.skipSteps ?? []) if (!steps.has(s)) add('invalid_mode', `mode ${name}: unknown step "${s}" in skipSteps`);
    for (const p of mode.skipPhases ?? []) if (!phaseIds.has(p)) add('invalid_mode', `mode ${name}: unknown phase "${p}" in skipPhases`);
    if (mode.timeoutMs !== undefined && !(mode.timeoutMs > 0)) add('invalid_mode', `mode ${name}: timeoutMs must be positive`);
    if (mode.cache !== undefined && !['use', 'refresh', 'off'].includes(mode.cache)) add('invalid_mode', `mode ${name}: cache must be use, refresh or off`);
    if (mode.policy) {
      if (Object.values(mode.policy).some((o) => 'breaker' in o)) add('invalid_mode', `mode ${name}: breakers are shared by all runs and cannot be changed per mode`);
      try {
        parsePolicyOverrides(mode.policy);
      } catch (error) {
        add('invalid_mode', `mode ${name}: ${(error as Error).message}`);
      }
    }
  }
  for (const phase of def.phases ?? []) {
    for (const mode of phase.skipInModes ?? []) if (!modeNames.includes(mode)) add('invalid_mode', `phase ${phase.id}: unknown mode "${mode}" in skipInModes`);
    const ownSteps = new Set(phaseSteps(phase).map((s) => s.step.id));
    for (const gate of phase.gates ?? []) {
      const where = `phase ${phase.id} gate ${gate.label ?? ''}`.trim();
      try {
        checkThresholds(gate.thresholds, where);
      } catch (error) {
        add('invalid_value', (error as Error).message);
      }
      if (!AGGREGATION_METHODS.includes(gate.method)) add('invalid_value', `${where}: unknown method "${gate.method}"`);
      for (const s of gate.steps ?? []) if (!ownSteps.has(s)) add('invalid_value', `${where}: step "${s}" is not in the phase`);
    }
  }

  // Sub-workflows: validated recursively; a workflow may not contain itself.
  const children = new Map<string, LoadedWorkflow>();
  for (const [id, info] of steps) {
    const step = info.def;
    if (step.kind !== 'workflow') continue;
    const childId = step.workflow.id;
    if (childId === wid || stack.includes(childId)) {
      add('cycle', `cycle: workflow ${[...stack, wid, childId].join(' -> ')}`);
      continue;
    }
    try {
      const child = load(step.workflow, catalog, [...stack, wid]);
      children.set(id, child);
      if (step.mode !== undefined && !(step.mode in step.workflow.modes)) add('invalid_mode', `step ${id}: sub-workflow ${childId} has no mode "${step.mode}"`);
    } catch (error) {
      if (error instanceof WorkflowValidationError) for (const issue of error.issues) add(issue.code, `in sub-workflow ${childId} (step ${id}): ${issue.message}`);
      else throw error;
    }
  }

  if (!cycle && issues.every((i) => i.code !== 'unknown_dependency')) {
    checkApprovals(steps, add);
    checkReachability(def, steps, modeNames, add);
  }

  const writes = [...steps.values()].some((s) => s.writes) || [...children.values()].some((c) => c.writes);
  if (def.readOnly && writes)
    add(
      'invalid_value',
      `workflow ${wid} is declared read-only but ${
        [...steps.values()]
          .filter((s) => s.writes)
          .map((s) => s.def.id)
          .join(', ') || 'a sub-workflow'
      } writes`,
    );
  if (issues.length > 0) throw new WorkflowValidationError(wid, issues);
  return { definition: def, steps, writes, children } as unknown as LoadedWorkflow<I>;
}

/** DFS over dependency edges; returns the first cycle as a path that ends where it starts. */
function findCycle(steps: ReadonlyMap<string, StepInfo>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const s = state.get(id);
    if (s === 'done') return undefined;
    if (s === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const dep of steps.get(id)?.deps ?? []) {
      if (!steps.has(dep)) continue;
      const found = visit(dep);
      if (found) return found;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of [...steps.keys()].sort((a, b) => steps.get(a)!.order - steps.get(b)!.order)) {
    const found = visit(id);
    // Edges point from a step to what it needs; show the path in execution order.
    if (found) return found.reverse();
  }
  return undefined;
}

function ancestors(steps: ReadonlyMap<string, StepInfo>, id: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(steps.get(id)?.deps ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(steps.get(next)?.deps ?? []));
  }
  return seen;
}

function checkApprovals(steps: ReadonlyMap<string, StepInfo>, add: (code: ValidationCode, message: string) => void): void {
  const gated = new Set<string>();
  for (const [id, info] of steps) {
    if (!info.writes) continue;
    const gates = [...ancestors(steps, id)].filter((a) => steps.get(a)?.def.kind === 'approval');
    if (gates.length === 0) add('missing_approval', `step ${id} writes but no approval gate comes before it (add an approval step to its dependencies)`);
    gates.forEach((g) => gated.add(g));
  }
  for (const [id, info] of steps) {
    if (info.def.kind === 'approval' && !gated.has(id)) add('approval_without_write', `approval ${id} gates no step that writes (approval gates are only allowed before writes)`);
  }
}

/**
 * A step is unreachable when every mode skips it (or its phase), when it needs two different
 * arms of the same branch, or when it needs an unreachable step (hubs need only one input).
 */
function checkReachability<I extends JsonObject>(
  def: WorkflowDefinition<I>,
  steps: ReadonlyMap<string, StepInfo>,
  modeNames: readonly string[],
  add: (code: ValidationCode, message: string) => void,
): void {
  const armsOf = (branchId: string, target: string): Set<string> => {
    const branch = steps.get(branchId)?.def;
    if (branch?.kind !== 'branch') return new Set();
    const arms = Object.entries(branch.branches ?? {})
      .filter(([, list]) => list.includes(target))
      .map(([key]) => key);
    if (branch.default?.includes(target)) arms.push('\u0000default');
    return new Set(arms);
  };
  const sorted = [...steps.entries()].sort(([, a], [, b]) => a.order - b.order);
  const requirements = new Map<string, Map<string, Set<string>> | 'unreachable'>();
  const reasons = new Map<string, string>();
  for (const [id, info] of sorted) {
    const phase = def.phases[info.phaseIndex]!;
    const skippedEverywhere =
      modeNames.length > 0 &&
      modeNames.every(
        (m) =>
          (info.def.skipInModes ?? []).includes(m) ||
          (phase.skipInModes ?? []).includes(m) ||
          (def.modes[m]?.skipSteps ?? []).includes(id) ||
          (def.modes[m]?.skipPhases ?? []).includes(phase.id),
      );
    if (skippedEverywhere) {
      requirements.set(id, 'unreachable');
      reasons.set(id, 'every mode skips it');
      continue;
    }
    const req = new Map<string, Set<string>>();
    let blockedBy: string | undefined;
    const merge = (branch: string, arms: Set<string>) => {
      const existing = req.get(branch);
      const next = existing ? new Set([...existing].filter((a) => arms.has(a))) : arms;
      req.set(branch, next);
      if (next.size === 0) blockedBy = `it needs two different arms of branch ${branch}`;
    };
    if (info.branch) merge(info.branch, armsOf(info.branch, id));
    const conjunctive = info.def.kind === 'hub' ? (info.def.dependsOn ?? []) : info.deps.filter((d) => d !== info.branch);
    for (const dep of conjunctive) {
      const r = requirements.get(dep);
      if (r === 'unreachable') {
        blockedBy = `it needs ${dep}, which is unreachable`;
        break;
      }
      for (const [branch, arms] of r ?? []) merge(branch, arms);
    }
    if (info.def.kind === 'hub' && !blockedBy) {
      const live = info.def.inputs.filter((i) => requirements.get(i) !== 'unreachable');
      if (live.length < Math.min(info.def.minInputs ?? 1, info.def.inputs.length)) blockedBy = 'too few of its inputs are reachable';
    }
    if (blockedBy) {
      requirements.set(id, 'unreachable');
      reasons.set(id, blockedBy);
    } else {
      requirements.set(id, req);
    }
  }
  for (const [id, reason] of reasons) add('unreachable', `step ${id} can never run: ${reason}`);
}
