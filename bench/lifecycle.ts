/**
 * `npm run bench:lifecycle`: SLA timers under load, on PostgreSQL and on embedded PGlite.
 *
 * For each database: N leads (BENCH_LEADS, default 100,000) are routed once under a policy without
 * SLA and once with a wall-clock SLA (intake leads/s, timers off against on, in the same run); the
 * timer runner then fires the deadlines, which fall due at about the rate the leads came in
 * (about 1,000 a second at the default size on this machine), with no touches. Measured: firing lag
 * (due → breach recorded) p50/p99, escalations per second, duplicates and missed breaches.
 *
 * Environment: BENCH_LEADS, BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test;
 * `none` skips PostgreSQL). The last line is one JSON object.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { createJobsMetrics } from '../src/jobs/metrics.ts';
import { registerSlaHandlers } from '../src/jobs/sla-handlers.ts';
import { createTimerRunner } from '../src/jobs/timer-runner.ts';
import { createServices, hashRequest, type IntakeRequest } from '../src/service/index.ts';
import { openStore, quoteIdent, type Store } from '../src/store/database.ts';

const N = Number(process.env.BENCH_LEADS ?? 100_000);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const OWNERS = Array.from({ length: 20 }, (_, i) => `o${i + 1}`);

const policy = (sla: string | undefined) => `
default_queue: triage
queues: { triage: {} }
pools:
  rr: { strategy: round_robin, members: [${OWNERS.join(', ')}] }
${sla ? `slas:\n  bench: { first_response_within: ${sla}, clock: wall, on_breach: [reassign] }\ndefault_sla: bench` : ''}
rules:
  - id: everyone
    assign: { pool: rr }
`;

interface Result {
  intakeOff: number;
  intakeOn: number;
  lagP50: number;
  lagP99: number;
  escalationsPerSec: number;
  duplicates: number;
  missed: number;
}

function request(i: number, tag: string): IntakeRequest {
  const attributes = { email: `${tag}-${i}@example.org` };
  return { attributes, requestHash: hashRequest(attributes), receivedAt: performance.now() };
}

async function intake(services: ReturnType<typeof createServices>, count: number, tag: string) {
  const started = performance.now();
  const chunk = 500;
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < count; i += chunk) {
    const batch = Array.from({ length: Math.min(chunk, count - i) }, (_, k) => request(i + k, tag));
    inFlight.push(services.intake.submitMany(batch));
    if (inFlight.length >= 4) await inFlight.shift();
  }
  await Promise.all(inFlight);
  return count / ((performance.now() - started) / 1000);
}

async function run(store: Store): Promise<Result> {
  const services = createServices({ store });
  await services.owners.upsertOwners(OWNERS.map((id) => ({ id, time_zone: 'UTC' })));
  const publish = async (source: string) =>
    services.policies.publish((await services.policies.createDraft({ source })).id, {});
  await publish(policy(undefined));
  const intakeOff = await intake(services, N, 'off');
  // Due a little after the last lead is in: the deadlines fall due at the rate leads came in.
  await publish(policy('1h'));
  const started = performance.now();
  const intakeOn = await intake(services, N, 'on');
  const elapsed = (performance.now() - started) / 1000;
  const db = store.db;
  // Each deadline moved to (its lead's intake time + the intake's duration + 2 s): the first falls
  // due 2 s from now and they keep falling due at the rate the leads came in.
  const shift = 3600 - elapsed - 2;
  await sql`update timers set due_at = due_at - make_interval(secs => ${shift})`.execute(db);
  const runner = createTimerRunner({
    store: services.lifecycle.timerStore(),
    concurrency: store.kind === 'pglite' ? 1 : 2,
    metrics: createJobsMetrics(services.metrics.registry),
  });
  registerSlaHandlers(runner, services);
  runner.start();
  const limit = Date.now() + 120_000 + N * 5;
  for (;;) {
    const row = await db
      .selectFrom('timers')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(row.n) === 0 || Date.now() > limit) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  await runner.stop();
  const events = await db
    .selectFrom('sla_events')
    .select(['lead_id', 'due_at', 'at'])
    .where('kind', '=', 'breach')
    .execute();
  const lags = events.map((e) => e.at.getTime() - e.due_at.getTime()).sort((a, b) => a - b);
  const pct = (p: number) => lags[Math.min(lags.length - 1, Math.floor(p * lags.length))] ?? NaN;
  const first = Math.min(...events.map((e) => e.due_at.getTime()));
  const last = Math.max(...events.map((e) => e.at.getTime()));
  const escalations = Number(
    (
      await db
        .selectFrom('escalations')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  return {
    intakeOff,
    intakeOn,
    lagP50: pct(0.5),
    lagP99: pct(0.99),
    escalationsPerSec: escalations / Math.max(0.001, (last - first) / 1000),
    duplicates: events.length - new Set(events.map((e) => e.lead_id)).size,
    missed: N - new Set(events.map((e) => e.lead_id)).size,
  };
}

async function onPglite(): Promise<Result> {
  const dir = mkdtempSync(join(os.tmpdir(), 'leadrouter-bench-lifecycle-'));
  const store = await openStore({ dataDir: dir });
  try {
    return await run(store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function onPostgres(): Promise<Result | undefined> {
  if (DATABASE_URL === 'none') return undefined;
  const schema = `lr_bench_${randomBytes(5).toString('hex')}`;
  const store = await openStore({ databaseUrl: DATABASE_URL, schema });
  try {
    return await run(store);
  } finally {
    await store.close();
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    await client.end();
  }
}

const round = (x: number | undefined) =>
  x === undefined || Number.isNaN(x) ? null : Math.round(x * 100) / 100;
const pgResult = await onPostgres();
if (pgResult) console.log('postgres', pgResult);
const liteResult = await onPglite();
console.log('pglite', liteResult);
const main = pgResult ?? liteResult;
console.log(
  JSON.stringify({
    leads: N,
    pg_fire_lag_p50_ms: round(pgResult?.lagP50),
    pg_fire_lag_p99_ms: round(pgResult?.lagP99),
    pglite_fire_lag_p50_ms: round(liteResult.lagP50),
    pglite_fire_lag_p99_ms: round(liteResult.lagP99),
    escalations_per_sec: round(main.escalationsPerSec),
    pglite_escalations_per_sec: round(liteResult.escalationsPerSec),
    intake_ratio_timers_on: round(main.intakeOn / main.intakeOff),
    pglite_intake_ratio_timers_on: round(liteResult.intakeOn / liteResult.intakeOff),
    // Webhook deliveries per second to a local receiver: measured by the webhooks part.
    webhooks_per_sec: null,
    duplicates: (pgResult?.duplicates ?? 0) + liteResult.duplicates,
    missed: (pgResult?.missed ?? 0) + liteResult.missed,
  }),
);
