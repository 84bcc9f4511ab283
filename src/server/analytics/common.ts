/**
 * What every analytics result carries: where the numbers came from (schedule id and data
 * version, or the caller's own series) and whether inputs were missing. Missing inputs are
 * named, never filled in, so the orchestrator can lower its confidence.
 */
import { z } from 'zod';
import type { Person } from '../domain/program';
import type { ScheduleSnapshot } from '../domain/snapshot';

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
