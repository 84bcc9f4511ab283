/**
 * The burnout reproduction number of a schedule: index cases (given, or the people the
 * wellbeing data records as burned out), their secondary cases among network contacts,
 * the Rt status, interventions, superspreaders and the contacts most exposed.
 */
import { ToolError } from '../domain/errors';
import type { ScheduleSnapshot } from '../domain/snapshot';
import { burnoutStatuses, hasWellbeing, wellbeingName } from './common';
import { burnoutRt, herdImmunityThreshold, rtInterventions, rtSeverity, rtStatus, type Case } from './epidemiology';
import type { Network } from './network';
import { mean } from './stats';

export function burnoutRtReport(snap: ScheduleSnapshot, net: Network, given: readonly string[] | undefined, windowDays: number, analyzedAt: string) {
  const records = burnoutStatuses(snap);
  const missing: string[] = [];
  if (!hasWellbeing(snap, 'burnout')) missing.push(wellbeingName('burnout'));
  const unknown = (given ?? []).filter((id) => !snap.peopleById.has(id));
  if (unknown.length > 0) throw new ToolError(`unknown provider id(s): ${unknown.join(', ')}`, 'NOT_FOUND');
  const ids = given ?? [...records.entries()].filter(([, r]) => r.status === 'burned_out').map(([id]) => id);
  const cases: Case[] = ids.map((id) => ({ personId: id, ...(records.get(id)?.onset ? { onset: records.get(id)!.onset! } : {}) }));
  // Secondary cases are any recorded onsets among contacts, burned out or at risk.
  const known = [...records.entries()].filter(([id, r]) => r.onset && r.status !== 'healthy' && !ids.includes(id)).map(([id, r]) => ({ personId: id, onset: r.onset! }));
  const result = burnoutRt(net, [...cases, ...known], windowDays);
  const indexSecondary = new Map([...result.secondary].filter(([id]) => ids.includes(id)));
  const rt = indexSecondary.size > 0 ? mean([...indexSecondary.values()]) : null;
  if (cases.length > 0 && rt === null) missing.push('wellbeing.burnout onset dates of the index cases');
  // No recorded burnout and no ids given: unknown, not "no cases".
  const noData = missing.includes(wellbeingName('burnout')) && !given;
  const value = cases.length === 0 && !noData ? 0 : rt;
  const st = cases.length === 0 && !noData ? { status: 'no_cases' as const, level: 'none' as const } : value === null ? null : rtStatus(value);
  const contacts = [...result.contacts].filter((id) => !ids.includes(id));
  const caseNeighbours = (id: string) => {
    const i = net.index.get(id);
    return i === undefined ? 0 : net.adj[i]!.filter((j) => ids.includes(net.ids[j]!)).length;
  };
  return {
    missing,
    fields: {
      rt: value,
      status: st?.status ?? ('insufficient_data' as const),
      intervention_level: st?.level ?? null,
      interventions: st ? rtInterventions(st.level) : [],
      herd_immunity_threshold: value === null ? null : herdImmunityThreshold(value),
      total_cases_analyzed: indexSecondary.size,
      cases_without_onset: result.casesWithoutOnset.filter((id) => ids.includes(id)),
      total_close_contacts: contacts.length,
      superspreaders: [...indexSecondary.entries()]
        .filter(([, n]) => n >= 3)
        .map(([id, n]) => {
          const degree = net.adj[net.index.get(id) ?? -1]?.length ?? 0;
          return { provider_id: id, secondary_cases: n, degree, risk_level: n >= 5 ? ('critical' as const) : ('high' as const) };
        }),
      high_risk_contacts: contacts.sort((a, b) => caseNeighbours(b) - caseNeighbours(a) || a.localeCompare(b)),
      analyzed_at: analyzedAt,
      time_window_days: windowDays,
      severity: value === null ? ('unknown' as const) : rtSeverity(value),
    },
  };
}
