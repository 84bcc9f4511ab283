/**
 * Tool health from real calls (the seed's health monitor): rolling p50/p95
 * latency against the SLA (once there are enough calls to judge it: LATENCY_SAMPLES),
 * success/error/timeout rates and breaker state, mapped to HEALTHY / DEGRADED / CRITICAL /
 * UNAVAILABLE with the seed's thresholds.
 */
import type { Clock } from '../util/clock';
import type { BreakerState } from './breaker';

export type HealthStatus = 'HEALTHY' | 'DEGRADED' | 'CRITICAL' | 'UNAVAILABLE';
export type CallOutcomeKind = 'success' | 'error' | 'timeout';

export interface ToolHealth {
  capability: string;
  /** The real tool name last seen answering for the capability. */
  tool?: string;
  status: HealthStatus;
  /** Why the status is not HEALTHY (empty when it is). */
  reasons: string[];
  samples: number;
  p50Ms?: number;
  p95Ms?: number;
  /** The percentile latency was judged on (see LATENCY_SAMPLES); absent while there are too few calls to judge it. */
  latencyBasis?: 'p50' | 'p95';
  slaMs: number;
  successRate?: number;
  errorRate?: number;
  timeoutRate?: number;
  breaker: BreakerState;
  lastSuccessAt?: number;
  lastFailureAt?: number;
}

export interface HealthChange {
  capability: string;
  from: HealthStatus;
  to: HealthStatus;
  health: ToolHealth;
  at: number;
}

interface Sample {
  at: number;
  latencyMs: number;
  outcome: CallOutcomeKind;
}

interface Track {
  tool?: string;
  samples: Sample[];
  /** The latencies of `samples`, ascending, kept in step with it so a call costs no sort. */
  sorted: number[];
  /** How many of `samples` ended each way. */
  outcomes: Record<CallOutcomeKind, number>;
  /** False once a sample was timed before the one ahead of it (the clock went back). */
  ordered: boolean;
  breaker: BreakerState;
  unavailable?: string | undefined;
  status: HealthStatus;
  lastSuccessAt?: number;
  lastFailureAt?: number;
}

/** The samples inside the window, as the status needs them. */
interface WindowStats {
  count: number;
  /** Their latencies, ascending. */
  sorted: readonly number[];
  outcomes: Readonly<Record<CallOutcomeKind, number>>;
  /** Whether the last two of them timed out. */
  repeatedTimeouts: boolean;
}

type Figures = Pick<ToolHealth, 'p50Ms' | 'p95Ms' | 'latencyBasis' | 'successRate' | 'errorRate' | 'timeoutRate'>;

/**
 * Calls in the window before latency is judged: a nearest-rank p95 of fewer than 20 calls
 * is their slowest one, and a tool's first calls after the server starts pay its start-up
 * (one slow first call made a healthy tool CRITICAL). From `median` calls the p50 is
 * judged against the SLA's thresholds, from `p95` calls the p95, as the seed's monitor does.
 */
export const LATENCY_SAMPLES = { median: 3, p95: 20 } as const;

export interface HealthOptions {
  clock: Clock;
  slaOf: (capability: string) => number;
  onChange: (change: HealthChange) => void;
  /** The seed's "real-time" retention. */
  windowMs?: number;
  maxSamples?: number;
}

function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

/** Index of the first value in ascending `sorted` above `value` (`orEqual`: at or above it). */
function firstAbove(sorted: readonly number[], value: number, orEqual: boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! > value || (orEqual && sorted[mid] === value)) high = mid;
    else low = mid + 1;
  }
  return low;
}

function noOutcomes(): Record<CallOutcomeKind, number> {
  return { success: 0, error: 0, timeout: 0 };
}

export class HealthMonitor {
  private readonly tracks = new Map<string, Track>();
  private readonly windowMs: number;
  private readonly maxSamples: number;

  constructor(private readonly options: HealthOptions) {
    this.windowMs = options.windowMs ?? 5 * 60_000;
    this.maxSamples = options.maxSamples ?? 200;
  }

  record(capability: string, tool: string | undefined, outcome: CallOutcomeKind, latencyMs: number): void {
    const track = this.track(capability);
    const at = this.options.clock.now();
    if (tool) track.tool = tool;
    track.unavailable = undefined;
    const last = track.samples[track.samples.length - 1];
    if (last && at < last.at) track.ordered = false;
    track.samples.push({ at, latencyMs, outcome });
    track.sorted.splice(firstAbove(track.sorted, latencyMs, false), 0, latencyMs);
    track.outcomes[outcome]++;
    if (track.samples.length > this.maxSamples) {
      const dropped = track.samples.shift()!;
      track.sorted.splice(firstAbove(track.sorted, dropped.latencyMs, true), 1);
      track.outcomes[dropped.outcome]--;
    }
    if (outcome === 'success') track.lastSuccessAt = at;
    else track.lastFailureAt = at;
    this.refresh(capability, track);
  }

  setBreaker(capability: string, state: BreakerState): void {
    const track = this.track(capability);
    track.breaker = state;
    this.refresh(capability, track);
  }

  setUnavailable(capability: string, reason: string): void {
    const track = this.track(capability);
    track.unavailable = reason;
    this.refresh(capability, track);
  }

  get(capability: string): ToolHealth {
    const track = this.track(capability);
    return this.compute(capability, track, this.windowStats(track));
  }

