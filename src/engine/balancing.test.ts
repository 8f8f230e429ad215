import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  emptyPoolState,
  periodKey,
  pickMember,
  type Member,
  type PickResult,
} from './balancing.ts';
import type { Strategy } from './policy-schema.ts';
import type { OwnerState, PoolState } from './types.ts';

/** Nobody has any load yet. */
const NO_STATE: ReadonlyMap<string, OwnerState> = new Map();

const STRATEGIES: readonly Strategy[] = ['round_robin', 'weighted', 'least_loaded', 'fair_share'];

/** A pool state written as records by owner id, as people read it. */
function poolState(values: {
  currentWeights?: Record<string, number>;
  virtualShares?: Record<string, number>;
  period?: string;
}): PoolState {
  const ownerIds = [
    ...new Set([
      ...Object.keys(values.currentWeights ?? {}),
      ...Object.keys(values.virtualShares ?? {}),
    ]),
  ];
  return {
    ...emptyPoolState(),
    ownerIds,
    currentWeights: values.currentWeights
      ? ownerIds.map((id) => values.currentWeights![id] ?? 0)
      : [],
    virtualShares: values.virtualShares
      ? ownerIds.map((id) => values.virtualShares![id] ?? null)
      : [],
    period: values.period,
  };
}

/** One of a state's per-owner arrays as a record by owner id (owners without a value left out). */
function valuesOf(state: PoolState, which: 'currentWeights' | 'virtualShares') {
  const out: Record<string, number> = {};
  state.ownerIds.forEach((id, i) => {
    const v = state[which][i];
    if (v !== null && v !== undefined) out[id] = v;
  });
  return out;
}

const membersOf = (...weights: number[]): Member[] =>
  weights.map((weight, i) => ({ ownerId: String.fromCharCode(65 + i), weight }));

/**
 * Routes a sequence of leads through one pool, as the engine does: each pick's state feeds the
 * next, and least_loaded sees open counts and last-assignment times (no lead ever closes here).
 */
function simulate(
  strategy: Strategy,
  members: readonly Member[],
  eligibility: ReadonlyArray<readonly boolean[]>,
  periods?: readonly string[],
) {
  let state = emptyPoolState();
  const owners = new Map<string, OwnerState>();
  const results: Array<PickResult | null> = [];
  eligibility.forEach((eligible, step) => {
    const result = pickMember({
      strategy,
      members,
      eligible,
      state,
      ownerState: owners,
      period: periods?.[step] ?? '2026-W48',
      explain: true,
    });
    results.push(result);
    if (!result) return;
    state = result.state;
    const id = members[result.index]!.ownerId;
    const prev = owners.get(id);
    owners.set(id, {
      open: (prev?.open ?? 0) + 1,
      dayKey: '',
      dayCount: 0,
      weekKey: '',
      weekCount: 0,
      lastAssignedAt: step,
    });
  });
  return { results, picks: results.map((r) => (r ? r.index : null)), state };
}

const all = (k: number, n: number) =>
  Array.from({ length: n }, () => new Array<boolean>(k).fill(true));
const names = (members: readonly Member[], picks: ReadonlyArray<number | null>) =>
  picks.map((i) => (i === null ? '-' : members[i]!.ownerId)).join('');

function counts(k: number, picks: ReadonlyArray<number | null>): number[] {
  const c = new Array<number>(k).fill(0);
  for (const i of picks) if (i !== null) c[i]!++;
  return c;
}

