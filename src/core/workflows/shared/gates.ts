/**
 * Confidence gates whose labels are written from their thresholds, so what a decision says,
 * what a report shows and what the docs table lists (scripts/gen-docs.ts) are one number.
 */
import type { AggregationMethod } from '../../confidence/aggregate';
import type { ConfidenceThresholds } from '../../confidence/thresholds';
import type { ConfidenceGate } from '../../engine/definition';

const fmt = (n: number) => n.toFixed(2);

/**
 * "validate >= 0.85 (review >= 0.50)", "request validation >= 0.80 required" (review = proceed:
 * below it blocks), "conflicts >= 0.75 (else review)" (review 0: never blocks).
 */
export function gateLabel(subject: string, t: ConfidenceThresholds, note?: string): string {
  const rule = t.review === t.proceed ? 'required' : t.review === 0 ? '(else review)' : `(review >= ${fmt(t.review)}, else blocked)`;
  return `${subject} >= ${fmt(t.proceed)} ${rule}${note ? `; ${note}` : ''}`;
}

export function confidenceGate(
  subject: string,
  thresholds: ConfidenceThresholds,
  options: { method: AggregationMethod; steps?: readonly string[]; note?: string },
): ConfidenceGate {
  return { label: gateLabel(subject, thresholds, options.note), method: options.method, thresholds, ...(options.steps ? { steps: options.steps } : {}) };
}
