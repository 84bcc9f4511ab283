/**
 * The personal conflicts: double booking, shifts during blocking leave, shifts the person
 * is not eligible for, and PGY-1 moonlighting.
 */
import { defaultBlocking, type Person } from '../domain/program';
import type { Shift } from '../domain/snapshot';
import { HOUR_MS } from '../domain/time';
import { fmtHours, type FindingInput } from './findings';
import type { PersonRuleContext } from './person';
import { label, who } from './personText';

export function moonlighting(person: Person, shifts: readonly Shift[], out: FindingInput[]): void {
  for (const s of shifts) {
    if (s.kind !== 'moonlighting') continue;
    out.push({
      key: 'moonlighting_pgy1',
      severity: 'critical',
      personId: person.id,
      startMs: s.startMs,
      endMs: s.endMs,
      measured: s.countedHours,
      limit: 0,
      excess: s.countedHours,
      unit: 'hours',
      message: `${who(person)} is a PGY-1 resident scheduled to moonlight on ${s.date}`,
      suggestedFix: `remove the ${label(s)}: PGY-1 residents may not moonlight`,
      assignmentIds: [s.assignmentId],
    });
  }
}

export function doubleBooking(person: Person, shifts: readonly Shift[], out: FindingInput[]): void {
  let latest: Shift | undefined;
  for (const s of shifts) {
    if (latest && s.startMs < latest.endMs) {
      const overlap = (Math.min(latest.endMs, s.endMs) - s.startMs) / HOUR_MS;
      out.push({
        key: 'double_booking',
        severity: 'critical',
        personId: person.id,
        subject: s.assignmentId,
        startMs: s.startMs,
        endMs: Math.min(latest.endMs, s.endMs),
        measured: overlap,
        limit: 0,
        excess: overlap,
        unit: 'hours',
        message: `${who(person)} is booked on two overlapping shifts: ${label(latest)} and ${label(s)} (${fmtHours(overlap)} overlap)`,
        suggestedFix: `move the ${label(s)} to someone else`,
        assignmentIds: [s.assignmentId, latest.assignmentId],
      });
    }
    if (!latest || s.endMs > latest.endMs) latest = s;
  }
}

export function leaveOverlap(ctx: PersonRuleContext, person: Person, shifts: readonly Shift[], out: FindingInput[]): void {
  const blocking = ctx.absences.filter((a) => a.personId === person.id && defaultBlocking(a));
  if (blocking.length === 0) return;
  for (const s of shifts) {
    const a = blocking.find((x) => x.start <= s.date && s.date <= x.end);
    if (!a) continue;
    out.push({
      key: 'leave_overlap',
      severity: 'warning',
      personId: person.id,
      subject: s.assignmentId,
      startMs: s.startMs,
      endMs: s.endMs,
      measured: 1,
      limit: 0,
      excess: 1,
      unit: 'shifts',
      message: `${who(person)} is scheduled for the ${label(s)} during ${a.type} leave ${a.start}..${a.end}`,
      suggestedFix: `move the ${label(s)} to someone who is not on leave`,
      assignmentIds: [s.assignmentId],
      details: { absence_id: a.id, absence_type: a.type },
    });
  }
}

export function eligibility(ctx: PersonRuleContext, person: Person, shifts: readonly Shift[], out: FindingInput[]): void {
  for (const s of shifts) {
    const reason = ineligibility(ctx, person, s);
    if (!reason) continue;
    out.push({
      key: 'credential_mismatch',
      severity: 'warning',
      personId: person.id,
      subject: s.assignmentId,
      startMs: s.startMs,
      endMs: s.endMs,
      measured: 1,
      limit: 0,
      excess: 1,
      unit: 'shifts',
      message: `${who(person)} is assigned the ${label(s)} but ${reason}`,
      suggestedFix: `move the ${label(s)} to an eligible person`,
      assignmentIds: [s.assignmentId],
    });
  }
}

/** Why a person may not work a shift of this service and type at all (static eligibility). */
export function ineligibility(ctx: Pick<PersonRuleContext, 'services' | 'coverageFor'>, person: Person, shift: Shift): string | undefined {
  if (!person.active) return 'is not active';
  const service = ctx.services.get(shift.serviceId);
  if (person.services && !person.services.includes(shift.serviceId)) return `is not cleared for service ${shift.serviceId}`;
  if (service?.requiredCredential && !person.credentials.includes(service.requiredCredential)) {
    return `lacks the "${service.requiredCredential}" credential that ${shift.serviceId} requires`;
  }
  const rule = ctx.coverageFor(shift);
  if (rule && person.role === 'resident' && rule.residents.pgy && !rule.residents.pgy.includes(person.pgy ?? 0)) {
    return `is PGY-${person.pgy} and the slot takes PGY ${rule.residents.pgy.join('/')}`;
  }
  if (rule && person.role === 'resident' && rule.residents.max === 0) return 'the slot is for faculty only';
  if (rule && person.role === 'faculty' && rule.faculty.max === 0) return 'the slot is for residents only';
  return undefined;
}
