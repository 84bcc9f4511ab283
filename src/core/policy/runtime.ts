/**
 * The resilient way to call one tool: fresh cache hit -> single flight -> circuit breaker
 * -> retry with backoff -> attempt time limit (reset by progress, hard-capped), with
 * health recorded for every attempt and the cache invalidated when the schedule changes.
 * One PolicyRuntime per tool server; its breaker and cache state survive a restart
 * through the StateStore. When a cached result counts as fresh: docs/caching.md.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { OrchestratorError } from '../errors';
import type { ArgumentSchema, InvokeResult, Resolution, ResourceLink, ToolInvoker, ToolProgress } from '../engine/invoker';
import { systemClock, type Clock } from '../util/clock';
import { silentLogger, type Logger } from '../util/log';
import { AbortScope, LazyAbort } from './abort';
import { CallLimits } from './callLimits';
import { BreakerRegistry, type BreakerChange, type BreakerState } from './breaker';
import { ResultCache, cacheKey, cacheKeyOf, callIdentity, type CachedResult } from './cache';
import { HealthMonitor, type HealthChange, type ToolHealth } from './health';
import { PolicyTable, type CapabilityPolicy } from './policies';
import { asOrchestratorError, withRetry, type RetryNotice } from './retry';
import { CoalescingSaver, type StateStore } from './stateStore';

/** `use`: serve fresh hits; `refresh`: always call, but store and allow cache fallback; `off`: no cache at all. */
export type CacheMode = 'use' | 'refresh' | 'off';

export interface CallRequest {
  capability: string;
  args: Record<string, unknown>;
  /** Writes are never retried, cached or shared, and invalidate the cache. */
  writes: boolean;
  policy: CapabilityPolicy;
  cacheMode: CacheMode;
  signal: AbortSignal;
  onProgress?: (progress: ToolProgress) => void;
  onRetry?: (notice: RetryNotice) => void;
  /** Told when the call's clocks stop while a person answers the server's question, and when they run again. */
  onPause?: (paused: boolean) => void;
}

export type CallResult =
  | {
      ok: true;
      tool: string;
      data: Record<string, unknown>;
      source: 'live' | 'cache';
      attempts: number;
      durationMs: number;
      /** Age of a cached result. */
      ageMs?: number;
      /** True when this caller joined an identical request already in flight. */
      shared: boolean;
      /** Stored things the live result links to (cached results keep none). */
      links?: ResourceLink[];
    }
  | { ok: false; error: OrchestratorError; attempts: number; durationMs: number; shared: boolean };

export type PolicyEvent = ({ type: 'breaker_changed' } & BreakerChange) | ({ type: 'health_changed' } & HealthChange);

export interface PolicyRuntimeOptions {
  invoker: ToolInvoker;
  clock?: Clock;
  policies?: PolicyTable;
  /** Where breaker and cache state are kept between processes; none: in memory only. */
  stateStore?: StateStore;
  /** Source of jitter; injected so tests are exact. */
  random?: () => number;
  logger?: Logger;
  cacheSize?: number;
}

interface CallListener {
  onProgress?: ((progress: ToolProgress) => void) | undefined;
  onRetry?: ((notice: RetryNotice) => void) | undefined;
  onPause?: ((paused: boolean) => void) | undefined;
}

interface Flight {
  promise: Promise<CallResult>;
  /** Aborted when every caller has left. */
  cancel: LazyAbort;
  waiters: number;
  listeners: Set<CallListener>;
  /** Attempts started so far (a caller that leaves early still reports them). */
  attempts: number;
  /** Time its attempts stood still while a person answered the server (not the tool's time). */
  pausedMs: number;
}

/** The time a call's attempts stood still so far. */
interface PauseTotal {
  pausedMs: number;
}

/** The schedule data version a result reports (`data_version` or `metadata.data_version`). */
export function dataVersionOf(data: Record<string, unknown>): string | null {
  return reported(data, 'data_version');
}

/** Which database the data comes from (`database_id`): changes when the file is replaced. */
export function dataIdentityOf(data: Record<string, unknown>): string | null {
  return reported(data, 'database_id');
}

function reported(data: Record<string, unknown>, field: string): string | null {
  const meta = data['metadata'];
  const candidates = [data[field], typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>)[field] : undefined];
  for (const v of candidates) {
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return null;
}

