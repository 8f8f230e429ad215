/**
 * Exactness across processes: three `leadrouter serve` processes on one PostgreSQL database,
 * 3,000 leads from 32 concurrent clients to a three-owner round-robin pool must give exactly 1,000
 * each; with a cap of 500 open leads on one owner, that owner never gets more than 500.
 * Also: a second process on an embedded data directory fails at once with a clear message.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createServices } from '../src/service/index.ts';
import { openStore } from '../src/store/database.ts';
import {
  createTestDatabase,
  createTestToken,
  TEST_DATABASE_URL,
  type TestDatabase,
} from './service-harness.ts';
import { startServer, stopServer, type Server } from './server-processes.ts';

const POLICY = `
default_queue: triage
queues: { triage: {} }
pools:
  rr: { strategy: round_robin, members: [ana, ben, cai] }
  capped: { strategy: round_robin, members: [dan, eve, fay] }
rules:
  - id: capped
    when: { source: capped }
    assign: { pool: capped }
  - id: everyone
    assign: { pool: rr }
`;

describe.runIf(TEST_DATABASE_URL)('three server processes on one PostgreSQL database', () => {
  let db: TestDatabase | undefined;
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map(stopServer));
    await db?.drop();
  });

  it(
    'assigns exactly 1,000 leads to each of three owners, and never more than the cap of 500 to one',
    { timeout: 240_000 },
    async () => {
      db = await createTestDatabase();
      const store = await openStore({ ...db.storeOptions });
      const services = createServices({ store });
      await services.owners.upsertOwners(
        ['ana', 'ben', 'cai', 'dan', 'eve', 'fay'].map((id) => ({
          id,
          time_zone: 'UTC',
          ...(id === 'dan' && { caps: { max_open: 500 } }),
        })),
      );
      const draft = await services.policies.createDraft({ source: POLICY });
      await services.policies.publish(draft.id, {});
      const token = await createTestToken(services, 'intake');
      await store.close();

      const env = {
        DATABASE_URL: TEST_DATABASE_URL!,
        LEADROUTER_DATABASE_SCHEMA: db.storeOptions.schema!,
      };
      servers.push(...(await Promise.all([1, 2, 3].map(() => startServer(env)))));

      const send = async (count: number, source: string) => {
        let next = 0;
        const failures: string[] = [];
        await Promise.all(
          Array.from({ length: 32 }, async (_, client) => {
            for (let i = next++; i < count; i = next++) {
              const server = servers[(client + i) % servers.length]!;
              const res = await fetch(`${server.url}/v1/leads`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
                body: JSON.stringify({
                  email: `${source}-${i}@example.org`,
                  source,
                  external_id: `${source}-${i}`,
                }),
              });
              if (res.status !== 201) failures.push(`${res.status} ${await res.text()}`);
              else await res.arrayBuffer();
            }
          }),
        );
        expect(failures).toEqual([]);
      };

      await send(3000, 'web');
      await send(3000, 'capped');

      const check = await openStore({ ...db.storeOptions, migrate: false });
      try {
        const rows = await check.db
          .selectFrom('leads')
          .select(['owner_id', (eb) => eb.fn.countAll<string>().as('n')])
          .groupBy('owner_id')
          .execute();
        const counts = Object.fromEntries(rows.map((r) => [r.owner_id ?? 'none', Number(r.n)]));
        expect({ ana: counts.ana, ben: counts.ben, cai: counts.cai }).toEqual({
          ana: 1000,
          ben: 1000,
          cai: 1000,
        });
        expect(counts.dan).toBe(500);
        expect(counts.eve! + counts.fay!).toBe(2500);
        expect(Math.abs(counts.eve! - counts.fay!)).toBeLessThanOrEqual(1);
        const state = await check.db
          .selectFrom('routing_owners')
          .select(['owner_id', 'open'])
          .execute();
        expect(Object.fromEntries(state.map((s) => [s.owner_id, s.open]))).toMatchObject({
          ana: 1000,
          ben: 1000,
          cai: 1000,
          dan: 500,
        });
        const decisions = await check.db
          .selectFrom('decisions')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow();
        expect(Number(decisions.n)).toBe(6000);
      } finally {
        await check.close();
      }
    },
  );
});

describe('an embedded data directory', () => {
  let db: TestDatabase | undefined;
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map(stopServer));
    await db?.drop();
  });

  it.skipIf(TEST_DATABASE_URL)(
    'refuses a second process at once, naming the directory and the process holding it',
    { timeout: 60_000 },
    async () => {
      db = await createTestDatabase();
      const env = { LEADROUTER_DATA_DIR: db.storeOptions.dataDir!, DATABASE_URL: '' };
      const first = await startServer(env);
      servers.push(first);
      const started = Date.now();
      const second = startServer(env);
      await expect(second).rejects.toThrow(/exited with 1/);
      const message = await second.catch((e: Error) => e.message);
      expect(message).toContain(db.storeOptions.dataDir!);
      expect(message).toContain(`process ${first.child.pid}`);
      expect(Date.now() - started).toBeLessThan(15_000);
      // The first one keeps serving.
      expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    },
  );
});
