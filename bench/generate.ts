/**
 * Schedule generation, optimal (HiGHS) against greedy on the same generated programs,
 * starting from their published schedules, through generate_schedule_tool and a real MCP
 * client (in-process transport), per size:
 *   - S: 12 residents x 4 weeks; 36 residents x 4 weeks (target: under 10 s, 0 hard violations);
 *   - M: 36 residents x 13 weeks;
 *   - L: 150 residents, one 4-week block. A year (13 blocks solved in order) does not fit in
 *     a benchmark run: the greedy start alone takes 40-100 s per block at this size on the
 *     shared 2-core machine (docs/benchmarks.md).
 * Reports wall time, peak memory (RSS, sampled), hard violations and coverage (rule engine),
 * equity (largest Gini over the PGY levels of hours per available day, of calls and of
 * weekend shifts), short-rest warnings, changes against the published schedule, and the
 * solver's objective against the greedy schedule it started from.
 *
 * Then the stopping rule (generation/generate.ts) against the full time budget, calling the
 * generator directly: the demo's regeneration of the sample program's first week, and the
 * 36-resident month, each with a 30 s budget: time and objective of both.
 * BENCH_GENERATE_CASES=S,M (label prefixes) or =stop runs only those parts.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { silentLogger } from '../src/core/util/log';
import { createServer } from '../src/server/createServer';
import type { ProgramFile } from '../src/server/domain/program';
import { addDays } from '../src/server/domain/time';
import { snapshotFrom } from '../src/server/domain/snapshot';
import { generateSchedule } from '../src/server/generation/generate';
import { isHardViolation } from '../src/server/generation/metrics';
import { validateSnapshot } from '../src/server/rules/engine';
import { DEFAULT_WEIGHTS } from '../src/server/generation/model';
import { generateProgram } from '../src/server/program/generate';
import { sampleProgram } from '../src/server/program/sample';
import { ScheduleStore } from '../src/server/store/store';
import type { BenchResult } from './run';
import { withPeakRss } from './support/measure';

interface Case {
  label: string;
  residentsPerPgy: number;
  faculty: number;
  weeks: number;
  timeLimitSeconds: number;
  target?: string;
}

const CASES: Case[] = [
  { label: 'S: 12 residents x 4 weeks', residentsPerPgy: 4, faculty: 6, weeks: 4, timeLimitSeconds: 30 },
  { label: 'S: 36 residents x 4 weeks', residentsPerPgy: 12, faculty: 16, weeks: 4, timeLimitSeconds: 30, target: '<= 10 s' },
  { label: 'M: 36 residents x 13 weeks', residentsPerPgy: 12, faculty: 16, weeks: 13, timeLimitSeconds: 120 },
  { label: 'L: 150 residents x 4 weeks', residentsPerPgy: 50, faculty: 75, weeks: 4, timeLimitSeconds: 300 },
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
      const worst = (pick: (e: Generated['metrics']['equity'][string]) => number) =>
        Math.max(...['PGY-1', 'PGY-2', 'PGY-3'].map((g) => (out.metrics.equity[g] ? pick(out.metrics.equity[g]) : 0)));
      row(`${algorithm}: wall time`, seconds, 's', {
        ...(c.target && algorithm === 'optimal' ? { target: c.target } : {}),
        note: `${out.status}, solver ${out.solver_status}${out.fell_back_to_greedy ? ', fell back to greedy' : ''}`,
      });
      row(`${algorithm}: peak RSS`, peakMb, 'MB');
      row(`${algorithm}: hard violations`, out.metrics.hard_violations, 'findings', { target: '0' });
      row(`${algorithm}: coverage`, out.metrics.coverage.rate * 100, '%');
      row(
        `${algorithm}: worst PGY Gini (h/avail. day)`,
        worst((e) => e.gini_hours_per_available_day),
        '',
      );
      row(
        `${algorithm}: worst PGY Gini (calls)`,
        worst((e) => e.gini_calls),
        '',
      );
      row(
        `${algorithm}: worst PGY Gini (weekends)`,
        worst((e) => e.gini_weekends),
        '',
      );
      row(`${algorithm}: short-rest warnings`, out.metrics.warnings_by_rule['rest_between_shifts'] ?? 0, 'pairs');
      row(`${algorithm}: changes vs published`, out.metrics.changes.total, 'assignments');
      if (algorithm === 'optimal') {
        const objective = out.blocks.reduce((sum, b) => sum + (b.objective ?? b.greedy_objective ?? NaN), 0);
        const greedy = out.blocks.reduce((sum, b) => sum + (b.greedy_objective ?? NaN), 0);
        row('optimal: objective (sum of blocks)', objective, '', { note: `greedy start ${greedy.toFixed(1)}: ${((1 - objective / greedy) * 100).toFixed(1)} % lower` });
        row('optimal: optimality gap', out.optimality_gap ?? NaN, 'rel.', { note: 'largest block gap against the LP bound' });
      }
    }
  } finally {
    await client.close();
    store.close();
  }
  return rows;
}

/** The generator on one range, with the stopping rule or until the time limit; hard violations by the rule engine. */
async function solveDirect(
  program: ProgramFile,
  range: { start: string; end: string },
  untilTimeLimit: boolean,
): Promise<{ seconds: number; cpuSeconds: number; objective: number; hardViolations: number }> {
  const schedule = program.schedules[0]!;
  const store = ScheduleStore.open({ logger: silentLogger, seed: () => program });
  try {
    const snapshot = store.snapshot({ scheduleId: schedule.id, start: addDays(range.start, -28) < schedule.start ? schedule.start : addDays(range.start, -28), end: schedule.end });
    const started = performance.now();
    const cpu = process.cpuUsage();
    const result = await generateSchedule({
      snapshot,
      range,
      algorithm: 'optimal',
      timeLimitMs: 30_000,
      seed: 1,
      weights: DEFAULT_WEIGHTS,
      now: () => performance.now(),
      untilTimeLimit,
    });
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    // The range's schedule as it would be stored: the published shifts the generator does not own, plus the generated ones.
    const published = schedule.assignments;
    const owned = new Set(result.assignments.map((a) => `${a.serviceId}|${a.shiftTypeId}|${a.date}`));
    const kept = published.filter((a) => a.date < range.start || a.date > range.end || !owned.has(`${a.serviceId}|${a.shiftTypeId}|${a.date}`));
    const generated = result.assignments.map((a, i) => ({
      id: a.keepId ?? `gen-${i}`,
      personId: a.personId,
      serviceId: a.serviceId,
      shiftTypeId: a.shiftTypeId,
      date: a.date,
      role: a.role,
    }));
    const judged = snapshotFrom(program, schedule, [...kept, ...generated], { start: addDays(range.start, -28), end: addDays(range.end, 28) }, 1);
    const hardViolations = validateSnapshot(judged, { focus: range, suggestions: false }).findings.filter(isHardViolation).length;
    return {
      seconds,
      cpuSeconds: (used.user + used.system) / 1e6,
      objective: result.blocks.reduce((sum, b) => sum + (b.objective ?? b.greedyObjective ?? NaN), 0),
      hardViolations,
    };
  } finally {
    store.close();
  }
}

