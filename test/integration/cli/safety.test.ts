/**
 * The CLI under faults and careless input, as real processes (dist/cli.js starting
 * dist/server.js, or the degrading proxy in front of it): a server that dies mid-write, a
 * compliance check without validation, report files that cannot or must not be written,
 * a mistyped --db, direct calls of writing tools, credentials in a URL, and the stdio server
 * fed more than it can read.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { list, str } from '../../../src/core/workflows/shared/read';
import { addDays } from '../../../src/core/workflows/shared/scope';
import { proxyCommand, requireBuild, ROOT, runCli, runJson, scratch, type RunJson } from '../../support/workflows/cli';
import { withServer } from '../../support/workflows/swapRequest';

const SERVER_JS = join(ROOT, 'dist', 'server.js');
const APPROVE = ['--approve', '--reason', 'safety test', '--approver', 'alice (safety test)'];
let blockStart: string;

/** A database file seeded with the sample program, and its current status. */
async function sampleDb(dir: string): Promise<{ db: string; status: () => Promise<Record<string, unknown>> }> {
  const db = join(dir, 'program.db');
  const status = () => withServer(['--db', db], (call) => call('get_schedule_status', {}));
  await status();
  return { db, status };
}

function drafts(status: Record<string, unknown>): string[] {
  return (list(status, 'schedules') ?? []).filter((s) => str(s, 'status') === 'draft').map((s) => str(s, 'id') ?? '');
}

before(async () => {
  requireBuild();
  blockStart = await withServer([], async (call) => str(await call('get_schedule_status', {}), 'start_date')!);
});

describe('honest outcomes under faults', () => {
  it('a server that dies mid-write: exit 4, "outcome unknown: check with <read>", then --resume reconciles', async () => {
    const dir = scratch('die-mid-write');
    const { db, status } = await sampleDb(dir);
    const state = join(dir, 'state');
    const week = ['--from', blockStart, '--to', addDays(blockStart, 6), '--today', blockStart, '--algorithm', 'greedy'];
    const dying = proxyCommand(dir, { dieAfter: ['generate_schedule_tool'], serverArgs: ['--db', db] });

    const { code, json } = await runJson(['run', 'generate', ...week, '--state-dir', state, ...APPROVE, ...dying]);
    const r = json as unknown as RunJson;
    assert.equal(code, 4, r.report.header.reason ?? '');
    assert.equal(r.status, 'failed');
    assert.equal(r.report.header.engineStatus, 'needs_review');
    assert.match(r.report.header.headline, /^Outcome of generate_schedule unknown: check with get_schedule_status/);
    assert.doesNotMatch(`${r.report.header.headline} ${r.decision}`, /nothing changed/);
    assert.match(r.report.nextSteps[0] ?? '', /sched-orch call get_schedule_status/);
    const uncertain = r.report.degraded.find((d) => d.kind === 'uncertain_write');
    assert.ok(uncertain, 'the write is reported as uncertain');
    // Every suggestion is something the CLI can do: no option it does not have.
    assert.doesNotMatch(JSON.stringify([r.report.header.reason, r.report.nextSteps, r.report.degraded]), /retryUncertainWrites/);
    const written = drafts(await status());
    assert.equal(written.length, 1, 'the server applied the write before it died');

    // The summary a person reads says the same, with the resume command.
    const again = await runCli([
      'run',
      'generate',
      ...week,
      '--state-dir',
      join(dir, 'state2'),
      ...APPROVE,
      ...proxyCommand(dir, { dieAfter: ['generate_schedule_tool'], serverArgs: ['--db', db] }, 'again'),
    ]);
    assert.equal(again.code, 4);
    assert.match(again.stdout, /Outcome of generate_schedule unknown: check with get_schedule_status/);
    assert.match(again.stdout, /Then: +If the check shows it was not applied: sched-orch run --resume \S+ --retry-uncertain-write generate/);
    assert.doesNotMatch(again.stdout + again.stderr, /retryUncertainWrites/);

    // Resuming without a retry keeps the write unknown (nothing is sent twice).
    const resumed = await runJson(['run', '--resume', r.report.header.runId, '--state-dir', state, ...APPROVE, '--db', db]);
    assert.equal((resumed.json as unknown as RunJson).report.header.runId, r.report.header.runId);
    assert.equal(drafts(await status()).length, 2, 'only the second dying run added a draft');
    assert.notEqual(resumed.code, 0);

    const unknownRun = await runCli(['run', '--resume', 'run-does-not-exist', '--state-dir', state, '--db', db]);
    assert.equal(unknownRun.code, 1);
    assert.match(unknownRun.stderr, /--resume run-does-not-exist/);
    const mixed = await runCli(['run', 'generate', '--resume', r.report.header.runId, '--from', blockStart, '--state-dir', state]);
    assert.equal(mixed.code, 1);
    assert.match(mixed.stderr, /drop --from/);
  });

  it('a compliance check without any validation shows no score next to UNKNOWN', async () => {
    const dir = scratch('no-validation');
    const failing = 'database disk image is malformed';
    const server = proxyCommand(dir, { fail: { validate_schedule_tool: failing, validate_schedule_by_id_tool: failing, quick_validate_schedule_tool: failing } });
    const { code, json } = await runJson(['run', 'compliance', '--today', blockStart, '--state-dir', join(dir, 'state'), ...server]);
    const r = json as unknown as RunJson;
    assert.equal(code, 3);
    assert.match(r.report.header.headline, /UNKNOWN/);
    assert.doesNotMatch(r.report.header.headline, /\d+\/100|\d+ violation/);
    const score = r.report.metrics.find((m) => m.label === 'Compliance score');
    assert.match(score?.value ?? '', /not scored/);
  });
});

