import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePolicyOrThrow } from '../compile.ts';
import { routeLead } from '../route.ts';
import type { Directory, Owner, OwnerState, PoolState } from '../types.ts';
import { applyStateChanges, ChangeMap, OwnerStateMap } from './state-maps.ts';

const IDS = ['a', 'b', 'c', 'd', 'e', 'f'];

const ownerStateArb: fc.Arbitrary<OwnerState> = fc.record({
  open: fc.nat(20),
  dayKey: fc.constantFrom('2026-11-23', '2026-11-24'),
  dayCount: fc.nat(20),
  weekKey: fc.constantFrom('2026-W48', '2026-W49'),
  weekCount: fc.nat(50),
  lastAssignedAt: fc.option(fc.nat(), { nil: null }),
});

type Op =
  { op: 'set'; id: string; value: OwnerState } | { op: 'delete'; id: string } | { op: 'clear' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      op: fc.constant('set' as const),
      id: fc.constantFrom(...IDS),
      value: ownerStateArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('delete' as const), id: fc.constantFrom(...IDS) }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
);

describe('OwnerStateMap', () => {
  it('reads by slot exactly what a plain Map reads by id, through sets, deletes and clears', () => {
    fc.assert(
      fc.property(
        fc.array(
          ownerStateArb.map((s) => s),
          { maxLength: 3 },
        ),
        fc.array(opArb, { maxLength: 60 }),
        fc.shuffledSubarray(IDS, { minLength: 1 }),
        (initial, ops, poolIds) => {
          const entries = initial.map((s, i) => [IDS[i]!, s] as const);
          const slotted = new OwnerStateMap(entries);
          const plain = new Map<string, OwnerState>(entries);
          // Slots taken before, between and after the writes must all keep reading right.
          const early = slotted.slotsOf(poolIds);
          const check = () => {
            const slots = slotted.slotsOf(poolIds);
            expect(slots).toBe(early);
            poolIds.forEach((id, i) => expect(slotted.at(slots[i]!)).toEqual(plain.get(id)));
            expect([...slotted]).toEqual([...plain]);
            expect(slotted.size).toBe(plain.size);
          };
          check();
          for (const o of ops) {
            if (o.op === 'set') {
              slotted.set(o.id, o.value);
              plain.set(o.id, o.value);
            } else if (o.op === 'delete') {
              expect(slotted.delete(o.id)).toBe(plain.delete(o.id));
            } else {
              slotted.clear();
              plain.clear();
            }
            check();
          }
        },
      ),
    );
  });

  it('keeps the values it was given untouched and returns them by id', () => {
    const first: OwnerState = {
      open: 1,
      dayKey: '2026-11-24',
      dayCount: 1,
      weekKey: '2026-W48',
      weekCount: 1,
      lastAssignedAt: 5,
    };
    const map = new OwnerStateMap([['a', first]]);
    map.set('a', { ...first, open: 2 });
    expect(first.open).toBe(1);
    expect(map.get('a')?.open).toBe(2);
  });

  it('routes exactly as a plain Map state does, lead after lead, with caps and every strategy', () => {
    const owners: Owner[] = IDS.map((id, i) => ({
      id,
      name: id,
      timeZone: i % 2 ? 'Europe/Berlin' : 'America/New_York',
      active: true,
      caps: i % 3 === 0 ? { maxPerDay: 3, maxOpen: 5 } : undefined,
    }));
    const directory: Directory = { owners: new Map(owners.map((o) => [o.id, o])) };
    const pool = (strategy: string, members: string[]) => ({
      strategy,
      members: members.map((owner, k) => ({ owner, weight: 1 + (k % 3) })),
      caps: { max_per_day: 4 },
    });
    const { policy } = compilePolicyOrThrow(
      {
        default_queue: 'triage',
        queues: { triage: {} },
        pools: {
          rr: pool('round_robin', ['a', 'b', 'c', 'd']),
          w: pool('weighted', ['b', 'c', 'd', 'e']),
          ll: pool('least_loaded', ['c', 'd', 'e', 'f']),
          fs: pool('fair_share', ['a', 'd', 'e', 'f']),
        },
        rules: [
          { id: 'rr', when: { source: 'rr' }, assign: { pool: 'rr' }, fallback: [{ pool: 'll' }] },
          { id: 'w', when: { source: 'w' }, assign: { pool: 'w' }, fallback: [{ pool: 'fs' }] },
          { id: 'll', when: { source: 'll' }, assign: { pool: 'll' } },
          { id: 'direct', when: { source: 'direct' }, assign: { owner: 'd' } },
          { id: 'fs', assign: { pool: 'fs' } },
        ],
      },
      { version: 'v1' },
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            source: fc.constantFrom('rr', 'w', 'll', 'direct', 'fs'),
            gapMinutes: fc.nat(600),
            explain: fc.boolean(),
          }),
          { minLength: 1, maxLength: 80 },
        ),
        (leads) => {
          const slotted = { pools: new Map<string, PoolState>(), owners: new OwnerStateMap() };
          const plain = {
            pools: new Map<string, PoolState>(),
            owners: new Map<string, OwnerState>(),
          };
          let now = Date.UTC(2026, 10, 23, 8, 0);
          leads.forEach((l, i) => {
            now += l.gapMinutes * 60_000;
            const lead = { id: `l${i}`, source: l.source };
            const a = routeLead(policy, lead, {
              directory,
              state: slotted,
              now,
              explain: l.explain,
            });
            const b = routeLead(policy, lead, { directory, state: plain, now, explain: l.explain });
            expect(a).toEqual(b);
            applyStateChanges(slotted, a.changes);
            applyStateChanges(plain, b.changes);
          });
        },
      ),
    );
  });
});

describe('ChangeMap', () => {
  it('reads like a Map holding the same writes, in the same order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...IDS), fc.integer()), { maxLength: 12 }),
        (writes) => {
          const changes = new ChangeMap<number>();
          const map = new Map<string, number>();
          for (const [key, value] of writes) {
            expect(changes.set(key, value)).toBe(changes);
            map.set(key, value);
          }
          expect(changes.size).toBe(map.size);
          for (const id of IDS) {
            expect(changes.get(id)).toBe(map.get(id));
            expect(changes.has(id)).toBe(map.has(id));
          }
          expect([...changes]).toEqual([...map]);
          expect([...changes.keys()]).toEqual([...map.keys()]);
          expect([...changes.values()]).toEqual([...map.values()]);
          expect([...changes.entries()]).toEqual([...map.entries()]);
          const seen: unknown[] = [];
          const self = {};
          changes.forEach(function (this: unknown, value, key, whole) {
            seen.push([key, value, this === self, whole === changes]);
          }, self);
          expect(seen).toEqual([...map].map(([k, v]) => [k, v, true, true]));
          expect(new Map(changes)).toEqual(map);
        },
      ),
    );
  });
});