/** The data a result was computed from, as far as the server tells. */
interface DataStamp {
  dataVersion: string | null;
  dataIdentity: string | null;
}

function sameData(a: DataStamp, b: DataStamp): boolean {
  return a.dataVersion === b.dataVersion && a.dataIdentity === b.dataIdentity;
}

/** An entry of other data than `seen` (a database not named yet in this run is no contradiction). */
function contradicts(seen: DataStamp, entry: DataStamp): boolean {
  return entry.dataVersion !== seen.dataVersion || (seen.dataIdentity !== null && entry.dataIdentity !== seen.dataIdentity);
}

const INTEGRITY_KEY = /^[0-9a-f]{64}$/;

function isNewer(candidate: string, known: string | undefined): boolean {
  if (known === undefined) return true;
  const a = Number(candidate);
  const b = Number(known);
  if (Number.isFinite(a) && Number.isFinite(b)) return a > b;
  return candidate !== known;
}

const NOT_A_TOOL_FAILURE = new Set(['cancelled', 'circuit_open', 'validation', 'compliance', 'unavailable']);

export class PolicyRuntime {
  readonly policies: PolicyTable;
  private readonly invoker: ToolInvoker;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly logger: Logger;
  private readonly breakers: BreakerRegistry;
  private readonly cache: ResultCache;
  private readonly healthMonitor: HealthMonitor;
  /** Newest data version seen per server (kept across runs; what `dataVersion()` reports). */
  private readonly versions = new Map<string, string>();
  /** The data each server reported last in this run: the proof a cached result is fresh. */
  private readonly observed = new Map<string, DataStamp>();
  /** Entries stored by this runtime carry it: "within one run". */
  private readonly runId = randomUUID();
  private readonly flights = new Map<string, Flight>();
  private readonly listeners = new Set<(event: PolicyEvent) => void>();
  private readonly breakerSaver: CoalescingSaver;
  private readonly cacheSaver: CoalescingSaver;
  /** Bumped by every write, so a read that started before it is not cached after it. */
  private writeEpoch = 0;
  /** Each capability's SLA, read from the (immutable) table once: health asks on every call. */
  private readonly slas = new Map<string, number>();

  /** Loads persisted breaker and cache state, then returns a ready runtime. */
  static async create(options: PolicyRuntimeOptions): Promise<PolicyRuntime> {
    const store = options.stateStore;
    const [breakers, cache, key] = store ? await Promise.all([store.read('breakers'), store.read('result-cache'), store.read('cache-key')]) : [];
    let integrityKey = typeof key === 'string' && INTEGRITY_KEY.test(key) ? key : undefined;
    if (!integrityKey) {
      integrityKey = randomBytes(32).toString('hex');
      // Entries signed with a lost key cannot be verified: they are dropped on load.
      if (store) await store.write('cache-key', integrityKey);
    }
    return new PolicyRuntime(options, breakers, cache, integrityKey);
  }

  private constructor(options: PolicyRuntimeOptions, breakerState: unknown, cacheState: unknown, integrityKey: string) {
    this.invoker = options.invoker;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? silentLogger;
    this.policies = options.policies ?? new PolicyTable();
    this.breakerSaver = new CoalescingSaver(options.stateStore, 'breakers', () => this.breakers.snapshot(), this.logger);
    this.cacheSaver = new CoalescingSaver(options.stateStore, 'result-cache', () => ({ ...this.cache.snapshot(), versions: Object.fromEntries(this.versions) }), this.logger);
    this.healthMonitor = new HealthMonitor({
      clock: this.clock,
      slaOf: (c) => this.slaOf(c),
      onChange: (change) => this.emit({ type: 'health_changed', ...change }),
    });
    this.breakers = new BreakerRegistry({
      clock: this.clock,
      policyOf: (c) => this.policies.get(c).breaker,
      initial: breakerState,
      logger: this.logger,
      onChange: (change) => {
        this.logger.log('info', `Circuit breaker ${change.capability}: ${change.from} -> ${change.to}`);
        this.emit({ type: 'breaker_changed', ...change });
        this.healthMonitor.setBreaker(change.capability, change.to);
      },
      onDirty: () => this.breakerSaver.markDirty(),
    });
    this.cache = new ResultCache(this.clock, () => this.cacheSaver.markDirty(), {
      integrityKey,
      logger: this.logger,
      ...(options.cacheSize !== undefined ? { max: options.cacheSize } : {}),
    });
    this.cache.restore(cacheState);
    const versions = (cacheState as { versions?: unknown } | null | undefined)?.versions;
    if (typeof versions === 'object' && versions !== null) {
      for (const [server, v] of Object.entries(versions)) if (typeof v === 'string') this.versions.set(server, v);
    }
  }

