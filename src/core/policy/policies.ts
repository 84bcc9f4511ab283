/**
 * Resilience policy as data, one record per capability (the seed's short tool names),
 * built from the seed's tables (timeouts, retries, breakers and cache TTLs; docs/workflows.md) and overridable from config.
 * Everything that decides how a tool is called — time limits, retries, breaker, cache,
 * confidence — is read from here; nothing else hard-codes a number.
 */
import * as z from 'zod';
import { OrchestratorError, type ErrorKind } from '../errors';
import { compact } from '../util/compact';

export interface RetryPolicy {
  /** Retries after the first attempt (the seed: at most 3). */
  maxRetries: number;
  initialDelayMs: number;
  multiplier: number;
  maxDelayMs: number;
  /** Fraction (0–1) of each delay removed at random, so callers do not retry in lockstep. */
  jitter: number;
  /** Only these kinds are retried; validation and compliance errors never are. */
  retryOn: ErrorKind[];
}

export interface BreakerPolicy {
  /** Opens when this many failures fall within `windowMs`. */
  failureThreshold: number;
  windowMs: number;
  /** First wait before a half-open trial call; doubles after each failed trial. */
  halfOpenAfterMs: number;
  maxHalfOpenAfterMs: number;
}

export interface CachePolicy {
  /** A result younger than this is served without calling the tool (0: never). */
  ttlMs: number;
  /** A result younger than this may stand in when the tool fails (0: never). */
  maxAgeMs: number;
  /**
   * Serve a result stored by an earlier run as fresh although the server cannot prove
   * the data is unchanged (it reports no data version and database id). Off by default;
   * see docs/caching.md.
   */
  acrossRuns: boolean;
}

export interface ConfidencePolicy {
  base: number;
  /** A live call slower than this loses `slowPenalty`. */
  slowAfterMs: number;
  slowPenalty: number;
  /** Lost when a cached result is used (on top of the age caps). */
  cachedPenalty: number;
  /** Lost when a registered fallback stands in for the tool. */
  fallbackPenalty: number;
}

export interface CapabilityPolicy {
  capability: string;
  /** Latency the tool should meet (health status compares p95 with it). */
  slaMs: number;
  /** One attempt; reset by progress notifications. */
  timeoutMs: number;
  /** One attempt, whatever progress arrives. */
  maxTotalTimeoutMs: number;
  /** The whole step, retries included, before the recovery ladder takes over. */
  stepTimeoutMs: number;
  retry: RetryPolicy;
  breaker: BreakerPolicy;
  cache: CachePolicy;
  confidence: ConfidencePolicy;
}

type Section<K extends keyof CapabilityPolicy> = CapabilityPolicy[K] extends object ? Partial<CapabilityPolicy[K]> : never;

/** What config may change for one capability; every field optional. */
export interface PolicyOverride {
  slaMs?: number;
  timeoutMs?: number;
  maxTotalTimeoutMs?: number;
  stepTimeoutMs?: number;
  retry?: Section<'retry'>;
  breaker?: Section<'breaker'>;
  cache?: Section<'cache'>;
  confidence?: Section<'confidence'>;
}

/** Keyed by capability; the key `*` applies to every capability before its own entry. */
export type PolicyOverrides = Record<string, PolicyOverride>;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export const TRANSIENT_KINDS: ErrorKind[] = ['timeout', 'connection', 'rate_limited', 'server_error'];
const NEVER_RETRIED: ReadonlySet<ErrorKind> = new Set(['validation', 'compliance', 'cancelled', 'auth', 'circuit_open']);

const DEFAULT_RETRY: RetryPolicy = {
  maxRetries: 3,
  initialDelayMs: 100,
  multiplier: 2,
  maxDelayMs: 5 * SECOND,
  jitter: 0.2,
  retryOn: TRANSIENT_KINDS,
};

const DEFAULT_BREAKER: BreakerPolicy = { failureThreshold: 5, windowMs: 60 * SECOND, halfOpenAfterMs: 30 * SECOND, maxHalfOpenAfterMs: 120 * SECOND };

/** Cache classes of the guide's TTL table; `maxAgeMs` is the fallback limit ("cached < 6 h"). */
export const CACHE_CLASSES = {
  validation: { ttlMs: 6 * HOUR, maxAgeMs: 6 * HOUR, acrossRuns: false },
  contingency: { ttlMs: 12 * HOUR, maxAgeMs: 12 * HOUR, acrossRuns: false },
  early_warning: { ttlMs: 2 * HOUR, maxAgeMs: 2 * HOUR, acrossRuns: false },
  unified_index: { ttlMs: 4 * HOUR, maxAgeMs: 4 * HOUR, acrossRuns: false },
  epidemiology: { ttlMs: 24 * HOUR, maxAgeMs: 24 * HOUR, acrossRuns: false },
  /** Never served fresh, but accepted as a fallback within the error-handling file's 24 h. */
  fallback_only: { ttlMs: 0, maxAgeMs: 24 * HOUR, acrossRuns: false },
} satisfies Record<string, CachePolicy>;

