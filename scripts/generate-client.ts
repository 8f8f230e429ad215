/**
 * `npm run client:generate`: writes web/src/api/openapi.d.ts, the types of the HTTP API, from the
 * OpenAPI document the app serves. The dashboard talks to the API through web/src/api/client.ts,
 * typed by this file; test/openapi-contract.test.ts regenerates it in memory and fails when the
 * committed file differs, so a change to a route's schema comes with the regenerated types.
 */
import { realpathSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from 'openapi-typescript';
import * as prettier from 'prettier';
import { createTestContext } from '../test/service-harness.ts';

/** The generated types, relative to the repository root. */
export const CLIENT_TYPES_PATH = 'web/src/api/openapi.d.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The TypeScript types of an OpenAPI document, formatted as the repository formats its code (so
 * `npm run format` leaves the committed file as it is).
 */
export async function renderClientTypes(document: unknown): Promise<string> {
  // A copy: openapi-typescript resolves references in the object it is given.
  const ast = await openapiTS(structuredClone(document) as OpenAPI3, { silent: true });
  const header = COMMENT_HEADER.replace(
    ' */',
    ' * Generated from the OpenAPI document of the app: run `npm run client:generate`.\n */',
  );
  const source = header + astToString(ast);
  const target = `${ROOT}${CLIENT_TYPES_PATH}`;
  const config = await prettier.resolveConfig(target);
  return prettier.format(source, { ...config, filepath: target });
}

/**
 * The document the app serves at /openapi.json. The app is built as the tests build it (on a fresh
 * embedded database): the document describes the routes and never calls them.
 */
export async function fetchOpenApiDocument(): Promise<unknown> {
  const t = await createTestContext();
  try {
    const response = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    if (response.statusCode !== 200) {
      throw new Error(`GET /openapi.json answered ${response.statusCode}: ${response.body}`);
    }
    return JSON.parse(response.body) as unknown;
  } finally {
    await t.close();
  }
}

async function main(): Promise<void> {
  const types = await renderClientTypes(await fetchOpenApiDocument());
  writeFileSync(`${ROOT}${CLIENT_TYPES_PATH}`, types);
  console.log(`wrote ${CLIENT_TYPES_PATH}`);
}

// Run as a script (not imported by the test).
if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  await main();
}
