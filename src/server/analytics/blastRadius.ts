/**
 * Blast radius: zone health (available faculty against each zone's minimum and optimal
 * coverage) and, per person, the impact scope of losing them (N-1 from coverage.ts).
 */
import { z } from 'zod';
import { ZONES } from '../domain/program';
import { isAbsent, type ScheduleSnapshot } from '../domain/snapshot';
import { HOUR_MS, eachDate } from '../domain/time';
import { activePeople } from './common';
import { assigneesOf, COVER_ROLES, minimumOf, type CoverageModel, type CoveredSlot } from './coverage';
import { qualifies } from '../rules/stepIn';

export type Zone = (typeof ZONES)[number];
export const ZONE_STATUSES = ['green', 'yellow', 'orange', 'red', 'black'] as const;
export type ZoneStatus = (typeof ZONE_STATUSES)[number];
export const CONTAINMENT_LEVELS = ['none', 'soft', 'moderate', 'strict', 'lockdown'] as const;
export type ContainmentLevel = (typeof CONTAINMENT_LEVELS)[number];

/**
 * Levels: BLACK < 50 % of minimum, RED < minimum, ORANGE < minimum + 1, YELLOW ≤ optimal, GREEN
 * above. A zone that needs no faculty cannot run short of them: GREEN.
 */
export function zoneStatus(available: number, minimum: number, optimal: number): ZoneStatus {
  if (minimum === 0) return 'green';
  if (available < 0.5 * minimum) return 'black';
  if (available < minimum) return 'red';
  if (available < minimum + 1) return 'orange';
  if (available <= optimal) return 'yellow';
  return 'green';
}

/** Spare capacity wanted above the minimum: at least one person (N-1), or a quarter of the minimum. */
export function optimalCoverage(minimum: number): number {
  return minimum + Math.max(1, Math.ceil(0.25 * minimum));
}

export const zoneDetailShape = z.object({
  zone_id: z.string(),
  zone_name: z.string(),
  zone_type: z.string(),
  health_status: z.enum(ZONE_STATUSES),
  coverage_rate: z.number(),
  available_faculty: z.number(),
  minimum_required: z.number(),
  optimal_coverage: z.number(),
  worst_date: z.string().nullable(),
  services: z.array(z.string()),
  incidents_24h: z.number(),
  containment_level: z.enum(CONTAINMENT_LEVELS),
});

export const personImpactShape = z.object({
  person_id: z.string(),
  person_name: z.string(),
  role: z.enum(['faculty', 'resident']),
  affected_blocks: z.number(),
  uncoverable_blocks: z.number(),
  sole_provider_blocks: z.number(),
  affected_people: z.number(),
  blast_radius: z.number(),
  zones_affected: z.array(z.string()),
  services_affected: z.array(z.string()),
  contained: z.boolean(),
});

export const blastRadiusOutput = {
  total_zones: z.number(),
  zones_healthy: z.number(),
  zones_degraded: z.number(),
  zones_critical: z.number(),
  zone_details: z.array(zoneDetailShape),
  global_containment_level: z.enum(CONTAINMENT_LEVELS),
  containment_active: z.boolean(),
  borrowing_requests_pending: z.number(),
  person_impacts: z.array(personImpactShape),
  max_blast_radius: z.number(),
  single_points_of_failure: z.array(z.string()),
  recommendations: z.array(z.string()),
  severity: z.enum(['healthy', 'warning', 'critical']),
};

type ZoneDetail = z.infer<typeof zoneDetailShape>;
type PersonImpact = z.infer<typeof personImpactShape>;

const CONTAINMENT: Record<ZoneStatus, ContainmentLevel> = { green: 'none', yellow: 'soft', orange: 'moderate', red: 'strict', black: 'lockdown' };

/** Largest number of faculty a zone needs at one instant (sweep over slot start/end times). */
function peakFacultyDemand(slots: readonly CoveredSlot[]): number {
  const events: [number, number][] = [];
  for (const c of slots) {
    if (c.slot.facultyMin === 0) continue;
    events.push([c.slot.startMs, c.slot.facultyMin], [c.slot.endMs, -c.slot.facultyMin]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, d] of events) {
    now += d;
    peak = Math.max(peak, now);
  }
  return peak;
}

export function zoneDetails(snapshot: ScheduleSnapshot, model: CoverageModel, nowMs: number): ZoneDetail[] {
  const faculty = activePeople(snapshot, 'faculty');
  const out: ZoneDetail[] = [];
  for (const zone of ZONES) {
    const services = [...snapshot.services.values()].filter((s) => s.zone === zone);
    if (services.length === 0) continue;
    const ids = new Set(services.map((s) => s.id));
    const slots = model.slots.filter((c) => ids.has(c.slot.serviceId));
    const minimum = peakFacultyDemand(slots);
    const optimal = optimalCoverage(minimum);
    const facultySlots = slots.filter((c) => c.slot.facultyMin > 0);
    const qualified = faculty.filter((p) => facultySlots.some((c) => qualifies(snapshot, p, c.slot, 'faculty')));
    const demandDates = [...new Set(facultySlots.map((c) => c.slot.date))].sort();
    let available = qualified.length;
    let worst: string | null = null;
    for (const date of demandDates.length > 0 ? demandDates : eachDate(snapshot.range.start, snapshot.range.end)) {
      const n = qualified.filter((p) => !isAbsent(snapshot.absences, p.id, date)).length;
      if (worst === null || n < available) {
        available = n;
        worst = date;
      }
    }
    let required = 0;
    let filled = 0;
    let incidents = 0;
    for (const c of slots) {
      let short = false;
      for (const role of COVER_ROLES) {
        const min = minimumOf(c.slot, role);
        const have = assigneesOf(c, role).length;
        required += min;
        filled += Math.min(min, have);
        if (have < min) short = true;
      }
      if (short && c.slot.startMs >= nowMs && c.slot.startMs < nowMs + 24 * HOUR_MS) incidents++;
    }
    const status = zoneStatus(available, minimum, optimal);
    out.push({
      zone_id: zone,
      zone_name: zone.charAt(0).toUpperCase() + zone.slice(1),
      zone_type: zone,
      health_status: status,
      coverage_rate: required === 0 ? 1 : filled / required,
      available_faculty: available,
      minimum_required: minimum,
      optimal_coverage: optimal,
      worst_date: worst,
      services: services.map((s) => s.id),
      incidents_24h: incidents,
      containment_level: CONTAINMENT[status],
    });
  }
  return out;
}

