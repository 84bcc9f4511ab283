/**
 * What the analytics tools share: the scope arguments (schedule and range), reading the
 * snapshot they name, and a small cache of the N-1 coverage model and co-assignment
 * networks, because several tools of one workflow read the same schedule version.
 */
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { Logger } from '../../../core/util/log';
import { coverageModel, type CoverageModel } from '../../analytics/coverage';
import { centralities, coAssignmentNetwork, DEFAULT_MIN_SHARED_BLOCKS, type Centralities, type Network } from '../../analytics/network';
import { ToolError } from '../../domain/errors';
import type { ScheduleSnapshot } from '../../domain/snapshot';
import type { ToolContext } from '../context';
import type { CallContext } from '../defineTool';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');

/** Which schedule and range to read; all optional: the current schedule over its own range. */
export const scope = {
  start_date: isoDate.optional().describe('First day analysed (default: the schedule start).'),
  end_date: isoDate.optional().describe('Last day analysed (default: the schedule end).'),
  schedule_id: z.string().optional().describe('A stored schedule or draft (default: the current published schedule).'),
};
type Scope = { start_date?: string | undefined; end_date?: string | undefined; schedule_id?: string | undefined };

export const maxAlerts = z.number().int().min(1).max(10_000).default(100).describe('Most alerts listed (the most severe first); counts cover all.');

export const minSharedBlocks = z.number().int().min(1).max(100).default(DEFAULT_MIN_SHARED_BLOCKS).describe('Shared blocks that make two people contacts in the network.');

/** Alerts sorted most severe first, keeping their original order within a severity. */
export function mostSevere<T extends { severity: string }>(alerts: readonly T[], order: readonly string[]): T[] {
  return alerts
    .map((a, i) => ({ a, i }))
    .sort((x, y) => order.indexOf(x.a.severity) - order.indexOf(y.a.severity) || x.i - y.i)
    .map((x) => x.a);
}

export function checkWindows(short: number, long: number): void {
  if (long <= short) throw new ToolError('long_window must be larger than short_window');
}

/** Between chunks of a long computation: report progress, let a cancellation arrive, stop if it did. */
export function checkpointFor(call: CallContext): (done: number, total: number) => Promise<void> {
  return async (done, total) => {
    call.checkCancelled();
    await call.progress(done, total);
    await new Promise<void>((resolve) => setImmediate(resolve));
    call.checkCancelled();
  };
}

interface Derived {
  model: CoverageModel;
  networks: Map<number, { net: Network; cent: Centralities }>;
}

export interface AnalyticsDeps {
  logger: Logger;
  now(): number;
  /** ISO time of now. */
  analyzedAt(): string;
  snapshot(args: Scope): ScheduleSnapshot;
  /** The snapshot's N-1 coverage model (cached per schedule version and range). */
  derived(snap: ScheduleSnapshot): { model: CoverageModel };
  /** The co-assignment network and its centralities (cached like `derived`). */
  network(snap: ScheduleSnapshot, minShared: number): { net: Network; cent: Centralities };
}

export function analyticsDeps(ctx: ToolContext): AnalyticsDeps {
  const cache = new LRUCache<string, Derived>({ max: 8 });
  const derived = (snap: ScheduleSnapshot): Derived => {
    const key = `${snap.schedule.id}|${snap.dataVersion}|${snap.range.start}|${snap.range.end}`;
    let d = cache.get(key);
    if (!d) {
      d = { model: coverageModel(snap), networks: new Map() };
      cache.set(key, d);
    }
    return d;
  };
  return {
    logger: ctx.logger,
    now: () => ctx.now(),
    analyzedAt: () => new Date(ctx.now()).toISOString(),
    snapshot: (args) =>
      ctx.snapshot({
        ...(args.start_date ? { start: args.start_date } : {}),
        ...(args.end_date ? { end: args.end_date } : {}),
        ...(args.schedule_id ? { scheduleId: args.schedule_id } : {}),
      }),
    derived,
    network(snap, minShared) {
      const d = derived(snap);
      let n = d.networks.get(minShared);
      if (!n) {
        const net = coAssignmentNetwork(snap, minShared);
        n = { net, cent: centralities(net) };
        d.networks.set(minShared, n);
      }
      return n;
    },
  };
}
