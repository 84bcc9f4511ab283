/**
 * validate_schedule_tool over generated programs of three sizes, called through a real MCP
 * client (in-process transport) as the orchestrator calls it. Target: 150 residents for 52
 * weeks under 1 s. Reports the first call (database read + snapshot + rules), the warm call
 * (snapshot cached by data version), memory, and how time grows with the number of shifts.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { silentLogger } from '../src/core/util/log';
import { createServer } from '../src/server/createServer';
import { generateProgram } from '../src/server/program/generate';
import { ScheduleStore } from '../src/server/store/store';
import type { BenchResult } from './run';

const SIZES = [
  { residentsPerPgy: 10, faculty: 15, weeks: 13 },
  { residentsPerPgy: 25, faculty: 38, weeks: 26 },
  { residentsPerPgy: 50, faculty: 75, weeks: 52 },
];

async function measure(size: (typeof SIZES)[number]) {
  const program = generateProgram({ ...size, seed: 11 });
  const schedule = program.schedules[0]!;
  const store = ScheduleStore.open({ logger: silentLogger, seed: () => program });
  const server = createServer({ store, logger: silentLogger, now: () => Date.parse(`${schedule.start}T08:00:00Z`) });
  const client = new Client({ name: 'bench', version: '1.0.0' });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(b), client.connect(a)]);
  const call = async (suggestions = true) => {
    const started = performance.now();
    const result = (await client.callTool({
      name: 'validate_schedule_tool',
      arguments: { start_date: schedule.start, end_date: schedule.end, include_suggestions: suggestions },
    })) as CallToolResult;
    const ms = performance.now() - started;
    if (result.isError) throw new Error(JSON.stringify(result.content));
    return { ms, out: result.structuredContent as { total_issues: number; shifts_checked: number } };
  };
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const cold = await call();
  const heapAfter = process.memoryUsage().heapUsed;
  const median = async (suggestions: boolean) => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) times.push((await call(suggestions)).ms);
    return times.sort((x, y) => x - y)[1]!;
  };
  const warmMs = await median(true);
  const rulesOnlyMs = await median(false);
  await client.close();
  await server.close();
  store.close();
  return {
    label: `${size.residentsPerPgy * 3} residents x ${size.weeks} weeks`,
    shifts: schedule.assignments.length,
    issues: cold.out.total_issues,
    coldMs: cold.ms,
    warmMs,
    rulesOnlyMs,
    heapMb: Math.max(0, heapAfter - heapBefore) / 1_048_576,
    rssMb: process.memoryUsage().rss / 1_048_576,
  };
}

export async function run(): Promise<BenchResult[]> {
  const rows: BenchResult[] = [];
  // Warm the JIT on a tiny program so the first size is not charged for it.
  await measure({ residentsPerPgy: 2, faculty: 5, weeks: 2 });
  const results: Awaited<ReturnType<typeof measure>>[] = [];
  for (const size of SIZES) results.push(await measure(size));
  for (const r of results) {
    const largest = r === results[results.length - 1];
    rows.push(
      { bench: 'validate', case: `${r.label}: first call`, value: r.coldMs, unit: 'ms', ...(largest ? { target: '< 1000 ms' } : {}), note: `${r.shifts} shifts, ${r.issues} issues` },
      { bench: 'validate', case: `${r.label}: warm call`, value: r.warmMs, unit: 'ms', note: 'median of 3, snapshot cached' },
      { bench: 'validate', case: `${r.label}: warm, rules only`, value: r.rulesOnlyMs, unit: 'ms', note: 'include_suggestions=false' },
      { bench: 'validate', case: `${r.label}: rules per 1000 shifts`, value: (r.rulesOnlyMs / r.shifts) * 1000, unit: 'ms' },
      { bench: 'validate', case: `${r.label}: heap growth`, value: r.heapMb, unit: 'MB', note: `rss ${r.rssMb.toFixed(0)} MB` },
    );
  }
  const [small, , large] = results;
  // Slope of log(time) over log(shifts): 1 = linear growth. Suggestions cost about the same
  // at every size (at most 50 findings get a substitute search), so the rules alone show growth.
  const exponent = (pick: (r: (typeof results)[number]) => number) => Math.log(pick(large!) / pick(small!)) / Math.log(large!.shifts / small!.shifts);
  rows.push(
    { bench: 'validate', case: 'growth exponent, first call (time ~ shifts^k)', value: exponent((r) => r.coldMs), unit: 'k', note: `${small!.shifts} -> ${large!.shifts} shifts` },
    { bench: 'validate', case: 'growth exponent, rules only', value: exponent((r) => r.rulesOnlyMs), unit: 'k', note: '1 = linear' },
  );
  return rows;
}
