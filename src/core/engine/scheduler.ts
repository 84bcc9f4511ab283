/**
 * Step scheduling inside a phase (or tier): steps run as a DAG of their dependencies, at most
 * `concurrency` at a time, in listed order. Before a step runs its preconditions are checked
 * (mode, dependencies, branch choice, hub inputs, its skip rule); then the step kind runs it.
 * Every outcome becomes a StepResult.
 */
import { asOrchestratorError } from '../policy/retry';
import type { RunContext } from './definition';
import { BY_DESIGN, type SkipCause, type StepResult } from './results';
import type { RunEnv } from './runEnv';
import type { Scope } from './scope';
import { failureResult, skippedResult } from './stepResults';
import { runApprovalStep } from './steps/approvalStep';
import { runBranchStep } from './steps/branchStep';
import { runComputeStep } from './steps/computeStep';
import { runHubStep } from './steps/hubStep';
import { runSubWorkflowStep } from './steps/subWorkflowStep';
import { runToolStep } from './steps/toolStep';
import type { StepInfo } from './validate';

/** Runs the listed steps that have no result yet; returns when all ran or the rest cannot run. */
export async function runGroup(env: RunEnv, scope: Scope, ids: readonly string[], concurrency: number): Promise<void> {
  const pending = ids.filter((id) => !env.results.has(scope.prefix + id));
  const running = new Map<string, Promise<void>>();
  while (pending.length > 0 || running.size > 0) {
    if (env.running(scope)) {
      for (let i = 0; i < pending.length && running.size < concurrency;) {
        const id = pending[i]!;
        const info = scope.workflow.steps.get(id)!;
        if (info.deps.every((d) => env.results.has(scope.prefix + d))) {
          pending.splice(i, 1);
          running.set(
            id,
            runStep(env, scope, info).finally(() => running.delete(id)),
          );
        } else i++;
      }
    }
    if (running.size === 0) break; // stopped, or what is left waits on steps that will not run
    await Promise.race(running.values());
  }
}

/** Never throws: every outcome becomes a StepResult. */
async function runStep(env: RunEnv, scope: Scope, info: StepInfo): Promise<void> {
  const step = info.def;
  const ctx = env.context(scope);
  const now = env.clock.now();
  try {
    const skip = preconditions(env, scope, info, ctx);
    if (skip) return await env.finishStep(scope, info, skippedResult(scope, info, skip.cause, skip.reason, now));
    let result: StepResult;
    switch (step.kind) {
      case 'tool':
        result = await runToolStep(env, scope, info, step, ctx);
        break;
      case 'hub':
        result = await runHubStep(env, scope, info, step, ctx);
        break;
      case 'compute':
        result = await runComputeStep(env, scope, info, step, ctx);
        break;
      case 'branch':
        result = await runBranchStep(env, scope, info, step, ctx);
        break;
      case 'approval':
        result = await runApprovalStep(env, scope, info, step, ctx);
        break;
      case 'workflow':
        result = await runSubWorkflowStep(env, scope, info, step, ctx);
        break;
    }
    await env.finishStep(scope, info, result);
  } catch (error) {
    if (env.results.has(scope.prefix + step.id)) return;
    // Errors here come from the workflow's own callbacks (argument builders, computations).
    const e = asOrchestratorError(error, 'invalid_result');
    await env.finishStep(scope, info, failureResult(env, scope, info, e, now, 0)).catch(() => undefined);
  }
}

function preconditions(env: RunEnv, scope: Scope, info: StepInfo, ctx: RunContext): { cause: SkipCause; reason: string } | undefined {
  const step = info.def;
  if ((step.skipInModes ?? []).includes(scope.mode) || (scope.modeDef.skipSteps ?? []).includes(step.id)) {
    return { cause: 'mode', reason: `mode ${scope.mode} skips it` };
  }
  const hubInputs = step.kind === 'hub' ? new Set(step.inputs.filter((i) => !(step.dependsOn ?? []).includes(i))) : new Set<string>();
  for (const dep of info.deps) {
    const r = env.results.get(scope.prefix + dep);
    if (!r) return { cause: 'not_run', reason: `${dep} did not run` };
    if (dep === info.branch) {
      const chosen = (r.data?.['chosen'] as unknown[] | undefined) ?? [];
      if (r.status !== 'succeeded') return { cause: inherit(r), reason: `branch ${dep} did not decide (${r.skip?.reason ?? r.status})` };
      if (!chosen.includes(step.id)) return { cause: 'branch', reason: `branch ${dep} chose "${String(r.data?.['branch'])}"` };
      continue;
    }
    if (r.status !== 'succeeded' && !hubInputs.has(dep)) {
      return { cause: inherit(r), reason: `needs ${dep}: ${r.skip?.reason ?? r.error?.message ?? r.status}` };
    }
  }
  if (step.kind === 'hub') {
    const present = step.inputs.filter((i) => env.results.get(scope.prefix + i)?.status === 'succeeded').length;
    const min = step.minInputs ?? 1;
    if (present < min) {
      const allByDesign = step.inputs.every((i) => {
        const r = env.results.get(scope.prefix + i);
        return r?.skip && BY_DESIGN.has(r.skip.cause);
      });
      return { cause: allByDesign ? 'condition' : 'dependency', reason: `only ${present} of ${step.inputs.length} inputs available (needs ${min})` };
    }
  }
  const why = step.skipIf?.(ctx);
  if (why) return { cause: 'condition', reason: why };
  return undefined;
}

/** A dependency skipped by design (or rejected) passes its cause on; anything else is a missing dependency. */
function inherit(r: StepResult): SkipCause {
  if (r.skip && (BY_DESIGN.has(r.skip.cause) || r.skip.cause === 'rejected')) return r.skip.cause;
  return 'dependency';
}
