/**
 * Where each argument of a call came from, and its one-line wording. Kept apart from the
 * planner (argPlanning.ts, which loads the SDK's JSON Schema validator) so the run panel's
 * browser bundle can word provenance without it.
 */

export type ArgSource = 'input' | 'derived' | 'user' | 'server' | 'default';

/** Where one argument of a call came from, as recorded in the step result and shown to people. */
export interface ArgProvenance {
  arg: string;
  /** The value sent (null when left to the server). */
  value: unknown;
  source: ArgSource;
  /** The capability or input whose result gave it, e.g. "validate_schedule", "--coverage-rate". */
  from?: string;
}

/** "coverage_rate 0.94 from validate_schedule": one line per argument, for reports and tooltips. */
export function describeProvenance(p: ArgProvenance): string {
  if (p.source === 'server') return `${p.arg} left to the server (computed from its own data)`;
  const where =
    p.source === 'input'
      ? `given${p.from ? ` (${p.from})` : ''}`
      : p.source === 'user'
        ? 'answered during the run'
        : p.source === 'default'
          ? 'default'
          : `from ${p.from ?? 'earlier results'}`;
  return `${p.arg} ${String(p.value)} ${where}`;
}
