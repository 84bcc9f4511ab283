/**
 * The confidence scale of the seed's framework: six levels with the
 * seed's colour names. Every host shows the same name and colour for a value.
 */

export type ConfidenceColour = 'RED' | 'ORANGE' | 'YELLOW' | 'GREEN' | 'BLUE';

export interface ConfidenceLevel {
  level: 0 | 1 | 2 | 3 | 4 | 5;
  name: string;
  colour: ConfidenceColour;
  /** Inclusive lower bound of the level. */
  min: number;
  /** What the framework says to do at this level. */
  action: string;
}

export const CONFIDENCE_LEVELS: readonly ConfidenceLevel[] = [
  { level: 0, name: 'None', colour: 'RED', min: 0, action: 'Escalate to a human; retry' },
  { level: 1, name: 'Very low', colour: 'RED', min: 0.1, action: 'A human decides; validate with another tool' },
  { level: 2, name: 'Low', colour: 'ORANGE', min: 0.25, action: 'Validate with a second tool before acting' },
  { level: 3, name: 'Moderate', colour: 'YELLOW', min: 0.5, action: 'Proceed with logging; routine decisions only' },
  { level: 4, name: 'High', colour: 'GREEN', min: 0.75, action: 'Proceed; document the decision' },
  { level: 5, name: 'Very high', colour: 'BLUE', min: 0.9, action: 'Autonomous, including critical decisions' },
];

/** The level of a value in [0, 1]; values below 0.10 are level 0 ("None"). */
export function confidenceLevel(value: number): ConfidenceLevel {
  const v = clampUnit(value);
  let found = CONFIDENCE_LEVELS[0]!;
  for (const level of CONFIDENCE_LEVELS) if (v >= level.min) found = level;
  return found;
}

export function clampUnit(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.min(1, Math.max(0, value));
}
