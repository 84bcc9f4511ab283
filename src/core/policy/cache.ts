/**
 * Result cache per tool, keyed by capability + canonical arguments + server identity +
 * schedule data version. lru-cache bounds the size and evicts entries past their
 * maximum age; ages themselves are measured on the injected Clock from `storedAt`, and
 * persistence uses those absolute times (not lru-cache's dump, whose timestamps are
 * relative to Date/performance and would not follow a fake clock).
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../util/clock';

export interface CachedResult {
  serverIdentity: string;
  capability: string;
  tool: string;
  dataVersion: string | null;
  data: Record<string, unknown>;
  /** Clock time the result arrived. */
  storedAt: number;
  /** Clock time after which the entry is of no use (its largest max age). */
  expiresAt: number;
}

/** JSON with object keys sorted at every level, so equal arguments give equal keys. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function cacheKey(serverIdentity: string, capability: string, args: Record<string, unknown>, dataVersion: string | null): string {
  const digest = createHash('sha256').update(canonicalJson({ serverIdentity, capability, args, dataVersion })).digest('hex').slice(0, 32);
  return `${capability}:${digest}`;
}

interface Snapshot {
  entries: [string, CachedResult][];
}

export class ResultCache {
  private readonly lru: LRUCache<string, CachedResult>;

  constructor(
    private readonly clock: Clock,
    private readonly onDirty: () => void,
    max = 2000,
  ) {
    this.lru = new LRUCache<string, CachedResult>({ max, ttlAutopurge: false, perf: { now: () => clock.now() } });
  }

  /** The entry if it is at most `maxAgeMs` old. */
  get(key: string, maxAgeMs: number): CachedResult | undefined {
    if (maxAgeMs <= 0) return undefined;
    const entry = this.lru.get(key);
    if (!entry) return undefined;
    return this.clock.now() - entry.storedAt <= maxAgeMs ? entry : undefined;
  }

  set(key: string, entry: Omit<CachedResult, 'expiresAt'>, keepForMs: number): void {
    if (keepForMs <= 0) return;
    this.lru.set(key, { ...entry, expiresAt: entry.storedAt + keepForMs }, { ttl: keepForMs, start: entry.storedAt });
    this.onDirty();
  }

  /** Drops every entry of a server that `stale` selects; returns how many went. */
  invalidate(serverIdentity: string, stale: (entry: CachedResult) => boolean = () => true): number {
    let dropped = 0;
    for (const [key, entry] of [...this.lru.entries()]) {
      if (entry.serverIdentity === serverIdentity && stale(entry)) {
        this.lru.delete(key);
        dropped++;
      }
    }
    if (dropped > 0) this.onDirty();
    return dropped;
  }

  get size(): number {
    return this.lru.size;
  }

  snapshot(): Snapshot {
    return { entries: [...this.lru.entries()].reverse() };
  }

  /** Restores entries saved by `snapshot()`, skipping expired or malformed ones. */
  restore(raw: unknown): void {
    const entries = (raw as Partial<Snapshot> | undefined)?.entries;
    if (!Array.isArray(entries)) return;
    const now = this.clock.now();
    for (const item of entries) {
      if (!Array.isArray(item) || typeof item[0] !== 'string') continue;
      const entry = item[1] as CachedResult;
      if (typeof entry?.storedAt !== 'number' || typeof entry.expiresAt !== 'number' || typeof entry.data !== 'object') continue;
      if (entry.expiresAt <= now) continue;
      this.lru.set(item[0], entry, { ttl: entry.expiresAt - entry.storedAt, start: entry.storedAt });
    }
  }
}
