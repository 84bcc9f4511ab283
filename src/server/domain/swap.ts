/** A swap request as the store keeps it and the swap service works with it. */

export type SwapType = 'one_to_one' | 'absorb';

export type SwapStatus = 'pending' | 'approved' | 'executed' | 'rejected' | 'cancelled' | 'rolled_back';

export interface SwapIssue {
  code: string;
  message: string;
}

export interface SwapRecord {
  id: string;
  scheduleId: string;
  swapType: SwapType;
  status: SwapStatus;
  requesterId: string;
  assignmentId: string;
  targetPersonId: string;
  targetAssignmentId?: string;
  requestedAt: string;
  requestedBy: string;
  decidedAt?: string;
  decidedBy?: string;
  executedAt?: string;
  executedBy?: string;
  backupId?: string;
  rollbackDeadline?: string;
  rolledBackAt?: string;
  rolledBackBy?: string;
  reason?: string;
  details: SwapDetails;
  consents: Consent[];
}

export interface SwapDetails {
  dates: string[];
  touches_locked_period: boolean;
  warnings: SwapIssue[];
  match?: { score: number; ranking_score: number; mutual: boolean; factors: Record<string, number> };
  decision_reason?: string;
  cancel_reason?: string;
  rollback_reason?: string;
}

export interface Consent {
  personId: string;
  role: 'requester' | 'candidate' | 'coordinator';
  approved: boolean | null;
  respondedAt?: string;
  notes?: string;
}
