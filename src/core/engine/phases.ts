/**
 * One phase of a scope: its skip rules, then its steps (one group, or tier by tier until a
 * tier's allClear rule says the deeper tiers are not needed), then its judgement (gates.ts).
 * Records phase_started / phase_finished and the phase's summary.
 */
import type { PhaseDefinition } from './definition';
import { judgePhase } from './gates';
import type { PhaseSummary, SkipCause } from './results';
import type { RunEnv } from './runEnv';
import { runGroup } from './scheduler';
import type { Scope } from './scope';
import { skippedResult } from './stepResults';

const DEFAULT_CONCURRENCY = 8;

export async function runPhase(env: RunEnv, scope: Scope, phase: PhaseDefinition): Promise<void> {
  const started = env.clock.now();
  await env.record({ type: 'phase_started', runId: env.runId, phaseId: scope.prefix + phase.id, title: phase.title, at: started });
  const ctx = env.context(scope);
  const infos = [...scope.workflow.steps.values()].filter((s) => s.phaseId === phase.id);
  let skipReason: { cause: SkipCause; reason: string } | undefined;
  if ((phase.skipInModes ?? []).includes(scope.mode) || (scope.modeDef.skipPhases ?? []).includes(phase.id)) {
    skipReason = { cause: 'mode', reason: `mode ${scope.mode} skips phase ${phase.title}` };
  } else {
    try {
      const why = phase.skipIf?.(ctx);
      if (why) skipReason = { cause: 'condition', reason: why };
    } catch (error) {
      scope.stop = { status: 'blocked', reason: `Phase ${phase.title}: its skip rule failed: ${(error as Error).message}` };
    }
  }
  if (skipReason || scope.stop) {
    const now = env.clock.now();
    for (const info of infos) {
      if (env.results.has(scope.prefix + info.def.id)) continue;
      const skip = skipReason ?? { cause: 'not_run' as const, reason: scope.stop!.reason };
      await env.finishStep(scope, info, skippedResult(scope, info, skip.cause, skip.reason, now));
    }
    return endPhase(env, scope, phase, skipReason ? 'skipped' : 'stopped', undefined, []);
  }

  const groups =
    phase.run === 'tiered'
      ? phase.tiers.map((tier) => ({ ids: tier.steps.map((s) => s.id), concurrency: Number.POSITIVE_INFINITY, tier }))
      : [{ ids: phase.steps.map((s) => s.id), concurrency: phase.run === 'serial' ? 1 : (phase.concurrency ?? DEFAULT_CONCURRENCY), tier: undefined }];
  let allClear: string | undefined;
  for (const [index, group] of groups.entries()) {
    if (!env.running(scope)) break;
    if (allClear) {
      const now = env.clock.now();
      for (const id of group.ids) {
        const info = scope.workflow.steps.get(id)!;
        if (!env.results.has(scope.prefix + id)) await env.finishStep(scope, info, skippedResult(scope, info, 'tier', allClear, now));
      }
      continue;
    }
    await runGroup(env, scope, group.ids, group.concurrency);
    const tier = group.tier;
    if (tier?.allClear && index < groups.length - 1 && env.running(scope)) {
      try {
        if (tier.allClear(ctx)) allClear = `${tier.title ?? tier.id} all clear: deeper tiers not needed`;
      } catch (error) {
        scope.warnings.push(`Phase ${phase.title}: tier rule failed (${(error as Error).message}); running the next tier`);
      }
    }
  }
  if (!env.running(scope)) return endPhase(env, scope, phase, 'stopped', undefined, []);

  const own = infos.map((i) => env.results.get(scope.prefix + i.def.id)!).filter(Boolean);
  const { confidence, warnings, decision } = await judgePhase(env, scope, phase, ctx, own);
  scope.warnings.push(...warnings);
  // Read again: the judgement may have stopped the scope.
  const stop = scope.stop as Scope['stop'];
  return endPhase(env, scope, phase, stop && stop.status !== 'completed' ? 'stopped' : 'completed', confidence, warnings, decision);
}

async function endPhase(
  env: RunEnv,
  scope: Scope,
  phase: PhaseDefinition,
  status: PhaseSummary['status'],
  confidence: number | undefined,
  warnings: string[],
  decision?: PhaseSummary['decision'],
): Promise<void> {
  scope.phases.push({
    phaseId: scope.prefix + phase.id,
    title: phase.title,
    status,
    ...(confidence !== undefined ? { confidence } : {}),
    ...(decision ? { decision } : {}),
    warnings,
  });
  await env.record({
    type: 'phase_finished',
    runId: env.runId,
    phaseId: scope.prefix + phase.id,
    status,
    ...(confidence !== undefined ? { confidence } : {}),
    warnings,
    at: env.clock.now(),
  });
}
