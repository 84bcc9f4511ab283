/**
 * Long tools as MCP tasks on the bundled server: a task-mode generation completes with
 * progress, is cancellable (no draft written, the lock released), its result survives the
 * client that started it, and a server killed mid-task reports the task failed after restart.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CallToolResultSchema, CreateTaskResultSchema, type CallToolResult, type Progress, type Task } from '@modelcontextprotocol/sdk/types.js';
import { sampleProgram } from '../../../src/server/program/sample';
import type { ScheduleStore } from '../../../src/server/store/store';
import { TestClock, connectedClient, openStore, schedulingServer } from '../../support/generation/fixtures';
import { SERVER_JS, ensureBuilt } from '../../support/server/client';

const SCHEDULE = 'block-2027-01-04';

function generateParams(version: number, extra: Record<string, unknown> = {}) {
  return { name: 'generate_schedule_tool', arguments: { actor: 'coordinator', expected_data_version: version, schedule_id: SCHEDULE, algorithm: 'greedy', ...extra } };
}

async function startTask(client: Client, params: ReturnType<typeof generateParams>, onprogress?: (p: Progress) => void): Promise<Task> {
  const created = await client.request({ method: 'tools/call', params: { ...params, task: { ttl: 60_000 } } }, CreateTaskResultSchema, onprogress ? { onprogress } : {});
  return created.task;
}

async function until(client: Client, taskId: string, done: (t: Task) => boolean, limitMs = 60_000): Promise<Task> {
  const started = Date.now();
  for (;;) {
    const task = await client.experimental.tasks.getTask(taskId);
    if (done(task)) return task;
    if (Date.now() - started > limitMs) throw new Error(`task ${taskId} still ${task.status} after ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, Math.min(task.pollInterval ?? 200, 200)));
  }
}

const drafts = (store: ScheduleStore) => store.query<{ n: number }>("SELECT count(*) AS n FROM schedules WHERE status = 'draft'")[0]!.n;

describe('long tools as MCP tasks', () => {
  const clock = new TestClock(Date.now());
  let store: ScheduleStore;
  let client: Client;

  before(async () => {
    store = openStore(sampleProgram, clock);
    client = await connectedClient(schedulingServer(store, clock));
  });
  after(async () => {
    await client.close();
    store.close();
  });

  it('declares the tasks capability and taskSupport "optional" on the long tools only', async () => {
    assert.ok(client.getServerCapabilities()?.tasks?.requests?.tools?.call, 'tasks.requests.tools.call');
    assert.ok(client.getServerCapabilities()?.tasks?.cancel, 'tasks.cancel');
    const { tools } = await client.listTools();
    const optional = tools
      .filter((t) => t.execution?.taskSupport === 'optional')
      .map((t) => t.name)
      .sort();
    assert.deepEqual(optional, ['generate_schedule_tool', 'run_contingency_analysis_resilience_tool']);
  });

  it('runs a generation as a task: working with progress, then completed with the draft as its result', async () => {
    const progress: string[] = [];
    const task = await startTask(client, generateParams(store.dataVersion()), (p) => progress.push(p.message ?? ''));
    assert.equal(task.status, 'working');
    assert.ok(task.pollInterval && task.pollInterval > 0);
    const finished = await until(client, task.taskId, (t) => t.status !== 'working');
    assert.equal(finished.status, 'completed', finished.statusMessage);
    const result = await client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
    const out = result.structuredContent as { draft_id: string };
    assert.equal(store.getSchedule(out.draft_id)?.status, 'draft');
    assert.ok(progress.length >= 2, `${progress.length} progress notifications`);
    assert.match(finished.statusMessage ?? '', /%/, 'the last progress is kept as the status message');
  });

  it('a call without task augmentation still answers directly (the server polls its own task)', async () => {
    const result = await client.callTool(generateParams(store.dataVersion()));
    assert.equal(result.isError, undefined, JSON.stringify(result.content));
    assert.ok((result.structuredContent as { draft_id: string }).draft_id);
  });

  it('tasks/cancel stops the solver: cancelled, no draft written, the generation lock released', async () => {
    const before = drafts(store);
    const task = await startTask(client, generateParams(store.dataVersion(), { algorithm: 'optimal', time_limit_seconds: 60 }));
    await new Promise((r) => setTimeout(r, 300));
    const cancelled = await client.experimental.tasks.cancelTask(task.taskId);
    assert.equal(cancelled.status, 'cancelled');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await client.experimental.tasks.getTask(task.taskId)).status, 'cancelled');
    assert.equal(drafts(store), before);
    assert.equal(store.query('SELECT name FROM locks WHERE expires_at > ?', [new Date(clock.now()).toISOString()]).length, 0, 'lock released');
    const result = await client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
    assert.equal(result.isError, true);
  });

  it('the result survives the client that started the task: another client fetches it', async () => {
    const first = await connectedClient(schedulingServer(store, clock));
    const task = await startTask(first, generateParams(store.dataVersion()));
    await first.close();
    const second = await connectedClient(schedulingServer(store, clock));
    try {
      const finished = await until(second, task.taskId, (t) => t.status !== 'working');
      assert.equal(finished.status, 'completed', finished.statusMessage);
      const result = await second.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
      assert.ok((result.structuredContent as { draft_id: string }).draft_id);
      const listed = await second.experimental.tasks.listTasks();
      assert.ok(listed.tasks.some((t) => t.taskId === task.taskId));
    } finally {
      await second.close();
    }
  });
});

describe('a server restarted mid-task', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tasks-restart-'));
  const db = join(dir, 'schedule.db');
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function serverProcess(): Promise<{ client: Client; transport: StdioClientTransport }> {
    ensureBuilt();
    const transport = new StdioClientTransport({ command: process.execPath, args: [SERVER_JS, '--db', db], env: { PATH: process.env.PATH ?? '' }, stderr: 'pipe' });
    const client = new Client({ name: 'restart-test', version: '1.0.0' });
    await client.connect(transport);
    return { client, transport };
  }

  it('reports the task that was running as failed with a reason; a completed one still returns its result', async () => {
    const a = await serverProcess();
    const status = await a.client.callTool({ name: 'get_schedule_status_tool', arguments: {} });
    const version = (status.structuredContent as { data_version: number }).data_version;
    const done = await startTask(a.client, generateParams(version));
    await until(a.client, done.taskId, (t) => t.status === 'completed');
    const running = await startTask(a.client, generateParams(version + 1, { algorithm: 'optimal', time_limit_seconds: 120 }));
    await new Promise((r) => setTimeout(r, 500));
    process.kill(a.transport.pid!, 'SIGKILL');
    await a.client.close().catch(() => undefined);

    const b = await serverProcess();
    try {
      const orphan = await b.client.experimental.tasks.getTask(running.taskId);
      assert.equal(orphan.status, 'failed');
      assert.match(orphan.statusMessage ?? '', /stopped before it finished/);
      const kept = await b.client.experimental.tasks.getTaskResult(done.taskId, CallToolResultSchema);
      assert.ok((kept.structuredContent as { draft_id: string }).draft_id);
    } finally {
      await b.client.close();
    }
  });
});

describe('resource links to stored things', () => {
  const clock = new TestClock(Date.now());
  let store: ScheduleStore;
  let client: Client;
  before(async () => {
    store = openStore(sampleProgram, clock);
    client = await connectedClient(schedulingServer(store, clock));
  });
  after(async () => {
    await client.close();
    store.close();
  });

  it('a generation result links to its draft; resources/list lists the schedules; the link reads', async () => {
    const result = (await client.callTool(generateParams(store.dataVersion()))) as CallToolResult;
    const draftId = (result.structuredContent as { draft_id: string }).draft_id;
    const link = result.content.find((c) => c.type === 'resource_link');
    assert.ok(link && link.type === 'resource_link', 'a resource_link');
    assert.equal(link.uri, `schedule://schedules/${draftId}`);
    const listed = await client.listResources();
    assert.ok(
      listed.resources.some((r) => r.uri === link.uri),
      'resources/list names the draft',
    );
    assert.ok(
      listed.resources.some((r) => r.uri === `schedule://schedules/${SCHEDULE}`),
      'and the published schedule',
    );
    const templates = (await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate);
    for (const t of ['schedule://schedules/{schedule_id}', 'schedule://swaps/{swap_id}', 'schedule://people/{person_id}/schedule', 'schedule://status/{date_range}'])
      assert.ok(templates.includes(t), t);
    const read = await client.readResource({ uri: link.uri });
    const body = JSON.parse((read.contents[0] as { text: string }).text) as { schedule: { id: string; status: string }; assignments: unknown[] };
    assert.equal(body.schedule.id, draftId);
    assert.equal(body.schedule.status, 'draft');
    assert.ok(body.assignments.length > 0);
    const person = store.assignments(SCHEDULE)[0]!.personId;
    const mine = await client.readResource({ uri: `schedule://people/${person}/schedule` });
    const own = JSON.parse((mine.contents[0] as { text: string }).text) as { assignments: { personId: string }[] };
    assert.ok(own.assignments.length > 0 && own.assignments.every((a) => a.personId === person));
    await assert.rejects(client.readResource({ uri: 'schedule://schedules/no-such-draft' }), /no schedule or draft/);
  });
});
