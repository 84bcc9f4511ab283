/** Schedule generation: what the coordinator reviews (the seed's checklist, the two approval requests, recovery options). */
import type { ApprovalContent, RunContext } from '../engine/definition';
import { describeFinding } from './shared/findings';
import { type ResultView } from './shared/outcome';
import type { NextAction } from './shared/nextActions';
import { count, round } from './shared/read';
import { scopeOf } from './shared/scope';
import { contingencyGaps, signalLevel, unifiedIndex, utilizationLevel } from './shared/signals';
import {
  CRITICAL_GAP_SHARE,
  type GenerationInputs,
  EARLY_WARNING,
  RISK_REVIEW_INDEX,
  chooseAlgorithm,
  draftFindings,
  draftOf,
  findingsOf,
  preGenerationConfidence,
} from './generationRules';

export type ChecklistItem = { phase: string; item: string; ok: boolean | null; note: string };

/** The seed's review checklist (phases 1, 2, 3, 4 and 6). `ok: null` = not checked. */
export function checklist(view: ResultView): ChecklistItem[] {
  const items: ChecklistItem[] = [];
  const base = findingsOf(view, false);
  const validated = view.result('validate')?.data !== undefined;
  items.push({
    phase: '1',
    item: 'Baseline compliant',
    ok: validated ? base.every((f) => f.severity !== 'critical') : null,
    note: validated ? `${base.length} finding(s)` : 'not validated',
  });
  const level = utilizationLevel(view.data('utilization'));
  items.push({ phase: '1', item: 'Utilization at most ORANGE', ok: level ? level !== 'red' && level !== 'black' : null, note: level ?? 'unknown' });
  const gaps = contingencyGaps(view.data('contingency'));
  items.push({
    phase: '2',
    item: 'At least half of the critical gaps have workarounds',
    ok: gaps ? gaps.criticalShare <= CRITICAL_GAP_SHARE : null,
    note: gaps ? `${gaps.critical} critical of ${gaps.total}` : 'not analysed',
  });
  const criticalSignals = EARLY_WARNING.filter((id) => signalLevel(view.data(id)) === 'critical');
  const signals = EARLY_WARNING.filter((id) => view.data(id) !== undefined).length;
  items.push({
    phase: '3',
    item: 'No critical early-warning signal',
    ok: signals > 0 ? criticalSignals.length === 0 : null,
    note: signals > 0 ? `${signals} signal(s) read` : 'no signals',
  });
  const risk = unifiedIndex(view.data('unified'));
  items.push({
    phase: '4',
    item: `Unified risk at most ${RISK_REVIEW_INDEX}`,
    ok: risk !== undefined ? risk <= RISK_REVIEW_INDEX : null,
    note: risk !== undefined ? String(round(risk, 1)) : 'unknown',
  });
  const draft = draftFindings(view);
  const draftValidated = view.result('draft_validate')?.data !== undefined;
  items.push({
    phase: '6',
    item: 'Draft ACGME compliant',
    ok: draftValidated ? draft.every((f) => f.severity !== 'critical' && f.severity !== 'high') : null,
    note: draftValidated ? `${draft.length} finding(s)` : 'not validated',
  });
  const after = unifiedIndex(view.data('draft_unified'));
  items.push({
    phase: '6',
    item: 'Unified index no worse than phase 4',
    ok: risk !== undefined && after !== undefined ? after <= risk : null,
    note: after !== undefined ? `${risk !== undefined ? round(risk, 1) : '?'} -> ${round(after, 1)}` : 'unknown',
  });
  return items;
}

export function draftApprovalRequest(ctx: RunContext<GenerationInputs>): ApprovalContent {
  const s = scopeOf(ctx);
  const risk = unifiedIndex(ctx.data('unified'));
  const algorithm = chooseAlgorithm(ctx, ctx.inputs.algorithm);
  return {
    summary: `Create a draft schedule for ${s.start_date} to ${s.end_date}${algorithm ? ` (algorithm ${algorithm})` : ''}. Nothing is published until the draft is reviewed and approved.`,
    details: {
      range: { start: s.start_date, end: s.end_date },
      pre_generation_confidence: preGenerationConfidence(ctx) ?? null,
      unified_index: risk ?? null,
      checklist: checklist(ctx).filter((i) => Number(i.phase) <= 4),
    },
  };
}

export function publishApprovalRequest(ctx: RunContext<GenerationInputs>): ApprovalContent {
  const draft = draftOf(ctx);
  const findings = draftFindings(ctx);
  const blocking = findings.filter((f) => f.severity === 'critical' || f.severity === 'high');
  const changes = ctx.data('preview');
  return {
    summary: `Publish draft ${draft?.id ?? '?'} for ${scopeOf(ctx).start_date} to ${scopeOf(ctx).end_date}: ${findings.length} finding(s), ${blocking.length} blocking.`,
    details: {
      draft_id: draft?.id ?? null,
      checklist: checklist(ctx),
      changes: changes
        ? {
            added: count(changes, 'metrics.changes.added', 'changes.added', 'added') ?? null,
            removed: count(changes, 'metrics.changes.removed', 'changes.removed', 'removed') ?? null,
          }
        : null,
      violations: findings.slice(0, 20),
      options: scenario2Options(ctx, draft?.id),
    },
    blockingIssues: blocking.map(describeFinding),
  };
}

/** Seed recovery scenario 2: what a coordinator can do about a draft that breaks rules. */
export function scenario2Options(view: ResultView, draftId: string | undefined): NextAction[] {
  const s = view.data('scope');
  const range = s ? { start_date: String(s['start_date']), end_date: String(s['end_date']) } : {};
  return [
    {
      kind: 'run',
      label: 'Modify and resubmit: adjust the draft as suggested, then re-check it',
      workflow: 'compliance',
      ...(draftId ? { inputs: { schedule_id: draftId } } : {}),
    },
    { kind: 'override', label: 'Override: approve with a documented justification; an exception record is kept for the compliance audit' },
    { kind: 'run', label: 'Regenerate with tighter constraints', workflow: 'generate', inputs: { ...range, tighten: true } },
  ];
}
