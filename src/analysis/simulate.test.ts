import { describe, expect, it } from 'vitest';
import { compilePolicyOrThrow, type Lead, type Owner } from '../engine/index.ts';
import { simulateLeads } from './simulate.ts';

const owner = (id: string): Owner => ({ id, name: id, timeZone: 'UTC', active: true });
const directory = { owners: new Map(['ana', 'ben', 'cai'].map((id) => [id, owner(id)])) };
const NOW = Date.UTC(2026, 10, 23, 10);

function simulate(rules: unknown[], leads: Lead[]) {
  const { policy } = compilePolicyOrThrow(
    {
      default_queue: 'triage',
      pools: { p: { strategy: 'round_robin', members: ['ana', 'ben', 'cai'] } },
      rules,
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
});
