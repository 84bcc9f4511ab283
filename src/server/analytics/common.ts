/**
 * What every analytics result carries: where the numbers came from (schedule id and data
 * version, or the caller's own series) and whether inputs were missing. Missing inputs are
 * named, never filled in, so the orchestrator can lower its confidence.
 */
import { z } from 'zod';
import { ToolError } from '../domain/errors';
import type { Person } from '../domain/program';
import type { ScheduleSnapshot } from '../domain/snapshot';
import type { CoverageModel } from './coverage';

export const dataQualityShape = z.object({
  low_data: z.boolean(),
  missing_inputs: z.array(z.string()),
});
export type DataQuality = z.infer<typeof dataQualityShape>;

export const baseOutput = {
  schedule_id: z.string().nullable(),
  data_version: z.number().nullable(),
  period_start: z.string().nullable(),
  period_end: z.string().nullable(),
  data_source: z.enum(['schedule', 'caller']),
  data_quality: dataQualityShape,
};

export interface BaseFields {
  schedule_id: string | null;
  data_version: number | null;
  period_start: string | null;
  period_end: string | null;
  data_source: 'schedule' | 'caller';
  data_quality: DataQuality;
}

export function quality(missing: Iterable<string>): DataQuality {
  const list = [...new Set(missing)];
  return { low_data: list.length > 0, missing_inputs: list };
}

export function baseFields(snapshot: ScheduleSnapshot | null, missing: Iterable<string>): BaseFields {
  return {
    schedule_id: snapshot ? snapshot.schedule.id : null,
    data_version: snapshot ? snapshot.dataVersion : null,
    period_start: snapshot ? snapshot.range.start : null,
    period_end: snapshot ? snapshot.range.end : null,
    data_source: snapshot ? 'schedule' : 'caller',
    data_quality: quality(missing),
  };
}

export function activePeople(snapshot: ScheduleSnapshot, role?: Person['role']): Person[] {
  return snapshot.people.filter((p) => p.active && (role === undefined || p.role === role));
}

/** One resident (by id, unknown ids are NOT_FOUND), or every active resident for "all" or none. */
export function residentIds(snap: ScheduleSnapshot, residentId: string | undefined): string[] {
  if (residentId && residentId !== 'all') {
    const p = snap.peopleById.get(residentId);
    if (!p) throw new ToolError(`unknown resident id: ${residentId}`, 'NOT_FOUND');
    return [p.id];
  }
  return activePeople(snap, 'resident').map((p) => p.id);
}

/** The inputs a coverage-based analysis lacks: coverage rules, required slots, assignments. */
export function coverageGaps(snap: ScheduleSnapshot, model: CoverageModel): string[] {
  const missing: string[] = [];
  if (snap.coverage.length === 0) missing.push('coverage rules (the program defines no required slots)');
  else if (model.slots.length === 0) missing.push('required slots in the range');
  if (snap.shifts.length === 0) missing.push('assignments in the range');
  return missing;
}

/** Wellbeing inputs a schedule cannot contain; an empty list counts as missing (it carries no signal). */
export type WellbeingInput = 'surveys' | 'sickCalls' | 'swapRequests' | 'burnout';

export function hasWellbeing(snapshot: ScheduleSnapshot, input: WellbeingInput): boolean {
  return (snapshot.wellbeing?.[input].length ?? 0) > 0;
}

export function wellbeingName(input: WellbeingInput): string {
  return `wellbeing.${input}`;
}

export type BurnoutStatus = 'burned_out' | 'at_risk' | 'healthy';

/** Burnout status per person from the wellbeing section (the last record of a person wins). */
export function burnoutStatuses(snapshot: ScheduleSnapshot): Map<string, { status: BurnoutStatus; onset?: string }> {
  const out = new Map<string, { status: BurnoutStatus; onset?: string }>();
  for (const b of snapshot.wellbeing?.burnout ?? []) out.set(b.personId, { status: b.status, ...(b.onset ? { onset: b.onset } : {}) });
  return out;
}
