/** The names of the locks generation runs hold (one per schedule). */
export const GENERATION_LOCK_PREFIX = 'generation:';

export function generationLockName(scheduleId: string): string {
  return `${GENERATION_LOCK_PREFIX}${scheduleId}`;
}
