/** Touches: POST /v1/leads/{id}/touches records a contact; the first stops the first-response clock. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../service/index.ts';
import { presentTouch } from '../present.ts';
import { errorResponses, idParams, touchInputSchema, touchSchema } from '../schemas.ts';

export const touchRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  app.post(
    '/v1/leads/:id/touches',
    {
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
      const result = await services.lifecycle.recordTouch(request.params.id, {
        kind: b.kind,
        at: b.at === undefined ? undefined : Date.parse(b.at),
        note: b.note,
        actor: b.actor,
      });
      return reply.status(201).send(presentTouch(result));
    },
  );
};
