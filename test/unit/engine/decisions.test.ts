/** Phase decisions, confidence gates, modes, skips, fallbacks, placeholders and sub-workflows. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PhaseDefinition, WorkflowDefinition } from '../../../src/core/engine/definition';
import { OrchestratorError } from '../../../src/core/errors';
import { FakeClock } from '../../support/engine/fakeClock';
import { FakeToolServer } from '../../support/engine/fakeTools';
import { eventsOf, harness, load } from '../../support/engine/harness';

interface Inputs extends Record<string, unknown> {
  start: string;
  weeks: number;
}

const parseInputs = (raw: unknown): Inputs => {
  const r = raw as Partial<Inputs>;
  if (typeof r?.start !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(r.start)) throw new Error('start must be a YYYY-MM-DD date');
  return { start: r.start, weeks: typeof r.weeks === 'number' ? r.weeks : 4 };
};

function generation(phases: PhaseDefinition<Inputs>[], extra: Partial<WorkflowDefinition<Inputs>> = {}): WorkflowDefinition<Inputs> {
  return {
    id: 'generation',
    title: 'Generation',
    version: 1,
    parseInputs,
    modes: { standard: {}, thorough: { cache: 'off' } },
    defaultMode: 'standard',
    timeoutMs: 60_000,
    phases,
    ...extra,
  };
}

/** The baseline phase without its decide rule (the gate tests decide by gates alone). */
const undecided: PhaseDefinition<Inputs> = {
  id: 'baseline',
  title: 'Baseline',
  run: 'parallel',
  steps: [
    { kind: 'tool', id: 'validate', capability: 'validate_schedule', critical: true, args: (ctx) => ({ start_date: ctx.inputs.start, weeks: ctx.inputs.weeks, mode: ctx.mode }) },
    { kind: 'tool', id: 'utilization', capability: 'check_utilization_threshold', args: () => ({}) },
  ],
};

const baseline: PhaseDefinition<Inputs> = {
  ...undecided,
  decide: (ctx) => {
    const level = ctx.data('utilization')?.['level'];
    if (level === 'BLACK') return { action: 'stop', status: 'blocked', reason: 'utilization BLACK: activate the sacrifice hierarchy first' };
    if (level === 'RED') return { action: 'continue', review: 'utilization RED: coordinator review', warnings: ['utilization above 90%'] };
    return undefined;
  },
};

const later: PhaseDefinition<Inputs> = {
  id: 'warning',
  title: 'Early warning',
  run: 'parallel',
  steps: [{ kind: 'tool', id: 'spc', capability: 'run_spc_analysis', args: () => ({}) }],
};

function server(clock: FakeClock, utilization = 'GREEN'): FakeToolServer {
  return new FakeToolServer(clock)
    .define('validate_schedule', { respond: (args) => ({ is_valid: true, args }) })
    .define('check_utilization_threshold', { respond: () => ({ level: utilization }) })
    .define('run_spc_analysis', { respond: () => ({ violations: 0 }) })
    .define('run_contingency_analysis_deep', { respond: () => ({ gaps: 0 }) });
}

