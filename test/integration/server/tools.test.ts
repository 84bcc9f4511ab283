import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { generateProgram } from '../../../src/server/program/generate';
import { inMemoryServer, someResidentShift, validCalls, type InMemoryServer } from '../../support/server/client';

const READ_TOOLS = Object.keys(validCalls({ personId: 'x', assignmentId: 'y' }));

function structured<T = Record<string, unknown>>(result: unknown): T {
  const r = result as CallToolResult;
  assert.notEqual(r.isError, true, `tool error: ${JSON.stringify(r.content)}`);
  return r.structuredContent as T;
}

/** A bad call either fails input validation (JSON-RPC error) or returns isError: both are fine, a crash is not. */
async function expectToolError(server: InMemoryServer, name: string, args: Record<string, unknown>, message: RegExp): Promise<void> {
  let text: string;
  try {
    const result = (await server.client.callTool({ name, arguments: args })) as CallToolResult;
    assert.equal(result.isError, true, `expected an error from ${name}(${JSON.stringify(args)})`);
    text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join(' ');
  } catch (error) {
    text = (error as Error).message;
  }
  assert.match(text, message);
}

async function readJson(server: InMemoryServer, uri: string): Promise<Record<string, unknown> & { covered: boolean }> {
  const content = (await server.client.readResource({ uri })).contents[0]!;
  assert.ok('text' in content);
  return JSON.parse(content.text) as Record<string, unknown> & { covered: boolean };
}

