/** Schedule generation: the conclusion drawn from the results. */
import { describeFinding, type Finding } from './shared/findings';
import { dedupeRecommendations, type Recommendation, type ResultView, type RunEnd, type WorkflowOutcome } from './shared/outcome';
import { list, pct, round, str, strings } from './shared/read';
import { contingencyGaps, describeSignal, signalLevel, unifiedIndex, utilizationLevel, utilizationRate } from './shared/signals';
import { scenario2Options } from './generationReview';
import { CRITICAL_GAP_SHARE, EARLY_WARNING, draftFindings, draftOf, findingsOf, preGenerationConfidence } from './generationRules';

function recommendations(view: ResultView, draft: readonly Finding[]): Recommendation[] {
  const recs: Recommendation[] = [];
  for (const f of draft.filter((x) => x.severity === 'critical' || x.severity === 'high').slice(0, 5))
    recs.push({ category: 'immediate', text: f.suggestedFix ?? `Fix: ${describeFinding(f)}` });
  const gaps = contingencyGaps(view.data('contingency'));
  if (gaps && gaps.criticalShare > CRITICAL_GAP_SHARE)
    recs.push({ category: 'immediate', text: `Plan contingencies: ${gaps.critical} of ${gaps.total} N-1 gaps have no workaround` });
  for (const id of EARLY_WARNING) {
    const level = signalLevel(view.data(id));
    if (level === 'critical' || level === 'warning') {
      const { name, summary } = describeSignal(view, id);
      recs.push({ category: 'monitoring', text: `${name}: ${summary ?? level}` });
    }
  }
  for (const text of (strings(view.data('unified'), 'recommendations') ?? []).slice(0, 3)) recs.push({ category: 'long_term', text });
  return dedupeRecommendations(recs);
}

/** "2 sent to coordinators, r-001, r-004 (1 delivered, 1 not: webhook: HTTP 500)", or why nothing is known. */
export function notificationSummary(view: ResultView): string | undefined {
  const r = view.result('notifications');
  if (!r || r.skip?.cause === 'not_run' || r.skip?.cause === 'dependency') return undefined;
  const sent = list(view.data('notifications'), 'notifications');
  if (!sent) return `not reported (${r.skip?.reason ?? r.error?.message ?? 'no result'})`;
  if (sent.length === 0) return 'none recorded by the server';
  const recipients = [...new Set(sent.flatMap((n) => strings(n, 'recipients') ?? []))];
  const undelivered = sent.filter((n) => n['delivered'] !== true);
  const reasons = [...new Set(undelivered.map((n) => str(n, 'last_error') ?? 'pending'))];
  const who = recipients.length > 6 ? `${recipients.slice(0, 6).join(', ')} and ${recipients.length - 6} more` : recipients.join(', ');
  return `${sent.length} sent to ${who} (${sent.length - undelivered.length} delivered${undelivered.length > 0 ? `, ${undelivered.length} not: ${reasons.join('; ')}` : ''})`;
}

export function outcome(view: ResultView, end: RunEnd): WorkflowOutcome {
  const draft = draftOf(view);
  const draftIssues = draftFindings(view);
  const published = view.result('publish')?.status === 'succeeded';
  const findings = draftIssues.length > 0 || draft ? draftIssues : findingsOf(view, false);
  const metrics = [] as { label: string; value: string }[];
  const util = utilizationRate(view.data('utilization'));
  if (util !== undefined) metrics.push({ label: 'Faculty utilization', value: `${pct(util)} (${utilizationLevel(view.data('utilization')) ?? '?'})` });
  const gaps = contingencyGaps(view.data('contingency'));
  if (gaps) metrics.push({ label: 'N-1 gaps', value: `${gaps.total} (${gaps.critical} critical)` });
  const index = (id: string) => {
    const v = unifiedIndex(view.data(id));
    return v !== undefined ? round(v, 1) : undefined;
  };
  const before = index('unified');
  const after = index('draft_unified');
  if (before !== undefined) metrics.push({ label: 'Unified index', value: after !== undefined ? `${before} -> ${after} (draft)` : String(before) });
  const c = preGenerationConfidence(view);
  const reachedGeneration = view.result('draft_approval') !== undefined && view.result('draft_approval')?.skip?.cause !== 'not_run';
  if (c !== undefined && reachedGeneration) metrics.push({ label: 'Phases 1-3 confidence', value: c.toFixed(2) });
  if (draft) metrics.push({ label: 'Draft', value: `${draft.id}${draftIssues.length ? `, ${draftIssues.length} finding(s)` : ', no findings'}` });
  const notices = notificationSummary(view);
  if (notices) metrics.push({ label: 'Notifications', value: notices });
  const exception = view.data('approval')?.['exceptionId'];
  let decision: string;
  if (published) decision = `Published ${draft?.id ?? 'the draft'}${typeof exception === 'string' ? ` under exception ${exception}` : ''}`;
  else if (end.status === 'rejected') decision = 'Not published: the approval was rejected; the published schedule is unchanged';
  else if (draft) decision = 'Draft kept for review; nothing published';
  else decision = 'No draft generated; nothing changed';
  const nextActions = draft && !published && draftIssues.some((f) => f.severity === 'critical' || f.severity === 'high') ? scenario2Options(view, draft.id) : [];
  const publish = view.data('publish');
  if (published && publish) {
    const until = str(publish, 'rollback_deadline');
    nextActions.push({
      kind: 'call',
      label: `Undo${until ? ` until ${until}` : ''} if needed`,
      capability: 'rollback_publish',
      args: { expected_data_version: publish['data_version'] ?? null, publish_id: str(publish, 'publish_id') ?? '' },
      writes: true,
    });
  }
  return {
    headline: published ? `Schedule published (${draft?.id ?? ''})` : draft ? `Draft ${draft.id} generated, not published` : 'No schedule generated',
    decision,
    metrics,
    findings,
    alerts: [],
    recommendations: recommendations(view, draftIssues),
    nextActions,
  };
}
