/**
 * Reading a program file: JSON syntax, the zod schema (src/server/domain/program.ts),
 * then the references between entities. Every problem is reported with the JSON path
 * of the offending value (`$.schedules[0].assignments[12].personId`), all at once, so a
 * user can fix a file in one pass. Loading never writes anything: the caller imports
 * the result only when it is valid.
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { programFileSchema, type ProgramFile } from '../domain/program';
import { RULE_KEYS } from '../rules/ruleIds';

export interface ProgramIssue {
  /** JSON path of the value, `$` for the document itself. */
  path: string;
  message: string;
}

export type ProgramLoadResult = { ok: true; program: ProgramFile } | { ok: false; issues: ProgramIssue[] };

/** Thrown by the helpers that cannot return a result (import from a file, the CLI). */
export class ProgramValidationError extends Error {
  constructor(
    readonly issues: readonly ProgramIssue[],
    source = 'program file',
  ) {
    super(`invalid ${source}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n${formatIssues(issues)}`);
    this.name = 'ProgramValidationError';
  }
}

export function formatIssues(issues: readonly ProgramIssue[], max = 50): string {
  const shown = issues.slice(0, max).map((i) => `  ${i.path}: ${i.message}`);
  if (issues.length > max) shown.push(`  … and ${issues.length - max} more`);
  return shown.join('\n');
}

/** `['people', 3, 'pgy']` -> `$.people[3].pgy` */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(String(key)) ? `.${String(key)}` : `[${JSON.stringify(String(key))}]`;
  return out;
}

export function parseProgramText(text: string): ProgramLoadResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, issues: [{ path: '$', message: `not valid JSON: ${(error as Error).message}` }] };
  }
  return parseProgram(json);
}

export function parseProgram(input: unknown): ProgramLoadResult {
  const parsed = programFileSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: zodIssues(parsed.error) };
  const issues = referenceIssues(parsed.data);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, program: parsed.data };
}

/** Reads and validates a file; throws ProgramValidationError (or the I/O error). */
export function loadProgramFile(file: string): ProgramFile {
  const result = parseProgramText(readFileSync(file, 'utf8'));
  if (!result.ok) throw new ProgramValidationError(result.issues, `program file ${file}`);
  return result.program;
}

function zodIssues(error: z.ZodError): ProgramIssue[] {
  return error.issues.map((i) => ({ path: jsonPath(i.path), message: i.message }));
}

/** Checks zod cannot express: unique ids, references, ranges that must nest. */
function referenceIssues(p: ProgramFile): ProgramIssue[] {
  const issues: ProgramIssue[] = [];
  const add = (path: PropertyKey[], message: string) => issues.push({ path: jsonPath(path), message });

  const shiftTypes = uniqueIds(p.shiftTypes, 'shiftTypes', 'shift type', add);
  const services = uniqueIds(p.services, 'services', 'service', add);
  uniqueIds(p.coverage, 'coverage', 'coverage rule', add);
  const people = uniqueIds(p.people, 'people', 'person', add);
  uniqueIds(p.absences, 'absences', 'absence', add);
  uniqueIds(p.schedules, 'schedules', 'schedule', add);

  const ref = (known: Set<string>, what: string, value: string, path: PropertyKey[]) => {
    if (!known.has(value)) add(path, `unknown ${what} id "${value}"`);
  };

  p.coverage.forEach((c, i) => {
    ref(services, 'service', c.serviceId, ['coverage', i, 'serviceId']);
    ref(shiftTypes, 'shift type', c.shiftTypeId, ['coverage', i, 'shiftTypeId']);
    if (c.residents.max !== undefined && c.residents.max < c.residents.min) add(['coverage', i, 'residents', 'max'], 'max is below min');
    if (c.faculty.max !== undefined && c.faculty.max < c.faculty.min) add(['coverage', i, 'faculty', 'max'], 'max is below min');
    if (c.residents.min === 0 && c.faculty.min === 0 && c.residents.max === undefined && c.faculty.max === undefined) {
      add(['coverage', i], 'a coverage rule needs a minimum or a maximum');
    }
  });

  p.people.forEach((person, i) => {
    person.services?.forEach((s, j) => ref(services, 'service', s, ['people', i, 'services', j]));
    person.preferences?.preferShiftTypes.forEach((s, j) => ref(shiftTypes, 'shift type', s, ['people', i, 'preferences', 'preferShiftTypes', j]));
    person.preferences?.avoidShiftTypes.forEach((s, j) => ref(shiftTypes, 'shift type', s, ['people', i, 'preferences', 'avoidShiftTypes', j]));
    if (person.role === 'resident' && person.facultyRole !== undefined) add(['people', i, 'facultyRole'], 'residents have no faculty role');
  });

  p.absences.forEach((a, i) => ref(people, 'person', a.personId, ['absences', i, 'personId']));

  p.schedules.forEach((s, i) => {
    const ids = new Set<string>();
    s.assignments.forEach((a, j) => {
      const at = ['schedules', i, 'assignments', j];
      if (ids.has(a.id)) add([...at, 'id'], `duplicate assignment id "${a.id}" in schedule "${s.id}"`);
      ids.add(a.id);
      ref(people, 'person', a.personId, [...at, 'personId']);
      ref(services, 'service', a.serviceId, [...at, 'serviceId']);
      ref(shiftTypes, 'shift type', a.shiftTypeId, [...at, 'shiftTypeId']);
      if (a.date < s.start || a.date > s.end) add([...at, 'date'], `${a.date} is outside the schedule's range ${s.start}..${s.end}`);
    });
  });

  const published = p.schedules.map((s, i) => ({ s, i })).filter(({ s }) => s.status === 'published');
  for (let x = 0; x < published.length; x++) {
    for (let y = x + 1; y < published.length; y++) {
      const a = published[x]!;
      const b = published[y]!;
      if (a.s.start <= b.s.end && b.s.start <= a.s.end) {
        add(['schedules', b.i, 'start'], `published schedules "${a.s.id}" and "${b.s.id}" overlap: only one published schedule may cover a date`);
      }
    }
  }

  const wellbeing = p.wellbeing;
  if (wellbeing) {
    for (const key of ['surveys', 'sickCalls', 'swapRequests', 'burnout'] as const) {
      wellbeing[key].forEach((entry, i) => ref(people, 'person', entry.personId, ['wellbeing', key, i, 'personId']));
    }
  }

  const known = new Set<string>(RULE_KEYS);
  for (const key of Object.keys(p.policies.ruleIds)) {
    if (!known.has(key)) add(['policies', 'ruleIds', key], `unknown rule "${key}" (known: ${RULE_KEYS.join(', ')})`);
  }
  return issues;
}

function uniqueIds(list: readonly { id: string }[], field: string, what: string, add: (path: PropertyKey[], message: string) => void): Set<string> {
  const seen = new Set<string>();
  list.forEach((item, i) => {
    if (seen.has(item.id)) add([field, i, 'id'], `duplicate ${what} id "${item.id}"`);
    seen.add(item.id);
  });
  return seen;
}
