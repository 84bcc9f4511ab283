/** Swap request tools: request a swap, validate a swap or a proposal. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { ToolError } from '../../domain/errors';
import type { ServiceDeps } from '../../generation/service';
import { getSwap, proposalOf, requestSwap, scheduleOfAssignment } from '../../swaps/service';
import { validateSwap, type SwapProposal } from '../../swaps/validate';
import { scheduleIdArg } from '../args';
import { READ_ONLY, registerTool } from '../defineTool';
import { swapLinks } from '../storedResources';
import { actorArg, issueOut, versionArg, WRITE } from './shared';
import { proposalArgs, swapIdArg, swapWrite, swapWriteOut } from './swapShapes';

export function registerRequestSwapTool(server: McpServer, deps: ServiceDeps): void {
  registerTool(
    server,
    {
      name: 'request_swap_tool',
      title: 'Request a swap',
      description:
        'Creates a pending swap request after validating the swap on the hypothetical schedule (rule engine: ACGME and local rules, double booking, rest, leave, eligibility; past dates refused; ' +
        'under 14 days away and locked-period dates warned). The requester consents by requesting; the target must consent (record_swap_consent_tool) and a coordinator approve (approve_swap_tool). ' +
        'Includes the match score the swap-candidate analysis gives this swap.',
      input: { actor: actorArg, expected_data_version: versionArg, ...proposalArgs, reason: z.string().max(1000).optional() },
      output: { ...swapWriteOut, validation_warnings: z.array(issueOut) },
      annotations: WRITE,
      links: (r) => swapLinks(r.swap),
      run(args) {
        const r = requestSwap(deps, {
          actor: args.actor,
          expectedVersion: args.expected_data_version,
          ...(args.schedule_id !== undefined ? { scheduleId: args.schedule_id } : {}),
          requesterId: args.requester_id,
          assignmentId: args.assignment_id,
          swapType: args.swap_type,
          targetPersonId: args.target_person_id,
          ...(args.target_assignment_id !== undefined ? { targetAssignmentId: args.target_assignment_id } : {}),
          ...(args.reason !== undefined ? { reason: args.reason } : {}),
        });
        return { ...swapWrite(r), validation_warnings: r.validation.warnings };
      },
    },
    deps.logger,
  );
}

export function registerValidateSwapTool(server: McpServer, deps: ServiceDeps): void {
  const { store } = deps;
  registerTool(
    server,
    {
      name: 'validate_swap_tool',
      title: 'Validate a swap',
      description:
        'Checks a swap (a stored request by swap_id, or the proposal itself) on the hypothetical schedule without changing anything. Errors (refused): PAST_DATE, EXTERNAL_CONFLICT (leave), BACK_TO_BACK (rest or continuous duty), ' +
        'DOUBLE_BOOKING, NOT_ELIGIBLE, RULE_VIOLATION (ACGME or local rule), NOT_OWNER, SOURCE_NOT_FOUND, TARGET_NOT_FOUND, ROLE_MISMATCH; warnings: IMMINENT_SWAP (< 14 days), LOCKED_PERIOD, APPROACHING_LIMIT.',
      input: {
        swap_id: swapIdArg.optional(),
        requester_id: proposalArgs.requester_id.optional(),
        assignment_id: proposalArgs.assignment_id.optional(),
        swap_type: proposalArgs.swap_type.optional(),
        target_person_id: proposalArgs.target_person_id.optional(),
        target_assignment_id: proposalArgs.target_assignment_id,
        schedule_id: scheduleIdArg,
      },
      output: {
        valid: z.boolean(),
        errors: z.array(issueOut),
        warnings: z.array(issueOut),
        touches_locked_period: z.boolean(),
        dates: z.array(z.string()),
        moves: z.array(z.object({ assignment_id: z.string(), date: z.string(), service_id: z.string(), shift_type_id: z.string(), from: z.string(), to: z.string() })),
        schedule_id: z.string(),
        data_version: z.number().int(),
      },
      annotations: READ_ONLY,
      run(args) {
        let proposal: SwapProposal;
        if (args.swap_id !== undefined) {
          proposal = proposalOf(getSwap(store, args.swap_id));
        } else {
          if (!args.requester_id || !args.assignment_id || !args.swap_type || !args.target_person_id) {
            throw new ToolError('give swap_id, or requester_id, assignment_id, swap_type and target_person_id');
          }
          proposal = {
            scheduleId: scheduleOfAssignment(store, args.assignment_id, args.schedule_id),
            swapType: args.swap_type,
            requesterId: args.requester_id,
            assignmentId: args.assignment_id,
            targetPersonId: args.target_person_id,
            ...(args.target_assignment_id ? { targetAssignmentId: args.target_assignment_id } : {}),
          };
        }
        const version = store.dataVersion();
        const v = validateSwap(store, deps.now(), proposal);
        return {
          valid: v.valid,
          errors: v.errors,
          warnings: v.warnings,
          touches_locked_period: v.touchesLockedPeriod,
          dates: v.dates,
          moves: v.moves.map((m) => ({
            assignment_id: m.assignment.id,
            date: m.assignment.date,
            service_id: m.assignment.serviceId,
            shift_type_id: m.assignment.shiftTypeId,
            from: m.assignment.personId,
            to: m.to,
          })),
          schedule_id: proposal.scheduleId,
          data_version: version,
        };
      },
    },
    deps.logger,
  );
}
