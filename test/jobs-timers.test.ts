import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createJobsMetrics } from '../src/jobs/metrics.ts';
import { createTimerRunner, type DueTimer } from '../src/jobs/timer-runner.ts';
import { openStore, type Store } from '../src/store/database.ts';
import type { Database } from '../src/store/schema.ts';
import {
  cancelLeadTimers,
  countTimers,
  createTimerStore,
  listTimers,
  moveOwnerTimers,
  scheduleTimers,
} from '../src/store/timers-repo.ts';
import { insertLeads, recordBreach } from './jobs-harness.ts';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from './service-harness.ts';

let testDb: TestDatabase;
let store: Store;
let db: Kysely<Database>;

beforeAll(async () => {
  testDb = await createTestDatabase();
  store = await openStore({ ...testDb.storeOptions, poolSize: 4 });
  db = store.db;
});
afterAll(async () => {
  await store?.close();
  await testDb?.drop();
});
beforeEach(async () => {
  await db.deleteFrom('timers').execute();
  await db.deleteFrom('sla_events').execute();
});

const T0 = Date.parse('2026-12-01T09:00:00Z');

describe(`durable timers (${DATABASE_KIND})`, () => {
  it('schedules in the caller transaction: a rolled-back decision leaves no timer', async () => {
    const [lead] = await insertLeads(db, 1);
    await expect(
      db.transaction().execute(async (tx) => {
        await scheduleTimers(tx, [{ kind: 'sla.breach', leadId: lead, dueAt: new Date(T0) }]);
        throw new Error('the decision failed');
      }),
    ).rejects.toThrow('the decision failed');
    expect(await countTimers(db)).toBe(0);
    await db.transaction().execute(async (tx) => {
      await scheduleTimers(tx, [
        { kind: 'sla.breach', leadId: lead, sla: 'hot', step: 0, dueAt: new Date(T0) },
      ]);
    });
    expect(await listTimers(db, { leadId: lead })).toMatchObject([
      { kind: 'sla.breach', leadId: lead, sla: 'hot', step: 0, dueAt: new Date(T0), attempts: 0 },
    ]);
  });

  it('cancels a lead’s timers, all of them or of some kinds', async () => {
    const [a, b] = await insertLeads(db, 2);
    await scheduleTimers(db, [
      { kind: 'sla.warning', leadId: a, dueAt: new Date(T0) },
      { kind: 'sla.breach', leadId: a, dueAt: new Date(T0 + 1000) },
      { kind: 'lead.retry', leadId: a, dueAt: new Date(T0 + 2000) },
      { kind: 'sla.breach', leadId: b, dueAt: new Date(T0) },
    ]);
    expect(await cancelLeadTimers(db, a!, { kinds: ['sla.warning', 'sla.breach'] })).toBe(2);
    expect((await listTimers(db, { leadId: a })).map((t) => t.kind)).toEqual(['lead.retry']);
    expect(await cancelLeadTimers(db, a!)).toBe(1);
    expect(await countTimers(db)).toBe(1);
  });

  it('moves an owner’s open timers when their hours change, and cancels those that became moot', async () => {
    const leads = await insertLeads(db, 3);
    await scheduleTimers(db, [
      { kind: 'sla.breach', leadId: leads[0], ownerId: 'ana', dueAt: new Date(T0) },
      { kind: 'sla.breach', leadId: leads[1], ownerId: 'ana', dueAt: new Date(T0 + 60_000) },
      { kind: 'sla.breach', leadId: leads[2], ownerId: 'ben', dueAt: new Date(T0) },
    ]);
    const result = await db
      .transaction()
      .execute((tx) =>
        moveOwnerTimers(tx, 'ana', (t) =>
          t.leadId === leads[1] ? null : new Date(t.dueAt.getTime() + 3_600_000),
        ),
      );
    expect(result).toEqual({ moved: 1, cancelled: 1 });
    expect((await listTimers(db, { ownerId: 'ana' })).map((t) => t.dueAt)).toEqual([
      new Date(T0 + 3_600_000),
    ]);
    expect((await listTimers(db, { ownerId: 'ben' })).map((t) => t.dueAt)).toEqual([new Date(T0)]);
  });

  it('fires each due timer once, in the transaction that deletes it, and leaves future ones', async () => {
    const leads = await insertLeads(db, 5);
    await scheduleTimers(
      db,
      leads.map((leadId, i) => ({
        kind: 'sla.breach',
        leadId,
        sla: 'hot',
        dueAt: new Date(T0 + i * 1000),
      })),
    );
    const fired: string[] = [];
    const runner = createTimerRunner({
      store: createTimerStore(db),
      batchSize: 2,
      now: () => T0 + 2500,
    }).on('sla.breach', async (tx, timer) => {
      await recordBreach(tx, timer);
      fired.push(timer.leadId!);
    });
    expect(await runner.drain()).toBe(3);
    expect(fired).toEqual(leads.slice(0, 3));
    expect(await countTimers(db)).toBe(2);
    const events = await db.selectFrom('sla_events').select(['lead_id', 'due_at']).execute();
    expect(events).toHaveLength(3);
  });

  it('keeps a timer whose handler throws, moved later with its error, while the rest of the batch commits', async () => {
    const leads = await insertLeads(db, 3);
    await scheduleTimers(
      db,
      leads.map((leadId) => ({ kind: 'sla.breach', leadId, dueAt: new Date(T0) })),
    );
    const errors: DueTimer[] = [];
    const runner = createTimerRunner({
      store: createTimerStore(db),
      now: () => T0,
      retryDelayMs: () => 5000,
      onTimerError: (timer) => errors.push(timer),
    }).on('sla.breach', async (tx, timer) => {
      await recordBreach(tx, timer);
      if (timer.leadId === leads[1]) throw new Error('the handler broke');
    });
    expect(await runner.drain()).toBe(3);
    expect(errors.map((t) => t.leadId)).toEqual([leads[1]]);
    const left = await db.selectFrom('timers').selectAll().execute();
    expect(left).toMatchObject([
      {
        lead_id: leads[1],
        attempts: 1,
        last_error: 'the handler broke',
        due_at: new Date(T0 + 5000),
      },
    ]);
    // The failed handler's own insert was rolled back with its savepoint.
    expect(
      (await db.selectFrom('sla_events').select('lead_id').execute()).map((r) => r.lead_id).sort(),
    ).toEqual([leads[0], leads[2]].sort());
  });

  it('a second firing of the same deadline cannot commit: the unique key refuses it', async () => {
    const [lead] = await insertLeads(db, 1);
    await scheduleTimers(db, [
      { kind: 'sla.breach', leadId: lead, sla: 'hot', step: 0, dueAt: new Date(T0) },
      { kind: 'sla.breach', leadId: lead, sla: 'hot', step: 0, dueAt: new Date(T0) },
    ]);
    const failures: unknown[] = [];
    const runner = createTimerRunner({
      store: createTimerStore(db),
      now: () => T0,
      onTimerError: (_t, error) => failures.push(error),
    }).on('sla.breach', recordBreach);
    await runner.drain();
    expect(await db.selectFrom('sla_events').select('id').execute()).toHaveLength(1);
    expect(failures).toHaveLength(1);
  });

  it('runs on its own: fires timers that were due before it started, and wakes early when nudged', async () => {
    const leads = await insertLeads(db, 2);
    await scheduleTimers(db, [
      { kind: 'sla.breach', leadId: leads[0], dueAt: new Date(Date.now() - 60_000) },
    ]);
    const registry = new Registry();
    const metrics = createJobsMetrics(registry);
    const firedAt = new Map<string, number>();
    const runner = createTimerRunner({
      store: createTimerStore(db),
      pollMs: 5_000,
      metrics,
    }).on('sla.breach', async (tx, timer) => {
      await recordBreach(tx, timer);
      firedAt.set(timer.leadId!, Date.now());
    });
    runner.start();
    try {
      await waitFor(() => firedAt.has(leads[0]!));
      // Its poll is 5 s; a timer scheduled 300 ms ahead fires on time because of the nudge.
      const due = Date.now() + 300;
      await scheduleTimers(db, [{ kind: 'sla.breach', leadId: leads[1], dueAt: new Date(due) }]);
      runner.nudge(due);
      await waitFor(() => firedAt.has(leads[1]!));
      expect(firedAt.get(leads[1]!)! - due).toBeLessThan(1000);
      expect(firedAt.get(leads[1]!)!).toBeGreaterThanOrEqual(due);
    } finally {
      await runner.stop();
    }
    expect(runner.running).toBe(false);
    const text = await registry.metrics();
    expect(text).toMatch(/leadrouter_timer_fire_lag_seconds_count\{kind="sla.breach"\} 2/);
    expect(text).toMatch(/leadrouter_timers_pending 0/);
  });
});

async function waitFor(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
