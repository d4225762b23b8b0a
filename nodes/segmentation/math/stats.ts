/**
 * Descriptive statistics and the two significance tests segment lift is
 * judged by. p-values come from jStat's normal and Student t distributions
 * rather than a hand-rolled approximation.
 */
import jstat from 'jstat';

const { jStat } = jstat;

/** @example mean([1, 2, 3]) // → 2 */
export function mean(values: ReadonlyArray<number>): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/**
 * Population standard deviation (divides by n), the one z-scores standardise with.
 *
 * @example standardDeviation([2, 4, 4, 4, 5, 5, 7, 9]) // → 2
 */
export function standardDeviation(values: ReadonlyArray<number>): number {
  if (values.length === 0) return 0;
  const m = mean(values);
  let sum = 0;
  for (const v of values) sum += (v - m) ** 2;
  return Math.sqrt(sum / values.length);
}

/** Sample variance (divides by n − 1), as Welch's t-test needs it. */
function sampleVariance(values: ReadonlyArray<number>): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  let sum = 0;
  for (const v of values) sum += (v - m) ** 2;
  return sum / (values.length - 1);
}

/**
 * Standardises the columns of a matrix to z-scores; a constant column becomes
 * all zeros rather than NaN so it simply stops mattering to the distance.
 *
 * @example standardise([[1, 10], [3, 10]]).rows // → [[-1, 0], [1, 0]]
 */
export function standardise(rows: ReadonlyArray<ReadonlyArray<number>>): { rows: number[][]; means: number[]; sds: number[] } {
  const width = rows[0]?.length ?? 0;
  const means: number[] = [];
  const sds: number[] = [];
  for (let j = 0; j < width; j++) {
    const column = rows.map((r) => r[j]);
    means.push(mean(column));
    sds.push(standardDeviation(column));
  }
  return { rows: rows.map((r) => r.map((v, j) => (sds[j] > 0 ? (v - means[j]) / sds[j] : 0))), means, sds };
}

/** Result of a significance test on the difference between a treatment and a control group. */
export interface SignificanceTest {
  test: 'two-proportion z-test' | "Welch's t-test";
  statistic: number;
  /** Two-sided p-value; 1 when the test cannot be computed (empty group, no variance). */
  pValue: number;
  significant: boolean;
}

/**
 * Two-sided two-proportion z-test with the pooled proportion under H0.
 *
 * @example twoProportionZTest(60, 200, 40, 200, 0.05).pValue // ≈ 0.021
 */
export function twoProportionZTest(successA: number, totalA: number, successB: number, totalB: number, alpha = 0.05): SignificanceTest {
  if (totalA === 0 || totalB === 0) return { test: 'two-proportion z-test', statistic: 0, pValue: 1, significant: false };
  const pooled = (successA + successB) / (totalA + totalB);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / totalA + 1 / totalB));
  if (se === 0) return { test: 'two-proportion z-test', statistic: 0, pValue: 1, significant: false };
  const z = (successA / totalA - successB / totalB) / se;
  const pValue = Math.min(1, 2 * (1 - jStat.normal.cdf(Math.abs(z), 0, 1)));
  return { test: 'two-proportion z-test', statistic: z, pValue, significant: pValue < alpha };
}

/**
 * Two-sided Welch's t-test (unequal variances) with Welch–Satterthwaite degrees of freedom.
 *
 * @example welchTTest([5, 6, 7, 8], [1, 2, 3, 4]).pValue < 0.01 // → true
 */
export function welchTTest(a: ReadonlyArray<number>, b: ReadonlyArray<number>, alpha = 0.05): SignificanceTest {
  if (a.length < 2 || b.length < 2) return { test: "Welch's t-test", statistic: 0, pValue: 1, significant: false };
  const va = sampleVariance(a) / a.length;
  const vb = sampleVariance(b) / b.length;
  if (va + vb === 0) return { test: "Welch's t-test", statistic: 0, pValue: 1, significant: false };
  const t = (mean(a) - mean(b)) / Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  const pValue = Math.min(1, 2 * (1 - jStat.studentt.cdf(Math.abs(t), df)));
  return { test: "Welch's t-test", statistic: t, pValue, significant: pValue < alpha };
}