describe('run inputs and modes', () => {
  it('argument builders read the parsed inputs and the mode', async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: server(clock) });
    await clock.run(h.engine.start(load(generation([baseline])), { inputs: { start: '2026-02-02' }, mode: 'thorough' }).result);
    assert.deepEqual(h.tools.callsTo('validate_schedule')[0]!.args, { start_date: '2026-02-02', weeks: 4, mode: 'thorough' });
  });

  it('bad inputs or an unknown mode are refused before anything starts', async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: server(clock) });
    assert.throws(
      () => h.engine.start(load(generation([baseline])), { inputs: { start: 'next week' } }),
      (e: unknown) => e instanceof OrchestratorError && e.kind === 'validation' && /start must be/.test(e.message),
    );
    assert.throws(() => h.engine.start(load(generation([baseline])), { inputs: { start: '2026-02-02' }, mode: 'turbo' }), /has no mode "turbo"/);
    assert.equal(h.events.length, 0);
    assert.equal(h.tools.calls.length, 0);
  });

  it('a mode skips steps and phases, with the reason on each', async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: server(clock) });
    const wf = generation([{ ...baseline, steps: [...baseline.steps, { kind: 'tool', id: 'deep', capability: 'run_contingency_analysis_deep', args: () => ({}) }] }, later], {
      modes: { standard: {}, express: { skipSteps: ['deep'], skipPhases: ['warning'] } },
    });
    const summary = await clock.run(h.engine.start(load(wf), { inputs: { start: '2026-02-02' }, mode: 'express' }).result);
    assert.equal(summary.status, 'completed');
    const deep = summary.steps.find((s) => s.stepId === 'deep')!;
    assert.deepEqual(deep.skip, { cause: 'mode', reason: 'mode express skips it' });
    assert.deepEqual(summary.steps.find((s) => s.stepId === 'spc')!.skip, { cause: 'mode', reason: 'mode express skips phase Early warning' });
    assert.equal(summary.phases.find((p) => p.phaseId === 'warning')!.status, 'skipped');
    assert.equal(h.tools.callsTo('run_contingency_analysis_deep').length, 0);
    // Skipped by design: the baseline phase counts only what ran (0.90 and 0.95).
    assert.ok(Math.abs(summary.phases[0]!.confidence! - 0.925) < 1e-9);
  });

  it('a step whose condition says so is skipped with its reason', async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: server(clock) });
    const wf = generation([
      baseline,
      {
        ...later,
        steps: [
          { kind: 'tool', id: 'spc', capability: 'run_spc_analysis', skipIf: (ctx) => (ctx.inputs.weeks < 4 ? 'fewer than 4 weeks of history' : undefined), args: () => ({}) },
        ],
      },
    ]);
    const summary = await clock.run(h.engine.start(load(wf), { inputs: { start: '2026-02-02', weeks: 2 } }).result);
    assert.deepEqual(summary.steps.find((s) => s.stepId === 'spc')!.skip, { cause: 'condition', reason: 'fewer than 4 weeks of history' });
  });
});

