/**
 * Mean silhouette width of a clustering (Rousseeuw, 1987), the score k is
 * chosen by: for each point, (b − a) / max(a, b) with a the mean distance to
 * its own cluster and b the smallest mean distance to another cluster.
 * Points alone in their cluster score 0.
 */

/** Pairwise Euclidean distances, row-major n × n; computed once when several k are scored on the same points. */
export function distanceMatrix(points: ReadonlyArray<ReadonlyArray<number>>): Float64Array {
  const n = points.length;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let sum = 0;
      const p = points[i];
      const q = points[j];
      for (let d = 0; d < p.length; d++) sum += (p[d] - q[d]) ** 2;
      out[i * n + j] = out[j * n + i] = Math.sqrt(sum);
    }
  }
  return out;
}

/**
 * @example silhouette([[0], [0.1], [5], [5.1]], [0, 0, 1, 1]) // ≈ 0.98
 */
export function silhouette(points: ReadonlyArray<ReadonlyArray<number>>, labels: ReadonlyArray<number>, distances = distanceMatrix(points)): number {
  const n = points.length;
  const k = Math.max(...labels) + 1;
  if (n < 2 || k < 2) return 0;
  const sizes = new Array(k).fill(0);
  for (const l of labels) sizes[l]++;
  let total = 0;
  const sums = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const own = labels[i];
    if (sizes[own] <= 1) continue;
    sums.fill(0);
    const row = i * n;
    for (let j = 0; j < n; j++) sums[labels[j]] += distances[row + j];
    const a = sums[own] / (sizes[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c] > 0) b = Math.min(b, sums[c] / sizes[c]);
    const max = Math.max(a, b);
    total += max > 0 && Number.isFinite(b) ? (b - a) / max : 0;
  }
  return total / n;
}
