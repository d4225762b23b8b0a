/**
 * Agreement between two assignments of the same customers: the contingency
 * table, the Adjusted Rand Index (Hubert & Arabie, 1985), the transition
 * matrix and the share of customers whose segment did not change.
 */

/** Counts of customers per (prior label, current label). */
export interface Contingency {
  priorLabels: string[];
  currentLabels: string[];
  /** counts[i][j]: customers in priorLabels[i] then and currentLabels[j] now. */
  counts: number[][];
  total: number;
}

/**
 * Cross-tabulates two label arrays of equal length (same customers, same order).
 *
 * @example contingency(['a', 'a', 'b'], ['x', 'y', 'y']).counts // → [[1, 1], [0, 1]]
 */
export function contingency(prior: ReadonlyArray<string>, current: ReadonlyArray<string>): Contingency {
  if (prior.length !== current.length) throw new Error(`contingency: ${prior.length} prior labels but ${current.length} current ones`);
  const priorLabels = [...new Set(prior)].sort();
  const currentLabels = [...new Set(current)].sort();
  const pi = new Map(priorLabels.map((l, i) => [l, i]));
  const ci = new Map(currentLabels.map((l, i) => [l, i]));
  const counts = priorLabels.map(() => new Array(currentLabels.length).fill(0));
  for (let k = 0; k < prior.length; k++) counts[pi.get(prior[k])!][ci.get(current[k])!]++;
  return { priorLabels, currentLabels, counts, total: prior.length };
}

const pairs = (n: number) => (n * (n - 1)) / 2;

/**
 * Adjusted Rand Index: 1 for identical partitions (whatever the label names),
 * about 0 for chance agreement. Two single-cluster partitions count as identical.
 *
 * @example adjustedRandIndex(['a', 'a', 'b', 'b'], ['x', 'x', 'y', 'y']) // → 1
 */
export function adjustedRandIndex(a: ReadonlyArray<string>, b: ReadonlyArray<string>): number {
  const table = contingency(a, b);
  let index = 0;
  for (const row of table.counts) for (const c of row) index += pairs(c);
  const rowSum = table.counts.reduce((s, row) => s + pairs(row.reduce((x, y) => x + y, 0)), 0);
  const colSum = table.currentLabels.reduce((s, _l, j) => s + pairs(table.counts.reduce((x, row) => x + row[j], 0)), 0);
  const total = pairs(table.total);
  if (total === 0) return 1;
  const expected = (rowSum * colSum) / total;
  const max = (rowSum + colSum) / 2;
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}

/**
 * One-to-one matching of prior labels to current labels by largest overlap
 * (greedy on the contingency table), for clusterings whose label names mean
 * nothing from one run to the next.
 *
 * @example matchLabels(contingency(['a','a','b'], ['2','2','1'])) // → Map { 'a' → '2', 'b' → '1' }
 */
export function matchLabels(table: Contingency): Map<string, string> {
  const cells: Array<{ i: number; j: number; c: number }> = [];
  table.counts.forEach((row, i) => row.forEach((c, j) => c > 0 && cells.push({ i, j, c })));
  cells.sort((x, y) => y.c - x.c || x.i - y.i || x.j - y.j);
  const out = new Map<string, string>();
  const used = new Set<number>();
  for (const { i, j } of cells) {
    const label = table.priorLabels[i];
    if (out.has(label) || used.has(j)) continue;
    out.set(label, table.currentLabels[j]);
    used.add(j);
  }
  return out;
}

/**
 * Share of customers in the same segment in both periods. With `matchClusters`
 * labels are first matched by overlap (k-means cluster numbers are arbitrary).
 *
 * @example stability(['a', 'b'], ['a', 'a']) // → 0.5
 */
export function stability(prior: ReadonlyArray<string>, current: ReadonlyArray<string>, matchClusters = false): number {
  if (prior.length === 0) return 1;
  const mapping = matchClusters ? matchLabels(contingency(prior, current)) : undefined;
  let same = 0;
  for (let k = 0; k < prior.length; k++) if ((mapping ? mapping.get(prior[k]) : prior[k]) === current[k]) same++;
  return same / prior.length;
}
