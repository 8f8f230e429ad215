/** Liveness, readiness and Prometheus metrics. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkDatabase, type Services } from '../../service/index.ts';

export const healthRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  app.get(
    '/healthz',
    {
      config: { permission: 'public' },

      schema: {
        tags: ['health'],
        summary: 'The process is up',
        security: [],
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { permission: 'public' },

      schema: {
        tags: ['health'],
        summary: 'The database answers: ready for traffic',
        security: [],
        response: {
          200: z.object({ status: z.literal('ready'), database: z.string() }),
          503: z.object({
            status: z.literal('unavailable'),
            database: z.string(),
            message: z.string(),
          }),
        },
      },
    },
    async (_request, reply) => {
      const health = await checkDatabase(services.store);
      if (health.ready) return { status: 'ready' as const, database: health.database };
      return reply.status(503).send({
        status: 'unavailable' as const,
        database: health.database,
        message: health.message,
      });
    },
  );

  app.get(
    '/metrics',
    {
      config: { permission: 'metrics:read' },
      schema: { tags: ['health'], summary: 'Prometheus metrics', hide: false },
    },
    async (_request, reply) => {
      const registry = services.metrics.registry;
      return reply.header('content-type', registry.contentType).send(await registry.metrics());
    },
  );
};
