import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { OrchestratorError } from '../../../src/core/errors';
import { CAPABILITIES, findCapability } from '../../../src/core/mcp/capabilities';
import { assertNotToolError, resultData, validateResult } from '../../../src/core/mcp/results';

const text = (t: string): CallToolResult => ({ content: [{ type: 'text', text: t }] });
const schemaOf = (name: string) => {
  const spec = findCapability(name);
  assert.ok(spec, name);
  return spec.result;
};

describe('resultData', () => {
  it('prefers structuredContent over text', () => {
    assert.deepEqual(resultData({ content: [{ type: 'text', text: '{"a":1}' }], structuredContent: { a: 2 } }), { a: 2 });
  });
  it('parses a JSON object from text content', () => {
    assert.deepEqual(resultData(text('{"is_valid":true,"issues":[]}')), { is_valid: true, issues: [] });
  });
  it('wraps a JSON array as { result }', () => {
    assert.deepEqual(resultData(text('[1,2]')), { result: [1, 2] });
  });
  it('passes plain text on as { text }', () => {
    assert.deepEqual(resultData(text('Echo: hi')), { text: 'Echo: hi' });
    assert.deepEqual(resultData({ content: [] }), { text: '' });
  });
});

describe('assertNotToolError', () => {
  it('throws a tool_error with the server text, shortened', () => {
    const long = 'x'.repeat(2000);
    assert.throws(
      () => assertNotToolError('publish_draft_tool', { isError: true, content: [{ type: 'text', text: `CONFLICT: draft changed\n${long}` }] }),
      (error: unknown) => {
        assert.ok(error instanceof OrchestratorError);
        assert.equal(error.kind, 'tool_error');
        assert.equal(error.tool, 'publish_draft_tool');
        assert.match(error.message, /^publish_draft_tool reported an error: CONFLICT: draft changed x+…$/);
        assert.ok(error.message.length < 600);
        return true;
      },
    );
    assert.doesNotThrow(() => assertNotToolError('t', text('{}')));
  });
});

describe('capability result schemas', () => {
  it('accept the real server’s result shapes with extra fields', () => {
    const validate = validateResult('validate_schedule_tool', schemaOf('validate_schedule'), {
      is_valid: false,
      overall_compliance_rate: 0.8,
      total_issues: 1,
      issues: [{ severity: 'critical', rule_type: 'unknown', person_id: null, role: null, date_range: null, message: 'm', details: {}, suggested_fix: null }],
      validated_at: '2026-01-01T00:00:00Z',
      date_range: ['2026-01-01', '2026-01-28'],
    });
    assert.equal((validate['issues'] as unknown[]).length, 1);
    assert.equal(validate['validated_at'], '2026-01-01T00:00:00Z', 'extra fields pass through');
    validateResult('x', schemaOf('run_contingency_analysis_deep'), {
      n1_pass: false,
      n1_vulnerabilities: [{ faculty_id: 'f1', severity: 'critical' }],
      n2_pass: true,
      n2_fatal_pairs: [],
      severity: 'critical',
    });
    validateResult('x', schemaOf('get_unified_critical_index'), { overall_index: 42.5, risk_level: 'moderate', total_faculty: 25 });
    validateResult('x', schemaOf('check_utilization_threshold'), { level: 'yellow', utilization_rate: 0.75, severity: 'warning' });
    validateResult('x', schemaOf('analyze_swap_candidates'), { candidates: [{ candidate_person_id: 'faculty-008', match_score: 0.91 }], top_candidate_id: 'faculty-008' });
  });

  it('reject a result missing what a workflow relies on, naming the path', () => {
    assert.throws(
      () => validateResult('detect_conflicts_tool', schemaOf('detect_conflicts'), { total_conflicts: 2, conflicts: [{ severity: 'critical' }, { severity: 'high' }] }),
      (error: unknown) => error instanceof OrchestratorError && error.kind === 'invalid_result' && /at conflicts\.1\.severity/.test(error.message),
    );
    assert.throws(
      () => validateResult('get_unified_critical_index_tool', schemaOf('get_unified_critical_index'), { risk_level: 'high' }),
      (error: unknown) => error instanceof OrchestratorError && /at overall_index/.test(error.message),
    );
  });

  it('cover every capability the workflows need, with the project-known writers flagged', () => {
    const writers = CAPABILITIES.filter((c) => c.writes).map((c) => c.name);
    assert.deepEqual(writers.sort(), [
      'approve_swap',
      'execute_swap',
      'generate_schedule',
      'publish_draft',
      'record_swap_consent',
      'request_swap',
      'rollback_publish',
      'rollback_swap',
    ]);
    assert.equal(new Set(CAPABILITIES.map((c) => c.name)).size, CAPABILITIES.length, 'names are unique');
  });
});
