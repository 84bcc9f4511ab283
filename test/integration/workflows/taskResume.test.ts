/**
 * A generation run as an MCP task survives its host: the CLI is killed (SIGKILL) while the
 * server task runs, and the run is resumed through SchedulingApp.resume against a new server
 * process on the same database. The resumed run polls the recorded task (no second
 * generation), picks up its draft and continues to the publish approval gate.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { SchedulingApp } from '../../../src/core/app/schedulingApp';
import type { ApprovalRequest } from '../../../src/core/engine/approval';
import type { RunEvent } from '../../../src/core/engine/events';
import { parseServerConfig } from '../../../src/core/mcp/config';
import { McpConnection } from '../../../src/core/mcp/connection';
import { silentLogger } from '../../../src/core/util/log';
import { str } from '../../../src/core/workflows/shared/read';
import { addDays } from '../../../src/core/workflows/shared/scope';
import { ScheduleStore } from '../../../src/server/store/store';
import { ROOT, requireBuild, scratch, spawnCli } from '../../support/workflows/cli';
import { withServer } from '../../support/workflows/swapRequest';

const APPROVE = ['--approve', '--reason', 'integration test', '--approver', 'coordinator (integration test)'];

function runEvents(stateDir: string): { runId: string; events: RunEvent[] } | undefined {
  const dir = join(stateDir, 'runs');
  if (!existsSync(dir)) return undefined;
  const file = readdirSync(dir).find((f) => f.endsWith('.jsonl'));
  if (!file) return undefined;
  const lines = readFileSync(join(dir, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const events: RunEvent[] = [];
  for (const line of lines) {
    try {
      events.push(JSON.parse(line) as RunEvent);
    } catch {
      // a line being written
    }
  }
  return { runId: file.replace(/\.jsonl$/, ''), events };
}

async function waitFor<T>(what: string, probe: () => T | undefined, limitMs = 90_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a task-mode generation survives a killed CLI', () => {
  before(() => requireBuild());

  it('resumes by polling the recorded task: one draft, one generation, the run reaches the publish gate', async () => {
    const dir = scratch('task-resume');
    const db = join(dir, 'schedule.db');
    const stateDir = join(dir, 'state');
    const start = await withServer(['--db', db], async (call) => str(await call('get_schedule_status', {}), 'start_date')!);

    const cli = spawnCli([
      'run',
      'generate',
      '--db',
      db,
      '--state-dir',
      stateDir,
      '--from',
      start,
      '--to',
      addDays(start, 6),
      '--today',
      start,
      '--algorithm',
      'optimal',
      '--time-limit-seconds',
      '20',
      ...APPROVE,
    ]);
    const started = await waitFor('the task_started record', () => {
      const run = runEvents(stateDir);
      const task = run?.events.find((e): e is Extract<RunEvent, { type: 'task_started' }> => e.type === 'task_started' && e.stepId === 'generate');
      return run && task ? { runId: run.runId, taskId: task.taskId } : undefined;
    });
    cli.child.kill('SIGKILL');
    await cli.done;
    assert.equal(
      runEvents(stateDir)!.events.some((e) => e.type === 'run_finished'),
      false,
      'the killed run did not finish',
    );

    const connection = new McpConnection({
      server: parseServerConfig({ kind: 'stdio', command: process.execPath, args: [join(ROOT, 'dist', 'server.js'), '--db', db] }),
      reconnect: false,
    });
    await connection.connect();
    // Latency penalties off: wall-clock speed on a loaded machine must not decide the publish gate.
    const app = await SchedulingApp.create({ connection, stateDir, logger: silentLogger, policies: { '*': { confidence: { slowAfterMs: 600_000 } } } });
    const asked: ApprovalRequest[] = [];
    try {
      const ticket = await app.resume(started.runId, {
        responder: async (request) => {
          asked.push(request);
          return { approved: false, approver: 'test', reason: 'stop at the publish gate', at: Date.now() };
        },
      });
      const outcome = await ticket.done;
      const generate = outcome.summary.steps.find((s) => s.stepId === 'generate');
      assert.equal(generate?.status, 'succeeded', JSON.stringify(generate));
      assert.equal(asked.length, 1, `one approval asked after the resume (${outcome.summary.status}: ${outcome.summary.reason})`);
      assert.match(asked[0]!.summary + (asked[0]!.details ?? ''), /publish|draft/i);
      assert.equal(outcome.summary.status, 'rejected');
    } finally {
      await app.dispose();
      await connection.close();
    }

    const events = runEvents(stateDir)!.events;
    const tasks = events.filter((e): e is Extract<RunEvent, { type: 'task_started' }> => e.type === 'task_started' && e.stepId === 'generate');
    assert.deepEqual(
      tasks.map((t) => t.taskId),
      [started.taskId, started.taskId],
      'the resumed run polled the same task',
    );
    const store = ScheduleStore.open({ path: db, logger: silentLogger });
    try {
      assert.equal(store.query("SELECT count(*) AS n FROM schedules WHERE status = 'draft'")[0]!['n'], 1, 'exactly one draft');
      assert.equal(store.query("SELECT count(*) AS n FROM audit WHERE action = 'generate_schedule'")[0]!['n'], 1, 'exactly one generation');
    } finally {
      store.close();
    }
  });
});
