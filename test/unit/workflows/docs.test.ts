/** The generated sections of docs/workflows.md say what the code does. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { replaceGenerated } from '../../../src/core/workflows/docsSections';

it('docs/workflows.md lists the thresholds the workflows use (npm run docs regenerates it)', () => {
  const docs = readFileSync('docs/workflows.md', 'utf8');
  assert.equal(docs, replaceGenerated(docs));
});
