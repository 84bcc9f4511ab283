/** Wires a real Engine and PolicyRuntime to a FakeToolServer on a FakeClock for tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApprovalAnswer, ApprovalPort, ApprovalRequest } from '../../../src/core/engine/approval';
import type { WorkflowDefinition } from '../../../src/core/engine/definition';
import type { EngineEvent } from '../../../src/core/engine/events';
import { Engine, type EngineOptions } from '../../../src/core/engine/engine';
import { RunHistory } from '../../../src/core/engine/history';
import { catalogOf, loadWorkflow, type LoadedWorkflow } from '../../../src/core/engine/validate';
import { PolicyTable, type PolicyOverrides } from '../../../src/core/policy/policies';
import { PolicyRuntime } from '../../../src/core/policy/runtime';
import { JsonFileStateStore } from '../../../src/core/policy/stateStore';
import { FakeClock } from './fakeClock';
import { FakeToolServer } from './fakeTools';

const temporary = new Set<string>();
process.once('exit', () => temporary.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A fresh temporary directory, removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `sched-orch-${prefix}-`));
  temporary.add(dir);
  return dir;
}

/** Answers approval requests from a queue (or with `fallback`), recording every request. */
export class ScriptedApprovals implements ApprovalPort {
  readonly requests: ApprovalRequest[] = [];
  private readonly answers: (Omit<ApprovalAnswer, 'at'> | 'hang')[] = [];

  constructor(private readonly clock: { now(): number }) {}

  enqueue(...answers: (Omit<ApprovalAnswer, 'at'> | 'hang')[]): this {
    this.answers.push(...answers);
    return this;
  }

  request(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalAnswer> {
    this.requests.push(request);
    const next = this.answers.shift();
    if (next === undefined) return Promise.reject(new Error('no scripted answer'));
    if (next === 'hang') {
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
    }
    return Promise.resolve({ ...next, at: this.clock.now() });
  }
}

export interface Harness {
  clock: FakeClock;
  tools: FakeToolServer;
  runtime: PolicyRuntime;
  engine: Engine;
  approvals: ScriptedApprovals;
  events: EngineEvent[];
  history?: RunHistory;
}

export interface HarnessOptions {
  clock?: FakeClock;
  tools?: FakeToolServer;
  stateDir?: string;
  historyDir?: string;
  overrides?: PolicyOverrides;
  whenBusy?: EngineOptions['whenBusy'];
  /** Jitter source; 0 makes every backoff delay exact. */
  random?: () => number;
}

export async function harness(options: HarnessOptions = {}): Promise<Harness> {
  const clock = options.clock ?? new FakeClock();
  const tools = options.tools ?? new FakeToolServer(clock);
  const runtime = await PolicyRuntime.create({
    invoker: tools,
    clock,
    policies: new PolicyTable(options.overrides ?? {}),
    ...(options.stateDir ? { stateStore: new JsonFileStateStore(options.stateDir) } : {}),
    random: options.random ?? (() => 0),
  });
  const approvals = new ScriptedApprovals(clock);
  const history = options.historyDir ? new RunHistory(options.historyDir) : undefined;
  let seq = 0;
  const engine = new Engine({
    policy: runtime,
    approvals,
    clock,
    ...(history ? { history } : {}),
    ...(options.whenBusy ? { whenBusy: options.whenBusy } : {}),
    newRunId: (id) => `${id}-run${++seq}`,
  });
  const events: EngineEvent[] = [];
  engine.subscribe((e) => events.push(e));
  return { clock, tools, runtime, engine, approvals, events, ...(history ? { history } : {}) };
}

/** A catalog knowing every capability a test workflow names. */
export function load<I extends Record<string, unknown>>(def: WorkflowDefinition<I>, writing: string[] = []): LoadedWorkflow<I> {
  const names = new Set<string>(writing);
  const visit = (d: WorkflowDefinition) => {
    for (const phase of d.phases) {
      const steps = phase.run === 'tiered' ? phase.tiers.flatMap((t) => t.steps) : phase.steps;
      for (const s of steps) {
        if (s.kind === 'tool') names.add(s.capability);
        if (s.kind === 'hub' && 'capability' in s) names.add(s.capability);
        if ((s.kind === 'tool' || s.kind === 'hub') && 'fallback' in s && s.fallback?.kind === 'tool') names.add(s.fallback.capability);
        if (s.kind === 'workflow') visit(s.workflow);
      }
    }
  };
  visit(def as unknown as WorkflowDefinition);
  return loadWorkflow(def, catalogOf(names, writing));
}

/** Inputs passed through unchanged (test workflows take plain objects). */
export const anyInputs = (raw: unknown): Record<string, unknown> => (typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {});

export function eventsOf<T extends EngineEvent['type']>(events: readonly EngineEvent[], type: T): Extract<EngineEvent, { type: T }>[] {
  return events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
}
