/** Confidence: levels and colours, aggregation methods, per-result scoring, thresholds. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregateConfidence } from '../../../src/core/confidence/aggregate';
import { confidenceLevel } from '../../../src/core/confidence/levels';
import { computeConfidence, coverageOf, formatAge, partialMarker, placeholderMarker, scoreToolResult } from '../../../src/core/confidence/score';
import { checkThresholds, decide } from '../../../src/core/confidence/thresholds';

const HOUR = 3_600_000;

describe('confidence levels', () => {
  it('maps values to the six levels with the seed colours', () => {
    const table = [0, 0.05, 0.1, 0.24, 0.25, 0.5, 0.74, 0.75, 0.89, 0.9, 1].map((v) => {
      const l = confidenceLevel(v);
      return `${v}:${l.level}:${l.name}:${l.colour}`;
    });
    assert.deepEqual(table, [
      '0:0:None:RED',
      '0.05:0:None:RED',
      '0.1:1:Very low:RED',
      '0.24:1:Very low:RED',
      '0.25:2:Low:ORANGE',
      '0.5:3:Moderate:YELLOW',
      '0.74:3:Moderate:YELLOW',
      '0.75:4:High:GREEN',
      '0.89:4:High:GREEN',
      '0.9:5:Very high:BLUE',
      '1:5:Very high:BLUE',
    ]);
  });
});

describe('aggregation', () => {
  const values = [0.95, 0.92, 0.88, 0.85, 0.7];

  // The framework prints 0.89 for this example; 0.3·0.95 + 0.2·0.92 + 0.2·0.88 + 0.2·0.85 + 0.1·0.70 = 0.885.
  it('weighted mean of the compliance example', () => {
    const weights = [0.3, 0.2, 0.2, 0.2, 0.1];
    const v = aggregateConfidence(
      values.map((value, i) => ({ value, weight: weights[i]! })),
      'weighted_mean',
    )!;
    assert.ok(Math.abs(v - 0.885) < 1e-9, String(v));
  });

  it('minimum, maximum, harmonic mean ignoring zeros, and the unified blend', () => {
    assert.equal(
      aggregateConfidence(
        values.map((value) => ({ value })),
        'minimum',
      ),
      0.7,
    );
    assert.equal(
      aggregateConfidence(
        values.map((value) => ({ value })),
        'maximum',
      ),
      0.95,
    );
    const h = aggregateConfidence(
      [0.8, 0, 0.4].map((value) => ({ value })),
      'harmonic_mean',
    )!;
    assert.ok(Math.abs(h - 2 / (1 / 0.8 + 1 / 0.4)) < 1e-12);
    assert.equal(aggregateConfidence([{ value: 0 }], 'harmonic_mean'), 0);
    const u = aggregateConfidence(
      [0.6, 0.8, 1].map((value) => ({ value })),
      'unified',
    )!;
    assert.ok(Math.abs(u - (0.6 * 0.9 + 0.8 * 0.1)) < 1e-12);
  });

  it('nothing to aggregate is undefined, not zero', () => {
    assert.equal(aggregateConfidence([], 'minimum'), undefined);
    assert.equal(aggregateConfidence([{ value: 1, weight: 0 }], 'weighted_mean'), undefined);
  });
});

describe('scoring a tool result', () => {
  const base = { capability: 'validate_schedule', base: 0.9, slowAfterMs: 100, slowPenalty: 0.05 };

  it('a live, timely, complete result keeps its base confidence', () => {
    const c = scoreToolResult({ ...base, data: { is_valid: true }, source: 'live', durationMs: 40 });
    assert.equal(c.value, 0.9);
    assert.equal(c.reason, '0.90 (Very high): base confidence of validate_schedule');
  });

  it('slower than its limit loses the slow penalty', () => {
    const c = scoreToolResult({ ...base, data: {}, source: 'live', durationMs: 250 });
    assert.equal(c.value, 0.85);
    assert.match(c.reason, /slow: 250 ms > 100 ms \(−0\.05\)/);
  });

  it('cached results lose their penalty and are capped by age', () => {
    const at = (hours: number) => scoreToolResult({ ...base, data: {}, source: 'cache', durationMs: 0, cacheAgeMs: hours * HOUR, cachedPenalty: 0.1 }).value;
    assert.deepEqual([at(1), at(3), at(8), at(13), at(30)], [0.8, 0.8, 0.75, 0.5, 0.25]);
  });

  it('placeholder or mock data is worth nothing, wherever it is marked', () => {
    for (const data of [{ source: 'mock' }, { metadata: { source: 'placeholder' } }, { is_mock: true }, { metadata: { is_mock: true } }]) {
      assert.ok(placeholderMarker(data), JSON.stringify(data));
      assert.equal(scoreToolResult({ ...base, data, source: 'live', durationMs: 1 }).value, 0);
    }
    assert.equal(placeholderMarker({ source: 'backend' }), undefined);
  });

  it('partial and low-coverage results are lowered', () => {
    assert.equal(partialMarker({ metadata: { low_data: true } }), 'metadata.low_data = true');
    assert.equal(scoreToolResult({ ...base, data: { partial: true }, source: 'live', durationMs: 1 }).value, 0.75);
    assert.equal(coverageOf({ missing_fraction: 0.4 }), 0.6);
    assert.equal(scoreToolResult({ ...base, data: { coverage: 0.4 }, source: 'live', durationMs: 1 }).value, 0.25);
    assert.equal(scoreToolResult({ ...base, data: {}, source: 'live', durationMs: 1, inputs: { expected: 4, present: 3 } }).value, 0.75);
  });

  it('a fallback loses its penalty and says which fallback it was', () => {
    const c = scoreToolResult({ ...base, data: {}, source: 'fallback', durationMs: 1, fallbackLabel: 'Quick validation only', fallbackPenalty: 0.3 });
    assert.ok(Math.abs(c.value - 0.6) < 1e-9);
    assert.match(c.reason, /fallback: Quick validation only/);
  });

  it('workflow rules add factors and every factor is kept', () => {
    const c = computeConfidence([
      { kind: 'base', label: 'base', value: 0.8 },
      { kind: 'adjust', label: 'SPC history < 4 weeks', delta: -0.1 },
      { kind: 'adjust', label: 'over 12 weeks of history', delta: 0.05 },
    ]);
    assert.equal(c.value, 0.75);
    assert.equal(c.factors.length, 3);
    assert.equal(c.colour, 'GREEN');
  });

  it('formats ages for labels', () => {
    assert.deepEqual([formatAge(30_000), formatAge(12 * 60_000), formatAge(3 * HOUR), formatAge(72 * HOUR)], ['30 s', '12 min', '3.0 h', '3.0 d']);
  });
});

describe('thresholds', () => {
  it('map a value to proceed, review or block', () => {
    const t = { proceed: 0.85, review: 0.7 };
    assert.deepEqual(
      [0.9, 0.85, 0.8, 0.7, 0.69].map((v) => decide(v, t)),
      ['proceed', 'proceed', 'review', 'review', 'block'],
    );
  });

  it('must be ordered and within [0, 1]', () => {
    assert.throws(() => checkThresholds({ proceed: 0.7, review: 0.8 }, 'gate'), /gate: thresholds must satisfy/);
    assert.throws(() => checkThresholds({ proceed: 1.2, review: 0.8 }, 'gate'));
    checkThresholds({ proceed: 0.9, review: 0 }, 'gate');
  });
});
