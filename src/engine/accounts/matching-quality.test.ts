import { describe, expect, it } from 'vitest';
import { measureMatching } from '../../../bench/quality-matching.ts';

describe('company-name matching on the labelled evaluation set', () => {
  const quality = measureMatching({ rounds: 0 });

  it('scores several hundred labelled queries, look-alike negatives among them', () => {
    expect(quality.queries).toBeGreaterThanOrEqual(400);
    expect(quality.tp + quality.fn).toBeLessThan(quality.queries);
  });

  it('finds the wrong account or an account for no account at most once in a hundred matches', () => {
    expect(quality.precision).toBeGreaterThanOrEqual(0.99);
  });

  it('finds the named account for at least 99 in a hundred queries that name one', () => {
    expect(quality.recall).toBeGreaterThanOrEqual(0.99);
  });

  it('meets both targets on the held-out half, not looked at while tuning', () => {
    expect(quality.bySplit.holdout.precision).toBeGreaterThanOrEqual(0.99);
    expect(quality.bySplit.holdout.recall).toBeGreaterThanOrEqual(0.99);
  });
});
