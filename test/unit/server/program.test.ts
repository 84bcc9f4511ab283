import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MemoryLogger } from '../../../src/core/util/log';
import { generateProgram } from '../../../src/server/program/generate';
import { formatProgramJson } from '../../../src/server/program/export';
import { programSchemaJson } from '../../../src/server/program/jsonSchema';
import { parseProgram, parseProgramText, type ProgramIssue } from '../../../src/server/program/load';
import { sampleProgram } from '../../../src/server/program/sample';
import { ScheduleStore } from '../../../src/server/store/store';
import { validateSnapshot } from '../../../src/server/rules/engine';
import { fixtureInput } from '../../support/server/fixtures';
import { snapshotOf } from '../../support/generation/fixtures';
import { supplyFindings } from '../../../src/server/generation/diagnose';
import { buildProblem } from '../../../src/server/generation/problem';

const root = join(__dirname, '..', '..', '..');

function issuesOf(mutate: (doc: ReturnType<typeof fixtureInput>) => void): ProgramIssue[] {
  const doc = structuredClone(
    fixtureInput({
      assignments: [
        ['r1', 'day', '2027-01-05'],
        ['f1', 'day', '2027-01-05'],
      ],
    }),
  );
  mutate(doc);
  const result = parseProgram(doc);
  assert.equal(result.ok, false, 'expected the document to be rejected');
  return result.ok ? [] : result.issues;
}

function expectIssue(issues: ProgramIssue[], path: string, message: RegExp): void {
  assert.ok(
    issues.some((i) => i.path === path && message.test(i.message)),
    `no issue at ${path} matching ${message}; got ${JSON.stringify(issues)}`,
  );
}

