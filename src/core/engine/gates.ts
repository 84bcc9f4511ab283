/**
 * The end of a phase: its confidence (aggregated over the steps that count), the phase's own
 * decision rule, then its confidence gates (below `review` blocks, below `proceed` asks for
 * review). Every decision is recorded; a stop or block is set on the scope, except that a gate
 * that lowers (every gate of a read-only workflow) only marks the run blocked and lets it go on.
 */
import { aggregateConfidence } from '../confidence/aggregate';
import { decide } from '../confidence/thresholds';
import type { JsonObject, PhaseContext, PhaseDefinition, PhaseVerdict, RunContext } from './definition';
import { BY_DESIGN, countsForConfidence, type PhaseSummary, type RunStatus, type StepResult } from './results';
import type { RunEnv } from './runEnv';
import type { Scope } from './scope';

export interface PhaseJudgement {
  confidence: number | undefined;
  warnings: string[];
  decision: PhaseSummary['decision'];
}

/** Judges a phase whose steps all have results (`own`). */
export async function judgePhase(env: RunEnv, scope: Scope, phase: PhaseDefinition, ctx: RunContext, own: StepResult[]): Promise<PhaseJudgement> {
  const counted = own.filter(countsForConfidence);
  const weightOf = (r: StepResult, weights?: Readonly<Record<string, number>>) => {
    const id = r.stepId.slice(scope.prefix.length);
    return weights?.[id] ?? scope.workflow.steps.get(id)?.def.weight ?? 1;
  };
  const confidence = aggregateConfidence(
    counted.map((r) => ({ value: r.confidence.value, weight: weightOf(r) })),
    phase.aggregation ?? 'weighted_mean',
  );
  const warnings = own
    .filter((r) => r.status !== 'succeeded' && !(r.skip && BY_DESIGN.has(r.skip.cause)))
    .map((r) => `${r.stepId}: ${r.skip?.reason ?? r.error?.message ?? r.status}`);
  warnings.push(...own.flatMap((r) => r.warnings.map((w) => `${r.stepId}: ${w}`)));

  const phaseCtx: PhaseContext<JsonObject> = { ...ctx, phaseId: phase.id, confidence, steps: own };
  let verdict: PhaseVerdict | undefined;
  try {
    verdict = phase.decide?.(phaseCtx);
  } catch (error) {
    verdict = { action: 'stop', status: 'blocked', reason: `Phase ${phase.title}: its decision rule failed: ${(error as Error).message}` };
  }
  if (verdict?.action === 'stop') {
    await recordDecision(env, scope, phase.id, { source: 'rule', decision: 'stop', status: verdict.status, reason: verdict.reason, confidence });
    scope.stop = { status: verdict.status, reason: verdict.reason };
  } else if (verdict) {
    warnings.push(...(verdict.warnings ?? []));
    if (verdict.review) {
      scope.reviews.push(verdict.review);
      await recordDecision(env, scope, phase.id, { source: 'rule', decision: 'review', reason: verdict.review, confidence });
    }
  }
  let decision: PhaseSummary['decision'];
  if (!scope.stop) {
    for (const gate of phase.gates ?? []) {
      const subset = counted.filter((r) => !gate.steps || gate.steps.includes(r.stepId.slice(scope.prefix.length)));
      const value = aggregateConfidence(
        subset.map((r) => ({ value: r.confidence.value, weight: weightOf(r, gate.weights) })),
        gate.method,
      );
      if (value === undefined) continue;
      const d = decide(value, gate.thresholds);
      const label = gate.label ?? `${phase.title} confidence`;
      const reason =
        d === 'proceed'
          ? `${label}: ${value.toFixed(2)} >= ${gate.thresholds.proceed}`
          : `${label}: ${value.toFixed(2)} below ${d === 'review' ? gate.thresholds.proceed : gate.thresholds.review}`;
      await recordDecision(env, scope, phase.id, { source: 'confidence', decision: d, reason, confidence: value });
      if (d === 'block') {
        decision = 'block';
        if ((gate.onBelow ?? (scope.workflow.definition.readOnly ? 'lower' : 'stop')) === 'lower') {
          scope.lowered.push(`${reason} (read-only: the later phases still ran)`);
          continue;
        }
        scope.stop = { status: 'blocked', reason };
        break;
      }
      if (d === 'review') {
        scope.reviews.push(reason);
        if (decision !== 'block') decision = 'review';
      } else decision ??= 'proceed';
    }
  }
  return { confidence, warnings, decision };
}

async function recordDecision(
  env: RunEnv,
  scope: Scope,
  phaseId: string,
  d: { source: 'confidence' | 'rule'; decision: 'proceed' | 'review' | 'block' | 'stop'; status?: RunStatus; reason: string; confidence: number | undefined },
): Promise<void> {
  await env.record({
    type: 'decision',
    runId: env.runId,
    phaseId: scope.prefix + phaseId,
    source: d.source,
    decision: d.decision,
    ...(d.status ? { status: d.status } : {}),
    reason: d.reason,
    ...(d.confidence !== undefined ? { confidence: d.confidence } : {}),
    at: env.clock.now(),
  });
}
