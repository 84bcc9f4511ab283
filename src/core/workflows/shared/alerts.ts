/**
 * Alerts with the seed's confidence rule: a RED alert needs confidence ≥ 0.85, YELLOW ≥ 0.75,
 * INFO ≥ 0.60 (the seed's resilience workflow). An alert whose evidence is less certain is
 * downgraded to the highest severity its confidence allows, or held back as unconfirmed.
 */
import type { Alert, AlertSeverity, ResultView } from './outcome';

export const ALERT_CONFIDENCE: Readonly<Record<AlertSeverity, number>> = { RED: 0.85, YELLOW: 0.75, INFO: 0.6 };

const ORDER: readonly AlertSeverity[] = ['RED', 'YELLOW', 'INFO'];

export type AlertCandidate = { severity: AlertSeverity; message: string; source: string };

export function gateAlert(candidate: AlertCandidate, confidence: number): Alert {
  const allowed = ORDER.slice(ORDER.indexOf(candidate.severity)).find((s) => confidence >= ALERT_CONFIDENCE[s]);
  const base = { raisedAs: candidate.severity, message: candidate.message, source: candidate.source, confidence };
  if (allowed === candidate.severity) return { ...base, severity: allowed, status: 'confirmed' };
  if (allowed) {
    const note = `downgraded from ${candidate.severity}: confidence ${confidence.toFixed(2)} < ${ALERT_CONFIDENCE[candidate.severity]}`;
    return { ...base, severity: allowed, status: 'downgraded', note };
  }
  const note = `held back: confidence ${confidence.toFixed(2)} < ${ALERT_CONFIDENCE.INFO}; verify with another tool`;
  return { ...base, severity: candidate.severity, status: 'held_back', note };
}

/** Gates every candidate by the confidence of the step that raised it: standing alerts by severity, then held-back ones. */
export function gateAlerts(view: ResultView, candidates: readonly AlertCandidate[]): Alert[] {
  const alerts = candidates.map((c) => gateAlert(c, view.result(c.source)?.confidence.value ?? 0));
  const rank = (a: Alert) => (a.status === 'held_back' ? ORDER.length : ORDER.indexOf(a.severity));
  return alerts.sort((a, b) => rank(a) - rank(b));
}
