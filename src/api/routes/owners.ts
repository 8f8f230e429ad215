/** The owner directory and availability: /v1/owners. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../service/index.ts';
import { checkAvailabilityKeys, requestContext } from '../context.ts';
import { presentPage, presentAvailability, presentOwner } from '../present.ts';
import {
  availabilityQuery,
  availabilitySchema,
  bulkBody,
  bulkResultSchema,
  idParams,
  outOfOfficeSchema,
  ownerInputSchema,
  ownerListQuery,
  ownerPatchSchema,
  ownerSchema,
  page,
  pauseSchema,
  routeDocs,
} from '../schemas.ts';

const bulkOwnersBody = bulkBody(
  'owners',
  ownerInputSchema,
  10_000,
  'JSON (a list, or {"owners": [...]}), or the owners file as text/csv or application/yaml',
);

export const ownerRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const doc = routeDocs('owners');
  const owners = services.owners;

  app.get(
    '/v1/owners',
    doc('owners:read', 'List owners by id', { querystring: ownerListQuery }, page(ownerSchema)),
    async (request) => {
      const r = await owners.listOwners(request.query);
      return presentPage(r, presentOwner);
    },
  );

  app.post(
    '/v1/owners',
    doc('owners:write', 'Create an owner', { body: ownerInputSchema }, ownerSchema, 201),
    async (request, reply) =>
      reply
        .status(201)
        .send(presentOwner(await owners.createOwner(request.body, requestContext(request)))),
  );

  app.post(
    '/v1/owners/bulk',
    doc(
      'owners:write',

      'Create or replace many owners',
      {
        description:
          'All or nothing: one invalid owner rejects the request with every problem listed.',
        body: bulkOwnersBody,
      },
      bulkResultSchema,
    ),
    async (request) => {
      const body = request.body;
      if (typeof body !== 'string')
        return owners.upsertOwners(
          Array.isArray(body) ? body : body.owners,
          requestContext(request),
        );
      const type = String(request.headers['content-type'] ?? '');
      return owners.importOwners(
        body,
        type.includes('csv') ? 'csv' : 'yaml',
        requestContext(request),
      );
    },
  );

  app.get(
    '/v1/owners/:id',
    doc('owners:read', 'An owner with current load', { params: idParams }, ownerSchema),
    async (request) => presentOwner(await owners.getOwner(request.params.id)),
  );

  app.patch(
    '/v1/owners/:id',
    doc(
      'owners:availability',

      'Change an owner (availability, caps, hours, skills…)',
      { params: idParams, body: ownerPatchSchema },
      ownerSchema,
    ),
    async (request) => {
      checkAvailabilityKeys(request, request.body);
      return presentOwner(
        await owners.updateOwner(request.params.id, request.body, requestContext(request)),
      );
    },
  );

  app.post(
    '/v1/owners/:id/pause',
    doc(
      'owners:availability',
      'Pause an owner',
      { params: idParams, body: pauseSchema.optional() },
      ownerSchema,
    ),
    async (request) =>
      presentOwner(
        await owners.pauseOwner(request.params.id, request.body?.until, requestContext(request)),
      ),
  );

  app.post(
    '/v1/owners/:id/resume',
    doc('owners:availability', 'Resume a paused owner', { params: idParams }, ownerSchema),
    async (request) =>
      presentOwner(await owners.resumeOwner(request.params.id, requestContext(request))),
  );

  app.post(
    '/v1/owners/:id/out-of-office',
    doc(
      'owners:availability',

      'Add an out-of-office window',
      {
        description:
          'Windows that have ended are dropped; replace the whole list with PATCH `out_of_office`.',
        params: idParams,
        body: outOfOfficeSchema,
      },
      ownerSchema,
    ),
    async (request) =>
      presentOwner(
        await owners.addOutOfOffice(request.params.id, request.body, requestContext(request)),
      ),
  );

  app.get(
    '/v1/owners/:id/availability',
    doc(
      'owners:read',

      'Whether an owner can take a lead now (or at a time)',
      { params: idParams, querystring: availabilityQuery },
      availabilitySchema,
    ),
    async (request) =>
      presentAvailability(
        await owners.checkOwnerAvailability(
          request.params.id,
          request.query.at ? Date.parse(request.query.at) : undefined,
        ),
      ),
  );
};
