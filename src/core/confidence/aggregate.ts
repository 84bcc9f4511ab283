/**
 * Combining several confidences into one, by the method a workflow names (the seed's confidence framework):
 * minimum when every input must be confident, weighted mean by default, harmonic mean
 * (zeros ignored) for safety-critical phases, maximum for early-warning signals, and the
 * unified-index blend min × 0.9 + mean × 0.1.
 */
import { clampUnit } from './levels';

export type AggregationMethod = 'minimum' | 'weighted_mean' | 'harmonic_mean' | 'maximum' | 'unified';

export const AGGREGATION_METHODS: readonly AggregationMethod[] = ['minimum', 'weighted_mean', 'harmonic_mean', 'maximum', 'unified'];

export interface WeightedConfidence {
  value: number;
  /** Only the weighted mean reads it; defaults to 1. */
  weight?: number;
}

/** Undefined when there is nothing to aggregate (no evidence is not the same as zero). */
export function aggregateConfidence(items: readonly WeightedConfidence[], method: AggregationMethod): number | undefined {
  if (items.length === 0) return undefined;
  const values = items.map((i) => clampUnit(i.value));
  switch (method) {
    case 'minimum':
      return Math.min(...values);
    case 'maximum':
      return Math.max(...values);
    case 'weighted_mean': {
      let sum = 0;
      let weights = 0;
      items.forEach((item, i) => {
        const w = item.weight ?? 1;
        sum += w * values[i]!;
        weights += w;
      });
      return weights > 0 ? sum / weights : undefined;
    }
    case 'harmonic_mean': {
      const nonZero = values.filter((v) => v > 0);
      if (nonZero.length === 0) return 0;
      return nonZero.length / nonZero.reduce((acc, v) => acc + 1 / v, 0);
    }
    case 'unified': {
      const mean = values.reduce((a, v) => a + v, 0) / values.length;
      return Math.min(...values) * 0.9 + mean * 0.1;
    }
  }
}
