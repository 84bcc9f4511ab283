/**
 * The workflows against a degrading MCP server (test/support/workflows/proxyServer.ts in
 * front of dist/server.js): tools missing as on the real server without its analytics,
 * a validation tool that times out, placeholder results, and a tool whose failures open
 * its circuit breaker. Each time the report says what happened and the confidence and the
 * decision reflect it. Also: Ctrl-C cancels the run and the server is told so.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ARMORY_TOOLS } from '../../support/workflows/scenario';
import { proxyCommand, requireBuild, runJson, scratch, spawnCli, step, type RunJson } from '../../support/workflows/cli';

const TODAY = ['--today', '2027-01-04'];

before(requireBuild);

async function run(args: string[]): Promise<{ code: number | null; run: RunJson }> {
  const { code, json } = await runJson(args);
  return { code, run: json as unknown as RunJson };
}

describe('degraded servers', () => {
  it('(a) without the analytics tools: the phases continue with lower confidence and the report lists what was missing', async () => {
    const dir = scratch('degraded-a');
    const server = proxyCommand(dir, { drop: ARMORY_TOOLS });
    const healthy = await run(['run', 'compliance', '--state-dir', scratch('healthy-a'), ...TODAY]);
    const { code, run: degraded } = await run(['run', 'compliance', '--state-dir', join(dir, 'state'), ...server, ...TODAY]);
    assert.equal(code, 3, 'still blocked by the violations it did find');
    const advanced = degraded.phases.find((p) => p.id === 'advanced')!;
    assert.ok(advanced.confidence! < 0.7, `advanced ${advanced.confidence}`);
    assert.ok(degraded.confidence! < healthy.run.confidence!);
    const unavailable = degraded.report.degraded.filter((d) => d.kind === 'unavailable').map((d) => d.step);
    assert.deepEqual(unavailable.sort(), ['capability', 'equity', 'spc', 'supply_demand', 'workload_trend']);
    assert.ok(degraded.report.decisions.some((d) => d.phase === 'advanced' && d.decision === 'review'));
    assert.ok(degraded.report.recommendations.some((r) => /Enable the analytics tools/.test(r.text)));

    const resilience = await run(['run', 'resilience', '--mode', 'deep', '--state-dir', join(dir, 'state'), ...server, ...TODAY]);
    assert.equal(step(resilience.run, 'rt')!.status, 'skipped');
    assert.equal(step(resilience.run, 'unified')!.status, 'succeeded', 'core tools still answer');
    assert.equal(resilience.run.status, 'needs_review');
    assert.match(resilience.run.report.header.reason!, /early warning >= 0.70/);
  });

  it('(b) validation times out: the cached result (< 6 h), else quick validation, else the workflow is blocked', async () => {
    const dir = scratch('degraded-b');
    const state = join(dir, 'state');
    const policy = join(dir, 'policy.json');
    // Short limits keep the test fast; a 1 ms freshness makes the second run call the tool and fall back to the cache.
    writeFileSync(
      policy,
      JSON.stringify({ validate_schedule: { timeoutMs: 1500, stepTimeoutMs: 5000, retry: { maxRetries: 1, initialDelayMs: 50 }, cache: { ttlMs: 1, maxAgeMs: 6 * 3_600_000 } } }),
    );
    const server = proxyCommand(dir, {});
    const args = ['run', 'compliance', '--mode', 'quick', '--state-dir', state, '--policy', policy, ...server, ...TODAY];
    await run(args);
    proxyCommand(dir, { hang: ['validate_schedule_tool'] });
    const cached = await run(args);
    const v1 = step(cached.run, 'validate')!;
    assert.deepEqual([v1.source, v1.attempts], ['cache', 2]);
    assert.ok(cached.run.report.degraded.some((d) => d.step === 'validate' && d.kind === 'cache' && /using cached result from \d+ s ago/.test(d.detail)));

    const fresh = await run(['run', 'compliance', '--mode', 'quick', '--state-dir', join(dir, 'state2'), '--policy', policy, ...server, ...TODAY]);
    const v2 = step(fresh.run, 'validate')!;
    assert.equal(v2.source, 'fallback');
    assert.equal(v2.tool, 'quick_validate_schedule_tool');
    assert.ok(fresh.run.report.degraded.some((d) => d.kind === 'fallback' && d.detail.startsWith('Quick validation only')));
    assert.ok(v2.confidence < 0.85);

    proxyCommand(dir, { hang: ['validate_schedule_tool'], drop: ['quick_validate_schedule_tool'] });
    const blocked = await run(['run', 'compliance', '--mode', 'quick', '--state-dir', join(dir, 'state3'), '--policy', policy, ...server, ...TODAY]);
    assert.equal(blocked.code, 3);
    assert.equal(blocked.run.status, 'blocked');
    assert.match(blocked.run.report.header.reason!, /Cannot proceed - .* unavailable/);
    assert.equal(step(blocked.run, 'validate')!.status, 'failed');
  });

  it('(c) placeholder results count as no evidence: confidence 0 for the step, left out of the gate, and the decision rests on the real validation', async () => {
    const dir = scratch('degraded-c');
    const { code, run: r } = await run([
      'run',
      'compliance',
      '--mode',
      'quick',
      '--state-dir',
      join(dir, 'state'),
      ...proxyCommand(dir, { placeholder: ['validate_schedule_by_id_tool'] }),
      ...TODAY,
    ]);
    assert.equal(step(r, 'validate_by_id')!.confidence, 0);
    assert.ok(r.report.degraded.some((d) => d.kind === 'placeholder' && /metadata\.source = "placeholder"/.test(d.detail)));
    assert.equal(code, 3);
    assert.equal(step(r, 'validate_by_id')!.status, 'skipped');
    assert.match(r.report.header.reason!, /CRITICAL .*deployment blocked by \d+ critical/);
  });

  it('(d) time-outs open the breaker: fast-fail with the cached analysis, and the report shows the breaker change', async () => {
    const dir = scratch('degraded-d');
    const state = join(dir, 'state');
    const policy = join(dir, 'policy.json');
    // Only transient failures (time-outs, connection errors) count against a breaker; one opens it here.
    writeFileSync(
      policy,
      JSON.stringify({
        run_contingency_analysis_deep: {
          timeoutMs: 1500,
          stepTimeoutMs: 5000,
          retry: { maxRetries: 1, initialDelayMs: 50 },
          breaker: { failureThreshold: 1, halfOpenAfterMs: 600_000 },
        },
      }),
    );
    const server = proxyCommand(dir, {});
    const args = ['run', 'resilience', '--mode', 'deep', '--state-dir', state, '--policy', policy, ...server, ...TODAY];
    await run(args);
    proxyCommand(dir, { hang: ['run_contingency_analysis_resilience_tool'], log: join(dir, 'calls.log') });
    const opening = await run(args);
    assert.deepEqual(
      opening.run.report.breakers.map((b) => [b.capability, b.from, b.to]),
      [['run_contingency_analysis_deep', 'closed', 'open']],
    );
    assert.equal(step(opening.run, 'contingency')!.source, 'cache');
    const open = await run(args);
    const contingency = step(open.run, 'contingency')!;
    assert.equal(contingency.source, 'cache');
    assert.ok(open.run.report.degraded.some((d) => d.step === 'contingency' && d.kind === 'breaker'));
    assert.ok(contingency.confidence < 0.75);
    const calls = readFileSync(join(dir, 'calls.log'), 'utf8')
      .split('\n')
      .filter((l) => l === 'call run_contingency_analysis_resilience_tool');
    assert.equal(calls.length, 1, 'one timed-out call opened the breaker (the retry and the third run failed fast)');
  });

  it('Ctrl-C cancels the run (exit 130) and the server receives notifications/cancelled', async () => {
    const dir = scratch('sigint');
    const logFile = join(dir, 'calls.log');
    writeFileSync(logFile, '');
    const policy = join(dir, 'policy.json');
    writeFileSync(policy, JSON.stringify({ validate_schedule: { timeoutMs: 60_000, stepTimeoutMs: 120_000 } }));
    const cli = spawnCli([
      'run',
      'compliance',
      '--state-dir',
      join(dir, 'state'),
      '--policy',
      policy,
      ...proxyCommand(dir, { hang: ['validate_schedule_tool'], log: logFile }),
      ...TODAY,
    ]);
    await cli.waitForStderr(/Phase 1 · ACGME rules/);
    for (let i = 0; i < 100 && !readFileSync(logFile, 'utf8').includes('call validate_schedule_tool'); i++) await new Promise((r) => setTimeout(r, 50));
    cli.child.kill('SIGINT');
    const result = await cli.done;
    assert.equal(result.code, 130, result.stderr);
    assert.match(readFileSync(logFile, 'utf8'), /cancelled validate_schedule_tool/);
    assert.match(result.stderr, /cancelled/);
  });
});
