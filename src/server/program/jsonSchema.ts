/**
 * The JSON Schema of the program file, generated from the zod schema (the single source
 * of truth) so editors can validate and complete program files. Input mode: fields with
 * defaults are optional, as a person writing a file sees them.
 */
import { z } from 'zod';
import { programFileSchema } from '../domain/program';

export function programSchemaJson(): string {
  const { $schema, ...schema } = z.toJSONSchema(programFileSchema, { io: 'input', target: 'draft-2020-12' });
  const document = {
    $schema,
    title: 'Residency program file (sched-orch)',
    description: 'People, services, shifts, coverage, absences, schedules and local policies of a residency program. See docs/program-format.md.',
    ...schema,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