function longestRun(picks: ReadonlyArray<number | null>, who: number): number {
  let best = 0;
  let run = 0;
  for (const i of picks) {
    run = i === who ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

describe('pickMember', () => {
  it('returns null when nobody is eligible, for every strategy', () => {
    for (const strategy of STRATEGIES) {
      const input = { strategy, state: emptyPoolState(), ownerState: NO_STATE, period: 'p' };
      expect(
        pickMember({ ...input, members: membersOf(1, 1), eligible: [false, false] }),
      ).toBeNull();
      expect(pickMember({ ...input, members: [], eligible: [] })).toBeNull();
    }
  });

  it('counts every pick in state.assigned', () => {
    for (const strategy of STRATEGIES)
      expect(simulate(strategy, membersOf(1, 2, 3), all(3, 7)).state.assigned).toBe(7);
  });

  describe('round_robin', () => {
    const abc = membersOf(1, 1, 1);

    it('rotates in member order, starting with the first member', () => {
      expect(names(abc, simulate('round_robin', abc, all(3, 7)).picks)).toBe('ABCABCA');
    });

    it('skips an unavailable member without giving a make-up turn later', () => {
      const b = [true, false, true];
      const { picks, results } = simulate('round_robin', abc, [
        [true, true, true],
        b,
        [true, true, true],
        [true, true, true],
        [true, true, true],
      ]);
      // B missed its turn at lead 2; when back, it gets its normal turn, not an extra one.
      expect(names(abc, picks)).toBe('ACABC');
      expect(results[1]!.figures).toEqual({ cursor: 0, nextCursor: 2, skipped: ['B'] });
    });

    it('continues the rotation from a cursor left over by a larger pool', () => {
      const state: PoolState = { ...emptyPoolState(), cursor: 4 };
      expect(
        pickMember({
          strategy: 'round_robin',
          members: abc,
          eligible: [true, true, true],
          state,
          ownerState: NO_STATE,
          period: '',
          explain: true,
        })?.index,
      ).toBe(2);
    });
  });

  describe('weighted', () => {
    it('interleaves a 2:1 pool as A B A, never A A B B', () => {
      const m = membersOf(2, 1);
      expect(names(m, simulate('weighted', m, all(2, 9)).picks)).toBe('ABAABAABA');
    });

    it('spreads 5:1:1 as nginx does: A A B A C A A', () => {
      const m = membersOf(5, 1, 1);
      expect(names(m, simulate('weighted', m, all(3, 7)).picks)).toBe('AABACAA');
    });

    it('leaves an unavailable member current weight untouched', () => {
      const m = membersOf(2, 1);
      const state = poolState({ currentWeights: { A: 1, B: -1 } });
      const r = pickMember({
        strategy: 'weighted',
        members: m,
        eligible: [true, false],
        state,
        ownerState: NO_STATE,
        period: '',
        explain: true,
      })!;
      expect(r.index).toBe(0);
      expect(valuesOf(r.state, 'currentWeights')).toEqual({ A: 1, B: -1 }); // A: 1 + 2 − 2 (only A's weight was in play)
      expect(r.figures).toMatchObject({ currentWeights: { A: 3, B: -1 }, totalEligibleWeight: 2 });
    });

    it('realigns the memory by owner id when the members change, dropping leavers', () => {
      const state = poolState({ currentWeights: { A: 2, B: -3, C: 1 } });
      const members: Member[] = [
        { ownerId: 'C', weight: 1 },
        { ownerId: 'A', weight: 1 },
        { ownerId: 'D', weight: 1 },
      ];
      const r = pickMember({
        strategy: 'weighted',
        members,
        eligible: [true, true, true],
        state,
        ownerState: NO_STATE,
        period: '',
      })!;
      // C: 1 + 1 = 2, A: 2 + 1 = 3, D: 0 + 1 = 1 → A, then A pays the total of 3.
      expect(members[r.index]!.ownerId).toBe('A');
      expect(r.state.ownerIds).toEqual(['C', 'A', 'D']);
      expect(valuesOf(r.state, 'currentWeights')).toEqual({ C: 2, A: 0, D: 1 });
    });
  });

  describe('least_loaded', () => {
    const m = membersOf(1, 1, 1, 1);
    const load = (open: number, lastAssignedAt: number | null): OwnerState => ({
      open,
      dayKey: '',
      dayCount: 0,
      weekKey: '',
      weekCount: 0,
      lastAssignedAt,
    });

    it('picks the fewest open leads, then the never-assigned, then the longest waiting, then rotation', () => {
      const pick = (
        states: Record<string, OwnerState | undefined>,
        eligible = [true, true, true, true],
      ) =>
        pickMember({
          strategy: 'least_loaded',
          members: m,
          eligible,
          state: emptyPoolState(),
          ownerState: { get: (id: string) => states[id] },
          period: '',
          explain: true,
        })!.index;
      expect(pick({ A: load(3, 1), B: load(1, 9), C: load(2, 0), D: load(5, null) })).toBe(1);
      expect(pick({ A: load(1, 5), B: load(1, null), C: load(1, 2), D: load(1, null) })).toBe(1); // B and D never assigned: B first in rotation
      expect(pick({ A: load(1, 5), B: load(1, null), C: load(1, 2), D: undefined })).toBe(3); // no state = no open leads
      expect(pick({ A: load(1, 5), B: load(1, 3), C: load(1, 2), D: load(2, null) })).toBe(2);
      expect(
        pick({ A: load(1, 5), B: load(1, 3), C: load(1, 2), D: load(2, null) }, [
          true,
          true,
          false,
          true,
        ]),
      ).toBe(1);
    });

    it('reports the open counts of the eligible members', () => {
      const r = pickMember({
        strategy: 'least_loaded',
        members: m,
        eligible: [true, false, true, true],
        state: emptyPoolState(),
        ownerState: { get: (id: string) => (id === 'A' ? load(2, 1) : undefined) },
        period: '',
        explain: true,
      })!;
      expect(r.figures).toEqual({ open: { A: 2, C: 0, D: 0 }, lastAssignedAt: null });
    });
  });

  describe('fair_share', () => {
    const abc = membersOf(1, 1, 1);
    const pick = (
      state: PoolState,
      members: readonly Member[],
      eligible: boolean[],
      period = '2026-W48',
    ) =>
      pickMember({
        strategy: 'fair_share',
        members,
        eligible,
        state,
        ownerState: NO_STATE,
        period,
        explain: true,
      })!;

    it('gives the lead to the smallest share relative to weight', () => {
      const m = membersOf(1, 3);
      expect(names(m, simulate('fair_share', m, all(2, 8)).picks)).toBe('ABBBABBB');
    });

    it('starts a new period from where the last one left the pack, forgiving a deficit beyond one lead', () => {
      const state = poolState({ virtualShares: { A: 1, B: 9, C: 9 }, period: '2026-W47' });
      const r = pick(state, abc, [true, true, true]);
      expect(r.index).toBe(0);
      expect(r.state.period).toBe('2026-W48');
      // Carried: B and C at the top (1), A one lead behind (0) rather than eight; A takes this one.
      expect(valuesOf(r.state, 'virtualShares')).toEqual({ A: 1, B: 1, C: 1 });
      expect(r.figures).toMatchObject({ periodStarted: true, targetShare: 0.333333333 });
    });

    it('lets a newcomer join at the level of the pack instead of catching up', () => {
      const state = poolState({ virtualShares: { A: 10, B: 10, C: 10 }, period: '2026-W48' });
      const r = pick(state, membersOf(1, 1, 1, 1), [true, true, true, true]);
      expect(r.index).toBe(0); // everyone at 10, nobody assigned yet: rotation from the start
      expect(r.figures).toMatchObject({ lifted: { D: { from: null, to: 10 } } });
      expect(valuesOf(r.state, 'virtualShares')).toEqual({ A: 11, B: 10, C: 10, D: 10 });
    });

    it('does not lift a member who is merely next in line', () => {
      // Lifting C to the others' minimum (5) would hand the lead to A, and C would starve.
      const state = poolState({ virtualShares: { A: 5, B: 5, C: 4 }, period: '2026-W48' });
      const r = pick(state, abc, [true, true, true]);
      expect(r.index).toBe(2);
      expect(r.figures).not.toHaveProperty('lifted');
    });

    it('lifts a member back from an absence to one lead behind the pack', () => {
      const state = poolState({ virtualShares: { A: 12, B: 12, C: 2 }, period: '2026-W48' });
      const r = pick(state, abc, [true, true, true]);
      expect(r.index).toBe(2);
      expect(r.figures).toMatchObject({ lifted: { C: { from: 2, to: 11 } } });
      expect(valuesOf(r.state, 'virtualShares')).toEqual({ A: 12, B: 12, C: 12 });
    });

    it('keeps the share of an unavailable member as it was', () => {
      const state = poolState({ virtualShares: { A: 3, B: 1, C: 3 }, period: '2026-W48' });
      const r = pick(state, abc, [true, false, true]);
      expect(r.index).toBe(0);
      expect(valuesOf(r.state, 'virtualShares')).toEqual({ A: 4, B: 1, C: 3 });
    });
  });
});

describe('periodKey', () => {
  it('names UTC days, ISO weeks and months', () => {
    const t = Date.UTC(2026, 10, 24, 23, 30);
    expect(periodKey('day', t)).toBe('2026-11-24');
    expect(periodKey('week', t)).toBe('2026-W48');
    expect(periodKey('month', t)).toBe('2026-11');
    expect(periodKey('week', Date.UTC(2027, 0, 1))).toBe('2026-W53');
    expect(periodKey('week', Date.UTC(2024, 11, 30))).toBe('2025-W01');
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const weightArb = fc.integer({ min: 1, max: 5 });

describe('balancing properties', () => {
  it('keeps max − min ≤ 1 for round_robin and equal-weight weighted and fair_share, after any number of leads', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Strategy>('round_robin', 'weighted', 'fair_share'),
        fc.integer({ min: 1, max: 10 }),
        weightArb,
        fc.integer({ min: 0, max: 300 }),
        (strategy, k, w, n) => {
          const members = membersOf(...new Array<number>(k).fill(w));
          const { picks } = simulate(strategy, members, all(k, n));
          for (let prefix = 1; prefix <= n; prefix++) {
            const c = counts(k, picks.slice(0, prefix));
            expect(Math.max(...c) - Math.min(...c)).toBeLessThanOrEqual(1);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  /** Largest amounts by which any member runs ahead of / trails its exact share n·w/W, over every prefix. */
  function weightedDeviation(weights: number[], n: number) {
    const members = membersOf(...weights);
    const total = weights.reduce((a, b) => a + b, 0);
    const { picks } = simulate('weighted', members, all(weights.length, n));
    const c = new Array<number>(weights.length).fill(0);
    let ahead = 0;
    let behind = 0;
    picks.forEach((i, step) => {
      c[i!]!++;
      weights.forEach((w, j) => {
        const d = c[j]! - ((step + 1) * w) / total;
        ahead = Math.max(ahead, d);
        behind = Math.max(behind, -d);
      });
    });
    return { ahead, behind };
  }

  it('keeps every weighted member within 1 of its exact share n·w/W in pools of up to five members', () => {
    // Exhaustive search over weights 1..5 finds the worst deviation at 0.94 (5 members); the
    // property below checks random pools over several full cycles.
    fc.assert(
      fc.property(
        fc.array(weightArb, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 3 }),
        (weights, cycles) => {
          const { ahead, behind } = weightedDeviation(
            weights,
            cycles * weights.reduce((a, b) => a + b, 0),
          );
          expect(ahead).toBeLessThan(1);
          expect(behind).toBeLessThan(1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never lets a weighted member run 1 − 1/k or more ahead of its exact share, whatever the pool size', () => {
    // Proof: the chosen member's current weight is the largest of k numbers summing to W, so at
    // least W/k; after subtracting W it is ≥ −W(1 − 1/k), and count − n·w/W = −current/W.
    fc.assert(
      fc.property(fc.array(weightArb, { minLength: 1, maxLength: 12 }), (weights) => {
        const { ahead } = weightedDeviation(
          weights,
          weights.reduce((a, b) => a + b, 0),
        );
        expect(ahead).toBeLessThanOrEqual(1 - 1 / weights.length + 1e-9);
      }),
      { numRuns: 300 },
    );
  });

  it('lets a weighted member trail its exact share by more than 1 from six members on, but by less than 1.5', () => {
    // SWRR's true bound is not 1: it picks the largest deficit, which is not the optimal
    // (Tijdeman) schedule. Weights 1,1,1,5,5,5 trail by 19/18; searches over weights 1..5 found
    // at most 1.33 in pools of up to 200 members. Smaller pools stay below 1.2.
    expect(weightedDeviation([1, 1, 1, 5, 5, 5], 18).behind).toBeCloseTo(19 / 18, 9);
    fc.assert(
      fc.property(fc.array(weightArb, { minLength: 6, maxLength: 12 }), (weights) => {
        const { behind } = weightedDeviation(
          weights,
          weights.reduce((a, b) => a + b, 0),
        );
        expect(behind).toBeLessThan(1.5);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every fair_share virtual share within one of its own steps of the lowest, with unequal weights', () => {
    fc.assert(
      fc.property(
        fc.array(weightArb, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 200 }),
        (weights, n) => {
          const { picks } = simulate('fair_share', membersOf(...weights), all(weights.length, n));
          const c = counts(weights.length, picks);
          const shares = c.map((x, i) => x / weights[i]!);
          const lowest = Math.min(...shares);
          shares.forEach((s, i) => expect(s - lowest).toBeLessThanOrEqual(1 / weights[i]! + 1e-9));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never chooses an ineligible member, for every strategy, and picks someone whenever anyone is eligible', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...STRATEGIES),
        fc.array(weightArb, { minLength: 1, maxLength: 8 }).chain((weights) =>
          fc.tuple(
            fc.constant(weights),
            fc.array(
              fc.array(fc.boolean(), { minLength: weights.length, maxLength: weights.length }),
              { maxLength: 60 },
            ),
            fc.array(fc.constantFrom('2026-W47', '2026-W48', '2026-W49'), {
              minLength: 60,
              maxLength: 60,
            }),
          ),
        ),
        (strategy, [weights, eligibility, periods]) => {
          const { results } = simulate(
            strategy,
            membersOf(...weights),
            eligibility,
            [...periods].sort(),
          );
          results.forEach((r, step) => {
            const eligible = eligibility[step]!;
            if (!eligible.includes(true)) expect(r).toBeNull();
            else expect(eligible[r!.index]).toBe(true);
          });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('is deterministic: the same inputs give the same picks, states and figures', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...STRATEGIES),
        fc
          .array(weightArb, { minLength: 1, maxLength: 6 })
          .chain((weights) =>
            fc.tuple(
              fc.constant(weights),
              fc.array(
                fc.array(fc.boolean(), { minLength: weights.length, maxLength: weights.length }),
                { maxLength: 40 },
              ),
            ),
          ),
        (strategy, [weights, eligibility]) => {
          const first = simulate(strategy, membersOf(...weights), eligibility);
          const second = simulate(strategy, membersOf(...weights), eligibility);
          expect(second.results).toEqual(first.results);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never mutates the state it is given, for every strategy', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...STRATEGIES),
        fc
          .array(weightArb, { minLength: 1, maxLength: 6 })
          .chain((weights) =>
            fc.tuple(
              fc.constant(weights),
              fc.array(
                fc.array(fc.boolean(), { minLength: weights.length, maxLength: weights.length }),
                { minLength: 1, maxLength: 30 },
              ),
            ),
          ),
        fc.constantFrom('2026-W48', '2026-W49'),
        (strategy, [weights, eligibility], period) => {
          const members = membersOf(...weights);
          let state = simulate(strategy, members, eligibility).state;
          for (const eligible of eligibility) {
            const snapshot = JSON.stringify(state);
            deepFreeze(state); // a write would throw in strict mode
            const r = pickMember({
              strategy,
              members,
              eligible,
              state,
              ownerState: NO_STATE,
              period,
            });
            expect(JSON.stringify(state)).toBe(snapshot);
            if (r) {
              expect(r.state).not.toBe(state);
              state = r.state;
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('interleaves a fair_share newcomer with a pack that holds 10 leads each instead of flooding them', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 2 }),
        (position, extra) => {
          // 10 leads each to A, B, C (plus up to two more), then D joins at `position` in member order.
          const pack = membersOf(1, 1, 1);
          const before = simulate('fair_share', pack, all(3, 30 + extra));
          const newcomer: Member = { ownerId: 'D', weight: 1 };
          const members = [...pack.slice(0, position), newcomer, ...pack.slice(position)];
          let state = before.state;
          const picks: number[] = [];
          for (let step = 0; step < 40; step++) {
            const r = pickMember({
              strategy: 'fair_share',
              members,
              eligible: [true, true, true, true],
              state,
              ownerState: NO_STATE,
              period: '2026-W48',
            })!;
            picks.push(r.index);
            state = r.state;
          }
          const next8 = picks.slice(0, 8);
          expect(longestRun(next8, position)).toBeLessThanOrEqual(2);
          expect(counts(4, next8)[position]).toBeGreaterThanOrEqual(1);
          expect(counts(4, next8)[position]).toBeLessThanOrEqual(3);
          expect(longestRun(picks, position)).toBeLessThanOrEqual(2);
          expect(Math.abs(counts(4, picks)[position]! - 10)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('gives a member back from an absence no make-up run, for round_robin, weighted and fair_share', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Strategy>('round_robin', 'weighted', 'fair_share'),
        fc
          .integer({ min: 2, max: 8 })
          .chain((k) => fc.tuple(fc.constant(k), fc.integer({ min: 0, max: k - 1 }))),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 1, max: 40 }),
        (strategy, [k, away], before, absent) => {
          const members = membersOf(...new Array<number>(k).fill(1));
          const eligibility = [
            ...all(k, before),
            ...Array.from({ length: absent }, () => members.map((_, i) => i !== away)),
            ...all(k, 3 * k),
          ];
          const { picks } = simulate(strategy, members, eligibility);
          const back = picks.slice(before + absent);
          const c = counts(k, back);
          if (strategy === 'fair_share') {
            // However long the absence, the fair scheduler owes a returning member at most the one
            // lead it may trail the pack by; with ties going to member order, its own turn can
            // follow at once (two in a row), and a window can catch one more turn at its edge.
            expect(longestRun(back, away)).toBeLessThanOrEqual(2);
            expect(c[away]).toBeLessThanOrEqual(3 + 2);
          } else if (strategy === 'weighted') {
            // SWRR keeps an absent member's current weight as it was (no credit piles up), so
            // one turn it was about to get may come on top of its rounds, but never back to back.
            expect(longestRun(back, away)).toBe(1);
            expect(c[away]).toBeLessThanOrEqual(3 + 1);
          } else {
            // Strict rotation: never two in a row, and exactly one turn per round of k leads.
            expect(longestRun(back, away)).toBe(1);
            expect(c[away]).toBe(3);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('lazy eligibility', () => {
  it('asks round robin and least loaded only about the members they reach, with the same choice', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Strategy>('round_robin', 'weighted', 'least_loaded', 'fair_share'),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 12, maxLength: 12 }),
        fc.integer({ min: -1, max: 11 }),
        (strategy, eligible, loads, cursor) => {
          const members = eligible.map((_, i) => ({ ownerId: `m${i}`, weight: 1 + (i % 3) }));
          const owners = new Map(
            members.map((m, i) => [
              m.ownerId,
              {
                open: loads[i]!,
                dayKey: '',
                dayCount: 0,
                weekKey: '',
                weekCount: 0,
                lastAssignedAt: null,
              },
            ]),
          );
          const asked: number[] = [];
          const probe = { has: (i: number) => (asked.push(i), eligible[i] === true) };
          const base = {
            strategy,
            members,
            state: { ...emptyPoolState(), cursor: Math.min(cursor, members.length - 1) },
            ownerState: owners,
            period: 'p',
          };
          const eager = pickMember({ ...base, eligible });
          const lazy = pickMember({ ...base, eligible: probe });
          expect(lazy?.index).toBe(eager?.index);
          if (lazy && (strategy === 'round_robin' || strategy === 'least_loaded')) {
            // Every member asked before the chosen one was ineligible.
            expect(asked.slice(0, -1).every((i) => eligible[i] !== true)).toBe(true);
            expect(asked.at(-1)).toBe(lazy.index);
          }
        },
      ),
    );
  });
});
