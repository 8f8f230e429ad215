/** Policy versions: drafts, validation, publishing, the version in force, diffs: /v1/policies. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DraftFields, Services } from '../../service/index.ts';
import { requestContext } from '../context.ts';
import { presentPolicy } from '../present.ts';
import {
  atQuery,
  diffQuery,
  diffSchema,
  idParams,
  page,
  policyInputSchema,
  policyListQuery,
  policySchema,
  policySummarySchema,
  policyWithValidationSchema,
  publishSchema,
  reviewResultSchema,
  reviewSchema,
  rollbackSchema,
  validationSchema,
  routeDocs,
} from '../schemas.ts';

/** JSON fields, or the policy itself as YAML/JSON text (Content-Type application/yaml or text/plain). */
const policyBody = z.union([policyInputSchema, z.string().min(1).max(2_000_000)]);

function draftFields(
  body: z.infer<typeof policyBody>,
  contentType: string | undefined,
): DraftFields {
  if (typeof body === 'string')
    return {
      source: body,
      format: contentType?.includes('json') ? 'json' : /^\s*[{[]/.test(body) ? 'json' : 'yaml',
    };
  return {
    source: body.source,
    format: body.format,
    document: body.document,
    name: body.name,
    author: body.author,
    note: body.note,
    basedOn: body.based_on,
  };
}

export const policyRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const doc = routeDocs('policies');
  const policies = services.policies;

  app.post(
    '/v1/policies',
    doc(
      'policies:write',

      'Create a draft policy version',
      {
        description:
          'Send `{"source": "<YAML>"}` (or `document`), or the YAML itself with Content-Type application/yaml. Drafts may be invalid; the response includes the validation.',
        body: policyBody,
      },
      policyWithValidationSchema,
      201,
    ),
    async (request, reply) => {
      const r = await policies.createDraft(
        draftFields(request.body, request.headers['content-type']),
        requestContext(request),
      );
      return reply.status(201).send({ ...presentPolicy(r), validation: r.validation });
    },
  );

  app.get(
    '/v1/policies',
    doc(
      'policies:read',

      'List policy versions, newest first (without their content)',
      { querystring: policyListQuery },
      page(policySummarySchema),
    ),
    async (request) => {
      const r = await policies.listVersions(request.query);
      return {
        items: r.items.map((p) => {
          const { source: _s, document: _d, ...rest } = presentPolicy(p);
          return rest;
        }),
        next_cursor: r.nextCursor,
      };
    },
  );

  app.get(
    '/v1/policies/active',
    doc(
      'policies:read',
      'The version in force now, or at `at`',
      { querystring: atQuery },
      policySchema,
    ),
    async (request) =>
      presentPolicy(
        await policies.versionInForce(request.query.at ? Date.parse(request.query.at) : undefined),
      ),
  );

  app.get(
    '/v1/policies/diff',
    doc(
      'policies:read',
      'What changed from one version to another',
      { querystring: diffQuery },
      diffSchema,
    ),
    async (request) => policies.diffVersions(request.query.from, request.query.to),
  );

  app.get(
    '/v1/policies/schema',
    {
      config: { permission: 'policies:read' },

      schema: {
        tags: ['policies'],
        summary: 'JSON Schema of the policy document (for editors)',
        response: { 200: z.record(z.string(), z.unknown()) },
      },
    },
    async () => policies.documentSchema(),
  );

  app.post(
    '/v1/policies/validate',
    doc(
      'policies:write',
      'Validate a policy without storing it',
      { body: policyBody },
      validationSchema,
    ),
    async (request) => {
      const f = draftFields(request.body, request.headers['content-type']);
      return policies.validateContent({ source: f.source, format: f.format, document: f.document });
    },
  );

  app.get(
    '/v1/policies/:id',
    doc('policies:read', 'A policy version with its content', { params: idParams }, policySchema),
    async (request) => presentPolicy(await policies.getVersion(request.params.id)),
  );

  app.patch(
    '/v1/policies/:id',
    doc(
      'policies:write',

      'Edit a draft',
      {
        description: 'Published versions are immutable (409): create a new draft with `based_on`.',
        params: idParams,
        body: policyBody,
      },
      policyWithValidationSchema,
    ),
    async (request) => {
      const r = await policies.updateDraft(
        request.params.id,
        draftFields(request.body, request.headers['content-type']),
        requestContext(request),
      );
      return { ...presentPolicy(r), validation: r.validation };
    },
  );

  app.post(
    '/v1/policies/:id/validate',
    doc(
      'policies:write',

      'Errors and warnings of a version, against the current owner directory',
      { params: idParams },
      validationSchema,
    ),
    async (request) => policies.validateVersion(request.params.id),
  );

  app.post(
    '/v1/policies/:id/publish',
    doc(
      'policies:publish',

      'Publish a draft, now or from a future date',
      {
        description:
          'A version dated in the future takes over at that moment on every instance, without a restart. A draft with errors is refused (400, each error listed).',
        params: idParams,
        body: publishSchema.optional(),
      },
      policyWithValidationSchema,
    ),
    async (request) => {
      const b = request.body ?? {};
      const r = await policies.publish(
        request.params.id,
        { effectiveFrom: b.effective_from, author: b.author, note: b.note },
        requestContext(request),
      );
      return { ...presentPolicy(r), validation: r.validation };
    },
  );

  app.post(
    '/v1/policies/:id/rollback',
    doc(
      'policies:publish',
      'Roll back to this version: publish a copy of it',
      {
        description:
          'Publishes a new version with the content of this earlier published version (based on it), effective now or at `effective_from`. 404 when the version does not exist.',
        params: idParams,
        body: rollbackSchema.nullish(),
      },
      policyWithValidationSchema,
    ),
    async (request) => {
      const b = request.body ?? {};
      const r = await policies.rollback(
        request.params.id,
        { effectiveFrom: b.effective_from, note: b.note },
        requestContext(request),
      );
      return { ...presentPolicy(r), validation: r.validation };
    },
  );

  for (const verdict of ['approve', 'reject'] as const) {
    app.post(
      `/v1/policies/:id/${verdict}`,
      doc(
        'policies:approve',
        verdict === 'approve' ? 'Approve a draft for publication' : 'Reject a draft',
        {
          description:
            'A verdict on the draft as it is now: editing it revokes the verdicts given. Publication needs the number of approvals the setting `policies.required_approvals` asks for, by actors other than the publisher, and no standing rejection.',
          params: idParams,
          body: reviewSchema.nullish(),
        },
        reviewResultSchema,
      ),
      async (request) =>
        policies.review(
          request.params.id,
          verdict,
          { comment: request.body?.comment },
          requestContext(request),
        ),
    );
  }
};
