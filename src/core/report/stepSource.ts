/** Where a step's result came from, in the four words hosts show (its own module: the Runs tree needs it without the report's builder). */
import type { ResultSource, StepResult } from '../engine/results';

export type StepSource = 'live' | 'cache' | 'fallback' | 'skipped';

export function stepSource(result: Pick<StepResult, 'status' | 'source'>): StepSource {
  if (result.status !== 'succeeded') return 'skipped';
  const map: Record<ResultSource, StepSource> = { live: 'live', cache: 'cache', fallback: 'fallback', compute: 'live', human: 'live', none: 'skipped' };
  return map[result.source];
}