interface SeedRow {
  slaMs: number;
  timeoutMs: number;
  base: number;
  cache: CachePolicy;
  breaker?: Partial<BreakerPolicy>;
  /** The seed's "slow" threshold when it names one (detect_conflicts: > 1 s). */
  slow?: { afterMs: number; penalty: number };
  cachedPenalty?: number;
}

const C = CACHE_CLASSES;
const CORE_BREAKER = { failureThreshold: 5, windowMs: 60 * SECOND, halfOpenAfterMs: 30 * SECOND };

/**
 * The seed's numbers: SLA/timeout from the health monitor table (tool categories for
 * tools it does not list), base confidence from the framework, breakers from the breaker
 * table, cache classes from the guide.
 */
export const SEED_POLICIES: Readonly<Record<string, SeedRow>> = {
  validate_schedule: { slaMs: 100, timeoutMs: 5000, base: 0.9, cache: C.validation, breaker: CORE_BREAKER },
  validate_schedule_by_id: { slaMs: 100, timeoutMs: 5000, base: 0.9, cache: C.validation, breaker: CORE_BREAKER },
  detect_conflicts: { slaMs: 100, timeoutMs: 5000, base: 0.85, cache: C.validation, breaker: CORE_BREAKER, slow: { afterMs: 1000, penalty: 0.1 } },
  analyze_swap_candidates: { slaMs: 100, timeoutMs: 5000, base: 0.8, cache: C.fallback_only },
  check_utilization_threshold: { slaMs: 50, timeoutMs: 1000, base: 0.95, cache: C.early_warning },
  get_defense_level: { slaMs: 50, timeoutMs: 1000, base: 0.9, cache: C.early_warning },
  check_circuit_breakers: { slaMs: 100, timeoutMs: 2000, base: 0.85, cache: C.fallback_only },
  run_contingency_analysis: { slaMs: 2000, timeoutMs: 10_000, base: 0.75, cache: C.contingency, cachedPenalty: 0.2 },
  run_contingency_analysis_deep: {
    slaMs: 5000,
    timeoutMs: 30_000,
    base: 0.75,
    cache: C.contingency,
    cachedPenalty: 0.2,
    breaker: { failureThreshold: 3, windowMs: 120 * SECOND, halfOpenAfterMs: 60 * SECOND },
  },
  calculate_blast_radius: { slaMs: 1000, timeoutMs: 5000, base: 0.7, cache: C.contingency },
  execute_sacrifice_hierarchy: { slaMs: 1000, timeoutMs: 10_000, base: 0.7, cache: C.contingency },
  detect_burnout_precursors: {
    slaMs: 500,
    timeoutMs: 5000,
    base: 0.65,
    cache: C.early_warning,
    breaker: { failureThreshold: 10, windowMs: 300 * SECOND },
  },
  run_spc_analysis: { slaMs: 50, timeoutMs: 2000, base: 0.8, cache: C.early_warning },
  calculate_fire_danger_index: { slaMs: 100, timeoutMs: 2000, base: 0.7, cache: C.early_warning },
  predict_burnout_magnitude: { slaMs: 100, timeoutMs: 5000, base: 0.7, cache: C.early_warning },
  detect_workload_anomalies: { slaMs: 100, timeoutMs: 5000, base: 0.7, cache: C.early_warning },
  run_frms_assessment: { slaMs: 100, timeoutMs: 5000, base: 0.7, cache: C.early_warning },
  assess_creep_fatigue: { slaMs: 100, timeoutMs: 5000, base: 0.7, cache: C.early_warning },
  calculate_schedule_entropy: { slaMs: 100, timeoutMs: 2000, base: 0.7, cache: C.early_warning },
  get_unified_critical_index: { slaMs: 500, timeoutMs: 5000, base: 0.6, cache: C.unified_index },
  calculate_burnout_rt: { slaMs: 1000, timeoutMs: 10_000, base: 0.55, cache: C.epidemiology },
  simulate_burnout_contagion: { slaMs: 2000, timeoutMs: 10_000, base: 0.5, cache: C.epidemiology },
  simulate_burnout_spread: { slaMs: 2000, timeoutMs: 10_000, base: 0.5, cache: C.epidemiology },
  calculate_process_capability: { slaMs: 100, timeoutMs: 2000, base: 0.75, cache: C.early_warning },
  calculate_equity_metrics: { slaMs: 100, timeoutMs: 2000, base: 0.75, cache: C.early_warning },
  analyze_workload_trend: { slaMs: 100, timeoutMs: 2000, base: 0.7, cache: C.early_warning },
  analyze_supply_demand_cycles: { slaMs: 100, timeoutMs: 2000, base: 0.7, cache: C.early_warning },
  analyze_hub_centrality: { slaMs: 1000, timeoutMs: 10_000, base: 0.7, cache: C.contingency },
  // The seed's generation phase: "Backend (5-10s)". With the default 500 ms SLA a normal generation read as CRITICAL.
  generate_schedule: { slaMs: 10_000, timeoutMs: 30_000, base: 0.7, cache: C.fallback_only },
};

