/**
 * SLA timers across real `leadrouter serve` processes: killed with SIGKILL while deadlines are
 * pending, a restarted server fires each exactly once (on PGlite, and on PostgreSQL with
 * TEST_DATABASE_URL).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createServices } from '../src/service/index.ts';
import { openStore } from '../src/store/database.ts';
import {
  createTestDatabase,
  createTestToken,
  DATABASE_KIND,
  TEST_DATABASE_URL,
  type TestDatabase,
} from './service-harness.ts';
import { startServer, stopServer, type Server } from './server-processes.ts';

const policy = (within: string) => `
default_queue: triage
queues: { triage: {} }
pools:
  rr: { strategy: round_robin, members: [o1, o2, o3, o4, o5] }
slas:
  demo: { first_response_within: ${within}, clock: wall, on_breach: [reassign] }
default_sla: demo
rules:
  - id: everyone
    assign: { pool: rr }
`;

/** Seeds owners and the SLA policy; returns a token that sends leads and reads metrics. */
async function seedDatabase(db: TestDatabase, within: string): Promise<string> {
  const store = await openStore({ ...db.storeOptions });
  const services = createServices({ store });
  await services.owners.upsertOwners(
    ['o1', 'o2', 'o3', 'o4', 'o5'].map((id) => ({ id, time_zone: 'UTC' })),
  );
  const draft = await services.policies.createDraft({ source: policy(within) });
  await services.policies.publish(draft.id, {});
  const token = await createTestToken(services);
  await store.close();
  return token;
}

async function sendLeads(
  servers: Server[],
  token: string,
  count: number,
  clients = 16,
): Promise<void> {
  let next = 0;
  const failures: string[] = [];
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = next++; i < count; i = next++) {
        const res = await fetch(`${servers[(c + i) % servers.length]!.url}/v1/leads`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ email: `l${i}@example.org` }),
        });
        if (res.status !== 201) failures.push(`${res.status} ${await res.text()}`);
        else await res.arrayBuffer();
      }
    }),
  );
  expect(failures).toEqual([]);
}

async function counts(db: TestDatabase) {
  const store = await openStore({ ...db.storeOptions });
  try {
    const n = async (table: 'timers' | 'sla_events' | 'escalations') =>
      Number(
        (
          await store.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const escalations = await store.db
      .selectFrom('escalations')
      .select(['lead_id', 'from_owner_id', 'to_owner_id', 'action'])
      .execute();
    return { timers: await n('timers'), breaches: await n('sla_events'), escalations };
  } finally {
    await store.close();
  }
}

const envOf = (db: TestDatabase): Record<string, string> =>
  TEST_DATABASE_URL
    ? { DATABASE_URL: TEST_DATABASE_URL, LEADROUTER_DATABASE_SCHEMA: db.storeOptions.schema! }
    : { LEADROUTER_DATA_DIR: db.storeOptions.dataDir! };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`SLA timers across a SIGKILL (${DATABASE_KIND})`, () => {
  let db: TestDatabase | undefined;
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map(stopServer));
    await db?.drop();
  });

  it(
    'fires every deadline that fell due while the server was down exactly once after a restart',
    { timeout: 60_000 },
    async () => {
      db = await createTestDatabase();
      const token = await seedDatabase(db, '3s');
      const first = await startServer(envOf(db));
      servers.push(first);
      await sendLeads([first], token, 50);
      first.child.kill('SIGKILL');
      await first.exit;
      await sleep(3500);
      const second = await startServer(envOf(db));
      servers.push(second);
      const deadline = Date.now() + 20_000;
      let seen = 0;
      while (Date.now() < deadline) {
        const res = await fetch(`${second.url}/metrics`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const text = await res.text();
        const m = /leadrouter_sla_breaches_total\{[^}]*kind="breach"[^}]*\} (\d+)/.exec(text);
        seen = m ? Number(m[1]) : 0;
        if (seen >= 50) break;
        await sleep(200);
      }
      await sleep(500);
      await stopServer(second);
      const after = await counts(db);
      expect(after.breaches).toBe(50);
      expect(after.escalations).toHaveLength(50);
      expect(new Set(after.escalations.map((e) => e.lead_id)).size).toBe(50);
      expect(after.timers).toBe(0);
    },
  );
});
