/**
 * Workflow 3 — swap execution (seed: TIER 2, preview + approval; facts §5).
 *
 *   [1] request validation (serial: requester, assignment, rule checks, baseline validation
 *       of the assignment's date + 30 days)
 *   [2] candidates (analyze_swap_candidates, ranked: match score x 1.5 when mutual)
 *   [3] the seed's three-way branch on the number of candidates:
 *         3 or more -> automated impact assessment of the top three on the hypothetical schedule
 *         1-2       -> manual review (the chosen candidate's swap is previewed for the coordinator)
 *         none      -> escalate to the coordinator (the run ends needing review)
 *   [4] consent (the candidate) and coordinator approval
 *   [5] execute with the expected data version, then the audit record; rollback for 24 hours.
 *
 * Nothing is written before both approvals: rejecting either leaves the schedule untouched.
 */
import * as z from 'zod';
import type { ConfidenceFactor } from '../confidence/score';
import type { ApprovalContent, JsonObject, PhaseVerdict, RunContext, WorkflowDefinition } from '../engine/definition';
import { describeFinding, shortFinding, validationFindings } from './shared/findings';
import type { WorkflowModule } from './shared/module';
import type { ResultView } from './shared/outcome';
import { bool, list, str } from './shared/read';
import { addDays, isoDate, parseInputsWith } from './shared/scope';
import { compact } from '../util/compact';
import { SWAP_PLAN } from './inputFields';
import { confidenceGate } from './shared/gates';
import { outcome } from './swapOutcome';
import { candidatesOf, IMPACT_STEPS, rankCandidates, selectAutomated, selectionOf, selectManual, swapPath, type Candidate, type Selection } from './swapSelection';

export interface SwapInputs extends JsonObject {
  assignment_id: string;
  requester: string;
  /** A preferred candidate (person id); the best ranked one otherwise. */
  candidate?: string;
  reason?: string;
  max_candidates?: number;
  today?: string;
}

const id = z.string().min(1).max(200);
export const swapInputSchema = z
  .object({
    assignment_id: id,
    requester: id,
    candidate: id.optional(),
    reason: z.string().min(1).max(500).optional(),
    max_candidates: z.number().int().min(1).max(50).optional(),
    today: isoDate.optional(),
  })
  .strict();

/** Seed thresholds: request validation >= 0.80 required, candidates >= 0.70, impact >= 0.75. */
export const SWAP_THRESHOLDS = { request: 0.8, candidates: 0.7, impact: 0.75 } as const;
/** Consent and approval window, and the rollback window after execution. */
export const SWAP_WINDOW_MS = 24 * 3_600_000;
/** validate_swap validates the hypothetical schedule: trusted like validate_schedule (0.90). */
const IMPACT_CONFIDENCE = { base: 0.9 } as const;

/** The swap as the server's swap tools take it. */
function proposal(ctx: RunContext<SwapInputs>, candidate: Candidate | undefined): JsonObject {
  if (!candidate) throw new Error('no candidate selected');
  return compact({
    requester_id: ctx.inputs.requester,
    assignment_id: ctx.inputs.assignment_id,
    swap_type: candidate.swapType,
    target_person_id: candidate.person,
    target_assignment_id: candidate.assignment,
  });
}

type RequestCheck = { ok: boolean; verified: boolean; problems: string[]; notes: string[]; date: string | null; owner: string | null };

/** The requester's assignments over the current schedule (the lookup needs a range; the assignment's date is not known yet). */
function assignmentLookup(ctx: RunContext<SwapInputs>): JsonObject {
  const status = ctx.data('status');
  const start = str(status, 'start_date');
  const end = str(status, 'end_date');
  if (!start || !end) throw new Error('the schedule status gave no range to look the assignment up in');
  return { start_date: start, end_date: end, person_id: ctx.inputs.requester };
}