/** For capabilities the seed does not describe (a cautious middle: analytics-like). */
const DEFAULT_ROW: SeedRow = { slaMs: 500, timeoutMs: 5000, base: 0.7, cache: C.fallback_only };

function fromSeed(capability: string, row: SeedRow): CapabilityPolicy {
  return {
    capability,
    slaMs: row.slaMs,
    timeoutMs: row.timeoutMs,
    maxTotalTimeoutMs: row.timeoutMs * 3,
    stepTimeoutMs: row.timeoutMs * 2,
    retry: { ...DEFAULT_RETRY, retryOn: [...DEFAULT_RETRY.retryOn] },
    breaker: { ...DEFAULT_BREAKER, ...row.breaker },
    cache: { ...row.cache },
    confidence: {
      base: row.base,
      slowAfterMs: row.slow?.afterMs ?? row.slaMs,
      slowPenalty: row.slow?.penalty ?? 0.05,
      cachedPenalty: row.cachedPenalty ?? 0.1,
      fallbackPenalty: 0.3,
    },
  };
}

function applyOverride(p: CapabilityPolicy, o: PolicyOverride | undefined): CapabilityPolicy {
  if (!o) return p;
  const { retry, breaker, cache, confidence, ...scalars } = o;
  return {
    ...p,
    ...compact(scalars),
    retry: { ...p.retry, ...compact(retry ?? {}) },
    breaker: { ...p.breaker, ...compact(breaker ?? {}) },
    cache: { ...p.cache, ...compact(cache ?? {}) },
    confidence: { ...p.confidence, ...compact(confidence ?? {}) },
  };
}

/** The effective policies: seed, then `*` overrides, then per-capability overrides, in layers. */
export class PolicyTable {
  private readonly layers: readonly PolicyOverrides[];

  constructor(...layers: PolicyOverrides[]) {
    for (const layer of layers) parsePolicyOverrides(layer);
    this.layers = layers;
  }

  /** A table with one more layer on top (e.g. a mode's overrides). */
  with(overrides: PolicyOverrides | undefined): PolicyTable {
    return overrides && Object.keys(overrides).length > 0 ? new PolicyTable(...this.layers, overrides) : this;
  }

  get(capability: string): CapabilityPolicy {
    let policy = fromSeed(capability, SEED_POLICIES[capability] ?? DEFAULT_ROW);
    for (const layer of this.layers) policy = applyOverride(applyOverride(policy, layer['*']), layer[capability]);
    return policy;
  }
}

const nonNegative = z.number().finite().nonnegative();
const positive = z.number().finite().positive();
const unit = z.number().min(0).max(1);
const errorKinds = z.enum([
  'timeout',
  'connection',
  'rate_limited',
  'server_error',
  'auth',
  'tool_error',
  'invalid_result',
  'unavailable',
  'cancelled',
  'validation',
  'compliance',
  'circuit_open',
  'protocol',
]);

const overrideSchema = z
  .object({
    slaMs: positive,
    timeoutMs: positive,
    maxTotalTimeoutMs: positive,
    stepTimeoutMs: positive,
    retry: z
      .object({
        maxRetries: z.number().int().min(0).max(10),
        initialDelayMs: nonNegative,
        multiplier: z.number().min(1),
        maxDelayMs: nonNegative,
        jitter: unit,
        retryOn: z.array(errorKinds).refine((kinds) => kinds.every((k) => !NEVER_RETRIED.has(k)), {
          message: 'validation, compliance, auth, cancelled and circuit_open errors are never retried',
        }),
      })
      .strict()
      .partial(),
    breaker: z
      .object({ failureThreshold: z.number().int().min(1), windowMs: positive, halfOpenAfterMs: positive, maxHalfOpenAfterMs: positive })
      .strict()
      .partial(),
    cache: z.object({ ttlMs: nonNegative, maxAgeMs: nonNegative, acrossRuns: z.boolean() }).strict().partial(),
    confidence: z.object({ base: unit, slowAfterMs: nonNegative, slowPenalty: unit, cachedPenalty: unit, fallbackPenalty: unit }).strict().partial(),
  })
  .strict()
  .partial();

const overridesSchema = z.record(z.string().min(1), overrideSchema);

/** Checks config before use: unknown fields, wrong types and forbidden retries are errors. */
export function parsePolicyOverrides(raw: unknown): PolicyOverrides {
  const parsed = overridesSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new OrchestratorError('validation', `Invalid policy overrides: ${issues}`);
  }
  return parsed.data as PolicyOverrides;
}
