/**
 * One workflow being executed (the run's own, or a sub-workflow's): its mode, policies and
 * running verdicts, and the read-only context its callbacks see.
 */
import type { Confidence } from '../confidence/score';
import { OrchestratorError } from '../errors';
import type { PolicyTable } from '../policy/policies';
import type { CacheMode, PolicyRuntime } from '../policy/runtime';
import type { JsonObject, ModeDefinition, RunContext } from './definition';
import type { PhaseSummary, RunStatus, StepResult } from './results';
import type { LoadedWorkflow } from './validate';

export interface Scope {
  workflow: LoadedWorkflow;
  /** "" for the run's workflow, "<step>/" for a sub-workflow's steps. */
  prefix: string;
  mode: string;
  modeDef: ModeDefinition;
  inputs: JsonObject;
  policies: PolicyTable;
  cacheMode: CacheMode;
  stop?: { status: RunStatus; reason: string };
  reviews: string[];
  warnings: string[];
  phases: PhaseSummary[];
}

export interface ScopeOutcome {
  status: RunStatus;
  reason?: string;
  confidence?: Confidence;
}

export function createScope(policy: PolicyRuntime, workflow: LoadedWorkflow, prefix: string, mode: string, inputs: JsonObject): Scope {
  const modeDef = workflow.definition.modes[mode] ?? {};
  return {
    workflow,
    prefix,
    mode,
    modeDef,
    inputs,
    policies: policy.policies.with(modeDef.policy),
    cacheMode: modeDef.cache ?? 'use',
    reviews: [],
    warnings: [],
    phases: [],
  };
}

/** What the workflow's callbacks see: the scope's inputs and the results of its own steps. */
export function runContext(runId: string, scope: Scope, results: ReadonlyMap<string, StepResult>): RunContext {
  const result = (id: string) => results.get(scope.prefix + id);
  const data = (id: string) => {
    const r = result(id);
    return r?.status === 'succeeded' ? r.data : undefined;
  };
  return {
    runId,
    workflowId: scope.workflow.definition.id,
    mode: scope.mode,
    inputs: scope.inputs,
    result,
    data,
    require: (id) => {
      const d = data(id);
      if (!d) throw new OrchestratorError('validation', `Step ${id} has no result to read`);
      return d;
    },
  };
}