  subscribe(listener: (event: PolicyEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls a capability under its policy. Never throws: failures come back as `ok: false`. */
  async call(request: CallRequest): Promise<CallResult> {
    const server = this.invoker.serverIdentity();
    const started = this.clock.now();
    // Flights are keyed by the call's identity; its digest (the cache key) only when the cache is used.
    const identity = callIdentity(server, request.capability, request.args, this.lookupVersion(server));
    if (!request.writes && request.cacheMode === 'use') {
      const hit = this.cache.get(cacheKeyOf(request.capability, identity), request.policy.cache.ttlMs);
      if (hit && this.provenFresh(server, hit, request.policy.cache.acrossRuns))
        return { ok: true, tool: hit.tool, data: hit.data, source: 'cache', attempts: 0, durationMs: 0, ageMs: started - hit.storedAt, shared: false };
    }
    const listener: CallListener = { onProgress: request.onProgress, onRetry: request.onRetry, onPause: request.onPause };
    if (request.writes) return this.write(request, server, listener, identity);
    let flight = this.flights.get(identity);
    const shared = flight !== undefined;
    if (!flight) {
      const cancel = new LazyAbort();
      // The first caller listens from the start: the call may report (progress, a pause) before join().
      const listeners = new Set<CallListener>([listener]);
      const state = { cancel, waiters: 0, listeners, attempts: 0, pausedMs: 0 };
      const promise = this.live(request, server, cancel, listeners, identity, state, (n) => (state.attempts = n));
      const created: Flight = Object.assign(state, { promise });
      this.flights.set(identity, created);
      void promise.finally(() => this.forget(identity, created));
      flight = created;
    }
    return this.join(flight, request, listener, shared, started, identity);
  }

  /**
   * A cached result of these arguments no older than `maxAgeMs` (the recovery ladder's
   * rung, labelled with its age): any run's, unless this run saw the data change since.
   */
  cachedWithin(capability: string, args: Record<string, unknown>, maxAgeMs: number): (CachedResult & { ageMs: number }) | undefined {
    const server = this.invoker.serverIdentity();
    const hit = this.cache.get(cacheKey(server, capability, args, this.lookupVersion(server)), maxAgeMs);
    const seen = this.observed.get(server);
    if (!hit || (seen && contradicts(seen, hit))) return undefined;
    return { ...hit, ageMs: this.clock.now() - hit.storedAt };
  }

  /** The version entries are looked up under: this run's, else the last one known. */
  private lookupVersion(server: string): string | null {
    const seen = this.observed.get(server);
    return seen ? seen.dataVersion : (this.versions.get(server) ?? null);
  }

  /**
   * Served as fresh only when nothing says the data changed: stored in this run with the
   * data this run saw last, or from an earlier run when this run saw the same data
   * version of the same database, or when the capability opts in to `acrossRuns`.
   */
  private provenFresh(server: string, entry: CachedResult, acrossRuns: boolean): boolean {
    const seen = this.observed.get(server);
    if (seen && !sameData(seen, entry)) return false;
    if (entry.runId === this.runId) return true;
    if (seen && entry.dataVersion !== null && entry.dataIdentity !== null) return true;
    return acrossRuns;
  }

  /** The schedule changed through us: nothing cached for this server can be trusted. */
  noteWrite(): void {
    this.writeEpoch++;
    const dropped = this.cache.invalidate(this.invoker.serverIdentity());
    this.logger.log('debug', `Cache invalidated after a write (${dropped} entries)`);
  }

  /** What the server offers for a capability; an unavailable one shows as UNAVAILABLE in health. */
  resolve(capability: string): Resolution {
    const resolution = this.invoker.resolve(capability);
    if (resolution.status === 'unavailable') this.healthMonitor.setUnavailable(capability, resolution.reason);
    return resolution;
  }

  /** The capability's declared arguments, when the invoker knows them. */
  argumentSchema(capability: string): ArgumentSchema | undefined {
    return this.invoker.argumentSchema?.(capability);
  }

  serverIdentity(): string {
    return this.invoker.serverIdentity();
  }

  health(): ToolHealth[] {
    return this.healthMonitor.all();
  }

  healthOf(capability: string): ToolHealth {
    return this.healthMonitor.get(capability);
  }

  breakerState(capability: string): BreakerState {
    return this.breakers.state(this.invoker.serverIdentity(), capability);
  }

  /** The newest schedule data version seen from the current server, if it reports one. */
  dataVersion(): string | null {
    return this.versions.get(this.invoker.serverIdentity()) ?? null;
  }

  get cachedEntries(): number {
    return this.cache.size;
  }

  /** Waits until breaker and cache state are saved. */
  async flush(): Promise<void> {
    await Promise.all([this.breakerSaver.flush(), this.cacheSaver.flush()]);
  }

  private slaOf(capability: string): number {
    let sla = this.slas.get(capability);
    if (sla === undefined) {
      sla = this.policies.get(capability).slaMs;
      this.slas.set(capability, sla);
    }
    return sla;
  }

  private emit(event: PolicyEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.logger.log('warn', 'A policy event listener failed', { error: String(error) });
      }
    }
  }

