/**
 * fast-check arbitraries derived from a tool's declared JSON Schema (the `inputSchema` of
 * tools/list): valid values inside every bound, values on the bounds, and values just past
 * them, of the wrong type, huge, or with keys the schema does not know.
 *
 * Ids, dates and data versions only mean something against the live database, so valid
 * ones are drawn as placeholders ("@id:7", "@date:3", "@version:1") that `resolvePlaceholders`
 * turns into a known id, a date near the stored schedules, or the current data version
 * (minus k) just before the call: the writes then really succeed some of the time.
 */
import fc from 'fast-check';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  description?: string;
}

/** Kinds of stored ids, told apart by the argument's name. */
export type IdKind = 'person' | 'assignment' | 'schedule' | 'swap' | 'publish' | 'service' | 'any';

/** What the live database offers for placeholders. */
export interface Pools {
  ids: Readonly<Record<IdKind, readonly string[]>>;
  dates: readonly string[];
  version: number;
}

function idKind(name: string): IdKind {
  if (/person|requester_id|provider/.test(name)) return 'person';
  if (/assignment/.test(name)) return 'assignment';
  if (/schedule_id|draft_id/.test(name)) return 'schedule';
  if (/swap_id/.test(name)) return 'swap';
  if (/publish_id/.test(name)) return 'publish';
  if (/service_id/.test(name)) return 'service';
  return 'any';
}

const PLACEHOLDER = /^@(id|date|version|huge):(?:([a-z]+):)?(\d+)$/;
/** Huge strings stay placeholders until the call, so a failure report stays readable. */
const HUGE_UNITS = ['x', 'é', '😀', '\u0000', 'a-b'];

/** Replaces every placeholder string in `value` (deeply) with a value from `pools`. */
export function resolvePlaceholders(value: unknown, pools: Pools): unknown {
  if (typeof value === 'string') {
    const m = PLACEHOLDER.exec(value);
    if (!m) return value;
    const n = Number(m[3]);
    if (m[1] === 'version') return Math.max(0, pools.version - n);
    if (m[1] === 'huge') return HUGE_UNITS[n % HUGE_UNITS.length]!.repeat(Math.floor(n / HUGE_UNITS.length));
    const list = m[1] === 'id' ? pools.ids[(m[2] ?? 'any') as IdKind] : pools.dates;
    return list.length > 0 ? list[n % list.length] : value;
  }
  if (Array.isArray(value)) return value.map((v) => resolvePlaceholders(v, pools));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolvePlaceholders(v, pools)]));
  return value;
}

const DATE_PATTERN = /\\d\{4\}-\\d\{2\}-\\d\{2\}/;
const isDateField = (name: string, s: JsonSchema) => /(^|_)date$/.test(name) || DATE_PATTERN.test(s.pattern ?? '') || /YYYY-MM-DD/.test(s.description ?? '');
const isIdField = (name: string) => /(^|_)ids?$/.test(name);
const isVersionField = (name: string) => /version$/.test(name);

function typesOf(s: JsonSchema): string[] {
  if (s.enum) return ['enum'];
  if (s.anyOf) return ['anyOf'];
  return Array.isArray(s.type) ? s.type : s.type ? [s.type] : ['any'];
}

/** A string inside the schema's bounds: of the pattern's characters when it is one character class. */
function boundedString(s: JsonSchema): fc.Arbitrary<string> {
  const minLength = s.minLength ?? 0;
  const maxLength = Math.min(s.maxLength ?? 200, 2000);
  const charClass = /^\^\[([^\]]+)\]\+\$$/.exec(s.pattern ?? '');
  if (charClass) {
    const chars = expandClass(charClass[1]!);
    return fc.string({ unit: fc.constantFrom(...chars), minLength: Math.max(1, minLength), maxLength });
  }
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length >= minLength && v.length <= maxLength);
  return fc.oneof(fc.string({ minLength, maxLength }), fc.string({ unit: 'grapheme', minLength, maxLength: Math.max(minLength, Math.floor(maxLength / 4)) }));
}

function expandClass(body: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < body.length; i++) {
    if (body[i + 1] === '-' && i + 2 < body.length) {
      for (let c = body.charCodeAt(i); c <= body.charCodeAt(i + 2); c++) out.push(String.fromCharCode(c));
      i += 2;
    } else out.push(body[i]!);
  }
  return out;
}

function numberBounds(s: JsonSchema, integer: boolean): { min: number; max: number } {
  const step = integer ? 1 : 1e-6;
  const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + step : -1e9);
  const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - step : 1e9);
  return { min, max };
}