describe('safe file handling', () => {
  it('a report file that cannot be written stops the run before anything is written', async () => {
    const dir = scratch('report-missing-dir');
    const { db, status } = await sampleDb(dir);
    const before = drafts(await status());
    const state = join(dir, 'state');
    const run = await runCli([
      'run',
      'generate',
      '--from',
      blockStart,
      '--to',
      addDays(blockStart, 6),
      '--today',
      blockStart,
      '--algorithm',
      'greedy',
      ...APPROVE,
      '--db',
      db,
      '--state-dir',
      state,
      '--report-file',
      join(dir, 'no', 'such', 'dir', 'r.md'),
    ]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /--report-file .*does not exist/);
    assert.deepEqual(drafts(await status()), before, 'no draft was generated');
    assert.equal(existsSync(join(state, 'runs')), false, 'no run was started');
  });

  it('an existing report file is replaced only with --force; a symlink never', async () => {
    const dir = scratch('report-exists');
    const state = join(dir, 'state');
    const file = join(dir, 'report.md');
    writeFileSync(file, 'keep me');
    const refused = await runCli(['run', 'compliance', '--today', blockStart, '--state-dir', state, '--report-file', file]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /already exists: refusing to overwrite it without --force/);
    assert.equal(readFileSync(file, 'utf8'), 'keep me');

    const forced = await runCli(['run', 'compliance', '--today', blockStart, '--state-dir', state, '--report-file', file, '--force']);
    assert.ok(forced.code === 0 || forced.code === 2 || forced.code === 3, forced.stderr);
    assert.match(readFileSync(file, 'utf8'), /Compliance/);
    assert.match(readFileSync(`${file}.json`, 'utf8'), /"format": "sched-orch.report"/);

    const target = join(dir, 'precious.txt');
    writeFileSync(target, 'precious');
    const link = join(dir, 'link.md');
    symlinkSync(target, link);
    const viaLink = await runCli(['run', 'compliance', '--today', blockStart, '--state-dir', state, '--report-file', link, '--force']);
    assert.equal(viaLink.code, 1);
    assert.match(viaLink.stderr, /symbolic link/);
    assert.equal(readFileSync(target, 'utf8'), 'precious');
  });

  it('a --db that does not exist needs --create; export-program of a missing database fails', async () => {
    const dir = scratch('db-create');
    const db = join(dir, 'mistyped.db');
    const refused = await runCli(['tools', '--db', db]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /does not exist: check the path, or add --create/);
    assert.equal(existsSync(db), false, 'nothing was created');
    const created = await runCli(['tools', '--db', db, '--create']);
    assert.equal(created.code, 0, created.stderr);
    assert.ok(existsSync(db));

    const out = join(dir, 'export.json');
    const exported = spawnSync(process.execPath, [SERVER_JS, 'export-program', '--db', join(dir, 'other.db'), '--out', out], { encoding: 'utf8' });
    assert.notEqual(exported.status, 0);
    assert.match(exported.stderr, /the database .*other\.db does not exist/);
    assert.equal(existsSync(join(dir, 'other.db')), false);
    assert.equal(existsSync(out), false);
  });

  it('the server imports --program only after every option is valid', () => {
    const dir = scratch('program-late');
    const program = join(dir, 'program.json');
    const gen = spawnSync(process.execPath, [SERVER_JS, 'generate-program', '--residents-per-pgy', '2', '--faculty', '3', '--weeks', '4', '--seed', '3', '--out', program], {
      encoding: 'utf8',
    });
    assert.equal(gen.status, 0, gen.stderr);
    const db = join(dir, 'p.db');
    const bad = spawnSync(process.execPath, [SERVER_JS, '--db', db, '--program', program, '--http', '--port', '99999'], { encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--port must be 0-65535/);
    assert.equal(existsSync(db), false, 'the database was not touched');
  });
});

describe('approvals for direct calls of writing tools', () => {
  it('without a terminal or --approve the write is refused (exit 3) and the refusal recorded; approved, the approver is the actor', async () => {
    const dir = scratch('call-approval');
    const { db, status } = await sampleDb(dir);
    const state = join(dir, 'state');
    const version = (await status())['data_version'];
    const args = JSON.stringify({ expected_data_version: version, start_date: blockStart, end_date: addDays(blockStart, 6), algorithm: 'greedy' });

    const refused = await runCli(['call', 'generate_schedule', '--args', args, '--db', db, '--state-dir', state]);
    assert.equal(refused.code, 3, refused.stderr);
    assert.match(refused.stderr, /generate_schedule_tool writes and was not approved/);
    assert.equal(drafts(await status()).length, 0, 'nothing was written');
    const log = () =>
      readFileSync(join(state, 'approvals.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual([log()[0]?.['tool'], log()[0]?.['approved']], ['generate_schedule_tool', false]);

    const approved = await runCli(['call', 'generate_schedule', '--args', args, '--db', db, '--state-dir', state, ...APPROVE]);
    assert.equal(approved.code, 0, approved.stderr);
    assert.deepEqual([log()[1]?.['approved'], log()[1]?.['approver'], log()[1]?.['reason']], [true, 'alice (safety test)', 'safety test']);
    const audit = await withServer(['--db', db], (call) => call('get_audit_log_tool', { action: 'generate_schedule', limit: 1 }));
    assert.equal(str((list(audit, 'entries') ?? [])[0], 'actor'), 'alice (safety test)');

    const read = await runCli(['call', 'get_schedule_status', '--db', db, '--state-dir', state]);
    assert.equal(read.code, 0, 'reads need no approval');
    assert.equal(log().length, 2);
  });
});

describe('credentials and the stdio server', () => {
  it('credentials in --server-url never reach the error line', async () => {
    const run = await runCli(['tools', '--server-url', 'http://bob:hunter2@127.0.0.1:9/mcp', '--verbose']);
    assert.notEqual(run.code, 0);
    assert.doesNotMatch(run.stderr, /hunter2|bob:/);
  });

  it('more than 10 MiB on stdin: the server says why it exits, with an error code', async () => {
    const child = spawn(process.execPath, [SERVER_JS], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.on('error', () => undefined);
    child.stdin.write('x'.repeat(11 * 1024 * 1024));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 1);
    assert.match(stderr, /shutting down .*ReadBuffer exceeded maximum size/);
  });
});
