/**
 * Workflow definitions as typed, declarative data: workflow -> phases -> steps.
 *
 * A phase runs its steps `serial` (listed order, one at a time), `parallel` (as a DAG of
 * their dependencies, at most `concurrency` at once) or `tiered` (tier after tier, each
 * tier in parallel, stopping when a tier's `allClear` says so). Steps read earlier results
 * through a RunContext; every callback is a pure function of it (runs are replayed from
 * their event log, so callbacks must not depend on anything else).
 *
 * Callbacks are declared with method syntax on purpose: it lets a workflow typed with its
 * own inputs (`WorkflowDefinition<GenerationInputs>`) be used where any workflow is
 * expected (sub-workflows, the engine's entry points) without casts.
 */
import type { AggregationMethod } from '../confidence/aggregate';
import type { ConfidenceFactor } from '../confidence/score';
import type { ConfidenceThresholds } from '../confidence/thresholds';
import type { PolicyOverride } from '../policy/policies';
import type { CacheMode } from '../policy/runtime';
import type { PlannedArg } from './argPlanning';
import type { StepResult } from './results';

export type JsonObject = Record<string, unknown>;

/** A callback checked like a method (bivariantly), for a property that can also hold a non-function. */
type Callback<A extends unknown[], R> = { bivarianceHack(...args: A): R }['bivarianceHack'];

/** What every callback of a definition can read. */
export interface RunContext<I extends JsonObject = JsonObject> {
  readonly runId: string;
  readonly workflowId: string;
  /** The mode the run was started in (e.g. `quick`, `standard`, `audit`). */
  readonly mode: string;
  /** The run's inputs, as returned by the workflow's `parseInputs`. */
  readonly inputs: I;
  /** The result of a step of this workflow, or undefined when it has not finished. */
  result(stepId: string): StepResult | undefined;
  /** The data of a step that produced one (live, cached or fallback); undefined otherwise. */
  data(stepId: string): JsonObject | undefined;
  /** Like `data`, but throws a validation error naming the step when there is none. */
  require(stepId: string): JsonObject;
}

interface StepBase<I extends JsonObject> {
  /** Unique within the workflow; letters, digits, `_` and `-`. */
  id: string;
  title?: string;
  /** Earlier steps (this phase or an earlier one) whose results this step needs. */
  dependsOn?: readonly string[];
  /** When the step ends without a result, the workflow is blocked (instead of continuing). */
  critical?: boolean;
  /** Modes in which the step is skipped. */
  skipInModes?: readonly string[];
  /** A reason to skip the step, or undefined to run it. */
  skipIf?(ctx: RunContext<I>): string | undefined;
  /** Weight in its phase's weighted-mean confidence (default 1). */
  weight?: number;
}

/** Confidence rules a workflow adds to a tool's base policy. */
export interface StepConfidenceRules<I extends JsonObject> {
  /** Replaces the capability's base confidence for this step. */
  base?: number;
  /** Extra factors read from the result (e.g. SPC with less than 4 weeks of history: −0.10). */
  adjust?(data: JsonObject, ctx: RunContext<I>): ConfidenceFactor[];
}

/** Stands in when a tool and its cached results fail: another tool, or a computation. */
export type FallbackDefinition<I extends JsonObject> =
  | {
      kind: 'tool';
      capability: string;
      /** Defaults to the step's own arguments. */
      args?(ctx: RunContext<I>): JsonObject;
      /** Shown with the result, e.g. "Quick validation only". */
      label: string;
      /** Confidence lost for using it; defaults to the fallback capability's policy. */
      penalty?: number;
    }
  | { kind: 'compute'; compute(ctx: RunContext<I>): JsonObject; label: string; base: number };

export interface ToolStep<I extends JsonObject> extends StepBase<I> {
  kind: 'tool';
  /** The seed's short tool name; the invoker maps it to the server's tool. */
  capability: string;
  args(ctx: RunContext<I>): JsonObject;
  /**
   * Arguments the step plans from the run's inputs and earlier results, with where each came
   * from; one without a value is asked for (argPlanning.ts) or left to the server.
   */
  plan?(ctx: RunContext<I>): PlannedArg[];
  /**
   * The step changes the schedule. Such a step must come after an approval gate, is never
   * retried, cached or re-run on resume, and makes the workflow a writer (one per schedule).
   */
  writes?: boolean;
  fallback?: FallbackDefinition<I>;
  confidence?: StepConfidenceRules<I>;
}

/** A pure function over earlier results (synthesis, scoring); must return JSON. */
export interface ComputeStep<I extends JsonObject> extends StepBase<I> {
  kind: 'compute';
  compute(ctx: RunContext<I>): JsonObject;
  /**
   * How its confidence follows from its dependencies' (default weighted mean; 1 when it has
   * none), or a function giving the confidence factors directly.
   */
  confidence?: AggregationMethod | Callback<[data: JsonObject, ctx: RunContext<I>], ConfidenceFactor[]>;
}

/**
 * Star topology: many inputs -> one. Runs when its inputs have settled, even if some failed
 * (at least `minInputs` must have data); its confidence is capped by the share of inputs
 * present and by `inputConfidence` over theirs. Either calls a tool or computes.
 */
export type HubStep<I extends JsonObject> = StepBase<I> & {
  kind: 'hub';
  inputs: readonly string[];
  /** Default 1. */
  minInputs?: number;
  /** How the inputs' confidences combine (default `unified`: min × 0.9 + mean × 0.1). */
  inputConfidence?: AggregationMethod;
} & (
    | { capability: string; args(ctx: RunContext<I>): JsonObject; fallback?: FallbackDefinition<I>; confidence?: StepConfidenceRules<I> }
    | { compute(ctx: RunContext<I>): JsonObject }
  );

