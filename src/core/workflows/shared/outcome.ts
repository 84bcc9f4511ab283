/**
 * What a workflow concludes from its step results, in one shape every report and host
 * shows: a headline, the decision in words, key numbers, findings, alerts, recommendations
 * and next actions. Each workflow computes it with a pure function of its results, so the
 * same conclusion is drawn whether the run completed or stopped early.
 */
import type { JsonObject } from '../../engine/definition';
import type { StepResult } from '../../engine/results';
import type { Finding } from './findings';
import type { NextAction } from './nextActions';

export type RecommendationCategory = 'immediate' | 'monitoring' | 'long_term';

export type Recommendation = {
  category: RecommendationCategory;
  text: string;
};

export type AlertSeverity = 'RED' | 'YELLOW' | 'INFO';

export type Alert = {
  severity: AlertSeverity;
  /** The severity the evidence pointed to before confidence was taken into account. */
  raisedAs: AlertSeverity;
  message: string;
  /** Step whose result raised it. */
  source: string;
  confidence: number;
  /** `downgraded`/`held_back` when the confidence was too low for the raised severity. */
  status: 'confirmed' | 'downgraded' | 'held_back';
  note?: string;
};

export type Metric = {
  label: string;
  value: string;
};

export type WorkflowOutcome = {
  headline: string;
  decision: string;
  metrics: Metric[];
  findings: Finding[];
  alerts: Alert[];
  recommendations: Recommendation[];
  nextActions: NextAction[];
};

/** The read-only view of a run's results an outcome is computed from (a RunContext is one). */
export interface ResultView {
  readonly mode: string;
  readonly inputs: JsonObject;
  result(stepId: string): StepResult | undefined;
  data(stepId: string): JsonObject | undefined;
}

/** How the run ended, as far as the outcome needs to know. */
export interface RunEnd {
  status: string;
  reason?: string;
}

/** A view over finished step results (a run summary or a rebuilt run record). */
export function viewOf(mode: string, inputs: JsonObject, results: Iterable<StepResult>): ResultView {
  const byId = new Map<string, StepResult>();
  for (const r of results) byId.set(r.stepId, r);
  return {
    mode,
    inputs,
    result: (id) => byId.get(id),
    data: (id) => byId.get(id)?.data,
  };
}

export function dedupeRecommendations(list: readonly Recommendation[]): Recommendation[] {
  const seen = new Set<string>();
  const out: Recommendation[] = [];
  for (const r of list) {
    const key = `${r.category}:${r.text.toLowerCase()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(r);
  }
  return out;
}