  all(): ToolHealth[] {
    return [...this.tracks.keys()].sort().map((c) => this.get(c));
  }

  private track(capability: string): Track {
    let track = this.tracks.get(capability);
    if (!track) {
      track = { samples: [], sorted: [], outcomes: noOutcomes(), ordered: true, breaker: 'closed', status: 'HEALTHY' };
      this.tracks.set(capability, track);
    }
    return track;
  }

  /** Only a change of status builds the whole health (and is reported). */
  private refresh(capability: string, track: Track): void {
    const stats = this.windowStats(track);
    const slaMs = this.options.slaOf(capability);
    const { status } = this.judge(track, figuresOf(stats), stats, slaMs);
    if (status !== track.status) {
      const from = track.status;
      track.status = status;
      this.options.onChange({ capability, from, to: status, health: this.compute(capability, track, stats), at: this.options.clock.now() });
    }
  }

  /**
   * The samples no older than the window. While the clock has only gone forward and the
   * oldest sample is inside the window, that is every sample, counted as they arrived;
   * otherwise they are filtered and counted again.
   */
  private windowStats(track: Track): WindowStats {
    const now = this.options.clock.now();
    const all = track.samples;
    const inWindow = track.ordered && (all.length === 0 || now - all[0]!.at <= this.windowMs) ? all : all.filter((s) => now - s.at <= this.windowMs);
    const n = inWindow.length;
    const repeatedTimeouts = n >= 2 && inWindow[n - 1]!.outcome === 'timeout' && inWindow[n - 2]!.outcome === 'timeout';
    if (inWindow === all) return { count: all.length, sorted: track.sorted, outcomes: track.outcomes, repeatedTimeouts };
    const outcomes = noOutcomes();
    for (const s of inWindow) outcomes[s.outcome]++;
    const sorted = inWindow.map((s) => s.latencyMs).sort((a, b) => a - b);
    return { count: inWindow.length, sorted, outcomes, repeatedTimeouts };
  }

  private compute(capability: string, track: Track, stats: WindowStats): ToolHealth {
    const slaMs = this.options.slaOf(capability);
    const figures = figuresOf(stats);
    const { status, reasons } = this.judge(track, figures, stats, slaMs);
    return {
      capability,
      ...(track.tool ? { tool: track.tool } : {}),
      status,
      reasons,
      samples: stats.count,
      slaMs,
      breaker: track.breaker,
      ...(track.lastSuccessAt !== undefined ? { lastSuccessAt: track.lastSuccessAt } : {}),
      ...(track.lastFailureAt !== undefined ? { lastFailureAt: track.lastFailureAt } : {}),
      ...figures,
    };
  }

  /** The seed's thresholds: the status and why it is not HEALTHY. */
  private judge(track: Track, figures: Figures, stats: WindowStats, slaMs: number): { status: HealthStatus; reasons: string[] } {
    if (track.unavailable) return { status: 'UNAVAILABLE', reasons: [track.unavailable] };
    if (track.breaker === 'open' || track.breaker === 'isolated') return { status: 'UNAVAILABLE', reasons: [`circuit breaker ${track.breaker}`] };
    const critical: string[] = [];
    const degraded: string[] = [];
    if (track.breaker === 'half_open') degraded.push('circuit breaker half-open (trial call)');
    const { latencyBasis, successRate, errorRate } = figures;
    const latency = latencyBasis === 'p95' ? figures.p95Ms : latencyBasis === 'p50' ? figures.p50Ms : undefined;
    if (latency !== undefined) {
      const label = latencyBasis === 'p95' ? 'p95' : `p50 (of ${stats.count} calls)`;
      if (latency > 1.5 * slaMs) critical.push(`${label} ${Math.round(latency)} ms > 150% of SLA ${slaMs} ms`);
      else if (latency >= 0.8 * slaMs) degraded.push(`${label} ${Math.round(latency)} ms >= 80% of SLA ${slaMs} ms`);
    }
    if (successRate !== undefined && errorRate !== undefined) {
      const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
      if (successRate < 0.85) critical.push(`success ${pct(successRate)} < 85%`);
      else if (successRate <= 0.95) degraded.push(`success ${pct(successRate)} <= 95%`);
      if (errorRate > 0.05) critical.push(`errors ${pct(errorRate)} > 5%`);
      else if (errorRate >= 0.01) degraded.push(`errors ${pct(errorRate)} >= 1%`);
      if (stats.repeatedTimeouts) critical.push('repeated timeouts');
      else if (stats.outcomes.timeout > 0) degraded.push('recent timeout');
    }
    if (critical.length > 0) return { status: 'CRITICAL', reasons: [...critical, ...degraded] };
    if (degraded.length > 0) return { status: 'DEGRADED', reasons: degraded };
    return { status: 'HEALTHY', reasons: [] };
  }
}

function figuresOf(stats: WindowStats): Figures {
  if (stats.count === 0) return {};
  return {
    p50Ms: percentile(stats.sorted, 50),
    p95Ms: percentile(stats.sorted, 95),
    ...(stats.count >= LATENCY_SAMPLES.p95 ? { latencyBasis: 'p95' as const } : stats.count >= LATENCY_SAMPLES.median ? { latencyBasis: 'p50' as const } : {}),
    successRate: stats.outcomes.success / stats.count,
    errorRate: stats.outcomes.error / stats.count,
    timeoutRate: stats.outcomes.timeout / stats.count,
  };
}
