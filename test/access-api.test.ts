import { validatorCompiler } from 'fastify-type-provider-zod';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  registerAuth,
  registerSessionRoutes,
  sendAccessError,
  type AuthOptions,
} from '../src/api/auth.ts';
import {
  AccessError,
  createAccess,
  listAudit,
  ROLES,
  systemActor,
  type Access,
  type Role,
} from '../src/service/access/index.ts';
import { ServiceError } from '../src/service/errors.ts';
import { openAccessTestStore, type AccessTestStore } from './access-harness.ts';

let t: AccessTestStore;
let access: Access;
let app: FastifyInstance;
const tokens = {} as Record<Role, string>;
const admin = { actor: systemActor('test') };

/** The routes of the test app and the permission each declares. */
const ROUTES = [
  { method: 'POST', url: '/v1/leads', permission: 'leads:create' },
  { method: 'GET', url: '/v1/leads', permission: 'leads:read' },
  { method: 'POST', url: '/v1/owners', permission: 'owners:write' },
  { method: 'POST', url: '/v1/owners/:id/pause', permission: 'owners:availability' },
  { method: 'POST', url: '/v1/policies/:id/publish', permission: 'policies:publish' },
  { method: 'GET', url: '/v1/audit', permission: 'audit:read' },
  { method: 'POST', url: '/v1/tokens', permission: 'tokens:manage' },
] as const;

/** Which roles may call each route, as the issue describes them. */
const ALLOWED: Record<(typeof ROUTES)[number]['permission'], Role[]> = {
  'leads:create': ['admin', 'intake'],
  'leads:read': ['admin', 'ops', 'manager', 'viewer', 'intake'],
  'owners:write': ['admin', 'ops'],
  'owners:availability': ['admin', 'ops', 'manager'],
  'policies:publish': ['admin', 'ops'],
  'audit:read': ['admin', 'ops', 'manager', 'viewer'],
  'tokens:manage': ['admin'],
};

async function buildTestApp(options: Partial<AuthOptions> = {}): Promise<FastifyInstance> {
  const a = Fastify({ logger: false });
  a.setValidatorCompiler(validatorCompiler);
  a.setSerializerCompiler(() => (data) => JSON.stringify(data));
  a.setErrorHandler((error, _request, reply) => {
    if (error instanceof AccessError) return sendAccessError(reply, error);
    if ((error as { validation?: unknown }).validation) {
      return reply
        .code(400)
        .send({ error: { code: 'validation_failed', message: (error as Error).message } });
    }
    if (error instanceof ServiceError) {
      return reply.code(400).send({ error: { code: error.code, message: error.message } });
    }
    return reply.code(500).send({ error: { code: 'internal', message: String(error) } });
  });
  await registerAuth(a, { access, publicUrls: ['/docs'], ...options });
  a.get('/healthz', { config: { permission: 'public' } }, async () => ({ ok: true }));
  a.get('/docs', async () => 'docs');
  for (const route of ROUTES) {
    a.route({
      method: route.method,
      url: route.url,
      config: { permission: route.permission },
      handler: async (request) => ({ actor: request.actor, scope: request.accessScope }),
    });
  }
  registerSessionRoutes(a, { access });
  await a.ready();
  return a;
}

