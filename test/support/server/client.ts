/**
 * MCP clients for the bundled server's integration tests: in-process over InMemoryTransport
 * (with direct access to the store) and over stdio against the built dist/server.js.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { MemoryLogger } from '../../../src/core/util/log';
import type { ProgramFile } from '../../../src/server/domain/program';
import { createServer } from '../../../src/server/createServer';
import { sampleProgram } from '../../../src/server/program/sample';
import { ScheduleStore } from '../../../src/server/store/store';

export const ROOT = join(__dirname, '..', '..', '..');
export const SERVER_JS = join(ROOT, 'dist', 'server.js');
/** "Today" for the in-process server: inside the sample's 4 weeks. */
export const SAMPLE_NOW = Date.parse('2027-01-11T09:00:00Z');

export interface InMemoryServer {
  client: Client;
  store: ScheduleStore;
  logger: MemoryLogger;
  close(): Promise<void>;
}

export async function inMemoryServer(options: { program?: ProgramFile; now?: number } = {}): Promise<InMemoryServer> {
  const logger = new MemoryLogger();
  const store = ScheduleStore.open({ logger, seed: () => options.program ?? sampleProgram() });
  const server = createServer({ store, logger, now: () => options.now ?? SAMPLE_NOW });
  const client = new Client({ name: 'server-tests', version: '1.0.0' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  return {
    client,
    store,
    logger,
    async close() {
      await client.close();
      await server.close();
      store.close();
    },
  };
}

/** Builds dist/ when it is missing (npm test builds first; a lone test run may not have). */
export function ensureBuilt(): void {
  if (!existsSync(SERVER_JS)) execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'ignore' });
}

export async function stdioClient(args: string[] = []): Promise<{ client: Client; stderr: () => string; close(): Promise<void> }> {
  ensureBuilt();
  const transport = new StdioClientTransport({ command: process.execPath, args: [SERVER_JS, ...args], env: { PATH: process.env.PATH ?? '' }, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const client = new Client({ name: 'server-stdio-tests', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

/** Arguments for a successful call of each read tool against the sample program. */
export function validCalls(requester: { personId: string; assignmentId: string }): Record<string, Record<string, unknown>> {
  const range = { start_date: '2027-01-04', end_date: '2027-01-31' };
  return {
    validate_schedule_tool: range,
    quick_validate_schedule_tool: range,
    validate_schedule_by_id_tool: { schedule_id: 'block-2027-01-04' },
    detect_conflicts_tool: range,
    check_utilization_threshold_tool: { start_date: '2027-01-04', end_date: '2027-01-31' },
    get_defense_level_tool: { start_date: '2027-01-04', end_date: '2027-01-31' },
    run_contingency_analysis_resilience_tool: { start_date: '2027-01-04', end_date: '2027-01-31' },
    analyze_swap_candidates_tool: { requester_person_id: requester.personId, assignment_id: requester.assignmentId },
    get_schedule_status_tool: {},
    list_people_tool: { role: 'resident' },
    get_assignments_tool: { start_date: '2027-01-04', end_date: '2027-01-10' },
  };
}

/** A resident's day shift in the sample, for swap searches. */
export async function someResidentShift(client: Client): Promise<{ personId: string; assignmentId: string }> {
  const result = await client.callTool({ name: 'get_assignments_tool', arguments: { start_date: '2027-01-11', end_date: '2027-01-11', service_id: 'wards' } });
  const list = (result.structuredContent as { assignments: { assignment_id: string; person_id: string; shift_type_id: string }[] }).assignments;
  const shift = list.find((a) => a.person_id.startsWith('r-') && a.shift_type_id === 'day')!;
  return { personId: shift.person_id, assignmentId: shift.assignment_id };
}
