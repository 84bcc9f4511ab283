/**
 * Defensive readers for tool results. Servers differ (the real one, the bundled one, test
 * doubles) and fields go missing; a reader returns undefined instead of throwing, so a
 * workflow lowers its confidence or skips a rule rather than crashing on a result.
 */
export type Json = Record<string, unknown>;

export function obj(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

/** The value at a dotted path (`impact.coverage_gaps`), or undefined. */
export function at(data: Json | undefined, path: string): unknown {
  let cur: unknown = data;
  for (const key of path.split('.')) {
    const o = obj(cur);
    if (!o) return undefined;
    cur = o[key];
  }
  return cur;
}

/** The first finite number among the paths. */
export function num(data: Json | undefined, ...paths: string[]): number | undefined {
  for (const p of paths) {
    const v = at(data, p);
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return undefined;
}

/** The first non-empty string among the paths. */
export function str(data: Json | undefined, ...paths: string[]): string | undefined {
  for (const p of paths) {
    const v = at(data, p);
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return undefined;
}

export function bool(data: Json | undefined, ...paths: string[]): boolean | undefined {
  for (const p of paths) {
    const v = at(data, p);
    if (typeof v === 'boolean') return v;
  }
  return undefined;
}

/** The first array among the paths, keeping only its object entries. */
export function list(data: Json | undefined, ...paths: string[]): Json[] | undefined {
  for (const p of paths) {
    const v = at(data, p);
    if (Array.isArray(v)) return v.map(obj).filter((e): e is Json => e !== undefined);
  }
  return undefined;
}

/** The first array of strings among the paths. */
export function strings(data: Json | undefined, ...paths: string[]): string[] | undefined {
  for (const p of paths) {
    const v = at(data, p);
    if (Array.isArray(v)) return v.filter((e): e is string => typeof e === 'string');
  }
  return undefined;
}

/** A count: a number field, else the length of an array field. */
export function count(data: Json | undefined, ...paths: string[]): number | undefined {
  for (const p of paths) {
    const v = at(data, p);
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (Array.isArray(v)) return v.length;
  }
  return undefined;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function pct(value: number): string {
  return `${Math.round(value * 1000) / 10}%`;
}
