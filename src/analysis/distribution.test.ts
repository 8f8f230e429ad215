import { describe, expect, it } from 'vitest';
import { summarizeDistribution } from './distribution.ts';

describe('summarizeDistribution', () => {
  it('reports a Gini of 0 and a ratio of 1 when everyone has the same count', () => {
    expect(summarizeDistribution([5, 5, 5])).toMatchObject({ gini: 0, maxMinRatio: 1, total: 15 });
  });

  it('approaches a Gini of 1 when one owner gets everything', () => {
    const s = summarizeDistribution([0, 0, 0, 100]);
    expect(s.gini).toBeCloseTo(0.75, 5);
    expect(s.maxMinRatio).toBe(Infinity);
  });

  it('computes the textbook Gini of 1, 2, 3, 4', () => {
    expect(summarizeDistribution([4, 1, 3, 2]).gini).toBeCloseTo(0.25, 5);
    expect(summarizeDistribution([4, 1, 3, 2]).maxMinRatio).toBe(4);
  });

  it('handles no owners', () => {
    expect(summarizeDistribution([])).toMatchObject({ owners: 0, gini: 0 });
  });
});