describe('phase decisions', () => {
  it('a phase rule ends the workflow blocked with its reason, recorded as a decision', async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: server(clock, 'BLACK') });
    const summary = await clock.run(h.engine.start(load(generation([baseline, later])), { inputs: { start: '2026-02-02' } }).result);
    assert.equal(summary.status, 'blocked');
    assert.equal(summary.reason, 'utilization BLACK: activate the sacrifice hierarchy first');
    assert.equal(h.tools.callsTo('run_spc_analysis').length, 0);
    assert.equal(summary.steps.find((s) => s.stepId === 'spc')!.skip?.cause, 'not_run');
    const decision = eventsOf(h.events, 'decision')[0]!;
    assert.deepEqual([decision.source, decision.decision, decision.status, decision.phaseId], ['rule', 'stop', 'blocked', 'baseline']);
  });

  it('a phase rule can flag review and continue: the run ends needing review', async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: server(clock, 'RED') });
    const summary = await clock.run(h.engine.start(load(generation([baseline, later])), { inputs: { start: '2026-02-02' } }).result);
    assert.equal(summary.status, 'needs_review');
    assert.equal(summary.reason, 'utilization RED: coordinator review');
    assert.equal(h.tools.callsTo('run_spc_analysis').length, 1);
    assert.ok(summary.phases[0]!.warnings.includes('utilization above 90%'));
  });

  it('confidence gates map to proceed, review or block', async () => {
    const gate = (proceed: number, review: number): PhaseDefinition<Inputs> => ({
      ...undecided,
      gates: [{ label: 'validate_schedule >= 0.85 required', steps: ['validate'], method: 'minimum', thresholds: { proceed, review } }],
    });
    const outcome = async (p: number, r: number) => {
      const clock = new FakeClock();
      const h = await harness({ clock, tools: server(clock) });
      const summary = await clock.run(h.engine.start(load(generation([gate(p, r), later])), { inputs: { start: '2026-02-02' } }).result);
      return { summary, decisions: eventsOf(h.events, 'decision') };
    };
    const proceed = await outcome(0.85, 0.7);
    assert.equal(proceed.summary.status, 'completed');
    assert.equal(proceed.decisions[0]!.decision, 'proceed');
    assert.equal(proceed.summary.phases[0]!.decision, 'proceed');

    const review = await outcome(0.95, 0.85);
    assert.equal(review.summary.status, 'needs_review');
    assert.equal(review.summary.reason, 'validate_schedule >= 0.85 required: 0.90 below 0.95');

    const block = await outcome(0.99, 0.95);
    assert.equal(block.summary.status, 'blocked');
    assert.equal(block.summary.reason, 'validate_schedule >= 0.85 required: 0.90 below 0.95');
    assert.equal(block.decisions[0]!.confidence, 0.9);
  });

  it('a read-only workflow never hides evidence: a gate below its block threshold lowers the decision and the later phases run', async () => {
    const gated = (onBelow?: 'stop' | 'lower'): PhaseDefinition<Inputs> => ({
      ...undecided,
      gates: [{ label: 'validate', steps: ['validate'], method: 'minimum', thresholds: { proceed: 0.99, review: 0.95 }, ...(onBelow ? { onBelow } : {}) }],
    });
    const outcome = async (phase: PhaseDefinition<Inputs>, readOnly: boolean) => {
      const clock = new FakeClock();
      const h = await harness({ clock, tools: server(clock) });
      const summary = await clock.run(h.engine.start(load(generation([phase, later], readOnly ? { readOnly } : {})), { inputs: { start: '2026-02-02' } }).result);
      return { summary, spc: h.tools.callsTo('run_spc_analysis').length, decisions: eventsOf(h.events, 'decision') };
    };
    const lowered = await outcome(gated(), true);
    assert.equal(lowered.spc, 1, 'the later phase ran');
    assert.deepEqual(
      lowered.summary.phases.map((p) => [p.status, p.decision]),
      [
        ['completed', 'block'],
        ['completed', undefined],
      ],
    );
    assert.equal(lowered.summary.status, 'blocked');
    assert.equal(lowered.summary.reason, 'validate: 0.90 below 0.95 (read-only: the later phases still ran)');
    assert.equal(lowered.decisions[0]!.decision, 'block');

    const byGate = await outcome(gated('lower'), false);
    assert.deepEqual([byGate.spc, byGate.summary.status], [1, 'blocked']);
    const stopped = await outcome(gated('stop'), true);
    assert.deepEqual([stopped.spc, stopped.summary.status], [0, 'blocked'], 'an explicit stop still stops');
    const writer = await outcome(gated(), false);
    assert.equal(writer.spc, 0, 'other workflows stop at the gate');
  });

  it("the engine serves orchestrator_health itself, before the server's tools, from its own breakers and health", async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: server(clock) });
    const wf = generation([
      {
        id: 'status',
        title: 'Status',
        run: 'serial',
        steps: [
          { kind: 'tool', id: 'validate', capability: 'validate_schedule', args: () => ({}) },
          { kind: 'tool', id: 'own', capability: 'orchestrator_health', dependsOn: ['validate'], args: () => ({ capabilities: ['validate_schedule', 'check_circuit_breakers'] }) },
        ],
      },
    ]);
    const summary = await clock.run(h.engine.start(load(wf), { inputs: { start: '2026-02-02' } }).result);
    const own = summary.steps.find((s) => s.stepId === 'own')!;
    assert.deepEqual([own.status, own.tool, own.attempts], ['succeeded', 'engine:orchestrator_health', 0]);
    assert.equal(h.tools.callsTo('orchestrator_health').length, 0, 'never sent to the server');
    assert.deepEqual(own.data!['capabilities'], { validate_schedule: 'available', check_circuit_breakers: 'unavailable' });
    assert.deepEqual(own.data!['breakers'], { check_circuit_breakers: 'closed', validate_schedule: 'closed' });
    assert.deepEqual(
      (own.data!['tool_health'] as { capability: string; samples: number }[]).map((t) => [t.capability, t.samples]),
      [['validate_schedule', 1]],
    );
    const writing = generation([{ id: 'w', title: 'W', run: 'serial', steps: [{ kind: 'tool', id: 'x', capability: 'orchestrator_health', writes: true, args: () => ({}) }] }]);
    assert.throws(() => load(writing), /orchestrator_health is served by the engine and reads only/);
  });

  it('a workflow declared read-only cannot write', () => {
    const wf = generation(
      [
        {
          id: 'w',
          title: 'W',
          run: 'serial',
          steps: [
            { kind: 'approval', id: 'ok', title: 'OK?', request: () => ({ summary: 's' }) },
            { kind: 'tool', id: 'publish', capability: 'publish_draft', writes: true, dependsOn: ['ok'], args: () => ({}) },
          ],
        },
      ],
      { readOnly: true },
    );
    assert.throws(() => load(wf, ['publish_draft']), /declared read-only but publish writes/);
  });
});