describe('program file loader', () => {
  it('accepts the committed sample and the fixture', () => {
    const text = readFileSync(join(root, 'samples', 'program.small.json'), 'utf8');
    const result = parseProgramText(text);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.issues));
    assert.equal(result.program.people.filter((p) => p.role === 'resident').length, 12);
    assert.equal(result.program.people.filter((p) => p.role === 'faculty').length, 6);
    assert.equal(result.program.schedules[0]!.start, '2027-01-04');
    assert.ok(parseProgram(fixtureInput()).ok);
  });

  it('rejects bad JSON with a message at the document root', () => {
    const result = parseProgramText('{ "format": ');
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.issues[0]!.path, '$');
    assert.match(!result.ok ? result.issues[0]!.message : '', /not valid JSON/);
  });

  it('names the JSON path of schema errors', () => {
    expectIssue(
      issuesOf((d) => ((d as { format: string }).format = 'other')),
      '$.format',
      /expected "sched-orch.program"|Invalid input/,
    );
    expectIssue(
      issuesOf((d) => delete (d.people[0] as { pgy?: number }).pgy),
      '$.people[0].pgy',
      /PGY level/,
    );
    expectIssue(
      issuesOf((d) => ((d.people[1] as { pgy: unknown }).pgy = 'two')),
      '$.people[1].pgy',
      /number/,
    );
    expectIssue(
      issuesOf((d) => (d.shiftTypes[0]!.start = '25:00')),
      '$.shiftTypes[0].start',
      /HH:MM/,
    );
    expectIssue(
      issuesOf((d) => (d.schedules![0]!.assignments![0]!.date = '2027-02-30')),
      '$.schedules[0].assignments[0].date',
      /real calendar date/,
    );
    expectIssue(
      issuesOf((d) => (d.absences = [{ id: 'x', personId: 'r1', type: 'vacation', start: '2027-01-10', end: '2027-01-09' }])),
      '$.absences[0].end',
      /before start/,
    );
    expectIssue(
      issuesOf((d) => ((d.people[0] as Record<string, unknown>).nickname = 'x')),
      '$.people[0]',
      /nickname|Unrecognized/,
    );
  });

  it('names the JSON path of reference errors', () => {
    expectIssue(
      issuesOf((d) => (d.people[1]!.id = 'r1')),
      '$.people[1].id',
      /duplicate person id "r1"/,
    );
    expectIssue(
      issuesOf((d) => (d.schedules![0]!.assignments![0]!.personId = 'ghost')),
      '$.schedules[0].assignments[0].personId',
      /unknown person id "ghost"/,
    );
    expectIssue(
      issuesOf((d) => (d.schedules![0]!.assignments![0]!.serviceId = 'nowhere')),
      '$.schedules[0].assignments[0].serviceId',
      /unknown service id/,
    );
    expectIssue(
      issuesOf((d) => (d.schedules![0]!.assignments![0]!.shiftTypeId = 'teatime')),
      '$.schedules[0].assignments[0].shiftTypeId',
      /unknown shift type id/,
    );
    expectIssue(
      issuesOf((d) => (d.schedules![0]!.assignments![1]!.id = 'a1')),
      '$.schedules[0].assignments[1].id',
      /duplicate assignment id "a1"/,
    );
    expectIssue(
      issuesOf((d) => (d.schedules![0]!.assignments![0]!.date = '2027-03-01')),
      '$.schedules[0].assignments[0].date',
      /outside the schedule's range 2027-01-04\.\.2027-01-31/,
    );
    expectIssue(
      issuesOf((d) => (d.coverage = [{ id: 'c', serviceId: 'wards', shiftTypeId: 'dusk', days: 'all', residents: { min: 1 }, faculty: { min: 0 } }])),
      '$.coverage[0].shiftTypeId',
      /unknown shift type/,
    );
    expectIssue(
      issuesOf((d) => (d.coverage = [{ id: 'c', serviceId: 'wards', shiftTypeId: 'day', days: 'all', residents: { min: 2, max: 1 }, faculty: { min: 0 } }])),
      '$.coverage[0].residents.max',
      /below min/,
    );
    expectIssue(
      issuesOf((d) => (d.absences = [{ id: 'x', personId: 'nobody', type: 'sick', start: '2027-01-10', end: '2027-01-10' }])),
      '$.absences[0].personId',
      /unknown person/,
    );
    expectIssue(
      issuesOf((d) => (d.policies = { ruleIds: { eighty_hours: 'X' } })),
      '$.policies.ruleIds.eighty_hours',
      /unknown rule/,
    );
    expectIssue(
      issuesOf((d) => d.schedules!.push({ id: 's2', name: 'Overlap', start: '2027-01-20', end: '2027-02-20', assignments: [] })),
      '$.schedules[1].start',
      /published schedules "s1" and "s2" overlap/,
    );
    expectIssue(
      issuesOf((d) => (d.people[0]!.services = ['wards', 'mars'])),
      '$.people[0].services[1]',
      /unknown service id "mars"/,
    );
  });

  it('reports every problem at once', () => {
    const issues = issuesOf((d) => {
      d.schedules![0]!.assignments![0]!.personId = 'ghost';
      d.schedules![0]!.assignments![1]!.serviceId = 'nowhere';
      d.people[2]!.id = 'r1';
    });
    assert.equal(issues.length, 3);
  });

  it('import rejects an invalid document and writes nothing', () => {
    const store = ScheduleStore.open({ logger: new MemoryLogger(), seed: () => generateProgram({ residentsPerPgy: 1, faculty: 2, weeks: 1, seed: 3 }) });
    try {
      const before = store.exportProgram();
      const version = store.dataVersion();
      const bad = structuredClone(fixtureInput({ assignments: [['ghost', 'day', '2027-01-05']] }));
      assert.throws(
        () => store.importProgram('test', bad),
        (e: Error & { issues?: ProgramIssue[] }) => e.issues?.[0]?.path === '$.schedules[0].assignments[0].personId',
      );
      assert.equal(store.dataVersion(), version);
      assert.deepEqual(store.exportProgram(), before);
      assert.equal(store.auditLog().length, 1);
    } finally {
      store.close();
    }
  });

  it('round-trips import and export without loss', () => {
    for (const program of [sampleProgram(), generateProgram({ residentsPerPgy: 2, faculty: 5, weeks: 2, seed: 9 })]) {
      const store = ScheduleStore.open({ logger: new MemoryLogger() });
      try {
        store.importProgram('test', program);
        assert.deepEqual(store.exportProgram(), program);
        const text = formatProgramJson(store.exportProgram());
        const again = parseProgramText(text);
        assert.ok(again.ok);
        assert.deepEqual(again.program, program);
      } finally {
        store.close();
      }
    }
  });

  it('keeps the committed JSON Schema in sync with the zod schema', () => {
    const committed = readFileSync(join(root, 'schemas', 'program.schema.json'), 'utf8');
    assert.equal(committed, programSchemaJson(), 'schemas/program.schema.json is stale: run node --import tsx scripts/gen-schema.ts');
  });
});

