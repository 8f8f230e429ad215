import { describe, expect, it } from 'vitest';
import { summarizeDistribution, summarizeEntitlement } from './distribution.ts';

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

describe('summarizeEntitlement', () => {
  const H = 3_600_000;

  it('entitles each member by weight times available hours and reports the largest deviation', () => {
    const s = summarizeEntitlement([
      { ownerId: 'ana', weight: 1, count: 10, availableMs: 40 * H },
      { ownerId: 'ben', weight: 1, count: 10, availableMs: 20 * H }, // out half the week
      { ownerId: 'cai', weight: 2, count: 10, availableMs: 20 * H },
    ]);
    expect(s.members.map((m) => m.entitledShare)).toEqual([0.4, 0.2, 0.4]);
    expect(s.members[1]).toMatchObject({ share: 1 / 3, availableHours: 20 });
    expect(s.members[1]!.deviation).toBeCloseTo(1 / 3 - 0.2, 9);
    expect(s.largestDeviation).toBeCloseTo(2 / 15, 9);
    expect(s.largestDeviationOwner).toBe('ben');
  });

  it('reports 0 for a pool that got exactly its entitlement, and copes with nobody available', () => {
    expect(
      summarizeEntitlement([
        { ownerId: 'a', weight: 2, count: 4, availableMs: H },
        { ownerId: 'b', weight: 1, count: 2, availableMs: H },
      ]).largestDeviation,
    ).toBeCloseTo(0, 12);
    expect(
      summarizeEntitlement([{ ownerId: 'a', weight: 1, count: 0, availableMs: 0 }]),
    ).toMatchObject({ largestDeviation: 0, members: [{ entitledShare: 0, share: 0 }] });
  });
});
