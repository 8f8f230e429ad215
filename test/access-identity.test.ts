import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAccess,
  hashPassword,
  hasPermission,
  listAudit,
  parseRole,
  PERMISSIONS,
  ROLE_PERMISSIONS,
  ROLES,
  scopeOf,
  systemActor,
  verifyAuditChain,
  verifyPassword,
  type Access,
  type AccessError,
} from '../src/service/access/index.ts';
import { loginDelaySeconds } from '../src/service/access/access.ts';
import { openAccessTestStore, type AccessTestStore } from './access-harness.ts';

let t: AccessTestStore;
let now = Date.parse('2026-12-01T09:00:00Z');
const clock = () => now;
let access: Access;
const admin = { actor: systemActor('test') };
const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };

beforeAll(async () => {
  t = await openAccessTestStore();
  access = createAccess(t.db, { clock, scrypt: FAST_SCRYPT });
});
afterAll(() => t.close());

async function count(table: 'api_tokens' | 'audit_log' | 'users'): Promise<number> {
  const row = await t.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function refusal(promise: Promise<unknown>): Promise<AccessError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!error) throw new Error('expected a refusal');
  return error as AccessError;
}

describe('roles and permissions', () => {
  it('gives admin every permission and scopes manager to its team, intake to its own leads', () => {
    for (const p of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]) {
      expect(scopeOf('admin', p)).toBe('all');
    }
    expect(scopeOf('manager', 'owners:availability')).toBe('team');
    expect(scopeOf('manager', 'owners:write')).toBeUndefined();
    expect(scopeOf('intake', 'leads:read')).toBe('own');
    expect(hasPermission('intake', 'owners:read')).toBe(false);
    expect(hasPermission('viewer', 'audit:read')).toBe(true);
    expect(hasPermission('viewer', 'tokens:manage')).toBe(false);
    expect(hasPermission('ops', 'policies:publish')).toBe(true);
    expect(hasPermission('ops', 'users:manage')).toBe(false);
    expect(Object.keys(ROLE_PERMISSIONS)).toEqual([...ROLES]);
  });

  it('names role and the allowed values for an unknown role', () => {
    expect(() => parseRole('superuser')).toThrow(
      'role: unknown role "superuser"; expected one of admin, ops, manager, viewer, intake',
    );
  });
});

describe('passwords', () => {
  it('hashes with scrypt at the stated cost and verifies in constant time', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', stored)).toBe(false);
    expect(await verifyPassword('x', 'not a hash')).toBe(false);
  });
});

