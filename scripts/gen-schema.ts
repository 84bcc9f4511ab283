/**
 * Writes schemas/program.schema.json from the zod schema of the program file
 * (src/server/domain/program.ts). Run `node --import tsx scripts/gen-schema.ts`;
 * `--check` exits 1 instead of writing when the committed file is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { programSchemaJson } from '../src/server/program/jsonSchema';

const file = join(__dirname, '..', 'schemas', 'program.schema.json');
const text = programSchemaJson();
if (process.argv.includes('--check')) {
  const current = readFileSync(file, 'utf8');
  if (current !== text) {
    console.error(`${file} is out of date: run node --import tsx scripts/gen-schema.ts`);
    process.exit(1);
  }
} else {
  writeFileSync(file, text);
  console.error(`wrote ${file}`);
}
