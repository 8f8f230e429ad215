/** Lead intake and lead management: /v1/leads. */
import { requestContext } from '../context.ts';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import {
  hashRequest,
  actorRef,
  ServiceError,
  type IntakeRequest,
  type Services,
} from '../../service/index.ts';
import { fromServiceError } from '../errors.ts';
import {
  presentLead,
  presentLeadAction,
  presentLeadWithDecision,
  presentLeadWithHistory,
  presentTouch,
} from '../present.ts';
import {
  assignSchema,
  batchInputSchema,
  batchResultSchema,
  errorResponses,
  idempotencyHeaders,
  idParams,
  leadActionResultSchema,
  leadInputSchema,
  leadListQuery,
  leadPatchSchema,
  leadSchema,
  leadWithDecisionSchema,
  leadWithHistorySchema,
  page,
  rerouteSchema,
  touchInputSchema,
  touchSchema,
} from '../schemas.ts';

type LeadInput = z.infer<typeof leadInputSchema>;

/**
 * The intake request for one submitted lead. `key` is the header's idempotency key already scoped
 * (`h:` a single request's, `b:` a batch's with the lead's index), keeping a batch's keys apart
 * from any single request's; without one, the intake keys the lead by its external id.
 */
function intakeRequest(
  body: LeadInput,
  key: string | undefined,
  receivedAt: number,
  createdBy?: string,
): IntakeRequest {
  const { external_id: externalId, ...attributes } = body;
  return {
    attributes,
    externalId,
    idempotencyKey: key,
    requestHash: hashRequest(body),
    receivedAt,
    createdBy,
  };
}

/** The submitting actor's reference, stored with the lead. */
function submitter(request: FastifyRequest): string | undefined {
  return request.actor ? actorRef(request.actor) : undefined;
}

function scopedKey(scope: 'h' | 'b', header: string | undefined, index?: number) {
  return header === undefined
    ? undefined
    : `${scope}:${header}${index === undefined ? '' : `#${index}`}`;
}