describe('bundled server over MCP (in-process)', () => {
  let server: InMemoryServer;
  let calls: Record<string, Record<string, unknown>>;
  before(async () => {
    server = await inMemoryServer();
    calls = validCalls(await someResidentShift(server.client));
  });
  after(() => server.close());

  it('lists every read tool with truthful annotations and an output schema', async () => {
    const { tools } = await server.client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    for (const name of READ_TOOLS) {
      const tool = byName.get(name);
      assert.ok(tool, `missing ${name}`);
      assert.ok(name.endsWith('_tool'));
      assert.equal(tool.annotations?.readOnlyHint, true);
      assert.equal(tool.annotations?.destructiveHint, false);
      assert.equal(tool.annotations?.idempotentHint, true);
      assert.equal(tool.outputSchema?.type, 'object');
    }
  });

  it('answers every read tool with the contract fields plus schedule_id and data_version', async () => {
    for (const [name, args] of Object.entries(calls)) {
      const out = structured(await server.client.callTool({ name, arguments: args }));
      assert.equal(out.data_version, 1, name);
      if (name !== 'list_people_tool') assert.equal(out.schedule_id, 'block-2027-01-04', name);
    }
  });

  it('validate_schedule_tool reports the sample findings with the real field names', async () => {
    const out = structured<{
      is_valid: boolean;
      critical_issues: number;
      issues: { rule_type: string; severity: string; suggested_fix: string | null; date_range: string[] }[];
      date_range: string[];
    }>(await server.client.callTool({ name: 'validate_schedule_tool', arguments: calls.validate_schedule_tool }));
    assert.equal(out.is_valid, false);
    assert.deepEqual(out.date_range, ['2027-01-04', '2027-01-31']);
    const f = out.issues.find((i) => i.rule_type === 'VI.F.1')!;
    assert.equal(f.severity, 'critical');
    assert.match(f.suggested_fix!, /remove .* h from r-/);
    assert.ok(out.issues.some((i) => i.rule_type === 'VI.F.2.b'));
    const hoursOnly = structured<{ issues: { rule_type: string }[] }>(
      await server.client.callTool({
        name: 'validate_schedule_tool',
        arguments: {
          ...calls.validate_schedule_tool,
          check_supervision: false,
          check_rest_periods: false,
          check_consecutive_duty: false,
          check_coverage: false,
          check_conflicts: false,
        },
      }),
    );
    assert.deepEqual([...new Set(hoursOnly.issues.map((i) => i.rule_type))], ['VI.F.1']);
  });

  it('quick validation checks only the 80-hour rule and coverage', async () => {
    const out = structured<{ mode: string; issues: { rule_key: string }[] }>(
      await server.client.callTool({ name: 'quick_validate_schedule_tool', arguments: calls.quick_validate_schedule_tool }),
    );
    assert.equal(out.mode, 'quick');
    assert.deepEqual([...new Set(out.issues.map((i) => i.rule_key))].sort(), ['coverage_minimum', 'weekly_hours']);
  });

  it('detect_conflicts_tool groups conflicts by the six types and filters by type', async () => {
    const all = structured<{ total_conflicts: number; conflicts_by_type: Record<string, number>; conflicts: { conflict_type: string }[] }>(
      await server.client.callTool({ name: 'detect_conflicts_tool', arguments: calls.detect_conflicts_tool }),
    );
    assert.deepEqual(Object.keys(all.conflicts_by_type).sort(), [
      'credential_mismatch',
      'double_booking',
      'leave_overlap',
      'rest_period_violation',
      'supervision_gap',
      'work_hour_violation',
    ]);
    assert.ok(all.conflicts_by_type.work_hour_violation! >= 1 && all.conflicts_by_type.rest_period_violation! >= 1);
    const only = structured<{ conflicts: { conflict_type: string }[] }>(
      await server.client.callTool({ name: 'detect_conflicts_tool', arguments: { ...calls.detect_conflicts_tool, conflict_types: ['credential_mismatch'] } }),
    );
    assert.ok(only.conflicts.length >= 1 && only.conflicts.every((c) => c.conflict_type === 'credential_mismatch'));
  });

  it('computes utilization and defense level from the schedule, or from the arguments', async () => {
    const fromSchedule = structured<{ source: string; level: string; required_blocks: number; available_faculty: number }>(
      await server.client.callTool({ name: 'check_utilization_threshold_tool', arguments: calls.check_utilization_threshold_tool }),
    );
    assert.equal(fromSchedule.source, 'schedule');
    assert.ok(fromSchedule.required_blocks > 0 && fromSchedule.available_faculty > 0);
    const fromArgs = structured<{ level: string; utilization_rate: number; schedule_id: null }>(
      await server.client.callTool({ name: 'check_utilization_threshold_tool', arguments: { available_faculty: 10, required_blocks: 19 } }),
    );
    assert.deepEqual([fromArgs.level, fromArgs.utilization_rate, fromArgs.schedule_id], ['black', 0.95, null]);
    const defense = structured<{ recommended_level: string; escalation_needed: boolean }>(
      await server.client.callTool({ name: 'get_defense_level_tool', arguments: { coverage_rate: 0.75 } }),
    );
    assert.deepEqual([defense.recommended_level, defense.escalation_needed], ['containment', true]);
  });

  it('runs a real N-1/N-2 analysis and finds swap candidates that keep both sides within the rules', async () => {
    const contingency = structured<{ n1_vulnerabilities: unknown[]; period_start: string; period_end: string; severity: string }>(
      await server.client.callTool({ name: 'run_contingency_analysis_resilience_tool', arguments: {} }),
    );
    // Default period: "today" (2027-01-11) + 27 days, clipped to the schedule.
    assert.deepEqual([contingency.period_start, contingency.period_end], ['2027-01-11', '2027-01-31']);
    assert.ok(contingency.n1_vulnerabilities.length > 0);
    const swaps = structured<{ candidates: { match_score: number; swap_type: string; candidate_person_id: string }[]; top_candidate_id: string | null }>(
      await server.client.callTool({ name: 'analyze_swap_candidates_tool', arguments: calls.analyze_swap_candidates_tool }),
    );
    assert.ok(swaps.candidates.length > 0);
    assert.ok(swaps.candidates.every((c) => c.match_score >= 0 && c.match_score <= 1 && c.candidate_person_id.startsWith('r-')));
    assert.equal(swaps.top_candidate_id, swaps.candidates[0]!.candidate_person_id);
  });

  it('answers bad input with a clear tool error, never a crash', async () => {
    await expectToolError(server, 'validate_schedule_tool', { start_date: '2027-01-31', end_date: '2027-01-04' }, /before start_date/);
    await expectToolError(server, 'validate_schedule_tool', { start_date: '2027-01-01', end_date: '2028-01-03' }, /at most 366 days/);
    await expectToolError(server, 'validate_schedule_tool', { start_date: '2027-02-30', end_date: '2027-03-01' }, /real date/);
    await expectToolError(server, 'validate_schedule_tool', { start_date: 20270104, end_date: '2027-01-31' }, /string|Invalid/);
    await expectToolError(server, 'validate_schedule_tool', { start_date: '2030-01-01', end_date: '2030-01-31' }, /NOT_FOUND: no published schedule covers/);
    await expectToolError(server, 'validate_schedule_by_id_tool', { schedule_id: 'nope' }, /unknown schedule id "nope"/);
    await expectToolError(server, 'validate_schedule_by_id_tool', { schedule_id: "x'; DROP TABLE people;--" }, /ids use letters/);
    await expectToolError(server, 'analyze_swap_candidates_tool', { requester_person_id: 'r-001', assignment_id: 'missing' }, /no assignment "missing"/);
    await expectToolError(server, 'analyze_swap_candidates_tool', { ...calls.analyze_swap_candidates_tool, max_candidates: 500 }, /50|too_big|less than/i);
    await expectToolError(server, 'analyze_swap_candidates_tool', { ...calls.analyze_swap_candidates_tool, requester_person_id: 'f-001' }, /belongs to/);
    await expectToolError(server, 'get_assignments_tool', { start_date: '2027-01-04', end_date: '2027-01-05', person_id: 'ghost' }, /unknown person id "ghost"/);
    await expectToolError(server, 'check_utilization_threshold_tool', { available_faculty: -1, required_blocks: 3 }, /greater than or equal|too_small|>=/i);
    // Still serving.
    structured(await server.client.callTool({ name: 'get_schedule_status_tool', arguments: {} }));
  });

  it('reports the new data version after a write', async () => {
    server.store.write('test', 'touch', undefined, (tx) => tx.updateSchedule('block-2027-01-04', { lockedThrough: '2027-01-06' }));
    const status = structured<{ data_version: number; locked_through: string; last_change: { actor: string } }>(
      await server.client.callTool({ name: 'get_schedule_status_tool', arguments: {} }),
    );
    assert.deepEqual([status.data_version, status.locked_through, status.last_change.actor], [2, '2027-01-06', 'test']);
  });

  it('serves schedule://status and schedule://compliance with the real range forms', async () => {
    const templates = await server.client.listResourceTemplates();
    // The real server's two templates, plus the stored things results link to (src/server/tools/storedResources.ts).
    assert.deepEqual(templates.resourceTemplates.map((t) => t.uriTemplate).sort(), [
      'schedule://compliance/{date_range}',
      'schedule://people/{person_id}/schedule',
      'schedule://schedules/{schedule_id}',
      'schedule://status/{date_range}',
      'schedule://swaps/{swap_id}',
    ]);
    const status = await readJson(server, 'schedule://status/week');
    assert.deepEqual([status.covered, status.date_range], [true, ['2027-01-11', '2027-01-17']]);
    const compliance = await readJson(server, 'schedule://compliance/2027-01-04:2027-01-31');
    assert.equal(compliance.is_valid, false);
    assert.ok((compliance.top_issues as unknown[]).length > 0);
    const outside = await readJson(server, 'schedule://status/2031-01-01:2031-01-02');
    assert.equal(outside.covered, false);
  });
});

