/**
 * The port through which a human approves or rejects what a workflow is about to write.
 * Hosts implement it: the CLI prompts (or reads flags), VS Code shows a modal dialog, tests
 * answer directly. Dismissing, failing or timing out is a rejection: approvals fail closed.
 */

export interface ApprovalRequest {
  runId: string;
  workflowId: string;
  workflowTitle: string;
  stepId: string;
  title: string;
  summary: string;
  details: Record<string, unknown>;
  /** Approving despite these is an override and needs an exception record. */
  blockingIssues: string[];
  /** Capabilities the approval unlocks (the writing steps after the gate). */
  writes: string[];
  requestedAt: number;
  /** When an unanswered request counts as rejected, if it expires. */
  expiresAt?: number;
}

export interface ApprovalAnswer {
  approved: boolean;
  /** Who decided (a user name, "cli --approve", …). */
  approver: string;
  reason: string;
  /** Epoch ms of the decision. */
  at: number;
  /** Required to approve a request with blocking issues: why the exception is justified. */
  override?: { justification: string };
}

export interface ApprovalPort {
  /** Resolves with the decision; `signal` aborts when the run is cancelled or the request expires. */
  request(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalAnswer>;
}

/** The audit record of an approval given despite blocking issues (compliance waiver). */
export interface ExceptionRecord {
  id: string;
  runId: string;
  workflowId: string;
  stepId: string;
  approver: string;
  issues: string[];
  justification: string;
  reason: string;
  at: number;
}
