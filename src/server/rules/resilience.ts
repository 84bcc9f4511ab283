/**
 * Queuing-theory utilization and defense-in-depth levels, with the real server's formulas
 * and thresholds (docs/analytics.md), plus how to derive their inputs from a schedule.
 */
import { isAbsent, type ScheduleSnapshot } from '../domain/snapshot';
import { HOUR_MS, eachDate } from '../domain/time';
import type { DateRange } from './person';
import type { SlotFill } from './slots';

export type UtilizationLevel = 'green' | 'yellow' | 'orange' | 'red' | 'black';
export type UtilizationSeverity = 'healthy' | 'warning' | 'critical' | 'emergency';

export const UTILIZATION_TARGET = 0.8;

export interface UtilizationInput {
  availableFaculty: number;
  requiredBlocks: number;
  blocksPerFacultyPerDay: number;
  daysInPeriod: number;
  /** Blocks actually staffed (defaults to requiredBlocks). */
  currentAssignments?: number;
}

export interface Utilization {
  level: UtilizationLevel;
  /** required / capacity, capped at 1 (the contract's range). */
  utilizationRate: number;
  /** The uncapped ratio (> 1 means more work than capacity). */
  rawUtilization: number;
  /** max(required, staffed) / capacity, capped at 1: the load actually carried. */
  effectiveUtilization: number;
  bufferRemaining: number;
  totalCapacity: number;
  requiredCoverage: number;
  currentAssignments: number;
  safeMaximum: number;
  waitTimeMultiplier: number;
  severity: UtilizationSeverity;
  message: string;
  recommendations: string[];
}

export function utilizationLevel(rate: number): UtilizationLevel {
  if (rate < 0.7) return 'green';
  if (rate < 0.8) return 'yellow';
  if (rate < 0.9) return 'orange';
  if (rate < 0.95) return 'red';
  return 'black';
}

const SEVERITY: Record<UtilizationLevel, UtilizationSeverity> = { green: 'healthy', yellow: 'warning', orange: 'critical', red: 'emergency', black: 'emergency' };

export function utilization(input: UtilizationInput): Utilization {
  const capacity = Math.round(input.availableFaculty * input.blocksPerFacultyPerDay * input.daysInPeriod * 1000) / 1000;
  const required = input.requiredBlocks;
  const current = input.currentAssignments ?? required;
  const raw = capacity > 0 ? required / capacity : required > 0 ? Infinity : 0;
  const rate = Math.min(1, raw);
  const level = utilizationLevel(raw);
  const safe = Math.floor(UTILIZATION_TARGET * capacity);
  const waitTime = raw >= 1 ? 999.9 : Math.round((raw / (1 - raw)) * 100) / 100;
  const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
  const recommendations: string[] = [];
  if (level === 'yellow') recommendations.push('monitor utilization daily; avoid approving optional leave in the period');
  if (level === 'orange') recommendations.push('defer non-urgent activities and prepare the sacrifice hierarchy (optional education first)');
  if (level === 'red' || level === 'black') recommendations.push('activate the sacrifice hierarchy and add staff (locums, moonlighting) before generating more work');
  if (required > safe)
    recommendations.push(
      `reduce required blocks by ${required - safe} or add ${Math.ceil((required - safe) / Math.max(1, input.blocksPerFacultyPerDay * input.daysInPeriod))} faculty to get back under ${pct(UTILIZATION_TARGET)}`,
    );
  if (recommendations.length === 0) recommendations.push('no action needed');
  return {
    level,
    utilizationRate: round4(rate),
    rawUtilization: Number.isFinite(raw) ? round4(raw) : 999.9,
    effectiveUtilization: round4(capacity > 0 ? Math.min(1, Math.max(required, current) / capacity) : required > 0 ? 1 : 0),
    bufferRemaining: round4(capacity > 0 ? Math.max(0, safe - required) / capacity : 0),
    totalCapacity: Math.floor(capacity),
    requiredCoverage: required,
    currentAssignments: current,
    safeMaximum: safe,
    waitTimeMultiplier: waitTime,
    severity: SEVERITY[level],
    message: `utilization ${Number.isFinite(raw) ? pct(raw) : 'unbounded (no capacity)'} (${level.toUpperCase()}): ${required} blocks needed, ${Math.floor(capacity)} available, safe maximum ${safe}`,
    recommendations,
  };
}

/** Half-day blocks a slot of this length occupies (6 hours per block, at least one). */
export function blocksFor(hours: number): number {
  return Math.max(1, Math.ceil(hours / 6 - 1e-9));
}

/**
 * The utilization inputs a schedule implies for a period: faculty blocks its coverage rules
 * require, faculty blocks actually staffed, and the average number of active faculty not on
 * blocking leave per day (rounded down).
 */
export function scheduleUtilizationInput(snapshot: ScheduleSnapshot, period: DateRange, fills: readonly SlotFill[]): UtilizationInput {
  let required = 0;
  let staffed = 0;
  for (const f of fills) {
    const blocks = blocksFor((f.slot.endMs - f.slot.startMs) / HOUR_MS);
    required += f.slot.facultyMin * blocks;
    staffed += Math.min(f.faculty.length, f.slot.facultyMin) * blocks;
  }
  const dates = eachDate(period.start, period.end);
  const faculty = snapshot.people.filter((p) => p.role === 'faculty' && p.active);
  const available = dates.reduce((n, d) => n + faculty.filter((p) => !isAbsent(snapshot.absences, p.id, d)).length, 0) / dates.length;
  return { availableFaculty: Math.floor(available), requiredBlocks: required, blocksPerFacultyPerDay: 2, daysInPeriod: dates.length, currentAssignments: staffed };
}

export const DEFENSE_LEVELS = ['prevention', 'control', 'safety_systems', 'containment', 'emergency'] as const;
export type DefenseLevel = (typeof DEFENSE_LEVELS)[number];

/** Level 1..5 recommended for a coverage rate. */
export function defenseLevelFor(coverageRate: number): DefenseLevel {
  if (coverageRate >= 0.95) return 'prevention';
  if (coverageRate >= 0.9) return 'control';
  if (coverageRate >= 0.8) return 'safety_systems';
  if (coverageRate >= 0.7) return 'containment';
  return 'emergency';
}

export function defenseNumber(level: DefenseLevel): number {
  return DEFENSE_LEVELS.indexOf(level) + 1;
}

export const DEFENSE_ACTIONS: Readonly<Record<DefenseLevel, readonly string[]>> = {
  prevention: ['monitor utilization and duty hours', 'keep cross-coverage lists current'],
  control: ['review coverage gaps daily', 'pre-arrange backup coverage for thin services'],
  safety_systems: ['activate backup call pool', 'pause optional education and non-urgent leave approvals'],
  containment: ['shed optional and administrative activities (sacrifice hierarchy)', 'restrict coverage to inpatient and emergency services'],
  emergency: ['patient safety and ACGME minimum staffing only', 'escalate to program director and GME office', 'request external staff'],
};

function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