describe('long tools: progress and cancellation', () => {
  let server: InMemoryServer;
  before(async () => {
    server = await inMemoryServer({ program: generateProgram({ residentsPerPgy: 8, faculty: 12, weeks: 12, seed: 5 }), now: Date.parse('2027-01-04T08:00:00Z') });
  });
  after(() => server.close());

  it('sends progress notifications while validating', async () => {
    const seen: number[] = [];
    await server.client.callTool({ name: 'validate_schedule_tool', arguments: { start_date: '2027-01-04', end_date: '2027-03-28' } }, undefined, {
      onprogress: (p) => seen.push(p.progress),
    });
    assert.ok(seen.length >= 1, 'no progress received');
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
    );
  });

  it('stops when the client cancels, and keeps serving', async () => {
    const controller = new AbortController();
    const call = server.client.callTool(
      { name: 'run_contingency_analysis_resilience_tool', arguments: { critical_faculty_only: false, start_date: '2027-01-04', end_date: '2027-03-28' } },
      undefined,
      { signal: controller.signal, onprogress: () => controller.abort() },
    );
    await assert.rejects(call, /abort|cancel/i);
    // The server noticed: the handler ended with a CANCELLED tool error (not logged as a failure).
    await new Promise((r) => setTimeout(r, 50));
    assert.doesNotMatch(server.logger.text(), /tool run_contingency_analysis_resilience_tool failed/);
    structured(await server.client.callTool({ name: 'get_schedule_status_tool', arguments: {} }));
  });
});
