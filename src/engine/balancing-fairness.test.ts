/**
 * Fairness over time: every strategy driven by leads that arrive at arbitrary moments over many
 * periods, with arbitrary absences, checked against the guarantees docs/policy.md states.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyPoolState, periodKey, pickMember, type Member } from './balancing.ts';
import type { Strategy } from './policy-schema.ts';
import type { EpochMs, OwnerState, PoolState } from './types.ts';

const STRATEGIES: readonly Strategy[] = ['round_robin', 'weighted', 'least_loaded', 'fair_share'];
const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 2); // a Monday

const membersOf = (...weights: number[]): Member[] =>
  weights.map((weight, i) => ({ ownerId: String.fromCharCode(65 + i), weight }));

interface Arrival {
  at: EpochMs;
  /** Who may take this lead; everyone when absent. */
  eligible?: readonly boolean[];
}

/**
 * Routes leads through one pool as the engine does: each pick's state feeds the next, the owner
 * state records the last assignment time, and a lead stays open `closeAfter` ms (forever if
 * undefined) for least_loaded.
 */
function route(
  strategy: Strategy,
  members: readonly Member[],
  arrivals: readonly Arrival[],
  options: { period?: 'day' | 'week' | 'month'; closeAfter?: number; state?: PoolState } = {},
) {
  let state = options.state ?? emptyPoolState();
  const owners = new Map<string, OwnerState>();
  const closes: Array<{ at: number; ownerId: string }> = [];
  const picks: Array<number | null> = [];
  for (const { at, eligible } of arrivals) {
    for (let c = closes.length - 1; c >= 0; c--) {
      const close = closes[c]!;
      if (close.at > at) continue;
      owners.get(close.ownerId)!.open--;
      closes.splice(c, 1);
    }
    const result = pickMember({
      strategy,
      members,
      eligible: eligible ?? members.map(() => true),
      state,
      ownerState: owners,
      period: periodKey(options.period ?? 'week', at),
    });
    picks.push(result ? result.index : null);
    if (!result) continue;
    state = result.state;
    const ownerId = members[result.index]!.ownerId;
    const prev = owners.get(ownerId);
    owners.set(ownerId, {
      open: (prev?.open ?? 0) + 1,
      dayKey: '',
      dayCount: 0,
      weekKey: '',
      weekCount: 0,
      lastAssignedAt: at,
    });
    if (options.closeAfter !== undefined) closes.push({ at: at + options.closeAfter, ownerId });
  }
  return { picks, state };
}

function counts(k: number, picks: ReadonlyArray<number | null>): number[] {
  const c = new Array<number>(k).fill(0);
  for (const i of picks) if (i !== null) c[i]!++;
  return c;
}

const spread = (c: readonly number[]) => Math.max(...c) - Math.min(...c);

/** Sorted arrival times over `days` days from START, at any millisecond. */
const arrivalsArb = (days: number, maxLength: number) =>
  fc
    .array(fc.integer({ min: 0, max: days * DAY - 1 }), { maxLength })
    .map((offsets) => offsets.sort((a, b) => a - b).map((o) => ({ at: START + o })));

const periodArb = fc.constantFrom<'day' | 'week' | 'month'>('day', 'week', 'month');

describe('fair_share across periods', () => {
  it('gives four members with two leads a day over five days 3/3/2/2, not 5/5/0/0', () => {
    const arrivals = Array.from({ length: 10 }, (_, i) => ({
      at: START + Math.floor(i / 2) * DAY + (9 + (i % 2)) * 3_600_000,
    }));
    const { picks } = route('fair_share', membersOf(1, 1, 1, 1), arrivals, { period: 'day' });
    expect(counts(4, picks)).toEqual([3, 3, 2, 2]);
  });

  it('carries each share into the next period relative to the top, at most one step behind', () => {
    const state: PoolState = {
      ...emptyPoolState(),
      ownerIds: ['A', 'B', 'C', 'D'],
      virtualShares: [7, 6, 1, null],
      period: '2026-W47',
    };
    const r = pickMember({
      strategy: 'fair_share',
      members: membersOf(1, 1, 1, 1),
      eligible: [true, true, true, true],
      state,
      ownerState: new Map(),
      period: '2026-W48',
      explain: true,
    })!;
    // A on top (7) starts the week at 1, B one lead behind at 0, C's deficit of 6 is bounded to
    // one lead (0); D has never had a share and joins at the pack's level when it is first seen.
    expect(r.figures).toMatchObject({ periodStarted: true, carried: { A: 1, B: 0, C: 0 } });
    expect(r.index).toBe(1); // B and C tie at 0; B comes first after the cursor (-1)
  });
});

describe('stored states', () => {
  it('continues a fair_share row written before shares carried over, as the database returns it', () => {
    // JSON turns NaN into null; rows written by earlier versions have the same fields.
    const row = JSON.parse(
      '{"cursor":-1,"ownerIds":["A","B","C"],"currentWeights":[],"virtualShares":[3,null,1],"period":"2026-W47","assigned":4}',
    ) as PoolState;
    const r = pickMember({
      strategy: 'fair_share',
      members: membersOf(1, 1, 1),
      eligible: [true, true, true],
      state: row,
      ownerState: new Map(),
      period: '2026-W48',
    })!;
    // Carried: A at the top (1), C one lead behind (0), B new to the pool: joins at C's level.
    expect(r.index).toBe(1);
    expect(r.state.virtualShares).toEqual([1, 1, 0]);
  });
});

