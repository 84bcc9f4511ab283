/**
 * Argument planning: calls fitted to the server's declared input schemas (derived, asked,
 * renamed, dropped, rejected), against a fake server that validates like the real one and one
 * that answers from defaults.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitCall, parseAnswer, provenanceFactors, type PlannedArg } from '../../../src/core/engine/argPlanning';
import type { InputAnswer, InputPort, InputRequest } from '../../../src/core/engine/inputPort';
import type { StepResult } from '../../../src/core/engine/results';
import { resilienceAlertCandidates, resilienceWorkflow, type ResilienceAssessment } from '../../../src/core/workflows/resilience';
import { ARG_NEEDS } from '../../../src/core/workflows/shared/argPlans';
import type { WorkflowDefinition } from '../../../src/core/engine/definition';
import { argumentCoverage } from '../../../src/core/workflows/argCoverage';
import { anyInputs, harness, load, tempDir } from '../../support/engine/harness';
import { defineScheduler, HEALTHY, WRITERS } from '../../support/workflows/fakeScheduler';
import { DEFAULTS_CONTRACT, REAL_CONTRACT } from '../../support/workflows/realContract';

const wf = load(resilienceWorkflow, [...WRITERS]);
const schema = (tool: string) => REAL_CONTRACT[tool]!;
/** The bundled status without the capacity figures the real server's tools need. */
const STATUS_WITHOUT_CAPACITY = { schedule_id: 'S1', start_date: '2026-03-02', end_date: '2026-03-29', data_version: 7 };

class ScriptedInputs implements InputPort {
  readonly asked: InputRequest[] = [];
  constructor(private readonly answers: Record<string, number>) {}
  ask(request: InputRequest): Promise<InputAnswer | undefined> {
    this.asked.push(request);
    const value = this.answers[request.need.arg];
    return Promise.resolve(value === undefined ? undefined : { value, by: 'test', at: 0 });
  }
}

type Overrides = Parameters<typeof defineScheduler>[1];

/** The fake scheduler declaring the real server's schemas (a missing required argument is a validation error). */
function realContract(overrides: Overrides = {}, contract: Record<string, Record<string, unknown>> = REAL_CONTRACT): Overrides {
  const out: NonNullable<Overrides> = { ...overrides };
  for (const capability of Object.keys(HEALTHY)) {
    const declared = contract[`${capability}_tool`];
    if (declared && out[capability] !== null) out[capability] = { ...(out[capability] ?? {}), inputSchema: declared };
  }
  return out;
}

async function run(overrides: Overrides, options: { inputs?: Record<string, unknown>; answers?: Record<string, number>; historyDir?: string } = {}) {
  const port = options.answers ? new ScriptedInputs(options.answers) : undefined;
  const h = await harness({ ...(port ? { inputs: port } : {}), ...(options.historyDir ? { historyDir: options.historyDir } : {}) });
  defineScheduler(h.tools, overrides);
  const summary = await h.clock.run(h.engine.start(wf, { inputs: { today: '2026-03-01', ...options.inputs } }).result);
  const step = (id: string) => summary.steps.find((s) => s.stepId === id);
  const assessment = step('assessment')?.data as ResilienceAssessment | undefined;
  return { h, summary, step, assessment, port };
}

/** Every call the fake server received carries every argument its declared schema requires. */
function assertNoCallMissesRequired(h: Awaited<ReturnType<typeof run>>['h']): void {
  for (const call of h.tools.calls) {
    const required = (REAL_CONTRACT[`${call.capability}_tool`]?.['required'] as string[] | undefined) ?? [];
    for (const r of required) assert.ok(r in call.args, `${call.capability} was sent without ${r}`);
  }
}

