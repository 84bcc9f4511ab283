/**
 * Each formula against values worked out by hand (arithmetic in the comments) on tiny inputs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { optimalCoverage, zoneStatus } from '../../../src/server/analytics/blastRadius';
import { availableDays } from '../../../src/server/analytics/coverage';
import { isAbsent } from '../../../src/server/domain/snapshot';
import { eachDate } from '../../../src/server/domain/time';
import { fixture, snapshotOf } from '../../support/server/fixtures';
import { processCapability } from '../../../src/server/analytics/capability';
import { creepFatigueRisk, creepStage, larsonMiller, minerDamage, stressReduction } from '../../../src/server/analytics/creepFatigue';
import { burnoutRt, contagionRisk, herdImmunityThreshold, rtStatus, sisTrajectory } from '../../../src/server/analytics/epidemiology';
import { equityMetrics, lorenzCurve } from '../../../src/server/analytics/equity';
import { dangerClass, fireComponents } from '../../../src/server/analytics/fireDanger';
import { hubComposite, hubRisk, replacementDifficulty } from '../../../src/server/analytics/hub';
import { betweennessCentrality, degreeCentrality, eigenvectorCentrality, pageRank, type Network } from '../../../src/server/analytics/network';
import { combinedMagnitude, detectPrecursors, magnitudeOf, staLta } from '../../../src/server/analytics/precursors';
import { westernElectric } from '../../../src/server/analytics/spc';
import { gini, normalCdf, percentile } from '../../../src/server/analytics/stats';
import { ar1, autocorrelation, utilizationLevel } from '../../../src/server/analytics/supplyDemand';
import { kalmanTrend, trendAssessment } from '../../../src/server/analytics/trend';
import { domainAgreement, minMax, overallRiskLevel, riskPattern } from '../../../src/server/analytics/unifiedIndex';

const close = (actual: number | null, expected: number, tol = 1e-6) => {
  assert.ok(actual !== null && Math.abs(actual - expected) <= tol, `expected ${expected}, got ${actual}`);
};

/** A network given by its edge list (unit weights). */
function graph(ids: string[], edges: [string, string][]): Network {
  const index = new Map(ids.map((id, i) => [id, i]));
  const adj: number[][] = ids.map(() => []);
  const blocks: number[][] = ids.map(() => []);
  const hours: number[][] = ids.map(() => []);
  for (const [a, b] of edges) {
    const i = index.get(a)!;
    const j = index.get(b)!;
    adj[i]!.push(j);
    adj[j]!.push(i);
    blocks[i]!.push(3);
    blocks[j]!.push(3);
    hours[i]!.push(30);
    hours[j]!.push(30);
  }
  return { ids, index, adj, blocks, hours, edgeCount: edges.length };
}

describe('statistics', () => {
  it('Gini of 1, 2, 3, 4 is 20 / (2·16·2.5) = 0.25', () => {
    // Σ|xi - xj| over ordered pairs = 2·(1+2+3+1+2+1) = 20.
    close(gini([1, 2, 3, 4]), 0.25);
    close(gini([5, 5, 5]), 0);
  });
  it('percentile interpolates between ranks', () => {
    close(percentile([1, 2, 3, 4], 95), 3.85);
    close(percentile([1, 2, 3, 4], 50), 2.5);
  });
  it('normal CDF at 0, 1.96 and -3', () => {
    close(normalCdf(0), 0.5, 1e-7);
    close(normalCdf(1.959964), 0.975, 1e-6);
    close(normalCdf(-3), 0.0013499, 1e-6);
  });
});

describe('available days', () => {
  it('counts the days of a range under no blocking absence, overlapping and clipped absences once', () => {
    const program = fixture({
      absences: [
        { id: 'a1', personId: 'r1', type: 'vacation', start: '2027-01-06', end: '2027-01-08' },
        { id: 'a2', personId: 'r1', type: 'conference', start: '2027-01-08', end: '2027-01-12', blocking: true },
        { id: 'a3', personId: 'r1', type: 'medical', start: '2027-01-20', end: '2027-01-21' },
        { id: 'a4', personId: 'r1', type: 'vacation', start: '2027-01-30', end: '2027-02-10' },
        { id: 'a5', personId: 'r2', type: 'vacation', start: '2027-01-01', end: '2027-01-31' },
      ],
    });
    const snap = snapshotOf(program);
    // r1 away 01-06..01-12 (7 days; the short medical leave does not block) and, of the range, 01-30..01-31.
    assert.equal(availableDays(snap, 'r1', '2027-01-04', '2027-01-31'), 28 - 7 - 2);
    assert.equal(availableDays(snap, 'r1', '2027-01-10', '2027-01-10'), 0);
    assert.equal(availableDays(snap, 'r1', '2027-01-13', '2027-01-19'), 7);
    assert.equal(availableDays(snap, 'r2', '2027-01-04', '2027-01-31'), 0);
    assert.equal(availableDays(snap, 'f1', '2027-01-04', '2027-01-31'), 28);
    // Day by day, as the definition reads.
    for (const start of ['2027-01-04', '2027-01-08', '2027-01-25']) {
      for (const end of ['2027-01-05', '2027-01-12', '2027-01-31']) {
        const expected = eachDate(start, end).filter((d) => !isAbsent(snap.absences, 'r1', d)).length;
        assert.equal(availableDays(snap, 'r1', start, end), expected, `${start}..${end}`);
      }
    }
  });
});