describe('degraded results', () => {
  it('a result marked placeholder is no result: skipped as placeholder, left out of the gate, charged on the run; a critical one blocks', async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: server(clock) });
    h.tools.define('validate_schedule_by_id', { respond: () => ({ is_valid: true, compliance_rate: 1.0, metadata: { source: 'placeholder' } }) });
    const wf = (critical: boolean) =>
      generation([
        {
          id: 'acgme',
          title: 'ACGME',
          run: 'parallel',
          steps: [
            { kind: 'tool', id: 'validate', capability: 'validate_schedule', args: () => ({}) },
            { kind: 'tool', id: 'by_id', capability: 'validate_schedule_by_id', critical, args: () => ({}) },
          ],
          gates: [{ method: 'minimum', thresholds: { proceed: 0.85, review: 0.7 } }],
        },
      ]);
    const summary = await clock.run(h.engine.start(load(wf(false)), { inputs: { start: '2026-02-02' } }).result);
    const byId = summary.steps.find((s) => s.stepId === 'by_id')!;
    assert.equal(byId.status, 'skipped');
    assert.deepEqual(byId.skip, { cause: 'placeholder', reason: 'placeholder: server backend unavailable (metadata.source = "placeholder")' });
    assert.equal(byId.data, undefined);
    assert.equal(byId.confidence.value, 0);
    assert.equal(byId.confidence.level, 0);
    const validate = summary.steps.find((s) => s.stepId === 'validate')!;
    assert.equal(summary.phases[0]!.confidence, validate.confidence.value, 'not averaged in as 0');
    assert.equal(summary.status, 'completed');
    assert.equal(summary.confidence!.value, Math.round((validate.confidence.value - 0.1) * 1000) / 1000);
    assert.match(summary.confidence!.reason, /placeholder: by_id \(server backend unavailable\)/);

    const critical = await clock.run(h.engine.start(load(wf(true)), { inputs: { start: '2026-02-02' } }).result);
    assert.equal(critical.status, 'blocked');
    assert.match(critical.reason!, /Cannot proceed - by_id unavailable: placeholder: server backend unavailable/);
  });

  it('an unavailable capability: a non-critical step is skipped with confidence 0, a critical one blocks', async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: server(clock) });
    h.tools.define('calculate_fire_danger_index', { unavailable: 'armory domain fatigue_detailed is off' });
    const wf = (critical: boolean) =>
      generation([
        {
          id: 'w',
          title: 'W',
          run: 'parallel',
          steps: [
            { kind: 'tool', id: 'fire', capability: 'calculate_fire_danger_index', critical, args: () => ({}) },
            { kind: 'tool', id: 'spc', capability: 'run_spc_analysis', args: () => ({}) },
          ],
        },
      ]);
    const soft = await clock.run(h.engine.start(load(wf(false)), { inputs: { start: '2026-02-02' } }).result);
    assert.equal(soft.status, 'completed');
    const fire = soft.steps.find((s) => s.stepId === 'fire')!;
    assert.equal(fire.skip?.cause, 'unavailable');
    assert.equal(fire.confidence.value, 0);
    assert.equal(h.runtime.healthOf('calculate_fire_danger_index').status, 'UNAVAILABLE');
    const hard = await clock.run(h.engine.start(load(wf(true)), { inputs: { start: '2026-02-02' } }).result);
    assert.equal(hard.status, 'blocked');
    assert.match(hard.reason!, /^Cannot proceed - fire unavailable: calculate_fire_danger_index is not available on this server/);
  });

  it('a tool fallback (quick validation) stands in when the tool and the cache fail', async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: server(clock) });
    h.tools.define('validate_schedule', { script: Array.from({ length: 4 }, () => ({ error: 'connection' as const })) });
    h.tools.define('quick_validation', { respond: () => ({ is_valid: true, quick: true }) });
    const wf = generation([
      {
        id: 'b',
        title: 'B',
        run: 'serial',
        steps: [
          {
            kind: 'tool',
            id: 'validate',
            capability: 'validate_schedule',
            critical: true,
            args: () => ({ a: 1 }),
            fallback: { kind: 'tool', capability: 'quick_validation', label: 'Quick validation only' },
          },
        ],
      },
    ]);
    const summary = await clock.run(h.engine.start(load(wf), { inputs: { start: '2026-02-02' } }).result);
    const step = summary.steps[0]!;
    assert.equal(summary.status, 'completed');
    assert.equal(step.source, 'fallback');
    assert.equal(step.label, 'Quick validation only');
    assert.deepEqual(h.tools.callsTo('quick_validation')[0]!.args, { a: 1 });
    // quick_validation has the default base 0.70, minus the 0.30 fallback penalty.
    assert.equal(step.confidence.value, 0.4);
    assert.equal(step.attempts, 5);
    assert.deepEqual(
      eventsOf(h.events, 'fallback_used').map((e) => [e.fallback, e.label]),
      [['tool', 'Quick validation only']],
    );
  });

  it('a compute fallback (aggregate the signals) stands in for an unavailable hub', async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: server(clock) });
    h.tools.define('get_unified_critical_index', { unavailable: 'not registered' });
    h.tools.define('calculate_fire_danger_index', { respond: () => ({ score: 40 }) });
    const wf = generation([
      {
        id: 'w',
        title: 'W',
        run: 'parallel',
        steps: [
          { kind: 'tool', id: 'spc', capability: 'run_spc_analysis', args: () => ({}) },
          { kind: 'tool', id: 'fire', capability: 'calculate_fire_danger_index', args: () => ({}) },
          {
            kind: 'hub',
            id: 'unified',
            inputs: ['spc', 'fire'],
            capability: 'get_unified_critical_index',
            args: () => ({}),
            fallback: { kind: 'compute', label: 'equal-weight average of the signals', base: 0.5, compute: (ctx) => ({ overall_index: Number(ctx.require('fire')['score']) / 2 }) },
          },
        ],
      },
    ]);
    const summary = await clock.run(h.engine.start(load(wf), { inputs: { start: '2026-02-02' } }).result);
    const hub = summary.steps.find((s) => s.stepId === 'unified')!;
    assert.equal(hub.source, 'fallback');
    assert.deepEqual(hub.data, { overall_index: 20 });
    assert.equal(hub.confidence.value, 0.5);
  });

  it('refuses at run time to call a writing tool from a step not declared as writing', async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: server(clock) });
    // The catalog did not know it writes; the server does.
    h.tools.define('sync_roster', { writes: true });
    const wf = generation([{ id: 'p', title: 'P', run: 'serial', steps: [{ kind: 'tool', id: 'sync', capability: 'sync_roster', args: () => ({}) }] }]);
    const summary = await clock.run(h.engine.start(load(wf), { inputs: { start: '2026-02-02' } }).result);
    assert.equal(h.tools.callsTo('sync_roster').length, 0);
    assert.match(summary.steps[0]!.error!.message, /writes, but step sync is not declared as writing/);
  });
});

