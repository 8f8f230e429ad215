/**
 * Authentication and authorisation for the HTTP API, as Fastify hooks.
 *
 * Every route declares what it needs in its config: `{ permission: 'leads:create' }` (a permission
 * from the one table in src/service/access/roles.ts), `'authenticated'` (any valid credential:
 * logout, who-am-I) or `'public'` (health probes, login). A route that declares nothing is refused
 * when it is registered, so a route missing from the table fails loudly at start-up, not in
 * production.
 *
 * Per request, in order:
 * 1. onRequest: the credential — `Authorization: Bearer lr_live_…` or the session cookie — becomes
 *    an actor (`request.actor`); missing, malformed, unknown, expired or revoked is a 401 and
 *    nothing else runs. Public routes skip this.
 * 2. the rate limit (@fastify/rate-limit, its own onRequest hook), keyed by the credential's id
 *    (never the secret), or by client address on public routes: 429 with Retry-After.
 * 3. preParsing (before the body is read): the route's permission; without it, a 403 naming the
 *    permission, recorded in the audit log. Cookie sessions must also send the session's CSRF
 *    token in `X-CSRF-Token` on unsafe methods (SameSite=Strict already keeps other sites' forms
 *    out; the token covers same-site attackers and old browsers).
 */
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AccessError,
  csrfMatches,
  isPermission,
  PERMISSIONS,
  ROLES,
  scopeOf,
  type Access,
  type Actor,
  type Permission,
  type Scope,
} from '../service/index.ts';
import { errorSchema } from './schemas.ts';

/** What a route needs: a permission, any valid credential, or nothing. */
export type RouteAccess = Permission | 'authenticated' | 'public';

declare module 'fastify' {
  interface FastifyInstance {
    /** What each route needs, by `METHOD /path` (registerAuth fills it as routes are added). */
    routePermissions: ReadonlyMap<string, RouteAccess>;
  }
  interface FastifyContextConfig {
    permission?: RouteAccess;
  }
  interface FastifyRequest {
    /** Who is calling; null on public routes. */
    actor: Actor | null;
    /** How far the route's permission reaches for this actor (`team`, `own` narrow queries). */
    accessScope: Scope | null;
    /** The session's CSRF token, when the credential is a session cookie. */
    sessionCsrf: string | null;
  }
}

export interface RateLimits {
  /** Length of the window (ms); default one minute. */
  windowMs?: number;
  /** Requests per window per API token; default 60,000 (1,000/s). */
  token?: number;
  /** Requests per window per user session; default 1,200. */
  session?: number;
  /** Requests per window per client address on public routes; default 300. */
  anonymous?: number;
}

export interface AuthOptions {
  /** The access service: credentials, and the audit log where refusals are recorded. */
  access: Access;
  /** Name of the session cookie; default `lr_session`. */
  cookieName?: string;
  /** Rate limits per credential, or false for none (benchmarks). */
  rateLimits?: RateLimits | false;
  /**
   * Routes registered by plugins that cannot carry a config (`/docs`, `/docs/*`, `/openapi.json`),
   * by their URL pattern: public.
   */
  publicUrls?: readonly string[];
}

export const SESSION_COOKIE = 'lr_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Sends an AccessError (401/403/429) from a hook, in the shape and with the headers the app's
 * error handler gives thrown ones (src/api/errors.ts).
 */
export function sendAccessError(reply: FastifyReply, error: AccessError): FastifyReply {
  if (error.code === 'unauthorized') void reply.header('www-authenticate', 'Bearer');
  if (error.retryAfter !== undefined) void reply.header('retry-after', String(error.retryAfter));
  return reply
    .code(error.statusCode)
    .send({ error: { code: error.code, message: error.message, details: [] } });
}

/** Whether `url` is one of the public patterns (`/docs/*` covers everything under /docs/). */
function isPublicUrl(url: string, publicUrls: ReadonlySet<string>): boolean {
  if (publicUrls.has(url)) return true;
  for (const pattern of publicUrls) {
    if (pattern.endsWith('/*') && url.startsWith(pattern.slice(0, -1))) return true;
  }
  return false;
}