export const leadRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  /** The lead, or a 404 for an intake credential asking for a lead it did not submit. */
  const ownLead = async (request: FastifyRequest, id: string) => {
    const lead = await services.leads.getLead(id);
    if (request.accessScope === 'own' && lead.createdBy !== submitter(request)) {
      throw new ServiceError('not_found', `lead ${id} not found`);
    }
    return lead;
  };
  app.post(
    '/v1/leads',
    {
      config: { permission: 'leads:create' },

      schema: {
        tags: ['leads'],
        summary: 'Store and route a lead',
        description:
          'Stores the lead, routes it with the policy in force and returns it with its decision, once both are durable. ' +
          "An `Idempotency-Key` header (or the lead's `external_id`) makes retries safe: the same key returns the same lead and decision " +
          '(header `Idempotent-Replayed: true`); the same key with a different body is a 409. ' +
          'No two leads share an external id: sent again under another key, a lead replays the one stored with its external id.',
        headers: idempotencyHeaders,
        body: leadInputSchema,
        response: { 201: leadWithDecisionSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const receivedAt = performance.now();
      const result = await services.intake.submit(
        intakeRequest(
          request.body,
          scopedKey('h', request.headers['idempotency-key']),
          receivedAt,
          submitter(request),
        ),
      );
      if (result.replayed) void reply.header('idempotent-replayed', 'true');
      return reply.status(201).send(presentLeadWithDecision(result));
    },
  );

  app.post(
    '/v1/leads/batch',
    {
      config: { permission: 'leads:create' },

      schema: {
        tags: ['leads'],
        summary: 'Store and route up to 1,000 leads',
        description:
          "Routes the leads in order in one transaction. Each lead's `external_id` is its idempotency key; an `Idempotency-Key` header " +
          'covers the whole batch (lead i gets the key `<key>#i`). A lead whose key conflicts is reported in its place with status 409; ' +
          'the others are stored. An invalid lead rejects the whole batch (400) and nothing is written.',
        headers: idempotencyHeaders,
        body: batchInputSchema,
        response: { 200: batchResultSchema, ...errorResponses },
      },
    },
    async (request) => {
      const receivedAt = performance.now();
      const header = request.headers['idempotency-key'];
      const requests = request.body.leads.map((lead, i) =>
        intakeRequest(lead, scopedKey('b', header, i), receivedAt, submitter(request)),
      );
      const results = await services.intake.submitMany(requests);
      let created = 0;
      let replayed = 0;
      let failed = 0;
      const items = results.map((r, index) => {
        if (r instanceof Error) {
          failed++;
          if (!(r instanceof ServiceError)) throw r;
          const { status, body } = fromServiceError(r);
          return { index, status, error: body.error };
        }
        if (r.replayed) replayed++;
        else created++;
        return { index, status: r.replayed ? 200 : 201, lead: presentLeadWithDecision(r) };
      });
      return { created, replayed, failed, results: items };
    },
  );

  app.get(
    '/v1/leads',
    {
      config: { permission: 'leads:read' },

      schema: {
        tags: ['leads'],
        summary: 'List leads, newest first',
        querystring: leadListQuery,
        response: { 200: page(leadSchema), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const result = await services.leads.listLeads({
        ownerId: q.owner_id,
        status: q.status,
        queueId: q.queue_id,
        externalId: q.external_id,
        // An intake credential reads only the leads it submitted.
        createdBy: request.accessScope === 'own' ? submitter(request) : undefined,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        cursor: q.cursor,
        limit: q.limit,
      });
      return { items: result.items.map(presentLead), next_cursor: result.nextCursor };
    },
  );

  app.get(
    '/v1/leads/:id',
    {
      config: { permission: 'leads:read' },

      schema: {
        tags: ['leads'],
        summary: 'A lead with its decision history (oldest first)',
        params: idParams,
        response: { 200: leadWithHistorySchema, ...errorResponses },
      },
    },
    async (request) => {
      const lead = await ownLead(request, request.params.id);
      return presentLeadWithHistory(lead, await services.lifecycle.readTimeline(lead.id));
    },
  );

  app.patch(
    '/v1/leads/:id',
    {
      config: { permission: 'leads:update' },

      schema: {
        tags: ['leads'],
        summary: "Change a lead's attributes or status",
        description:
          "Closing a lead (converted, disqualified, closed) releases it from its owner's open load; reopening counts it again.",
        params: idParams,
        body: leadPatchSchema,
        response: { 200: leadSchema, ...errorResponses },
      },
    },
    async (request) => {
      const b = request.body;
      if (request.accessScope === 'own') await ownLead(request, request.params.id);
      const lead = await services.leads.patchLead(request.params.id, {
        attributes: b.attributes,
        status: b.status,
        externalId: b.external_id,
      });
      return presentLead(lead);
    },
  );

  app.post(
    '/v1/leads/:id/route',
    {
      config: { permission: 'leads:assign' },

      schema: {
        tags: ['leads'],
        summary: 'Route a lead again now',
        description:
          'Routes the lead with the policy in force, releasing it from its current owner first; recorded as a decision with the reason.',
        params: idParams,
        body: rerouteSchema,
        response: { 200: leadActionResultSchema, ...errorResponses },
      },
    },
    async (request) => {
      const r = await services.leads.rerouteLead(
        request.params.id,
        {
          reason: request.body.reason,
          actor: request.body.actor ?? request.actor?.name ?? undefined,
        },
        requestContext(request),
      );
      return presentLeadAction(r);
    },
  );

  app.post(
    '/v1/leads/:id/assign',
    {
      config: { permission: 'leads:assign' },

      schema: {
        tags: ['leads'],
        summary: 'Assign a lead by hand',
        description:
          'Assigns the lead to an owner regardless of rules and caps; recorded as a decision with the reason.',
        params: idParams,
        body: assignSchema,
        response: { 200: leadActionResultSchema, ...errorResponses },
      },
    },
    async (request) => {
      const b = request.body;
      const r = await services.leads.assignLead(
        request.params.id,
        {
          ownerId: b.owner_id,
          reason: b.reason,
          actor: b.actor ?? request.actor?.name ?? undefined,
        },
        requestContext(request),
      );
      return presentLeadAction(r);
    },
  );

  app.post(
    '/v1/leads/:id/touches',
    {
      config: { permission: 'touches:create' },
      schema: {
        tags: ['leads'],
        summary: 'Record a touch (call, email, meeting, note) on a lead',
        description:
          "The lead's first touch stops its first-response clock (its SLA timers are cancelled) and is kept with the time it took " +
          "on the wall clock and on the SLA's clock (`first_response`). `at` defaults to now; a time in the future or before the " +
          'assignment is a 400 naming `at`. An unknown lead is a 404.',
        params: idParams,
        body: touchInputSchema,
        response: { 201: touchSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      // An intake credential touches only the leads it submitted (the rest are not found).
      if (request.accessScope === 'own') await ownLead(request, request.params.id);
      const result = await services.lifecycle.recordTouch(request.params.id, {
        kind: b.kind,
        at: b.at === undefined ? undefined : Date.parse(b.at),
        note: b.note,
        actor: b.actor ?? request.actor?.name ?? undefined,
      });
      return reply.status(201).send(presentTouch(result));
    },
  );
};
