/**
 * Finds a realistic swap request in the bundled server's sample: a resident's primary
 * assignment at least two weeks into the published block with at least `minCandidates`
 * swap candidates. Read through the project's own connection layer, in process.
 */
import { join } from 'node:path';
import { parseServerConfig } from '../../../src/core/mcp/config';
import { McpConnection } from '../../../src/core/mcp/connection';
import { McpToolInvoker } from '../../../src/core/mcp/invoker';
import { list, str } from '../../../src/core/workflows/shared/read';
import { addDays } from '../../../src/core/workflows/shared/scope';
import { ROOT } from './cli';

export interface SwapRequest {
  assignmentId: string;
  requester: string;
  date: string;
  /** The first day of the published block (the tests' "today"). */
  blockStart: string;
  candidates: number;
}

/** Reads the server (dist/server.js with `serverArgs`); also returns helpers to read it again later. */
export async function withServer<T>(
  serverArgs: readonly string[],
  fn: (call: (capability: string, args: Record<string, unknown>) => Promise<Record<string, unknown>>) => Promise<T>,
): Promise<T> {
  const connection = new McpConnection({
    server: parseServerConfig({ kind: 'stdio', command: process.execPath, args: [join(ROOT, 'dist', 'server.js'), ...serverArgs] }),
    reconnect: false,
  });
  const signal = new AbortController().signal;
  try {
    await connection.connect(signal);
    const invoker = new McpToolInvoker({ connection });
    return await fn(async (capability, args) => (await invoker.invoke(capability, args, { signal, timeoutMs: 30_000, maxTotalTimeoutMs: 60_000 })).data);
  } finally {
    await connection.close();
  }
}

/** `unlike`: a request already chosen; the one found then has another requester and a date at least a week from its date. */
export async function findSwapRequest(serverArgs: readonly string[], minCandidates: number, unlike?: SwapRequest): Promise<SwapRequest> {
  return withServer(serverArgs, async (call) => {
    const status = await call('get_schedule_status', {});
    const start = str(status, 'start_date')!;
    const end = str(status, 'end_date')!;
    const residents = new Set((list(await call('list_people', { role: 'resident' }), 'people') ?? []).map((p) => str(p, 'person_id')));
    const farFrom = (date: string | undefined) => !unlike || !date || date >= addDays(unlike.date, 7) || date <= addDays(unlike.date, -7);
    const assignments = (list(await call('get_assignments', { start_date: addDays(start, 14), end_date: end }), 'assignments') ?? []).filter(
      (a) => residents.has(str(a, 'person_id')) && str(a, 'role') === 'primary' && str(a, 'person_id') !== unlike?.requester && farFrom(str(a, 'date')),
    );
    for (const a of assignments.slice(0, 30)) {
      const found = await call('analyze_swap_candidates', { requester_person_id: str(a, 'person_id'), assignment_id: str(a, 'assignment_id'), max_candidates: 10 });
      const n = list(found, 'candidates')?.length ?? 0;
      if (n >= minCandidates) return { assignmentId: str(a, 'assignment_id')!, requester: str(a, 'person_id')!, date: str(a, 'date')!, blockStart: start, candidates: n };
    }
    throw new Error(`no assignment in the sample has ${minCandidates} or more swap candidates`);
  });
}
