/**
 * The routing use case against a real database, with two service instances sharing it (each with
 * its own caches and state snapshot, as two processes would have): rotation stays exact, caps
 * hold, and stale snapshots only cost a restart, never a wrong decision.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createServices,
  hashRequest,
  ServiceError,
  type IntakeRequest,
  type Services,
} from '../src/service/index.ts';
import { openStore, type Store } from '../src/store/database.ts';
import { sqlState } from '../src/store/db-errors.ts';
import {
  createTestDatabase,
  DATABASE_KIND,
  TEST_DATABASE_URL,
  type TestDatabase,
} from './service-harness.ts';

const POLICY = `
default_queue: triage
queues: { triage: {} }
pools:
  rr: { strategy: round_robin, members: [o1, o2, o3, o4] }
  light: { strategy: least_loaded, members: [o5, o6] }
  capped: { strategy: round_robin, members: [o7, o8], caps: { max_open: 5 } }
rules:
  - id: returning
    when: { returning: true }
    assign: sticky
    fallback: [{ queue: triage }]
  - id: light
    when: { team: light }
    assign: { pool: light }
  - id: capped
    when: { team: capped }
    assign: { pool: capped }
    fallback: [{ queue: triage }]
  - id: everyone
    assign: { pool: rr }
`;

let db: TestDatabase;
const stores: Store[] = [];
let a: Services;
let b: Services;

beforeAll(async () => {
  db = await createTestDatabase();
  const first = await openStore({ ...db.storeOptions });
  stores.push(first);
  // PostgreSQL: a second store is a second connection pool, as a second process would have. PGlite
  // has one connection per directory: the second instance shares the store, with its own caches.
  const second = TEST_DATABASE_URL ? await openStore({ ...db.storeOptions }) : first;
  if (second !== first) stores.push(second);
  a = createServices({ store: first });
  b = createServices({ store: second });
  await a.owners.upsertOwners(
    Array.from({ length: 8 }, (_, i) => ({ id: `o${i + 1}`, time_zone: 'UTC' })),
  );
  const draft = await a.policies.createDraft({ source: POLICY });
  await a.policies.publish(draft.id, {});
});

afterAll(async () => {
  for (const s of stores) await s.close();
  await db?.drop();
});

function request(attributes: Record<string, unknown>, key?: string): IntakeRequest {
  return {
    attributes,
    idempotencyKey: key,
    requestHash: hashRequest(attributes),
    receivedAt: performance.now(),
  };
}

async function ownerCounts(where?: string): Promise<Record<string, number>> {
  let query = stores[0]!.db
    .selectFrom('decisions')
    .select(['owner_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('trigger', '=', 'intake')
    .groupBy('owner_id');
  if (where) query = query.where('rule_id', '=', where);
  const rows = await query.execute();
  return Object.fromEntries(rows.map((r) => [r.owner_id ?? 'none', Number(r.n)]));
}

describe(`routing with two instances on one database (${DATABASE_KIND})`, () => {
  it("rotates exactly when instances alternate, although each one's snapshot is always stale", async () => {
    for (let i = 0; i < 40; i++) await (i % 2 ? a : b).intake.submit(request({ n: i }));
    expect(await ownerCounts('everyone')).toEqual({ o1: 10, o2: 10, o3: 10, o4: 10 });
  });

  it('rotates exactly under concurrent load from both instances', async () => {
    const before = await ownerCounts('everyone');
    await Promise.all(
      Array.from({ length: 400 }, (_, i) => (i % 2 ? a : b).intake.submit(request({ n: i }))),
    );
    const after = await ownerCounts('everyone');
    for (const id of ['o1', 'o2', 'o3', 'o4'])
      expect((after[id] ?? 0) - (before[id] ?? 0)).toBe(100);
  });

  it('never exceeds a pool cap, whichever instance routes', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 ? a : b).intake.submit(request({ team: 'capped', n: i })),
      ),
    );
    const counts = await ownerCounts('capped');
    expect(counts.o7).toBe(5);
    expect(counts.o8).toBe(5);
    expect(results.filter((r) => r.decision.outcome === 'queued')).toHaveLength(20);
    const states = await stores[0]!.db
      .selectFrom('routing_owners')
      .select(['owner_id', 'open'])
      .where('owner_id', 'in', ['o7', 'o8'])
      .execute();
    expect(states.map((s) => s.open)).toEqual([5, 5]);
  });

  it('balances least-loaded on the open load both instances see', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? a : b).intake.submit(request({ team: 'light', n: i })),
      ),
    );
    const counts = await ownerCounts('light');
    expect(counts.o5! + counts.o6!).toBe(40);
    expect(Math.abs(counts.o5! - counts.o6!)).toBeLessThanOrEqual(2);
  });

  it('sends a returning lead to the owner of the earlier lead with the same email', async () => {
    const first = await a.intake.submit(request({ email: 'Pat@Example.org' }));
    const again = await b.intake.submit(request({ email: 'pat@example.org ', returning: true }));
    expect(again.decision).toMatchObject({
      outcome: 'assigned',
      ruleId: 'returning',
      ownerId: first.decision.ownerId,
    });
  });

  it('stores a batch with a repeated key once and replays it in place', async () => {
    const [one, two, other] = await a.intake.submitMany([
      request({ n: 'x' }, 'h:dup'),
      request({ n: 'x' }, 'h:dup'),
      request({ n: 'y' }, 'h:other'),
    ]);
    if (
      !one ||
      !two ||
      !other ||
      one instanceof Error ||
      two instanceof Error ||
      other instanceof Error
    ) {
      throw new Error('expected three results');
    }
    expect(two.lead.id).toBe(one.lead.id);
    expect(two.replayed).toBe(true);
    expect(other.lead.id).not.toBe(one.lead.id);
    const replay = await b.intake.submit(request({ n: 'x' }, 'h:dup'));
    expect(replay).toMatchObject({ replayed: true, lead: { id: one.lead.id } });
  });

  it('one lead the database refuses fails alone: the leads committed with it are stored', async () => {
    // Submitted in one turn of the event loop, they share a transaction; U+0000 makes PostgreSQL
    // refuse the batch (the API refuses such text before it gets here; this is the safety net).
    const results = await Promise.allSettled([
      a.intake.submit(request({ team: 'light', n: 'iso-1' }, 'h:iso-1')),
      a.intake.submit(request({ team: 'light', n: 'iso-2', note: 'a\u0000b' }, 'h:iso-2')),
      a.intake.submit(request({ team: 'light', n: 'iso-3' }, 'h:iso-3')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    // The database's refusal (SQLSTATE class 22) leaves the service as the request's fault.
    const refused = (results[1] as PromiseRejectedResult).reason as ServiceError;
    expect(refused).toBeInstanceOf(ServiceError);
    expect(refused.code).toBe('validation_failed');
    expect(refused.message).toMatch(/^a value in the request cannot be stored: /);
    expect(sqlState(refused.cause)?.slice(0, 2)).toBe('22');
    const stored = await stores[0]!.db
      .selectFrom('idempotency_keys')
      .select('key')
      .where('key', 'in', ['h:iso-1', 'h:iso-2', 'h:iso-3'])
      .execute();
    expect(stored.map((r) => r.key).sort()).toEqual(['h:iso-1', 'h:iso-3']);
  });

  it('re-routing releases the open load of the previous owner', async () => {
    const r = await a.intake.submit(request({ team: 'light', n: 'again' }));
    const owner = r.decision.ownerId!;
    const open = async (id: string) =>
      (
        await stores[0]!.db
          .selectFrom('routing_owners')
          .select('open')
          .where('owner_id', '=', id)
          .executeTakeFirstOrThrow()
      ).open;
    const before = await open(owner);
    const rerouted = await b.leads.rerouteLead(r.lead.id, { reason: 'test' });
    const next = rerouted.decision.ownerId!;
    expect(await open(owner)).toBe(next === owner ? before : before - 1);
    expect(rerouted.decision.previousOwnerId).toBe(owner);
  });
});
