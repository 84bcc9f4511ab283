/**
 * Programs, stores, clocks and MCP clients for the generation and swap tests. Generated
 * schedules are judged by the rule engine (src/server/rules), never by the generator's
 * own model.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { silentLogger } from '../../../src/core/util/log';
import type { Assignment, ProgramFile } from '../../../src/server/domain/program';
import { snapshotFrom, type ScheduleSnapshot } from '../../../src/server/domain/snapshot';
import { addDays } from '../../../src/server/domain/time';
import { createServer, type ServerOptions } from '../../../src/server/createServer';
import type { GeneratedAssignment } from '../../../src/server/generation/generate';
import { equityByGroup, isHardViolation } from '../../../src/server/generation/metrics';
import { generateProgram } from '../../../src/server/program/generate';
import { EligibilityIndex } from '../../../src/server/rules/eligibility';
import { validateSnapshot } from '../../../src/server/rules/engine';
import { findSwapCandidates } from '../../../src/server/rules/swapCandidates';
import type { Finding } from '../../../src/server/rules/findings';
import { ScheduleStore } from '../../../src/server/store/store';

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
  return snapshotFrom(program, s, assignments, { start: addDays(range.start, -28), end: addDays(range.end, 28) }, 1);
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
  return ScheduleStore.open({
    ...(path ? { path } : {}),
    logger: silentLogger,
    now: clock.now,
    seed: typeof program === 'function' ? program : () => program,
    busyTimeoutMs: 10_000,
  });
}

/** The bundled scheduling server over a store, with "now" from the test clock. */
export function schedulingServer(store: ScheduleStore, clock: TestClock, options: Pick<ServerOptions, 'holdGeneration'> = {}): McpServer {
  return createServer({ store, logger: silentLogger, now: clock.now, ...options });
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
  options: { signal?: AbortSignal; onprogress?: (p: Progress) => void; timeout?: number } = {},
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

export interface SwapPick {
  requesterId: string;
  assignmentId: string;
  date: string;
  targetPersonId: string;
  targetAssignmentId?: string;
}

/**
 * A swap the rule engine accepts, found with the swap-candidate analysis: a resident's
 * assignment dated on or after `from` and its best partner of the given type.
 */
export function findValidSwap(store: ScheduleStore, type: 'one_to_one' | 'absorb', from: string, skip: ReadonlySet<string> = new Set()): SwapPick {
  const schedule = store.resolveSchedule({});
  const people = new Map(store.reference().people.map((p) => [p.id, p]));
  const context = { start: addDays(from, -28), end: addDays(schedule.end, 28) };
  const snapshot = snapshotFrom(store.reference(), schedule, store.assignments(schedule.id), context, store.dataVersion());
  const index = new EligibilityIndex(snapshot);
  for (const shift of snapshot.shifts) {
    const requester = people.get(shift.personId);
    if (shift.date < from || requester?.role !== 'resident' || skip.has(shift.assignmentId)) continue;
    const window = { start: addDays(shift.date, -7), end: addDays(shift.date, 7) };
    const found = findSwapCandidates(index, { requester, shift, window, history: new Map() }).candidates.find(
      (c) => c.swapType === type && !(c.theirAssignment && skip.has(c.theirAssignment.assignmentId)),
    );
    if (found) {
      return {
        requesterId: requester.id,
        assignmentId: shift.assignmentId,
        date: shift.date,
        targetPersonId: found.personId,
        ...(found.theirAssignment ? { targetAssignmentId: found.theirAssignment.assignmentId } : {}),
      };
    }
  }
  throw new Error(`no valid ${type} swap from ${from}`);
}
