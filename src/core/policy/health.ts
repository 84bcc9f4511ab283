/**
 * Tool health from real calls (the seed's health monitor): rolling p50/p95
 * latency against the SLA, success/error/timeout rates and breaker state, mapped to
 * HEALTHY / DEGRADED / CRITICAL / UNAVAILABLE with the seed's thresholds.
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
  breaker: BreakerState;
  unavailable?: string | undefined;
  status: HealthStatus;
  lastSuccessAt?: number;
  lastFailureAt?: number;
}

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
    track.samples.push({ at, latencyMs, outcome });
    if (track.samples.length > this.maxSamples) track.samples.shift();
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
    return this.compute(capability, this.track(capability));
  }

  all(): ToolHealth[] {
    return [...this.tracks.keys()].sort().map((c) => this.get(c));
  }

  private track(capability: string): Track {
    let track = this.tracks.get(capability);
    if (!track) {
      track = { samples: [], breaker: 'closed', status: 'HEALTHY' };
      this.tracks.set(capability, track);
    }
    return track;
  }

  private refresh(capability: string, track: Track): void {
    const health = this.compute(capability, track);
    if (health.status !== track.status) {
      const from = track.status;
      track.status = health.status;
      this.options.onChange({ capability, from, to: health.status, health, at: this.options.clock.now() });
    }
  }

  private compute(capability: string, track: Track): ToolHealth {
    const now = this.options.clock.now();
    const samples = track.samples.filter((s) => now - s.at <= this.windowMs);
    const slaMs = this.options.slaOf(capability);
    const base: ToolHealth = {
      capability,
      ...(track.tool ? { tool: track.tool } : {}),
      status: 'HEALTHY',
      reasons: [],
      samples: samples.length,
      slaMs,
      breaker: track.breaker,
      ...(track.lastSuccessAt !== undefined ? { lastSuccessAt: track.lastSuccessAt } : {}),
      ...(track.lastFailureAt !== undefined ? { lastFailureAt: track.lastFailureAt } : {}),
    };
    if (samples.length > 0) {
      const latencies = samples.map((s) => s.latencyMs).sort((a, b) => a - b);
      const count = (o: CallOutcomeKind) => samples.filter((s) => s.outcome === o).length;
      base.p50Ms = percentile(latencies, 50);
      base.p95Ms = percentile(latencies, 95);
      base.successRate = count('success') / samples.length;
      base.errorRate = count('error') / samples.length;
      base.timeoutRate = count('timeout') / samples.length;
    }
    const critical: string[] = [];
    const degraded: string[] = [];
    if (track.unavailable) return { ...base, status: 'UNAVAILABLE', reasons: [track.unavailable] };
    if (track.breaker === 'open' || track.breaker === 'isolated') return { ...base, status: 'UNAVAILABLE', reasons: [`circuit breaker ${track.breaker}`] };
    if (track.breaker === 'half_open') degraded.push('circuit breaker half-open (trial call)');
    if (base.p95Ms !== undefined) {
      if (base.p95Ms > 1.5 * slaMs) critical.push(`p95 ${Math.round(base.p95Ms)} ms > 150% of SLA ${slaMs} ms`);
      else if (base.p95Ms >= 0.8 * slaMs) degraded.push(`p95 ${Math.round(base.p95Ms)} ms >= 80% of SLA ${slaMs} ms`);
    }
    if (base.successRate !== undefined) {
      const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
      if (base.successRate < 0.85) critical.push(`success ${pct(base.successRate)} < 85%`);
      else if (base.successRate <= 0.95) degraded.push(`success ${pct(base.successRate)} <= 95%`);
      if (base.errorRate! > 0.05) critical.push(`errors ${pct(base.errorRate!)} > 5%`);
      else if (base.errorRate! >= 0.01) degraded.push(`errors ${pct(base.errorRate!)} >= 1%`);
      const recent = samples.slice(-2);
      if (recent.length === 2 && recent.every((s) => s.outcome === 'timeout')) critical.push('repeated timeouts');
      else if (base.timeoutRate! > 0) degraded.push('recent timeout');
    }
    if (critical.length > 0) return { ...base, status: 'CRITICAL', reasons: [...critical, ...degraded] };
    if (degraded.length > 0) return { ...base, status: 'DEGRADED', reasons: degraded };
    return base;
  }
}
