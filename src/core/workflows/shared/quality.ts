/**
 * Confidence adjustments the workflows add to analytics steps: results computed without
 * some of their inputs (the bundled server's `data_quality.missing_inputs`, e.g. no
 * wellbeing surveys) are trusted less, as the framework's "partial inputs" factor says.
 */
import type { ConfidenceFactor } from '../../confidence/score';
import type { JsonObject } from '../../engine/definition';
import { bool } from './read';
import { missingInputs } from './signals';

/** Lost when a result says it was computed with missing inputs. */
export const LOW_DATA_PENALTY = 0.15;

export function dataQualityFactors(data: JsonObject): ConfidenceFactor[] {
  const missing = missingInputs(data);
  if (bool(data, 'data_quality.low_data') !== true && missing.length === 0) return [];
  const what = missing.length > 0 ? missing.join(', ') : 'some inputs';
  return [{ kind: 'adjust', label: `computed without ${what}`, delta: -LOW_DATA_PENALTY }];
}

/** The confidence rules of an analytics step: its base policy plus the data-quality factor. */
export const ANALYTICS_CONFIDENCE = { adjust: dataQualityFactors } as const;

/**
 * The unified index: base 0.70, inside the seed's composite range 0.60–0.75. The
 * framework's own 0.60 sits below its phase-5 threshold (0.65), so every live index would
 * need review; 0.70 still keeps it from confirming a RED alert on its own (needs 0.85).
 */
export const UNIFIED_CONFIDENCE = { base: 0.7, adjust: dataQualityFactors } as const;
