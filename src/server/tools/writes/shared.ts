/** What the write tools share: annotations, the actor and expected-version arguments, and the metrics shape of generated schedules. */
import { z } from 'zod';
import type { ScheduleMetrics } from '../../generation/metrics';
import type { ToolAnnotations } from '../defineTool';

/** Writes a draft or a request: changes data, destroys nothing. */
export const WRITE: ToolAnnotations = { readOnlyHint: false, destructiveHint: false, idempotentHint: false };
/** Replaces or restores schedule data. */
export const DESTRUCTIVE: ToolAnnotations = { readOnlyHint: false, destructiveHint: true, idempotentHint: false };

export const actorArg = z.string().trim().min(1).max(100).describe('Who makes the change (recorded in the audit log).');
export const versionArg = z.number().int().min(0).describe('The data_version the caller last read; the write is refused with CONFLICT when the data changed since.');

export const issueOut = z.object({ code: z.string(), message: z.string() });

export const metricsOut = z.object({
  hard_violations: z.number().int().describe('Critical and warning-level rule breaches found by the rule engine (must be 0).'),
  warnings: z.number().int().describe('Advisory findings: approaching the hour limit, less than 8 hours between shifts (VI.F.2.a "should").'),
  warnings_by_rule: z.record(z.string(), z.number().int()),
  violations_by_rule: z.record(z.string(), z.number().int()),
  violation_examples: z.array(z.string()),
  coverage: z.object({ rate: z.number(), required: z.number().int(), filled: z.number().int(), complete: z.boolean() }),
  equity: z.record(
    z.string(),
    z.object({
      people: z.number().int(),
      gini_hours: z.number(),
      gini_hours_per_available_day: z.number(),
      gini_calls: z.number(),
      gini_weekends: z.number(),
      mean_hours: z.number(),
      min_hours: z.number(),
      max_hours: z.number(),
    }),
  ),
  changes: z.object({ added: z.number().int(), removed: z.number().int(), total: z.number().int(), people_affected: z.number().int() }),
});

export function metricsResult(m: ScheduleMetrics): z.infer<typeof metricsOut> {
  return { ...m, equity: { ...m.equity } as z.infer<typeof metricsOut>['equity'] };
}
