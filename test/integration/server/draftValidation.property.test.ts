/**
 * Property: generation and validation agree by construction. For random programs from the
 * sample generator and ranges of one to eight weeks, a greedy draft written by
 * generate_schedule_tool and then checked by validate_schedule_by_id_tool shows exactly the
 * hard violations the generator reported (none, for these programs): the validator judges
 * the draft inside its published schedule, by every 28-day window overlapping it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { addDays } from '../../../src/server/domain/time';
import { isHardViolation } from '../../../src/server/generation/metrics';
import type { Severity } from '../../../src/server/rules/findings';
import type { RuleKey } from '../../../src/server/rules/ruleIds';
import { randomProgram } from '../../support/generation/fixtures';
import { inMemoryServer } from '../../support/server/client';

const WEEKS = 10;

interface Generated {
  draft_id: string;
  date_range: [string, string];
  metrics: { hard_violations: number; violations_by_rule: Record<string, number> };
}

interface ValidatedById {
  schedule_id: string;
  critical_count: number;
  issues: { severity: Severity; constraint_name: string }[];
  issues_truncated: boolean;
  metadata: { date_range: [string, string] };
  context: { start: string; end: string; schedule_id: string }[];
}

describe('property: a draft the generator reports as compliant is not flagged by validate_schedule_by_id_tool', () => {
  it('holds for random programs and ranges of 1-8 weeks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: WEEKS - 1 }), async (seed, weeks, offset) => {
        const program = randomProgram(seed, { residentsPerPgy: 4, faculty: 6, weeks: WEEKS });
        const schedule = program.schedules[0]!;
        const firstWeek = Math.min(offset, WEEKS - weeks);
        const range = { start: addDays(schedule.start, 7 * firstWeek), end: addDays(schedule.start, 7 * (firstWeek + weeks) - 1) };
        const server = await inMemoryServer({ program, now: Date.parse(`${schedule.start}T08:00:00Z`) });
        try {
          const generated = (await server.client.callTool({
            name: 'generate_schedule_tool',
            arguments: {
              actor: 'property',
              expected_data_version: server.store.dataVersion(),
              algorithm: 'greedy',
              start_date: range.start,
              end_date: range.end,
              time_limit_seconds: 10,
            },
          })) as CallToolResult;
          // A program the generator cannot staff is reported with its reasons; nothing to compare.
          if (generated.isError) return;
          const draft = generated.structuredContent as unknown as Generated;
          const validated = (await server.client.callTool({
            name: 'validate_schedule_by_id_tool',
            arguments: { schedule_id: draft.draft_id, include_suggestions: false, max_issues: 5000 },
          })) as CallToolResult;
          assert.notEqual(validated.isError, true, JSON.stringify(validated.content));
          const out = validated.structuredContent as unknown as ValidatedById;
          assert.equal(out.schedule_id, draft.draft_id);
          assert.deepEqual(out.metadata.date_range, [range.start, range.end]);
          assert.equal(out.issues_truncated, false);
          const byRule: Record<string, number> = {};
          for (const issue of out.issues) {
            const key = issue.constraint_name.split(':')[0] as RuleKey;
            if (isHardViolation({ severity: issue.severity, key })) byRule[key] = (byRule[key] ?? 0) + 1;
          }
          assert.deepEqual(byRule, draft.metrics.violations_by_rule, `range ${range.start}..${range.end} of program ${seed}`);
          // The published schedule around the draft was read as context, and said so.
          const before = out.context.find((c) => c.end === addDays(range.start, -1));
          if (range.start > schedule.start) assert.equal(before?.schedule_id, schedule.id);
          else assert.equal(before, undefined);
        } finally {
          await server.close();
        }
      }),
      { numRuns: 8, seed: 20_271_203 },
    );
  });
});
