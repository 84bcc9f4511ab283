/**
 * generate_schedule_tool through a real MCP client (in-process transport), optimal (HiGHS)
 * against greedy on the same generated programs, starting from their published schedules:
 *   - 4 weeks, 36 residents (target: under 10 s, 0 hard violations);
 *   - 13 weeks, 150 residents as the sample generator builds them (two of its 13 teams get
 *     only 9 residents, too few for their shifts in one week: the result is the
 *     infeasibility report, found by the supply checks before any solving);
 *   - 13 weeks, 156 residents (13 full teams of 12).
 * Reports wall time, peak memory (RSS, sampled), hard violations and coverage (rule
 * engine), equity (largest Gini over the PGY levels of hours per available day, of calls and
 * of weekend shifts), short-rest warnings, changes against the published schedule, and the
 * solver's objective and optimality gap.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { silentLogger } from '../src/core/util/log';
import { createServer } from '../src/server/createServer';
import { generateProgram } from '../src/server/program/generate';
import { ScheduleStore } from '../src/server/store/store';
import type { BenchResult } from './run';

interface Case {
  label: string;
  residentsPerPgy: number;
  faculty: number;
  weeks: number;
  timeLimitSeconds: number;
  target?: string;
}

const CASES: Case[] = [
  { label: '36 residents x 4 weeks', residentsPerPgy: 12, faculty: 16, weeks: 4, timeLimitSeconds: 8, target: '< 10 s' },
  { label: '150 residents x 13 weeks', residentsPerPgy: 50, faculty: 78, weeks: 13, timeLimitSeconds: 120 },
  { label: '156 residents x 13 weeks', residentsPerPgy: 52, faculty: 78, weeks: 13, timeLimitSeconds: 120 },
];

interface Generated {
  status: string;
  solver_status: string;
  optimality_gap: number | null;
  fell_back_to_greedy: boolean;
  blocks: { objective: number | null; greedy_objective: number | null }[];
  metrics: {
    hard_violations: number;
    warnings_by_rule: Record<string, number>;
    coverage: { rate: number };
    equity: Record<string, { gini_hours_per_available_day: number; gini_calls: number; gini_weekends: number }>;
    changes: { total: number };
  };
}

/** Runs `fn` while sampling the process's resident set size; returns the peak in MB. */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, peakMb: peak / 1e6 };
  } finally {
    clearInterval(timer);
  }
}

async function runCase(c: Case): Promise<BenchResult[]> {
  const program = generateProgram({ residentsPerPgy: c.residentsPerPgy, faculty: c.faculty, weeks: c.weeks, findings: 'none', seed: 1 });
  const schedule = program.schedules[0]!;
  const store = ScheduleStore.open({ logger: silentLogger, seed: () => program });
  const server = createServer({ store, logger: silentLogger, now: () => Date.parse(`${schedule.start}T00:00:00Z`) - 30 * 86_400_000 });
  const client = new Client({ name: 'bench', version: '1.0.0' });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(b), client.connect(a)]);
  const rows: BenchResult[] = [];
  const row = (name: string, value: number, unit: string, extra: Partial<BenchResult> = {}) => rows.push({ bench: 'generate', case: `${c.label} ${name}`, value, unit, ...extra });
  try {
    for (const algorithm of ['optimal', 'greedy'] as const) {
      global.gc?.();
      const started = performance.now();
      const { value: result, peakMb } = await withPeakRss(
        async () =>
          (await client.callTool(
            { name: 'generate_schedule_tool', arguments: { actor: 'bench', expected_data_version: store.dataVersion(), algorithm, time_limit_seconds: c.timeLimitSeconds } },
            undefined,
            { timeout: (c.timeLimitSeconds + 600) * 1000 },
          )) as CallToolResult,
      );
      const seconds = (performance.now() - started) / 1000;
      if (result.isError) {
        const text = (result.content as { text?: string }[]).map((x) => x.text ?? '').join('');
        row(`${algorithm}: time to report`, seconds, 's', { note: text.slice(0, 160) });
        row(`${algorithm}: peak RSS`, peakMb, 'MB');
        continue;
      }
      const out = result.structuredContent as unknown as Generated;
      const worst = (pick: (e: Generated['metrics']['equity'][string]) => number) => Math.max(...['PGY-1', 'PGY-2', 'PGY-3'].map((g) => (out.metrics.equity[g] ? pick(out.metrics.equity[g]) : 0)));
      row(`${algorithm}: wall time`, seconds, 's', {
        ...(c.target && algorithm === 'optimal' ? { target: c.target } : {}),
        note: `${out.status}, solver ${out.solver_status}${out.fell_back_to_greedy ? ', fell back to greedy' : ''}`,
      });
      row(`${algorithm}: peak RSS`, peakMb, 'MB');
      row(`${algorithm}: hard violations`, out.metrics.hard_violations, 'findings', { target: '0' });
      row(`${algorithm}: coverage`, out.metrics.coverage.rate * 100, '%');
      row(`${algorithm}: worst PGY Gini (h/avail. day)`, worst((e) => e.gini_hours_per_available_day), '');
      row(`${algorithm}: worst PGY Gini (calls)`, worst((e) => e.gini_calls), '');
      row(`${algorithm}: worst PGY Gini (weekends)`, worst((e) => e.gini_weekends), '');
      row(`${algorithm}: short-rest warnings`, out.metrics.warnings_by_rule['rest_between_shifts'] ?? 0, 'pairs');
      row(`${algorithm}: changes vs published`, out.metrics.changes.total, 'assignments');
      if (algorithm === 'optimal') {
        row('optimal: objective (sum of blocks)', out.blocks.reduce((sum, b) => sum + (b.objective ?? NaN), 0), '');
        row('optimal: objective of its greedy start', out.blocks.reduce((sum, b) => sum + (b.greedy_objective ?? NaN), 0), '');
        row('optimal: optimality gap', out.optimality_gap ?? NaN, 'rel.');
      }
    }
  } finally {
    await client.close();
    store.close();
  }
  return rows;
}

export async function run(): Promise<BenchResult[]> {
  const rows: BenchResult[] = [];
  for (const c of CASES) {
    process.stderr.write(`  generate: ${c.label}\n`);
    rows.push(...(await runCase(c)));
  }
  return rows;
}
