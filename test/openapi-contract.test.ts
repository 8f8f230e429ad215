/**
 * The API's contract: /openapi.json is a valid OpenAPI document by a standard validator, names every
 * route the app serves under /v1, and the typed client committed in web/src/api is generated from
 * it and works against the app. The calls marked `@ts-expect-error` below are the compile-time half:
 * `npm run typecheck` fails if the client stops rejecting a wrong path or body.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CLIENT_TYPES_PATH, renderClientTypes } from '../scripts/generate-client.ts';
import { createApiClient, type ApiClient, type Schemas } from '../web/src/api/client.ts';
import { createTestContext, json, seed, type TestContext } from './service-harness.ts';

/** The HTTP methods of an OpenAPI path item. */
type PathItem = Partial<Record<string, unknown>>;
interface Document {
  openapi: string;
  paths: Record<string, PathItem>;
}

/**
 * Every route the app registers, as `METHOD /path`, read from Fastify's route tree (Fastify lists
 * routes no other way). A line the reader does not understand fails the test rather than being
 * skipped, so a change in the tree's format cannot hide a route.
 */
function listRoutes(app: FastifyInstance): string[] {
  const routes: string[] = [];
  const parents: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    if (line.trim() === '') continue;
    const match = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) throw new Error(`unexpected line in the route tree: ${JSON.stringify(line)}`);
    const depth = match[1]!.length / 4;
    const path = (depth > 0 ? parents[depth - 1]! : '') + match[2]!;
    parents.length = depth;
    parents.push(path);
    for (const method of match[3]?.split(', ') ?? []) routes.push(`${method} ${path}`);
  }
  return routes;
}

/**
 * Every Schema Object of a document, by where it is: the shared ones and those written in place
 * in parameters, request bodies and responses.
 */
function listSchemas(value: unknown, at = '#'): [string, object][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => listSchemas(v, `${at}/${i}`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]): [string, object][] => {
    if (at === '#/components/schemas' || key === 'schema') return [[`${at}/${key}`, v as object]];
    return listSchemas(v, `${at}/${key}`);
  });
}

/** Paths in a document where a keyword of OpenAPI 3.0's own schema dialect is used. */
function findKeyword(value: unknown, keyword: string, at = '#'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => findKeyword(v, keyword, `${at}/${i}`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => [
    ...(key === keyword ? [`${at}/${key}`] : []),
    ...findKeyword(v, keyword, `${at}/${key}`),
  ]);
}

describe('the OpenAPI document', () => {
  let t: TestContext;
  let doc: Document;

  beforeAll(async () => {
    t = await createTestContext();
    doc = json(await t.app.inject({ method: 'GET', url: '/openapi.json' }));
  });
  afterAll(() => t.close());

  it('is valid by a standard validator, without warnings', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      // A copy: the validator resolves references in the object it is given.
      await SwaggerParser.validate(structuredClone(doc) as never);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('has schemas that are valid JSON Schema 2020-12, the dialect of OpenAPI 3.1', () => {
    // The OpenAPI validator checks the document's structure but takes any object as a schema.
    const ajv = new Ajv2020({ validateFormats: false });
    const schemas = listSchemas(doc);
    expect(schemas.length).toBeGreaterThan(50);
    const invalid = schemas
      .filter(([, schema]) => !ajv.validateSchema(schema))
      .map(([at]) => `${at}: ${ajv.errorsText(ajv.errors)}`);
    expect(invalid).toEqual([]);
  });

  it('declares OpenAPI 3.1 and uses its schema dialect throughout (no 3.0 `nullable`)', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    // 3.1 validators ignore `nullable`; a client generator would then type a nullable field as
    // never null.
    expect(findKeyword(doc, 'nullable')).toEqual([]);
  });

  it('names every route the app serves under /v1, with its method', () => {
    const routes = listRoutes(t.app)
      .filter((route) => route.includes(' /v1/') && !route.startsWith('HEAD '))
      .map((route) => route.replace(/:(\w+)/g, '{$1}'));
    // The reader of the route tree found the routes (a guard on the reader itself).
    expect(routes).toContain('POST /v1/leads');
    expect(routes).toContain('POST /v1/policies/{id}/publish');
    expect(routes.length).toBeGreaterThan(25);
    const missing = routes.filter((route) => {
      const [method, path] = route.split(' ') as [string, string];
      return doc.paths[path]?.[method.toLowerCase()] === undefined;
    });
    expect(missing).toEqual([]);
  });

  it('is what the committed client types were generated from', async () => {
    const committed = readFileSync(new URL(`../${CLIENT_TYPES_PATH}`, import.meta.url), 'utf8');
    expect(
      committed === (await renderClientTypes(doc)),
      `${CLIENT_TYPES_PATH} is stale: run \`npm run client:generate\` and commit it`,
    ).toBe(true);
  });
});

describe('the typed client', () => {
  let t: TestContext;
  let api: ApiClient;

  beforeAll(async () => {
    t = await createTestContext();
    await seed(t.app);
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as AddressInfo;
    // Every request carries the harness's admin token, as a script would carry its own.
    api = createApiClient(`http://127.0.0.1:${port}`, (request) => {
      request.headers.set('authorization', `Bearer ${t.adminToken}`);
      return fetch(request);
    });
  });
  afterAll(() => t.close());

  it('stores a lead and reads it back, typed end to end', async () => {
    const created = await api.POST('/v1/leads', {
      body: { external_id: 'crm-1', email: 'ada@example.com', country: 'FR' },
    });
    expect(created.response.status).toBe(201);
    const lead: Schemas['LeadWithDecision'] | undefined = created.data;
    expect(lead?.decision.outcome).toBe('assigned');

    const read = await api.GET('/v1/leads/{id}', { params: { path: { id: lead!.id } } });
    expect(read.data?.owner_id).toBe(lead!.owner_id);

    const owners = await api.GET('/v1/owners', { params: { query: { limit: 2 } } });
    expect(owners.data?.items.map((owner) => owner.id)).toEqual(['ana', 'ben']);
  });

  it('gives an error in the documented shape', async () => {
    const missing = await api.GET('/v1/leads/{id}', { params: { path: { id: 'no-such-lead' } } });
    expect(missing.response.status).toBe(404);
    const error: Schemas['Error'] | undefined = missing.error;
    expect(error?.error.code).toBe('not_found');
  });

  it('rejects at compile time what the server rejects at run time', async () => {
    // @ts-expect-error: no such path
    const unknown = await api.GET('/v1/no-such-path');
    expect(unknown.response.status).toBe(404);

    // @ts-expect-error: the bulk upload's body needs `owners`
    const noOwners = await api.POST('/v1/owners/bulk', { body: { people: [] } });
    expect(noOwners.response.status).toBe(400);

    // @ts-expect-error: a lead's id is a path parameter, required
    const noId = await api.GET('/v1/leads/{id}', {});
    expect([400, 404]).toContain(noId.response.status);
  });
});
