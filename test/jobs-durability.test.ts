/**
 * Exactly once in effect, with real processes: a runner killed with SIGKILL in the middle of a
 * sweep and started again fires every timer once; three runners on one PostgreSQL schema share
 * 1,000 due timers without firing any twice. The handler inserts into sla_events without ON
 * CONFLICT, so a second firing would fail loudly and leave its timer behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src/store/database.ts';
import { scheduleTimers } from '../src/store/timers-repo.ts';
import { insertLeads } from './jobs-harness.ts';
import {
  createTestDatabase,
  DATABASE_KIND,
  TEST_DATABASE_URL,
  type TestDatabase,
} from './service-harness.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/timer-runner-process.ts', import.meta.url));

interface Runner {
  child: ChildProcess;
  fired: number;
  stderr: string;
  exited: Promise<number | null>;
}

function startRunner(db: TestDatabase, env: Record<string, string>): Runner {
  const where = db.storeOptions.databaseUrl
    ? { JOBS_DATABASE_URL: db.storeOptions.databaseUrl, JOBS_SCHEMA: db.storeOptions.schema! }
    : { JOBS_DATA_DIR: db.storeOptions.dataDir! };
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    env: { ...process.env, ...where, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const runner: Runner = {
    child,
    fired: 0,
    stderr: '',
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const m = /fired (\d+)\n(?![\s\S]*fired)/.exec(chunk);
    if (m) runner.fired = Number(m[1]);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (runner.stderr += chunk));
  return runner;
}

async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function withStore<T>(db: TestDatabase, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ ...db.storeOptions, poolSize: 2 });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Schedules one sla.breach timer per new lead, due between `from` and `to` ms from now. */
async function scheduleBreaches(db: TestDatabase, n: number, from: number, to: number) {
  return withStore(db, async (store) => {
    const ldb = store.db;
    const leads = await insertLeads(ldb, n);
    const now = Date.now();
    await scheduleTimers(
      ldb,
      leads.map((leadId, i) => ({
        kind: 'sla.breach',
        leadId,
        ownerId: 'ana',
        sla: 'hot',
        dueAt: new Date(now + from + ((to - from) * i) / n),
      })),
    );
    return leads;
  });
}

async function readOutcome(db: TestDatabase) {
  return withStore(db, async (store) => {
    const result = await sql<{ events: string; leads: string; timers: string; twice: string }>`
      select (select count(*) from sla_events) as events,
             (select count(distinct lead_id) from sla_events) as leads,
             (select count(*) from timers) as timers,
             (select count(*) from (select lead_id from sla_events group by lead_id having count(*) > 1) x) as twice`.execute(
      store.db,
    );
    const row = result.rows[0]!;
    return {
      events: Number(row.events),
      leads: Number(row.leads),
      timers: Number(row.timers),
      twice: Number(row.twice),
    };
  });
}

describe(`durable timers across processes (${DATABASE_KIND})`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('fires every timer exactly once across a SIGKILL in the middle of a sweep and a restart', async () => {
    const n = 400;
    // Half fell due while no runner ran, half fall due in the next two seconds.
    await scheduleBreaches(db, n, -60_000, 2_000);
    const first = startRunner(db, { JOBS_HANDLER_DELAY_MS: '5', JOBS_BATCH_SIZE: '20' });
    await waitFor(() => first.fired >= 100, 60_000, 'the first runner to fire 100 timers');
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe(null);
    const partial = await readOutcome(db);
    expect(partial.events).toBeGreaterThanOrEqual(100);
    expect(partial.events).toBeLessThan(n);
    expect(partial.events + partial.timers).toBe(n);

    const second = startRunner(db, { JOBS_EXIT_WHEN_EMPTY: '1' });
    expect(await second.exited).toBe(0);
    expect(second.stderr).toBe('');
    expect(await readOutcome(db)).toEqual({ events: n, leads: n, timers: 0, twice: 0 });
  }, 120_000);

  it.runIf(TEST_DATABASE_URL)(
    'three runners on one PostgreSQL schema fire 1,000 due timers, none twice',
    async () => {
      const other = await createTestDatabase();
      try {
        const n = 1000;
        await scheduleBreaches(other, n, -5_000, 1_000);
        const runners = [1, 2, 3].map(() =>
          startRunner(other, {
            JOBS_EXIT_WHEN_EMPTY: '1',
            JOBS_BATCH_SIZE: '25',
            JOBS_HANDLER_DELAY_MS: '1',
          }),
        );
        expect(await Promise.all(runners.map((r) => r.exited))).toEqual([0, 0, 0]);
        expect(runners.map((r) => r.stderr)).toEqual(['', '', '']);
        expect(await readOutcome(other)).toEqual({ events: n, leads: n, timers: 0, twice: 0 });
        expect(runners.reduce((sum, r) => sum + r.fired, 0)).toBe(n);
        // The work was shared, not done by one of them alone.
        expect(runners.filter((r) => r.fired > 0).length).toBeGreaterThan(1);
      } finally {
        await other.drop();
      }
    },
    120_000,
  );
});
