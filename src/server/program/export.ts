/**
 * Writing program files. The JSON is indented like `JSON.stringify(…, 2)` except that a
 * small flat object (an assignment, a coverage rule's limits) stays on one line: a
 * 4-week sample reads as a list of assignments instead of thousands of short lines.
 * `parseProgramText(formatProgramJson(p))` gives back `p` exactly.
 */
import { writeFileSync } from 'node:fs';
import type { ProgramFile } from '../domain/program';
import type { ScheduleStore } from '../store/store';

const INLINE_WIDTH = 170;

export function formatProgramJson(program: ProgramFile): string {
  return `${format(program, '')}\n`;
}

function format(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (isFlat(value)) {
    const inline = Array.isArray(value)
      ? `[${value.map((v) => JSON.stringify(v)).join(', ')}]`
      : `{ ${Object.entries(value)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => `${JSON.stringify(k)}: ${Array.isArray(v) ? `[${v.map((x) => JSON.stringify(x)).join(', ')}]` : JSON.stringify(v)}`)
          .join(', ')} }`;
    if (inline.length + indent.length <= INLINE_WIDTH) return inline === '{  }' ? '{}' : inline;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + format(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${format(v, inner)}`).join(',\n')}\n${indent}}`;
}

/** Objects whose values are primitives or arrays of primitives, and arrays of primitives. */
function isFlat(value: object): boolean {
  const values = Array.isArray(value) ? value : Object.values(value);
  return values.every((v) => v === null || typeof v !== 'object' || (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')));
}

/** Exports the store's program to a file; returns what was written. */
export function exportProgramFile(store: ScheduleStore, file: string, schemaRef?: string): ProgramFile {
  const program = store.exportProgram();
  const document = schemaRef !== undefined ? { $schema: schemaRef, ...program } : program;
  writeFileSync(file, formatProgramJson(document));
  return document;
}
