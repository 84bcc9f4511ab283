/**
 * Program files near a valid one (docs/program-format.md): a base program with a few
 * mutations at random places of its JSON tree (a value replaced by one of another type, out
 * of its bounds or huge; a key removed or added; an array entry duplicated or dropped, which
 * makes duplicate ids and dangling references), and texts that are not JSON at all.
 */
import fc from 'fast-check';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

/** Every path of the tree whose value may be replaced (the root excluded). */
export function pathsOf(value: Json, at: Path = [], out: Path[] = []): Path[] {
  const children: [string | number, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : value !== null && typeof value === 'object' ? Object.entries(value) : [];
  for (const [key, child] of children) {
    out.push([...at, key]);
    pathsOf(child, [...at, key], out);
  }
  return out;
}

type Mutation = { op: 'set'; path: Path; value: Json } | { op: 'delete'; path: Path } | { op: 'add-key'; path: Path; key: string; value: Json } | { op: 'duplicate'; path: Path };

const REPLACEMENTS: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, 0, -1, 1.5, 1e308, -1e308, '', ' ', '2027-02-30', '25:00', '1e3', 'x'.repeat(201), 'x'.repeat(2001), '../../x', [], {}, [null], { id: 'x' }),
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 80 }),
  fc.constantFrom(70_000, 300_000).map((n) => 'y'.repeat(n)),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

function mutation(paths: readonly Path[]): fc.Arbitrary<Mutation> {
  const path = fc.constantFrom(...paths);
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ op: fc.constant('set' as const), path, value: REPLACEMENTS }) },
    fc.record({ op: fc.constant('delete' as const), path }),
    fc.record({ op: fc.constant('add-key' as const), path, key: fc.constantFrom('extra', 'Id', '__proto__', 'constructor', 'note '), value: REPLACEMENTS }),
    fc.record({ op: fc.constant('duplicate' as const), path }),
  );
}

function apply(root: Json, m: Mutation): void {
  const parent = m.path.slice(0, -1).reduce<Json>((node, key) => (node as Record<string | number, Json>)[key]!, root);
  const key = m.path[m.path.length - 1]!;
  const container = parent as Record<string | number, Json> & Json[];
  if (m.op === 'set') container[key] = m.value;
  else if (m.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete container[key];
  } else if (m.op === 'add-key') {
    const target = container[key];
    if (target !== null && typeof target === 'object' && !Array.isArray(target))
      Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
  } else if (Array.isArray(parent)) parent.splice(Number(key), 0, structuredClone(parent[Number(key)]!));
}

export interface ProgramText {
  /** What was done to the base program (for the failure report). */
  how: string;
  text: string;
}

/** Texts of program files: mostly the base with 1-3 mutations, sometimes broken JSON. */
export function programTexts(base: Json): fc.Arbitrary<ProgramText> {
  const paths = pathsOf(base);
  const baseText = JSON.stringify(base, null, 2);
  const mutated = fc.array(mutation(paths), { minLength: 0, maxLength: 3 }).map((ms) => {
    const copy = structuredClone(base);
    // A mutation may remove what a later one names: such a later one is skipped.
    const done = ms.filter((m) => {
      try {
        apply(copy, m);
        return true;
      } catch {
        return false;
      }
    });
    return { how: JSON.stringify(done, (_k, v: unknown) => (typeof v === 'string' && v.length > 100 ? `<${v.length} chars>` : v)), text: JSON.stringify(copy) };
  });
  const broken = fc.oneof(
    fc.nat(baseText.length - 1).map((n) => ({ how: `truncated at ${n}`, text: baseText.slice(0, n) })),
    fc
      .constantFrom('', ' ', 'null', '[]', '{}', '"program"', '\uFEFF{}', '{"format": "sched-orch.program", "formatVersion": 1,}')
      .map((text) => ({ how: `text ${JSON.stringify(text)}`, text })),
    fc
      .tuple(fc.nat(baseText.length - 1), fc.constantFrom('{', '}', '"', ',', '\u0000', 'NaN', '\\'))
      .map(([n, c]) => ({ how: `${JSON.stringify(c)} inserted at ${n}`, text: baseText.slice(0, n) + c + baseText.slice(n) })),
  );
  return fc.oneof({ weight: 5, arbitrary: mutated }, broken);
}
