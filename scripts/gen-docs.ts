// Writes the tables of docs/workflows.md that are generated from the code (between their markers).
import { readFileSync, writeFileSync } from 'node:fs';
import { replaceGenerated } from '../src/core/workflows/docsSections';

const file = 'docs/workflows.md';
writeFileSync(file, replaceGenerated(readFileSync(file, 'utf8')));
console.log(`${file} updated`);