/**
 * Picks which of the listed steps run next. Steps named in `branches` or `default` run only
 * when chosen (they implicitly depend on the branch step); the others are skipped with a
 * reason. `default` is required (checked when the workflow is loaded).
 */
export interface BranchStep<I extends JsonObject> extends StepBase<I> {
  kind: 'branch';
  /** Returns a key of `branches`; any other value selects `default`. */
  choose(ctx: RunContext<I>): string;
  branches: Readonly<Record<string, readonly string[]>>;
  default?: readonly string[];
}

export interface ApprovalContent {
  summary: string;
  details?: JsonObject;
  /** Issues that make approving an override (e.g. an ACGME violation): an exception record is required. */
  blockingIssues?: readonly string[];
}

/** A human decision before steps that write. Only allowed where a writing step depends on it. */
export interface ApprovalStep<I extends JsonObject> extends StepBase<I> {
  kind: 'approval';
  title: string;
  request(ctx: RunContext<I>): ApprovalContent;
  /** No answer within this long is a rejection (the swap workflow: 24 h). */
  timeoutMs?: number;
}

/** Runs another workflow as one step; its steps appear as `<this id>/<their id>`. */
export interface SubWorkflowStep<I extends JsonObject> extends StepBase<I> {
  kind: 'workflow';
  workflow: WorkflowDefinition;
  inputs(ctx: RunContext<I>): JsonObject;
  /** Default: the sub-workflow's default mode. */
  mode?: string;
}

export type StepDefinition<I extends JsonObject = JsonObject> = ToolStep<I> | ComputeStep<I> | HubStep<I> | BranchStep<I> | ApprovalStep<I> | SubWorkflowStep<I>;

export type StepKind = StepDefinition['kind'];

/** What a phase's rule says after its steps ran. */
export type PhaseVerdict =
  | { action: 'continue'; warnings?: readonly string[]; /** Continue, but the run ends needing review. */ review?: string }
  | { action: 'stop'; status: 'blocked' | 'needs_review' | 'completed'; reason: string };

export interface PhaseContext<I extends JsonObject> extends RunContext<I> {
  readonly phaseId: string;
  /** The phase's aggregated confidence (undefined when no step counted). */
  readonly confidence: number | undefined;
  /** Results of this phase's steps, in definition order. */
  readonly steps: readonly StepResult[];
}

/** A confidence gate: aggregate some steps' confidences, compare with thresholds. */
export interface ConfidenceGate {
  /** Shown in decisions, e.g. "validate_schedule >= 0.85 required". */
  label?: string;
  /** Default: every step of the phase that counts. */
  steps?: readonly string[];
  method: AggregationMethod;
  /** Weights per step id for `weighted_mean` (default: each step's `weight`, else 1). */
  weights?: Readonly<Record<string, number>>;
  /** Below `review`: the workflow is blocked; below `proceed`: it ends needing review. */
  thresholds: ConfidenceThresholds;
  /**
   * Below `review`: `stop` ends the run there (blocked); `lower` records the decision, lets
   * later phases run and ends the run blocked. Default: `lower` in a read-only workflow, else `stop`.
   */
  onBelow?: 'stop' | 'lower';
}

interface PhaseBase<I extends JsonObject> {
  id: string;
  title: string;
  skipInModes?: readonly string[];
  skipIf?(ctx: RunContext<I>): string | undefined;
  /** How the phase's confidence is aggregated (default weighted mean). */
  aggregation?: AggregationMethod;
  gates?: readonly ConfidenceGate[];
  /** Workflow rule after the steps, e.g. "utilization BLACK: activate the sacrifice hierarchy first". */
  decide?(ctx: PhaseContext<I>): PhaseVerdict | undefined;
}

export interface TierDefinition<I extends JsonObject> {
  id: string;
  title?: string;
  steps: readonly StepDefinition<I>[];
  /** True when the results so far need no deeper tier. */
  allClear?(ctx: RunContext<I>): boolean;
}

export type PhaseDefinition<I extends JsonObject = JsonObject> =
  | (PhaseBase<I> & { run: 'serial'; steps: readonly StepDefinition<I>[] })
  | (PhaseBase<I> & { run: 'parallel'; steps: readonly StepDefinition<I>[]; /** Default 8. */ concurrency?: number })
  | (PhaseBase<I> & { run: 'tiered'; tiers: readonly TierDefinition<I>[] });

/** Per-mode changes; policy overrides may not touch breakers (they are shared by all runs). */
export interface ModeDefinition {
  description?: string;
  timeoutMs?: number;
  /** Default `use`; audit/thorough modes use `off` or `refresh`. */
  cache?: CacheMode;
  policy?: Readonly<Record<string, Omit<PolicyOverride, 'breaker'>>>;
  skipSteps?: readonly string[];
  skipPhases?: readonly string[];
}

export interface WorkflowDefinition<I extends JsonObject = JsonObject> {
  id: string;
  title: string;
  /** Bump when steps change: a run recorded with another version is not resumed. */
  version: number;
  description?: string;
  /** Validates and normalises raw inputs; throw to reject them. Must return JSON. */
  parseInputs(raw: unknown): I;
  modes: Readonly<Record<string, ModeDefinition>>;
  defaultMode: string;
  /** The whole run, unless the mode says otherwise. */
  timeoutMs: number;
  phases: readonly PhaseDefinition<I>[];
  /** Run-level confidence from the phases' (default: minimum). */
  aggregation?: AggregationMethod;
  /**
   * Nothing it does changes the schedule (checked at load: no step writes), so low confidence
   * never hides evidence: its gates lower the decision instead of stopping the run.
   */
  readOnly?: boolean;
}
