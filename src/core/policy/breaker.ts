/**
 * One circuit breaker per tool (server identity + capability), built on cockatiel.
 * Only failures that say the tool is down count (countsAgainstTool); an open breaker
 * fails fast with OrchestratorError('circuit_open'). State is serialisable so it survives
 * a restart. Note: cockatiel measures the open period with Date.now(), not the Clock.
 * Saved state is checked on load: an entry of the wrong shape, or one cockatiel must not
 * be handed (isolated: held open by hand), is dropped with a warning; times in the
 * future (a forged file, a clock that jumped back) are brought back to now, so no open
 * period outlasts the policy's longest half-open wait.
 */
import { BrokenCircuitError, CircuitState, ExponentialBackoff, circuitBreaker, handleWhen, noJitterGenerator, type CircuitBreakerPolicy, type IBreaker } from 'cockatiel';
import { OrchestratorError, isTransient } from '../errors';
import * as z from 'zod';
import type { Clock } from '../util/clock';
import { silentLogger, type Logger } from '../util/log';
import type { BreakerPolicy } from './policies';

export type BreakerState = 'closed' | 'open' | 'half_open' | 'isolated';

export interface BreakerChange {
  serverIdentity: string;
  capability: string;
  from: BreakerState;
  to: BreakerState;
  at: number;
}

function toState(s: CircuitState): BreakerState {
  switch (s) {
    case CircuitState.Closed:
      return 'closed';
    case CircuitState.Open:
      return 'open';
    case CircuitState.HalfOpen:
      return 'half_open';
    case CircuitState.Isolated:
      return 'isolated';
  }
}

/** Server-side error codes among `CODE: message` isError texts (src/server/tools/defineTool.ts). */
const SERVER_SIDE_CODES: ReadonlySet<string> = new Set(['INTERNAL_ERROR', 'BUSY']);

/**
 * Timeouts, connection errors, 429/5xx, and isError answers that do not blame the call:
 * a text starting `NOT_FOUND:`, `CONFLICT:` … names the caller's mistake, anything else
 * (an unexpected exception, "backend down") is the tool failing.
 */
export function countsAgainstTool(error: unknown): boolean {
  if (isTransient(error)) return true;
  if (!(error instanceof OrchestratorError) || error.kind !== 'tool_error') return false;
  const code = /^([A-Z][A-Z0-9_]+):/.exec(String(error.details?.['text'] ?? ''))?.[1];
  return code === undefined || SERVER_SIDE_CODES.has(code);
}

/** Opens when `threshold` failures fall within the last `windowMs` (the seed's "5 in 60 s"). */
export class WindowBreaker implements IBreaker {
  private failures: number[] = [];

  constructor(
    private readonly threshold: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  get state(): unknown {
    return { failures: [...this.failures] };
  }

  set state(value: unknown) {
    const list = (value as { failures?: unknown } | undefined)?.failures;
    this.failures = Array.isArray(list) ? list.filter((t): t is number => typeof t === 'number') : [];
  }

  success(state: CircuitState): void {
    // A successful half-open trial closes the circuit: old failures no longer count.
    if (state === CircuitState.HalfOpen) this.failures = [];
  }

  failure(): boolean {
    const now = this.clock.now();
    this.failures = this.failures.filter((t) => now - t < this.windowMs);
    this.failures.push(now);
    return this.failures.length >= this.threshold;
  }
}

interface Entry {
  policy: CircuitBreakerPolicy;
  state: BreakerState;
}

export interface BreakerRegistryOptions {
  clock: Clock;
  /** The breaker settings of a capability (read once, when its breaker is first used). */
  policyOf: (capability: string) => BreakerPolicy;
  onChange: (change: BreakerChange) => void;
  /** Called whenever persisted state changed (a failure counted, a transition). */
  onDirty: () => void;
  /** A snapshot from `snapshot()` of an earlier process (checked here). */
  initial?: unknown;
  logger?: Logger;
}

const SEP = '\u0001';

/** cockatiel's serialised breaker (CircuitBreakerPolicy.toJSON) around our WindowBreaker. */
const savedBreakerSchema = z
  .object({
    ownState: z.union([
      z.object({ value: z.literal(CircuitState.Closed) }).strict(),
      z.object({ value: z.literal(CircuitState.Open), openedAt: z.number().finite().nonnegative(), attemptNo: z.number().int().min(1).max(64) }).strict(),
    ]),
    breakerState: z.object({ failures: z.array(z.number().finite()).max(1000) }).strict(),
  })
  .strict();

type SavedBreaker = z.infer<typeof savedBreakerSchema>;

export class BreakerRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly restored = new Map<string, SavedBreaker>();