describe('network centralities on the path A - B - C plus an isolated D', () => {
  const net = graph(
    ['A', 'B', 'C', 'D'],
    [
      ['A', 'B'],
      ['B', 'C'],
    ],
  );
  it('degree = neighbours / (n - 1)', () => {
    assert.deepEqual(degreeCentrality(net), [1 / 3, 2 / 3, 1 / 3, 0]);
  });
  it('betweenness: B lies on the only A-C path; normalised by (n-1)(n-2)/2 = 3', () => {
    const b = betweennessCentrality(net);
    close(b[1]!, 1 / 3);
    close(b[0]!, 0);
    close(b[3]!, 0);
  });
  it('eigenvector of the path is (1, √2, 1), scaled to a maximum of 1', () => {
    const e = eigenvectorCentrality(net);
    close(e[1]!, 1, 1e-6);
    close(e[0]!, Math.SQRT1_2, 1e-6);
    close(e[3]!, 0, 1e-6);
  });
  it('PageRank: isolated D keeps (1-d)/n plus its share of dangling rank; ranks sum to 1', () => {
    const pr = pageRank(
      graph(
        ['A', 'B', 'C'],
        [
          ['A', 'B'],
          ['B', 'C'],
        ],
      ),
    );
    // PR_A = 0.05 + 0.425·PR_B, PR_B = 0.05 + 1.7·PR_A → PR_B = 0.135 / 0.2775.
    close(pr[1]!, 0.135 / 0.2775, 1e-9);
    close(pr[0]!, 0.05 + 0.425 * (0.135 / 0.2775), 1e-9);
    close(
      pageRank(net).reduce((a, b) => a + b, 0),
      1,
      1e-9,
    );
  });
});

describe('hub centrality', () => {
  it('composite = 0.20·deg + 0.30·btw + 0.20·eig + 0.15·pr + 0.15·replacement', () => {
    close(hubComposite({ degree: 1, betweenness: 0.5, eigenvector: 0.5, pagerank: 1, replacementDifficulty: 1 }), 0.2 + 0.15 + 0.1 + 0.15 + 0.15);
  });
  it('risk levels by composite and by unique services', () => {
    assert.equal(hubRisk(0.81, 0), 'catastrophic');
    assert.equal(hubRisk(0.1, 3), 'catastrophic');
    assert.equal(hubRisk(0.6, 0), 'critical');
    assert.equal(hubRisk(0.1, 2), 'critical');
    assert.equal(hubRisk(0.1, 1), 'high');
    assert.equal(hubRisk(0.2, 0), 'moderate');
    assert.equal(hubRisk(0.19, 0), 'low');
  });
  it('replacement difficulty = mean of 1 / (1 + replacements)', () => {
    close(replacementDifficulty([0, 1, 3]), (1 + 0.5 + 0.25) / 3);
    close(replacementDifficulty([]), 0);
  });
});

describe('zones', () => {
  it('status thresholds: black < 50 % of minimum, red < minimum, orange < minimum + 1, yellow ≤ optimal, green above', () => {
    assert.equal(optimalCoverage(4), 5);
    assert.equal(optimalCoverage(8), 10);
    assert.equal(zoneStatus(1, 4, 5), 'black');
    assert.equal(zoneStatus(3, 4, 5), 'red');
    assert.equal(zoneStatus(4, 4, 5), 'orange');
    assert.equal(zoneStatus(5, 4, 5), 'yellow');
    assert.equal(zoneStatus(6, 4, 5), 'green');
    assert.equal(zoneStatus(0, 0, 1), 'green');
  });
});

