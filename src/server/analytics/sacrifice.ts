/**
 * Sacrifice hierarchy preview: which services a load-shedding level suspends (by their
 * category), how many person-hours that frees, and whether the freed people could fill the
 * coverage gaps of the services that stay (a maximum bipartite matching).
 */
import { z } from 'zod';
import { type SACRIFICE_CATEGORIES } from '../domain/program';
import type { ScheduleSnapshot, Shift } from '../domain/snapshot';
import { HOUR_MS } from '../domain/time';
import { sum } from './stats';
import { assigneesOf, COVER_ROLES, minimumOf, type CoverageModel, type CoverRole, type CoveredSlot } from './coverage';

export const SACRIFICE_LEVELS = ['normal', 'yellow', 'orange', 'red', 'black', 'critical'] as const;
export type SacrificeLevel = (typeof SACRIFICE_LEVELS)[number];
type Category = (typeof SACRIFICE_CATEGORIES)[number];

/** Categories shed at each level, cumulative (the shedding order in docs/analytics.md). */
const SHED_AT: Record<SacrificeLevel, readonly Category[]> = {
  normal: [],
  yellow: ['optional_education'],
  orange: ['optional_education', 'administration', 'research'],
  red: ['optional_education', 'administration', 'research', 'core_education'],
  black: ['optional_education', 'administration', 'research', 'core_education', 'continuity'],
  critical: ['optional_education', 'administration', 'research', 'core_education', 'continuity', 'acgme'],
};

export const sacrificeOutput = {
  target_level: z.enum(SACRIFICE_LEVELS),
  current_level: z.enum(SACRIFICE_LEVELS),
  recommended_level: z.enum(SACRIFICE_LEVELS).nullable(),
  activities_suspended: z.array(z.string()),
  activities_protected: z.array(z.string()),
  categories_suspended: z.array(z.string()),
  simulation_mode: z.boolean(),
  estimated_capacity_freed: z.number(),
  capacity_freed_hours: z.number(),
  people_freed: z.number(),
  coverage_gaps: z.number(),
  gaps_fillable: z.number(),
  level_previews: z.array(z.object({ level: z.enum(SACRIFICE_LEVELS), suspended_services: z.number(), capacity_freed_hours: z.number(), gaps_fillable: z.number() })),
  recovery_plan: z.array(z.object({ step: z.number(), restore_to_level: z.enum(SACRIFICE_LEVELS), activities_restored: z.array(z.string()), condition: z.string() })),
  message: z.string(),
  severity: z.enum(['healthy', 'warning', 'critical', 'emergency']),
};

interface Gap {
  slot: CoveredSlot;
  role: CoverRole;
}

/** Open positions (below minimum) on required slots of services that stay active. */
function coverageGaps(model: CoverageModel, suspended: ReadonlySet<string>): Gap[] {
  const gaps: Gap[] = [];
  for (const c of model.slots) {
    if (suspended.has(c.slot.serviceId)) continue;
    for (const role of COVER_ROLES) {
      const missing = minimumOf(c.slot, role) - assigneesOf(c, role).length;
      for (let k = 0; k < missing; k++) gaps.push({ slot: c, role });
    }
  }
  return gaps;
}

/** Kuhn's augmenting paths: how many gaps the freed shifts can fill, one shift per gap. */
function fillableGaps(snapshot: ScheduleSnapshot, model: CoverageModel, gaps: readonly Gap[], freed: readonly Shift[]): number {
  const options = gaps.map((g) =>
    freed
      .map((s, i) => ({ s, i }))
      .filter(({ s }) => s.date === g.slot.slot.date && snapshot.peopleById.get(s.personId)?.role === g.role)
      .filter(({ s }) => model.pool.of(g.slot.slot, g.role).some((p) => p.id === s.personId) && model.roster.canTake(s.personId, g.slot.slot, s))
      .map(({ i }) => i),
  );
  const owner = new Map<number, number>();
  const tryGap = (g: number, seen: Set<number>): boolean => {
    for (const f of options[g]!) {
      if (seen.has(f)) continue;
      seen.add(f);
      const current = owner.get(f);
      if (current === undefined || tryGap(current, seen)) {
        owner.set(f, g);
        return true;
      }
    }
    return false;
  };
  let matched = 0;
  for (let g = 0; g < gaps.length; g++) if (tryGap(g, new Set())) matched++;
  return matched;
}