/** Phase 1 rules: requester active, assignment exists and is theirs, not in the past; locked or imminent dates are noted. */
export function checkRequest(view: ResultView, inputs: SwapInputs): RequestCheck {
  const problems: string[] = [];
  const notes: string[] = [];
  const people = list(view.data('requester'), 'people', 'result') ?? [];
  const requester = people.find((p) => str(p, 'id', 'person_id') === inputs.requester);
  const assignments = list(view.data('assignment'), 'assignments', 'result') ?? [];
  const assignment = assignments.find((a) => str(a, 'id', 'assignment_id') === inputs.assignment_id);
  const verified = view.data('requester') !== undefined && view.data('assignment') !== undefined;
  if (!verified) notes.push('the server has no lookup tools: the request could not be checked here (the server checks it when the swap is requested)');
  if (view.data('requester') !== undefined) {
    if (!requester) problems.push(`requester ${inputs.requester} does not exist`);
    else if (bool(requester, 'active') === false) problems.push(`requester ${inputs.requester} is not active`);
  }
  const owner = str(assignment, 'person_id', 'personId') ?? null;
  const date = str(assignment, 'date') ?? null;
  if (view.data('assignment') !== undefined) {
    if (!assignment) problems.push(`assignment ${inputs.assignment_id} does not exist`);
    else {
      if (owner !== inputs.requester) problems.push(`assignment ${inputs.assignment_id} belongs to ${owner ?? 'someone else'}, not ${inputs.requester}`);
      if (date && inputs.today && date < inputs.today) problems.push(`assignment ${inputs.assignment_id} on ${date} is in the past`);
      const lockedThrough = str(view.data('status'), 'locked_through');
      if (bool(assignment, 'locked') === true || (date && lockedThrough && date <= lockedThrough)) {
        notes.push(`assignment ${inputs.assignment_id} is in the locked period: the coordinator's approval must give a reason`);
      }
      if (date && inputs.today && date < addDays(inputs.today, 14)) notes.push(`imminent swap: ${date} is less than 14 days away`);
    }
  }
  return { ok: problems.length === 0, verified, problems, notes, date, owner };
}

function requestWindow(ctx: RunContext<SwapInputs>): JsonObject {
  const date = str(ctx.data('request_check'), 'date') ?? ctx.inputs.today;
  if (!date) throw new Error('the assignment date is unknown and no "today" was given');
  return { start_date: date, end_date: addDays(date, 30) };
}

function requestDecision(ctx: RunContext<SwapInputs>): PhaseVerdict | undefined {
  const check = ctx.data('request_check') as RequestCheck | undefined;
  if (check && !check.ok) return { action: 'stop', status: 'blocked', reason: `Swap request rejected: ${check.problems.join('; ')}` };
  // Existing violations do not block: phase 3 checks the swap itself, and a swap is often how one gets fixed.
  // Those of the requester need the coordinator's eye; the others are noted.
  const critical = validationFindings(ctx.data('baseline'), 'baseline').filter((f) => f.severity === 'critical');
  const own = critical.filter((f) => f.person === ctx.inputs.requester);
  const warnings = [...(check?.notes ?? [])];
  if (critical.length > own.length) warnings.push(`${critical.length - own.length} critical issue(s) of other people around the swap dates (run the compliance check)`);
  if (own.length > 0)
    return {
      action: 'continue',
      warnings,
      review: `${ctx.inputs.requester} already breaks a rule around the swap (${shortFinding(own[0]!)}): the coordinator should check the swap fixes rather than hides it`,
    };
  return warnings.length > 0 ? { action: 'continue', warnings } : undefined;
}

function impactDecision(ctx: RunContext<SwapInputs>): PhaseVerdict | undefined {
  const branch = str(ctx.data('route'), 'branch');
  if (branch === 'escalate' || branch === 'default') {
    return { action: 'stop', status: 'needs_review', reason: 'No swap candidates: escalated to the coordinator' };
  }
  if (branch === 'automated') {
    const s = selectAutomated(ctx);
    if (!s.candidate) {
      const first = s.findings[0];
      return { action: 'stop', status: 'blocked', reason: `Swap blocked: ${s.reason}${first ? ` (${shortFinding(first)}: ${first.message})` : ''}` };
    }
  }
  if (branch === 'manual') return { action: 'continue', warnings: [selectManual(ctx).reason] };
  return undefined;
}

/** The selection's confidence: the impact assessment of the chosen candidate. */
function selectionConfidence(data: JsonObject, ctx: RunContext<SwapInputs>): ConfidenceFactor[] {
  const s = data as Selection;
  const index = candidatesOf(ctx).findIndex((c) => c.person === s.candidate?.person);
  const stepId = s.path === 'automated' ? IMPACT_STEPS[index] : 'preview_manual';
  const r = stepId ? ctx.result(stepId) : undefined;
  if (s.path === 'manual') return [{ kind: 'base', label: 'manual review: the coordinator decides', value: r?.data ? Math.min(0.8, r.confidence.value) : 0.6 }];
  return [{ kind: 'base', label: `impact assessment of ${s.candidate?.person ?? '?'}`, value: r?.data ? r.confidence.value : 0 }];
}

