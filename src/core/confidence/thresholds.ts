/** Per-workflow thresholds turn a confidence into a decision: proceed, review, or block. */
import { OrchestratorError } from '../errors';

export type ConfidenceDecision = 'proceed' | 'review' | 'block';

export interface ConfidenceThresholds {
  /** At or above: proceed. */
  proceed: number;
  /** At or above (and below `proceed`): a human reviews. Below: block. */
  review: number;
}

export function decide(value: number, thresholds: ConfidenceThresholds): ConfidenceDecision {
  if (value >= thresholds.proceed) return 'proceed';
  if (value >= thresholds.review) return 'review';
  return 'block';
}

/** Throws a validation error naming `where` when the thresholds are not 0 ≤ review ≤ proceed ≤ 1. */
export function checkThresholds(thresholds: ConfidenceThresholds, where: string): void {
  const { proceed, review } = thresholds;
  const ok = [proceed, review].every((v) => Number.isFinite(v) && v >= 0 && v <= 1) && review <= proceed;
  if (!ok) throw new OrchestratorError('validation', `${where}: thresholds must satisfy 0 <= review (${review}) <= proceed (${proceed}) <= 1`);
}