describe('burnout epidemiology', () => {
  const net = graph(
    ['A', 'B', 'C', 'D'],
    [
      ['A', 'B'],
      ['B', 'C'],
    ],
  );
  it('Rt counts contacts whose onset is 1..window days after the index onset', () => {
    // A→B lag 10 (counts); B→C lag 30 > 28 (does not); C has no later contact. Rt = (1+0+0)/3.
    const r = burnoutRt(
      net,
      [
        { personId: 'A', onset: '2027-01-01' },
        { personId: 'B', onset: '2027-01-11' },
        { personId: 'C', onset: '2027-02-10' },
      ],
      28,
    );
    close(r.rt, 1 / 3);
    assert.equal(r.secondary.get('A'), 1);
    assert.equal(r.secondary.get('B'), 0);
  });
  it('Rt is null (not invented) when no case has an onset', () => {
    const r = burnoutRt(net, [{ personId: 'A' }], 28);
    assert.equal(r.rt, null);
    assert.deepEqual(r.casesWithoutOnset, ['A']);
  });
  it('status bands, herd immunity 1 - 1/R', () => {
    assert.deepEqual(rtStatus(0.4), { status: 'declining', level: 'none' });
    assert.deepEqual(rtStatus(0.9), { status: 'controlled', level: 'monitoring' });
    assert.deepEqual(rtStatus(1.2), { status: 'spreading', level: 'moderate' });
    assert.deepEqual(rtStatus(2.5), { status: 'rapid_spread', level: 'aggressive' });
    assert.deepEqual(rtStatus(3), { status: 'crisis', level: 'emergency' });
    close(herdImmunityThreshold(1.25), 0.2);
    close(herdImmunityThreshold(0.8), 0);
  });
  it('SIS with β = 1, γ = 0 spreads one hop per step along the path', () => {
    const curve = sisTrajectory(net, [true, false, false, false], { infectionRate: 1, recoveryRate: 0, iterations: 3, runs: 2, seed: 1 });
    assert.deepEqual(curve, [0.25, 0.5, 0.75, 0.75]);
  });
  it('SIS with β = 0, γ = 1 recovers everyone in one step; isolating the source stops spread', () => {
    assert.deepEqual(sisTrajectory(net, [true, true, false, false], { infectionRate: 0, recoveryRate: 1, iterations: 1, runs: 1, seed: 3 }), [0.5, 0]);
    assert.deepEqual(sisTrajectory(net, [true, false, false, false], { infectionRate: 1, recoveryRate: 0, iterations: 2, runs: 1, seed: 3 }, new Set([0])), [0.25, 0.25, 0.25]);
  });
  it('contagion risk bands', () => {
    assert.equal(contagionRisk(0.05), 'low');
    assert.equal(contagionRisk(0.1), 'moderate');
    assert.equal(contagionRisk(0.3), 'high');
    assert.equal(contagionRisk(0.51), 'critical');
  });
});

describe('STA/LTA precursors', () => {
  // long 10, short 2: ten 1s, two 5s, then zeros.
  const series = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 5, 5, 0, 0, 0];
  it('ratio = mean(last 2) / mean(last 10)', () => {
    const r = staLta(series, 2, 10);
    assert.equal(r[8], null);
    close(r[9]!, 1);
    close(r[10]!, 3 / 1.4); // (1+5)/2 over (9+5)/10
    close(r[11]!, 5 / 1.8); // (5+5)/2 over (8+10)/10
    close(r[12]!, 2.5 / 1.7);
    close(r[13]!, 0);
  });
  it('one alert from the trigger (≥ 2.5) to the release (≤ 1.0), magnitude 10·log10(peak)', () => {
    const dates = series.map((_, i) => `d${i}`);
    const { alerts, maxRatio } = detectPrecursors('R', 'sick_calls', series, dates, 2, 10);
    assert.equal(alerts.length, 1);
    const a = alerts[0]!;
    assert.equal(a.trigger_window_start, 'd11');
    assert.equal(a.trigger_window_end, 'd13');
    assert.equal(a.released, true);
    close(a.sta_lta_ratio, 5 / 1.8);
    close(a.predicted_magnitude, 10 * Math.log10(5 / 1.8));
    assert.equal(a.severity, 'warning');
    close(maxRatio, 5 / 1.8);
  });
  it('the long-term mean is floored at one event per window', () => {
    // Silence then one event: LTA floor 1/10, STA 1/2 → ratio 5.
    const r = staLta([0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 2, 10);
    close(r[9]!, 5);
    assert.equal(magnitudeOf(1), 0);
    close(magnitudeOf(10), 10);
  });
  it('combined magnitude is the root-sum-square, capped at 10', () => {
    close(combinedMagnitude([3, 4]), 5);
    close(combinedMagnitude([8, 8]), 10);
    close(combinedMagnitude([]), 0);
  });
});

