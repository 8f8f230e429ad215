/**
 * Access control wired into the app: every change appends exactly one audit entry naming the actor,
 * the action, the target and before/after, in the change's transaction; the scopes of managers and
 * intake credentials; tokens, users, settings, approvals and rollback over HTTP; rate limits and
 * slowed logins through the real app.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/api/app.ts';
import {
  authenticateByDefault,
  BASIC_POLICY,
  createTestContext,
  json,
  seed,
  type TestContext,
} from './service-harness.ts';

let t: TestContext;
let ops: string;
let manager: string;
let intake: string;
let viewer: string;

beforeAll(async () => {
  t = await createTestContext();
  await seed(t.app);
  ops = await t.tokenFor('ops');
  manager = await t.tokenFor('manager', 'central');
  intake = await t.tokenFor('intake');
  viewer = await t.tokenFor('viewer');
  for (const [id, team] of [
    ['cen', 'central'],
    ['wes', 'west'],
  ]) {
    const r = await t.app.inject({
      method: 'POST',
      url: '/v1/owners',
      payload: { id, name: id, time_zone: 'UTC', team },
    });
    expect(r.statusCode).toBe(201);
  }
});
afterAll(() => t.close());

const as = (token: string) => ({ authorization: `Bearer ${token}` });

async function auditOf(query: string) {
  return json(await t.app.inject({ method: 'GET', url: `/v1/audit?${query}` })).items as Array<{
    action: string;
    actor: { kind: string; name: string; role: string };
    target: { type: string; id: string | null };
    payload: { before?: Record<string, unknown>; after?: Record<string, unknown> };
    request_id: string;
  }>;
}

describe('the audit of changes', () => {
  it('writes one entry per change naming actor, action, target, before and after', async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/v1/owners/cen/pause',
      headers: { ...as(ops), 'x-request-id': 'pause-cen-1' },
      payload: {},
    });
    expect(r.statusCode).toBe(200);
    const entries = await auditOf('target_type=owner&target_id=cen&action=owner.pause');
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry!.actor).toMatchObject({ kind: 'token', name: 'test ops', role: 'ops' });
    expect(entry!.request_id).toBe('pause-cen-1');
    expect(entry!.payload.before).toMatchObject({ id: 'cen', paused: false });
    expect(entry!.payload.after).toMatchObject({ id: 'cen', paused: true });
  });

  it('writes no entry for a change that fails', async () => {
    const before = (await auditOf('action=owner.*&limit=1000')).length;
    const duplicate = await t.app.inject({
      method: 'POST',
      url: '/v1/owners',
      payload: { id: 'cen', name: 'again', time_zone: 'UTC' },
    });
    expect(duplicate.statusCode).toBe(409);
    const invalid = await t.app.inject({
      method: 'PATCH',
      url: '/v1/owners/cen',
      payload: { time_zone: 'Mars/Olympus' },
    });
    expect(invalid.statusCode).toBe(400);
    expect((await auditOf('action=owner.*&limit=1000')).length).toBe(before);
  });

  it('records each kind of change once: accounts, policies, settings, tokens, users, leads', async () => {
    const steps: Array<[string, () => Promise<{ statusCode: number }>]> = [
      [
        'account.create',
        () =>
          t.app.inject({
            method: 'POST',
            url: '/v1/accounts',
            payload: { id: 'acme', name: 'Acme', domains: ['acme.example'] },
          }),
      ],
      [
        'account.update',
        () =>
          t.app.inject({ method: 'PATCH', url: '/v1/accounts/acme', payload: { tier: 'gold' } }),
      ],
      [
        'policy.draft',
        () =>
          t.app.inject({ method: 'POST', url: '/v1/policies', payload: { source: BASIC_POLICY } }),
      ],
      [
        'token.create',
        () =>
          t.app.inject({
            method: 'POST',
            url: '/v1/tokens',
            payload: { name: 'crm', role: 'intake' },
          }),
      ],
      [
        'user.create',
        () =>
          t.app.inject({
            method: 'POST',
            url: '/v1/users',
            payload: { username: 'olga', role: 'ops', password: 'a long enough secret' },
          }),
      ],
      [
        'setting.update',
        () =>
          t.app.inject({
            method: 'PATCH',
            url: '/v1/settings',
            payload: { 'policies.required_approvals': 0 },
          }),
      ],
    ];
    for (const [action, step] of steps) {
      const before = (await auditOf(`action=${action}&limit=1000`)).length;
      const r = await step();
      expect(r.statusCode, action).toBeLessThan(300);
      expect((await auditOf(`action=${action}&limit=1000`)).length, action).toBe(before + 1);
    }
    const lead = json(
      await t.app.inject({ method: 'POST', url: '/v1/leads', payload: { country: 'US' } }),
    );
    const assigned = await t.app.inject({
      method: 'POST',
      url: `/v1/leads/${lead.id}/assign`,
      payload: { owner_id: 'ben', reason: 'asked for ben' },
    });
    expect(assigned.statusCode).toBe(200);
    const [entry] = await auditOf(`action=lead.assign&target_id=${lead.id}`);
    expect(entry!.payload.after).toMatchObject({ owner_id: 'ben' });
  });
});

describe('scopes', () => {
  it("lets a manager change availability of its own team's owners only", async () => {
    const own = await t.app.inject({
      method: 'POST',
      url: '/v1/owners/cen/resume',
      headers: as(manager),
    });
    expect(own.statusCode).toBe(200);
    const other = await t.app.inject({
      method: 'POST',
      url: '/v1/owners/wes/pause',
      headers: as(manager),
      payload: {},
    });
    expect(other.statusCode).toBe(403);
    expect(json(other).error.message).toContain('central');
    const caps = await t.app.inject({
      method: 'PATCH',
      url: '/v1/owners/cen',
      headers: as(manager),
      payload: { caps: { max_open: 3 } },
    });
    expect(caps.statusCode).toBe(403);
    expect(json(caps).error.message).toContain('owners:write');
  });

  it('lets an intake credential read only the leads it created', async () => {
    const mine = json(
      await t.app.inject({
        method: 'POST',
        url: '/v1/leads',
        headers: as(intake),
        payload: { country: 'US' },
      }),
    );
    const theirs = json(
      await t.app.inject({ method: 'POST', url: '/v1/leads', payload: { country: 'US' } }),
    );
    const get = (id: string) =>
      t.app.inject({ method: 'GET', url: `/v1/leads/${id}`, headers: as(intake) });
    expect((await get(mine.id)).statusCode).toBe(200);
    expect((await get(theirs.id)).statusCode).toBe(404);
    const list = json(
      await t.app.inject({ method: 'GET', url: '/v1/leads?limit=500', headers: as(intake) }),
    );
    expect(list.items.map((l: { id: string }) => l.id)).toEqual([mine.id]);
  });
});

describe('tokens over HTTP', () => {
  it('shows a secret once, lists without it, and a revoked token is refused at once', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      payload: { name: 'script', role: 'viewer' },
    });
    expect(created.statusCode).toBe(201);
    const { token, secret } = json(created);
    expect(secret).toMatch(/^lr_live_/);
    const list = await t.app.inject({ method: 'GET', url: '/v1/tokens' });
    expect(list.body).not.toContain(secret);
    const ok = await t.app.inject({ method: 'GET', url: '/v1/owners', headers: as(secret) });
    expect(ok.statusCode).toBe(200);
    const revoked = await t.app.inject({ method: 'DELETE', url: `/v1/tokens/${token.id}` });
    expect(revoked.statusCode).toBe(200);
    const refused = await t.app.inject({ method: 'GET', url: '/v1/owners', headers: as(secret) });
    expect(refused.statusCode).toBe(401);
    expect(json(refused).error.message).toContain('revoked');
  });

  it('refuses a viewer creating a token, naming the permission', async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: as(viewer),
      payload: { name: 'x', role: 'admin' },
    });
    expect(r.statusCode).toBe(403);
    expect(json(r).error.message).toContain('tokens:manage');
  });
});

describe('policy governance', () => {
  async function draft(note: string): Promise<string> {
    const r = await t.app.inject({
      method: 'POST',
      url: '/v1/policies',
      payload: { source: BASIC_POLICY.replace('test policy', note) },
    });
    return json(r).id;
  }

  it('needs approvals by others before publishing; an edit revokes them', async () => {
    const set = await t.app.inject({
      method: 'PATCH',
      url: '/v1/settings',
      payload: { 'policies.required_approvals': 1 },
    });
    expect(set.statusCode).toBe(200);
    try {
      const id = await draft('governed');
      const early = await t.app.inject({
        method: 'POST',
        url: `/v1/policies/${id}/publish`,
        payload: {},
      });
      expect(early.statusCode).toBe(409);
      expect(json(early).error.message).toContain('1 missing');
      // The publisher's own approval does not count.
      await t.app.inject({ method: 'POST', url: `/v1/policies/${id}/approve` });
      expect(
        (await t.app.inject({ method: 'POST', url: `/v1/policies/${id}/publish`, payload: {} }))
          .statusCode,
      ).toBe(409);
      const approved = await t.app.inject({
        method: 'POST',
        url: `/v1/policies/${id}/approve`,
        headers: as(ops),
        payload: { comment: 'looks right' },
      });
      expect(json(approved)).toMatchObject({ approvals: 2, required: 1 });
      const edit = await t.app.inject({
        method: 'PATCH',
        url: `/v1/policies/${id}`,
        payload: { note: 'changed' },
      });
      expect(edit.statusCode).toBe(200);
      expect(
        (await t.app.inject({ method: 'POST', url: `/v1/policies/${id}/publish`, payload: {} }))
          .statusCode,
      ).toBe(409);
      await t.app.inject({ method: 'POST', url: `/v1/policies/${id}/approve`, headers: as(ops) });
      const published = await t.app.inject({
        method: 'POST',
        url: `/v1/policies/${id}/publish`,
        payload: {},
      });
      expect(published.statusCode, published.body).toBe(200);
      expect(await auditOf(`action=policy.approve&target_id=${id}`)).toHaveLength(3);
    } finally {
      await t.app.inject({
        method: 'PATCH',
        url: '/v1/settings',
        payload: { 'policies.required_approvals': 0 },
      });
    }
  });

  it('rolls back by publishing a copy of an earlier version; 404 for one that does not exist', async () => {
    const first = json(
      await t.app.inject({ method: 'GET', url: '/v1/policies?status=published&limit=500' }),
    ).items.at(-1).id as string;
    const r = await t.app.inject({ method: 'POST', url: `/v1/policies/${first}/rollback` });
    expect(r.statusCode, r.body).toBe(200);
    const copy = json(r);
    expect(copy.id).not.toBe(first);
    expect(copy.based_on).toBe(first);
    const active = json(await t.app.inject({ method: 'GET', url: '/v1/policies/active' }));
    expect(active.id).toBe(copy.id);
    expect(await auditOf(`action=policy.rollback&target_id=${copy.id}`)).toHaveLength(1);
    const missing = await t.app.inject({ method: 'POST', url: '/v1/policies/424242/rollback' });
    expect(missing.statusCode).toBe(404);
  });
});

describe('the audit log over HTTP', () => {
  it('exports CSV and JSON Lines and verifies the chain', async () => {
    const csv = await t.app.inject({ method: 'GET', url: '/v1/audit?format=csv' });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')[0]).toMatch(/^seq,at,actor_kind/);
    const jsonl = await t.app.inject({
      method: 'GET',
      url: '/v1/audit?format=jsonl&action=owner.*',
    });
    const lines = jsonl.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.every((l: { action: string }) => l.action.startsWith('owner.'))).toBe(true);
    const verify = json(await t.app.inject({ method: 'GET', url: '/v1/audit/verify' }));
    expect(verify).toMatchObject({ ok: true, first_broken: null });
  });
});

describe('rate limits and logins, through the real app', () => {
  it('answers 429 with Retry-After once a credential spends its requests', async () => {
    const app = await buildApp(t.services, { logger: 'silent', rateLimits: { token: 3 } });
    authenticateByDefault(app, viewer);
    try {
      const codes = [];
      for (let i = 0; i < 4; i++)
        codes.push((await app.inject({ method: 'GET', url: '/v1/owners' })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429]);
      const limited = await app.inject({ method: 'GET', url: '/v1/owners' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(json(limited).error.code).toBe('rate_limited');
      // Another credential has its own allowance.
      const other = await app.inject({ method: 'GET', url: '/v1/owners', headers: as(ops) });
      expect(other.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('slows failed logins down and counts them', async () => {
    const login = (password: string) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        headers: { authorization: '' },
        payload: { username: 'olga', password },
      });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await login('wrong password!!')).statusCode);
    expect(codes).toEqual([401, 401, 401, 429]);
    const slowed = await login('a long enough secret');
    expect(slowed.statusCode).toBe(429);
    expect(Number(slowed.headers['retry-after'])).toBeGreaterThan(0);
    expect(await auditOf('action=auth.login_failed')).toHaveLength(3);
  });
});
