/** Next actions are data in the core; the CLI writes them as command lines that its own parser accepts. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandLine, FLAG_OF_INPUT } from '../../../src/cli/nextActions';
import { WORKFLOWS } from '../../../src/core/workflows/catalog';
import { jsonSchemaOf } from '../../../src/core/workflows/shared/inputPlan';

describe('next actions in the CLI', () => {
  it('renders runs, calls, overrides and fixes as command lines', () => {
    assert.equal(
      commandLine({ kind: 'run', label: 'Regenerate with tighter constraints', workflow: 'generate', inputs: { start_date: '2027-01-04', end_date: '2027-01-10', tighten: true } }),
      'Regenerate with tighter constraints: sched-orch run generate --from 2027-01-04 --to 2027-01-10 --tighten',
    );
    assert.equal(
      commandLine({ kind: 'run', label: 'Re-run with every tier', workflow: 'resilience', mode: 'deep' }),
      'Re-run with every tier: sched-orch run resilience --mode deep',
    );
    assert.equal(
      commandLine({ kind: 'call', label: 'Undo', capability: 'rollback_swap', args: { swap_id: 's-1', expected_data_version: 7 }, writes: true }),
      `Undo: sched-orch call rollback_swap --args '{"actor":"<you>","swap_id":"s-1","expected_data_version":7}'`,
    );
    assert.match(commandLine({ kind: 'override', label: 'Override' }), /--approve --reason "\.\.\." --override/);
    assert.equal(
      commandLine({ kind: 'fix', label: 'Resolve 2 blocking issue(s), then re-run', then: { workflow: 'compliance' } }),
      'Resolve 2 blocking issue(s), then re-run: sched-orch run compliance',
    );
    assert.equal(
      commandLine({ kind: 'run', label: 'Check', workflow: 'compliance', inputs: { schedule_id: "it's" } }),
      `Check: sched-orch run compliance --schedule-id 'it'\\''s'`,
    );
  });
});

describe('input plans', () => {
  for (const module of WORKFLOWS) {
    it(`${module.definition.id}: the plan and the JSON Schema name the same inputs, and every input has a CLI flag`, () => {
      const schema = jsonSchemaOf(module.inputSchema) as { properties: Record<string, unknown>; required?: string[] };
      const planned = module.inputPlan.fields.map((f) => f.key).sort();
      assert.deepEqual(planned, Object.keys(schema.properties).sort());
      assert.deepEqual(
        module.inputPlan.fields
          .filter((f) => f.required)
          .map((f) => f.key)
          .sort(),
        [...(schema.required ?? [])].sort(),
      );
      for (const key of planned) assert.ok(FLAG_OF_INPUT[key], `${key} has a flag`);
    });
  }
});
