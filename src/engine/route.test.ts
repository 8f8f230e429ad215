import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildAccountIndex } from './accounts/index.ts';
import { compilePolicy, compilePolicyOrThrow } from './compile.ts';
import { routeLead } from './route.ts';
import { applyStateChanges, createRoutingState } from './routing-state/index.ts';
import type { Account, Directory, Lead, Owner } from './types.ts';

const MON_10_UTC = Date.UTC(2026, 10, 23, 10, 0); // Monday 23 Nov 2026, 10:00 UTC
const nineToFive = {
  mon: [['09:00', '17:00']],
  tue: [['09:00', '17:00']],
  wed: [['09:00', '17:00']],
  thu: [['09:00', '17:00']],
  fri: [['09:00', '17:00']],
} as const;

function owner(id: string, extra: Partial<Owner> = {}): Owner {
  return { id, name: id.toUpperCase(), timeZone: 'UTC', active: true, ...extra };
}
function directoryOf(...owners: Owner[]): Directory {
  return { owners: new Map(owners.map((o) => [o.id, o])) };
}

const accounts: Account[] = [
  {
    id: 'acme',
    name: 'Acme Corporation',
    domains: ['acme.com'],
    ownerId: 'olga',
    strategic: true,
    tier: 'strategic',
  },
  { id: 'globex', name: 'Globex', domains: ['globex.io'], ownerId: 'gus', tier: 'smb' },
];

const basePolicy = {
  default_queue: 'triage',
  queues: { triage: { name: 'Triage' }, compliance: {} },
  territories: { dach: { countries: ['Germany', 'Austria', 'Switzerland'] } },
  pools: {
    emea: { strategy: 'round_robin', members: ['ana', 'ben', 'cai'] },
    hindi: {
      strategy: 'round_robin',
      members: ['ana', { owner: 'dev', skills: { languages: ['hi'] } }],
    },
  },
  rules: [
    { id: 'blocked-source', when: { source: 'sanctioned-list' }, assign: { queue: 'compliance' } },
    {
      id: 'strategic',
      when: { 'account.strategic': true },
      assign: 'account_owner',
      availability: 'any_active',
      fallback: [{ pool: 'emea' }],
    },
    {
      id: 'hindi',
      when: { language: 'hi' },
      assign: { pool: 'hindi' },
      require: { languages: true },
    },
    {
      id: 'dach',
      when: { territory: 'dach' },
      assign: { pool: 'emea' },
      fallback: [{ owner: 'zed' }],
    },
    { id: 'web-germany', when: { country: ['Germany'], source: 'web' }, assign: { owner: 'zed' } },
  ],
};

function route(
  lead: Lead,
  dir: Directory,
  opts: { now?: number; policy?: unknown; state?: ReturnType<typeof createRoutingState> } = {},
) {
  const { policy } = compilePolicyOrThrow(opts.policy ?? basePolicy, { version: 'v1' });
  return routeLead(policy, lead, {
    directory: dir,
    accounts: buildAccountIndex(accounts),
    state: opts.state ?? createRoutingState(),
    now: opts.now ?? MON_10_UTC,
    explain: true,
  });
}

const team = directoryOf(
  owner('ana', { skills: { languages: ['en'] } }),
  owner('ben'),
  owner('cai'),
  owner('dev'),
  owner('olga'),
  owner('gus'),
  owner('zed'),
);

