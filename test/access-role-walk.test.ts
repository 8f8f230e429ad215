/**
 * The role walk: every route of the OpenAPI document, called by every role and without a
 * credential. A role holding the route's permission gets past authorisation (any answer but 401
 * and 403: a 400 for a minimal body or a 404 for an id that does not exist still passed it); a role
 * without it gets 403 naming the permission; no credential gets 401. A route the permission table
 * does not know fails the walk.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPermission, isPermission, ROLES, type Role } from '../src/service/index.ts';
import { createTestContext, json, type TestContext } from './service-harness.ts';

let t: TestContext;
const tokens = new Map<Role, string>();

beforeAll(async () => {
  t = await createTestContext();
  tokens.set('admin', t.adminToken);
  for (const role of ROLES.filter((r) => r !== 'admin')) {
    tokens.set(role, await t.tokenFor(role, role === 'manager' ? 'central' : undefined));
  }
});
afterAll(() => t.close());

interface Route {
  method: string;
  path: string;
}

/** Every operation of the document, as METHOD and path. */
function routesOf(doc: { paths: Record<string, Record<string, unknown>> }): Route[] {
  return Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.keys(operations)
      .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map((m) => ({ method: m.toUpperCase(), path })),
  );
}

/** The route's URL with an id that does not exist in place of each parameter. */
const urlOf = (path: string) => path.replace(/\{[^}]+\}/g, '987654321');

async function call(route: Route, token: string | undefined) {
  const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
  return t.app.inject({
    method: route.method as 'GET',
    url: urlOf(route.path),
    headers: { authorization: token ? `Bearer ${token}` : '' },
    ...(hasBody && { payload: {} }),
  });
}

describe('the role walk', () => {
  it('gives every role exactly what the permission table allows on every documented route, and 401 without a credential', async () => {
    const doc = json(await t.app.inject({ method: 'GET', url: '/openapi.json' }));
    const routes = routesOf(doc);
    expect(routes.length).toBeGreaterThan(40);
    const declared = t.app.routePermissions;
    const unknown = routes.filter((r) => {
      const needed = declared.get(`${r.method} ${r.path.replace(/\{([^}]+)\}/g, ':$1')}`);
      return !(needed === 'public' || needed === 'authenticated' || isPermission(needed));
    });
    expect(unknown, 'routes missing from the permission table').toEqual([]);

    const wrong: string[] = [];
    for (const route of routes) {
      const needed = declared.get(`${route.method} ${route.path.replace(/\{([^}]+)\}/g, ':$1')}`)!;
      const label = `${route.method} ${route.path}`;
      const anonymous = await call(route, undefined);
      if (needed === 'public') {
        if ([401, 403].includes(anonymous.statusCode))
          wrong.push(`${label} public: ${anonymous.statusCode}`);
      } else if (anonymous.statusCode !== 401) {
        wrong.push(`${label} without a credential: ${anonymous.statusCode}, expected 401`);
      }
      for (const role of ROLES) {
        const res = await call(route, tokens.get(role));
        const allowed =
          needed === 'public' || needed === 'authenticated' || hasPermission(role, needed);
        if (allowed && [401, 403].includes(res.statusCode)) {
          wrong.push(`${label} as ${role}: ${res.statusCode} ${res.body}, expected allowed`);
        }
        if (!allowed) {
          if (res.statusCode !== 403)
            wrong.push(`${label} as ${role}: ${res.statusCode}, expected 403`);
          else if (!json(res).error.message.includes(needed)) {
            wrong.push(`${label} as ${role}: the 403 does not name ${needed}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);
});
