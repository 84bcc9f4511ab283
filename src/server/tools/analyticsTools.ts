/**
 * Resilience and early-warning analytics tools (issue 6), under the real server's names and
 * result fields. Each reads the stored schedule through `ctx.snapshot` (or series the caller
 * passes) and computes with the pure functions of `src/server/analytics`. Inputs a schedule
 * cannot hold come from its `wellbeing` section; when they are missing the result says so in
 * `data_quality` instead of inventing numbers. All tools only read.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { ZONES } from '../domain/program';
import type { ScheduleSnapshot } from '../domain/snapshot';
import { addDays, daysBetween, eachDate } from '../domain/time';
import { blastRadius, blastRadiusOutput } from '../analytics/blastRadius';
import { capabilityShape, processCapability } from '../analytics/capability';
import {
  activePeople,
  baseFields,
  baseOutput,
  burnoutStatuses,
  hasWellbeing,
  wellbeingName,
  type WellbeingInput,
} from '../analytics/common';
import { availableDays, coverageModel, type CoverageModel } from '../analytics/coverage';
import { assessCreepFatigue, creepAssessmentShape, DEFAULT_SN, LMP_THRESHOLD, SAFE_LMP } from '../analytics/creepFatigue';
import {
  burnoutContagion,
  burnoutRt,
  contagionOutput,
  herdImmunityThreshold,
  INFECTED_AT,
  INTERVENTION_LEVELS,
  RT_STATUSES,
  rtInterventions,
  rtSeverity,
  rtStatus,
  type Case,
} from '../analytics/epidemiology';
import { equityMetrics, equityOutput, TARGET_GINI } from '../analytics/equity';
import { componentShape, DANGER_CLASSES, DANGER_SEVERITY, dangerClass, dangerRestrictions, fireComponents, temporalAnalysis, type FireInputs } from '../analytics/fireDanger';
import { hubAnalysis, hubOutput } from '../analytics/hub';
import { centralities, coAssignmentNetwork, DEFAULT_MIN_SHARED_BLOCKS, type Centralities, type Network } from '../analytics/network';
import {
  combinedMagnitude,
  detectPrecursors,
  magnitudeInterpretation,
  magnitudeOf,
  PRECURSOR_SIGNALS,
  precursorAlertShape,
  recentMaxRatio,
  type PrecursorAlert,
} from '../analytics/precursors';
import { planEvents, recoverEvent, recoveryOutput, summariseRecovery, type EventResult } from '../analytics/recovery';
import { SACRIFICE_LEVELS, sacrificeOutput, sacrificePreview } from '../analytics/sacrifice';
import { dailyCounts, dailyHours, fullWeeks, weeklyHours } from '../analytics/series';
import { controlLimits, controlLimitsShape, spcAlertShape, spcSeverity, westernElectric, type SpcAlert } from '../analytics/spc';
import { linearSlope, mean, sampleStd, sum } from '../analytics/stats';
import { supplyDemandCycles, supplyDemandOutput } from '../analytics/supplyDemand';
import { band, kalmanTrend, smoothness, trendAssessment, trendOutput, type KalmanParams } from '../analytics/trend';
import { unifiedIndex, unifiedOutput } from '../analytics/unifiedIndex';
import type { ToolContext } from './context';
import { ToolError } from '../domain/errors';
import { READ_ONLY, registerTool, type CallContext } from './defineTool';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');

/** Which schedule and range to read; all optional: the current schedule over its own range. */
const scope = {
  start_date: isoDate.optional().describe('First day analysed (default: the schedule start).'),
  end_date: isoDate.optional().describe('Last day analysed (default: the schedule end).'),
  schedule_id: z.string().optional().describe('A stored schedule or draft (default: the current published schedule).'),
};
type Scope = { start_date?: string | undefined; end_date?: string | undefined; schedule_id?: string | undefined };

const maxAlerts = z.number().int().min(1).max(10_000).default(100).describe('Most alerts listed (the most severe first); counts cover all.');

const SPC_ORDER = ['CRITICAL', 'WARNING', 'INFO'];
const PRECURSOR_ORDER = ['critical', 'elevated', 'warning'];

/** Alerts sorted most severe first, keeping their original order within a severity. */
function mostSevere<T extends { severity: string }>(alerts: readonly T[], order: readonly string[]): T[] {
  return alerts.map((a, i) => ({ a, i })).sort((x, y) => order.indexOf(x.a.severity) - order.indexOf(y.a.severity) || x.i - y.i).map((x) => x.a);
}

const minSharedBlocks = z.number().int().min(1).max(100).default(DEFAULT_MIN_SHARED_BLOCKS).describe('Shared blocks that make two people contacts in the network.');

interface Derived {
  model: CoverageModel;
  networks: Map<number, { net: Network; cent: Centralities }>;
}

