/**
 * The small sample program (samples/program.small.json), bundled into the server so that
 * `node dist/server.js` runs with zero setup. Regenerate the file with
 * `node dist/server.js generate-program --residents-per-pgy 4 --faculty 6 --weeks 4 --seed 1 --out samples/program.small.json`.
 */
import type { ProgramFile } from '../domain/program';
import sample from '../../../samples/program.small.json';
import { parseProgram, ProgramValidationError } from './load';

export function sampleProgram(): ProgramFile {
  const parsed = parseProgram(sample);
  if (!parsed.ok) throw new ProgramValidationError(parsed.issues, 'bundled sample program');
  return parsed.program;
}
