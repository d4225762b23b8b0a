/**
 * k-means on standardised features through ml-kmeans, made deterministic
 * (seeded k-means++ starts) and stable (several starts, the tightest kept;
 * clusters numbered by size so the same data gives the same numbering).
 *
 * The k-means++ seeding (D² sampling, Arthur & Vassilvitskii 2007) is done
 * here with a seeded generator and handed to ml-kmeans as its initial
 * centroids: ml-kmeans' own k-means++ is some forty times slower, and only
 * the Lloyd iterations are worth borrowing.
 */
import { kmeans } from 'ml-kmeans';
import { seededRandom } from './random';
import { distanceMatrix, silhouette } from './silhouette';

export interface ClusterResult {
  k: number;
  /** Cluster number per point, 0 = the largest cluster. */
  labels: number[];
  /** Centroids in the standardised space, in cluster-number order. */
  centroids: number[][];
  /** Within-cluster sum of squares. */
  inertia: number;
  silhouette: number;
}

export interface ClusterOptions {
  seed: number;
  /** Independent seeded starts; the one with the smallest inertia wins. */
  starts?: number;
  maxIterations?: number;
}

/** Points silhouette scoring looks at, at most: it is quadratic in the number of points. */
const SILHOUETTE_SAMPLE = 1000;

/**
 * Clusters `rows` into k groups.
 *
 * @example clusterPoints([[0], [0.1], [5], [5.2]], 2, { seed: 42 }).labels // → [0, 0, 1, 1]
 */
export function clusterPoints(rows: number[][], k: number, options: ClusterOptions, scoring = silhouetteSample(rows)): ClusterResult {
  if (rows.length < k) throw new Error(`Cannot make ${k} clusters of ${rows.length} customers`);
  let best: { labels: number[]; centroids: number[][]; inertia: number } | undefined;
  for (let s = 0; s < (options.starts ?? 5); s++) {
    const start = kmeansPlusPlus(rows, k, seededRandom(options.seed + s * 7919));
    const result = kmeans(rows, k, { initialization: start, maxIterations: options.maxIterations ?? 300 });
    const inertia = rows.reduce((sum, row, i) => sum + squared(row, result.centroids[result.clusters[i]]), 0);
    if (!best || inertia < best.inertia - 1e-9) best = { labels: result.clusters, centroids: result.centroids, inertia };
  }
  const { labels, centroids } = renumberBySize(best!.labels, best!.centroids);
  return { k, labels, centroids, inertia: best!.inertia, silhouette: scoring.score(labels) };
}

/**
 * Tries every k in [min, max] and keeps the one with the highest mean
 * silhouette (the smaller k on a tie); returns every score for the report.
 *
 * @example chooseK(rows, 2, 6, { seed: 7 }).best.k
 */
export function chooseK(rows: number[][], min: number, max: number, options: ClusterOptions): { best: ClusterResult; scores: Array<{ k: number; silhouette: number }> } {
  let best: ClusterResult | undefined;
  const scores: Array<{ k: number; silhouette: number }> = [];
  const scoring = silhouetteSample(rows);
  for (let k = Math.max(2, min); k <= Math.min(max, rows.length - 1); k++) {
    const result = clusterPoints(rows, k, options, scoring);
    scores.push({ k, silhouette: result.silhouette });
    if (!best || result.silhouette > best.silhouette + 1e-12) best = result;
  }
  if (!best) throw new Error(`No k in ${min}–${max} fits ${rows.length} customers`);
  return { best, scores };
}

/**
 * k-means++ seeding: the first centre uniformly, each next one with
 * probability proportional to the squared distance to the nearest centre so far.
 *
 * @example kmeansPlusPlus([[0], [1], [10]], 2, seededRandom(1)).length // → 2
 */
export function kmeansPlusPlus(rows: ReadonlyArray<ReadonlyArray<number>>, k: number, rand: () => number): number[][] {
  const centres: number[][] = [[...rows[Math.floor(rand() * rows.length)]]];
  const nearest = rows.map((r) => squared(r, centres[0]));
  while (centres.length < k) {
    const total = nearest.reduce((a, b) => a + b, 0);
    let index = 0;
    if (total > 0) {
      let target = rand() * total;
      while (index < rows.length - 1 && target >= nearest[index]) target -= nearest[index++];
    } else index = Math.floor(rand() * rows.length);
    centres.push([...rows[index]]);
    for (let i = 0; i < rows.length; i++) nearest[i] = Math.min(nearest[i], squared(rows[i], centres[centres.length - 1]));
  }
  return centres;
}

function squared(p: ReadonlyArray<number>, q: ReadonlyArray<number>): number {
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += (p[i] - q[i]) ** 2;
  return sum;
}

function renumberBySize(labels: number[], centroids: number[][]): { labels: number[]; centroids: number[][] } {
  const sizes = centroids.map((_c, i) => labels.filter((l) => l === i).length);
  const order = centroids.map((_c, i) => i).sort((a, b) => sizes[b] - sizes[a] || compareVectors(centroids[a], centroids[b]));
  const newIndex = new Map(order.map((old, i) => [old, i]));
  return { labels: labels.map((l) => newIndex.get(l)!), centroids: order.map((old) => centroids[old]) };
}

function compareVectors(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/**
 * Silhouette on an evenly spaced, deterministic sample when there are many
 * points, with the sample's distances computed once for every k scored.
 */
function silhouetteSample(rows: number[][]): { score(labels: number[]): number } {
  const step = Math.max(1, rows.length / SILHOUETTE_SAMPLE);
  const idx = Array.from({ length: Math.min(rows.length, SILHOUETTE_SAMPLE) }, (_v, i) => Math.floor(i * step));
  const points = idx.map((i) => rows[i]);
  let distances: Float64Array | undefined;
  return {
    score(labels) {
      distances ??= distanceMatrix(points);
      const sampleLabels = idx.map((i) => labels[i]);
      // Renumber so the sample's labels are 0..k'-1 even if a small cluster was missed by the sample.
      const present = [...new Set(sampleLabels)].sort((a, b) => a - b);
      const map = new Map(present.map((l, i) => [l, i]));
      return silhouette(points, sampleLabels.map((l) => map.get(l)!), distances);
    },
  };
}
