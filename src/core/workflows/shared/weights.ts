/**
 * The seed's weighted confidences over named steps (e.g. compliance: 80-hour 0.3, 1-in-7
 * 0.2, supervision 0.2, conflicts 0.2, SPC 0.1). A step skipped by design (mode, branch,
 * tier, condition) is left out with its weight; a step that failed or was unavailable
 * counts as 0, which is how a missing tool lowers the result; a placeholder answer is left out
 * and charged a fixed penalty instead.
 */
import { aggregateConfidence } from '../../confidence/aggregate';
import type { ConfidenceFactor } from '../../confidence/score';
import { countsForConfidence, PLACEHOLDER_PENALTY } from '../../engine/results';
import type { ResultView } from './outcome';

export interface WeightedParts {
  /** The weighted mean less PLACEHOLDER_PENALTY per placeholder answer. */
  value: number | undefined;
  /** The weighted mean over the steps that count. */
  mean: number | undefined;
  /** Steps that counted with 0 (failed, unavailable). */
  missing: string[];
  /** Steps whose tool answered with a placeholder: left out of the mean, charged as a penalty. */
  placeholders: string[];
}

export function weightedConfidence(view: ResultView, weights: Readonly<Record<string, number>>): WeightedParts {
  const items: { value: number; weight: number }[] = [];
  const missing: string[] = [];
  const placeholders: string[] = [];
  for (const [stepId, weight] of Object.entries(weights)) {
    const r = view.result(stepId);
    if (r?.skip?.cause === 'placeholder') placeholders.push(stepId);
    if (!r || !countsForConfidence(r)) continue;
    const value = r.data ? r.confidence.value : 0;
    if (value === 0) missing.push(stepId);
    items.push({ value, weight });
  }
  const mean = aggregateConfidence(items, 'weighted_mean');
  const value = mean === undefined ? undefined : Math.max(0, Math.round((mean - PLACEHOLDER_PENALTY * placeholders.length) * 1000) / 1000);
  return { value, mean, missing, placeholders };
}

/** The factors of a compute step whose confidence is a weighted mean of other steps. */
export function weightedFactors(view: ResultView, weights: Readonly<Record<string, number>>, label: string): ConfidenceFactor[] {
  const { mean, missing, placeholders } = weightedConfidence(view, weights);
  if (mean === undefined) return [{ kind: 'base', label: `${label}: no inputs`, value: 0 }];
  return [
    { kind: 'base', label: missing.length > 0 ? `${label} (counting ${missing.join(', ')} as 0)` : label, value: mean },
    ...placeholders.map((id): ConfidenceFactor => ({ kind: 'adjust', label: `placeholder: ${id} (server backend unavailable)`, delta: -PLACEHOLDER_PENALTY })),
  ];
}
