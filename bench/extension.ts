/**
 * The extension's bundles as they ship (dist/, minified by `npm run build`): raw and gzipped
 * size against the targets (extension ≤ 600 KB minified, webview ≤ 250 KB).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BenchResult } from './run';

/** The webview targets apply to each page's bundle: the catalog page and the run panel. */
const TARGETS: Record<string, number> = { 'extension.js': 600, 'webview.js': 250, 'runPanel.js': 250 };

export function run(): Promise<BenchResult[]> {
  const rows: BenchResult[] = [];
  for (const [file, targetKb] of Object.entries(TARGETS)) {
    const path = join(__dirname, '..', 'dist', file);
    if (!existsSync(path)) {
      rows.push({ bench: 'extension', case: `${file} size`, value: 0, unit: 'KB', note: 'missing: run npm run build' });
      continue;
    }
    const bytes = readFileSync(path);
    rows.push({ bench: 'extension', case: `${file} minified`, value: Math.round(bytes.length / 1024), unit: 'KB', target: `≤ ${targetKb} KB` });
    rows.push({ bench: 'extension', case: `${file} gzipped`, value: Math.round(gzipSync(bytes).length / 1024), unit: 'KB' });
  }
  return Promise.resolve(rows);
}
