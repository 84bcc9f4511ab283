/** Read tools over past writes: a person's swap history and the audit log. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { ToolError } from '../../domain/errors';
import type { ServiceDeps } from '../../generation/service';
import { swapHistory } from '../../swaps/service';
import { idArg } from '../args';
import { READ_ONLY, registerTool } from '../defineTool';
import { swapOut, swapResult } from './swapShapes';

export function registerSwapHistoryTool(server: McpServer, deps: ServiceDeps): void {
  const { store } = deps;
  registerTool(
    server,
    {
      name: 'get_swap_history_tool',
      title: 'Swap history of a person',
      description: 'Swaps a person requested or was asked to take, newest first, with status, consents, decisions, execution and rollback.',
      input: {
        person_id: idArg('The person.'),
        status: z.enum(['pending', 'approved', 'executed', 'rejected', 'cancelled', 'rolled_back']).optional(),
        limit: z.number().int().min(1).max(1000).default(100),
      },
      output: { person_id: z.string(), swaps: z.array(swapOut), counts: z.record(z.string(), z.number().int()), data_version: z.number().int() },
      annotations: READ_ONLY,
      run(args) {
        if (!store.reference().people.some((p) => p.id === args.person_id)) throw new ToolError(`unknown person id "${args.person_id}"`, 'NOT_FOUND');
        const version = store.dataVersion();
        const swaps = swapHistory(store, args.person_id, { limit: args.limit, ...(args.status ? { status: args.status } : {}) });
        const counts: Record<string, number> = {};
        for (const s of swaps) counts[s.status] = (counts[s.status] ?? 0) + 1;
        return { person_id: args.person_id, swaps: swaps.map(swapResult), counts, data_version: version };
      },
    },
    deps.logger,
  );
}

export function registerAuditLogTool(server: McpServer, deps: ServiceDeps): void {
  const { store } = deps;
  registerTool(
    server,
    {
      name: 'get_audit_log_tool',
      title: 'Audit log',
      description: 'Every write, newest first: who, when, what (action and target), the data version before and after, and details.',
      input: {
        limit: z.number().int().min(1).max(10_000).default(100),
        action: z.string().max(64).optional().describe('e.g. generate_schedule, publish_draft, execute_swap.'),
        target: z.string().max(128).optional().describe('A draft, schedule or swap id.'),
      },
      output: {
        entries: z.array(
          z.object({
            id: z.number().int(),
            at: z.string(),
            actor: z.string(),
            action: z.string(),
            target: z.string().nullable(),
            data_version_before: z.number().int(),
            data_version_after: z.number().int(),
            details: z.record(z.string(), z.unknown()).nullable(),
          }),
        ),
        data_version: z.number().int(),
      },
      annotations: READ_ONLY,
      run(args) {
        const version = store.dataVersion();
        const entries = store.auditLog({ limit: args.limit, ...(args.action ? { action: args.action } : {}), ...(args.target ? { target: args.target } : {}) });
        return {
          entries: entries.map((e) => ({
            id: e.id,
            at: e.at,
            actor: e.actor,
            action: e.action,
            target: e.target ?? null,
            data_version_before: e.versionBefore,
            data_version_after: e.versionAfter,
            details: e.details ?? null,
          })),
          data_version: version,
        };
      },
    },
    deps.logger,
  );
}
