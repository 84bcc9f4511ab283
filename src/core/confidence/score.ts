/**
 * Per-step confidence: a base value, additive adjustments and caps, each kept as a named
 * factor so a host can show why a result is trusted as much as it is (the seed's confidence framework).
 * The real server reports no confidence and sometimes answers with placeholders, so all
 * of it is computed here, client-side.
 */
import { clampUnit, confidenceLevel, type ConfidenceColour } from './levels';

export type ConfidenceFactor =
  | { kind: 'base'; label: string; value: number }
  | { kind: 'adjust'; label: string; delta: number }
  /** Bounds the value from above (a cap of 0 means "do not trust at all"). */
  | { kind: 'cap'; label: string; max: number };

export interface Confidence {
  value: number;
  level: 0 | 1 | 2 | 3 | 4 | 5;
  levelName: string;
  colour: ConfidenceColour;
  factors: ConfidenceFactor[];
  /** One line: the value, its level and what moved it away from the base. */
  reason: string;
}

export function computeConfidence(factors: readonly ConfidenceFactor[]): Confidence {
  let base = 1;
  let delta = 0;
  let cap = 1;
  for (const f of factors) {
    if (f.kind === 'base') base = f.value;
    else if (f.kind === 'adjust') delta += f.delta;
    else cap = Math.min(cap, f.max);
  }
  const value = round3(clampUnit(Math.min(base + delta, cap)));
  const level = confidenceLevel(value);
  const notes = factors.filter((f) => f.kind !== 'base').map(describe);
  const baseFactor = factors.find((f) => f.kind === 'base');
  const why = notes.length > 0 ? notes.join('; ') : (baseFactor?.label ?? 'no adjustments');
  return {
    value,
    level: level.level,
    levelName: level.name,
    colour: level.colour,
    factors: [...factors],
    reason: `${value.toFixed(2)} (${level.name}): ${why}`,
  };
}

/** A confidence that is a plain value with one explanation (aggregates, human answers). */
export function confidenceOf(value: number, label: string): Confidence {
  return computeConfidence([{ kind: 'base', label, value }]);
}

