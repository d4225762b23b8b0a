import { describe, expect, it } from 'vitest';
import { periodFeatures, scoreRfm } from '../../nodes/segmentation/features';
import { adjustedRandIndex, contingency, stability } from '../../nodes/segmentation/math/ari';
import { clusterPoints, chooseK } from '../../nodes/segmentation/math/kmeans';
import { decileEdges, populationStabilityIndex, PSI_EPSILON } from '../../nodes/segmentation/math/psi';
import { computeFeatures, rfmSegment, spikeFactor, standingText, standings } from '../../nodes/segmentation/math/rfm';
import { silhouette } from '../../nodes/segmentation/math/silhouette';
import { twoProportionZTest, welchTTest } from '../../nodes/segmentation/math/stats';
import type { PeriodData } from '../../nodes/segmentation/types';

const order = (customerId: string, date: string, amount: number, n: number) => ({ orderId: `${customerId}-${n}`, customerId, date, amount, category: 'books' });

/** Six customers as of 2025-01-31, look-back 365 days, spike window 30 days, maxRatio 3, floor 2. */
const fixture: PeriodData = {
  customers: ['A', 'B', 'C', 'D', 'E', 'F'].map((id) => ({ id })),
  orders: [
    order('A', '2025-01-27', 100, 1), order('A', '2024-12-01', 50, 2), order('A', '2024-10-01', 50, 3),
    order('B', '2025-01-01', 40, 1),
    ...['2025-01-20', '2025-01-21', '2025-01-22', '2025-01-23', '2025-01-24'].map((d, i) => order('C', d, 10, i)), order('C', '2024-06-01', 100, 9),
    order('D', '2024-03-01', 300, 1), order('D', '2024-04-01', 300, 2),
    order('F', '2023-12-01', 500, 1),
  ],
  events: [],
};
const window = { asOf: '2025-01-31', lookbackDays: 365, spike: { windowDays: 30, maxRatio: 3, floor: 2 } };

describe('RFM features and quintile scores (hand-computed fixture)', () => {
  const features = computeFeatures(fixture, window);
  const byId = Object.fromEntries(features.map((f) => [f.customerId, f]));

  it('measures recency, damped frequency and spend as written out by hand', () => {
    // A: last order 2025-01-27 → 4 days. Older part (age ≥ 30): 2 orders; recent: 1.
    //    expected recent = 2·30/335 = 0.179; cap = max(3·0.179, 2) = 2 ≥ 1 → no damping. F = 3, M = 200.
    // B: 2025-01-01 is 30 days old, so in the older part. F = 1, M = 40, recency 30.
    // C: 5 orders of 10 in the last 11 days, 1 older order of 100 (2024-06-01, 244 days).
    //    expected recent = 1·30/335; cap = max(3·30/335, 2) = 2 → each recent order weighs 2/5.
    //    F = 1 + 5·0.4 = 3; M = 100 + 50·0.4 = 120; recency 7.
    // D: 2024-04-01 → 305 days; F = 2, M = 600.
    // E: no orders → recency null, F = 0, M = 0.
    // F: only order 2023-12-01 (427 days), outside the window → recency 427, F = 0, M = 0.
    const expected = {
      A: { recencyDays: 4, frequency: 3, monetary: 200 },
      B: { recencyDays: 30, frequency: 1, monetary: 40 },
      C: { recencyDays: 7, frequency: 1 + 5 * (2 / 5), monetary: 100 + 50 * (2 / 5) },
      D: { recencyDays: 305, frequency: 2, monetary: 600 },
      E: { recencyDays: null, frequency: 0, monetary: 0 },
      F: { recencyDays: 427, frequency: 0, monetary: 0 },
    };
    for (const [id, e] of Object.entries(expected)) {
      expect(byId[id].recencyDays).toBe(e.recencyDays);
      expect(byId[id].frequency).toBeCloseTo(e.frequency, 9);
      expect(byId[id].monetary).toBeCloseTo(e.monetary, 9);
    }
    expect(byId.C.rawFrequency).toBe(6);
    expect(spikeFactor({ older: 1, recent: 5, lookbackDays: 365, windowDays: 30, maxRatio: 3, floor: 2 })).toBeCloseTo(2 / 5, 12);
  });

  it('scores quintiles 1 + ⌊5·(customers strictly worse)/n⌋ with ties sharing a score', () => {
    const scores = Object.fromEntries(scoreRfm(features).map((s, i) => [features[i].customerId, s]));
    const q = (worse: number) => 1 + Math.floor((5 * worse) / 6);
    // Recency (smaller is better, never-ordered worst): A4 < C7 < B30 < D305 < F427 < E(null).
    expect(['A', 'C', 'B', 'D', 'F', 'E'].map((id) => scores[id].r)).toEqual([q(5), q(4), q(3), q(2), q(1), q(0)]);
    // Frequency: A3 = C3 > D2 > B1 > E0 = F0 — the tie A/C shares the lower position's score.
    expect(['A', 'C', 'D', 'B', 'E', 'F'].map((id) => scores[id].f)).toEqual([q(4), q(4), q(3), q(2), q(0), q(0)]);
    // Monetary: D600 > A200 > C120 > B40 > E0 = F0.
    expect(['D', 'A', 'C', 'B', 'E', 'F'].map((id) => scores[id].m)).toEqual([q(5), q(4), q(3), q(2), q(0), q(0)]);
    expect([q(5), q(4), q(3), q(2), q(1), q(0)]).toEqual([5, 4, 3, 2, 1, 1]);
    // The grid: A R5F4 Champions, C R4F4 Loyal, B R3F2 Need attention, D R2F3 At risk, E and F R1F1 Lost.
    expect(['A', 'C', 'B', 'D', 'E', 'F'].map((id) => scores[id].segment)).toEqual(['Champions', 'Loyal', 'Need attention', 'At risk', 'Lost', 'Lost']);
  });

  it('words a standing as top/bottom share', () => {
    const s = standings([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], true);
    expect(standingText(s[0])).toBe('top 10%');
    expect(standingText(s[1])).toBe('top 20%');
    expect(standingText(s[9])).toBe('bottom 10%');
  });

  it('covers all 25 cells of the R × F grid with the ten named segments', () => {
    const cells = new Set<string>();
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) cells.add(rfmSegment(r, f));
    expect(cells.size).toBe(10);
  });

  it('leaves out customers who signed up after the reference date', () => {
    const base = { ...fixture, customers: [...fixture.customers, { id: 'G', signupDate: '2025-03-01' }] };
    expect(periodFeatures(base, { asOf: '2025-01-31', lookbackDays: 365, spike: window.spike }).current.features.map((f) => f.customerId)).not.toContain('G');
  });
});