describe('routeLead', () => {
  it('sends a strategic account lead to the account owner, matched by email domain', () => {
    const { decision } = route({ email: 'jo@acme.com', country: 'US' }, team);
    expect(decision).toMatchObject({
      outcome: 'assigned',
      ownerId: 'olga',
      ruleId: 'strategic',
      accountId: 'acme',
      fallbackStep: 0,
    });
    expect(decision.explanation?.account).toMatchObject({
      accountId: 'acme',
      method: 'email_domain',
      score: 1,
    });
    expect(decision.explanation?.summary).toContain('Assigned to olga');
  });

  it('falls back to the pool when the strategic account owner is out of office, and says until when', () => {
    const until = Date.UTC(2026, 10, 23, 14, 0);
    const dir = directoryOf(
      ...[...team.owners.values()].map((o) =>
        o.id === 'olga' ? { ...o, outOfOffice: [{ from: MON_10_UTC - 3_600_000, until }] } : o,
      ),
    );
    const { decision } = route({ email: 'jo@acme.com' }, dir);
    expect(decision).toMatchObject({
      outcome: 'assigned',
      ownerId: 'ana',
      poolId: 'emea',
      fallbackStep: 1,
    });
    const primary = decision.explanation?.attempts[0];
    expect(primary?.result).toBe('no_candidate');
    expect(primary?.candidates?.[0]).toMatchObject({
      ownerId: 'olga',
      status: 'out_of_office',
      until,
    });
  });

  it('names the first failing clause of every rule that did not match', () => {
    const { decision } = route(
      { email: 'x@gmail.com', country: 'Deutschland', source: 'web' },
      team,
    );
    const rules = decision.explanation!.rules;
    expect(rules.map((r) => r.matched)).toEqual([false, false, false, true]);
    expect(rules[0]!.failedClause).toMatch(/source/);
    expect(rules[2]!.failedClause).toMatch(/language/);
    expect(decision.explanation?.derived).toMatchObject({
      country: 'DE',
      territory: ['dach'],
      region: ['EMEA'],
    });
  });

  it('rotates a round-robin pool in member order, skipping whoever is out of office without a make-up turn', () => {
    const dir = directoryOf(
      ...[...team.owners.values()].map((o) => (o.id === 'ben' ? { ...o, active: false } : o)),
    );
    const state = createRoutingState();
    const got: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { decision, changes } = route({ country: 'AT' }, dir, { state });
      applyStateChanges(state, changes);
      got.push(decision.ownerId!);
    }
    expect(got).toEqual(['ana', 'cai', 'ana', 'cai']);
  });

  it('lists every pool candidate with its status and the strategy figures', () => {
    const dir = directoryOf(
      ...[...team.owners.values()].map((o) => (o.id === 'ana' ? { ...o, paused: true } : o)),
    );
    const { decision } = route({ country: 'CH' }, dir);
    const attempt = decision.explanation!.attempts[0]!;
    expect(attempt).toMatchObject({ result: 'assigned', poolId: 'emea', strategy: 'round_robin' });
    expect(attempt.candidates?.map((c) => [c.ownerId, c.status])).toEqual([
      ['ana', 'paused'],
      ['ben', 'chosen'],
      ['cai', 'eligible'],
    ]);
    expect(attempt.figures).toBeDefined();
  });

  it("requires the lead's language among the owner's languages (owner or pool skills)", () => {
    const { decision } = route({ language: 'hi' }, team);
    expect(decision).toMatchObject({ outcome: 'assigned', ownerId: 'dev' });
    const ana = decision.explanation!.attempts[0]!.candidates!.find((c) => c.ownerId === 'ana');
    expect(ana).toMatchObject({ status: 'missing_skill' });
  });

  it('skips an owner at the daily cap', () => {
    const dir = directoryOf(owner('zed', { caps: { maxPerDay: 1 } }));
    const policy = { default_queue: 'triage', rules: [{ id: 'all', assign: { owner: 'zed' } }] };
    const state = createRoutingState();
    const first = route({}, dir, { policy, state });
    applyStateChanges(state, first.changes);
    const second = route({}, dir, { policy, state });
    expect(first.decision.outcome).toBe('assigned');
    expect(second.decision).toMatchObject({ outcome: 'queued', queueId: 'triage' });
    expect(second.decision.explanation!.attempts[0]!.candidates![0]!.status).toBe('at_cap_day');
  });

  it('sends a lead no rule matches to the default queue, and says so', () => {
    const { decision } = route({ country: 'BR' }, team);
    expect(decision).toMatchObject({ outcome: 'queued', queueId: 'triage' });
    expect(decision.reason).toMatch(/no rule matched/);
  });

  it('is unroutable, with the reason, only when the policy has no default queue', () => {
    const policy = { rules: [{ id: 'de', when: { country: 'DE' }, assign: { owner: 'zed' } }] };
    const { decision } = route({ country: 'FR' }, team, { policy });
    expect(decision.outcome).toBe('unroutable');
    expect(decision.reason).toMatch(/no default queue/);
  });

  it('parks a lead for the first owner to come online when the rule says park', () => {
    const dir = directoryOf(
      owner('night', { timeZone: 'America/New_York', workingHours: { days: nineToFive } }),
    );
    const policy = {
      default_queue: 'triage',
      rules: [{ id: 'us', assign: { owner: 'night' }, availability: 'park' }],
    };
    // 10:00 UTC is 05:00 in New York: she starts at 09:00 local = 14:00 UTC.
    const { decision } = route({}, dir, { policy });
    expect(decision).toMatchObject({
      outcome: 'queued',
      queueId: 'triage',
      retryAt: Date.UTC(2026, 10, 23, 14, 0),
    });
  });

  it('ignores working hours for an any_active rule but not absences', () => {
    const dir = directoryOf(
      owner('night', { timeZone: 'America/New_York', workingHours: { days: nineToFive } }),
    );
    const policy = {
      default_queue: 'triage',
      rules: [{ id: 'us', assign: { owner: 'night' }, availability: 'any_active' }],
    };
    expect(route({}, dir, { policy }).decision.ownerId).toBe('night');
  });

  it('keeps a returning email with its earlier owner (sticky)', () => {
    const policy = {
      default_queue: 'triage',
      pools: { p: { strategy: 'round_robin', members: ['ana', 'ben'] } },
      rules: [{ id: 'r', assign: 'sticky', fallback: [{ pool: 'p' }] }],
    };
    const state = createRoutingState();
    state.ownerByEmail.set('jo@example.com', 'ben');
    expect(route({ email: ' Jo@Example.com ' }, team, { policy, state }).decision).toMatchObject({
      ownerId: 'ben',
      fallbackStep: 0,
    });
    expect(route({ email: 'new@example.com' }, team, { policy, state }).decision).toMatchObject({
      ownerId: 'ana',
      fallbackStep: 1,
    });
  });

  it('is deterministic and never mutates the state it is given', () => {
    const state = createRoutingState();
    const snapshot = JSON.stringify([...state.pools, ...state.owners]);
    const a = route({ country: 'DE', email: 'a@globex.io' }, team, { state });
    const b = route({ country: 'DE', email: 'a@globex.io' }, team, { state });
    expect(a).toEqual(b);
    expect(JSON.stringify([...state.pools, ...state.owners])).toBe(snapshot);
  });
});