describe('sample generator', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = generateProgram({ residentsPerPgy: 3, faculty: 5, weeks: 2, seed: 42 });
    assert.deepEqual(generateProgram({ residentsPerPgy: 3, faculty: 5, weeks: 2, seed: 42 }), a);
    assert.notDeepEqual(generateProgram({ residentsPerPgy: 3, faculty: 5, weeks: 2, seed: 43 }), a);
  });

  it('rejects bad parameters', () => {
    assert.throws(() => generateProgram({ residentsPerPgy: 0, faculty: 5, weeks: 2 }), /residentsPerPgy must be an integer from 1/);
    assert.throws(() => generateProgram({ residentsPerPgy: 2, faculty: 5, weeks: 2.5 }), /weeks must be an integer/);
    assert.throws(() => generateProgram({ residentsPerPgy: 2, faculty: 5, weeks: 2, start: '2027-13-01' }), /start must be a date/);
  });

  it('sizes teams so that each can staff its week: at 50 residents per PGY level, four or more per level and five faculty per team, and no supply finding', () => {
    const program = generateProgram({ residentsPerPgy: 50, faculty: 75, weeks: 1, findings: 'none', seed: 1 });
    const teams = new Map<string, { pgy: number[]; faculty: number }>();
    for (const p of program.people) {
      const wards = (p.services ?? []).find((s) => s.startsWith('wards'))!;
      const team = teams.get(wards) ?? teams.set(wards, { pgy: [0, 0, 0], faculty: 0 }).get(wards)!;
      if (p.role === 'resident') team.pgy[p.pgy! - 1]! += 1;
      else team.faculty += 1;
    }
    assert.ok(teams.size > 1, `${teams.size} team(s)`);
    for (const [wards, team] of teams) {
      assert.ok(
        team.pgy.every((n) => n >= 4),
        `${wards}: residents per PGY level ${team.pgy.join('/')}`,
      );
      assert.ok(team.faculty >= 5, `${wards}: ${team.faculty} faculty`);
    }
    const range = { start: program.schedules[0]!.start, end: program.schedules[0]!.end };
    const snapshot = snapshotOf(program, [], range);
    assert.deepEqual(
      supplyFindings(snapshot, buildProblem({ snapshot, range, block: range, earlier: [], carried: new Map() })).map((f) => f.message),
      [],
    );
  });

  it('plants a few realistic findings in the sample', () => {
    const program = sampleProgram();
    const s = program.schedules[0]!;
    const store = ScheduleStore.open({ logger: new MemoryLogger(), seed: () => program });
    try {
      const report = validateSnapshot(store.snapshot({ scheduleId: s.id }), { suggestions: false });
      const keys = new Set(report.findings.map((f) => f.key));
      for (const k of ['weekly_hours', 'rest_after_call', 'coverage_minimum', 'credential_mismatch'] as const) assert.ok(keys.has(k), `missing ${k}`);
      assert.ok(report.counts.critical >= 3 && report.counts.critical <= 6, `critical ${report.counts.critical}`);
      assert.ok(report.coverage.rate > 0.99);
      assert.ok(report.residentsCompliant >= 10);
    } finally {
      store.close();
    }
  });
});
