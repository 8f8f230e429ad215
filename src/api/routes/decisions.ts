/** The decision log: /v1/decisions. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../service/index.ts';
import { presentDecision } from '../present.ts';
import { decisionListQuery, decisionSchema, errorResponses, page } from '../schemas.ts';

export const decisionRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  app.get(
    '/v1/decisions',
    {
      config: { permission: 'decisions:read' },

      schema: {
        tags: ['decisions'],
        summary: 'Routing decisions, newest first, filtered by time, rule, pool, owner and outcome',
        querystring: decisionListQuery,
        response: { 200: page(decisionSchema), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const r = await services.decisions.listDecisions({
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        ruleId: q.rule_id,
        poolId: q.pool_id,
        ownerId: q.owner_id,
        outcome: q.outcome,
        trigger: q.trigger,
        leadId: q.lead_id,
        policyVersion: q.policy_version,
        cursor: q.cursor,
        limit: q.limit,
      });
      return { items: r.items.map(presentDecision), next_cursor: r.nextCursor };
    },
  );
};
