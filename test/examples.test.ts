/**
 * The demo in examples/ is the README's first impression: these tests keep its files readable by
 * the project's own parsers and its policy consistent with its owners. (The policy compiler has its
 * own tests; here the policy is walked as plain YAML so this file does not depend on it.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseAccounts } from '../src/formats/accounts.ts';
import { leadTimestamp, parseLeadMapping, parseLeads } from '../src/formats/leads.ts';
import { parseOwners } from '../src/formats/owners.ts';

const dir = join(import.meta.dirname, '..', 'examples');
const read = (file: string) => readFileSync(join(dir, file), 'utf8');

const owners = parseOwners(read('owners.yaml'), 'yaml');
const ownerIds = new Set(owners.map((o) => o.id));
const accounts = parseAccounts(read('accounts.csv'), 'csv');
const leads = parseLeads(read('leads.csv'), 'csv', parseLeadMapping(read('leads-mapping.yaml')));

interface PolicyYaml {
  default_queue?: string;
  queues?: Record<string, unknown>;
  territories?: Record<string, unknown>;
  pools?: Record<
    string,
    { strategy: string; members: Array<string | { owner: string }>; caps?: unknown }
  >;
  rules: Array<{
    id: string;
    assign: unknown;
    fallback?: unknown[];
    require?: unknown;
    when?: unknown;
  }>;
}
const policy = parseYaml(read('policy.yaml')) as PolicyYaml;
const targets = policy.rules.flatMap((r) => [r.assign, ...(r.fallback ?? [])]);
const targetIds = (kind: string) =>
  targets.flatMap((t) =>
    t && typeof t === 'object' && kind in t ? [(t as Record<string, string>)[kind]!] : [],
  );

describe('examples/owners.yaml', () => {
  it('holds the 35 agents of the CRM sample, in five teams', () => {
    expect(owners).toHaveLength(35);
    expect(new Set(owners.map((o) => o.team))).toEqual(
      new Set(['central', 'east', 'west', 'emea', 'apac']),
    );
  });

  it('gives EMEA and APAC owners in their own time zones, and one inactive owner', () => {
    const zones = new Set(owners.map((o) => o.timeZone));
    for (const zone of ['Europe/London', 'Europe/Berlin', 'Asia/Kolkata', 'Asia/Singapore'])
      expect(zones).toContain(zone);
    expect(owners.filter((o) => !o.active)).toHaveLength(1);
  });

  it('has everyone speak English, and Hindi speakers on the India desk', () => {
    expect(owners.every((o) => o.skills?.languages?.includes('en'))).toBe(true);
    expect(
      owners
        .filter((o) => o.skills?.languages?.includes('hi'))
        .every((o) => o.timeZone === 'Asia/Kolkata'),
    ).toBe(true);
  });
});

describe('examples/accounts.csv', () => {
  it('holds the 85 accounts, ten of them strategic, each owned by a known owner', () => {
    expect(accounts).toHaveLength(85);
    expect(accounts.filter((a) => a.strategic)).toHaveLength(10);
    expect(accounts.filter((a) => a.ownerId && !ownerIds.has(a.ownerId))).toEqual([]);
  });

  it('keeps sector, revenue, employees and office as attributes, numbers as numbers', () => {
    const acme = accounts.find((a) => a.name === 'Acme Corporation');
    expect(acme?.attributes).toMatchObject({
      sector: 'technolgy',
      revenue: 1100.04,
      employees: 2822,
      office_location: 'United States',
    });
  });
});

describe('examples/leads.csv', () => {
  it('holds the 9,240 X Education leads with unique ids, through the mapping', () => {
    expect(leads).toHaveLength(9240);
    expect(new Set(leads.map((l) => l.id)).size).toBe(9240);
    expect(leads[0]).toHaveProperty('source');
    expect(leads[0]).toHaveProperty('email');
  });

  it('is in time order, within the demo period of November 2026', () => {
    const times = leads.map((l) => leadTimestamp(l));
    expect(times.every((t) => t !== undefined)).toBe(true);
    expect(times.every((t, i) => i === 0 || t! >= times[i - 1]!)).toBe(true);
    expect(times[0]).toBeGreaterThanOrEqual(Date.parse('2026-11-01T00:00:00Z'));
    expect(times.at(-1)).toBeLessThan(Date.parse('2026-11-29T00:00:00Z'));
  });

  it('drops the "Select" placeholder of the original form', () => {
    expect(leads.some((l) => Object.values(l).includes('Select'))).toBe(false);
  });
});

describe('examples/policy.yaml', () => {
  it('names only owners that exist in owners.yaml, in pools and in rules', () => {
    const named = [
      ...Object.values(policy.pools ?? {}).flatMap((p) =>
        p.members.map((m) => (typeof m === 'string' ? m : m.owner)),
      ),
      ...targetIds('owner'),
    ];
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((id) => !ownerIds.has(id))).toEqual([]);
  });

  it('declares every pool and queue its rules use, and a default queue', () => {
    expect(targetIds('pool').filter((id) => !(id in (policy.pools ?? {})))).toEqual([]);
    expect(targetIds('queue').filter((id) => !(id in (policy.queues ?? {})))).toEqual([]);
    expect(policy.default_queue).toBe('triage');
  });

  it('uses every balancing strategy, and ends every fallback chain in a queue', () => {
    const strategies = new Set(Object.values(policy.pools ?? {}).map((p) => p.strategy));
    expect(strategies).toEqual(new Set(['round_robin', 'weighted', 'least_loaded', 'fair_share']));
    for (const rule of policy.rules) {
      const chain = [rule.assign, ...(rule.fallback ?? [])];
      const last = chain.at(-1);
      const parks = (rule as { availability?: string }).availability === 'park';
      expect({
        rule: rule.id,
        endsInQueue: parks || (typeof last === 'object' && last !== null && 'queue' in last),
      }).toEqual({
        rule: rule.id,
        endsInQueue: true,
      });
    }
  });
});
