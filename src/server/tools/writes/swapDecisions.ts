/** Swap decisions after the request: a party's consent, the coordinator's approval or rejection, cancellation. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { ServiceDeps } from '../../generation/service';
import { cancelSwap, decideSwap, recordConsent } from '../../swaps/service';
import { idArg } from '../args';
import { registerTool } from '../defineTool';
import { actorArg, versionArg, WRITE } from './shared';
import { swapIdArg, swapWrite, swapWriteOut } from './swapShapes';

export function registerConsentTool(server: McpServer, deps: ServiceDeps): void {
  registerTool(
    server,
    {
      name: 'record_swap_consent_tool',
      title: 'Record consent to a swap',
      description: "Records a party's answer to a pending swap (the target, or the requester changing their mind). A refusal rejects the swap.",
      input: {
        actor: actorArg,
        expected_data_version: versionArg,
        swap_id: swapIdArg,
        person_id: idArg('The party answering.'),
        consent: z.boolean(),
        notes: z.string().max(1000).optional(),
      },
      output: swapWriteOut,
      annotations: WRITE,
      run(args) {
        return swapWrite(
          recordConsent(deps, {
            actor: args.actor,
            expectedVersion: args.expected_data_version,
            swapId: args.swap_id,
            personId: args.person_id,
            consent: args.consent,
            ...(args.notes !== undefined ? { notes: args.notes } : {}),
          }),
        );
      },
    },
    deps.logger,
  );
}

export function registerApproveSwapTool(server: McpServer, deps: ServiceDeps): void {
  registerTool(
    server,
    {
      name: 'approve_swap_tool',
      title: 'Approve or reject a swap',
      description:
        "A coordinator's decision on a pending swap (approve: true or false). Approval needs both parties' consent and a fresh validation; a reason is required when the swap touches the locked period (REASON_REQUIRED). The actor may not be a party.",
      input: { actor: actorArg, expected_data_version: versionArg, swap_id: swapIdArg, approve: z.boolean(), reason: z.string().max(1000).optional() },
      output: swapWriteOut,
      annotations: WRITE,
      run(args) {
        return swapWrite(
          decideSwap(deps, {
            actor: args.actor,
            expectedVersion: args.expected_data_version,
            swapId: args.swap_id,
            approve: args.approve,
            ...(args.reason !== undefined ? { reason: args.reason } : {}),
          }),
        );
      },
    },
    deps.logger,
  );
}

export function registerCancelSwapTool(server: McpServer, deps: ServiceDeps): void {
  registerTool(
    server,
    {
      name: 'cancel_swap_tool',
      title: 'Cancel a swap',
      description: 'Withdraws a pending or approved swap request (nothing in the schedule changes).',
      input: { actor: actorArg, expected_data_version: versionArg, swap_id: swapIdArg, reason: z.string().max(1000).optional() },
      output: swapWriteOut,
      annotations: WRITE,
      run(args) {
        return swapWrite(
          cancelSwap(deps, { actor: args.actor, expectedVersion: args.expected_data_version, swapId: args.swap_id, ...(args.reason !== undefined ? { reason: args.reason } : {}) }),
        );
      },
    },
    deps.logger,
  );
}