async function stoppingRule(): Promise<BenchResult[]> {
  const sample = sampleProgram();
  const month = generateProgram({ residentsPerPgy: 12, faculty: 16, weeks: 4, findings: 'none', seed: 1 });
  const cases = [
    { label: 'demo: sample program, first week', program: sample, range: { start: sample.schedules[0]!.start, end: addDays(sample.schedules[0]!.start, 6) } },
    { label: '36 residents x 4 weeks', program: month, range: { start: month.schedules[0]!.start, end: month.schedules[0]!.end } },
  ];
  const rows: BenchResult[] = [];
  for (const c of cases) {
    process.stderr.write(`  generate: stopping rule vs full budget, ${c.label}\n`);
    const stop = await solveDirect(c.program, c.range, false);
    const full = await solveDirect(c.program, c.range, true);
    const row = (name: string, value: number, unit: string, extra: Partial<BenchResult> = {}) =>
      rows.push({ bench: 'generate', case: `${c.label}: ${name}`, value, unit, ...extra });
    row('time with the stopping rule', stop.seconds, 's', c.label.startsWith('demo') ? { target: '<= 3 s' } : { target: '<= 10 s' });
    row('CPU time with the stopping rule (all threads)', stop.cpuSeconds, 's', { note: 'close to the wall time on an idle machine' });
    row('objective with the stopping rule', stop.objective, '');
    row('hard violations with the stopping rule', stop.hardViolations, 'findings', { target: '0' });
    row('time with the full 30 s budget', full.seconds, 's');
    row('CPU time with the full 30 s budget (all threads)', full.cpuSeconds, 's');
    row('objective with the full 30 s budget', full.objective, '');
    row('hard violations with the full 30 s budget', full.hardViolations, 'findings', { target: '0' });
    row('time, stopping rule / full budget', stop.seconds / full.seconds, 'ratio');
    row('stopping rule objective above the full budget', ((stop.objective - full.objective) / full.objective) * 100, '%', { target: '<= 1 %' });
  }
  return rows;
}

export async function run(): Promise<BenchResult[]> {
  const only = process.env.BENCH_GENERATE_CASES?.split(',');
  const rows: BenchResult[] = [];
  for (const c of CASES) {
    if (only && !only.some((w) => c.label.startsWith(w))) continue;
    process.stderr.write(`  generate: ${c.label}\n`);
    rows.push(...(await runCase(c)));
  }
  if (!only || only.includes('stop')) rows.push(...(await stoppingRule()));
  return rows;
}