function consentRequest(ctx: RunContext<SwapInputs>): ApprovalContent {
  const s = selectionOf(ctx);
  const c = s?.candidate;
  return {
    summary: c
      ? `${c.person} takes assignment ${ctx.inputs.assignment_id} from ${ctx.inputs.requester}${c.assignment ? ` and gives ${c.assignment} in exchange` : ''}. Confirm that ${c.person} consents.`
      : 'No candidate selected',
    details: { candidate: c ?? null, mutual: c?.mutual ?? null, reason: ctx.inputs.reason ?? null },
  };
}

function coordinatorRequest(ctx: RunContext<SwapInputs>): ApprovalContent {
  const s = selectionOf(ctx);
  const c = s?.candidate;
  const blocking = (s?.findings ?? []).filter((f) => f.severity === 'critical' || f.severity === 'high');
  const fastPath = c?.mutual === true && s?.compliant === true && blocking.length === 0;
  return {
    summary: `Swap ${ctx.inputs.assignment_id}: ${ctx.inputs.requester} -> ${c?.person ?? '?'} (${s?.path ?? '?'} path${s?.compliant === true ? ', compliant' : s?.compliant === false ? ', NOT compliant' : ', impact not assessed'}). Rollback is possible for 24 hours after execution.`,
    details: { path: s?.path ?? null, candidate: c ?? null, assessed: s?.assessed ?? [], findings: s?.findings ?? [], fast_path_eligible: fastPath },
    blockingIssues: blocking.map(describeFinding),
  };
}

function swapIdOf(view: ResultView): string | undefined {
  return str(view.data('request'), 'swap.swap_id', 'swap_id', 'swap.id', 'id');
}

function requireSwapId(ctx: RunContext): string {
  const swapId = swapIdOf(ctx);
  if (!swapId) throw new Error('the swap request returned no swap_id');
  return swapId;
}

function versionOf(ctx: ResultView, stepId: string): string | number | undefined {
  const v = ctx.data(stepId)?.['data_version'];
  return typeof v === 'number' || typeof v === 'string' ? v : undefined;
}

/** The newest data version the reads before the first write saw (each write then passes on its own). */
function versionBeforeWrites(ctx: ResultView): string | number | undefined {
  const seen = [...IMPACT_STEPS, 'preview_manual', 'candidates', 'assignment', 'status'].map((id) => versionOf(ctx, id)).filter((v) => v !== undefined);
  const numbers = seen.filter((v): v is number => typeof v === 'number');
  return numbers.length > 0 ? Math.max(...numbers) : seen[0];
}

/** The audit record the seed asks for; the rollback deadline is the server's, else 24 h after execution. */
export function auditRecord(view: ResultView, inputs: SwapInputs): JsonObject {
  const exec = view.data('execute');
  const s = selectionOf(view);
  const executedAt = str(exec, 'swap.executed_at', 'executed_at') ?? null;
  const deadline =
    str(exec, 'swap.rollback_deadline', 'rollback_deadline', 'rollback_until') ??
    (executedAt
      ? new Date(Date.parse(executedAt) + SWAP_WINDOW_MS).toISOString()
      : view.result('execute')?.finishedAt !== undefined
        ? new Date(view.result('execute')!.finishedAt + SWAP_WINDOW_MS).toISOString()
        : null);
  const approval = view.data('coordinator');
  return {
    swap_id: swapIdOf(view) ?? null,
    requester: inputs.requester,
    candidate: s?.candidate?.person ?? null,
    assignment_id: inputs.assignment_id,
    candidate_assignment_id: s?.candidate?.assignment ?? null,
    path: s?.path ?? null,
    approved_by: str(approval, 'approver') ?? null,
    exception_id: str(approval, 'exceptionId') ?? null,
    executed_at: executedAt,
    data_version: exec?.['data_version'] ?? null,
    backup_id: str(exec, 'swap.backup_id', 'backup_id') ?? null,
    status: str(exec, 'swap.status', 'status') ?? 'executed',
    rollback_deadline: deadline,
  };
}

const MODES_TIMEOUT = { express: 2000, standard: 3000, audit: 10_000 } as const;

