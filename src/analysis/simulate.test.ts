import { describe, expect, it } from 'vitest';
import { compilePolicyOrThrow, type Lead, type Owner } from '../engine/index.ts';
import { simulateLeads } from './simulate.ts';

const owner = (id: string): Owner => ({ id, name: id, timeZone: 'UTC', active: true });
const directory = { owners: new Map(['ana', 'ben', 'cai'].map((id) => [id, owner(id)])) };
const NOW = Date.UTC(2026, 10, 23, 10);

function simulate(rules: unknown[], leads: Lead[], extra: Record<string, unknown> = {}) {
  const { policy } = compilePolicyOrThrow(
    {
      default_queue: 'triage',
      pools: { p: { strategy: 'round_robin', members: ['ana', 'ben', 'cai'] } },
      rules,
      ...extra,
    },
    { version: 't' },
  );
  const owners: Array<string | undefined> = [];
  const result = simulateLeads(policy, leads, {
    directory,
    defaultNow: NOW,
    timestampOf: () => undefined,
    onDecision: (_lead, decision) => owners.push(decision.ownerId),
  });
  return { result, owners };
}

describe('simulateLeads', () => {
  it('carries rotation from one lead to the next and counts the distribution', () => {
    const { result, owners } = simulate(
      [{ id: 'all', assign: { pool: 'p' } }],
      Array.from({ length: 7 }, () => ({})),
    );
    expect(owners).toEqual(['ana', 'ben', 'cai', 'ana', 'ben', 'cai', 'ana']);
    expect(result.byOutcome).toEqual({ assigned: 7, queued: 0, unroutable: 0 });
    expect(result.pools.p).toMatchObject({ min: 2, max: 3, total: 7 });
    expect(result.byRule.get('all')).toBe(7);
  });

  it('remembers earlier owners by email for a sticky rule', () => {
    const { owners } = simulate(
      [{ id: 'again', assign: 'sticky', fallback: [{ pool: 'p' }] }],
      [{ email: 'a@x.com' }, { email: 'b@x.com' }, { email: ' A@X.com ' }, { email: 'c@x.com' }],
    );
    expect(owners).toEqual(['ana', 'ben', 'ana', 'cai']);
  });

  it('applies reassignment triggers to later rows of the same lead and counts what they did', () => {
    const rules = [
      { id: 'de', when: { country: 'DE' }, assign: { owner: 'cai' } },
      { id: 'all', assign: { pool: 'p' } },
    ];
    const reassignOn = {
      reassign_on: { fields: ['country'], max_per_day: 2 },
      pools: { p: { strategy: 'round_robin', members: ['ana', 'ben'] } },
    };
    const { result, owners } = simulate(
      rules,
      [
        { id: 'l1', country: 'FR' }, // ana
        { id: 'l1', country: 'FR', company: 'x' }, // nothing watched changed
        { id: 'l1', country: 'ES' }, // same pool still accepts ana: kept
        { id: 'l1', country: 'DE' }, // to cai
        { id: 'l1', country: 'FR' }, // back to the pool: ben
        { id: 'l1', country: 'DE' }, // loop guard: overflow queue
        { id: 'l2', country: 'FR' },
      ],
      reassignOn,
    );
    expect(result.count).toBe(2);
    // The re-route to the pool took ben's turn: the next lead goes to ana.
    expect(owners).toEqual(['ana', 'ana']);
    expect(result.reassignment).toEqual({ changes: 5, reassigned: 2, kept: 1, overflowed: 1 });
    // Without reassign_on, a repeated id is simply another lead.
    expect(simulate(rules, [{ id: 'l1' }, { id: 'l1' }]).result).toMatchObject({ count: 2 });
    expect(simulate(rules, [{ id: 'l1' }]).result.reassignment).toBeUndefined();
  });
});
