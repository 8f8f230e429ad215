import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePolicyOrThrow, type Lead, type Owner } from '../engine/index.ts';
import {
  closeAfterModel,
  closeTimeOf,
  describeCloseModel,
  parseCloseModel,
  parseDelay,
} from './close-model.ts';
import { simulateLeads } from './simulate.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 2, 9);
const asNumber = (v: unknown) => (typeof v === 'number' ? v : undefined);

describe('parseCloseModel', () => {
  it('reads shares, percentages and delays, and says the rest stay open', () => {
    const m = parseCloseModel('converted:0.3@2d, disqualified:50%@90m', 7);
    expect(m.terms).toEqual([
      { status: 'converted', share: 0.3, afterMs: 2 * DAY },
      { status: 'disqualified', share: 0.5, afterMs: 90 * 60_000 },
    ]);
    expect(describeCloseModel(m)).toBe(
      '30% converted after 2d, 50% disqualified after 90m, 20% stay open, seed 7',
    );
    expect(describeCloseModel(parseCloseModel('input@1w'))).toBe(
      'as the input says (closed_at, or a closing status + 1w)',
    );
    expect(describeCloseModel(parseCloseModel('none'))).toBe('none: no lead closes');
  });

  it('rejects a bad term, status, share, delay or total, naming what is allowed', () => {
    expect(() => parseCloseModel('converted@2d')).toThrow(/not a close term: use terms like/);
    expect(() => parseCloseModel('won:0.3@2d')).toThrow(/"won" is not a closing status/);
    expect(() => parseCloseModel('closed:1.5@2d')).toThrow(/not a share/);
    expect(() => parseCloseModel('closed:0.5@2 days')).toThrow(/not a delay/);
    expect(() => parseCloseModel('closed:0.6@1d,converted:0.6@2d')).toThrow(/at most 1/);
    expect(() => parseDelay('3')).toThrow(/m, h, d or w/);
  });
});

describe('closeTimeOf', () => {
  it('closes every lead after the delay with --close-after', () => {
    expect(closeTimeOf(closeAfterModel('3d'), {}, 0, T0, asNumber)).toBe(T0 + 3 * DAY);
  });

  it('reads closed_at, then a closing status plus the delay, then falls to the model', () => {
    const m = parseCloseModel('input@1d');
    expect(closeTimeOf(m, { closed_at: T0 + 5 }, 0, T0, asNumber)).toBe(T0 + 5);
    expect(closeTimeOf(m, { closed_at: T0 - 5 }, 0, T0, asNumber)).toBe(T0);
    expect(closeTimeOf(m, { status: 'Converted' }, 0, T0, asNumber)).toBe(T0 + DAY);
    expect(closeTimeOf(m, { status: 'contacted' }, 0, T0, asNumber)).toBeUndefined();
  });

  it('draws each share of leads deterministically from the seed, close to the shares asked', () => {
    const m = parseCloseModel('converted:0.3@2d,disqualified:0.5@5d', 3);
    const at = Array.from({ length: 10_000 }, (_, i) => closeTimeOf(m, {}, i, 0, asNumber));
    expect(at.filter((t) => t === 2 * DAY).length / 10_000).toBeCloseTo(0.3, 1);
    expect(at.filter((t) => t === 5 * DAY).length / 10_000).toBeCloseTo(0.5, 1);
    expect(at.filter((t) => t === undefined).length / 10_000).toBeCloseTo(0.2, 1);
    fc.assert(
      fc.property(fc.integer(), fc.nat(), (seed, i) => {
        const model = parseCloseModel('closed:0.5@1d', seed);
        expect(closeTimeOf(model, {}, i, 0, asNumber)).toBe(closeTimeOf(model, {}, i, 0, asNumber));
      }),
    );
  });
});

describe('simulateLeads with a close model', () => {
  const owner = (id: string): Owner => ({ id, name: id, timeZone: 'UTC', active: true });
  const directory = { owners: new Map(['ana', 'ben'].map((id) => [id, owner(id)])) };
  const { policy } = compilePolicyOrThrow(
    {
      default_queue: 'triage',
      pools: {
        solo: { strategy: 'round_robin', members: ['ben'] },
        p: { strategy: 'least_loaded', members: ['ana', 'ben'] },
      },
      rules: [
        { id: 'ben-only', when: { source: 'x' }, assign: { pool: 'solo' } },
        { id: 'all', assign: { pool: 'p' } },
      ],
    },
    { version: 't' },
  );
  // Ben takes two leads of his own first; then six leads a day apart go to the least loaded.
  const leads: Lead[] = [
    { source: 'x', created_at: T0 },
    { source: 'x', created_at: T0 },
    ...Array.from({ length: 6 }, (_, i) => ({ created_at: T0 + (i + 1) * DAY })),
  ];
  const run = (closeModel?: ReturnType<typeof parseCloseModel>) =>
    simulateLeads(policy, leads, {
      directory,
      defaultNow: T0,
      timestampOf: (l) => l.created_at as number,
      closeModel,
    });

  it('releases open load when leads close, so least_loaded sees the floor production would', () => {
    // Never closing, Ben's two leads of his own count against him for good: Ana takes 4 of 6.
    expect(run().pools.p).toMatchObject({ min: 2, max: 4 });
    expect(run().closing).toEqual({ model: 'none: no lead closes', closed: 0, openAtEnd: 8 });
    // Closing after half a day, everyone is back to zero at each arrival: an even split.
    const closing = run(parseCloseModel('closed:1@12h'));
    expect(closing.pools.p).toMatchObject({ min: 3, max: 3 });
    expect(closing.closing).toEqual({
      model: '100% closed after 12h, seed 1',
      closed: 7,
      openAtEnd: 1,
    });
  });
});