describe('ties', () => {
  const load = (open: number, lastAssignedAt: number | null): OwnerState => ({
    open,
    dayKey: '',
    dayCount: 0,
    weekKey: '',
    weekCount: 0,
    lastAssignedAt,
  });

  it('go to whoever has waited longest in fair_share, not to member order', () => {
    const states: Record<string, OwnerState> = { A: load(0, 50), B: load(0, 10), C: load(0, 30) };
    const r = pickMember({
      strategy: 'fair_share',
      members: membersOf(1, 1, 1),
      eligible: [true, true, true],
      state: {
        ...emptyPoolState(),
        ownerIds: ['A', 'B', 'C'],
        virtualShares: [2, 2, 2],
        period: 'P',
      },
      ownerState: { get: (id: string) => states[id] },
      period: 'P',
    })!;
    expect(r.index).toBe(1);
  });

  it('rotate after the last pick when everyone waited equally long, for fair_share and least_loaded', () => {
    // A batch routed at one instant, every lead closed at once: loads, shares and last-assignment
    // times all tie, and member order would give every lead to A.
    for (const strategy of ['fair_share', 'least_loaded'] as const) {
      const arrivals = Array.from({ length: 6 }, () => ({ at: START }));
      const { picks } = route(strategy, membersOf(1, 1, 1), arrivals, { closeAfter: 0 });
      expect(counts(3, picks), strategy).toEqual([2, 2, 2]);
    }
  });
});

describe('fairness properties over many periods', () => {
  it('keeps cumulative counts within 1 of each other with equal weights and everyone available, for every strategy', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...STRATEGIES),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 5 }),
        periodArb,
        arrivalsArb(56, 120),
        (strategy, k, w, period, arrivals) => {
          const { picks } = route(strategy, membersOf(...new Array<number>(k).fill(w)), arrivals, {
            period,
          });
          for (let n = 1; n <= picks.length; n++)
            expect(spread(counts(k, picks.slice(0, n)))).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps fair_share cumulative counts balanced by weight: count/weight within one own step of the lowest', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 6 }),
        periodArb,
        arrivalsArb(56, 150),
        (weights, period, arrivals) => {
          const { picks } = route('fair_share', membersOf(...weights), arrivals, { period });
          const c = new Array<number>(weights.length).fill(0);
          for (const i of picks) {
            c[i!]!++;
            const shares = c.map((x, j) => x / weights[j]!);
            const lowest = Math.min(...shares);
            shares.forEach((s, j) =>
              expect(s - lowest).toBeLessThanOrEqual(1 / weights[j]! + 1e-9),
            );
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('gives a member back from any absences, across any periods, no make-up run', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Strategy>('round_robin', 'weighted', 'fair_share'),
        fc
          .integer({ min: 2, max: 6 })
          .chain((k) =>
            fc.tuple(
              fc.constant(k),
              fc.array(
                fc.tuple(
                  fc.integer({ min: 0, max: 28 * DAY - 1 }),
                  fc.array(fc.boolean(), { minLength: k, maxLength: k }),
                ),
                { maxLength: 80 },
              ),
            ),
          ),
        periodArb,
        (strategy, [k, history], period) => {
          const members = membersOf(...new Array<number>(k).fill(1));
          const before = history
            .sort((a, b) => a[0] - b[0])
            .map(([o, eligible]) => ({ at: START + o, eligible }));
          // Then everyone is back, for three rounds, in the following weeks.
          const after = Array.from({ length: 3 * k }, (_, i) => ({
            at: START + 28 * DAY + i * 3 * 3_600_000,
          }));
          const { picks } = route(strategy, members, [...before, ...after], { period });
          const back = counts(k, picks.slice(before.length));
          for (const c of back) {
            // Nobody is owed a burst: one lead of make-up at most (fair_share may owe one at
            // each edge of the window), and nobody is starved either.
            expect(c).toBeLessThanOrEqual(strategy === 'round_robin' ? 3 : 3 + 2);
            expect(c).toBeGreaterThanOrEqual(strategy === 'round_robin' ? 3 : 3 - 2);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('picks the fewest open leads for least_loaded, whatever closes when', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        arrivalsArb(28, 100),
        fc.integer({ min: 0, max: 5 * DAY }),
        (k, arrivals, closeAfter) => {
          // A lead closes `closeAfter` after assignment: recompute each member's open count.
          const members = membersOf(...new Array<number>(k).fill(1));
          const { picks } = route('least_loaded', members, arrivals, { closeAfter });
          const assigned: Array<{ at: number; who: number }> = [];
          picks.forEach((who, n) => {
            const at = arrivals[n]!.at;
            const open = new Array<number>(k).fill(0);
            for (const a of assigned) if (a.at + closeAfter > at) open[a.who]!++;
            expect(open[who!]).toBe(Math.min(...open));
            assigned.push({ at, who: who! });
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('is deterministic over arbitrary arrivals and absences, for every strategy', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...STRATEGIES),
        fc
          .integer({ min: 1, max: 5 })
          .chain((k) =>
            fc.tuple(
              fc.array(fc.integer({ min: 1, max: 4 }), { minLength: k, maxLength: k }),
              fc.array(
                fc.tuple(
                  fc.integer({ min: 0, max: 56 * DAY }),
                  fc.array(fc.boolean(), { minLength: k, maxLength: k }),
                ),
                { maxLength: 60 },
              ),
            ),
          ),
        periodArb,
        (strategy, [weights, history], period) => {
          const arrivals = history
            .sort((a, b) => a[0] - b[0])
            .map(([o, eligible]) => ({ at: START + o, eligible }));
          const first = route(strategy, membersOf(...weights), arrivals, {
            period,
            closeAfter: DAY,
          });
          const second = route(strategy, membersOf(...weights), arrivals, {
            period,
            closeAfter: DAY,
          });
          expect(second).toEqual(first);
        },
      ),
      { numRuns: 150 },
    );
  });
});