describe('compilePolicy', () => {
  const errorsOf = (doc: unknown) =>
    compilePolicy(doc, { version: 'x' }).issues.filter((i) => i.severity === 'error');
  const warningsOf = (doc: unknown) =>
    compilePolicy(doc, { version: 'x' }).issues.filter((i) => i.severity === 'warning');

  it('names the path of an unknown pool, queue and country', () => {
    const errors = errorsOf({
      default_queue: 'triage',
      rules: [
        {
          id: 'a',
          when: { country: ['Narnia'] },
          assign: { pool: 'nope' },
          fallback: [{ queue: 'missing' }],
        },
      ],
    });
    expect(errors.map((e) => e.path)).toEqual(
      expect.arrayContaining([
        'rules[0].assign.pool',
        'rules[0].fallback[0].queue',
        'rules[0].when.country[0]',
      ]),
    );
    expect(errors.find((e) => e.path === 'rules[0].assign.pool')!.message).toMatch(
      /unknown pool "nope"/,
    );
  });

  it('rejects an unknown strategy with the allowed ones', () => {
    const errors = errorsOf({
      pools: { p: { strategy: 'random', members: [] } },
      rules: [{ id: 'a', assign: { pool: 'p' } }],
    });
    expect(errors[0]).toMatchObject({ path: 'pools.p.strategy' });
    expect(errors[0]!.message).toMatch(/round_robin, weighted, least_loaded, fair_share/);
  });

  it('rejects duplicate rule ids', () => {
    const errors = errorsOf({
      rules: [
        { id: 'a', assign: { owner: 'x' } },
        { id: 'a', assign: { owner: 'y' } },
      ],
    });
    expect(errors[0]).toMatchObject({ path: 'rules[1].id' });
  });

  it('warns about a rule shadowed by an earlier catch-all and a missing default queue', () => {
    const warnings = warningsOf({
      rules: [
        { id: 'all', assign: { owner: 'x' } },
        { id: 'later', when: { country: 'US' }, assign: { owner: 'y' } },
      ],
    });
    expect(warnings.map((w) => w.path)).toEqual(
      expect.arrayContaining(['rules[1]', 'default_queue']),
    );
  });
});