function checkRouteDeclaration(route: RouteOptions, publicUrls: ReadonlySet<string>): void {
  if (isPublicUrl(route.url, publicUrls)) return;
  const declared = (route.config as { permission?: unknown } | undefined)?.permission;
  if (declared === 'public' || declared === 'authenticated' || isPermission(declared)) return;
  const methods = Array.isArray(route.method) ? route.method.join(',') : route.method;
  throw new Error(
    `route ${methods} ${route.url} declares no permission: add config.permission, one of ` +
      `'public', 'authenticated' or ${Object.keys(PERMISSIONS).join(', ')}` +
      (declared === undefined ? '' : ` (got ${JSON.stringify(declared)})`),
  );
}

/**
 * Adds authentication, rate limits and permission checks to the app. Call before registering any
 * route (the declaration check sees only routes added after it).
 */
export async function registerAuth(app: FastifyInstance, options: AuthOptions): Promise<void> {
  const { access } = options;
  const cookieName = options.cookieName ?? SESSION_COOKIE;
  const publicUrls = new Set(options.publicUrls ?? []);

  await app.register(fastifyCookie);
  app.decorateRequest('actor', null);
  app.decorateRequest('accessScope', null);
  app.decorateRequest('sessionCsrf', null);
  const declared = new Map<string, RouteAccess>();
  app.decorate('routePermissions', declared);
  app.addHook('onRoute', (route) => {
    checkRouteDeclaration(route, publicUrls);
    const permission = isPublicUrl(route.url, publicUrls)
      ? 'public'
      : (route.config as { permission: RouteAccess }).permission;
    for (const method of [route.method].flat()) declared.set(`${method} ${route.url}`, permission);
  });

  const routeAccess = (request: FastifyRequest): RouteAccess | undefined => {
    if (isPublicUrl(request.routeOptions.url ?? '', publicUrls)) return 'public';
    return request.routeOptions.config.permission;
  };

  app.addHook('onRequest', async (request, reply) => {
    if (routeAccess(request) === 'public') return;
    try {
      const header = request.headers.authorization;
      if (header !== undefined) {
        const match = /^Bearer +(\S+) *$/i.exec(header);
        if (!match) {
          throw new AccessError(
            'unauthorized',
            'malformed Authorization header: expected "Bearer <token>"',
          );
        }
        request.actor = await access.authenticateToken(match[1]!);
        return;
      }
      const cookie = request.cookies[cookieName];
      if (cookie !== undefined) {
        const session = await access.authenticateSession(cookie);
        request.actor = session.actor;
        request.sessionCsrf = session.csrfToken;
        return;
      }
      throw new AccessError(
        'unauthorized',
        'missing credential: send "Authorization: Bearer <token>" or log in',
      );
    } catch (error) {
      if (error instanceof AccessError) return sendAccessError(reply, error);
      throw error;
    }
  });

  if (options.rateLimits !== false) {
    const limits = {
      windowMs: 60_000,
      token: 60_000,
      session: 1_200,
      anonymous: 300,
      ...options.rateLimits,
    };
    await app.register(fastifyRateLimit, {
      global: true,
      timeWindow: limits.windowMs,
      // The credential's id, never the secret; public routes by address.
      keyGenerator: (request) =>
        request.actor ? `${request.actor.kind}:${request.actor.id}` : `addr:${request.ip}`,
      max: (request) =>
        request.actor?.kind === 'token'
          ? limits.token
          : request.actor
            ? limits.session
            : limits.anonymous,
      errorResponseBuilder: (_request, context) => {
        const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
        return new AccessError(
          'rate_limited',
          `rate limit exceeded: ${context.max} requests per ${limits.windowMs / 1000} s for this credential; retry in ${seconds} s`,
          seconds,
        );
      },
    });
  }

  app.addHook('preParsing', async (request, reply) => {
    const needed = routeAccess(request);
    if (needed === 'public') return;
    const actor = request.actor;
    // Unknown URLs (no route) need a valid credential, which onRequest checked; then a 404.
    if (!actor || needed === undefined || needed === 'authenticated') {
      const refused = actor && request.sessionCsrf !== null ? csrfRefusal(request) : undefined;
      return refused ? sendAccessError(reply, refused) : undefined;
    }
    const scope = actor.role ? scopeOf(actor.role, needed) : undefined;
    if (!scope) {
      await access.recordDenial(
        { actor, requestId: request.id, clientAddress: request.ip },
        {
          permission: needed,
          route: `${request.method} ${request.routeOptions.url}`,
          url: request.url,
        },
      );
      return sendAccessError(
        reply,
        new AccessError(
          'forbidden',
          `forbidden: role ${actor.role} lacks the permission ${needed}`,
        ),
      );
    }
    const refused = request.sessionCsrf !== null ? csrfRefusal(request) : undefined;
    if (refused) return sendAccessError(reply, refused);
    request.accessScope = scope;
  });

  function csrfRefusal(request: FastifyRequest): AccessError | undefined {
    if (SAFE_METHODS.has(request.method)) return undefined;
    const sent = request.headers[CSRF_HEADER];
    if (!csrfMatches(request.sessionCsrf!, typeof sent === 'string' ? sent : undefined)) {
      return new AccessError(
        'forbidden',
        `forbidden: a session request that changes something must send the session's CSRF token in ${CSRF_HEADER}`,
      );
    }
    return undefined;
  }
}

