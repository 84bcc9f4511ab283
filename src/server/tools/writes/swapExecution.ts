/** Swap execution on the published schedule and its rollback within 24 hours. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { ServiceDeps } from '../../generation/service';
import { executeSwap, rollbackSwap } from '../../swaps/service';
import { registerTool } from '../defineTool';
import { swapLinks } from '../storedResources';
import { actorArg, DESTRUCTIVE, versionArg } from './shared';
import { swapIdArg, swapWrite, swapWriteOut } from './swapShapes';

export function registerExecuteSwapTool(server: McpServer, deps: ServiceDeps): void {
  registerTool(
    server,
    {
      name: 'execute_swap_tool',
      title: 'Execute a swap',
      description:
        'Applies an approved swap to the published schedule after re-validating it and backing up the assignments it moves. Of two executions touching the same assignment only one succeeds; the other gets CONFLICT. Can be rolled back within 24 hours.',
      input: { actor: actorArg, expected_data_version: versionArg, swap_id: swapIdArg },
      output: swapWriteOut,
      annotations: DESTRUCTIVE,
      links: (r) => swapLinks(r.swap),
      run(args) {
        return swapWrite(executeSwap(deps, { actor: args.actor, expectedVersion: args.expected_data_version, swapId: args.swap_id }));
      },
    },
    deps.logger,
  );
}

export function registerRollbackSwapTool(server: McpServer, deps: ServiceDeps): void {
  registerTool(
    server,
    {
      name: 'rollback_swap_tool',
      title: 'Roll back a swap',
      description:
        'Gives the assignments of an executed swap back to their previous owners, within 24 hours of execution (ROLLBACK_WINDOW_EXPIRED after) and only if they did not change since (CONFLICT).',
      input: { actor: actorArg, expected_data_version: versionArg, swap_id: swapIdArg, reason: z.string().max(1000).optional() },
      output: swapWriteOut,
      annotations: DESTRUCTIVE,
      run(args) {
        return swapWrite(
          rollbackSwap(deps, {
            actor: args.actor,
            expectedVersion: args.expected_data_version,
            swapId: args.swap_id,
            ...(args.reason !== undefined ? { reason: args.reason } : {}),
          }),
        );
      },
    },
    deps.logger,
  );
}
