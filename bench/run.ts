/**
 * `npm run bench`: runs every benchmark module side by side in one process and prints
 * one table. Targets are reported, not asserted: these machines are shared and noisy.
 * `npm run bench -- validate` runs only the modules whose name contains "validate".
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface BenchResult {
  bench: string;
  case: string;
  value: number;
  unit: string;
  target?: string;
  note?: string;
}

interface BenchModule {
  run(): Promise<BenchResult[]>;
}

async function main(): Promise<void> {
  const filter = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const dir = __dirname;
  const modules = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
    .filter((f) => filter.length === 0 || filter.some((w) => f.includes(w)))
    .sort();
  const rows: BenchResult[] = [];
  for (const file of modules) {
    const name = basename(file, '.ts');
    process.stderr.write(`bench ${name} ...\n`);
    const mod = (await import(join(dir, file))) as BenchModule;
    rows.push(...(await mod.run()));
  }
  const header = ['bench', 'case', 'value', 'unit', 'target', 'note'];
  const table = rows.map((r) => [r.bench, r.case, formatValue(r.value), r.unit, r.target ?? '', r.note ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of table) console.log(line(row));
}

function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) < 10 ? 3 : 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
