/**
 * The seed's weighted confidences over named steps (e.g. compliance: 80-hour 0.3, 1-in-7
 * 0.2, supervision 0.2, conflicts 0.2, SPC 0.1). A step skipped by design (mode, branch,
 * tier, condition) is left out with its weight; a step that failed or was unavailable
 * counts as 0, which is how a missing tool lowers the result.
 */
import { aggregateConfidence } from '../../confidence/aggregate';
import type { ConfidenceFactor } from '../../confidence/score';
import { countsForConfidence } from '../../engine/results';
import type { ResultView } from './outcome';

export interface WeightedParts {
  value: number | undefined;
  /** Steps that counted with 0 (failed, unavailable, placeholder). */
  missing: string[];
}

export function weightedConfidence(view: ResultView, weights: Readonly<Record<string, number>>): WeightedParts {
  const items: { value: number; weight: number }[] = [];
  const missing: string[] = [];
  for (const [stepId, weight] of Object.entries(weights)) {
    const r = view.result(stepId);
    if (!r || !countsForConfidence(r)) continue;
    const value = r.data ? r.confidence.value : 0;
    if (value === 0) missing.push(stepId);
    items.push({ value, weight });
  }
  return { value: aggregateConfidence(items, 'weighted_mean'), missing };
}

/** The factors of a compute step whose confidence is a weighted mean of other steps. */
export function weightedFactors(view: ResultView, weights: Readonly<Record<string, number>>, label: string): ConfidenceFactor[] {
  const { value, missing } = weightedConfidence(view, weights);
  if (value === undefined) return [{ kind: 'base', label: `${label}: no inputs`, value: 0 }];
  return [{ kind: 'base', label: missing.length > 0 ? `${label} (counting ${missing.join(', ')} as 0)` : label, value }];
}
