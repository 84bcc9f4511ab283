/**
 * Truthful results against a peer that behaves like the real server (the degrading proxy in
 * front of dist/server.js): validate_schedule_by_id_tool answers with its placeholder, the
 * analytics tools are missing. The compliance check still runs phases 2-4, reports the double
 * booking detect_conflicts_tool finds, and says why its confidence is lower.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { sampleProgram } from '../../../src/server/program/sample';
import { ARMORY_TOOLS } from '../../support/workflows/scenario';
import { proxyCommand, requireBuild, runJson, scratch, step, type RunJson } from '../../support/workflows/cli';

const TODAY = ['--today', '2027-01-04'];

before(requireBuild);

/** The sample program with one resident booked twice for the same shift (a real double booking in the data). */
function doubleBooked(dir: string): { file: string; person: string; date: string } {
  const program = sampleProgram();
  const schedule = program.schedules.find((s) => s.status === 'published' && s.start <= '2027-01-10' && s.end >= '2027-01-10')!;
  const original = schedule.assignments.find((a) => a.date === '2027-01-12')!;
  schedule.assignments.push({ ...original, id: `${original.id}-twice` });
  const file = join(dir, 'program.json');
  writeFileSync(file, JSON.stringify(program));
  return { file, person: original.personId, date: original.date };
}

describe('compliance against a real-contract peer', () => {
  it('placeholder validate_schedule_by_id: phases 2-4 still run and the double booking from detect_conflicts is reported', async () => {
    const dir = scratch('truthful');
    const booked = doubleBooked(dir);
    const server = proxyCommand(dir, { placeholder: ['validate_schedule_by_id_tool'], drop: ARMORY_TOOLS, serverArgs: ['--program', booked.file] });
    const { code, json } = await runJson(['run', 'compliance', '--state-dir', join(dir, 'state'), ...server, ...TODAY]);
    const run = json as unknown as RunJson;
    assert.equal(code, 3, run.report.header.reason ?? '');
    assert.equal(run.status, 'blocked');
    assert.deepEqual(
      run.phases.map((p) => p.id),
      ['scope', 'acgme', 'detailed', 'advanced', 'synthesis'],
    );
    for (const id of ['acgme', 'detailed', 'advanced']) assert.equal(run.phases.find((p) => p.id === id)!.status, 'completed', id);
    const byId = step(run, 'validate_by_id')!;
    assert.deepEqual([byId.status, byId.confidence], ['skipped', 0]);
    assert.equal(step(run, 'conflicts')!.status, 'succeeded');
    const double = run.report.findings.find((f) => f.rule === 'double_booking');
    assert.ok(double, JSON.stringify(run.report.findings.map((f) => f.rule)));
    assert.equal(double.person, booked.person);
    assert.ok(double.sources.includes('conflicts'));
    assert.ok(run.report.degraded.some((d) => d.step === 'validate_by_id' && d.kind === 'placeholder' && /placeholder: server backend unavailable/.test(d.detail)));
    assert.match(run.report.header.confidence!.reason, /placeholder: validate_by_id \(server backend unavailable\) \(−0\.10\)/);
    assert.match(run.decision, /Do not deploy/);
  });

  it("resilience phase 1 on a server without a breaker tool reports the orchestrator's own breakers and tool health", async () => {
    const { code, json } = await runJson(['run', 'resilience', '--mode', 'quick', '--state-dir', scratch('truthful-resilience'), ...TODAY]);
    const run = json as unknown as RunJson;
    assert.ok(code === 0 || code === 2, run.report.header.reason ?? '');
    const own = step(run, 'orchestrator')!;
    assert.deepEqual([own.status, own.tool, own.confidence], ['succeeded', 'engine:orchestrator_health', 1]);
    assert.equal(step(run, 'breakers')!.status, 'skipped');
    assert.match(run.report.metrics.find((m) => m.label === "Orchestrator's breakers")?.value ?? '', /^open: none; half-open: none; slow or failing tools: /);
    assert.equal(
      run.report.metrics.find((m) => m.label === "Server's breakers")?.value,
      "not reported (the server has no breaker tool: the orchestrator's own breakers are reported)",
    );
  });
});
