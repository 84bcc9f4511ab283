/**
 * Every confidence gate and decision threshold of the four workflows as one Markdown table,
 * written from the definitions and constants themselves (`npm run docs` puts it in
 * docs/workflows.md; a test fails when the two differ).
 */
import { ALERT_CONFIDENCE } from './shared/alerts';
import { SCORE_BANDS } from './compliance';
import { CRITICAL_GAP_SHARE, DRAFT_VALIDATION_CONFIDENCE, GENERATION_CONFIDENCE, RISK_REVIEW_INDEX } from './generationRules';
import { DEFENSE_ESCALATION_LEVEL, GAP_ESCALATION, UNIFIED_ALERT } from './resilience';
import { WORKFLOWS } from './catalog';

const f2 = (n: number) => n.toFixed(2);

/** Thresholds that decide outside a gate (rules of a phase, alert levels, score bands). */
const RULES: readonly [workflow: string, where: string, rule: string][] = [
  ['generate', 'Generation', `phases 1-3 weighted confidence < ${f2(GENERATION_CONFIDENCE)} -> greedy algorithm`],
  ['generate', 'Contingency', `critical gaps > ${Math.round(CRITICAL_GAP_SHARE * 100)}% -> review`],
  ['generate', 'Unified risk', `index > ${RISK_REVIEW_INDEX} -> review required`],
  ['generate', 'Post-validation', `draft validation >= ${f2(DRAFT_VALIDATION_CONFIDENCE.default)} (emergency ${f2(DRAFT_VALIDATION_CONFIDENCE.emergency)}), else blocked`],
  ['compliance', 'Synthesis', `score >= ${SCORE_BANDS.compliant} compliant, >= ${SCORE_BANDS.review} coordinator review, else fix required`],
  ['resilience', 'Tier 1', `defense level >= ${DEFENSE_ESCALATION_LEVEL} -> tier 2`],
  ['resilience', 'Tier 2', `more than ${GAP_ESCALATION} gaps -> tier 3`],
  ['resilience', 'Synthesis', `unified index > ${UNIFIED_ALERT} -> alert`],
  [
    'resilience',
    'Alerts',
    `RED needs confidence >= ${f2(ALERT_CONFIDENCE.RED)}, YELLOW >= ${f2(ALERT_CONFIDENCE.YELLOW)}, INFO >= ${f2(ALERT_CONFIDENCE.INFO)}; less is downgraded`,
  ],
];

export function thresholdTable(): string {
  const rows: string[] = ['| workflow | phase | gate or rule |', '|---|---|---|'];
  for (const module of WORKFLOWS) {
    const def = module.definition;
    for (const phase of def.phases) for (const gate of phase.gates ?? []) rows.push(`| ${def.id} | ${phase.title} | gate: ${gate.label ?? ''} |`);
    for (const [workflow, where, rule] of RULES) if (workflow === def.id) rows.push(`| ${def.id} | ${where} | ${rule} |`);
  }
  return rows.join('\n');
}
