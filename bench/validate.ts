/**
 * validate_schedule_tool end to end (database read, snapshot, rules, suggestions) over
 * generated programs of three sizes, called through a real MCP client (in-process transport)
 * as the orchestrator calls it: S 12 residents x 4 weeks, M 36 x 13, L 150 x 52. Target: L
 * under 1 s. Reports the first call, the warm call (snapshot cached by data version), the
 * rules alone, peak memory during the calls (sampled RSS; the process's maxRSS alongside),
 * and the growth exponent of time over shifts fitted by least squares over the three sizes.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { silentLogger } from '../src/core/util/log';
import { createServer } from '../src/server/createServer';
import { generateProgram } from '../src/server/program/generate';
import { ScheduleStore } from '../src/server/store/store';
import type { BenchResult } from './run';
import { growthExponent, maxRssMb, withPeakRss } from './support/measure';

const SIZES = [
  { label: 'S', residentsPerPgy: 4, faculty: 6, weeks: 4 },
  { label: 'M', residentsPerPgy: 12, faculty: 16, weeks: 13 },
  { label: 'L', residentsPerPgy: 50, faculty: 75, weeks: 52 },
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
  const median = async (suggestions: boolean) => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) times.push((await call(suggestions)).ms);
    return times.sort((x, y) => x - y)[1]!;
  };
  global.gc?.();
  const { value, peakMb } = await withPeakRss(async () => {
    const cold = await call();
    return { cold, warmMs: await median(true), rulesOnlyMs: await median(false) };
  });
  await client.close();
  await server.close();
  store.close();
  return {
    label: `${size.label}: ${size.residentsPerPgy * 3} residents x ${size.weeks} weeks`,
    shifts: schedule.assignments.length,
    issues: value.cold.out.total_issues,
    coldMs: value.cold.ms,
    warmMs: value.warmMs,
    rulesOnlyMs: value.rulesOnlyMs,
    peakMb,
  };
}

export async function run(): Promise<BenchResult[]> {
  const rows: BenchResult[] = [];
  // Warm the JIT on a tiny program so the first size is not charged for it.
  await measure({ label: 'warm-up', residentsPerPgy: 2, faculty: 5, weeks: 2 });
  const results: Awaited<ReturnType<typeof measure>>[] = [];
  for (const size of SIZES) results.push(await measure(size));
  for (const r of results) {
    const largest = r === results[results.length - 1];
    rows.push(
      {
        bench: 'validate',
        case: `${r.label}: first call`,
        value: r.coldMs,
        unit: 'ms',
        ...(largest ? { target: '< 1000 ms' } : {}),
        note: `${r.shifts} shifts, ${r.issues} issues`,
      },
      { bench: 'validate', case: `${r.label}: warm call`, value: r.warmMs, unit: 'ms', note: 'median of 3, snapshot cached' },
      { bench: 'validate', case: `${r.label}: warm, rules only`, value: r.rulesOnlyMs, unit: 'ms', note: 'include_suggestions=false' },
      { bench: 'validate', case: `${r.label}: rules per 1000 shifts`, value: (r.rulesOnlyMs / r.shifts) * 1000, unit: 'ms' },
      { bench: 'validate', case: `${r.label}: peak RSS during the calls`, value: r.peakMb, unit: 'MB', note: 'sampled every 50 ms' },
    );
  }
  // Suggestions cost about the same at every size (at most 50 findings get a substitute
  // search), so the rules alone show how the checks grow.
  const fit = (pick: (r: (typeof results)[number]) => number) => growthExponent(results.map((r) => ({ x: r.shifts, y: pick(r) })));
  const span = `${results[0]!.shifts} -> ${results[results.length - 1]!.shifts} shifts, least squares over ${results.length} sizes`;
  rows.push(
    { bench: 'validate', case: 'growth exponent, first call (time ~ shifts^k)', value: fit((r) => r.coldMs), unit: 'k', note: span },
    { bench: 'validate', case: 'growth exponent, rules only', value: fit((r) => r.rulesOnlyMs), unit: 'k', note: '1 = linear' },
    { bench: 'validate', case: 'process maxRSS after all sizes', value: maxRssMb(), unit: 'MB', note: 'resourceUsage().maxRSS' },
  );
  return rows;
}
