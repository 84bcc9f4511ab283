/**
 * `sched-orch run resilience` against peers that speak other contracts than the bundled server
 * (test/support/workflows/realContract.ts through the degrading proxy): one that validates its
 * arguments like the real server, one that answers from defaults. Without a terminal the CLI
 * names the flag of each argument it could not derive; with the flags the first tier completes
 * and the report says where each argument came from. The proxy's log shows what was sent.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { proxyCommand, requireBuild, runJson, scratch, type RunJson } from '../../support/workflows/cli';

const TODAY = ['--today', '2027-01-04'];

before(requireBuild);

type Step = RunJson['report']['phases'][number]['steps'][number];

function stepOf(run: RunJson, id: string): Step | undefined {
  return run.report.phases.flatMap((p) => p.steps).find((s) => s.id === id);
}

/** The arguments of every call the peer received, by tool. */
function sent(log: string): { tool: string; args: Record<string, unknown> }[] {
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('args '))
    .map((l) => {
      const [, tool, ...rest] = l.split(' ');
      return { tool: tool!, args: JSON.parse(rest.join(' ')) as Record<string, unknown> };
    });
}

async function resilience(dir: string, scenario: Parameters<typeof proxyCommand>[1], flags: string[] = []) {
  const log = join(dir, `calls-${flags.length}.log`);
  const { code, json } = await runJson(['run', 'resilience', '--state-dir', join(dir, 'state'), ...proxyCommand(dir, { ...scenario, log }), ...TODAY, ...flags]);
  return { code, run: json as unknown as RunJson, calls: sent(log), log: readFileSync(log, 'utf8') };
}

describe('arguments planned from the server’s declared schemas', () => {
  it('a real-contract peer: derives what it can, names the flag of the rest without a terminal, and completes tier 1 with it', async () => {
    const dir = scratch('args-real');
    const first = await resilience(dir, { contract: 'real' });
    assert.doesNotMatch(first.log, /^rejected /m, 'no call the peer rejects was sent');
    assert.equal(first.calls.filter((c) => c.tool === 'check_utilization_threshold_tool').length, 0);
    const util = stepOf(first.run, 'utilization')!;
    assert.equal(util.skipCause, 'needs_input');
    assert.deepEqual(util.missingFlags, ['--required-blocks <n>']);
    assert.ok(
      first.run.report.nextSteps.some((s) => s.includes('--required-blocks <n>')),
      first.run.report.nextSteps.join('\n'),
    );
    const defense = stepOf(first.run, 'defense')!;
    assert.equal(defense.status, 'succeeded');
    assert.match(defense.arguments.join(), /^coverage_rate 0\.\d+ from get_schedule_status$/);

    const second = await resilience(dir, { contract: 'real' }, ['--required-blocks', '120']);
    assert.doesNotMatch(second.log, /^rejected /m);
    const call = second.calls.find((c) => c.tool === 'check_utilization_threshold_tool');
    assert.equal(call?.args['required_blocks'], 120);
    assert.equal(typeof call?.args['available_faculty'], 'number');
    const util2 = stepOf(second.run, 'utilization')!;
    assert.equal(util2.status, 'succeeded');
    assert.deepEqual(
      util2.arguments.map((a) => a.replace(/\d+/, 'N')),
      ['available_faculty N from get_schedule_status', 'required_blocks N given (--required-blocks)'],
    );
    assert.ok(second.run.report.header.decision.length > 0);
  });

  it('a peer that answers from defaults: the capacity tools are never called without their figures and raise no alert', async () => {
    const dir = scratch('args-defaults');
    const { run, calls } = await resilience(dir, { contract: 'defaults', drop: ['get_schedule_status_tool', 'list_people_tool'] });
    for (const c of calls.filter((x) => x.tool === 'check_utilization_threshold_tool' || x.tool === 'get_defense_level_tool')) {
      assert.ok(Object.keys(c.args).length > 0, `${c.tool} was sent blind`);
    }
    assert.equal(calls.filter((c) => c.tool === 'check_utilization_threshold_tool').length, 0);
    assert.deepEqual(stepOf(run, 'utilization')!.missingFlags, ['--available-faculty <n>', '--required-blocks <n>']);
    // The coverage rate comes from a validation result when the status is not there.
    assert.match(stepOf(run, 'defense')!.arguments.join(), /coverage_rate 0\.\d+ from validate_schedule/);
    assert.ok(!run.report.alerts.some((a) => a.source === 'utilization' || (a.source === 'defense' && a.severity === 'RED')), JSON.stringify(run.report.alerts));
  });

  it('the bundled server’s own schemas accept every call of the read-only workflows as sent', async () => {
    const dir = scratch('args-bundled');
    for (const [workflow, mode] of [
      ['compliance', 'audit'],
      ['resilience', 'deep'],
      ['generate', 'standard'],
    ] as const) {
      const log = join(dir, `${workflow}.log`);
      const { json } = await runJson(['run', workflow, '--mode', mode, '--state-dir', join(dir, 'state'), ...proxyCommand(dir, { log }, workflow), ...TODAY]);
      const run = json as unknown as RunJson;
      for (const s of run.report.phases.flatMap((p) => p.steps)) {
        assert.doesNotMatch(s.note ?? '', /not sent|were not sent|needs input/, `${workflow}/${s.id}: ${s.note}`);
      }
      assert.ok(sent(log).length > 3, `${workflow}: ${sent(log).length} calls`);
    }
  });
});
