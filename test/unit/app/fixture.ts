/** A small writing workflow (check, approve, write, post-check) on fake tools, driven through an ApprovalBroker. */
import { Engine } from '../../../src/core/engine/engine';
import type { EngineEvent } from '../../../src/core/engine/events';
import { RunHistory } from '../../../src/core/engine/history';
import { PolicyTable } from '../../../src/core/policy/policies';
import { PolicyRuntime } from '../../../src/core/policy/runtime';
import { ApprovalBroker } from '../../../src/core/app/approvalBroker';
import { RunStore } from '../../../src/core/app/runStore';
import { FakeClock } from '../../support/engine/fakeClock';
import { FakeToolServer } from '../../support/engine/fakeTools';
import { writeFlow } from '../../support/engine/writeFlow';

export const swapFlow = writeFlow({
  id: 'swap',
  title: 'Swap',
  checkRun: 'parallel',
  critical: true,
  approval: {
    title: 'Apply the swap?',
    request: (ctx) => ({
      summary: `swap ${String(ctx.inputs['swap'])}`,
      details: { checklist: [{ phase: '1', item: 'Baseline compliant', ok: true, note: '0 finding(s)' }] },
    }),
  },
  write: { capability: 'apply_swap', args: (ctx) => ({ swap: ctx.inputs['swap'] }) },
  after: [
    {
      id: 'post',
      title: 'Post-check',
      run: 'parallel',
      steps: [{ kind: 'tool', id: 'post_validate', capability: 'validate_schedule', dependsOn: ['write'], args: () => ({ after: true }) }],
    },
  ],
});

export interface Rig {
  clock: FakeClock;
  tools: FakeToolServer;
  engine: Engine;
  broker: ApprovalBroker;
  store: RunStore;
  events: EngineEvent[];
  history: RunHistory;
}

/** An engine over fake tools whose approvals go through a broker and whose events feed a store. */
export async function rig(historyDir: string, clock = new FakeClock()): Promise<Rig> {
  const tools = new FakeToolServer(clock)
    .define('validate_schedule', { latencyMs: 10, respond: () => ({ is_valid: true }) })
    .define('apply_swap', { latencyMs: 20, writes: true, respond: () => ({ applied: true, data_version: 2 }) });
  const runtime = await PolicyRuntime.create({ invoker: tools, clock, policies: new PolicyTable({}), random: () => 0 });
  const broker = new ApprovalBroker();
  const history = new RunHistory(historyDir);
  let seq = 0;
  const engine = new Engine({ policy: runtime, approvals: broker, clock, history, newRunId: (id) => `${id}-run${++seq}-${Math.random().toString(36).slice(2, 6)}` });
  const store = new RunStore((id) => (id === swapFlow.id ? swapFlow : undefined));
  const events: EngineEvent[] = [];
  engine.subscribe((e) => {
    events.push(e);
    store.apply(e);
  });
  return { clock, tools, engine, broker, store, events, history };
}

/** Moves fake time until `check` holds (a run reaching its approval gate, say). */
export async function until(clock: FakeClock, check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (check()) return;
    await clock.advance(10);
  }
  throw new Error(`never happened: ${what}`);
}

/** Moves fake time until the promise settles; its value. */
export async function settle<T>(clock: FakeClock, promise: Promise<T>): Promise<T> {
  let done = false;
  const tracked = promise.finally(() => {
    done = true;
  });
  tracked.catch(() => undefined);
  await until(clock, () => done, 'the promise to settle');
  return tracked;
}
