/**
 * A small test runner for code that runs inside VS Code's extension host (which loads one
 * CommonJS module and awaits its `run()`) and for the Playwright UI tests. Tests register
 * at import time and run in order, one at a time, each under a time limit. Results go to the
 * console and, one JSON line per test, to a report file that run-tests.mjs prints: the
 * extension host's console output only reaches the browser.
 */
import { appendFileSync } from 'node:fs';

export interface TestResult {
  name: string;
  ok: boolean;
  /** Not run because an earlier test failed (see RunOptions.bail). */
  skipped?: boolean;
  ms: number;
  error?: string;
}

interface Registered {
  name: string;
  fn: () => Promise<void> | void;
  timeoutMs: number;
}

const registered: Registered[] = [];
const afterEachHooks: (() => Promise<void> | void)[] = [];

export function test(name: string, fn: () => Promise<void> | void, timeoutMs = 30_000): void {
  registered.push({ name, fn, timeoutMs });
}

/** Runs after every test, passed or failed, so one test's leftovers never reach the next. */
export function afterEach(fn: () => Promise<void> | void): void {
  afterEachHooks.push(fn);
}

async function withTimeout(fn: () => Promise<void> | void, timeoutMs: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(fn), limit]);
  } finally {
    clearTimeout(timer);
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

export interface RunOptions {
  /** Print each result to the console (the extension host's console reaches the browser's log). */
  echo?: boolean;
  /** Where to append one JSON line (a TestResult) per test. */
  reportFile?: string;
  /** Called once a test has failed, before the afterEach hooks (e.g. for a screenshot). */
  onFailure?: (testName: string) => Promise<void>;
  /** Steps of one user story: after a failure the later ones are skipped, not run on a broken state. */
  bail?: boolean;
}

function report(result: TestResult, options: RunOptions): void {
  if (options.echo !== false) {
    const verdict = result.skipped ? 'skipped' : result.ok ? 'ok' : 'not ok';
    console.log(`${verdict} - ${result.name} (${result.ms} ms)${result.error ? `\n${result.error}` : ''}`);
  }
  if (options.reportFile) appendFileSync(options.reportFile, `${JSON.stringify(result)}\n`);
}

/** Runs every registered test; rejects when any failed (VS Code then exits with code 1). */
export async function runRegisteredTests(options: RunOptions = {}): Promise<void> {
  // Taken out of the registry, so the next group of tests in the same process starts clean.
  const tests = registered.splice(0);
  const hooks = afterEachHooks.splice(0);
  let failed = 0;
  for (const t of tests) {
    if (options.bail && failed > 0) {
      report({ name: t.name, ok: false, skipped: true, ms: 0 }, options);
      continue;
    }
    const started = Date.now();
    let error: string | undefined;
    try {
      await withTimeout(t.fn, t.timeoutMs, `test "${t.name}"`);
    } catch (e) {
      error = describeError(e);
      await options.onFailure?.(t.name).catch((failure: unknown) => console.error(`onFailure of "${t.name}": ${describeError(failure)}`));
    }
    for (const hook of hooks) {
      try {
        await withTimeout(hook, 10_000, `afterEach of "${t.name}"`);
      } catch (e) {
        error = [error, `afterEach: ${describeError(e)}`].filter(Boolean).join('\n');
      }
    }
    if (error !== undefined) failed++;
    report({ name: t.name, ok: error === undefined, ms: Date.now() - started, ...(error !== undefined ? { error } : {}) }, options);
  }
  if (tests.length === 0) throw new Error('no tests were registered');
  if (failed > 0) throw new Error(`${failed} of ${tests.length} tests failed`);
}
