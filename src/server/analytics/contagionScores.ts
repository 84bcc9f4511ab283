/**
 * Starting burnout scores for the contagion simulation: the caller's scores per person, or
 * the wellbeing data's statuses (burned_out 1.0, at_risk 0.25, healthy 0), with warnings
 * when the simulation cannot spread anything.
 */
import { ToolError } from '../domain/errors';
import type { ScheduleSnapshot } from '../domain/snapshot';
import { burnoutStatuses, hasWellbeing, wellbeingName } from './common';
import { INFECTED_AT } from './epidemiology';
import type { Network } from './network';

const STATUS_SCORE = { burned_out: 1, at_risk: 0.25, healthy: 0 } as const;

export function contagionScores(
  snap: ScheduleSnapshot,
  net: Network,
  given: Readonly<Record<string, number>> | undefined,
  minSharedBlocks: number,
): { scores: number[]; missing: string[]; warnings: string[] } {
  const missing: string[] = [];
  const warnings: string[] = [];
  let scores: number[];
  if (given) {
    const unknown = Object.keys(given).filter((id) => !net.index.has(id));
    if (unknown.length > 0) throw new ToolError(`unknown or inactive provider id(s): ${unknown.join(', ')}`, 'NOT_FOUND');
    scores = net.ids.map((id) => given[id] ?? 0);
    const unscored = net.ids.length - Object.keys(given).length;
    if (unscored > 0) warnings.push(`${unscored} person(s) without a score were treated as 0 (not burned out)`);
  } else {
    if (!hasWellbeing(snap, 'burnout')) missing.push(wellbeingName('burnout'));
    const records = burnoutStatuses(snap);
    scores = net.ids.map((id) => {
      const r = records.get(id);
      return r ? STATUS_SCORE[r.status] : 0;
    });
  }
  if (net.edgeCount === 0) warnings.push(`no two people share ${minSharedBlocks} blocks: the network has no edges, nothing can spread`);
  if (!scores.some((s) => s >= INFECTED_AT)) warnings.push('nobody is burned out (score >= 0.5): the simulation starts and stays at zero');
  return { scores, missing, warnings };
}
