// Runs the test suite with Node's own test runner (through tsx, so tests are TypeScript).
// Node 20's runner does not expand globs, so the files are found here.
//   node scripts/test.mjs                 every *.test.ts under test/ (except test/vscode)
//   node scripts/test.mjs unit mcp        only files whose path contains every given word
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'vscode' ? [] : find(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const words = process.argv.slice(2);
const files = find('test')
  .map((f) => relative('.', f))
  .filter((f) => words.every((w) => f.includes(w)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${words.join(' ')}`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