export const swapWorkflow: WorkflowDefinition<SwapInputs> = {
  id: 'swap',
  title: 'Swap execution',
  version: 1,
  description:
    'Validates a swap request, finds and ranks candidates, assesses the impact, asks for consent and coordinator approval, executes with the expected data version and records the audit.',
  parseInputs: (raw) => compact(parseInputsWith(swapInputSchema, raw, 'the swap')),
  modes: {
    express: {
      description: 'No conflict re-check in the impact assessment; short time limits (the seed auto-approves mutual swaps: here approvals still ask)',
      skipSteps: ['impact_conflicts'],
      policy: { '*': { timeoutMs: MODES_TIMEOUT.express } },
    },
    standard: { description: 'Full validation and impact assessment', policy: { '*': { timeoutMs: MODES_TIMEOUT.standard } } },
    audit: { description: 'Full validation, caches bypassed, longer time limits', cache: 'off', policy: { '*': { timeoutMs: MODES_TIMEOUT.audit } } },
  },
  defaultMode: 'standard',
  // Consent and approval may take up to 24 h (seed); waiting for them does not count against this limit.
  timeoutMs: 2 * 60_000,
  phases: [
    {
      id: 'request',
      title: 'Phase 1 · Request validation',
      run: 'serial',
      steps: [
        { id: 'status', kind: 'tool', title: 'Current schedule', capability: 'get_schedule_status', weight: 0, args: () => ({}) },
        { id: 'requester', kind: 'tool', title: 'Requester', capability: 'list_people', weight: 0, args: () => ({ include_inactive: true }) },
        { id: 'assignment', kind: 'tool', title: 'Assignment', capability: 'get_assignments', weight: 0, args: assignmentLookup },
        {
          id: 'request_check',
          kind: 'compute',
          title: 'Request rules',
          compute: (ctx) => checkRequest(ctx, ctx.inputs),
          confidence: (data) => [
            data['verified'] === true
              ? { kind: 'base', label: 'requester and assignment checked against the server', value: 0.95 }
              : { kind: 'base', label: 'request not verifiable here (no lookup tools)', value: 0.6 },
          ],
        },
        {
          id: 'baseline',
          kind: 'tool',
          title: 'Schedule around the swap (date + 30 days)',
          capability: 'validate_schedule',
          dependsOn: ['request_check'],
          args: (ctx) => ({ ...requestWindow(ctx), check_work_hours: true, check_supervision: true, check_rest_periods: true, check_consecutive_duty: true }),
        },
      ],
      gates: [confidenceGate('request validation', { proceed: SWAP_THRESHOLDS.request, review: SWAP_THRESHOLDS.request }, { method: 'weighted_mean' })],
      decide: requestDecision,
    },
    {
      id: 'candidates',
      title: 'Phase 2 · Candidates',
      run: 'serial',
      steps: [
        {
          id: 'candidates',
          kind: 'tool',
          title: 'Swap candidates',
          capability: 'analyze_swap_candidates',
          critical: true,
          args: (ctx) => ({ requester_person_id: ctx.inputs.requester, assignment_id: ctx.inputs.assignment_id, max_candidates: ctx.inputs.max_candidates ?? 10 }),
        },
        {
          id: 'ranking',
          kind: 'compute',
          title: 'Rank (match score, x1.5 mutual)',
          dependsOn: ['candidates'],
          compute: (ctx) => {
            const candidates = rankCandidates(ctx.data('candidates'), ctx.inputs.candidate, ctx.inputs.assignment_id);
            const missingPreferred = ctx.inputs.candidate !== undefined && !candidates.some((c) => c.preferred);
            return { candidates, count: candidates.length, ...(missingPreferred ? { note: `the requested candidate ${ctx.inputs.candidate} is not among the candidates` } : {}) };
          },
        },
      ],
      gates: [confidenceGate('candidates', { proceed: SWAP_THRESHOLDS.candidates, review: 0 }, { method: 'minimum', steps: ['candidates'] })],
      decide: (ctx) => {
        const note = str(ctx.data('ranking'), 'note');
        return note ? { action: 'continue', warnings: [note] } : undefined;
      },
    },
    {
      id: 'impact',
      title: 'Phase 3 · Impact',
      run: 'parallel',
      steps: [
        {
          id: 'route',
          kind: 'branch',
          title: '3+ automated, 1-2 manual review, 0 escalate',
          dependsOn: ['ranking'],
          choose: (ctx) => swapPath(candidatesOf(ctx).length),
          branches: {
            automated: ['impact_1', 'impact_2', 'impact_3', 'impact_conflicts', 'select_automated'],
            manual: ['preview_manual', 'select_manual'],
            escalate: ['escalate'],
          },
          default: ['escalate'],
        },
        ...IMPACT_STEPS.map((stepId, i) => ({
          id: stepId,
          kind: 'tool' as const,
          title: `Impact of candidate ${i + 1} (hypothetical schedule)`,
          capability: 'validate_swap',
          args: (ctx: RunContext<SwapInputs>) => proposal(ctx, candidatesOf(ctx)[i]),
          confidence: IMPACT_CONFIDENCE,
        })),
        {
          id: 'impact_conflicts',
          kind: 'tool',
          title: 'Conflicts around the swap',
          capability: 'detect_conflicts',
          weight: 0.5,
          args: (ctx) => ({ ...requestWindow(ctx), include_auto_resolution: true }),
        },
        {
          id: 'preview_manual',
          kind: 'tool',
          title: 'Preview of the chosen swap',
          capability: 'validate_swap',
          args: (ctx) => proposal(ctx, candidatesOf(ctx)[0]),
          confidence: IMPACT_CONFIDENCE,
        },
        { id: 'escalate', kind: 'compute', title: 'Escalate to the coordinator', compute: () => ({ escalated: true, reason: 'no candidates found' }) },
      ],
      gates: [confidenceGate('impact', { proceed: SWAP_THRESHOLDS.impact, review: SWAP_THRESHOLDS.impact }, { method: 'maximum', steps: [...IMPACT_STEPS] })],
      decide: impactDecision,
    },
    {
      id: 'review',
      title: 'Phase 4 · Consent and approval',
      run: 'serial',
      steps: [
        // The selections read the impact results without depending on them: a failed preview still goes to the coordinator.
        { id: 'select_automated', kind: 'compute', title: 'Best compliant candidate', compute: selectAutomated, confidence: selectionConfidence },
        { id: 'select_manual', kind: 'compute', title: 'Candidate for coordinator review', compute: selectManual, confidence: selectionConfidence },
        { id: 'selection', kind: 'hub', title: 'Selected swap', inputs: ['select_automated', 'select_manual'], compute: (ctx) => selectionOf(ctx) ?? { candidate: null } },
        { id: 'consent', kind: 'approval', title: 'Candidate consent', dependsOn: ['selection'], timeoutMs: SWAP_WINDOW_MS, request: consentRequest },
        { id: 'coordinator', kind: 'approval', title: 'Coordinator approval', dependsOn: ['consent'], timeoutMs: SWAP_WINDOW_MS, request: coordinatorRequest },
      ],
    },
    {
      id: 'execute',
      title: 'Phase 5 · Execute and audit',
      run: 'serial',
      steps: [
        {
          id: 'request',
          kind: 'tool',
          title: 'Record the swap request',
          capability: 'request_swap',
          writes: true,
          critical: true,
          dependsOn: ['coordinator'],
          args: (ctx) =>
            compact({
              actor: ctx.inputs.requester,
              expected_data_version: versionBeforeWrites(ctx),
              ...proposal(ctx, selectionOf(ctx)?.candidate ?? undefined),
              reason: ctx.inputs.reason,
            }),
        },
        {
          id: 'consent_record',
          kind: 'tool',
          title: 'Record the candidate’s consent',
          capability: 'record_swap_consent',
          writes: true,
          critical: true,
          dependsOn: ['request', 'consent'],
          args: (ctx) =>
            compact({
              actor: str(ctx.data('consent'), 'approver'),
              expected_data_version: versionOf(ctx, 'request'),
              swap_id: requireSwapId(ctx),
              person_id: selectionOf(ctx)?.candidate?.person,
              consent: true,
              notes: str(ctx.data('consent'), 'reason'),
            }),
        },
        {
          id: 'approve',
          kind: 'tool',
          title: 'Record the coordinator’s approval',
          capability: 'approve_swap',
          writes: true,
          critical: true,
          dependsOn: ['consent_record'],
          args: (ctx) =>
            compact({
              actor: str(ctx.data('coordinator'), 'approver'),
              expected_data_version: versionOf(ctx, 'consent_record'),
              swap_id: requireSwapId(ctx),
              approve: true,
              reason: str(ctx.data('coordinator'), 'reason'),
            }),
        },
        {
          id: 'execute',
          kind: 'tool',
          title: 'Execute with the expected data version',
          capability: 'execute_swap',
          writes: true,
          critical: true,
          dependsOn: ['approve'],
          args: (ctx) => compact({ actor: str(ctx.data('coordinator'), 'approver'), expected_data_version: versionOf(ctx, 'approve'), swap_id: requireSwapId(ctx) }),
        },
        { id: 'audit', kind: 'compute', title: 'Audit record', dependsOn: ['execute'], compute: (ctx) => auditRecord(ctx, ctx.inputs) },
      ],
    },
  ],
};

export const swap: WorkflowModule<SwapInputs> = { definition: swapWorkflow, safetyTier: 2, outcome, inputSchema: swapInputSchema, inputPlan: SWAP_PLAN };