describe('SPC Western Electric rules (centerline 60, sigma 5)', () => {
  const rules = (points: number[]) => westernElectric('R', points, 60, 5).map((a) => `${a.rule}@${a.data_points.join(',')}`);
  it('rule 1: a point beyond 3σ', () => {
    assert.deepEqual(rules([60, 80]), ['Rule 1@1']);
  });
  it('rule 2: 2 of 3 beyond 2σ on one side', () => {
    assert.deepEqual(rules([71, 60, 72]), ['Rule 2@0,2']);
  });
  it('rule 3: 4 of 5 beyond 1σ on one side', () => {
    assert.deepEqual(rules([66, 66, 60, 66, 66]), ['Rule 3@0,1,3,4']);
  });
  it('rule 4: 8 in a row on one side, once per run', () => {
    assert.deepEqual(rules(new Array(9).fill(61)), ['Rule 4@0,1,2,3,4,5,6,7']);
    assert.deepEqual(rules([61, 61, 61, 61, 59, 61, 61, 61]), []);
  });
});

describe('process capability against 40-80 h', () => {
  it('one series 50, 60, 70: σ overall 10, σ within = mean moving range 10 / 1.128', () => {
    const c = processCapability([[50, 60, 70]], 40, 80, 60);
    close(c.mean, 60);
    close(c.std_dev, 10);
    close(c.cp, 40 / (6 * (10 / 1.128)));
    close(c.cpk, 20 / (3 * (10 / 1.128)));
    close(c.pp, 40 / 60);
    close(c.ppk, 20 / 30);
    close(c.cpm, 40 / 60);
    close(c.sigma_level, 3 * (20 / (3 * (10 / 1.128))));
    // Two tails beyond ±2σ: 2·(1 - Φ(2)) = 4.55 %.
    close(c.estimated_defect_rate_ppm, 45500.26, 1);
    assert.equal(c.capability_status, 'INCAPABLE');
  });
  it('moving ranges stay within each series; constant data give null indices', () => {
    const c = processCapability(
      [
        [50, 50],
        [70, 70],
      ],
      40,
      80,
    );
    close(c.within_std_dev, 0);
    assert.equal(c.cpk, null);
    assert.ok(c.ppk !== null);
    assert.equal(processCapability([[60, 60]], 40, 80).cp, null);
  });
});

describe('fire danger index', () => {
  it('recent 90 h, monthly 300 h, satisfaction 0.6, velocity +5 h/week', () => {
    const c = fireComponents({ recentHours: 90, monthlyLoad: 300, yearlySatisfaction: 0.6, workloadVelocity: 5 });
    close(c.ffmc, 100 * (1 - Math.exp(-1.75)), 1e-9); // x = 30/60
    close(c.dmc, 100 * (1 - Math.exp(-0.625)), 1e-9); // y = 60/240
    close(c.dc, 100 * 0.4 ** 1.5, 1e-9);
    close(c.isi, 0.35 * 82.62260565 * 1.5, 1e-6);
    close(c.bui, 18.69723475, 1e-6);
    close(c.fwi, 45.23469021, 1e-6);
    assert.equal(dangerClass(c.fwi!), 'high');
  });
  it('without satisfaction DC, BUI and FWI stay null', () => {
    const c = fireComponents({ recentHours: 90, monthlyLoad: 300, yearlySatisfaction: null, workloadVelocity: 0 });
    assert.equal(c.fwi, null);
    assert.equal(c.dc, null);
    close(c.isi, 0.35 * c.ffmc);
  });
  it('classes', () => {
    assert.deepEqual([19.9, 20, 40, 60, 80].map(dangerClass), ['low', 'moderate', 'high', 'very_high', 'extreme']);
  });
});