/**
 * Login, logout and the current session, for the dashboard. Login is public (and rate-limited by
 * address, besides its own slow-down per username and address); the cookie is HttpOnly,
 * SameSite=Strict, Path=/, and Secure when the request came over https (behind a proxy, set
 * Fastify's trustProxy so X-Forwarded-Proto counts). The app must use the zod type provider's
 * validator (buildApp does).
 */
export function registerSessionRoutes(
  app: FastifyInstance,
  options: { access: Access; cookieName?: string; prefix?: string },
): void {
  const { access } = options;
  const cookieName = options.cookieName ?? SESSION_COOKIE;
  const prefix = options.prefix ?? '/v1/auth';
  const zapp = app.withTypeProvider<ZodTypeProvider>();
  const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 429: errorSchema };

  zapp.post(
    `${prefix}/login`,
    {
      config: { permission: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Log in with a username and password: starts a session (cookie)',
        security: [],
        description:
          'Sets the HttpOnly, SameSite=Strict session cookie and returns the CSRF token to send in X-CSRF-Token with every change. Failed attempts are counted; after three, each must wait longer (429 with Retry-After).',
        body: loginSchema,
        response: { 200: sessionStartedSchema, ...errors },
      },
    },
    async (request, reply) => {
      const started = await access.login({
        username: request.body.username,
        password: request.body.password,
        clientAddress: request.ip,
        requestId: request.id,
      });
      void reply.setCookie(cookieName, started.sessionId, {
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https',
        path: '/',
        expires: started.expiresAt,
      });
      return {
        user: started.user,
        csrf_token: started.csrfToken,
        expires_at: started.expiresAt.toISOString(),
      };
    },
  );

  zapp.post(
    `${prefix}/logout`,
    {
      config: { permission: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'End the session',
        security: [{ sessionCookie: [] }],
        response: { 204: z.null().describe('logged out'), ...errors },
      },
    },
    async (request, reply) => {
      const cookie = request.cookies[cookieName];
      if (cookie) await access.endSession(cookie);
      void reply.clearCookie(cookieName, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  zapp.get(
    `${prefix}/session`,
    {
      config: { permission: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: "Who is calling: the actor of the credential (and the session's CSRF token)",
        security: [{ bearerAuth: [] }, { sessionCookie: [] }],
        response: { 200: whoAmISchema, ...errors },
      },
    },
    async (request) => ({
      actor: request.actor!,
      csrf_token: request.sessionCsrf,
    }),
  );
}

const loginSchema = z.strictObject({
  username: z.string().min(1).max(200),
  password: z.string().min(1).max(1024),
});

export const actorSchema = z
  .object({
    kind: z.enum(['user', 'token', 'system', 'anonymous']),
    id: z.string().nullable(),
    name: z.string().nullable(),
    role: z.enum(ROLES).nullable(),
    team: z.string().nullable(),
  })
  .meta({ id: 'Actor' });

export const userSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    email: z.string().nullable(),
    display_name: z.string().nullable(),
    role: z.enum(ROLES),
    team: z.string().nullable(),
    disabled: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'User' });

const sessionStartedSchema = z.object({
  user: userSchema,
  csrf_token: z.string(),
  expires_at: z.string(),
});

const whoAmISchema = z.object({ actor: actorSchema, csrf_token: z.string().nullable() });