describe('the rule index', () => {
  const countries = ['US', 'DE', 'FR', 'IN', 'BR', 'JP', 'GB', 'ES'];
  const sources = ['web', 'event', 'partner'];
  const rules = [
    {
      id: 'strategic',
      when: { 'account.strategic': true },
      assign: 'account_owner',
      fallback: [{ pool: 'p' }],
    },
    ...countries.flatMap((c, i) => [
      {
        id: `${c}-web`,
        when: { country: [c, countries[(i + 1) % countries.length]!], source: 'web' },
        assign: { owner: 'ana' },
      },
      {
        id: `${c}-big`,
        when: { all: [{ country: c }, { employees: { gte: 500 } }] },
        assign: { owner: 'ben' },
      },
    ]),
    { id: 'partners', when: { source: 'partner' }, assign: { pool: 'p' } },
    // Disjunctions, negations, list-valued and numeric fields: terms the index must not lose.
    ...countries.slice(0, 4).map((c, i) => ({
      id: `${c}-either`,
      when: {
        any: [{ country: c }, { source: sources[i % 3], product: ['core', 'Mobile'] }],
        employees: { gte: 100 * i },
      },
      assign: { owner: 'cai' },
    })),
    {
      id: 'not-web',
      when: { not: { source: 'web' }, region: 'EMEA', product: 'core' },
      assign: { owner: 'ben' },
    },
    { id: 'rest', assign: { pool: 'p' } },
  ];
  const policyDoc = {
    default_queue: 'triage',
    pools: { p: { strategy: 'round_robin', members: ['ana', 'ben', 'cai'] } },
    rules,
  };

  it('is built over the fields that enough rules require values of', () => {
    const { policy } = compilePolicyOrThrow(policyDoc, { version: 'v' });
    expect(policy.ruleIndex?.fields.map((f) => f.field)).toEqual(['country', 'source']);
  });

  it('picks the same rule as evaluating every rule in order, for any lead', () => {
    const { policy } = compilePolicyOrThrow(policyDoc, { version: 'v' });
    const index = buildAccountIndex(accounts);
    fc.assert(
      fc.property(
        fc.record({
          country: fc.oneof(
            fc.constantFrom(...countries, 'Deutschland', ' us ', 'xx', 'İN'),
            fc.constant(undefined),
            fc.integer(),
          ),
          source: fc.constantFrom(...sources, 'WEB', ' Partner ', 'other'),
          product: fc.option(fc.constantFrom('core', 'mobile', 'CORE', 'other', ['core', 'x']), {
            nil: undefined,
          }),
          employees: fc.integer({ min: 0, max: 1000 }),
          email: fc.constantFrom('a@acme.com', 'b@gmail.com'),
        }),
        (lead) => {
          const input = {
            directory: team,
            accounts: index,
            state: createRoutingState(),
            now: MON_10_UTC,
          };
          const fast = routeLead(policy, lead as Lead, input).decision;
          const full = routeLead(policy, lead as Lead, { ...input, explain: true }).decision;
          expect(fast.ruleId).toBe(full.ruleId);
          expect(fast.ownerId).toBe(full.ownerId);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