export function personImpacts(snapshot: ScheduleSnapshot, model: CoverageModel): PersonImpact[] {
  const out: PersonImpact[] = [];
  for (const loss of model.losses.values()) {
    if (loss.affected.length === 0) continue;
    const person = snapshot.peopleById.get(loss.personId)!;
    const services = [...new Set(loss.affected.map((c) => c.slot.serviceId))].sort();
    const zones = [...new Set(services.map((s) => snapshot.services.get(s)!.zone))].sort();
    out.push({
      person_id: person.id,
      person_name: person.name,
      role: person.role,
      affected_blocks: loss.affected.length,
      uncoverable_blocks: loss.uncoverable.length,
      sole_provider_blocks: loss.sole.filter((c) => loss.affected.includes(c)).length,
      affected_people: loss.affectedPeople.size,
      blast_radius: loss.affectedPeople.size,
      zones_affected: zones,
      services_affected: services,
      contained: loss.uncoverable.length === 0,
    });
  }
  return out.sort(
    (a, b) => b.uncoverable_blocks - a.uncoverable_blocks || b.blast_radius - a.blast_radius || b.affected_blocks - a.affected_blocks || a.person_id.localeCompare(b.person_id),
  );
}

export interface BlastRadiusOptions {
  zoneId?: string;
  maxPersonnel: number;
  nowMs: number;
}

export function blastRadius(snapshot: ScheduleSnapshot, model: CoverageModel, opts: BlastRadiusOptions) {
  const allZones = zoneDetails(snapshot, model, opts.nowMs);
  const zones = opts.zoneId ? allZones.filter((z) => z.zone_id === opts.zoneId) : allZones;
  const impacts = personImpacts(snapshot, model);
  const shown = opts.zoneId ? impacts.filter((p) => p.zones_affected.includes(opts.zoneId!)) : impacts;
  const healthy = zones.filter((z) => z.health_status === 'green' || z.health_status === 'yellow').length;
  const degraded = zones.filter((z) => z.health_status === 'orange').length;
  const critical = zones.filter((z) => z.health_status === 'red' || z.health_status === 'black').length;
  const global = zones.reduce<ContainmentLevel>(
    (worst, z) => (CONTAINMENT_LEVELS.indexOf(z.containment_level) > CONTAINMENT_LEVELS.indexOf(worst) ? z.containment_level : worst),
    'none',
  );
  const spofs = shown.filter((p) => p.uncoverable_blocks > 0).map((p) => p.person_id);
  const recommendations: string[] = [];
  for (const z of zones) {
    if (z.health_status === 'red' || z.health_status === 'black') {
      recommendations.push(
        `Zone ${z.zone_id}: ${z.available_faculty} faculty available on ${z.worst_date ?? 'its worst day'} against a minimum of ${z.minimum_required}; borrow faculty from another zone or shed load.`,
      );
    } else if (z.health_status === 'orange') {
      recommendations.push(`Zone ${z.zone_id} has no spare faculty above its minimum of ${z.minimum_required}; one more absence makes it critical.`);
    }
  }
  for (const p of shown.filter((i) => i.uncoverable_blocks > 0).slice(0, 5)) {
    recommendations.push(
      `${p.person_name} (${p.person_id}) cannot be replaced on ${p.uncoverable_blocks} block(s) of ${p.services_affected.join(', ')}: cross-train or qualify a second person.`,
    );
  }
  const severity: 'healthy' | 'warning' | 'critical' = critical > 0 ? 'critical' : degraded > 0 || spofs.length > 0 ? 'warning' : 'healthy';
  return {
    total_zones: zones.length,
    zones_healthy: healthy,
    zones_degraded: degraded,
    zones_critical: critical,
    zone_details: zones,
    global_containment_level: global,
    // Soft containment is watchfulness; from moderate on, work is actually restricted.
    containment_active: CONTAINMENT_LEVELS.indexOf(global) >= CONTAINMENT_LEVELS.indexOf('moderate'),
    borrowing_requests_pending: critical,
    person_impacts: shown.slice(0, opts.maxPersonnel),
    max_blast_radius: shown.reduce((m, p) => Math.max(m, p.blast_radius), 0),
    single_points_of_failure: spofs,
    recommendations,
    severity,
  };
}
