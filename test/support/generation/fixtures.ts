/**
 * Programs, stores, clocks and MCP clients for the generation and swap tests. Generated
 * schedules are judged by the rule engine (src/server/rules), never by the generator's
 * own model.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { silentLogger } from '../../../src/core/util/log';
import type { Assignment, ProgramFile } from '../../../src/server/domain/program';
import { buildSnapshot, type ScheduleSnapshot } from '../../../src/server/domain/snapshot';
import { addDays } from '../../../src/server/domain/time';
import type { GeneratedAssignment } from '../../../src/server/generation/generate';
import { equityByGroup, isHardViolation } from '../../../src/server/generation/metrics';
import { generateProgram } from '../../../src/server/program/generate';
import { validateSnapshot } from '../../../src/server/rules/engine';
import type { Finding } from '../../../src/server/rules/findings';
import { ScheduleStore } from '../../../src/server/store/store';
import type { ToolContext } from '../../../src/server/tools/context';
import { registerReadTools } from '../../../src/server/tools/readTools';
import { registerWriteTools } from '../../../src/server/tools/writeTools';

/** "Today" for the tests: a month before the sample schedules start. */
export const TODAY = Date.parse('2026-12-01T12:00:00Z');

export class TestClock {
  constructor(public ms = TODAY) {}
  readonly now = (): number => this.ms;
  advanceHours(h: number): void {
    this.ms += h * 3_600_000;
  }
}

/** A generated program without planted findings: one team of 3 x perPgy residents. */
export function randomProgram(seed: number, options: { residentsPerPgy?: number; faculty?: number; weeks?: number } = {}): ProgramFile {
  return generateProgram({ residentsPerPgy: options.residentsPerPgy ?? 4, faculty: options.faculty ?? 6, weeks: options.weeks ?? 4, findings: 'none', seed });
}

/** The program's (first) schedule with the given assignments, with 28 days of context either side. */
export function snapshotOf(program: ProgramFile, assignments: readonly Assignment[], range: { start: string; end: string }): ScheduleSnapshot {
  const s = program.schedules[0]!;
  return buildSnapshot({
    program: program.program,
    people: program.people,
    shiftTypes: program.shiftTypes,
    services: program.services,
    coverage: program.coverage,
    absences: program.absences,
    policies: program.policies,
    schedule: { id: s.id, name: s.name, start: s.start, end: s.end, status: 'published' },
    dataVersion: 1,
    assignments,
    range: { start: addDays(range.start, -28), end: addDays(range.end, 28) },
  });
}

export function asAssignments(list: readonly GeneratedAssignment[]): Assignment[] {
  return list.map((a, i) => ({ id: a.keepId ?? `gen-${i}`, personId: a.personId, serviceId: a.serviceId, shiftTypeId: a.shiftTypeId, date: a.date, role: a.role }));
}

export interface Verdict {
  hard: Finding[];
  coverage: { rate: number; required: number; filled: number };
  /** Largest Gini of hours per available day over the PGY levels. */
  worstGini: number;
}

/** The rule engine's verdict on `assignments` as the range's schedule. */
export function judge(program: ProgramFile, assignments: readonly Assignment[], range: { start: string; end: string }): Verdict {
  const snapshot = snapshotOf(program, assignments, range);
  const report = validateSnapshot(snapshot, { focus: range, suggestions: false });
  const equity = equityByGroup(snapshot, range);
  const ginis = (['PGY-1', 'PGY-2', 'PGY-3'] as const).map((g) => equity[g]?.gini_hours_per_available_day ?? 0);
  return { hard: report.findings.filter(isHardViolation), coverage: report.coverage, worstGini: Math.max(...ginis) };
}

export function openStore(program: ProgramFile | (() => ProgramFile), clock: TestClock, path?: string): ScheduleStore {
  return ScheduleStore.open({ ...(path ? { path } : {}), logger: silentLogger, now: clock.now, seed: typeof program === 'function' ? program : () => program, busyTimeoutMs: 10_000 });
}

/** The read and write tools over a store, as the bundled server registers them. */
export function schedulingServer(store: ScheduleStore, clock: TestClock): McpServer {
  const server = new McpServer({ name: 'write-test', version: '0' }, { capabilities: { logging: {} } });
  const ctx: ToolContext = { logger: silentLogger, now: clock.now, snapshot: (q) => store.snapshot(q) };
  registerReadTools(server, ctx, store);
  registerWriteTools(server, ctx, store);
  return server;
}

/** A connected MCP client of an in-process server (each call gets its own pair). */
export async function connectedClient(server: McpServer): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'write-test-client', version: '0' });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  return client;
}

export interface ToolOutcome<T> {
  ok: boolean;
  /** structuredContent when ok. */
  result: T;
  /** "CODE: message" when not ok. */
  error: string;
}

/** Calls a tool and returns its structured result or its error text. */
export async function call<T = Record<string, unknown>>(
  client: Client,
  name: string,
  args: Record<string, unknown>,
  options: { signal?: AbortSignal; onprogress?: (p: { progress: number; total?: number; message?: string }) => void; timeout?: number } = {},
): Promise<ToolOutcome<T>> {
  const response = await client.callTool({ name, arguments: args }, undefined, {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onprogress ? { onprogress: options.onprogress, resetTimeoutOnProgress: true } : {}),
    timeout: options.timeout ?? 120_000,
  });
  const text = (response.content as { type: string; text?: string }[]).map((c) => c.text ?? '').join('');
  return { ok: response.isError !== true, result: response.structuredContent as T, error: response.isError ? text : '' };
}

/** The code of a ToolError text ("CODE: message"). */
export function codeOf(error: string): string {
  return error.split(':')[0]!;
}
