/** Balance figures for a set of per-owner counts. */
export interface DistributionSummary {
  owners: number;
  total: number;
  min: number;
  max: number;
  /** max / min; Infinity when someone got nothing while others got leads; 1 when all are equal. */
  maxMinRatio: number;
  /** 0 = perfectly equal, → 1 = everything to one owner. */
  gini: number;
}

/** Gini coefficient and max/min ratio of the counts. */
export function summarizeDistribution(counts: readonly number[]): DistributionSummary {
  const n = counts.length;
  const total = counts.reduce((a, b) => a + b, 0);
  if (n === 0) return { owners: 0, total: 0, min: 0, max: 0, maxMinRatio: 1, gini: 0 };
  const sorted = [...counts].sort((a, b) => a - b);
  const min = sorted[0]!;
  const max = sorted[n - 1]!;
  // Gini from the sorted values: G = Σ (2i − n − 1)·x_i / (n·Σx), i from 1.
  let weighted = 0;
  sorted.forEach((x, i) => (weighted += (2 * (i + 1) - n - 1) * x));
  const gini = total === 0 ? 0 : weighted / (n * total);
  const maxMinRatio = max === 0 ? 1 : min === 0 ? Infinity : max / min;
  return { owners: n, total, min, max, maxMinRatio, gini };
}
