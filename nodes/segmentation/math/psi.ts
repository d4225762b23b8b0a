/**
 * Population Stability Index: how far a feature's distribution moved from
 * the prior period to this one.
 *
 * Bins are the prior period's deciles by the nearest-rank method: edge k
 * (k = 1…9) is the ⌈k·n/10⌉-th smallest prior value; duplicate edges, and an
 * edge equal to the largest prior value, are dropped, so a feature with few
 * distinct values gets fewer bins and no bin is empty by construction. Bin i holds
 * values v with edge(i−1) < v ≤ edge(i). A bin left empty in either period
 * gets the share ε = 0.0001 instead of 0 (no renormalisation), which keeps
 * the logarithm finite. PSI = Σ (current − prior) · ln(current / prior).
 * Bands: < 0.1 stable, 0.1–0.25 moderate, > 0.25 significant.
 */

export const PSI_EPSILON = 1e-4;

export type DriftBand = 'stable' | 'moderate' | 'significant';

export interface PsiResult {
  psi: number;
  band: DriftBand;
  /** Upper edges of the bins (the last bin is open-ended). */
  edges: number[];
  priorShares: number[];
  currentShares: number[];
}

/**
 * Decile edges of the prior values, nearest-rank, duplicates dropped.
 *
 * @example decileEdges([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) // → [1, 2, 3, 4, 5, 6, 7, 8, 9]
 */
export function decileEdges(prior: ReadonlyArray<number>): number[] {
  const sorted = [...prior].sort((a, b) => a - b);
  const n = sorted.length;
  const edges: number[] = [];
  if (n === 0) return edges;
  for (let k = 1; k <= 9; k++) {
    const edge = sorted[Math.ceil((k * n) / 10) - 1];
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  // An edge equal to the maximum would leave the open last bin empty by construction.
  if (edges[edges.length - 1] === sorted[n - 1]) edges.pop();
  return edges;
}

/** Share of values in each bin defined by `edges` (edges.length + 1 bins). */
export function binShares(values: ReadonlyArray<number>, edges: ReadonlyArray<number>): number[] {
  const counts = new Array(edges.length + 1).fill(0);
  for (const v of values) {
    let i = 0;
    while (i < edges.length && v > edges[i]) i++;
    counts[i]++;
  }
  return counts.map((c) => (values.length ? c / values.length : 0));
}

/** The drift band of a PSI value. */
export function driftBand(psi: number): DriftBand {
  if (psi < 0.1) return 'stable';
  if (psi <= 0.25) return 'moderate';
  return 'significant';
}

/**
 * PSI of a feature between the prior and the current period.
 *
 * @example populationStabilityIndex([1, 2, 3, 4], [1, 2, 3, 4]).psi // → 0
 */
export function populationStabilityIndex(prior: ReadonlyArray<number>, current: ReadonlyArray<number>): PsiResult {
  const edges = decileEdges(prior);
  const priorShares = binShares(prior, edges);
  const currentShares = binShares(current, edges);
  let psi = 0;
  for (let i = 0; i < priorShares.length; i++) {
    const p = priorShares[i] || PSI_EPSILON;
    const q = currentShares[i] || PSI_EPSILON;
    psi += (q - p) * Math.log(q / p);
  }
  return { psi, band: driftBand(psi), edges, priorShares, currentShares };
}
