/** What a run produces: one result per step, a summary per phase and per run. */
import type { Confidence } from '../confidence/score';
import type { ConfidenceDecision } from '../confidence/thresholds';
import type { ErrorKind } from '../errors';
import type { ArgNeed, ArgProvenance } from './argPlanning';
import type { ResourceLink } from './invoker';

export type StepStatus = 'succeeded' | 'failed' | 'skipped';

/** Where a step's data came from. */
export type ResultSource = 'live' | 'cache' | 'fallback' | 'compute' | 'human' | 'none';

/**
 * Why a step did not run or ended without data.
 * - By design (not counted in confidence, kept on resume): `mode`, `condition`, `branch`, `tier`.
 * - Human decision (kept on resume): `rejected`.
 * - Unknown outcome of a write interrupted by a crash (kept unless explicitly retried): `uncertain_write`.
 * - Failures (count as confidence 0, re-driven on resume): `unavailable`, `failed`, `dependency`, `not_run`,
 *   `needs_input` (an argument the call requires could not be derived and was not given: nothing was sent).
 * - `placeholder`: the tool answered with data marked as not real (its backend is down); re-driven
 *   on resume, left out of confidence aggregation and charged as PLACEHOLDER_PENALTY on the run's.
 */
export type SkipCause =
  'mode' | 'condition' | 'branch' | 'tier' | 'rejected' | 'uncertain_write' | 'unavailable' | 'placeholder' | 'failed' | 'dependency' | 'not_run' | 'needs_input';

export const BY_DESIGN: ReadonlySet<SkipCause> = new Set(['mode', 'condition', 'branch', 'tier']);
/** Results kept when a run is resumed; everything else is run again. */
export const KEPT_SKIPS: ReadonlySet<SkipCause> = new Set(['mode', 'condition', 'branch', 'tier', 'rejected', 'uncertain_write']);

export interface ErrorInfo {
  kind: ErrorKind;
  message: string;
}

export interface StepResult {
  stepId: string;
  phaseId: string;
  kind: 'tool' | 'compute' | 'hub' | 'branch' | 'approval' | 'workflow';
  title?: string;
  status: StepStatus;
  source: ResultSource;
  capability?: string;
  /** The real tool that answered. */
  tool?: string;
  data?: Record<string, unknown>;
  confidence: Confidence;
  skip?: { cause: SkipCause; reason: string };
  error?: ErrorInfo;
  /** How the result was obtained when not live, e.g. "using cached result from 3.0 h ago". */
  label?: string;
  /** Tool attempts made (0 for cache hits and non-tool steps). */
  attempts: number;
  durationMs: number;
  startedAt: number;
  finishedAt: number;
  cacheAgeMs?: number;
  /** Joined an identical request already in flight. */
  shared?: boolean;
  writes: boolean;
  critical: boolean;
  warnings: string[];
  /** Where the planned arguments of the call came from (argPlanning.ts). */
  argProvenance?: ArgProvenance[];
  /** Stored things the result links to (MCP resource_link content: a draft, a swap, a person's schedule). */
  links?: ResourceLink[];
  /** The arguments a `needs_input` step is missing, with the flag that supplies each next time. */
  missingArgs?: Pick<ArgNeed, 'arg' | 'meaning' | 'where' | 'flag' | 'kind'>[];
}

export type RunStatus = 'running' | 'completed' | 'needs_review' | 'blocked' | 'rejected' | 'failed' | 'cancelled' | 'refused';

export type PhaseStatus = 'completed' | 'skipped' | 'stopped';

export interface PhaseSummary {
  phaseId: string;
  title: string;
  status: PhaseStatus;
  confidence?: number;
  decision?: ConfidenceDecision;
  warnings: string[];
}

export interface RunSummary {
  runId: string;
  workflowId: string;
  workflowVersion: number;
  mode: string;
  status: RunStatus;
  /** Why the run ended the way it did (blocked, needs review, failed …). */
  reason?: string;
  confidence?: Confidence;
  startedAt: number;
  finishedAt: number;
  durationMs: number;
  phases: PhaseSummary[];
  steps: StepResult[];
  warnings: string[];
}

/** What each placeholder answer takes off the run's confidence (it is not averaged in as a 0). */
export const PLACEHOLDER_PENALTY = 0.1;

/** True when a result counts toward confidence aggregation. */
export function countsForConfidence(result: StepResult): boolean {
  if (result.kind === 'branch' || result.kind === 'approval') return false;
  return !(result.skip && (BY_DESIGN.has(result.skip.cause) || result.skip.cause === 'rejected' || result.skip.cause === 'placeholder'));
}

/** Steps whose tool answered with a placeholder instead of data. */
export function placeholderSteps(results: Iterable<StepResult>): string[] {
  return [...results].filter((r) => r.skip?.cause === 'placeholder').map((r) => r.stepId);
}