interface LevelEffect {
  suspended: string[];
  protectedServices: string[];
  freedShifts: Shift[];
  freedHours: number;
  gaps: number;
  fillable: number;
}

function levelEffect(snapshot: ScheduleSnapshot, model: CoverageModel, level: SacrificeLevel): LevelEffect {
  const shed = new Set<Category>(SHED_AT[level]);
  const services = [...snapshot.services.values()];
  const suspended = services.filter((s) => shed.has(s.category)).map((s) => s.id);
  const suspendedSet = new Set(suspended);
  const freedShifts = snapshot.shifts.filter((s) => s.role !== 'backup' && suspendedSet.has(s.serviceId));
  const gaps = coverageGaps(model, suspendedSet);
  return {
    suspended,
    protectedServices: services.filter((s) => !shed.has(s.category)).map((s) => s.id),
    freedShifts,
    freedHours: sum(freedShifts.map((s) => (s.endMs - s.startMs) / HOUR_MS)),
    gaps: gaps.length,
    fillable: gaps.length === 0 || freedShifts.length === 0 ? 0 : fillableGaps(snapshot, model, gaps, freedShifts),
  };
}

const SEVERITY: Record<SacrificeLevel, 'healthy' | 'warning' | 'critical' | 'emergency'> = {
  normal: 'healthy',
  yellow: 'warning',
  orange: 'warning',
  red: 'critical',
  black: 'emergency',
  critical: 'emergency',
};

export function sacrificePreview(snapshot: ScheduleSnapshot, model: CoverageModel, target: SacrificeLevel) {
  const effects = SACRIFICE_LEVELS.map((level) => ({ level, effect: levelEffect(snapshot, model, level) }));
  const chosen = effects[SACRIFICE_LEVELS.indexOf(target)]!.effect;
  const totalHours = sum(snapshot.shifts.filter((s) => s.role !== 'backup').map((s) => (s.endMs - s.startMs) / HOUR_MS));
  // The lightest level under which every gap left in the remaining services can be filled by freed people.
  const recommended = effects.find((e) => e.effect.fillable === e.effect.gaps)?.level ?? null;
  const recoveryPlan = [];
  for (let i = SACRIFICE_LEVELS.indexOf(target); i > 0; i--) {
    const from = effects[i]!.effect;
    const to = effects[i - 1]!;
    recoveryPlan.push({
      step: recoveryPlan.length + 1,
      restore_to_level: to.level,
      activities_restored: from.suspended.filter((s) => !to.effect.suspended.includes(s)),
      condition: `restore once the ${to.level === 'normal' ? 'full' : to.level} schedule has no coverage gap (now ${to.effect.gaps}) and the restored services can be staffed`,
    });
  }
  const people = new Set(chosen.freedShifts.map((s) => s.personId)).size;
  return {
    target_level: target,
    current_level: 'normal' as const,
    recommended_level: recommended,
    activities_suspended: chosen.suspended,
    activities_protected: chosen.protectedServices,
    categories_suspended: [...SHED_AT[target]],
    simulation_mode: true,
    estimated_capacity_freed: totalHours > 0 ? chosen.freedHours / totalHours : 0,
    capacity_freed_hours: chosen.freedHours,
    people_freed: people,
    coverage_gaps: chosen.gaps,
    gaps_fillable: chosen.fillable,
    level_previews: effects.map((e) => ({
      level: e.level,
      suspended_services: e.effect.suspended.length,
      capacity_freed_hours: e.effect.freedHours,
      gaps_fillable: e.effect.fillable,
    })),
    recovery_plan: recoveryPlan,
    message:
      `Preview only: level ${target} suspends ${chosen.suspended.length} service(s), freeing ${chosen.freedHours.toFixed(1)} scheduled hours from ${people} person(s); ` +
      `${chosen.fillable} of ${chosen.gaps} open position(s) in the remaining services could be filled by them. The stored schedule records no active load shedding (current level normal).`,
    severity: SEVERITY[target],
  };
}
