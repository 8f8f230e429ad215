/** Accounts leads are matched to: /v1/accounts. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requestContext } from '../context.ts';
import type { Services } from '../../service/index.ts';
import { presentPage, presentAccount } from '../present.ts';
import {
  accountInputSchema,
  accountListQuery,
  accountPatchSchema,
  accountSchema,
  bulkBody,
  bulkResultSchema,
  idParams,
  page,
  routeDocs,
} from '../schemas.ts';

const bulkAccountsBody = bulkBody(
  'accounts',
  accountInputSchema,
  100_000,
  'JSON (a list, or {"accounts": [...]}), or CSV text (Content-Type text/csv) with the columns of examples/accounts.csv',
);

export const accountRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const doc = routeDocs('accounts');
  const accounts = services.accounts;

  app.get(
    '/v1/accounts',
    doc(
      'accounts:read',
      'List accounts by id',
      { querystring: accountListQuery },
      page(accountSchema),
    ),
    async (request) => {
      const r = await accounts.listAccounts(request.query);
      return presentPage(r, presentAccount);
    },
  );

  app.post(
    '/v1/accounts',
    doc('accounts:write', 'Create an account', { body: accountInputSchema }, accountSchema, 201),
    async (request, reply) =>
      reply
        .status(201)
        .send(presentAccount(await accounts.createAccount(request.body, requestContext(request)))),
  );

  app.post(
    '/v1/accounts/bulk',
    doc(
      'accounts:write',

      'Create or replace many accounts (JSON or CSV)',
      {
        description:
          'All or nothing: one invalid account rejects the request with every problem listed.',
        body: bulkAccountsBody,
      },
      bulkResultSchema,
    ),
    async (request) => {
      const body = request.body;
      return typeof body === 'string'
        ? accounts.importAccounts(body, 'csv', requestContext(request))
        : accounts.upsertAccounts(
            Array.isArray(body) ? body : body.accounts,
            requestContext(request),
          );
    },
  );

  app.get(
    '/v1/accounts/:id',
    doc('accounts:read', 'An account', { params: idParams }, accountSchema),
    async (request) => presentAccount(await accounts.getAccount(request.params.id)),
  );

  app.patch(
    '/v1/accounts/:id',
    doc(
      'accounts:write',

      'Change an account',
      {
        description: '`attributes` are merged key by key; a null value removes one.',
        params: idParams,
        body: accountPatchSchema,
      },
      accountSchema,
    ),
    async (request) =>
      presentAccount(
        await accounts.updateAccount(request.params.id, request.body, requestContext(request)),
      ),
  );
};
