/**
 * Plain-language cluster explanations: which features set a cluster apart
 * from the average customer, said in words ("orders 3× as often as the
 * average customer"), and a suggested name a person then confirms.
 */
import { formatNumber, percent } from './words';

/** How one feature of a cluster compares with everyone. */
export interface FeatureContrast {
  feature: string;
  clusterMean: number;
  overallMean: number;
  /** (cluster mean − overall mean) / overall standard deviation. */
  z: number;
}

/** Contrasts smaller than this many standard deviations are not worth a word. */
export const NOTABLE_Z = 0.5;

function times(cluster: number, overall: number): { more: boolean; text: string } {
  if (overall <= 0) return { more: cluster > overall, text: `${formatNumber(cluster)} vs ${formatNumber(overall)}` };
  const ratio = cluster / overall;
  if (ratio >= 1) return { more: true, text: `${formatNumber(Math.round(ratio * 10) / 10)}×` };
  return { more: false, text: percent(1 - ratio) };
}

/**
 * One feature contrast in words.
 *
 * @example contrastText({ feature: 'frequency', clusterMean: 12, overallMean: 4, z: 2 }) // → 'orders 3× as often as the average customer'
 */
export function contrastText(c: FeatureContrast): string {
  const t = times(c.clusterMean, c.overallMean);
  switch (c.feature) {
    case 'frequency':
      return t.more ? `orders ${t.text} as often as the average customer` : `orders ${t.text} less often than the average customer`;
    case 'monetary':
      return t.more ? `spends ${t.text} as much as the average customer` : `spends ${t.text} less than the average customer`;
    case 'avgOrderValue':
      return t.more ? `baskets are ${t.text} the average size` : `baskets are ${t.text} smaller than average`;
    case 'recencyDays':
      return `last ordered ${formatNumber(Math.round(c.clusterMean))} days ago on average, against ${formatNumber(Math.round(c.overallMean))} for everyone`;
    case 'engagement':
      return t.more ? `engages ${t.text} as much as the average customer` : `engages ${t.text} less than the average customer`;
    default:
      return t.more ? `${c.feature} is ${t.text} the average` : `${c.feature} is ${t.text} below the average`;
  }
}

/** The features that set a cluster apart, largest contrast first (at least one). */
export function notableContrasts(contrasts: ReadonlyArray<FeatureContrast>, max = 3): FeatureContrast[] {
  const sorted = [...contrasts].sort((a, b) => Math.abs(b.z) - Math.abs(a.z) || a.feature.localeCompare(b.feature));
  const notable = sorted.filter((c) => Math.abs(c.z) >= NOTABLE_Z).slice(0, max);
  return notable.length ? notable : sorted.slice(0, 1);
}

/**
 * A name suggestion from the strongest contrasts; a person confirms or renames it.
 *
 * @example suggestName([{ feature: 'frequency', z: 1.8, … }, { feature: 'avgOrderValue', z: -1.1, … }]) // → 'Frequent bargain hunters'
 */
export function suggestName(contrasts: ReadonlyArray<FeatureContrast>): string {
  const z = (feature: string) => contrasts.find((c) => c.feature === feature)?.z ?? 0;
  const high = (f: string) => z(f) >= NOTABLE_Z;
  const low = (f: string) => z(f) <= -NOTABLE_Z;
  if (high('recencyDays') && !high('frequency')) return high('monetary') ? 'Lapsed big spenders' : 'Lapsed customers';
  if (high('frequency') && high('monetary')) return low('recencyDays') || !high('recencyDays') ? 'Frequent high spenders' : 'Fading regulars';
  if (high('frequency') && low('avgOrderValue')) return 'Frequent bargain hunters';
  if (high('frequency')) return 'Frequent buyers';
  if (high('avgOrderValue') && !high('frequency')) return 'Occasional big spenders';
  if (high('monetary')) return 'High spenders';
  if (high('engagement')) return 'Engaged browsers';
  if (low('frequency') && low('monetary')) return 'Light buyers';
  if (low('recencyDays')) return 'Recent buyers';
  return 'Average customers';
}
