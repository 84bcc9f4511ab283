/**
 * Generation, drafts and publishing through real MCP clients: progress notifications,
 * the per-schedule generation lock held in the database across concurrent requests,
 * cancellation releasing it, stale versions and stale drafts refused, rollback inside and
 * outside the 24-hour window (clock injected), and an audit record for every write.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { sampleProgram } from '../../../src/server/program/sample';
import type { ScheduleStore } from '../../../src/server/store/store';
import { TestClock, call, codeOf, connectedClient, openStore, schedulingServer } from '../../support/generation/fixtures';

interface Generated {
  run_id: string;
  draft_id: string;
  schedule_id: string;
  data_version: number;
  status: string;
  fell_back_to_greedy: boolean;
  metrics: { hard_violations: number; coverage: { complete: boolean; rate: number }; changes: { total: number }; equity: Record<string, { gini_hours: number }> };
}

describe('generation, drafts and publishing over MCP', () => {
  const clock = new TestClock();
  let store: ScheduleStore;
  let client: Client;
  let other: Client;
  /** Where a generation run waits once it holds its lock (none: runs go straight on). */
  let hold: ((signal: AbortSignal) => Promise<void>) | undefined;
  const holdGeneration = (signal: AbortSignal) => hold?.(signal) ?? Promise.resolve();

  const version = () => store.dataVersion();
  const generate = (extra: Record<string, unknown> = {}, c = client, options: Parameters<typeof call>[3] = {}) =>
    call<Generated>(c, 'generate_schedule_tool', { actor: 'coordinator', expected_data_version: version(), algorithm: 'greedy', time_limit_seconds: 30, ...extra }, options);

  before(async () => {
    store = openStore(sampleProgram, clock);
    // Two server instances over one store: two requests of one server process.
    client = await connectedClient(schedulingServer(store, clock, { holdGeneration }));
    other = await connectedClient(schedulingServer(store, clock, { holdGeneration }));
  });
  after(async () => {
    await client.close();
    await other.close();
    store.close();
  });

  it('lists the write tools with truthful annotations', async () => {
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t.annotations]));
    assert.deepEqual(
      { readOnly: byName.get('generate_schedule_tool')?.readOnlyHint, destructive: byName.get('generate_schedule_tool')?.destructiveHint },
      { readOnly: false, destructive: false },
    );
    for (const name of ['publish_draft_tool', 'rollback_publish_tool', 'execute_swap_tool', 'rollback_swap_tool']) {
      assert.equal(byName.get(name)?.destructiveHint, true, name);
      assert.equal(byName.get(name)?.idempotentHint, false, name);
    }
    for (const name of ['get_draft_preview_tool', 'validate_swap_tool', 'get_swap_history_tool', 'get_audit_log_tool']) assert.equal(byName.get(name)?.readOnlyHint, true, name);
  });

  it('generates a draft with progress notifications, metrics and an audit record; the published schedule is unchanged', async () => {
    const before = store.assignments('block-2027-01-04');
    const progress: string[] = [];
    const v = version();
    const out = await generate({}, client, { onprogress: (p) => progress.push(p.message ?? '') });
    assert.ok(out.ok, out.error);
    const r = out.result;
    assert.ok(progress.length >= 2, `${progress.length} progress notifications`);
    assert.equal(r.data_version, v + 1);
    assert.equal(r.schedule_id, 'block-2027-01-04');
    assert.equal(r.metrics.hard_violations, 0);
    assert.equal(r.metrics.coverage.complete, true);
    assert.ok(r.metrics.equity['PGY-1']);
    assert.deepEqual(store.assignments('block-2027-01-04'), before, 'generation writes a draft, never the published schedule');
    assert.equal(store.getSchedule(r.draft_id)?.status, 'draft');
    const audit = store.auditLog({ limit: 1 })[0]!;
    assert.deepEqual([audit.action, audit.actor, audit.target, audit.versionBefore, audit.versionAfter], ['generate_schedule', 'coordinator', r.draft_id, v, v + 1]);
    assert.equal(audit.details?.['run_id'], r.run_id);
  });

  it('refuses a stale expected_data_version with CONFLICT and writes nothing', async () => {
    const v = version();
    const out = await generate({ expected_data_version: v - 1 });
    assert.equal(codeOf(out.error), 'CONFLICT');
    assert.equal(version(), v);
  });

  it('holds one generation per schedule: a concurrent request is LOCKED by the run, recorded in the database; cancelling releases it', async () => {
    const controller = new AbortController();
    // The run is held after it takes its lock until it is cancelled, however fast it would solve.
    let started!: () => void;
    const holding = new Promise<void>((resolve) => (started = resolve));
    hold = (signal) => {
      started();
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('cancelled while held')), { once: true }));
    };
    const first = generate({ algorithm: 'optimal', time_limit_seconds: 120 }, client, { signal: controller.signal }).catch((error: unknown) => error);
    await holding;
    hold = undefined;
    const lock = store.query<{ owner: string; expires_at: string }>("SELECT owner, expires_at FROM locks WHERE name = 'generation:block-2027-01-04'");
    assert.equal(lock.length, 1);
    assert.match(lock[0]!.owner, /^run-/);
    assert.ok(Date.parse(lock[0]!.expires_at) > clock.now());

    const second = await generate({}, other);
    assert.equal(codeOf(second.error), 'LOCKED', second.error);
    assert.ok(second.error.includes(`locked by run ${lock[0]!.owner}`), second.error);

    const cancelledAt = Date.now();
    controller.abort();
    assert.ok((await first) instanceof Error, 'the cancelled call rejects on the client');
    // The server stops the run and releases the lock promptly.
    while (store.query("SELECT 1 AS x FROM locks WHERE name = 'generation:block-2027-01-04'").length > 0) {
      assert.ok(Date.now() - cancelledAt < 5000, 'lock released within 5 s of the cancel');
      await new Promise((r) => setTimeout(r, 50));
    }
    const third = await generate({}, other);
    assert.ok(third.ok, third.error);
  });

  it('previews a draft as a diff against the published schedule', async () => {
    const { result: g } = await generate();
    const out = await call<{
      stale: boolean;
      people: { person_id: string; added: unknown[]; removed: unknown[]; hours_before: number; hours_after: number }[];
      metrics: { hard_violations: number };
    }>(client, 'get_draft_preview_tool', { draft_id: g.draft_id });
    assert.ok(out.ok, out.error);
    assert.equal(out.result.stale, false);
    assert.equal(out.result.metrics.hard_violations, 0);
    assert.ok(out.result.people.length > 0);
    for (const p of out.result.people) assert.ok(p.added.length + p.removed.length > 0);
    assert.ok(out.result.people.some((p) => p.hours_before !== p.hours_after));
    assert.equal(codeOf((await call(client, 'get_draft_preview_tool', { draft_id: 'draft-nope' })).error), 'NOT_FOUND');
  });

  it('publishes with a backup, refuses stale versions and stale drafts, and rolls back only within 24 hours', async () => {
    const { result: d1 } = await generate({ random_seed: 11 });
    const { result: d2 } = await generate({ random_seed: 12 });
    const published = () => store.assignments('block-2027-01-04');
    const original = published();

    const stale = await call(client, 'publish_draft_tool', { actor: 'coordinator', expected_data_version: version() - 1, draft_id: d1.draft_id });
    assert.equal(codeOf(stale.error), 'CONFLICT');
    assert.deepEqual(published(), original);

    const v = version();
    const pub = await call<{ publish_id: string; data_version: number; rollback_deadline: string }>(client, 'publish_draft_tool', {
      actor: 'coordinator',
      expected_data_version: v,
      draft_id: d1.draft_id,
    });
    assert.ok(pub.ok, pub.error);
    assert.equal(pub.result.data_version, v + 1);
    assert.deepEqual(
      published()
        .map((a) => a.id)
        .sort(),
      store
        .assignments(d1.draft_id)
        .map((a) => a.id)
        .sort(),
    );
    const backup = store.query<{ reason: string }>('SELECT reason FROM backups WHERE id = ?', [pub.result.publish_id]);
    assert.match(backup[0]!.reason, /before publishing draft/);

    const again = await call(client, 'publish_draft_tool', { actor: 'coordinator', expected_data_version: version(), draft_id: d1.draft_id });
    assert.equal(codeOf(again.error), 'INVALID_STATUS');
    const staleDraft = await call(client, 'publish_draft_tool', { actor: 'coordinator', expected_data_version: version(), draft_id: d2.draft_id });
    assert.equal(codeOf(staleDraft.error), 'CONFLICT');
    assert.match(staleDraft.error, /stale/);

    clock.advanceHours(23);
    const rb = await call<{ data_version: number; restored: number }>(client, 'rollback_publish_tool', {
      actor: 'coordinator',
      expected_data_version: version(),
      publish_id: pub.result.publish_id,
    });
    assert.ok(rb.ok, rb.error);
    assert.deepEqual(published(), original, 'the rollback restores the schedule as it was');
    const twice = await call(client, 'rollback_publish_tool', { actor: 'coordinator', expected_data_version: version(), publish_id: pub.result.publish_id });
    assert.equal(codeOf(twice.error), 'INVALID_STATUS');

    const { result: d3 } = await generate({ random_seed: 13 });
    const pub3 = await call<{ publish_id: string }>(client, 'publish_draft_tool', { actor: 'coordinator', expected_data_version: version(), draft_id: d3.draft_id });
    assert.ok(pub3.ok, pub3.error);
    clock.advanceHours(25);
    const late = await call(client, 'rollback_publish_tool', { actor: 'coordinator', expected_data_version: version(), publish_id: pub3.result.publish_id });
    assert.equal(codeOf(late.error), 'ROLLBACK_WINDOW_EXPIRED');
    assert.deepEqual(
      published()
        .map((a) => a.id)
        .sort(),
      store
        .assignments(d3.draft_id)
        .map((a) => a.id)
        .sort(),
      'nothing changed',
    );

    const actions = store.auditLog({ limit: 50 }).map((e) => e.action);
    assert.ok(actions.includes('publish_draft') && actions.includes('rollback_publish'));
    const log = await call<{ entries: { action: string; data_version_before: number; data_version_after: number }[] }>(client, 'get_audit_log_tool', { action: 'publish_draft' });
    assert.equal(log.result.entries.length, 2);
    for (const e of log.result.entries) assert.equal(e.data_version_after, e.data_version_before + 1);
  });

  it('generates an academic block, and reports an impossible request as INFEASIBLE naming the binding constraint', async () => {
    const outside = await generate({ academic_block: 1 });
    assert.equal(codeOf(outside.error), 'NOT_FOUND', 'block 1 (July) is outside the January schedule');
    const faculty = store.reference().people.filter((p) => p.role === 'faculty');
    store.write('test', 'setup', undefined, (tx) => {
      const program = tx.reference();
      tx.replaceProgram({
        format: 'sched-orch.program',
        formatVersion: 1,
        program: program.program,
        shiftTypes: program.shiftTypes,
        services: program.services,
        coverage: program.coverage,
        people: program.people,
        absences: [
          ...program.absences,
          ...faculty.map((p, i) => ({ id: `away-${i}`, personId: p.id, type: 'deployment' as const, start: '2027-01-14', end: '2027-01-14', blocking: true })),
        ],
        schedules: sampleProgram().schedules,
        policies: program.policies,
      });
    });
    const out = await generate();
    assert.equal(codeOf(out.error), 'INFEASIBLE');
    assert.match(out.error, /not enough faculty to (staff|supervise) .* on 2027-01-14/);
  });
});