describe('PSI (hand-computed)', () => {
  it('bins by prior deciles and uses ε for empty bins', () => {
    const prior = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const current = [1, 1, 2, 3, 4, 5, 6, 7, 8, 20];
    // Nearest-rank deciles of 1..10 are 1..9 → ten bins of 0.1 each in the prior period.
    expect(decileEdges(prior)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Current: bin (−∞,1] holds 2 values (0.2); (8,9] holds none (ε); (9,∞) holds 20 (0.1); the rest 0.1 each.
    const byHand = (0.2 - 0.1) * Math.log(0.2 / 0.1) + (PSI_EPSILON - 0.1) * Math.log(PSI_EPSILON / 0.1);
    const result = populationStabilityIndex(prior, current);
    expect(result.psi).toBeCloseTo(byHand, 9);
    expect(result.band).toBe('significant');
  });

  it('is 0 for identical periods and bands 0.1 / 0.25', () => {
    const values = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9];
    expect(populationStabilityIndex(values, [...values].reverse()).psi).toBe(0);
    expect(populationStabilityIndex(values, values).band).toBe('stable');
  });
});

describe('agreement between assignments', () => {
  it('computes ARI as written out by hand', () => {
    // Contingency: a→{x:2,y:1}, b→{y:1,z:2}. Σ C(nij,2) = 2; rows Σ C(3,2)·2 = 6; columns Σ C(2,2)·3 = 3; C(6,2) = 15.
    // expected = 6·3/15 = 1.2; max = (6+3)/2 = 4.5; ARI = (2 − 1.2)/(4.5 − 1.2).
    expect(adjustedRandIndex(['a', 'a', 'a', 'b', 'b', 'b'], ['x', 'x', 'y', 'y', 'z', 'z'])).toBeCloseTo((2 - 1.2) / (4.5 - 1.2), 12);
    expect(adjustedRandIndex(['a', 'a', 'b'], ['q', 'q', 'r'])).toBe(1);
  });

  it('matches cluster labels by overlap for stability', () => {
    expect(stability(['1', '1', '2', '2'], ['2', '2', '1', '1'], true)).toBe(1);
    expect(stability(['1', '1', '2', '2'], ['2', '2', '1', '1'], false)).toBe(0);
    expect(contingency(['a', 'b'], ['x', 'x']).counts).toEqual([[1], [1]]);
  });
});

describe('significance tests', () => {
  it('two-proportion z-test: 60/200 against 40/200', () => {
    const result = twoProportionZTest(60, 200, 40, 200);
    // pooled p = 0.25; se = √(0.25·0.75·(1/200 + 1/200)); z = 0.1 / se ≈ 2.309 → two-sided p ≈ 0.0209.
    expect(result.statistic).toBeCloseTo(0.1 / Math.sqrt(0.25 * 0.75 * (2 / 200)), 9);
    expect(result.pValue).toBeCloseTo(0.0209, 3);
    expect(result.significant).toBe(true);
  });

  it("Welch's t-test separates clearly different means and not equal ones", () => {
    expect(welchTTest([5, 6, 7, 8, 9], [1, 2, 3, 4, 5]).pValue).toBeLessThan(0.01);
    expect(welchTTest([1, 2, 3], [1, 2, 3]).pValue).toBe(1);
  });
});

describe('k-means and silhouette', () => {
  const blobs = [0, 10, 20].flatMap((c, i) => Array.from({ length: 30 }, (_v, j) => [c + (j % 5) * 0.1, i * 5 + (j % 3) * 0.1]));

  it('is deterministic for a seed and numbers clusters by size', () => {
    const a = clusterPoints(blobs, 3, { seed: 9 });
    const b = clusterPoints(blobs, 3, { seed: 9 });
    expect(a.labels).toEqual(b.labels);
    expect(adjustedRandIndex(a.labels.map(String), blobs.map((_p, i) => String(Math.floor(i / 30))))).toBe(1);
  });

  it('chooses k by silhouette', () => {
    const { best, scores } = chooseK(blobs, 2, 6, { seed: 1 });
    expect(best.k).toBe(3);
    expect(scores.map((s) => s.k)).toEqual([2, 3, 4, 5, 6]);
    expect(silhouette([[0], [0.1], [5], [5.1]], [0, 0, 1, 1])).toBeGreaterThan(0.95);
  });
});
