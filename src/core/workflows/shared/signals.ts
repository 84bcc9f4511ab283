/**
 * What the workflows' decision rules read from resilience and early-warning results, with
 * the vocabularies of the real server and the bundled one folded together:
 * utilization levels, defense levels as names or numbers, N-1 gaps, the unified index and
 * the severities the early-warning tools report.
 */
import type { ResultView } from './outcome';
import { bool, count, list, num, str, strings, type Json } from './read';

export const UTILIZATION_LEVELS = ['green', 'yellow', 'orange', 'red', 'black'] as const;
export type UtilizationLevel = (typeof UTILIZATION_LEVELS)[number];

/** The level a utilization result reports, else the one its rate implies (the thresholds in docs/analytics.md). */
export function utilizationLevel(data: Json | undefined): UtilizationLevel | undefined {
  const raw = str(data, 'level', 'utilization_level')?.toLowerCase();
  if (raw && (UTILIZATION_LEVELS as readonly string[]).includes(raw)) return raw as UtilizationLevel;
  const rate = utilizationRate(data);
  if (rate === undefined) return undefined;
  if (rate >= 0.95) return 'black';
  if (rate >= 0.9) return 'red';
  if (rate >= 0.8) return 'orange';
  if (rate >= 0.7) return 'yellow';
  return 'green';
}

export function utilizationRate(data: Json | undefined): number | undefined {
  return num(data, 'utilization_rate', 'effective_utilization', 'utilization');
}

export const DEFENSE_LEVELS = ['prevention', 'control', 'safety_systems', 'containment', 'emergency'] as const;

function defenseNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && value >= 1 && value <= 5) return Math.round(value);
  if (typeof value !== 'string') return undefined;
  const i = (DEFENSE_LEVELS as readonly string[]).indexOf(value.toLowerCase().replace(/\s+/g, '_'));
  return i >= 0 ? i + 1 : undefined;
}

/**
 * Defense level 1 (prevention) … 5 (emergency). The real tool returns names, the docs
 * numbers; the worse of the current and the recommended level counts, because on the
 * real server's fallback path the current level is always "prevention".
 */
export function defenseLevel(data: Json | undefined): number | undefined {
  const levels = [data?.['current_level'], data?.['recommended_level'], data?.['level'], data?.['defense_level']].map(defenseNumber).filter((n): n is number => n !== undefined);
  return levels.length > 0 ? Math.max(...levels) : undefined;
}

export function defenseName(level: number): string {
  return (DEFENSE_LEVELS[level - 1] ?? 'unknown').replace('_', ' ');
}

export interface Gaps {
  /** Gaps found: explicit gap lists or counts, else N-1 vulnerabilities plus N-2 fatal pairs. */
  total: number;
  /** Gaps without a workaround (critical / sole-provider). */
  critical: number;
  /** Share of gaps that are critical (0 when there are none). */
  criticalShare: number;
}

/** Gaps of a contingency result (`gaps`, `coverage_gaps`, or N-1/N-2 lists). */
export function contingencyGaps(data: Json | undefined): Gaps | undefined {
  if (!data) return undefined;
  const gaps = list(data, 'gaps');
  const vulns = list(data, 'n1_vulnerabilities') ?? [];
  const pairs = count(data, 'n2_fatal_pairs') ?? 0;
  let total: number | undefined;
  let critical = 0;
  if (gaps) {
    total = gaps.length;
    critical = gaps.filter((g) => isCriticalGap(g)).length;
  } else if (vulns.length > 0 || list(data, 'n1_vulnerabilities') || data['n2_fatal_pairs'] !== undefined) {
    total = vulns.length + pairs;
    critical = vulns.filter((v) => isCriticalGap(v)).length + pairs;
  } else {
    const n = num(data, 'coverage_gaps', 'impact.coverage_gaps', 'gap_count');
    if (n === undefined) return undefined;
    total = n;
    critical = count(data, 'impact.critical_gaps', 'critical_gaps') ?? 0;
  }
  return { total, critical, criticalShare: total > 0 ? critical / total : 0 };
}

function isCriticalGap(g: Json): boolean {
  if (bool(g, 'workaround_available', 'has_workaround') === false) return true;
  if (bool(g, 'is_unique_provider') === true) return true;
  return str(g, 'severity')?.toLowerCase() === 'critical';
}

/** The unified critical index 0–100 (`overall_index`), when the result has one. */
export function unifiedIndex(data: Json | undefined): number | undefined {
  return num(data, 'overall_index', 'unified_index', 'index');
}

export type SignalLevel = 'critical' | 'warning' | 'normal';

/**
 * How alarming an early-warning result is, from its own severity words or its headline
 * number: precursors (severity), SPC (CRITICAL alerts), fire index (extreme / very high),
 * burnout magnitude (≥ 7 critical, ≥ 4 warning), creep fatigue (high-risk residents).
 */
export function signalLevel(data: Json | undefined): SignalLevel | undefined {
  if (!data) return undefined;
  const severity = str(data, 'severity')?.toLowerCase();
  const dangerClass = str(data, 'danger_class')?.toLowerCase();
  const magnitude = num(data, 'predicted_magnitude');
  const spcCritical = (list(data, 'alerts') ?? []).some((a) => str(a, 'severity')?.toUpperCase() === 'CRITICAL');
  if (severity === 'critical' || severity === 'emergency' || dangerClass === 'extreme' || spcCritical || (magnitude !== undefined && magnitude >= 7)) {
    return 'critical';
  }
  if (
    ['warning', 'elevated', 'at_risk', 'high'].includes(severity ?? '') ||
    dangerClass === 'very_high' ||
    dangerClass === 'high' ||
    (magnitude !== undefined && magnitude >= 4) ||
    (num(data, 'high_risk_count') ?? 0) > 0
  ) {
    return 'warning';
  }
  if (severity === 'unknown' && magnitude === undefined && dangerClass === undefined) return undefined;
  return 'normal';
}

/** One line on an early-warning result for decisions and reports (no closing full stop: it is quoted in sentences). */
export function signalSummary(data: Json | undefined): string | undefined {
  return (str(data, 'analysis_summary', 'interpretation', 'message') ?? strings(data, 'recommended_actions', 'recommendations')?.[0])?.replace(/\.$/, '');
}

/** An early-warning step as people read it: its title (else its id) and the server's one-line summary. */
export function describeSignal(view: ResultView, id: string): { name: string; summary: string | undefined } {
  return { name: view.result(id)?.title ?? id.replace(/_/g, ' '), summary: signalSummary(view.data(id)) };
}

/** Burnout reproduction number, when known (`rt` may be null without burnout records). */
export function burnoutRt(data: Json | undefined): number | undefined {
  return num(data, 'rt', 'reproduction_number');
}

/** Breakers a check_circuit_breakers result lists as open / half-open. */
export function openBreakers(data: Json | undefined): { open: string[]; halfOpen: string[] } {
  const open = strings(data, 'open_breaker_names') ?? [];
  const halfOpen = strings(data, 'half_open_breaker_names') ?? [];
  if (open.length === 0 && (num(data, 'open_breakers') ?? 0) > 0) open.push(`${num(data, 'open_breakers')} breaker(s)`);
  return { open, halfOpen };
}

/** Data-quality notes the bundled analytics attach (`data_quality.missing_inputs`). */
export function missingInputs(data: Json | undefined): string[] {
  return strings(data, 'data_quality.missing_inputs') ?? [];
}
