/**
 * Access control over HTTP: sessions (/v1/auth), API tokens (/v1/tokens), users (/v1/users), the
 * audit log (/v1/audit, its exports and verification) and server settings (/v1/settings).
 */
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ROLES, type AuditFilter, type Services } from '../../service/index.ts';
import { registerSessionRoutes, userSchema } from '../auth.ts';
import { requestContext } from '../context.ts';
import { idParams, routeDocs } from '../schemas.ts';

const isoTime = z.iso.datetime({ offset: true });

const tokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    team: z.string().nullable(),
    user_id: z.string().nullable(),
    prefix: z.string().describe('the first characters of the token, to recognise it'),
    created_by: z.string().nullable(),
    created_at: z.string(),
    expires_at: z.string().nullable(),
    last_used_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
  })
  .meta({ id: 'ApiToken' });

const tokenInputSchema = z.strictObject({
  name: z.string().min(1).max(100),
  role: z.enum(ROLES),
  team: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('the team a manager manages (managers only)'),
  expires_at: isoTime.optional().describe('default: never'),
});

const userInputSchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(12).max(1024).describe('12 to 1,024 characters'),
  role: z.enum(ROLES),
  team: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('the team a manager manages (managers only)'),
  email: z.string().max(320).optional(),
  display_name: z.string().max(200).optional(),
});

const auditEntrySchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    actor: z.object({
      kind: z.string(),
      id: z.string().nullable(),
      name: z.string().nullable(),
      role: z.string().nullable(),
    }),
    action: z.string(),
    target: z.object({ type: z.string(), id: z.string().nullable() }).nullable(),
    payload: z.unknown(),
    payload_hash: z.string(),
    redacted_at: z.string().nullable(),
    request_id: z.string().nullable(),
    client_address: z.string().nullable(),
    prev_hash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEntry' });

const auditQuery = z.strictObject({
  from: isoTime.optional().describe('entries at or after this instant'),
  to: isoTime.optional().describe('entries before this instant'),
  actor: z.string().min(1).max(200).optional().describe("the actor's id (token or user id)"),
  action: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('an action (`policy.publish`) or all of an object (`policy.*`)'),
  target_type: z.string().min(1).max(100).optional(),
  target_id: z.string().min(1).max(200).optional(),
  cursor: z
    .string()
    .regex(/^\d{1,18}$/)
    .optional()
    .describe('`next_cursor` of the previous page'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  format: z
    .enum(['json', 'csv', 'jsonl'])
    .default('json')
    .describe('`csv` or `jsonl`: every matching entry, oldest first, streamed'),
});

const settingSchema = z.object({
  key: z.string(),
  value: z.unknown(),
  description: z.string(),
  updated_by: z.string().nullable(),
  updated_at: z.string(),
});

export const accessRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { access, settings } = services;
  registerSessionRoutes(app, { access });
  const tokens = routeDocs('access');

  app.post(
    '/v1/tokens',
    tokens(
      'tokens:manage',
      'Create an API token (its secret is shown once)',
      { body: tokenInputSchema },
      z.object({ token: tokenSchema, secret: z.string().describe('shown once, never again') }),
      201,
    ),
    async (request, reply) => {
      const b = request.body;
      const created = await access.createToken(
        {
          name: b.name,
          role: b.role,
          team: b.team ?? null,
          expiresAt: b.expires_at ? new Date(b.expires_at) : null,
        },
        requestContext(request),
      );
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/v1/tokens',
    tokens(
      'tokens:read',
      'List API tokens (never their secrets)',
      {},
      z.object({ items: z.array(tokenSchema) }),
    ),
    async () => ({ items: await access.listTokens() }),
  );

  app.delete(
    '/v1/tokens/:id',
    tokens(
      'tokens:manage',
      'Revoke an API token: refused at once here, within a second on every instance',
      { params: idParams },
      tokenSchema,
    ),
    async (request) => access.revokeToken(request.params.id, requestContext(request)),
  );

  app.post(
    '/v1/users',
    tokens(
      'users:manage',
      'Create a user with a password',
      { body: userInputSchema },
      userSchema,
      201,
    ),
    async (request, reply) => {
      const b = request.body;
      const user = await access.createUser(
        {
          username: b.username,
          password: b.password,
          role: b.role,
          team: b.team ?? null,
          email: b.email ?? null,
          displayName: b.display_name ?? null,
        },
        requestContext(request),
      );
      return reply.status(201).send(user);
    },
  );

  app.get(
    '/v1/users',
    tokens(
      'users:read',
      'List users (never password hashes)',
      {},
      z.object({ items: z.array(userSchema) }),
    ),
    async () => ({ items: await access.listUsers() }),
  );

  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    app.post(
      `/v1/users/:id/${verb}`,
      tokens(
        'users:manage',
        disabled
          ? 'Disable a user: its sessions and tokens stop working'
          : 'Enable a disabled user',
        { params: idParams },
        userSchema,
      ),
      async (request) =>
        access.setUserDisabled(request.params.id, disabled, requestContext(request)),
    );
  }

  app.get(
    '/v1/audit',
    tokens(
      'audit:read',
      'The audit log, newest first, filtered; or every matching entry as CSV or JSON Lines',
      {
        description:
          'Pages of `limit` entries with `next_cursor`. With `format=csv` or `format=jsonl` the whole selection is streamed, oldest first.',
        querystring: auditQuery,
      },
      z.object({ items: z.array(auditEntrySchema), next_cursor: z.string().nullable() }),
    ),
    async (request, reply) => {
      const q = request.query;
      const filter: AuditFilter = {
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        actorId: q.actor,
        action: q.action,
        targetType: q.target_type,
        targetId: q.target_id,
      };
      if (q.format === 'csv' || q.format === 'jsonl') {
        const lines =
          q.format === 'csv'
            ? access.audit.exportCsv(filter)
            : access.audit.exportJsonLines(filter);
        void reply
          .type(q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson')
          .header('content-disposition', `attachment; filename="audit.${q.format}"`);
        // A stream is sent as it is, past the JSON serializer.
        return reply.send(Readable.from(lines) as never);
      }
      const page = await access.audit.list({ ...filter, cursor: q.cursor, limit: q.limit });
      return { items: page.entries, next_cursor: page.next_cursor };
    },
  );

  app.get(
    '/v1/audit/verify',
    tokens(
      'audit:read',
      'Verify the audit chain: the first broken link, if a row was altered or removed',
      {},
      z.object({
        ok: z.boolean(),
        entries: z.number().int(),
        first_broken: z.object({ seq: z.number().int(), reason: z.string() }).nullable(),
      }),
    ),
    async () => {
      const v = await access.audit.verify();
      return { ok: v.ok, entries: v.entries, first_broken: v.firstBroken ?? null };
    },
  );

  app.get(
    '/v1/settings',
    tokens('settings:read', 'Server settings', {}, z.object({ items: z.array(settingSchema) })),
    async () => ({ items: await settings.listSettings() }),
  );

  app.patch(
    '/v1/settings',
    tokens(
      'settings:write',
      'Change server settings',
      {
        description: 'A map of setting keys to values, e.g. `{"policies.required_approvals": 2}`.',
        body: z.record(z.string(), z.unknown()),
      },
      z.object({ items: z.array(settingSchema) }),
    ),
    async (request) => ({
      items: await settings.updateSettings(request.body, requestContext(request)),
    }),
  );
};
