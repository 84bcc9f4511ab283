/** Swap execution: the conclusion drawn from the results. */
import { describeFinding } from './shared/findings';
import type { Recommendation, ResultView, RunEnd, WorkflowOutcome } from './shared/outcome';
import { str } from './shared/read';
import type { SwapInputs } from './swap';
import { candidatesOf, selectionOf } from './swapSelection';

export function outcome(view: ResultView, end: RunEnd): WorkflowOutcome {
  const inputs = view.inputs as SwapInputs;
  const branch = str(view.data('route'), 'branch');
  const s = selectionOf(view);
  const audit = view.data('audit');
  const candidates = candidatesOf(view);
  const metrics = [
    { label: 'Assignment', value: `${inputs.assignment_id} (requester ${inputs.requester})` },
    {
      label: 'Candidates',
      value: view.data('ranking')
        ? `${candidates.length}${candidates[0] ? `, best ${candidates[0].person} (${candidates[0].matchScore.toFixed(2)}${candidates[0].mutual ? ', mutual' : ''})` : ''}`
        : 'unknown',
    },
  ];
  if (branch) metrics.push({ label: 'Path', value: branch === 'default' ? 'escalate' : branch });
  if (s?.candidate) metrics.push({ label: 'Selected', value: `${s.candidate.person}${s.compliant === true ? ' (compliant)' : s.compliant === false ? ' (NOT compliant)' : ''}` });
  const recs: Recommendation[] = [];
  if (branch === 'escalate' || branch === 'default')
    recs.push({ category: 'immediate', text: 'Coordinator: find a swap partner manually or cover the assignment from the backup pool' });
  for (const f of (s?.findings ?? []).slice(0, 3)) recs.push({ category: 'immediate', text: f.suggestedFix ?? describeFinding(f) });
  let decision: string;
  if (audit) decision = `Executed swap ${String(audit['swap_id'])}; rollback possible until ${String(audit['rollback_deadline'])}`;
  else if (end.status === 'rejected') decision = 'Not executed: an approval was rejected; the schedule is unchanged';
  else if (branch === 'escalate' || branch === 'default') decision = 'Escalated to the coordinator: no candidates';
  else decision = `Not executed${end.reason ? `: ${end.reason}` : ''}`;
  return {
    headline: audit ? `Swap executed: ${inputs.requester} -> ${String(audit['candidate'])}` : `Swap not executed (${end.status})`,
    decision,
    metrics,
    findings: s?.findings ?? [],
    alerts: [],
    recommendations: recs,
    nextActions: audit
      ? [
          {
            kind: 'call',
            label: `Roll the swap back (possible until ${String(audit['rollback_deadline'])})`,
            capability: 'rollback_swap',
            args: { expected_data_version: audit['data_version'] ?? null, swap_id: String(audit['swap_id'] ?? '') },
            writes: true,
          },
        ]
      : [],
  };
}