describe('creep-fatigue', () => {
  it('LMP = 0.75 × (10 + 25·log10 91) = 44.232, tertiary; reduction (LMP - 31.5) / LMP', () => {
    close(larsonMiller(0.75, 91), 44.23202611, 1e-6);
    assert.equal(creepStage(44.232), 'tertiary');
    assert.equal(creepStage(22.4), 'primary');
    assert.equal(creepStage(30), 'secondary');
    close(stressReduction(44.23202611), 28.78463237, 1e-6);
    assert.equal(stressReduction(30), 0);
  });
  it("Miner's rule: N(0.5) = 8e10, N(1) = 1e10 → D = 1.125e-10", () => {
    close(minerDamage([0.5, 1], { constant: 1e10, exponent: -3 }), 1.125e-10, 1e-20);
    close(minerDamage([0.5, 1], { constant: 1, exponent: -3 }), 0.125 + 1, 1e-12);
  });
  it('combined risk 0.6·creep + 0.4·fatigue', () => {
    assert.deepEqual(creepFatigueRisk('tertiary', 1), { score: 0.6 * 3 + 0.4, level: 'moderate' });
    assert.deepEqual(creepFatigueRisk('tertiary', 0.1), { score: 3, level: 'high' });
    assert.deepEqual(creepFatigueRisk('primary', 0.4), { score: 0.6 + 0.8, level: 'low' });
  });
});

describe('equity', () => {
  it('hours 10, 20, 30, 40: Gini 0.25, CV = √125 / 25, Lorenz curve', () => {
    const e = equityMetrics(
      new Map([
        ['a', 10],
        ['b', 20],
        ['c', 30],
        ['d', 40],
      ]),
      0.15,
    );
    close(e.gini_coefficient, 0.25);
    close(e.coefficient_of_variation, Math.sqrt(125) / 25);
    assert.equal(e.most_overloaded_provider, 'd');
    close(e.overload_delta, 15);
    close(e.underload_delta, 15);
    assert.equal(e.severity, 'critical');
    assert.equal(e.is_equitable, false);
    assert.deepEqual(
      lorenzCurve([10, 20, 30, 40]).map((p) => [p.population_share, Math.round(p.hours_share * 100) / 100]),
      [
        [0, 0],
        [0.25, 0.1],
        [0.5, 0.3],
        [0.75, 0.6],
        [1, 1],
      ],
    );
  });
});

describe('unified index pieces', () => {
  it('min-max normalisation (all equal → 0.5)', () => {
    assert.deepEqual(minMax([2, 4, 6]), [0, 0.5, 1]);
    assert.deepEqual(minMax([3, 3]), [0.5, 0.5]);
  });
  it('patterns from the three high flags', () => {
    assert.equal(riskPattern(true, true, true), 'universal_critical');
    assert.equal(riskPattern(true, false, true), 'structural_burnout');
    assert.equal(riskPattern(true, true, false), 'influential_hub');
    assert.equal(riskPattern(false, true, true), 'social_connector');
    assert.equal(riskPattern(true, false, false), 'isolated_workhorse');
    assert.equal(riskPattern(false, false, true), 'burnout_vector');
    assert.equal(riskPattern(false, true, false), 'network_anchor');
    assert.equal(riskPattern(false, false, false), 'low_risk');
  });
  it('agreement = 1 - CV; overall risk bands 30 / 50 / 70', () => {
    close(domainAgreement([0.5, 0.5, 0.5]), 1);
    close(domainAgreement([1, 0, 0]), 0); // CV = √2 > 1 → floored
    assert.deepEqual([29, 30, 50, 70].map(overallRiskLevel), ['low', 'moderate', 'high', 'critical']);
  });
});

describe('workload trend (Kalman) and supply-demand', () => {
  it('two observations 10, 12 with q 0.1, r 1, P0 = I', () => {
    // t0: K = 0.5, v = 0 → level 10, P = [[0.5, 0], [0, 1]].
    // t1: P' = [[1.525, 1.05], [1.05, 1.1]], S = 2.525, K = (0.60396, 0.41584), v = 2.
    const k = kalmanTrend([10, 12], { processNoise: 0.1, measurementNoise: 1, initialEstimate: null, initialError: 1, predictionSteps: 1 });
    close(k.level[1]!, 10 + (1.525 / 2.525) * 2);
    close(k.slope[1]!, (1.05 / 2.525) * 2);
    close(k.gain[0]!, 0.5);
    close(k.predictions[0]!, k.level[1]! + k.slope[1]!);
    assert.equal(trendAssessment(1.5), 'increasing');
    assert.equal(trendAssessment(-0.5), 'stable');
  });
  it('AR(1) and autocorrelation of an alternating series', () => {
    const xs = [1, -1, 1, -1, 1, -1];
    close(ar1(xs).phi, -1);
    close(autocorrelation(xs, 2), 4 / 6);
    assert.deepEqual([0.69, 0.7, 0.8, 0.9, 0.95].map(utilizationLevel), ['GREEN', 'YELLOW', 'ORANGE', 'RED', 'BLACK']);
  });
});
