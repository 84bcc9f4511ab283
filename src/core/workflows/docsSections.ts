/** The sections of docs/workflows.md that are written from the code, between their markers. */
import { thresholdTable } from './thresholdTable';

const SECTIONS: Readonly<Record<string, () => string>> = { thresholds: thresholdTable };

export function replaceGenerated(markdown: string): string {
  let out = markdown;
  for (const [name, render] of Object.entries(SECTIONS)) {
    const start = `<!-- generated:${name} (npm run docs) -->`;
    const end = `<!-- end:${name} -->`;
    const from = out.indexOf(start);
    const to = out.indexOf(end);
    if (from < 0 || to < from) throw new Error(`docs: the markers of the "${name}" section are missing`);
    out = `${out.slice(0, from + start.length)}\n${render()}\n${out.slice(to)}`;
  }
  return out;
}