  private forget(key: string, flight: Flight): void {
    if (this.flights.get(key) === flight) this.flights.delete(key);
  }

  /** Waits for the flight's result, or leaves as soon as the caller's signal aborts. */
  private join(flight: Flight, request: CallRequest, listener: CallListener, shared: boolean, started: number, key: string): Promise<CallResult> {
    const { signal } = request;
    flight.waiters++;
    flight.listeners.add(listener);
    const ran = (): number => Math.max(0, this.clock.now() - started - flight.pausedMs);
    const failed = (error: unknown): CallResult => ({ ok: false, error: asOrchestratorError(error), attempts: flight.attempts, durationMs: ran(), shared });
    return new Promise<CallResult>((resolve) => {
      let left = false;
      const leave = (): boolean => {
        if (left) return false;
        left = true;
        signal.removeEventListener('abort', onAbort);
        flight.listeners.delete(listener);
        flight.waiters--;
        return true;
      };
      const onAbort = () => {
        if (!leave()) return;
        // The shared request is cancelled only when every caller has gone.
        if (flight.waiters === 0) {
          this.forget(key, flight);
          flight.cancel.abort(signal.reason);
        }
        resolve(failed(signal.reason));
      };
      if (signal.aborted) {
        leave();
        resolve(failed(signal.reason));
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        (result) => {
          if (leave()) resolve({ ...result, shared, durationMs: ran() });
        },
        (error: unknown) => {
          if (leave()) resolve(failed(error));
        },
      );
    });
  }

  /** A write: never shared, cancelled by its own caller alone. */
  private async write(request: CallRequest, server: string, listener: CallListener, identity: string): Promise<CallResult> {
    const { cancel, dispose } = LazyAbort.following(request.signal);
    try {
      return await this.live(request, server, cancel, new Set([listener]), identity, { pausedMs: 0 }, () => undefined);
    } finally {
      dispose();
    }
  }

  private async live(
    request: CallRequest,
    server: string,
    signal: LazyAbort,
    listeners: Set<CallListener>,
    identity: string,
    timing: PauseTotal,
    onAttempt: (attempt: number) => void,
  ): Promise<CallResult> {
    const started = this.clock.now();
    const epoch = this.writeEpoch;
    let attempts = 0;
    try {
      const result = await withRetry(
        (attempt) => {
          attempts = attempt;
          onAttempt(attempt);
          return this.attempt(request, server, signal, listeners, timing);
        },
        {
          policy: request.policy.retry,
          clock: this.clock,
          signal,
          random: this.random,
          retryable: !request.writes,
          onRetry: (notice) => listeners.forEach((l) => l.onRetry?.(notice)),
        },
      );
      this.afterSuccess(request, server, result, epoch, identity);
      return {
        ok: true,
        tool: result.tool,
        data: result.data,
        source: 'live',
        attempts,
        durationMs: this.clock.now() - started - timing.pausedMs,
        shared: false,
        ...(result.links ? { links: result.links } : {}),
      };
    } catch (error) {
      // A failed write may still have landed: treat the schedule as changed.
      if (request.writes) this.noteWrite();
      const reason = signal.aborted ? signal.reason : error;
      return { ok: false, error: asOrchestratorError(reason), attempts, durationMs: this.clock.now() - started - timing.pausedMs, shared: false };
    }
  }