describe('fitting a call to the declared input schema', () => {
  const faculty: PlannedArg = { need: ARG_NEEDS.available_faculty, value: 12, source: 'derived', from: 'list_people' };
  const blocks: PlannedArg = { need: ARG_NEEDS.required_blocks };

  it('sends derived values the schema requires and names what is still missing', () => {
    const plan = fitCall({ args: {}, planned: [faculty, blocks], answers: new Map(), schema: schema('check_utilization_threshold_tool') });
    assert.equal(plan.status, 'needs_input');
    assert.deepEqual(plan.status === 'needs_input' && plan.missing.map((m) => m.arg), ['required_blocks']);
    const answered = fitCall({ args: {}, planned: [faculty, blocks], answers: new Map([['required_blocks', 200]]), schema: schema('check_utilization_threshold_tool') });
    assert.equal(answered.status, 'ready');
    assert.deepEqual(answered.status === 'ready' && answered.args, { available_faculty: 12, required_blocks: 200 });
    assert.deepEqual(
      answered.provenance.map((p) => [p.arg, p.source, p.from]),
      [
        ['available_faculty', 'derived', 'list_people'],
        ['required_blocks', 'user', 'answer'],
      ],
    );
  });

  it('drops arguments the tool does not declare and maps renamed ones', () => {
    const declared = { type: 'object', properties: { data: { type: 'array', items: { type: 'number' } }, lower_spec_limit: { type: 'number' } }, required: ['data'] };
    const plan = fitCall({
      args: { weekly_hours: [60, 62], lower_spec_limit: 40, target: 60 },
      planned: [],
      answers: new Map(),
      schema: declared,
      aliases: { weekly_hours: 'data' },
    });
    assert.equal(plan.status, 'ready');
    assert.deepEqual(plan.status === 'ready' && [plan.args, plan.dropped, plan.renamed], [{ data: [60, 62], lower_spec_limit: 40 }, ['target'], ['weekly_hours -> data']]);
  });

  it('rejects an enum value the server does not accept, with the validator’s message', () => {
    const plan = fitCall({ args: { target_level: 'amber', simulate_only: true }, planned: [], answers: new Map(), schema: schema('execute_sacrifice_hierarchy_tool') });
    assert.equal(plan.status, 'invalid');
    assert.match(plan.status === 'invalid' ? plan.message : '', /target_level.*does not match any of \[.*"red"/);
  });

  it('leaves an optional argument without a default to the server; asks when the schema gives it a default', () => {
    const optional = { type: 'object', properties: { coverage_rate: { type: 'number' } } };
    const left = fitCall({
      args: {},
      planned: [{ need: ARG_NEEDS.coverage_rate, value: 0.9, source: 'derived', from: 'get_schedule_status' }],
      answers: new Map(),
      schema: optional,
    });
    assert.deepEqual(left.status === 'ready' && [left.args, left.provenance[0]?.source], [{}, 'server']);
    const given = fitCall({ args: {}, planned: [{ need: ARG_NEEDS.coverage_rate, value: 0.9, source: 'input', from: '--coverage-rate' }], answers: new Map(), schema: optional });
    assert.deepEqual(given.status === 'ready' && given.args, { coverage_rate: 0.9 });
    const defaulted = fitCall({ args: {}, planned: [{ need: ARG_NEEDS.coverage_rate }], answers: new Map(), schema: DEFAULTS_CONTRACT['get_defense_level_tool'] });
    assert.equal(defaulted.status, 'needs_input');
    const loose = fitCall({ args: {}, planned: [{ need: ARG_NEEDS.coverage_rate }], answers: new Map(), schema: { type: 'object' } });
    assert.equal(loose.status, 'needs_input');
  });

  it('a required argument no workflow plans is named as unknown, and the call is not sent', () => {
    const plan = fitCall({ args: { time_window_days: 28 }, planned: [], answers: new Map(), schema: schema('calculate_burnout_rt_tool') });
    assert.deepEqual(plan.status === 'needs_input' && plan.unknown, ['burned_out_provider_ids']);
  });

  it('derived and answered values lower confidence by the documented amounts; a default caps it', () => {
    const factors = provenanceFactors([
      { arg: 'a', value: 1, source: 'derived', from: 'list_people' },
      { arg: 'b', value: 2, source: 'user' },
      { arg: 'c', value: 3, source: 'input' },
      { arg: 'd', value: 0, source: 'default' },
    ]);
    assert.deepEqual(
      factors.map((f) => (f.kind === 'adjust' ? f.delta : f.kind === 'cap' ? f.max : null)),
      [-0.05, -0.1, 0.3],
    );
  });

  it('checks answers: whole numbers for counts, 0-1 for rates', () => {
    assert.deepEqual(parseAnswer(ARG_NEEDS.available_faculty, ' 14 '), { value: 14 });
    assert.ok('error' in parseAnswer(ARG_NEEDS.available_faculty, '3.5'));
    assert.ok('error' in parseAnswer(ARG_NEEDS.coverage_rate, '94'));
    assert.ok('error' in parseAnswer(ARG_NEEDS.coverage_rate, 'lots'));
    assert.deepEqual(parseAnswer(ARG_NEEDS.coverage_rate, '0.94'), { value: 0.94 });
  });
});

describe('resilience against a server that validates like the real one', () => {
  it('derives the faculty count and coverage rate from reads, asks for required blocks, and never sends a call missing a required argument', async () => {
    const { h, step, port } = await run(
      realContract({
        get_schedule_status: { respond: () => ({ ...STATUS_WITHOUT_CAPACITY }) },
        list_people: { respond: () => ({ people: [1, 2, 3, 4].map((i) => ({ person_id: `f-${i}`, role: 'faculty', active: i !== 4 })) }) },
        validate_schedule: { respond: () => ({ is_valid: true, issues: [], coverage_rate: 0.94 }) },
      }),
      { answers: { required_blocks: 40 } },
    );
    assertNoCallMissesRequired(h);
    assert.deepEqual(
      port?.asked.map((q) => q.need.arg),
      ['required_blocks'],
    );
    assert.match(port?.asked[0]?.question ?? '', /required_blocks: how many faculty half-day blocks/);
    assert.equal(step('utilization')?.status, 'succeeded');
    assert.deepEqual(h.tools.callsTo('check_utilization_threshold')[0]?.args, { available_faculty: 3, required_blocks: 40 });
    assert.deepEqual(
      step('utilization')?.argProvenance?.map((p) => [p.arg, p.value, p.source, p.from]),
      [
        ['available_faculty', 3, 'derived', 'list_people'],
        ['required_blocks', 40, 'user', 'answer'],
      ],
    );
    assert.deepEqual(h.tools.callsTo('get_defense_level')[0]?.args, { coverage_rate: 0.94 });
    assert.deepEqual(step('defense')?.argProvenance?.[0], { arg: 'coverage_rate', value: 0.94, source: 'derived', from: 'validate_schedule' });
    const labels = step('defense')?.confidence.factors.map((f) => f.label) ?? [];
    assert.ok(labels.includes('coverage_rate 0.94 derived from validate_schedule'), labels.join(' | '));
  });

  it('without anyone to ask, the step is skipped as needs_input naming the argument and its flag; nothing is sent', async () => {
    const { h, step, summary } = await run(
      realContract({
        get_schedule_status: { respond: () => ({ ...STATUS_WITHOUT_CAPACITY }) },
        list_people: null,
        validate_schedule: { respond: () => ({ is_valid: true, issues: [] }) },
      }),
    );
    assert.equal(h.tools.callsTo('check_utilization_threshold').length, 0);
    assert.equal(h.tools.callsTo('get_defense_level').length, 0);
    const util = step('utilization');
    assert.equal(util?.skip?.cause, 'needs_input');
    assert.match(util?.skip?.reason ?? '', /available_faculty .*--available-faculty <n>.*required_blocks .*--required-blocks <n>/);
    assert.deepEqual(
      util?.missingArgs?.map((m) => m.flag),
      ['--available-faculty', '--required-blocks'],
    );
    assert.deepEqual(
      step('defense')?.missingArgs?.map((m) => m.flag),
      ['--coverage-rate'],
    );
    assert.notEqual(summary.status, 'failed');
    assertNoCallMissesRequired(h);
  });

  it('flags given at the start are sent as inputs and cost no confidence', async () => {
    const { h, step } = await run(realContract({ get_schedule_status: { respond: () => ({ ...STATUS_WITHOUT_CAPACITY }) } }), {
      inputs: { available_faculty: 10, required_blocks: 12, coverage_rate: 0.97 },
    });
    assert.deepEqual(h.tools.callsTo('check_utilization_threshold')[0]?.args, { available_faculty: 10, required_blocks: 12 });
    assert.deepEqual(step('defense')?.argProvenance?.[0], { arg: 'coverage_rate', value: 0.97, source: 'input', from: '--coverage-rate' });
    assert.equal(step('capacity_people')?.skip?.cause, 'condition');
    assert.ok(!(step('defense')?.confidence.factors ?? []).some((f) => f.label.includes('coverage_rate')));
  });

  it('an answer is recorded in the run history and reused when the run is resumed', async () => {
    const dir = tempDir('answers');
    const overrides = realContract({
      get_schedule_status: { respond: () => ({ ...STATUS_WITHOUT_CAPACITY, people: { faculty: 8 }, coverage_rate: 0.96 }) },
      check_utilization_threshold: { script: [{ error: 'unavailable' }, { error: 'unavailable' }, { error: 'unavailable' }, { error: 'unavailable' }] },
    });
    const first = await run(overrides, { answers: { required_blocks: 30 }, historyDir: dir });
    assert.equal(first.step('utilization')?.status, 'skipped');
    const record = await first.h.history!.load(first.summary.runId);
    assert.deepEqual([...record.answers], [['required_blocks', 30]]);
    // A new process, nobody to ask: the recorded answer is used.
    const h2 = await harness({ historyDir: dir });
    defineScheduler(h2.tools, realContract({ get_schedule_status: { respond: () => ({ ...STATUS_WITHOUT_CAPACITY, people: { faculty: 8 }, coverage_rate: 0.96 }) } }));
    const resumed = await h2.clock.run((await h2.engine.resume(wf, first.summary.runId)).result);
    assert.deepEqual(h2.tools.callsTo('check_utilization_threshold')[0]?.args, { available_faculty: 8, required_blocks: 30 });
    assert.equal(resumed.steps.find((s) => s.stepId === 'utilization')?.argProvenance?.[1]?.source, 'user');
  });
});

describe('resilience against a server that answers from defaults', () => {
  it('never sends the capacity tools without their figures, so no alert comes from a default', async () => {
    const { h, assessment, step } = await run(
      realContract(
        {
          get_schedule_status: { respond: () => ({ ...STATUS_WITHOUT_CAPACITY }) },
          list_people: null,
          validate_schedule: { respond: () => ({ is_valid: true, issues: [] }) },
          // What such a server says when called without a coverage rate.
          get_defense_level: {
            respond: (args) =>
              args['coverage_rate'] === undefined
                ? { current_level: 'emergency', recommended_level: 'emergency', escalation_needed: true }
                : { current_level: 'prevention', recommended_level: 'prevention' },
          },
        },
        DEFAULTS_CONTRACT,
      ),
    );
    assert.equal(h.tools.callsTo('get_defense_level').length, 0);
    assert.equal(step('defense')?.skip?.cause, 'needs_input');
    assert.ok(!(assessment?.alerts ?? []).some((a) => a.source === 'defense' || a.source === 'utilization'), JSON.stringify(assessment?.alerts));
  });

  it('a result resting on a default raises no alert; the same result given as evidence does', () => {
    const data = { current_level: 'emergency', recommended_level: 'emergency' };
    const view = (source: 'default' | 'input') => ({
      mode: 'standard',
      inputs: {},
      result: (id: string) =>
        id === 'defense' ? ({ stepId: id, status: 'succeeded', data, argProvenance: [{ arg: 'coverage_rate', value: 0, source }] } as unknown as StepResult) : undefined,
      data: (id: string) => (id === 'defense' ? data : undefined),
    });
    assert.ok(!resilienceAlertCandidates(view('default')).some((a) => a.source === 'defense'));
    assert.ok(resilienceAlertCandidates(view('input')).some((a) => a.source === 'defense' && a.severity === 'RED'));
  });
});

describe('a critical step that needs input', () => {
  it('stops the run blocked, naming the argument and its flag; nothing is sent', async () => {
    const def: WorkflowDefinition = {
      id: 'capacity',
      title: 'Capacity',
      version: 1,
      parseInputs: anyInputs,
      modes: { standard: {} },
      defaultMode: 'standard',
      timeoutMs: 60_000,
      phases: [
        {
          id: 'p',
          title: 'P',
          run: 'serial',
          steps: [
            { id: 'defense', kind: 'tool', capability: 'get_defense_level', critical: true, args: () => ({}), plan: () => [{ need: ARG_NEEDS.coverage_rate }] },
            { id: 'after', kind: 'tool', capability: 'check_circuit_breakers', args: () => ({}) },
          ],
        },
      ],
    };
    const h = await harness();
    defineScheduler(h.tools, realContract());
    const summary = await h.clock.run(h.engine.start(load(def), {}).result);
    assert.equal(summary.status, 'blocked');
    assert.match(summary.reason ?? '', /needs input: get_defense_level_tool requires coverage_rate .*--coverage-rate <0-1>/);
    assert.equal(h.tools.calls.length, 0);
  });
});

describe('argument coverage (sched-orch tools, Server view)', () => {
  const available = (names: string[]) => (capability: string) =>
    names.includes(capability)
      ? ({ status: 'available', capability, tool: `${capability}_tool`, writes: false } as const)
      : ({ status: 'unavailable', capability, reason: 'absent' } as const);

  it('on a real-contract server: derivable from the reads it offers, else to be given with the flag', () => {
    const names = ['check_utilization_threshold', 'get_defense_level', 'validate_schedule', 'list_people'];
    const coverage = argumentCoverage(available(names), (c) => {
      const inputSchema = REAL_CONTRACT[`${c}_tool`];
      return inputSchema ? { inputSchema } : undefined;
    });
    const util = coverage.find((c) => c.capability === 'check_utilization_threshold')!;
    assert.deepEqual(
      util.args.map((a) => [a.arg, a.status, a.derivableFrom, a.flag]),
      [
        ['available_faculty', 'derivable', ['list_people'], '--available-faculty'],
        ['required_blocks', 'must_be_given', [], '--required-blocks'],
      ],
    );
    assert.deepEqual(
      coverage.find((c) => c.capability === 'get_defense_level')!.args.map((a) => [a.arg, a.status, a.derivableFrom]),
      [['coverage_rate', 'derivable', ['validate_schedule']]],
    );
    assert.deepEqual(
      coverage.find((c) => c.capability === 'validate_schedule')!.args.map((a) => [a.arg, a.status]),
      [
        ['start_date', 'workflow'],
        ['end_date', 'workflow'],
      ],
    );
  });

  it('on a server that computes the figures itself they are left to it', () => {
    const coverage = argumentCoverage(available(['get_defense_level']), () => ({ inputSchema: { type: 'object', properties: { coverage_rate: { type: 'number' } } } }));
    assert.deepEqual(
      coverage[0]?.args.map((a) => [a.arg, a.status, a.required]),
      [['coverage_rate', 'left_to_server', false]],
    );
  });
});
