/**
 * Result cache per tool, keyed by capability + canonical arguments + server identity +
 * schedule data version. lru-cache bounds the size and evicts entries past their
 * maximum age; ages themselves are measured on the injected Clock from `storedAt`, and
 * persistence uses those absolute times (not lru-cache's dump, whose timestamps are
 * relative to Date/performance and would not follow a fake clock).
 *
 * Saved entries carry an HMAC made with a random key kept beside them (see
 * PolicyRuntime.create), so an entry edited, forged or copied from another state
 * folder is dropped on load, as is one of the wrong shape or stored in the future.
 * When an entry may be served is the runtime's decision (docs/caching.md).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import * as z from 'zod';
import type { Clock } from '../util/clock';
import { silentLogger, type Logger } from '../util/log';

export interface CachedResult {
  serverIdentity: string;
  capability: string;
  tool: string;
  /** The data version and identity the result was computed from (null: not reported). */
  dataVersion: string | null;
  dataIdentity: string | null;
  /** The PolicyRuntime (one per process) that stored it. */
  runId: string;
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
    const record = value as Record<string, unknown>;
    let out = '';
    // Default sort order: by UTF-16 code units.
    for (const k of Object.keys(record).sort()) {
      const v = record[k];
      if (v !== undefined) out += `${out === '' ? '' : ','}${JSON.stringify(k)}:${canonicalJson(v)}`;
    }
    return `{${out}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What identifies a call, for single flight and the cache: equal for equal arguments in any key order. */
export function callIdentity(serverIdentity: string, capability: string, args: Record<string, unknown>, dataVersion: string | null): string {
  // canonicalJson({ serverIdentity, capability, args, dataVersion }) written out (keys in
  // sorted order, a null version kept): every call builds one, most with a long identity.
  return `{"args":${canonicalJson(args)},"capability":${JSON.stringify(capability)},"dataVersion":${JSON.stringify(dataVersion)},"serverIdentity":${JSON.stringify(serverIdentity)}}`;
}

/** The cache key of a call identity: a digest, so saved keys stay short. */
export function cacheKeyOf(capability: string, identity: string): string {
  return `${capability}:${createHash('sha256').update(identity).digest('hex').slice(0, 32)}`;
}

export function cacheKey(serverIdentity: string, capability: string, args: Record<string, unknown>, dataVersion: string | null): string {
  return cacheKeyOf(capability, callIdentity(serverIdentity, capability, args, dataVersion));
}

const entrySchema = z
  .object({
    serverIdentity: z.string(),
    capability: z.string(),
    tool: z.string(),
    dataVersion: z.string().nullable(),
    dataIdentity: z.string().nullable(),
    runId: z.string(),
    data: z.record(z.string(), z.unknown()),
    storedAt: z.number().finite(),
    expiresAt: z.number().finite(),
  })
  .strict();

/** A saved entry: key, entry, HMAC of both. */
const savedSchema = z.tuple([z.string(), entrySchema, z.string()]);

interface Snapshot {
  entries: [string, CachedResult, string][];
}

export interface ResultCacheOptions {
  max?: number;
  /** Signs saved entries; entries whose signature does not match are not restored. */
  integrityKey: string;
  logger?: Logger;
}

export class ResultCache {
  private readonly lru: LRUCache<string, CachedResult>;
  private readonly integrityKey: string;
  private readonly logger: Logger;

  constructor(
    private readonly clock: Clock,
    private readonly onDirty: () => void,
    options: ResultCacheOptions,
  ) {
    this.lru = new LRUCache<string, CachedResult>({ max: options.max ?? 2000, ttlAutopurge: false, perf: { now: () => clock.now() } });
    this.integrityKey = options.integrityKey;
    this.logger = options.logger ?? silentLogger;
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
    return { entries: [...this.lru.entries()].reverse().map(([key, entry]) => [key, entry, this.sign(key, entry)]) };
  }

  /**
   * Restores entries saved by `snapshot()`. Expired ones are skipped; malformed, unsigned
   * or tampered ones, and ones stored after "now", are dropped with a warning.
   */
  restore(raw: unknown): void {
    if (raw === undefined) return;
    const entries = (raw as { entries?: unknown } | null)?.entries;
    if (!Array.isArray(entries)) {
      this.logger.log('warn', 'Ignoring the saved result cache: it has no entry list');
      return;
    }
    const now = this.clock.now();
    const dropped: Record<string, number> = {};
    const drop = (why: string) => (dropped[why] = (dropped[why] ?? 0) + 1);
    for (const item of entries) {
      const parsed = savedSchema.safeParse(item);
      if (!parsed.success) {
        drop('malformed');
        continue;
      }
      const [key, entry, mac] = parsed.data;
      if (!this.verify(key, entry, mac)) drop('signature does not match');
      else if (entry.storedAt > now || entry.expiresAt < entry.storedAt) drop('stored in the future');
      else if (entry.expiresAt > now) this.lru.set(key, entry, { ttl: entry.expiresAt - entry.storedAt, start: entry.storedAt });
    }
    if (Object.keys(dropped).length > 0) this.logger.log('warn', 'Dropped saved cache entries that cannot be trusted', dropped);
  }

  private sign(key: string, entry: CachedResult): string {
    return createHmac('sha256', this.integrityKey)
      .update(canonicalJson([key, entry]))
      .digest('hex');
  }

  private verify(key: string, entry: CachedResult, mac: string): boolean {
    const expected = Buffer.from(this.sign(key, entry), 'hex');
    const given = Buffer.from(mac, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
