/**
 * The API's contract: an OpenAPI document at /openapi.json, generated from the routes' zod schemas,
 * and a browsable page at /docs. The typed client in web/src/api is generated from this document
 * (`npm run client:generate`), and test/openapi-contract.test.ts checks it with a standard validator.
 *
 * Why OpenAPI 3.1 and not 3.0: zod 4 writes JSON Schema draft 2020-12, which is what 3.1's Schema
 * Object is, so the schemas go into the document as zod writes them. In 3.0 every nullable field
 * would have to be rewritten as `nullable: true` (3.0 has no `type: "null"`), and
 * fastify-type-provider-zod does that only for schemas written inline in a route, not for the
 * shared ones under `components` (`Owner`, `PolicyDraft`, …), which is how a document declaring
 * 3.0.3 came to carry 3.1's `type: "null"` and fail validation. Declaring 3.1 makes both kinds of
 * schema speak the same dialect, loses nothing in translation, and is read by the tools we use
 * (Swagger UI 5, openapi-typescript 7, @apidevtools/swagger-parser).
 */
import fastifySwagger, { type SwaggerTransformObject } from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

/** The OpenAPI version the document declares (see the module comment for why 3.1). */
export const OPENAPI_VERSION = '3.1.0';

/** Where the document is served. */
export const OPENAPI_PATH = '/openapi.json';

/** Options of the document. */
export interface OpenApiOptions {
  /** Version of the API shown in the document's `info`. */
  version?: string;
}

/**
 * The document with the shared schemas (`components.schemas`) as plain 3.1 Schema Objects. zod
 * writes each of them as a standalone JSON Schema, with `$schema` and an `$id` of
 * `#/components/schemas/<name>`; in the document the dialect is the document's (3.1's default,
 * draft 2020-12), and JSON Schema forbids a fragment in `$id`, so a schema validator rejects them
 * (the OpenAPI validators do not look inside schemas; test/openapi-contract.test.ts does).
 */
const withSharedSchemasInPlace: SwaggerTransformObject = (input) => {
  const document = jsonSchemaTransformObject(input);
  // A record built afresh by each call of the transform: replacing its entries changes nothing else.
  const schemas: Record<string, object> =
    ('components' in document ? document.components?.schemas : undefined) ?? {};
  for (const [name, schema] of Object.entries(schemas)) {
    const { $id: _id, $schema: _dialect, ...rest } = schema as Record<string, unknown>;
    schemas[name] = rest;
  }
  return document;
};

/**
 * Registers the document and the /docs page on the root instance. Call it before the routes are
 * registered: the document is made of the routes added after it.
 */
export async function registerOpenApi(
  app: FastifyInstance,
  options: OpenApiOptions = {},
): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: OPENAPI_VERSION,
      info: {
        title: 'leadrouter',
        description:
          'Lead routing service: store a lead, route it to the right owner with the policy in force, and say why. ' +
          'Errors are `{"error": {"code", "message", "details": [{"path", "message"}]}}`.',
        version: options.version ?? '0.1.0',
      },
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description:
              'An API token (`lr_live_…`): `leadrouter tokens create`, POST /v1/tokens, or printed at first start',
          },
          sessionCookie: {
            type: 'apiKey',
            in: 'cookie',
            name: 'lr_session',
            description:
              'The session cookie set by POST /v1/auth/login; changes also send X-CSRF-Token',
          },
        },
      },
      security: [{ bearerAuth: [] }, { sessionCookie: [] }],
      tags: [
        { name: 'leads', description: 'Intake, history, status, re-routing and manual assignment' },
        { name: 'owners', description: 'The owner directory and availability' },
        { name: 'accounts', description: 'Accounts leads are matched to' },
        { name: 'policies', description: 'Versioned routing policies' },
        { name: 'decisions', description: 'The decision log' },
        { name: 'health', description: 'Health and metrics' },
        { name: 'auth', description: 'Logging in and out (dashboard sessions)' },
        { name: 'access', description: 'API tokens, users, the audit log and server settings' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: withSharedSchemasInPlace,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get(OPENAPI_PATH, { schema: { hide: true }, config: { permission: 'public' } }, async () =>
    app.swagger(),
  );
}