function inject(
  method: string,
  url: string,
  headers: Record<string, string> = {},
  payload?: unknown,
): Promise<LightMyRequestResponse> {
  return app.inject({ method: method as 'GET', url, headers, payload: payload as string });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const body = (r: LightMyRequestResponse) => JSON.parse(r.body);

async function auditCount(): Promise<number> {
  const row = await t.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

beforeAll(async () => {
  t = await openAccessTestStore();
  access = createAccess(t.db, { scrypt: { N: 1024, r: 8, p: 1 } });
  for (const role of ROLES) {
    const { secret } = await access.createToken(
      { name: `${role} token`, role, team: role === 'manager' ? 'emea' : null },
      admin,
    );
    tokens[role] = secret;
  }
  app = await buildTestApp();
});
afterAll(async () => {
  await app.close();
  await t.close();
});

describe('route declarations', () => {
  it('refuses a route that declares no permission when it is registered', async () => {
    const a = Fastify({ logger: false });
    await registerAuth(a, { access, rateLimits: false });
    expect(() => a.get('/v1/forgotten', async () => 'x')).toThrow(
      /route GET \/v1\/forgotten declares no permission: add config.permission, one of 'public', 'authenticated' or leads:create/,
    );
    expect(() =>
      a.get('/v1/typo', { config: { permission: 'leads:raed' as 'leads:read' } }, async () => 'x'),
    ).toThrow(/\(got "leads:raed"\)/);
    await a.close();
  });
});

describe('authentication', () => {
  it('lets public routes through without a credential', async () => {
    expect((await inject('GET', '/healthz')).statusCode).toBe(200);
    expect((await inject('GET', '/docs')).statusCode).toBe(200);
  });

  it('answers 401 with a clear message for a missing, malformed, unknown, expired or revoked credential, writing nothing', async () => {
    const before = await auditCount();
    const cases: Array<[Record<string, string>, string]> = [
      [{}, 'missing credential: send "Authorization: Bearer <token>" or log in'],
      [{ authorization: 'Basic abc' }, 'malformed Authorization header: expected "Bearer <token>"'],
      [bearer('lr_live_short'), 'malformed API token: expected lr_live_ followed by 43 characters'],
      [bearer(`lr_live_${'x'.repeat(43)}`), 'unknown API token'],
    ];
    const { token, secret } = await access.createToken({ name: 'soon gone', role: 'ops' }, admin);
    await access.revokeToken(token.id, admin);
    cases.push([bearer(secret), 'API token revoked']);
    const afterSetup = await auditCount();
    for (const [headers, message] of cases) {
      const r = await inject('POST', '/v1/owners', headers, { id: 'x' });
      expect(r.statusCode).toBe(401);
      expect(r.headers['www-authenticate']).toBe('Bearer');
      expect(body(r)).toEqual({ error: { code: 'unauthorized', message, details: [] } });
    }
    expect(afterSetup - before).toBe(2);
    expect(await auditCount()).toBe(afterSetup);
  });

  it('asks for a credential on unknown URLs, then answers 404', async () => {
    expect((await inject('GET', '/v1/nowhere')).statusCode).toBe(401);
    expect((await inject('GET', '/v1/nowhere', bearer(tokens.viewer))).statusCode).toBe(404);
  });
});

describe('authorisation', () => {
  it('lets each role call exactly the routes its permissions allow', async () => {
    for (const route of ROUTES) {
      const url = route.url.replace(':id', '42');
      for (const role of ROLES) {
        const r = await inject(route.method, url, bearer(tokens[role]), {});
        const expected = ALLOWED[route.permission].includes(role) ? 200 : 403;
        expect(`${role} ${route.method} ${url} ${r.statusCode}`).toBe(
          `${role} ${route.method} ${url} ${expected}`,
        );
      }
      expect((await inject(route.method, url)).statusCode).toBe(401);
    }
    // HEAD routes Fastify adds for GET carry the same permission.
    expect((await inject('HEAD', '/v1/audit', bearer(tokens.viewer))).statusCode).toBe(200);
    expect((await inject('HEAD', '/v1/audit', bearer(tokens.intake))).statusCode).toBe(403);
  });

  it('names the permission in a 403 and records the refusal in the audit log', async () => {
    const r = await inject('POST', '/v1/owners', bearer(tokens.viewer), { id: 'x' });
    expect(r.statusCode).toBe(403);
    expect(body(r)).toEqual({
      error: {
        code: 'forbidden',
        message: 'forbidden: role viewer lacks the permission owners:write',
        details: [],
      },
    });
    const [entry] = (await listAudit(t.db, { action: 'auth.denied', limit: 1 })).entries;
    expect(entry).toMatchObject({
      actor: { kind: 'token', name: 'viewer token', role: 'viewer' },
      target: { type: 'route', id: 'POST /v1/owners' },
      payload: { details: { permission: 'owners:write', url: '/v1/owners' } },
    });
    expect(entry!.request_id).toBeTruthy();
  });

  it('passes the scope on: team for a manager, own for intake', async () => {
    const pause = await inject('POST', '/v1/owners/ana/pause', bearer(tokens.manager), {});
    expect(body(pause)).toMatchObject({ actor: { role: 'manager', team: 'emea' }, scope: 'team' });
    const read = await inject('GET', '/v1/leads', bearer(tokens.intake));
    expect(body(read)).toMatchObject({ actor: { role: 'intake' }, scope: 'own' });
    expect(body(await inject('GET', '/v1/leads', bearer(tokens.ops))).scope).toBe('all');
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After per credential, keyed by the token id', async () => {
    const limited = await buildTestApp({ rateLimits: { token: 3, anonymous: 2 } });
    try {
      const call = (token: string) =>
        limited.inject({ method: 'GET', url: '/v1/leads', headers: bearer(token) });
      for (let i = 0; i < 3; i++) expect((await call(tokens.viewer)).statusCode).toBe(200);
      const refused = await call(tokens.viewer);
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(body(refused).error.code).toBe('rate_limited');
      expect(body(refused).error.message).toMatch(/^rate limit exceeded: 3 requests per 60 s/);
      // Another credential has its own budget.
      expect((await call(tokens.ops)).statusCode).toBe(200);
      // Public routes are limited per client address.
      const health = () => limited.inject({ method: 'GET', url: '/healthz' });
      expect((await health()).statusCode).toBe(200);
      expect((await health()).statusCode).toBe(200);
      expect((await health()).statusCode).toBe(429);
    } finally {
      await limited.close();
    }
  });
});

describe('sessions', () => {
  it('logs in with a strict HttpOnly cookie and requires the CSRF token on changes', async () => {
    await access.createUser(
      { username: 'olga', role: 'ops', password: 'a long enough secret' },
      admin,
    );
    const bad = await inject('POST', '/v1/auth/login', {}, { username: 'olga' });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(body(bad).error.message).toContain('password');
    const wrong = await inject(
      'POST',
      '/v1/auth/login',
      {},
      { username: 'olga', password: 'nope' },
    );
    expect(wrong.statusCode).toBe(401);
    expect(body(wrong).error.message).toBe('invalid username or password');

    const login = await inject(
      'POST',
      '/v1/auth/login',
      {},
      { username: 'olga', password: 'a long enough secret' },
    );
    expect(login.statusCode).toBe(200);
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/^lr_session=[\w-]{43}; /);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).not.toContain('Secure');
    const cookie = { cookie: setCookie.split(';')[0]! };
    const csrf = body(login).csrf_token as string;

    expect((await inject('GET', '/v1/leads', cookie)).statusCode).toBe(200);
    const noCsrf = await inject('POST', '/v1/owners', cookie, {});
    expect(noCsrf.statusCode).toBe(403);
    expect(body(noCsrf).error.message).toMatch(/CSRF token in x-csrf-token/);
    expect(
      (await inject('POST', '/v1/owners', { ...cookie, 'x-csrf-token': 'x'.repeat(43) }, {}))
        .statusCode,
    ).toBe(403);
    const withCsrf = await inject('POST', '/v1/owners', { ...cookie, 'x-csrf-token': csrf }, {});
    expect(withCsrf.statusCode).toBe(200);
    expect(body(withCsrf).actor).toMatchObject({ kind: 'user', name: 'olga', role: 'ops' });
    expect(body(await inject('GET', '/v1/auth/session', cookie)).csrf_token).toBe(csrf);

    const logout = await inject('POST', '/v1/auth/logout', { ...cookie, 'x-csrf-token': csrf });
    expect(logout.statusCode).toBe(204);
    expect((await inject('GET', '/v1/leads', cookie)).statusCode).toBe(401);
  });
});