describe('API tokens', () => {
  it('creates a token shown once and stored only as its hash', async () => {
    const { token, secret } = await access.createToken(
      { name: 'crm', role: 'intake' },
      { ...admin, requestId: 'r-1' },
    );
    expect(secret).toMatch(/^lr_live_[\w-]{43}$/);
    expect(token.prefix).toBe(secret.slice(0, 12));
    expect(JSON.stringify(token)).not.toContain(secret);
    const row = await t.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', token.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(secret.slice(12));
    expect(await access.authenticateToken(secret)).toEqual({
      kind: 'token',
      id: token.id,
      name: 'crm',
      role: 'intake',
      team: null,
    });
    const [entry] = (await listAudit(t.db, { action: 'token.create', limit: 1 })).entries;
    expect(entry).toMatchObject({ target: { type: 'token', id: token.id }, request_id: 'r-1' });
    expect(JSON.stringify(entry)).not.toContain(secret.slice(12));
  });

  it('refuses bad input with the field named, and writes nothing', async () => {
    const tokens = await count('api_tokens');
    const entries = await count('audit_log');
    await expect(access.createToken({ name: 'x', role: 'root' }, admin)).rejects.toThrow(
      /^role: unknown role "root"; expected one of admin, ops, manager, viewer, intake$/,
    );
    await expect(access.createToken({ name: 'm', role: 'manager' }, admin)).rejects.toThrow(
      'team: a manager needs the team it manages',
    );
    await expect(access.createToken({ name: ' ', role: 'viewer' }, admin)).rejects.toThrow(
      'name: a name of 1 to 100 characters is required',
    );
    await expect(
      access.createToken({ name: 'old', role: 'viewer', expiresAt: new Date(now - 1) }, admin),
    ).rejects.toThrow('expires_at: the expiry must lie in the future');
    expect(await count('api_tokens')).toBe(tokens);
    expect(await count('audit_log')).toBe(entries);
  });

  it('says what is wrong with a malformed, unknown, expired or revoked token', async () => {
    const messageOf = async (secret: string) =>
      (await refusal(access.authenticateToken(secret))).message;
    expect(await messageOf('hello')).toMatch(/^malformed API token/);
    expect(await messageOf(`lr_live_${'A'.repeat(43)}`)).toBe('unknown API token');
    const { secret } = await access.createToken(
      { name: 'short', role: 'viewer', expiresAt: new Date(now + 60_000) },
      admin,
    );
    expect((await access.authenticateToken(secret)).role).toBe('viewer');
    now += 60_000;
    const expired = await refusal(access.authenticateToken(secret));
    expect(expired).toMatchObject({ code: 'unauthorized', statusCode: 401 });
    expect(expired.message).toBe('API token expired');
    const { token, secret: s2 } = await access.createToken({ name: 'gone', role: 'ops' }, admin);
    await access.authenticateToken(s2);
    await access.revokeToken(token.id, admin);
    expect(await messageOf(s2)).toBe('API token revoked');
    expect((await access.listTokens()).find((x) => x.id === token.id)?.revoked_at).not.toBeNull();
  });

  it('checks cached tokens without the database; other instances see a revocation within a second', async () => {
    const other = createAccess(t.db, { clock });
    const { token, secret } = await access.createToken({ name: 'shared', role: 'ops' }, admin);
    expect((await other.authenticateToken(secret)).id).toBe(token.id);
    // Behind the cache's back (no counter bump): the cached answer stands, proof that no
    // request reads the token row.
    await sql`update api_tokens set role = 'viewer' where id = ${token.id}`.execute(t.db);
    now += 5_000;
    expect((await other.authenticateToken(secret)).role).toBe('ops');
    // A revocation through the service bumps the counter: the other instance rereads it at most
    // a second later and drops its cache.
    await access.revokeToken(token.id, admin);
    now += 500;
    expect((await other.authenticateToken(secret)).role).toBe('ops');
    now += 600;
    expect((await refusal(other.authenticateToken(secret))).message).toBe('API token revoked');
  });

  it('stamps last use at most once a minute', async () => {
    const { token, secret } = await access.createToken({ name: 'busy', role: 'intake' }, admin);
    const lastUsed = async () =>
      (
        await t.db
          .selectFrom('api_tokens')
          .select('last_used_at')
          .where('id', '=', token.id)
          .executeTakeFirstOrThrow()
      ).last_used_at?.getTime();
    const first = now;
    await access.authenticateToken(secret);
    await access.flush();
    expect(await lastUsed()).toBe(first);
    now += 30_000;
    await access.authenticateToken(secret);
    await access.flush();
    expect(await lastUsed()).toBe(first);
    now += 31_000;
    await access.authenticateToken(secret);
    await access.flush();
    expect(await lastUsed()).toBe(now);
  });

  it('creates a bootstrap admin only on an empty database, and demo tokens for every role', async () => {
    // This database already has tokens.
    expect(await access.ensureBootstrapAdmin()).toBeUndefined();
    const fresh = await openAccessTestStore(2);
    try {
      const a = createAccess(fresh.db, { clock });
      const [one, two] = await Promise.all([a.ensureBootstrapAdmin(), a.ensureBootstrapAdmin()]);
      const created = one ?? two;
      expect([one, two].filter(Boolean)).toHaveLength(1);
      expect(created!.token).toMatchObject({ role: 'admin', name: 'bootstrap admin' });
      expect((await a.authenticateToken(created!.secret)).role).toBe('admin');
      const demo = await a.createDemoTokens('emea');
      expect(demo.map((d) => d.role)).toEqual([...ROLES]);
      expect(demo.find((d) => d.role === 'manager')!.token.team).toBe('emea');
      for (const d of demo) expect((await a.authenticateToken(d.secret)).role).toBe(d.role);
      expect((await verifyAuditChain(fresh.db)).ok).toBe(true);
    } finally {
      await fresh.close();
    }
  });
});