export function registerAnalyticsTools(server: McpServer, ctx: ToolContext): void {
  // Several tools of one workflow read the same schedule version: share the N-1 model and networks.
  const cache = new LRUCache<string, Derived>({ max: 8 });
  const snapshot = (args: Scope): ScheduleSnapshot =>
    ctx.snapshot({
      ...(args.start_date ? { start: args.start_date } : {}),
      ...(args.end_date ? { end: args.end_date } : {}),
      ...(args.schedule_id ? { scheduleId: args.schedule_id } : {}),
    });
  const derived = (snap: ScheduleSnapshot): Derived => {
    const key = `${snap.schedule.id}|${snap.dataVersion}|${snap.range.start}|${snap.range.end}`;
    let d = cache.get(key);
    if (!d) {
      d = { model: coverageModel(snap), networks: new Map() };
      cache.set(key, d);
    }
    return d;
  };
  const network = (snap: ScheduleSnapshot, minShared: number) => {
    const d = derived(snap);
    let n = d.networks.get(minShared);
    if (!n) {
      const net = coAssignmentNetwork(snap, minShared);
      n = { net, cent: centralities(net) };
      d.networks.set(minShared, n);
    }
    return n;
  };
  const analyzedAt = () => new Date(ctx.now()).toISOString();
  const coverageGaps = (snap: ScheduleSnapshot, model: CoverageModel): string[] => {
    const missing: string[] = [];
    if (snap.coverage.length === 0) missing.push('coverage rules (the program defines no required slots)');
    else if (model.slots.length === 0) missing.push('required slots in the range');
    if (snap.shifts.length === 0) missing.push('assignments in the range');
    return missing;
  };
  const logger = ctx.logger;

  registerTool(
    server,
    {
      name: 'calculate_blast_radius_tool',
      title: 'Blast radius and zone health',
      description:
        'Zone health (available faculty against each zone\'s minimum and optimal coverage, status green/yellow/orange/red/black, containment level) and, per person, the impact scope of losing them: blocks that fall below their minimum, blocks nobody could cover, and people affected. Computed from the stored schedule.',
      input: {
        zone_id: z.enum(ZONES).optional().describe('Only this zone (inpatient, outpatient, education, research, admin).'),
        check_all_zones: z.boolean().default(true),
        max_personnel: z.number().int().min(1).max(200).default(10).describe('How many person impacts to list, largest first.'),
        ...scope,
      },
      output: { ...baseOutput, analyzed_at: z.string(), ...blastRadiusOutput },
      annotations: READ_ONLY,
      run(args) {
        if (!args.check_all_zones && !args.zone_id) throw new ToolError('check_all_zones is false: name the zone to check in zone_id');
        const snap = snapshot(args);
        const { model } = derived(snap);
        const missing = coverageGaps(snap, model);
        if (activePeople(snap, 'faculty').length === 0) missing.push('faculty (the program has no active faculty)');
        const result = blastRadius(snap, model, {
          ...(args.zone_id ? { zoneId: args.zone_id } : {}),
          maxPersonnel: args.max_personnel,
          nowMs: ctx.now(),
        });
        return { ...baseFields(snap, missing), analyzed_at: analyzedAt(), ...result };
      },
    },
    logger,
  );

  registerTool(
    server,
    {
      name: 'execute_sacrifice_hierarchy_tool',
      title: 'Sacrifice hierarchy preview (load shedding)',
      description:
        'Preview of a load-shedding level: which services it suspends (by category: optional education first, then administration and research, core education, continuity, ACGME; patient safety never), the scheduled hours and people it frees, and how many open positions of the remaining services the freed people could fill. Preview only: applying (simulate_only=false) is refused here because changing the schedule needs the approval flow.',
      input: {
        target_level: z.enum(SACRIFICE_LEVELS),
        simulate_only: z.boolean().default(true),
        ...scope,
      },
      output: { ...baseOutput, ...sacrificeOutput },
      annotations: READ_ONLY,
      run(args) {
        if (!args.simulate_only) {
          throw new ToolError(
            'applying load shedding changes the schedule and needs a coordinator\'s approval; this tool only previews (call it with simulate_only=true and apply the change through the approval flow)',
            'APPROVAL_REQUIRED',
          );
        }
        const snap = snapshot(args);
        const { model } = derived(snap);
        return { ...baseFields(snap, coverageGaps(snap, model)), ...sacrificePreview(snap, model, args.target_level) };
      },
    },
    logger,
  );

  registerTool(
    server,
    {
      name: 'calculate_recovery_distance_tool',
      title: 'Recovery distance after N-1 events',
      description:
        'For the people whose loss hurts coverage most (up to max_events), takes each away for their busiest day and searches (iterative deepening, hard rules checked) for the fewest edits — reassign a free qualified person or backup, or move someone off another shift — that restore the day\'s coverage. Reports rd_mean/median/p95/max, break-glass (> 3 edits), infeasible events (none within 6 edits) and a 0-1 fragility score. Reports progress per event and honours cancellation.',
      input: {
        max_events: z.number().int().min(1).max(100).default(20),
        include_samples: z.boolean().default(true),
        ...scope,
      },
      output: { ...baseOutput, ...recoveryOutput },
      annotations: READ_ONLY,
      async run(args, call) {
        const snap = snapshot(args);
        const { model } = derived(snap);
        const events = planEvents(model, args.max_events);
        const results: EventResult[] = [];
        const checkpoint = checkpointFor(call);
        for (const [i, event] of events.entries()) {
          await checkpoint(i, events.length);
          results.push(recoverEvent(model, event));
        }
        await call.progress(events.length, events.length);
        const missing = coverageGaps(snap, model);
        if (events.length === 0) missing.push('N-1 events (nobody fills a required slot)');
        return { ...baseFields(snap, missing), analyzed_at: analyzedAt(), ...summariseRecovery(results, args.include_samples) };
      },
    },
    logger,
  );

  registerTool(
    server,
    {
      name: 'analyze_hub_centrality_tool',
      title: 'Faculty hub centrality',
      description:
        'Faculty hubs on the co-assignment network (people linked when they worked at least min_shared_blocks blocks together): degree, betweenness (Brandes), eigenvector, PageRank and replacement difficulty, composite 0.20/0.30/0.20/0.15/0.15, risk low..catastrophic (also by services only one faculty member can cover).',
      input: { top_n: z.number().int().min(1).max(100).default(10), min_shared_blocks: minSharedBlocks, ...scope },
      output: { ...baseOutput, ...hubOutput },
      annotations: READ_ONLY,
      run(args) {
        const snap = snapshot(args);
        const { model } = derived(snap);
        const { net, cent } = network(snap, args.min_shared_blocks);
        const missing = coverageGaps(snap, model);
        if (activePeople(snap, 'faculty').length === 0) missing.push('faculty (the program has no active faculty)');
        if (net.edgeCount === 0) missing.push(`co-assignment network (no two people share ${args.min_shared_blocks} blocks)`);
        return { ...baseFields(snap, missing), ...hubAnalysis(snap, model, net, cent, args.top_n, args.min_shared_blocks) };
      },
    },
    logger,
  );

  registerTool(
    server,
    {
      name: 'calculate_burnout_rt_tool',
      title: 'Burnout reproduction number (Rt)',
      description:
        'Rt = mean number of secondary burnout cases per index case: contacts on the co-assignment network whose recorded onset falls within time_window_days after the index case\'s onset. Cases default to the people recorded as burned_out in the wellbeing data; onsets always come from there. Without burnout records the result is marked low-data and rt is null.',
      input: {
        burned_out_provider_ids: z.array(z.string()).optional().describe('Index cases (default: burned_out people in the wellbeing data).'),
        time_window_days: z.number().int().min(1).max(365).default(28),
        min_shared_blocks: minSharedBlocks,
        ...scope,
      },
      output: {
        ...baseOutput,
        rt: z.number().nullable(),
        status: z.enum(RT_STATUSES),
        intervention_level: z.enum(INTERVENTION_LEVELS).nullable(),
        interventions: z.array(z.string()),
        herd_immunity_threshold: z.number().nullable(),
        total_cases_analyzed: z.number(),
        cases_without_onset: z.array(z.string()),
        total_close_contacts: z.number(),
        superspreaders: z.array(z.object({ provider_id: z.string(), secondary_cases: z.number(), degree: z.number(), risk_level: z.enum(['high', 'critical']) })),
        high_risk_contacts: z.array(z.string()),
        analyzed_at: z.string(),
        time_window_days: z.number(),
        severity: z.enum(['healthy', 'warning', 'critical', 'emergency', 'unknown']),
      },
      annotations: READ_ONLY,
      run(args) {
        const snap = snapshot(args);
        const { net } = network(snap, args.min_shared_blocks);
        const records = burnoutStatuses(snap);
        const missing: string[] = [];
        if (!hasWellbeing(snap, 'burnout')) missing.push(wellbeingName('burnout'));
        const unknown = (args.burned_out_provider_ids ?? []).filter((id) => !snap.peopleById.has(id));
        if (unknown.length > 0) throw new ToolError(`unknown provider id(s): ${unknown.join(', ')}`, 'NOT_FOUND');
        const ids = args.burned_out_provider_ids ?? [...records.entries()].filter(([, r]) => r.status === 'burned_out').map(([id]) => id);
        const cases: Case[] = ids.map((id) => ({ personId: id, ...(records.get(id)?.onset ? { onset: records.get(id)!.onset! } : {}) }));
        // Secondary cases are any recorded onsets among contacts, burned out or at risk.
        const known = [...records.entries()].filter(([id, r]) => r.onset && r.status !== 'healthy' && !ids.includes(id)).map(([id, r]) => ({ personId: id, onset: r.onset! }));
        const result = burnoutRt(net, [...cases, ...known], args.time_window_days);
        const indexSecondary = new Map([...result.secondary].filter(([id]) => ids.includes(id)));
        const rt = indexSecondary.size > 0 ? mean([...indexSecondary.values()]) : null;
        if (cases.length > 0 && rt === null) missing.push('wellbeing.burnout onset dates of the index cases');
        // No recorded burnout and no ids given: unknown, not "no cases".
        const noData = missing.includes(wellbeingName('burnout')) && !args.burned_out_provider_ids;
        const value = cases.length === 0 && !noData ? 0 : rt;
        const st = cases.length === 0 && !noData ? { status: 'no_cases' as const, level: 'none' as const } : value === null ? null : rtStatus(value);
        const contacts = [...result.contacts].filter((id) => !ids.includes(id));
        const caseNeighbours = (id: string) => {
          const i = net.index.get(id);
          return i === undefined ? 0 : net.adj[i]!.filter((j) => ids.includes(net.ids[j]!)).length;
        };
        return {
          ...baseFields(snap, missing),
          rt: value,
          status: st?.status ?? 'insufficient_data',
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
          analyzed_at: analyzedAt(),
          time_window_days: args.time_window_days,
          severity: value === null ? ('unknown' as const) : rtSeverity(value),
        };
      },
    },
    logger,
  );

  registerTool(
    server,
    {
      name: 'simulate_burnout_contagion_tool',
      title: 'Burnout contagion (SIS) simulation',
      description:
        'SIS diffusion of burnout over the real co-assignment network (seeded, averaged over monte_carlo_runs runs), with superspreaders (burnout × degree centrality) and interventions sized by counterfactual runs that remove one burned-out person\'s co-assignments. Scores default to the wellbeing data (burned_out 1.0, at_risk 0.25, healthy 0). Reports progress and honours cancellation.',
      input: {
        provider_burnout_scores: z.record(z.string(), z.number().min(0).max(1)).optional().describe('Burnout score 0-1 per person (>= 0.5 counts as burned out).'),
        infection_rate: z.number().min(0).max(1).default(0.05),
        recovery_rate: z.number().min(0).max(1).default(0.01),
        simulation_iterations: z.number().int().min(1).max(1000).default(50),
        max_interventions: z.number().int().min(0).max(50).default(10),
        monte_carlo_runs: z.number().int().min(1).max(500).default(20),
        seed: z.number().int().default(1),
        min_shared_blocks: minSharedBlocks,
        ...scope,
      },
      output: { ...baseOutput, ...contagionOutput },
      annotations: READ_ONLY,
      async run(args, call) {
        const snap = snapshot(args);
        const { net, cent } = network(snap, args.min_shared_blocks);
        const missing: string[] = [];
        const warnings: string[] = [];
        let scores: number[];
        if (args.provider_burnout_scores) {
          const unknown = Object.keys(args.provider_burnout_scores).filter((id) => !net.index.has(id));
          if (unknown.length > 0) throw new ToolError(`unknown or inactive provider id(s): ${unknown.join(', ')}`, 'NOT_FOUND');
          scores = net.ids.map((id) => args.provider_burnout_scores![id] ?? 0);
          const unscored = net.ids.length - Object.keys(args.provider_burnout_scores).length;
          if (unscored > 0) warnings.push(`${unscored} person(s) without a score were treated as 0 (not burned out)`);
        } else {
          if (!hasWellbeing(snap, 'burnout')) missing.push(wellbeingName('burnout'));
          const records = burnoutStatuses(snap);
          const value = { burned_out: 1, at_risk: 0.25, healthy: 0 } as const;
          scores = net.ids.map((id) => {
            const r = records.get(id);
            return r ? value[r.status] : 0;
          });
        }
        if (net.edgeCount === 0) warnings.push(`no two people share ${args.min_shared_blocks} blocks: the network has no edges, nothing can spread`);
        if (!scores.some((s) => s >= INFECTED_AT)) warnings.push('nobody is burned out (score >= 0.5): the simulation starts and stays at zero');
        const result = await burnoutContagion({
          net,
          degree: cent.degree,
          scores,
          params: { infectionRate: args.infection_rate, recoveryRate: args.recovery_rate, iterations: args.simulation_iterations, runs: args.monte_carlo_runs, seed: args.seed },
          maxInterventions: args.max_interventions,
          checkpoint: checkpointFor(call),
        });
        return { ...baseFields(snap, missing), ...result, warnings, generated_at: analyzedAt() };
      },
    },
    logger,
  );

  const precursorSeries = (snap: ScheduleSnapshot, personId: string, signal: string): number[] | null => {
    const w = snap.wellbeing;
    if (signal === 'daily_hours') return dailyHours(snap, personId);
    if (signal === 'swap_requests') return w && w.swapRequests.length > 0 ? dailyCounts(snap.range, w.swapRequests, personId) : null;
    if (signal === 'sick_calls') return w && w.sickCalls.length > 0 ? dailyCounts(snap.range, w.sickCalls, personId) : null;
    return null;
  };
  const SCHEDULE_SIGNALS: Record<string, WellbeingInput | null> = { swap_requests: 'swapRequests', sick_calls: 'sickCalls', daily_hours: null };
  const residentIds = (snap: ScheduleSnapshot, residentId: string | undefined): string[] => {
    if (residentId && residentId !== 'all') {
      const p = snap.peopleById.get(residentId);
      if (!p) throw new ToolError(`unknown resident id: ${residentId}`, 'NOT_FOUND');
      return [p.id];
    }
    return activePeople(snap, 'resident').map((p) => p.id);
  };
  const checkWindows = (short: number, long: number) => {
    if (long <= short) throw new ToolError('long_window must be larger than short_window');
  };

  registerTool(
    server,
    {
      name: 'detect_burnout_precursors_tool',
      title: 'Burnout precursors (STA/LTA)',
      description:
        'Seismic STA/LTA early warning on per-resident daily signals: swap_requests and sick_calls from the wellbeing data, daily_hours from the schedule (one sample per day; trigger at ratio >= 2.5, release at <= 1.0; magnitude 0-10 = 10·log10(ratio)). With resident_id + signal_type + time_series it analyses that series instead (trigger windows are then sample indices).',
      input: {
        resident_id: z.string().optional().describe('One resident, or "all" / absent for every active resident.'),
        signal_type: z.enum(PRECURSOR_SIGNALS).optional().describe('One signal (default: swap_requests, sick_calls and daily_hours).'),
        time_series: z.array(z.number()).min(1).optional().describe('Your own series for resident_id and signal_type.'),
        short_window: z.number().int().min(2).default(5),
        long_window: z.number().int().min(5).default(30),
        max_alerts: maxAlerts,
        ...scope,
      },
      output: {
        ...baseOutput,
        resident_id: z.string(),
        signal_type: z.string(),
        residents_analyzed: z.number(),
        signals_analyzed: z.array(z.string()),
        alerts_detected: z.number(),
        alerts: z.array(precursorAlertShape),
        alerts_truncated: z.boolean(),
        max_sta_lta_ratio: z.number(),
        analysis_summary: z.string(),
        recommended_actions: z.array(z.string()),
        severity: z.enum(['healthy', 'warning', 'elevated', 'critical']),
      },
      annotations: READ_ONLY,
      run(args) {
        checkWindows(args.short_window, args.long_window);
        const missing: string[] = [];
        const alerts: PrecursorAlert[] = [];
        let maxRatio = 0;
        let snap: ScheduleSnapshot | null = null;
        let residents = 0;
        let signals: string[];
        if (args.time_series) {
          if (!args.resident_id || !args.signal_type) throw new ToolError('time_series needs resident_id and signal_type');
          const r = detectPrecursors(args.resident_id, args.signal_type, args.time_series, args.time_series.map((_, i) => String(i)), args.short_window, args.long_window);
          if (args.time_series.length < args.long_window) missing.push(`time_series (${args.time_series.length} samples, long_window ${args.long_window} needed)`);
          alerts.push(...r.alerts);
          maxRatio = r.maxRatio;
          residents = 1;
          signals = [args.signal_type];
        } else {
          snap = snapshot(args);
          const requested = args.signal_type ? [args.signal_type] : Object.keys(SCHEDULE_SIGNALS);
          signals = [];
          for (const s of requested) {
            if (!(s in SCHEDULE_SIGNALS)) {
              missing.push(`${s} (not recorded in the program; pass time_series)`);
              continue;
            }
            const source = SCHEDULE_SIGNALS[s];
            if (source && !hasWellbeing(snap, source)) missing.push(wellbeingName(source));
            else signals.push(s);
          }
          const days = daysBetween(snap.range.start, snap.range.end) + 1;
          if (days < args.long_window) missing.push(`days in range (${days}; long_window ${args.long_window} needed)`);
          const dates = eachDate(snap.range.start, snap.range.end);
          const ids = residentIds(snap, args.resident_id);
          residents = ids.length;
          for (const id of ids) {
            for (const s of signals) {
              const series = precursorSeries(snap, id, s);
              if (!series) continue;
              const r = detectPrecursors(id, s, series, dates, args.short_window, args.long_window);
              alerts.push(...r.alerts);
              maxRatio = Math.max(maxRatio, r.maxRatio);
            }
          }
        }
        const worst: 'critical' | 'elevated' | 'warning' | 'healthy' = (['critical', 'elevated', 'warning'] as const).find((s) => alerts.some((a) => a.severity === s)) ?? 'healthy';
        const flagged = [...new Set(alerts.map((a) => a.resident_id))];
        const actions = alerts.length === 0 ? [] : [`Check in with ${flagged.slice(0, 10).join(', ')}${flagged.length > 10 ? ' and others' : ''}: precursor signals rose above their baseline.`];
        if (alerts.some((a) => !a.released)) actions.push('Some triggers are still active at the end of the range: review these residents\' next two weeks.');
        return {
          ...baseFields(snap, missing),
          resident_id: args.resident_id ?? 'all',
          signal_type: args.signal_type ?? 'all',
          residents_analyzed: residents,
          signals_analyzed: signals,
          alerts_detected: alerts.length,
          alerts: mostSevere(alerts, PRECURSOR_ORDER).slice(0, args.max_alerts),
          alerts_truncated: alerts.length > args.max_alerts,
          max_sta_lta_ratio: maxRatio,
          analysis_summary: `${alerts.length} trigger(s) in ${flagged.length} of ${residents} resident(s) across ${signals.join(', ') || 'no signal'}; max STA/LTA ${maxRatio.toFixed(2)}.`,
          recommended_actions: actions,
          severity: worst,
        };
      },
    },
    logger,
  );

  registerTool(
    server,
    {
      name: 'run_spc_analysis_tool',
      title: 'SPC (Western Electric) on weekly hours',
      description:
        'Western Electric rules on weekly counted hours per resident around target_hours with the given sigma (rule 1 beyond 3σ CRITICAL; rule 2 two of three beyond 2σ WARNING; rule 3 four of five beyond 1σ WARNING; rule 4 eight in a row on one side INFO, needs 8 weeks). With resident_id + weekly_hours it analyses that series.',
      input: {
        resident_id: z.string().optional().describe('One resident, or "all" / absent for every active resident.'),
        weekly_hours: z.array(z.number().min(0)).min(1).optional(),
        target_hours: z.number().min(0).default(60),
        sigma: z.number().positive().default(5),
        max_alerts: maxAlerts,
        ...scope,
      },
      output: {
        ...baseOutput,
        resident_id: z.string(),
        violations_detected: z.number(),
        alerts: z.array(spcAlertShape),
        alerts_truncated: z.boolean(),
        control_limits: controlLimitsShape,
        process_capability: z.object(capabilityShape).nullable(),
        weeks_analyzed: z.number(),
        mean_hours: z.number(),
        std_hours: z.number(),
        residents: z.array(
          z.object({ resident_id: z.string(), weeks_analyzed: z.number(), mean_hours: z.number(), std_hours: z.number(), violations_detected: z.number(), severity: z.enum(['healthy', 'warning', 'critical']) }),
        ),
        analysis_summary: z.string(),
        recommended_actions: z.array(z.string()),
        severity: z.enum(['healthy', 'warning', 'critical']),
      },
      annotations: READ_ONLY,
      run(args) {
        const missing: string[] = [];
        let snap: ScheduleSnapshot | null = null;
        const series: { id: string; weeks: number[]; starts: string[] }[] = [];
        if (args.weekly_hours) {
          if (!args.resident_id || args.resident_id === 'all') throw new ToolError('weekly_hours needs the resident_id it belongs to');
          series.push({ id: args.resident_id, weeks: args.weekly_hours, starts: [] });
        } else {
          snap = snapshot(args);
          const starts = fullWeeks(snap.range).map((w) => w.start);
          for (const id of residentIds(snap, args.resident_id)) series.push({ id, weeks: weeklyHours(snap, id), starts });
        }
        const weeks = series[0]?.weeks.length ?? 0;
        if (weeks < 8) missing.push(`weekly_hours (${weeks} full week(s); 8 needed for rule 4)`);
        const alerts: SpcAlert[] = [];
        const residents = series.map((s) => {
          const a = westernElectric(s.id, s.weeks, args.target_hours, args.sigma, s.starts);
          alerts.push(...a);
          return { resident_id: s.id, weeks_analyzed: s.weeks.length, mean_hours: mean(s.weeks), std_hours: sampleStd(s.weeks), violations_detected: a.length, severity: spcSeverity(a) };
        });
        const all = series.flatMap((s) => s.weeks);
        const flagged = residents.filter((r) => r.violations_detected > 0);
        const actions: string[] = [];
        for (const r of flagged.filter((x) => x.severity === 'critical').slice(0, 10)) actions.push(`${r.resident_id}: a week beyond 3σ of ${args.target_hours} h; review that week's assignments.`);
        if (flagged.some((r) => r.severity === 'warning')) actions.push('Sustained drift from the target in some residents: rebalance the coming weeks.');
        return {
          ...baseFields(snap, missing),
          resident_id: args.resident_id ?? 'all',
          violations_detected: alerts.length,
          alerts: mostSevere(alerts, SPC_ORDER).slice(0, args.max_alerts),
          alerts_truncated: alerts.length > args.max_alerts,
          control_limits: controlLimits(args.target_hours, args.sigma),
          process_capability: all.length >= 2 ? processCapability(series.map((s) => s.weeks), 40, 80, args.target_hours) : null,
          weeks_analyzed: weeks,
          mean_hours: mean(all),
          std_hours: sampleStd(all),
          residents,
          analysis_summary: `${alerts.length} rule violation(s) in ${flagged.length} of ${series.length} resident(s) over ${weeks} week(s).`,
          recommended_actions: actions,
          severity: spcSeverity(alerts),
        };
      },
    },
    logger,
  );

  const fireEntry = (id: string, inputs: FireInputs) => {
    const c = fireComponents(inputs);
    const cls = c.fwi === null ? null : dangerClass(c.fwi);
    return {
      resident_id: id,
      danger_class: cls,
      fwi_score: c.fwi,
      component_scores: c,
      inputs: { recent_hours: inputs.recentHours, monthly_load: inputs.monthlyLoad, yearly_satisfaction: inputs.yearlySatisfaction, workload_velocity: inputs.workloadVelocity },
      is_safe: cls === null ? null : cls === 'low' || cls === 'moderate',
      requires_intervention: cls === null ? null : cls === 'very_high' || cls === 'extreme',
      recommended_restrictions: cls === null ? [] : dangerRestrictions(cls),
      temporal_analysis: temporalAnalysis(c),
      severity: cls === null ? ('unknown' as const) : DANGER_SEVERITY[cls],
    };
  };
  const fireEntryShape = z.object({
    resident_id: z.string(),
    danger_class: z.enum(DANGER_CLASSES).nullable(),
    fwi_score: z.number().nullable(),
    component_scores: componentShape,
    inputs: z.object({ recent_hours: z.number(), monthly_load: z.number(), yearly_satisfaction: z.number().nullable(), workload_velocity: z.number() }),
    is_safe: z.boolean().nullable(),
    requires_intervention: z.boolean().nullable(),
    recommended_restrictions: z.array(z.string()),
    temporal_analysis: z.record(z.string(), z.string()),
    severity: z.enum(['healthy', 'warning', 'elevated', 'critical', 'emergency', 'unknown']),
  });

  registerTool(
    server,
    {
      name: 'calculate_fire_danger_index_tool',
      title: 'Burnout fire danger index',
      description:
        'CFFDRS-style burnout fire weather index per resident: recent_hours = hours in the last 14 days of the range, monthly_load = hours per 30 days over the last 90 days (or the range, if shorter), workload_velocity = slope of the last 4 weekly totals, yearly_satisfaction = mean survey score of the past year from the wellbeing data. Values you pass replace the derived ones. Without a satisfaction score DC, BUI and FWI are null and the result is low-data. Top-level fields describe the resident with the highest index.',
      input: {
        resident_id: z.string().optional(),
        recent_hours: z.number().min(0).optional(),
        monthly_load: z.number().min(0).optional(),
        yearly_satisfaction: z.number().min(0).max(1).optional(),
        workload_velocity: z.number().optional(),
        ...scope,
      },
      output: { ...baseOutput, ...fireEntryShape.shape, residents_analyzed: z.number(), high_danger_count: z.number(), assessments: z.array(fireEntryShape) },
      annotations: READ_ONLY,
      run(args) {
        const missing: string[] = [];
        const callerComplete = args.resident_id !== undefined && args.recent_hours !== undefined && args.monthly_load !== undefined && args.yearly_satisfaction !== undefined;
        let snap: ScheduleSnapshot | null = null;
        const entries = [];
        if (callerComplete) {
          entries.push(fireEntry(args.resident_id!, { recentHours: args.recent_hours!, monthlyLoad: args.monthly_load!, yearlySatisfaction: args.yearly_satisfaction!, workloadVelocity: args.workload_velocity ?? 0 }));
        } else {
          snap = snapshot(args);
          const days = daysBetween(snap.range.start, snap.range.end) + 1;
          const monthDays = Math.min(90, days);
          if (days < 14) missing.push(`days in range (${days}; 14 needed for recent_hours)`);
          const surveysKnown = hasWellbeing(snap, 'surveys');
          if (!surveysKnown && args.yearly_satisfaction === undefined) missing.push(wellbeingName('surveys'));
          const yearAgo = addDays(snap.range.end, -365);
          for (const id of residentIds(snap, args.resident_id)) {
            const daily = dailyHours(snap, id);
            const weekly = weeklyHours(snap, id).slice(-4);
            const surveys = (snap.wellbeing?.surveys ?? []).filter((s) => s.personId === id && s.date > yearAgo && s.date <= snap!.range.end).map((s) => s.satisfaction);
            if (surveysKnown && surveys.length === 0 && args.yearly_satisfaction === undefined) missing.push(`wellbeing.surveys for ${id}`);
            entries.push(
              fireEntry(id, {
                recentHours: args.recent_hours ?? sum(daily.slice(-14)),
                monthlyLoad: args.monthly_load ?? (sum(daily.slice(-monthDays)) / monthDays) * 30,
                yearlySatisfaction: args.yearly_satisfaction ?? (surveys.length > 0 ? mean(surveys) : null),
                workloadVelocity: args.workload_velocity ?? linearSlope(weekly),
              }),
            );
          }
        }
        entries.sort((a, b) => (b.fwi_score ?? -1) - (a.fwi_score ?? -1) || a.resident_id.localeCompare(b.resident_id));
        const top = entries[0];
        if (!top) throw new ToolError('the program has no active resident to assess', 'NOT_FOUND');
        return {
          ...baseFields(snap, missing),
          ...top,
          residents_analyzed: entries.length,
          high_danger_count: entries.filter((e) => e.danger_class === 'high' || e.danger_class === 'very_high' || e.danger_class === 'extreme').length,
          assessments: entries,
        };
      },
    },
    logger,
  );

  const magnitudeEntry = z.object({
    resident_id: z.string(),
    predicted_magnitude: z.number(),
    contributing_signals: z.number(),
    signal_magnitudes: z.record(z.string(), z.number()),
    confidence_level: z.enum(['low', 'medium', 'high']),
    interpretation: z.string(),
    recommended_actions: z.array(z.string()),
  });
  const predictMagnitude = (id: string, signals: Record<string, readonly number[]>, short: number, long: number) => {
    const magnitudes: Record<string, number> = {};
    for (const [name, series] of Object.entries(signals)) {
      const r = recentMaxRatio(series, short, long);
      if (r !== null) magnitudes[name] = magnitudeOf(r);
    }
    const values = Object.values(magnitudes);
    const m = combinedMagnitude(values);
    const actions = m >= 6 ? ['Meet the resident this week and reduce their load.', 'Review their swap and sick-call history with them.'] : m >= 4 ? ['Check in with the resident.'] : [];
    return {
      resident_id: id,
      predicted_magnitude: m,
      contributing_signals: values.filter((v) => v > 0).length,
      signal_magnitudes: magnitudes,
      confidence_level: values.length >= 3 ? ('high' as const) : values.length === 2 ? ('medium' as const) : ('low' as const),
      interpretation: magnitudeInterpretation(m),
      recommended_actions: actions,
    };
  };

  registerTool(
    server,
    {
      name: 'predict_burnout_magnitude_tool',
      title: 'Burnout magnitude from several precursors',
      description:
        'Combines precursor signals into a 0-10 magnitude per resident: per signal 10·log10 of the largest STA/LTA ratio in the last long_window samples, combined as the root-sum-square (capped at 10). Signals default to swap_requests and sick_calls (wellbeing) and daily_hours (schedule). With resident_id + signals it uses your series. Top-level fields describe the resident with the highest magnitude.',
      input: {
        resident_id: z.string().optional(),
        signals: z.record(z.string(), z.array(z.number())).optional(),
        short_window: z.number().int().min(2).default(5),
        long_window: z.number().int().min(5).default(30),
        ...scope,
      },
      output: { ...baseOutput, ...magnitudeEntry.shape, residents_analyzed: z.number(), predictions: z.array(magnitudeEntry) },
      annotations: READ_ONLY,
      run(args) {
        checkWindows(args.short_window, args.long_window);
        const missing: string[] = [];
        let snap: ScheduleSnapshot | null = null;
        const predictions = [];
        if (args.signals) {
          if (!args.resident_id || args.resident_id === 'all') throw new ToolError('signals need the resident_id they belong to');
          for (const [name, s] of Object.entries(args.signals)) if (s.length < args.long_window) missing.push(`${name} (${s.length} samples, long_window ${args.long_window} needed)`);
          predictions.push(predictMagnitude(args.resident_id, args.signals, args.short_window, args.long_window));
        } else {
          snap = snapshot(args);
          for (const source of ['swapRequests', 'sickCalls'] as const) if (!hasWellbeing(snap, source)) missing.push(wellbeingName(source));
          const days = daysBetween(snap.range.start, snap.range.end) + 1;
          if (days < args.long_window) missing.push(`days in range (${days}; long_window ${args.long_window} needed)`);
          for (const id of residentIds(snap, args.resident_id)) {
            const signals: Record<string, number[]> = {};
            for (const name of Object.keys(SCHEDULE_SIGNALS)) {
              const s = precursorSeries(snap, id, name);
              if (s) signals[name] = s;
            }
            predictions.push(predictMagnitude(id, signals, args.short_window, args.long_window));
          }
        }
        predictions.sort((a, b) => b.predicted_magnitude - a.predicted_magnitude || a.resident_id.localeCompare(b.resident_id));
        const top = predictions[0];
        if (!top) throw new ToolError('the program has no active resident to assess', 'NOT_FOUND');
        return { ...baseFields(snap, missing), ...top, residents_analyzed: predictions.length, predictions };
      },
    },
    logger,
  );

  registerTool(
    server,
    {
      name: 'assess_creep_fatigue_tool',
      title: 'Creep-fatigue burnout risk',
      description:
        'Per resident over the last lookback_days of the range: Larson-Miller parameter LMP = (mean weekly hours / 80) × (10 + 25·log10(days)) (threshold 45, safe 31.5; primary < 22.5 ≤ secondary < 36 ≤ tertiary) and Miner\'s rule fatigue damage with one cycle per week (S = hours / 80, N = A·S^b, A = 1e10, b = -3); risk = 0.6·creep + 0.4·fatigue (high ≥ 2.5, moderate ≥ 1.8).',
      input: {
        include_assessments: z.boolean().default(true),
        top_n: z.number().int().min(1).max(200).default(10),
        lookback_days: z.number().int().min(7).max(365).default(90),
        ...scope,
      },
      output: {
        ...baseOutput,
        analyzed_at: z.string(),
        residents_analyzed: z.number(),
        high_risk_count: z.number(),
        moderate_risk_count: z.number(),
        tertiary_creep_count: z.number(),
        average_lmp: z.number(),
        average_remaining_life: z.number(),
        lmp_threshold: z.number(),
        safe_lmp: z.number(),
        assessments: z.array(creepAssessmentShape),
        system_recommendations: z.array(z.string()),
        severity: z.enum(['healthy', 'at_risk', 'critical']),
      },
      annotations: READ_ONLY,
      run(args) {
        const snap = snapshot(args);
        const weeksBack = Math.floor(args.lookback_days / 7);
        const missing: string[] = [];
        const residents = activePeople(snap, 'resident');
        const all = residents
          .map((p) => assessCreepFatigue(p.id, p.name, weeklyHours(snap, p.id).slice(-weeksBack), 80, DEFAULT_SN))
          .sort((a, b) => b.risk_score - a.risk_score || b.creep_analysis.larson_miller_parameter - a.creep_analysis.larson_miller_parameter || a.resident_id.localeCompare(b.resident_id));
        const weeks = Math.min(weeksBack, fullWeeks(snap.range).length);
        if (weeks < 4) missing.push(`weekly_hours (${weeks} full week(s); 4 or more wanted)`);
        const high = all.filter((a) => a.overall_risk === 'high').length;
        const moderate = all.filter((a) => a.overall_risk === 'moderate').length;
        const tertiary = all.filter((a) => a.creep_analysis.creep_stage === 'tertiary').length;
        const recs: string[] = [];
        if (tertiary > 0) recs.push(`${tertiary} resident(s) in tertiary creep: plan lighter rotations for them in the next block.`);
        if (high > 0) recs.push(`${high} resident(s) at high combined risk: reduce sustained load now.`);
        return {
          ...baseFields(snap, missing),
          analyzed_at: analyzedAt(),
          residents_analyzed: all.length,
          high_risk_count: high,
          moderate_risk_count: moderate,
          tertiary_creep_count: tertiary,
          average_lmp: mean(all.map((a) => a.creep_analysis.larson_miller_parameter)),
          average_remaining_life: mean(all.map((a) => a.fatigue_analysis.remaining_life_fraction)),
          lmp_threshold: LMP_THRESHOLD,
          safe_lmp: SAFE_LMP,
          assessments: args.include_assessments ? all.slice(0, args.top_n) : [],
          system_recommendations: recs,
          severity: high > 0 ? ('critical' as const) : moderate > 0 ? ('at_risk' as const) : ('healthy' as const),
        };
      },
    },
    logger,
  );

  registerTool(
    server,
    {
      name: 'calculate_equity_metrics_tool',
      title: 'Workload equity (Gini, CV, Lorenz)',
      description:
        'Gini coefficient G = ΣΣ|xi - xj| / (2n²·mean), coefficient of variation, most over/under-loaded provider and the Lorenz curve. Hours default to counted hours per active person of `role` over the range, scaled to the days each was not on a blocking absence (people absent the whole range are left out); intensity_weights multiply them.',
      input: {
        provider_hours: z.record(z.string(), z.number().min(0)).optional(),
        intensity_weights: z.record(z.string(), z.number().min(0)).optional(),
        target_gini: z.number().min(0).max(1).default(TARGET_GINI),
        role: z.enum(['resident', 'faculty', 'all']).default('resident'),
        ...scope,
      },
      output: { ...baseOutput, ...equityOutput },
      annotations: READ_ONLY,
      run(args) {
        let snap: ScheduleSnapshot | null = null;
        const missing: string[] = [];
        let hours: Map<string, number>;
        if (args.provider_hours) {
          hours = new Map(Object.entries(args.provider_hours));
        } else {
          snap = snapshot(args);
          hours = new Map();
          const days = daysBetween(snap.range.start, snap.range.end) + 1;
          for (const p of activePeople(snap, args.role === 'all' ? undefined : args.role)) {
            const present = availableDays(snap, p.id, snap.range.start, snap.range.end);
            if (present === 0) continue;
            const worked = sum((snap.byPerson.get(p.id) ?? []).filter((s) => s.role !== 'backup').map((s) => s.countedHours));
            hours.set(p.id, (worked * days) / present);
          }
        }
        if (args.intensity_weights) for (const [id, w] of Object.entries(args.intensity_weights)) if (hours.has(id)) hours.set(id, hours.get(id)! * w);
        if (hours.size < 2) missing.push(`provider_hours (${hours.size} provider(s); 2 or more needed)`);
        return { ...baseFields(snap, missing), ...equityMetrics(hours, args.target_gini) };
      },
    },
    logger,
  );

  registerTool(
    server,
    {
      name: 'calculate_process_capability_tool',
      title: 'Process capability of weekly hours',
      description:
        'Cp = (USL-LSL)/6σw, Cpk = min(USL-μ, μ-LSL)/3σw with σw = mean moving range / 1.128 within each series, Pp and Ppk the same with the overall sample σ, Cpm = (USL-LSL)/6·sqrt(σ² + (μ-T)²), defect ppm from the normal tails. Data default to every active resident\'s weekly counted hours (one series per resident) against 40-80 h, target 60.',
      input: {
        data: z.array(z.number()).min(1).optional(),
        lower_spec_limit: z.number().default(40),
        upper_spec_limit: z.number().default(80),
        target: z.number().optional(),
        ...scope,
      },
      output: { ...baseOutput, ...capabilityShape, recommendations: z.array(z.string()), severity: z.enum(['excellent', 'capable', 'marginal', 'incapable', 'unknown']) },
      annotations: READ_ONLY,
      run(args) {
        if (args.lower_spec_limit >= args.upper_spec_limit) throw new ToolError('lower_spec_limit must be below upper_spec_limit');
        let snap: ScheduleSnapshot | null = null;
        let series: number[][];
        if (args.data) series = [args.data];
        else {
          snap = snapshot(args);
          series = activePeople(snap, 'resident').map((p) => weeklyHours(snap!, p.id)).filter((s) => s.length > 0);
        }
        const cap = processCapability(series, args.lower_spec_limit, args.upper_spec_limit, args.target ?? (args.lower_spec_limit + args.upper_spec_limit) / 2);
        const missing: string[] = [];
        if (cap.sample_size < 2) missing.push(`data (${cap.sample_size} value(s); 2 or more needed)`);
        if (cap.cpk === null && cap.sample_size >= 2) missing.push('variation (sigma is 0 or has no consecutive pairs): indices undefined');
        const recs: string[] = [];
        if (cap.cpk !== null && cap.cpk < 1) recs.push(`Cpk ${cap.cpk.toFixed(2)} < 1: weekly hours often fall outside ${args.lower_spec_limit}-${args.upper_spec_limit} h; reduce spread and re-center.`);
        if (cap.cp !== null && cap.cpk !== null && cap.cp - cap.cpk > 0.3) recs.push('The process is off center: shift the mean toward the target.');
        return {
          ...baseFields(snap, missing),
          ...cap,
          recommendations: recs,
          severity: cap.capability_status === null ? ('unknown' as const) : (cap.capability_status.toLowerCase() as 'excellent' | 'capable' | 'marginal' | 'incapable'),
        };
      },
    },
    logger,
  );

  registerTool(
    server,
    {
      name: 'get_unified_critical_index_tool',
      title: 'Unified critical index',
      description:
        'Per faculty member: contingency = min(1, (0.3·blocks nobody else can cover + 0.1·blocks falling short without them) / their required blocks); hub = 0.25 degree + 0.35 betweenness + 0.25 eigenvector + 0.15 PageRank; epidemiology = 0.4 degree + 0.4 betweenness (×1.5 if burned out or at risk). Min-max normalised across faculty, composite 0.40/0.35/0.25, risk patterns and interventions; overall_index = 100 × mean of the top 5 composites (critical ≥ 70, high ≥ 50, moderate ≥ 30).',
      input: { include_details: z.boolean().default(true), top_n: z.number().int().min(1).max(100).default(5), min_shared_blocks: minSharedBlocks, ...scope },
      output: { ...baseOutput, ...unifiedOutput },
      annotations: READ_ONLY,
      run(args) {
        const snap = snapshot(args);
        const { model } = derived(snap);
        const { net, cent } = network(snap, args.min_shared_blocks);
        const missing = coverageGaps(snap, model);
        const hasBurnout = hasWellbeing(snap, 'burnout');
        if (!hasBurnout) missing.push(wellbeingName('burnout'));
        if (net.edgeCount === 0) missing.push(`co-assignment network (no two people share ${args.min_shared_blocks} blocks)`);
        const statuses = new Map([...burnoutStatuses(snap)].map(([id, r]) => [id, r.status]));
        const result = unifiedIndex({ snapshot: snap, model, net, cent, burnout: statuses, hasBurnoutData: hasBurnout }, args.top_n, args.include_details);
        if (result.risk_level === 'insufficient_data') missing.push('faculty or assignments (2 faculty and 10 assignments needed)');
        // No history store: a trend would need earlier indices.
        return { ...baseFields(snap, missing), analyzed_at: analyzedAt(), ...result, trend: 'unknown' };
      },
    },
    logger,
  );

  registerTool(
    server,
    {
      name: 'analyze_workload_trend_tool',
      title: 'Workload trend (Kalman filter)',
      description:
        'Local-linear-trend Kalman filter (level and weekly slope) over weekly hours, with filtered values, 95 % bands, a forecast of prediction_steps weeks and a trend assessment (slope beyond ±1 h/week per week). Top level: the mean weekly hours of active residents (or workload_history if you pass it); per_person: each resident.',
      input: {
        workload_history: z.array(z.number()).min(1).optional(),
        process_noise: z.number().positive().default(0.1),
        measurement_noise: z.number().positive().default(1),
        initial_estimate: z.number().optional(),
        initial_error: z.number().positive().default(1),
        prediction_steps: z.number().int().min(0).max(52).default(4),
        ...scope,
      },
      output: { ...baseOutput, analyzed_at: z.string(), ...trendOutput },
      annotations: READ_ONLY,
      run(args) {
        const params: KalmanParams = {
          processNoise: args.process_noise,
          measurementNoise: args.measurement_noise,
          initialEstimate: args.initial_estimate ?? null,
          initialError: args.initial_error,
          predictionSteps: args.prediction_steps,
        };
        const missing: string[] = [];
        let snap: ScheduleSnapshot | null = null;
        let label = 'workload_history';
        let series: number[];
        let starts: string[] = [];
        const perPerson = [];
        if (args.workload_history) series = args.workload_history;
        else {
          snap = snapshot(args);
          starts = fullWeeks(snap.range).map((w) => w.start);
          const residents = activePeople(snap, 'resident');
          const weekly = residents.map((p) => ({ id: p.id, weeks: weeklyHours(snap!, p.id) }));
          series = starts.map((_, w) => mean(weekly.map((r) => r.weeks[w]!)));
          label = 'mean weekly hours of active residents';
          for (const r of weekly) {
            if (r.weeks.length === 0) continue;
            const k = kalmanTrend(r.weeks, { ...params, predictionSteps: Math.max(1, params.predictionSteps) });
            const next = band(k.predictions[0]!, k.predictionVariance[0]!);
            const slope = k.slope[k.slope.length - 1]!;
            perPerson.push({
              person_id: r.id,
              weeks: r.weeks.length,
              latest_hours: r.weeks[r.weeks.length - 1]!,
              filtered_level: k.level[k.level.length - 1]!,
              trend_slope: slope,
              trend_assessment: r.weeks.length < 4 ? ('insufficient_data' as const) : trendAssessment(slope),
              forecast_next: k.predictions[0]!,
              forecast_lower: next.lower,
              forecast_upper: next.upper,
            });
          }
        }
        if (series.length < 4) missing.push(`weekly hours (${series.length} week(s); 4 or more needed for a trend)`);
        const k = kalmanTrend(series, params);
        const slope = k.slope[k.slope.length - 1] ?? 0;
        return {
          ...baseFields(snap, missing),
          analyzed_at: analyzedAt(),
          series_label: label,
          observations: series,
          filtered_workload: k.level,
          confidence_intervals: k.level.map((l, i) => band(l, k.levelVariance[i]!)),
          predictions: k.predictions,
          prediction_confidence: k.predictions.map((p, i) => band(p, k.predictionVariance[i]!)),
          kalman_gain_history: k.gain,
          trend_slope: slope,
          trend_assessment: series.length < 4 ? ('insufficient_data' as const) : trendAssessment(slope),
          smoothness_score: smoothness(series),
          parameters: {
            process_noise: params.processNoise,
            measurement_noise: params.measurementNoise,
            initial_estimate: params.initialEstimate,
            initial_error: params.initialError,
            prediction_steps: params.predictionSteps,
          },
          metadata: { model: 'local linear trend Kalman filter (level + slope, weekly steps)', observations: series.length, week_starts: starts },
          per_person: perPerson,
        };
      },
    },
    logger,
  );

  registerTool(
    server,
    {
      name: 'analyze_supply_demand_cycles_tool',
      title: 'Supply and demand cycles',
      description:
        'Weekly capacity (80 h per active person, scaled by the days not on a blocking absence) against demand (required people per slot × the shift\'s counted hours) and scheduled hours; utilization = demand / capacity with the utilization levels GREEN < 0.70 ≤ YELLOW < 0.80 ≤ ORANGE < 0.90 ≤ RED < 0.95 ≤ BLACK. Cycle analysis: AR(1) fit (stability), autocorrelation peak (cycle length, 6+ weeks needed); the next prediction_days are projected from the coverage rules and recorded absences.',
      input: { prediction_days: z.number().int().min(0).max(365).default(90), ...scope },
      output: { ...baseOutput, ...supplyDemandOutput },
      annotations: READ_ONLY,
      run(args) {
        const snap = snapshot(args);
        const result = supplyDemandCycles(snap, args.prediction_days);
        const missing: string[] = [];
        if (snap.coverage.length === 0) missing.push('coverage rules (the program defines no demand)');
        if (result.system_stability === 'insufficient_data') missing.push(`weeks in range (${result.data_points}; 6 needed for cycle analysis)`);
        return { ...baseFields(snap, missing), analyzed_at: analyzedAt(), ...result };
      },
    },
    logger,
  );
}

/** Between chunks of a long computation: report progress, let a cancellation arrive, stop if it did. */
function checkpointFor(call: CallContext): (done: number, total: number) => Promise<void> {
  return async (done, total) => {
    call.checkCancelled();
    await call.progress(done, total);
    await new Promise<void>((resolve) => setImmediate(resolve));
    call.checkCancelled();
  };
}
