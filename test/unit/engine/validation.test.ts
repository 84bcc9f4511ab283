/** Every load-time validation error, each with a message naming what is wrong and where. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PhaseDefinition, StepDefinition, WorkflowDefinition } from '../../../src/core/engine/definition';
import { WorkflowValidationError, catalogOf, loadWorkflow, type ValidationCode } from '../../../src/core/engine/validate';
import { OrchestratorError } from '../../../src/core/errors';
import { anyInputs } from '../../support/engine/harness';

const catalog = catalogOf(['validate_schedule', 'detect_conflicts', 'run_spc_analysis', 'get_unified_critical_index'], ['apply_swap']);

const tool = (id: string, capability = 'validate_schedule', extra: Partial<StepDefinition> = {}): StepDefinition =>
  ({ kind: 'tool', id, capability, args: () => ({}), ...extra }) as StepDefinition;

function wf(phases: PhaseDefinition[], extra: Partial<WorkflowDefinition> = {}): WorkflowDefinition {
  return { id: 'wf', title: 'WF', version: 1, parseInputs: anyInputs, modes: { standard: {}, quick: {} }, defaultMode: 'standard', timeoutMs: 1000, phases, ...extra };
}

function issues(def: WorkflowDefinition): { code: ValidationCode; message: string }[] {
  try {
    loadWorkflow(def, catalog);
  } catch (error) {
    assert.ok(error instanceof WorkflowValidationError);
    assert.ok(error instanceof OrchestratorError && error.kind === 'validation');
    return [...error.issues];
  }
  assert.fail('expected a validation error');
}

function only(def: WorkflowDefinition, code: ValidationCode): string {
  const found = issues(def);
  assert.deepEqual(
    found.map((i) => i.code),
    [code],
    JSON.stringify(found),
  );
  return found[0]!.message;
}

describe('workflow validation', () => {
  it('accepts a well-formed workflow and derives dependencies and writer status', () => {
    const loaded = loadWorkflow(
      wf([
        { id: 'p1', title: 'P1', run: 'parallel', steps: [tool('a'), tool('b', 'detect_conflicts')] },
        {
          id: 'p2',
          title: 'P2',
          run: 'serial',
          steps: [
            { kind: 'approval', id: 'ok', title: 'Apply?', dependsOn: ['a', 'b'], request: () => ({ summary: 's' }) },
            tool('apply', 'apply_swap', { writes: true, dependsOn: ['ok'] }),
          ],
        },
      ]),
      catalog,
    );
    assert.equal(loaded.writes, true);
    assert.deepEqual(loaded.steps.get('apply')!.deps, ['ok']);
    assert.equal(loaded.steps.get('b')!.phaseIndex, 0);
  });

  it('names the path of a dependency cycle', () => {
    const message = only(
      wf([
        {
          id: 'p',
          title: 'P',
          run: 'parallel',
          steps: [tool('a', 'validate_schedule', { dependsOn: ['c'] }), tool('b', 'validate_schedule', { dependsOn: ['a'] }), tool('c', 'validate_schedule', { dependsOn: ['b'] })],
        },
      ]),
      'cycle',
    );
    assert.equal(message, 'cycle: a -> b -> c -> a');
  });

  it('reports a step that depends on itself as a cycle', () => {
    assert.equal(only(wf([{ id: 'p', title: 'P', run: 'parallel', steps: [tool('a', 'validate_schedule', { dependsOn: ['a'] })] }]), 'cycle'), 'cycle: a -> a');
  });

  it('reports a workflow that contains itself', () => {
    const innerSteps: StepDefinition[] = [tool('x')];
    const inner: WorkflowDefinition = wf([{ id: 'p', title: 'P', run: 'serial', steps: innerSteps }], { id: 'inner' });
    const outer = wf([{ id: 'p', title: 'P', run: 'serial', steps: [{ kind: 'workflow', id: 'sub', workflow: inner, inputs: () => ({}) }] }], { id: 'outer' });
    innerSteps.push({ kind: 'workflow', id: 'back', workflow: outer, inputs: () => ({}) });
    const found = issues(outer);
    assert.ok(
      found.some((i) => i.code === 'cycle' && i.message.includes('workflow outer -> inner -> outer')),
      JSON.stringify(found),
    );
  });

  it('rejects unknown capabilities, including in fallbacks', () => {
    const found = issues(
      wf([
        {
          id: 'p',
          title: 'P',
          run: 'serial',
          steps: [
            tool('a', 'validate_schedule_quick'),
            tool('b', 'validate_schedule', { fallback: { kind: 'tool', capability: 'quick_check', label: 'Quick' } } as Partial<StepDefinition>),
          ],
        },
      ]),
    );
    assert.deepEqual(
      found.map((i) => i.message),
      ['step a: unknown capability "validate_schedule_quick"', 'step b: unknown capability "quick_check"'],
    );
  });

  it('rejects a branch without a default', () => {
    const message = only(
      wf([
        {
          id: 'p',
          title: 'P',
          run: 'serial',
          steps: [tool('a'), { kind: 'branch', id: 'route', dependsOn: ['a'], choose: () => 'x', branches: { x: ['b'] } }, tool('b')],
        },
      ]),
      'branch_without_default',
    );
    assert.equal(message, 'branch route has no default branch');
  });

  it('rejects a write without an approval gate before it', () => {
    const message = only(wf([{ id: 'p', title: 'P', run: 'serial', steps: [tool('a'), tool('apply', 'apply_swap', { writes: true, dependsOn: ['a'] })] }]), 'missing_approval');
    assert.match(message, /^step apply writes but no approval gate comes before it/);
  });

  it('rejects an approval gate that gates no write', () => {
    const message = only(
      wf([{ id: 'p', title: 'P', run: 'serial', steps: [tool('a'), { kind: 'approval', id: 'ok', title: 'OK?', dependsOn: ['a'], request: () => ({ summary: '' }) }] }]),
      'approval_without_write',
    );
    assert.match(message, /approval ok gates no step that writes/);
  });

  it('rejects a writing capability used by a step that does not declare it', () => {
    const found = issues(wf([{ id: 'p', title: 'P', run: 'serial', steps: [tool('apply', 'apply_swap')] }]));
    assert.deepEqual(
      found.map((i) => i.code),
      ['undeclared_write'],
    );
  });

  it('reports steps that can never run', () => {
    const found = issues(
      wf(
        [
          {
            id: 'p',
            title: 'P',
            run: 'serial',
            steps: [
              tool('a'),
              { kind: 'branch', id: 'route', dependsOn: ['a'], choose: () => 'x', branches: { x: ['left'], y: ['right'] }, default: [] },
              tool('left', 'detect_conflicts'),
              tool('right', 'run_spc_analysis'),
              tool('both', 'get_unified_critical_index', { dependsOn: ['left', 'right'] }),
              tool('after', 'validate_schedule', { dependsOn: ['both'] }),
              tool('never', 'validate_schedule', { skipInModes: ['standard', 'quick'] }),
            ],
          },
        ],
        { modes: { standard: {}, quick: {} } },
      ),
    );
    assert.deepEqual(
      found.map((i) => `${i.code}: ${i.message}`),
      [
        'unreachable: step both can never run: it needs two different arms of branch route',
        'unreachable: step after can never run: it needs both, which is unreachable',
        'unreachable: step never can never run: every mode skips it',
      ],
    );
  });

  it('a hub joining two arms of a branch is reachable', () => {
    loadWorkflow(
      wf([
        {
          id: 'p',
          title: 'P',
          run: 'serial',
          steps: [
            tool('a'),
            { kind: 'branch', id: 'route', dependsOn: ['a'], choose: () => 'x', branches: { x: ['left'] }, default: ['right'] },
            tool('left', 'detect_conflicts'),
            tool('right', 'run_spc_analysis'),
            { kind: 'hub', id: 'join', inputs: ['left', 'right'], compute: () => ({}) },
          ],
        },
      ]),
      catalog,
    );
  });

  it('rejects unknown and forward dependencies, duplicate ids and bad ids', () => {
    const found = issues(
      wf([
        { id: 'p1', title: 'P1', run: 'serial', steps: [tool('a', 'validate_schedule', { dependsOn: ['b'] }), tool('x', 'validate_schedule', { dependsOn: ['ghost'] })] },
        { id: 'p2', title: 'P2', run: 'serial', steps: [tool('b'), tool('b'), tool('bad/id')] },
      ]),
    );
    const codes = found.map((i) => i.code).sort();
    assert.deepEqual(codes, ['duplicate_id', 'forward_dependency', 'invalid_id', 'unknown_dependency']);
    assert.ok(found.some((i) => i.message === 'step a depends on b, which runs after it (phase p2)'));
  });

  it('rejects a dependency on a later step of a serial phase or a later tier', () => {
    const found = issues(
      wf([
        { id: 'p1', title: 'P1', run: 'serial', steps: [tool('a', 'validate_schedule', { dependsOn: ['b'] }), tool('b')] },
        {
          id: 'p2',
          title: 'P2',
          run: 'tiered',
          tiers: [
            { id: 't1', steps: [tool('c', 'validate_schedule', { dependsOn: ['d'] })] },
            { id: 't2', steps: [tool('d')] },
          ],
        },
      ]),
    );
    assert.deepEqual(
      found.map((i) => i.code),
      ['forward_dependency', 'forward_dependency'],
    );
  });

  it('checks modes, thresholds and hub shapes', () => {
    const found = issues(
      wf(
        [
          {
            id: 'p',
            title: 'P',
            run: 'serial',
            gates: [{ method: 'minimum', thresholds: { proceed: 0.5, review: 0.8 } }],
            steps: [tool('a'), { kind: 'hub', id: 'h', inputs: ['a'], minInputs: 2, compute: () => ({}) }],
          },
        ],
        { defaultMode: 'fast', modes: { standard: { skipSteps: ['zzz'], policy: { validate_schedule: { retry: { retryOn: ['validation'] } } } } } },
      ),
    );
    const codes = found.map((i) => i.code);
    assert.deepEqual(codes, ['invalid_mode', 'invalid_value', 'invalid_mode', 'invalid_mode', 'invalid_value']);
    assert.ok(found.some((i) => /never retried/.test(i.message)));
  });

  it('reports every problem at once', () => {
    const found = issues(
      wf([
        {
          id: 'p',
          title: 'P',
          run: 'serial',
          steps: [tool('a', 'nope'), { kind: 'branch', id: 'route', choose: () => 'x', branches: { x: ['c'] } }, tool('c'), tool('w', 'apply_swap', { writes: true })],
        },
      ]),
    );
    assert.deepEqual(
      found.map((i) => i.code),
      ['unknown_capability', 'branch_without_default', 'missing_approval'],
    );
  });
});
