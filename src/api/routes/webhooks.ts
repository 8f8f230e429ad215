/** Webhook subscriptions and their delivery logs: /v1/webhooks. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../service/index.ts';
import { requestContext } from '../context.ts';
import { presentWebhook, presentWebhookDelivery } from '../present.ts';
import {
  idParams,
  page,
  routeDocs,
  webhookDeliveryListQuery,
  webhookDeliveryParams,
  webhookDeliverySchema,
  webhookInputSchema,
  webhookPatchSchema,
  webhookSchema,
  webhookWithSecretSchema,
} from '../schemas.ts';

export const webhookRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const doc = routeDocs('webhooks');
  const webhooks = services.webhooks;

  app.post(
    '/v1/webhooks',
    doc(
      'webhooks:manage',
      'Subscribe a URL to events',
      {
        description:
          'Deliveries are signed in the Standard Webhooks format with the subscription secret, returned in this response only.',
        body: webhookInputSchema,
      },
      webhookWithSecretSchema,
      201,
    ),
    async (request, reply) => {
      const b = request.body;
      const created = await webhooks.createSubscription(
        {
          url: b.url,
          eventTypes: b.event_types,
          description: b.description,
          active: b.active,
          secret: b.secret,
        },
        requestContext(request),
      );
      return reply.status(201).send({ ...presentWebhook(created), secret: created.secret });
    },
  );

  app.get(
    '/v1/webhooks',
    doc(
      'webhooks:read',
      'List webhook subscriptions',
      {},
      z.object({ items: z.array(webhookSchema) }),
    ),
    async () => ({ items: (await webhooks.listSubscriptions()).map(presentWebhook) }),
  );

  app.get(
    '/v1/webhooks/:id',
    doc(
      'webhooks:read',
      'A webhook subscription (without its secret)',
      { params: idParams },
      webhookSchema,
    ),
    async (request) => presentWebhook(await webhooks.getSubscription(request.params.id)),
  );

  app.patch(
    '/v1/webhooks/:id',
    doc(
      'webhooks:manage',
      'Change a subscription: url, event types, description, active',
      { params: idParams, body: webhookPatchSchema },
      webhookSchema,
    ),
    async (request) => {
      const b = request.body;
      return presentWebhook(
        await webhooks.patchSubscription(
          request.params.id,
          {
            url: b.url,
            eventTypes: b.event_types,
            description: b.description,
            active: b.active,
          },
          requestContext(request),
        ),
      );
    },
  );

  app.delete(
    '/v1/webhooks/:id',
    doc(
      'webhooks:manage',
      'Delete a subscription and its delivery log',
      { params: idParams },
      z.null(),
      204,
    ),
    async (request, reply) => {
      await webhooks.deleteSubscription(request.params.id, requestContext(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v1/webhooks/:id/deliveries',
    doc(
      'webhooks:read',
      'Deliveries of a subscription, newest first',
      { params: idParams, querystring: webhookDeliveryListQuery },
      page(webhookDeliverySchema),
    ),
    async (request) => {
      const q = request.query;
      const r = await webhooks.listDeliveries(request.params.id, {
        status: q.status,
        cursor: q.cursor,
        limit: q.limit,
      });
      return { items: r.items.map(presentWebhookDelivery), next_cursor: r.nextCursor };
    },
  );

  app.post(
    '/v1/webhooks/:id/deliveries/:delivery_id/redeliver',
    doc(
      'webhooks:manage',
      'Send one delivery again now, with a fresh retry window',
      { params: webhookDeliveryParams },
      webhookDeliverySchema,
      202,
    ),
    async (request, reply) => {
      const d = await webhooks.redeliver(
        request.params.id,
        request.params.delivery_id,
        requestContext(request),
      );
      return reply.status(202).send(presentWebhookDelivery(d));
    },
  );

  app.post(
    '/v1/webhooks/:id/test',
    doc(
      'webhooks:manage',
      'Send a webhook.ping event to this subscription',
      {
        description: 'The ping is queued at once; its outcome shows in the delivery log.',
        params: idParams,
      },
      webhookDeliverySchema,
      202,
    ),
    async (request, reply) => {
      const d = await webhooks.sendTestEvent(request.params.id);
      return reply.status(202).send(presentWebhookDelivery(d));
    },
  );
};
