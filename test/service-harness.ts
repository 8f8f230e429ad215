/**
 * Test support for the service, API and store suites: a fresh database per test file, on PGlite
 * by default or on PostgreSQL when TEST_DATABASE_URL is set, and an app built on it.
 *
 * PGlite: creating a data directory takes seconds, copying one a fraction of that. The first test
 * file to need it builds a migrated template directory (keyed by the migrations and the PGlite
 * version, under an exclusive lock so parallel workers build it once); every file copies it.
 * PostgreSQL: every file gets its own schema, dropped at the end.
 */
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { buildApp } from '../src/api/app.ts';
import {
  createServices,
  SYSTEM_CONTEXT,
  type Services,
  type ServicesOptions,
} from '../src/service/index.ts';
import { openStore, PGLITE_SUBDIR, quoteIdent, type Store } from '../src/store/database.ts';
import { listMigrations } from '../src/store/migrate.ts';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const DATABASE_KIND = TEST_DATABASE_URL ? 'postgres' : 'pglite';

export interface TestDatabase {
  /** Options for openStore that reach this database. */
  storeOptions: { databaseUrl?: string; schema?: string; dataDir?: string };
  /** PostgreSQL: the schema; PGlite: the data directory. */
  where: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (TEST_DATABASE_URL) {
    const schema = `lr_test_${randomBytes(6).toString('hex')}`;
    return {
      storeOptions: { databaseUrl: TEST_DATABASE_URL, schema },
      where: schema,
      drop: () => dropSchema(schema),
    };
  }
  const template = await pgliteTemplate();
  const dir = join(tmpdir(), `leadrouter-test-${process.pid}-${randomBytes(6).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  cpSync(join(template, PGLITE_SUBDIR), join(dir, PGLITE_SUBDIR), { recursive: true });
  return {
    storeOptions: { dataDir: dir },
    where: dir,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

/** The migrated PGlite template directory, built once per migrations version. */
async function pgliteTemplate(): Promise<string> {
  const migrations = listMigrations();
  const pgliteVersion = (
    JSON.parse(
      readFileSync(
        new URL('../node_modules/@electric-sql/pglite/package.json', import.meta.url),
        'utf8',
      ),
    ) as { version: string }
  ).version;
  const hash = createHash('sha256')
    .update(pgliteVersion)
    .update(migrations.map((m) => `${m.name}\n${m.sql}`).join('\n'))
    .digest('hex')
    .slice(0, 16);
  const template = join(tmpdir(), `leadrouter-pglite-template-${hash}`);
  if (existsSync(join(template, 'ready'))) return template;
  const lock = `${template}.lock`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (existsSync(join(template, 'ready'))) return template;
    try {
      mkdirSync(lock);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // Another worker is building it; a lock older than three minutes was abandoned.
      if (Date.now() - statSync(lock).mtimeMs > 180_000)
        rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for the PGlite template ${template}`);
      await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    try {
      const building = `${template}.building-${process.pid}`;
      rmSync(building, { recursive: true, force: true });
      const store = await openStore({ dataDir: building });
      await store.close();
      rmSync(join(building, 'leadrouter.lock'), { force: true });
      mkdirSync(join(building, 'ready'));
      rmSync(template, { recursive: true, force: true });
      renameSync(building, template);
      return template;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** A database, its store, the services and the app, for one test file. */
export interface TestContext {
  db: TestDatabase;
  store: Store;
  services: Services;
  /**
   * The app. Its `inject` sends the harness's admin token unless the request names its own
   * `authorization` header (or sets it to '' to send none).
   */
  app: FastifyInstance;
  /** The admin token's secret (the harness creates it). */
  adminToken: string;
  /** Creates a token of a role (a manager's team: `team`) and returns its secret. */
  tokenFor(role: string, team?: string): Promise<string>;
  /** The services' clock; tests move it with `setNow`. */
  now(): number;
  setNow(ms: number): void;
  close(): Promise<void>;
}

/** Opens a fresh database and builds the app on it (responses validated against their schemas). */
export async function createTestContext(
  options: { now?: number; services?: Partial<ServicesOptions> } = {},
): Promise<TestContext> {
  const db = await createTestDatabase();
  const store = await openStore({ ...db.storeOptions, poolSize: 12 });
  let now = options.now ?? Date.now();
  const services = createServices({ store, clock: () => now, ...options.services });
  const app = await buildApp(services, {
    logger: 'silent',
    validateResponses: true,
    bodyLimit: 1024 * 1024,
    rateLimits: false,
  });
  const tokenFor = async (role: string, team?: string) =>
    (await services.access.createToken({ name: `test ${role}`, role, team }, SYSTEM_CONTEXT))
      .secret;
  const adminToken = await tokenFor('admin');
  authenticateByDefault(app, adminToken);
  return {
    db,
    store,
    services,
    app,
    adminToken,
    tokenFor,
    now: () => now,
    setNow: (ms) => {
      now = ms;
    },
    close: async () => {
      await app.close();
      await store.close();
      await db.drop();
    },
  };
}

/** A token of `role` made straight in the database, for tests that talk to server processes. */
export async function createTestToken(services: Services, role = 'admin'): Promise<string> {
  return (await services.access.createToken({ name: `test ${role}`, role }, SYSTEM_CONTEXT)).secret;
}

/**
 * Makes `app.inject` send `Authorization: Bearer <token>` unless the request gives its own
 * authorization header; an empty one sends none (a request without a credential).
 */
export function authenticateByDefault(app: FastifyInstance, token: string): void {
  const inject = app.inject.bind(app) as (
    options: InjectOptions,
  ) => Promise<LightMyRequestResponse>;
  const withToken = (options: InjectOptions | string) => {
    const o: InjectOptions = typeof options === 'string' ? { url: options } : options;
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    for (const [k, v] of Object.entries(o.headers ?? {})) {
      if (v !== undefined) headers[k.toLowerCase()] = String(v);
    }
    if (headers.authorization === '') delete headers.authorization;
    return inject({ ...o, headers });
  };
  (app as { inject: unknown }).inject = withToken;
}

/** JSON body of an inject response, typed loosely for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function json(response: LightMyRequestResponse): any {
  return JSON.parse(response.body);
}

/** A small policy: Germany to dora, everyone else round-robin over ana, ben, cai. */
export const BASIC_POLICY = `
name: test policy
default_queue: triage
queues:
  triage: { name: Triage }
pools:
  rr:
    strategy: round_robin
    members: [ana, ben, cai]
rules:
  - id: germany
    when: { country: DE }
    assign: { owner: dora }
    fallback: [{ queue: triage }]
  - id: everyone
    assign: { pool: rr }
`;

/** Owners always at work (no working hours), in UTC. */
export const BASIC_OWNERS = ['ana', 'ben', 'cai', 'dora'].map((id) => ({
  id,
  name: id[0]!.toUpperCase() + id.slice(1),
  time_zone: 'UTC',
}));

/** Loads owners and publishes a policy through the API; returns the policy version id. */
export async function seed(
  app: FastifyInstance,
  policy = BASIC_POLICY,
  owners: unknown[] = BASIC_OWNERS,
): Promise<string> {
  const o = await app.inject({ method: 'POST', url: '/v1/owners/bulk', payload: { owners } });
  if (o.statusCode !== 200) throw new Error(`seeding owners failed: ${o.body}`);
  const draft = await app.inject({
    method: 'POST',
    url: '/v1/policies',
    payload: { source: policy },
  });
  if (draft.statusCode !== 201) throw new Error(`seeding the policy failed: ${draft.body}`);
  const id = json(draft).id as string;
  const published = await app.inject({
    method: 'POST',
    url: `/v1/policies/${id}/publish`,
    payload: {},
  });
  if (published.statusCode !== 200) throw new Error(`publishing failed: ${published.body}`);
  return id;
}