  constructor(private readonly options: BreakerRegistryOptions) {
    const logger = options.logger ?? silentLogger;
    const initial = options.initial;
    if (initial === undefined) return;
    if (typeof initial !== 'object' || initial === null || Array.isArray(initial)) {
      logger.log('warn', 'Ignoring the saved circuit breaker state: it is not an object');
      return;
    }
    for (const [key, raw] of Object.entries(initial)) {
      const parsed = savedBreakerSchema.safeParse(raw);
      const capability = key.split(SEP)[1];
      if (!parsed.success || !capability) {
        logger.log('warn', 'Dropped a saved circuit breaker entry that is not valid', {
          capability: capability ?? key,
          problem: parsed.success ? 'no capability in its key' : (parsed.error.issues[0]?.message ?? 'invalid'),
        });
        continue;
      }
      this.restored.set(key, this.bounded(parsed.data, options.policyOf(capability)));
    }
  }

  /** Brings future times back to now and forgets failures outside the window. */
  private bounded(saved: SavedBreaker, policy: BreakerPolicy): SavedBreaker {
    const now = this.options.clock.now();
    const failures = saved.breakerState.failures.map((t) => Math.min(t, now)).filter((t) => now - t < policy.windowMs);
    const own = saved.ownState.value === CircuitState.Open ? { ...saved.ownState, openedAt: Math.min(saved.ownState.openedAt, Date.now()) } : saved.ownState;
    return { ownState: own, breakerState: { failures } };
  }

  /** Runs `fn` through the breaker of (server, capability). */
  async execute<T>(serverIdentity: string, capability: string, fn: () => Promise<T>): Promise<T> {
    const entry = this.entry(serverIdentity, capability);
    try {
      return await entry.policy.execute(fn);
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw new OrchestratorError('circuit_open', `Circuit breaker for ${capability} is open: failing fast`, { tool: capability, cause: error });
      }
      // The breaker has counted the failure by now: persist the window.
      if (countsAgainstTool(error)) this.options.onDirty();
      throw error;
    }
  }

  state(serverIdentity: string, capability: string): BreakerState {
    const key = serverIdentity + SEP + capability;
    const existing = this.entries.get(key);
    if (existing) return existing.state;
    return this.restored.has(key) ? this.entry(serverIdentity, capability).state : 'closed';
  }

  /** Every breaker's serialised state, for the state store. */
  snapshot(): Record<string, unknown> {
    const out: Record<string, unknown> = Object.fromEntries(this.restored);
    for (const [key, entry] of this.entries) out[key] = entry.policy.toJSON();
    return out;
  }

  private entry(serverIdentity: string, capability: string): Entry {
    const key = serverIdentity + SEP + capability;
    const existing = this.entries.get(key);
    if (existing) return existing;
    const settings = this.options.policyOf(capability);
    const initialState = this.restored.get(key);
    this.restored.delete(key);
    const policy = circuitBreaker(handleWhen(countsAgainstTool), {
      breaker: new WindowBreaker(settings.failureThreshold, settings.windowMs, this.options.clock),
      halfOpenAfter: new ExponentialBackoff({
        initialDelay: settings.halfOpenAfterMs,
        maxDelay: settings.maxHalfOpenAfterMs,
        generator: noJitterGenerator,
      }),
      ...(initialState !== undefined ? { initialState } : {}),
    });
    const entry: Entry = { policy, state: toState(policy.state) };
    policy.onStateChange((next) => {
      const from = entry.state;
      entry.state = toState(next);
      this.options.onChange({ serverIdentity, capability, from, to: entry.state, at: this.options.clock.now() });
      this.options.onDirty();
    });
    this.entries.set(key, entry);
    return entry;
  }
}
