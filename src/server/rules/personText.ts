/** How findings about one person name people, shifts and times. */
import type { Person } from '../domain/program';
import type { Shift } from '../domain/snapshot';

export function label(s: Shift): string {
  return `${s.date} ${s.shiftTypeId} shift (${s.assignmentId})`;
}

export function who(p: Person): string {
  return `${p.name} (${p.id}${p.pgy ? `, PGY-${p.pgy}` : ''})`;
}

export function dateTimeText(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}