function describe(f: ConfidenceFactor): string {
  if (f.kind === 'adjust') return `${f.label} (${f.delta >= 0 ? '+' : '−'}${Math.abs(f.delta).toFixed(2)})`;
  if (f.kind === 'cap') return f.max === 0 ? f.label : `${f.label} (at most ${f.max.toFixed(2)})`;
  return f.label;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

type Json = Record<string, unknown>;

function asObject(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

const FAKE_SOURCES = new Set(['placeholder', 'mock', 'fake', 'stub']);

/**
 * Where a result says it is not real data, e.g. `metadata.source = "placeholder"`
 * (validate_schedule_by_id_tool's silent fallback) or `is_mock: true`. Undefined when none.
 */
export function placeholderMarker(data: Json): string | undefined {
  const places: [string, Json | undefined][] = [
    ['', data],
    ['metadata.', asObject(data['metadata'])],
    ['meta.', asObject(data['meta'])],
  ];
  for (const [prefix, obj] of places) {
    if (!obj) continue;
    for (const field of ['source', 'data_source']) {
      const v = obj[field];
      if (typeof v === 'string' && FAKE_SOURCES.has(v.toLowerCase())) return `${prefix}${field} = "${v}"`;
    }
    for (const field of ['is_mock', 'mock', 'is_placeholder', 'placeholder']) {
      if (obj[field] === true) return `${prefix}${field} = true`;
    }
  }
  return undefined;
}

/**
 * The share of inputs a result says it had (0–1), from `coverage`/`data_coverage` or
 * `missing_fraction`, at the top level or under `metadata`. Undefined when not stated.
 */
export function coverageOf(data: Json): number | undefined {
  for (const obj of [data, asObject(data['metadata'])]) {
    if (!obj) continue;
    for (const field of ['coverage', 'data_coverage']) {
      const v = obj[field];
      if (typeof v === 'number' && v >= 0 && v <= 1) return v;
    }
    const missing = obj['missing_fraction'];
    if (typeof missing === 'number' && missing >= 0 && missing <= 1) return 1 - missing;
  }
  return undefined;
}

/** Where a result marks itself partial or low-data (`partial`, `low_data`, `data_quality: "low"`). */
export function partialMarker(data: Json): string | undefined {
  for (const [prefix, obj] of [
    ['', data],
    ['metadata.', asObject(data['metadata'])],
  ] as const) {
    if (!obj) continue;
    for (const field of ['partial', 'is_partial', 'low_data']) if (obj[field] === true) return `${prefix}${field} = true`;
    const quality = obj['data_quality'];
    if (typeof quality === 'string' && quality.toLowerCase() === 'low') return `${prefix}data_quality = "low"`;
  }
  return undefined;
}

/** Caps from the framework's level table: how much of the inputs a result stands on. */
export function coverageCap(coverage: number, label: string): ConfidenceFactor | undefined {
  if (coverage >= 1) return undefined;
  const pct = `${Math.round(coverage * 100)}% of inputs`;
  if (coverage < 0.5) return { kind: 'cap', label: `${label}: ${pct}`, max: 0.25 };
  if (coverage < 0.75) return { kind: 'cap', label: `${label}: ${pct}`, max: 0.5 };
  if (coverage < 0.95) return { kind: 'cap', label: `${label}: ${pct}`, max: 0.75 };
  return { kind: 'cap', label: `${label}: ${pct}`, max: 0.9 };
}

const HOUR = 3_600_000;

/** Caps from the framework's level table: older data cannot be trusted as much. */
export function ageCap(ageMs: number): ConfidenceFactor | undefined {
  const label = `data ${formatAge(ageMs)} old`;
  if (ageMs > 24 * HOUR) return { kind: 'cap', label, max: 0.25 };
  if (ageMs > 12 * HOUR) return { kind: 'cap', label, max: 0.5 };
  if (ageMs > 6 * HOUR) return { kind: 'cap', label, max: 0.75 };
  if (ageMs > 2 * HOUR) return { kind: 'cap', label, max: 0.9 };
  return undefined;
}

/** "45 s", "12 min", "3.5 h", "2.0 d". */
export function formatAge(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < HOUR) return `${Math.round(ms / 60_000)} min`;
  if (ms < 48 * HOUR) return `${(ms / HOUR).toFixed(1)} h`;
  return `${(ms / (24 * HOUR)).toFixed(1)} d`;
}

export interface ToolEvidence {
  capability: string;
  base: number;
  data: Json;
  source: 'live' | 'cache' | 'fallback';
  durationMs: number;
  slowAfterMs: number;
  slowPenalty: number;
  /** For cache: the age of the result and the tool's penalty for using a cached answer. */
  cacheAgeMs?: number;
  cachedPenalty?: number;
  /** For a fallback: what it was and how much less it is trusted. */
  fallbackLabel?: string;
  fallbackPenalty?: number;
  /** For a hub: how many of its inputs were available. */
  inputs?: { expected: number; present: number };
  /** Workflow-specific factors (e.g. SPC history shorter than 4 weeks). */
  extra?: readonly ConfidenceFactor[];
}

/** The confidence of one tool result from everything known about how it was obtained. */
export function scoreToolResult(e: ToolEvidence): Confidence {
  const factors: ConfidenceFactor[] = [{ kind: 'base', label: `base confidence of ${e.capability}`, value: e.base }];
  if (e.source === 'cache' && e.cacheAgeMs !== undefined) {
    factors.push({ kind: 'adjust', label: `cached result from ${formatAge(e.cacheAgeMs)} ago`, delta: -(e.cachedPenalty ?? 0) });
    const cap = ageCap(e.cacheAgeMs);
    if (cap) factors.push(cap);
  }
  if (e.source === 'fallback') {
    factors.push({ kind: 'adjust', label: `fallback: ${e.fallbackLabel ?? 'simplified result'}`, delta: -(e.fallbackPenalty ?? 0) });
  }
  if (e.source === 'live' && e.durationMs > e.slowAfterMs) {
    factors.push({ kind: 'adjust', label: `slow: ${Math.round(e.durationMs)} ms > ${e.slowAfterMs} ms`, delta: -e.slowPenalty });
  }
  const partial = partialMarker(e.data);
  if (partial) factors.push({ kind: 'adjust', label: `result marked partial (${partial})`, delta: -0.15 });
  const coverage = coverageOf(e.data);
  if (coverage !== undefined) {
    const cap = coverageCap(coverage, 'result covers');
    if (cap) factors.push(cap);
  }
  if (e.inputs && e.inputs.expected > 0) {
    const cap = coverageCap(e.inputs.present / e.inputs.expected, `${e.inputs.present}/${e.inputs.expected} inputs available`);
    if (cap) factors.push(cap);
  }
  if (e.extra) factors.push(...e.extra);
  const fake = placeholderMarker(e.data);
  if (fake) factors.push({ kind: 'cap', label: `placeholder data (${fake})`, max: 0 });
  return computeConfidence(factors);
}