/** A value the schema accepts, biased to its bounds and to the live data. */
export function validValue(s: JsonSchema, name = ''): fc.Arbitrary<unknown> {
  const options = typesOf(s).map((type): fc.Arbitrary<unknown> => {
    switch (type) {
      case 'enum':
        return fc.constantFrom(...(s.enum ?? [null]));
      case 'anyOf':
        return fc.oneof(...(s.anyOf ?? []).map((o) => validValue(o, name)));
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
      case 'number': {
        const { min, max } = numberBounds(s, type === 'integer');
        const any = type === 'integer' ? fc.integer({ min, max }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
        const edges = fc.constantFrom(min, max, Math.min(max, Math.max(min, 1)));
        // Mostly the current version, so that writes get past the version check.
        if (isVersionField(name)) return fc.oneof({ weight: 6, arbitrary: fc.constant('@version:0') }, fc.constantFrom('@version:1', '@version:2'), edges, any);
        return fc.oneof(edges, any);
      }
      case 'string': {
        const bounded = boundedString(s);
        if (isDateField(name, s)) return fc.oneof({ weight: 4, arbitrary: fc.nat().map((i) => `@date:${i}`) }, validDate());
        if (isIdField(name) || s.pattern) return fc.oneof({ weight: 3, arbitrary: fc.nat().map((i) => `@id:${idKind(name)}:${i}`) }, bounded);
        return bounded;
      }
      case 'array': {
        const maxLength = Math.min(s.maxItems ?? 5, 5);
        return fc.array(validValue(s.items ?? {}, name), { minLength: s.minItems ?? 0, maxLength });
      }
      case 'object':
        return objectOf(s, (p, n) => validValue(p, n));
      default:
        return fc.jsonValue();
    }
  });
  return fc.oneof(...options);
}

function validDate(): fc.Arbitrary<string> {
  return fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2032-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
}

/** The required properties and a subset of the optional ones, each from `value`. */
function objectOf(s: JsonSchema, value: (p: JsonSchema, name: string) => fc.Arbitrary<unknown>): fc.Arbitrary<Record<string, unknown>> {
  const props = s.properties ?? {};
  const required = new Set(s.required ?? []);
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, p] of Object.entries(props)) record[k] = value(p, k);
  const requiredKeys = Object.keys(props).filter((k) => required.has(k));
  return fc.record(record, { requiredKeys });
}

/**
 * 30,000 to 1,000,000 repeats of one unit: the request stays under the 10 MiB a stdio message
 * may have (a bigger message closes the transport by design: test/integration/cli/safety.test.ts).
 */
function huge(maxRepeats = 1_000_000): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(30_000, maxRepeats), fc.nat(HUGE_UNITS.length - 1)).map(([repeats, unit]) => `@huge:${repeats * HUGE_UNITS.length + unit}`);
}
const WRONG_TYPES: unknown[] = [null, true, false, 0, -1, 1.5, -0.0001, 1e308, '', ' ', 'null', [], [1, 'a'], {}, { nested: { deep: [null] } }];
const NASTY_STRINGS = [
  '../../etc/passwd',
  "x'; DROP TABLE audit; --",
  'a b',
  '\u202e',
  '2027-02-30',
  '2027-13-01',
  '0000-00-00',
  '99999-01-01',
  '2027-1-1',
  '%s%n',
  '__proto__',
  'constructor',
];

/** A value the schema refuses (or one at the edge of what it accepts). */
export function invalidValue(s: JsonSchema): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [fc.constantFrom(...WRONG_TYPES), huge(), fc.constantFrom(...NASTY_STRINGS), fc.jsonValue({ maxDepth: 3 })];
  const types = typesOf(s);
  if (types.includes('string') && s.maxLength !== undefined) options.push(fc.constant('a'.repeat(s.maxLength + 1)), fc.constant('a'.repeat(s.maxLength)));
  if (types.includes('string') && s.minLength) options.push(fc.constant(''));
  if (types.includes('integer') || types.includes('number')) {
    const { min, max } = numberBounds(s, types.includes('integer'));
    options.push(fc.constantFrom(min - 1, max + 1, min - 0.5, max + 0.5, -1e300, 1e300, Number.MAX_SAFE_INTEGER + 2));
  }
  if (types.includes('array')) options.push(fc.constant(Array.from({ length: (s.maxItems ?? 100) + 1 }, (_, i) => `p-${i}`)));
  return fc.oneof(...options);
}

export type ArgumentsMode = 'valid' | 'one-invalid' | 'missing-required' | 'unknown-keys' | 'not-an-object';

export interface FuzzArguments {
  mode: ArgumentsMode;
  /** What is sent as `arguments` (placeholders still in it). */
  args: unknown;
}

/** Arguments for one call of a tool with `schema`, in one of the modes above. */
export function argumentsFor(schema: JsonSchema): fc.Arbitrary<FuzzArguments> {
  const props = Object.keys(schema.properties ?? {});
  const valid = objectOf(schema, (p, n) => validValue(p, n));
  const modes: fc.Arbitrary<FuzzArguments>[] = [
    valid.map((args) => ({ mode: 'valid' as const, args })),
    fc.tuple(valid, unknownKeys()).map(([args, extra]) => ({ mode: 'unknown-keys' as const, args: { ...extra, ...args } })),
    fc.oneof(fc.constantFrom<unknown>(null, 7, 'x', true), fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 })).map((args) => ({ mode: 'not-an-object' as const, args })),
  ];
  if (props.length > 0) {
    const oneInvalid = fc
      .tuple(valid, fc.constantFrom(...props))
      .chain(([args, key]) => invalidValue(schema.properties![key]!).map((bad) => ({ mode: 'one-invalid' as const, args: { ...args, [key]: bad } })));
    modes.push(oneInvalid, oneInvalid);
  }
  const required = schema.required ?? [];
  if (required.length > 0) {
    modes.push(
      fc.tuple(valid, fc.constantFrom(...required)).map(([args, key]) => {
        const rest = { ...args };
        delete rest[key];
        return { mode: 'missing-required' as const, args: rest };
      }),
    );
  }
  return fc.oneof({ weight: 3, arbitrary: modes[0]! }, ...modes.slice(1));
}

function unknownKeys(): fc.Arbitrary<Record<string, unknown>> {
  const key = fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom('__proto__', 'constructor', 'extra', '_meta', 'x'.repeat(10_000)));
  return fc.dictionary(key, fc.oneof(fc.jsonValue({ maxDepth: 2 }), huge(100_000)), { minKeys: 1, maxKeys: 3 });
}
