/**
 * The write tools: schedule generation into drafts, draft preview, publish and rollback,
 * the swap lifecycle, and the audit log. Every write takes the caller's `actor` and the
 * `expected_data_version` it read (a stale one is refused with CONFLICT and nothing
 * changes) and returns the `data_version` after the write and the `schedule_id`.
 * Failures are ToolErrors with a code: CONFLICT, NOT_FOUND, INVALID_STATUS, LOCKED,
 * INFEASIBLE, NO_SCHEDULE_FOUND, ROLLBACK_WINDOW_EXPIRED, VALIDATION_FAILED, REASON_REQUIRED,
 * FORBIDDEN, CANCELLED, INVALID_INPUT, CONSENT_EXPIRED.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { SwapDeps } from '../../swaps/service';
import type { ScheduleStore } from '../../store/store';
import type { ToolContext } from '../context';
import { registerDraftPreviewTool, registerPublishTool, registerRollbackPublishTool } from './drafts';
import { registerCancelGenerationTool, registerGenerateTool } from './generate';
import { registerAuditLogTool, registerSwapHistoryTool } from './history';
import { registerApproveSwapTool, registerCancelSwapTool, registerConsentTool } from './swapDecisions';
import { registerExecuteSwapTool, registerRollbackSwapTool } from './swapExecution';
import { registerRequestSwapTool, registerValidateSwapTool } from './swapRequests';

export function registerWriteTools(server: McpServer, ctx: ToolContext, store: ScheduleStore, options: Pick<SwapDeps, 'consentTtlMs' | 'holdGeneration'> = {}): void {
  const deps: SwapDeps = { store, now: () => ctx.now(), logger: ctx.logger, ...options };
  // Registration order is the order clients list the tools in.
  registerGenerateTool(server, deps);
  registerCancelGenerationTool(server, deps);
  registerDraftPreviewTool(server, deps);
  registerPublishTool(server, deps);
  registerRollbackPublishTool(server, deps);
  registerRequestSwapTool(server, deps);
  registerValidateSwapTool(server, deps);
  registerConsentTool(server, deps);
  registerApproveSwapTool(server, deps);
  registerExecuteSwapTool(server, deps);
  registerRollbackSwapTool(server, deps);
  registerCancelSwapTool(server, deps);
  registerSwapHistoryTool(server, deps);
  registerAuditLogTool(server, deps);
}
