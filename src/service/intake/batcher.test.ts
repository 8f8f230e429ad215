import { describe, expect, it } from 'vitest';
import { Batcher } from './batcher.ts';

/** A batcher whose commits are recorded; an item 'bad' fails any commit it is in. */
function recording(options: { maxBatch?: number; concurrency?: number } = {}) {
  const commits: string[][] = [];
  const batcher = new Batcher<string, string>({
    maxBatch: options.maxBatch ?? 100,
    concurrency: options.concurrency ?? 1,
    isolate: (error) => error instanceof Error && error.message === 'bad data',
    commit: async (items) => {
      commits.push(items);
      if (items.includes('bad')) throw new Error('bad data');
      return items.map((i) => (i === 'conflict' ? new Error(`conflict ${i}`) : i.toUpperCase()));
    },
  });
  return { batcher, commits };
}

describe('Batcher', () => {
  it('commits submissions of the same turn together, each answered with its own results', async () => {
    const { batcher, commits } = recording();
    const results = await Promise.all([
      batcher.submit(['a']),
      batcher.submit(['b', 'conflict']),
      batcher.submit(['c']),
    ]);
    expect(commits).toEqual([['a', 'b', 'conflict', 'c']]);
    expect(results[0]).toEqual(['A']);
    expect(results[1]![0]).toBe('B');
    expect(results[1]![1]).toBeInstanceOf(Error);
    expect(results[2]).toEqual(['C']);
  });

  it('never splits a submission, and keeps commits to about maxBatch items', async () => {
    const { batcher, commits } = recording({ maxBatch: 3 });
    await Promise.all([
      batcher.submit(['a', 'b']),
      batcher.submit(['c', 'd']),
      batcher.submit(['e']),
      batcher.submit(['f', 'g', 'h', 'i']),
    ]);
    expect(commits).toEqual([
      ['a', 'b'],
      ['c', 'd', 'e'],
      ['f', 'g', 'h', 'i'],
    ]);
  });

  it('commits each submission alone when a shared commit may be one of them at fault', async () => {
    const { batcher, commits } = recording();
    const results = await Promise.allSettled([
      batcher.submit(['a']),
      batcher.submit(['bad']),
      batcher.submit(['c']),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(commits).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
  });

  it('fails every submission of a commit that failed for another reason', async () => {
    const batcher = new Batcher<string, string>({
      maxBatch: 10,
      concurrency: 1,
      isolate: () => false,
      commit: () => Promise.reject(new Error('down')),
    });
    const results = await Promise.allSettled([batcher.submit(['a']), batcher.submit(['b'])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('answers an empty submission at once', async () => {
    const { batcher, commits } = recording();
    expect(await batcher.submit([])).toEqual([]);
    expect(commits).toEqual([]);
  });
});
