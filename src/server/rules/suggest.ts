/**
 * Turns "move this shift to someone else" into "move it to Dr X (r-07)": for the most
 * severe findings, looks for a person who could take the shift without breaking a rule.
 */
import type { Person } from '../domain/program';
import type { ScheduleSnapshot, Shift } from '../domain/snapshot';
import type { EligibilityIndex } from './eligibility';
import type { Finding } from './findings';
import type { RuleKey } from './ruleIds';

/** Findings fixed by moving their first assignment to another person. */
const MOVABLE: ReadonlySet<RuleKey> = new Set([
  'weekly_hours',
  'call_frequency',
  'continuous_duty',
  'rest_after_call',
  'rest_between_shifts',
  'local_rest_after_call',
  'one_day_in_seven',
  'local_max_consecutive_duty_days',
  'local_max_consecutive_nights',
  'double_booking',
  'leave_overlap',
  'credential_mismatch',
]);

// Who could take a shift is a function of the snapshot (the store hands out one per data
// version and range): runs over it with other rule sets (validate_schedule, detect_conflicts)
// ask about the same shifts, and each question re-runs the person rules for many people.
const asked = new WeakMap<ScheduleSnapshot, Map<string, Person[]>>();

function substitutes(index: EligibilityIndex, shift: Shift, role: Person['role'], options: { exclude?: ReadonlySet<string>; limit: number }): Person[] {
  let perSnapshot = asked.get(index.snapshot);
  if (!perSnapshot) asked.set(index.snapshot, (perSnapshot = new Map()));
  const key = `${shift.assignmentId}|${shift.personId}|${shift.role}|${role}|${[...(options.exclude ?? [])].sort().join(',')}|${options.limit}`;
  let found = perSnapshot.get(key);
  if (!found) perSnapshot.set(key, (found = index.substitutes(shift, role, options)));
  return found;
}

export function suggestFixes(index: EligibilityIndex, findings: Finding[], max: number): void {
  const snap = index.snapshot;
  const byId = new Map<string, Shift>(snap.shifts.map((s) => [s.assignmentId, s]));
  let done = 0;
  for (const f of findings) {
    if (done >= max) break;
    if (MOVABLE.has(f.key) && f.personId && f.assignmentIds[0]) {
      const shift = byId.get(f.assignmentIds[0]);
      const person = snap.peopleById.get(f.personId);
      // Moonlighting is dropped, not handed over.
      if (!shift || !person || shift.kind === 'moonlighting') continue;
      done++;
      const [first, ...others] = substitutes(index, shift, person.role, { exclude: new Set([person.id]), limit: 3 });
      if (!first) {
        f.suggestedFix += '; nobody else is free to take it without breaking a rule, so reduce the work instead';
        continue;
      }
      const to = `${first.name} (${first.id})`;
      f.suggestedFix = f.suggestedFix.includes('to someone else')
        ? f.suggestedFix.replace('to someone else', `to ${to}`)
        : `${f.suggestedFix}; ${to} could take the ${shift.date} ${shift.shiftTypeId} shift`;
      if (others.length) f.suggestedFix += ` (also free: ${others.map((p) => p.id).join(', ')})`;
      f.details = { ...f.details, substitutes: [first, ...others].map((p) => p.id) };
    } else if (f.key === 'coverage_minimum') {
      const d = f.details as { service_id: string; shift_type_id: string; date: string; group: 'residents' | 'faculty' };
      done++;
      const shift = index.hypotheticalShift('-', d.service_id, d.shift_type_id, d.date);
      const people = substitutes(index, shift, d.group === 'residents' ? 'resident' : 'faculty', { limit: Math.max(3, f.excess) });
      if (people.length === 0) {
        f.suggestedFix += ': nobody eligible is free on that date without breaking a rule; consider moonlighting or an external locum';
      } else {
        f.suggestedFix += `, e.g. ${people.map((p) => `${p.name} (${p.id})`).join(', ')}`;
        f.details = { ...f.details, substitutes: people.map((p) => p.id) };
      }
    }
  }
}