describe('users and sessions', () => {
  it('creates a user, refusing weak passwords and taken usernames', async () => {
    const users = await count('users');
    await expect(
      access.createUser({ username: 'ana', role: 'ops', password: 'short' }, admin),
    ).rejects.toThrow('password: must be at least 12 characters');
    await expect(
      access.createUser({ username: 'bad name', role: 'wizard', password: 'x'.repeat(12) }, admin),
    ).rejects.toThrow(/^role: unknown role "wizard"/);
    expect(await count('users')).toBe(users);
    const ana = await access.createUser(
      { username: 'Ana', role: 'manager', team: 'emea', password: 'a long enough secret' },
      admin,
    );
    expect(ana).toMatchObject({ username: 'Ana', role: 'manager', team: 'emea', disabled: false });
    expect(JSON.stringify(ana)).not.toContain('scrypt');
    await expect(
      access.createUser({ username: 'ana', role: 'viewer', password: 'another secret!' }, admin),
    ).rejects.toThrow('username "ana" is taken');
  });

  it('logs in to a session with a CSRF token, and a disabled user is shut out', async () => {
    const started = await access.login({
      username: 'ana',
      password: 'a long enough secret',
      clientAddress: '10.1.1.1',
    });
    expect(started.sessionId).toMatch(/^[\w-]{43}$/);
    const session = await access.authenticateSession(started.sessionId);
    expect(session.actor).toMatchObject({
      kind: 'user',
      name: 'Ana',
      role: 'manager',
      team: 'emea',
    });
    expect(session.csrfToken).toBe(started.csrfToken);
    const stored = await t.db.selectFrom('sessions').select('id_hash').execute();
    expect(JSON.stringify(stored)).not.toContain(started.sessionId);
    await access.setUserDisabled(started.user.id, true, admin);
    expect((await refusal(access.authenticateSession(started.sessionId))).code).toBe(
      'unauthorized',
    );
    await access.setUserDisabled(started.user.id, false, admin);
    now += 13 * 3_600_000;
    const later = await access.login({ username: 'ana', password: 'a long enough secret' });
    now += 12 * 3_600_000;
    expect((await refusal(access.authenticateSession(later.sessionId))).message).toBe(
      'session expired: log in again',
    );
  });

  it('slows down repeated failed logins per username and per address, and counts them', async () => {
    expect([0, 1, 2, 3, 4, 5, 20].map((f) => loginDelaySeconds(f))).toEqual([
      0, 0, 0, 1, 2, 4, 900,
    ]);
    const attempt = (password: string, clientAddress = '10.9.9.9') =>
      access.login({ username: 'ana', password, clientAddress });
    for (let i = 0; i < 3; i++) {
      expect((await refusal(attempt('wrong password!'))).message).toBe(
        'invalid username or password',
      );
    }
    const slowed = await refusal(attempt('a long enough secret'));
    expect(slowed).toMatchObject({ code: 'rate_limited', statusCode: 429, retryAfter: 1 });
    now += 1_000;
    await refusal(attempt('wrong again!!'));
    // Four failures: two seconds now, from another address too (the username is counted).
    now += 1_000;
    expect((await refusal(attempt('a long enough secret', '10.7.7.7'))).code).toBe('rate_limited');
    now += 1_000;
    expect((await attempt('a long enough secret', '10.7.7.7')).user.username).toBe('Ana');
    const failures = await t.db.selectFrom('login_failures').selectAll().execute();
    expect(failures.find((f) => f.key === 'addr:10.9.9.9')).toMatchObject({ total: 4 });
    expect(failures.find((f) => f.key === 'user:ana')).toBeUndefined();
    expect((await listAudit(t.db, { action: 'auth.login_failed' })).entries).toHaveLength(4);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });
});