  private afterSuccess(request: CallRequest, server: string, result: InvokeResult, epoch: number, identity: string): void {
    const stamp = this.observe(server, result.data);
    if (request.writes) {
      this.noteWrite();
      return;
    }
    if (request.cacheMode === 'off' || epoch !== this.writeEpoch) return;
    const now = this.clock.now();
    const keepFor = Math.max(request.policy.cache.ttlMs, request.policy.cache.maxAgeMs);
    // A result that reports no version is taken to be of the data seen last in this run.
    const storeKey = stamp ? cacheKey(server, request.capability, request.args, stamp.dataVersion) : cacheKeyOf(request.capability, identity);
    const of = stamp ?? { dataVersion: null, dataIdentity: null };
    this.cache.set(storeKey, { serverIdentity: server, capability: request.capability, tool: result.tool, ...of, runId: this.runId, data: result.data, storedAt: now }, keepFor);
  }

  /**
   * Notes the data a result reports. Any change - a new version, a version going down
   * (an older copy of the database), another database - drops what was cached from
   * other data. Returns the data this run now takes as current, if any was reported.
   */
  private observe(server: string, data: Record<string, unknown>): DataStamp | undefined {
    const version = dataVersionOf(data);
    const identity = dataIdentityOf(data);
    const seen = this.observed.get(server);
    if (version === null && identity === null) return seen;
    const next: DataStamp = { dataVersion: version ?? seen?.dataVersion ?? null, dataIdentity: identity ?? seen?.dataIdentity ?? null };
    if (!seen || !sameData(seen, next)) {
      this.observed.set(server, next);
      const dropped = this.cache.invalidate(server, (entry) => contradicts(next, entry));
      const describe = (s: DataStamp | undefined) => (s ? `${s.dataVersion ?? '?'}${s.dataIdentity ? ` of ${s.dataIdentity}` : ''}` : '(none)');
      this.logger.log('info', `Schedule data ${describe(seen)} -> ${describe(next)}: ${dropped} cached results dropped`);
    }
    if (version !== null && isNewer(version, this.versions.get(server))) {
      this.versions.set(server, version);
      this.cacheSaver.markDirty();
    }
    return next;
  }

  private async attempt(request: CallRequest, server: string, parent: LazyAbort, listeners: Set<CallListener>, timing: PauseTotal): Promise<InvokeResult> {
    const { capability, policy } = request;
    const scope = new AbortScope(parent);
    const limits = new CallLimits(this.clock, policy, (limit) =>
      scope.abort(
        new OrchestratorError('timeout', `${capability} did not answer within ${limit === 'total' ? policy.maxTotalTimeoutMs : policy.timeoutMs} ms`, { tool: capability }),
      ),
    );
    // While a person answers the server's question the limits stand still, and that time is
    // not the tool's: it leaves the latency health sees and the duration the caller gets.
    // The listeners (the steps waiting) are told, once each way.
    const onPause = (paused: boolean): void => {
      if (paused ? limits.pause() : limits.resume()) listeners.forEach((l) => l.onPause?.(paused));
    };
    try {
      const result = await this.breakers.execute(server, capability, () =>
        scope.race(
          this.invoker.invoke(capability, request.args, {
            signal: scope.controller.signal,
            // The scope is this attempt's alone: the connection hands its signal to the SDK as it is.
            controller: scope.controller,
            timeoutMs: policy.timeoutMs,
            maxTotalTimeoutMs: policy.maxTotalTimeoutMs,
            onProgress: (progress) => {
              limits.progress();
              listeners.forEach((l) => l.onProgress?.(progress));
            },
            onPause,
          }),
        ),
      );
      this.healthMonitor.record(capability, result.tool, 'success', limits.ranMs);
      return result;
    } catch (thrown) {
      const error = asOrchestratorError(thrown);
      if (error.kind === 'timeout') this.healthMonitor.record(capability, undefined, 'timeout', limits.ranMs);
      else if (!NOT_A_TOOL_FAILURE.has(error.kind)) this.healthMonitor.record(capability, undefined, 'error', limits.ranMs);
      throw error;
    } finally {
      // Ended while a question was open: the time counts as paused, the listeners' clocks run again.
      if (limits.paused) listeners.forEach((l) => l.onPause?.(false));
      limits.dispose();
      timing.pausedMs += limits.pausedMs;
      scope.dispose();
    }
  }
}
