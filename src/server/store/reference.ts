/**
 * The program's reference data: meta (program, policies, wellbeing) and the tables of
 * shift types, services, coverage rules, people and absences, each row holding its JSON.
 */
import { policiesSchema, type Absence, type Coverage, type Person, type Policies, type ProgramFile, type Service, type ShiftType, type Wellbeing } from '../domain/program';
import type { SqliteDb } from './sqlite';
import type { ReferenceData } from './types';

export function readReference(db: SqliteDb): ReferenceData {
  const meta = new Map(db.all<{ key: string; value: string }>('SELECT key, value FROM meta').map((r) => [r.key, r.value]));
  const programMeta = JSON.parse(meta.get('program') ?? 'null') as (ProgramFile['program'] & { $schema?: string }) | null;
  const data = <T>(table: string): T[] => db.all<{ data: string }>(`SELECT data FROM ${table} ORDER BY ord`).map((r) => JSON.parse(r.data) as T);
  const { $schema, ...program } = programMeta ?? { id: 'empty', name: 'No program loaded', timezone: 'UTC' };
  const wellbeing = meta.get('wellbeing');
  return {
    program,
    ...($schema !== undefined ? { schemaRef: $schema } : {}),
    shiftTypes: data<ShiftType>('shift_types'),
    services: data<Service>('services'),
    coverage: data<Coverage>('coverage'),
    people: data<Person>('people'),
    absences: data<Absence>('absences'),
    policies: meta.has('policies') ? (JSON.parse(meta.get('policies')!) as Policies) : policiesSchema.parse({}),
    ...(wellbeing ? { wellbeing: JSON.parse(wellbeing) as Wellbeing } : {}),
  };
}

/** Replaces the reference data with a program's (the caller has emptied the tables). */
export function writeReference(db: SqliteDb, program: ProgramFile): void {
  const meta = (key: string, value: unknown) => db.run('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', [key, JSON.stringify(value)]);
  meta('program', { ...program.program, ...(program.$schema !== undefined ? { $schema: program.$schema } : {}) });
  meta('policies', program.policies);
  if (program.wellbeing) meta('wellbeing', program.wellbeing);
  else db.run("DELETE FROM meta WHERE key = 'wellbeing'");
  db.runMany(
    'INSERT INTO shift_types (id, ord, kind, data) VALUES (?, ?, ?, ?)',
    program.shiftTypes.map((t, i) => [t.id, i, t.kind, JSON.stringify(t)]),
  );
  db.runMany(
    'INSERT INTO services (id, ord, data) VALUES (?, ?, ?)',
    program.services.map((s, i) => [s.id, i, JSON.stringify(s)]),
  );
  db.runMany(
    'INSERT INTO coverage (id, ord, service_id, shift_type_id, data) VALUES (?, ?, ?, ?, ?)',
    program.coverage.map((c, i) => [c.id, i, c.serviceId, c.shiftTypeId, JSON.stringify(c)]),
  );
  db.runMany(
    'INSERT INTO people (id, ord, role, pgy, active, data) VALUES (?, ?, ?, ?, ?, ?)',
    program.people.map((p, i) => [p.id, i, p.role, p.pgy ?? null, p.active ? 1 : 0, JSON.stringify(p)]),
  );
  db.runMany(
    'INSERT INTO absences (id, ord, person_id, start_date, end_date, data) VALUES (?, ?, ?, ?, ?, ?)',
    program.absences.map((a, i) => [a.id, i, a.personId, a.start, a.end, JSON.stringify(a)]),
  );
}

/** Whether any program has been imported. */
export function hasProgram(db: Pick<SqliteDb, 'get'>): boolean {
  return db.get('SELECT 1 AS x FROM people LIMIT 1') !== undefined;
}