describe('compute steps and sub-workflows', () => {
  it('a compute step synthesises earlier results; its confidence follows its inputs', async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: server(clock) });
    const wf = generation([
      baseline,
      {
        id: 'synthesis',
        title: 'Synthesis',
        run: 'serial',
        steps: [
          {
            kind: 'compute',
            id: 'score',
            dependsOn: ['validate', 'utilization'],
            confidence: 'minimum',
            compute: (ctx) => ({ score: ctx.require('validate')['is_valid'] ? 100 : 0 }),
          },
        ],
      },
    ]);
    const summary = await clock.run(h.engine.start(load(wf), { inputs: { start: '2026-02-02' } }).result);
    const score = summary.steps.find((s) => s.stepId === 'score')!;
    assert.deepEqual(score.data, { score: 100 });
    assert.equal(score.confidence.value, 0.9);
    assert.equal(score.source, 'compute');
  });

  it('a failing computation is reported as the step failure, not a crash', async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: server(clock) });
    const wf = generation([
      {
        id: 'p',
        title: 'P',
        run: 'serial',
        steps: [
          {
            kind: 'compute',
            id: 'broken',
            compute: () => {
              throw new Error('division by zero');
            },
          },
        ],
      },
    ]);
    const summary = await clock.run(h.engine.start(load(wf), { inputs: { start: '2026-02-02' } }).result);
    assert.equal(summary.status, 'completed');
    assert.deepEqual(summary.steps[0]!.error, { kind: 'invalid_result', message: 'division by zero' });
  });

  it('a sub-workflow runs as one step with its steps namespaced, and its blocking blocks a critical parent step', async () => {
    const clock = new FakeClock();
    const h = await harness({ clock, tools: server(clock) });
    const child = generation([baseline], { id: 'compliance' });
    const parent: WorkflowDefinition = {
      id: 'parent',
      title: 'Parent',
      version: 1,
      parseInputs: (raw) => raw as Record<string, unknown>,
      modes: { standard: {} },
      defaultMode: 'standard',
      timeoutMs: 60_000,
      phases: [
        {
          id: 'p',
          title: 'P',
          run: 'serial',
          steps: [{ kind: 'workflow', id: 'check', critical: true, workflow: child as unknown as WorkflowDefinition, inputs: () => ({ start: '2026-03-02' }) }],
        },
      ],
    };
    const ok = await clock.run(h.engine.start(load(parent)).result);
    assert.equal(ok.status, 'completed');
    assert.ok(ok.steps.some((s) => s.stepId === 'check/validate' && s.status === 'succeeded'));
    const check = ok.steps.find((s) => s.stepId === 'check')!;
    assert.equal(check.data?.['status'], 'completed');
    assert.deepEqual((check.data?.['results'] as Record<string, { args: unknown }>)['validate']!.args, { start_date: '2026-03-02', weeks: 4, mode: 'standard' });

    const h2 = await harness({ clock, tools: server(clock, 'BLACK') });
    const blocked = await clock.run(h2.engine.start(load(parent)).result);
    assert.equal(blocked.status, 'blocked');
    assert.match(blocked.reason!, /sub-workflow compliance ended blocked: utilization BLACK/);
  });
});
