/**
 * Webhook benchmark (`npm run bench:webhooks`): deliveries per second from the outbox to a local
 * receiver, through the dispatcher the server runs, on PostgreSQL and on embedded PGlite. Target on
 * the 2-core machine: ≥ 1,000 deliveries/s.
 *
 * Environment: BENCH_WEBHOOK_EVENTS (default 20,000), BENCH_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test; `none` skips PostgreSQL). Prints a table, then one JSON
 * line: {"webhooks_per_sec": …} (the lower of the two databases) with each database's figures.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from '../src/store/database.ts';
import { measureWebhookDeliveries, type WebhookThroughput } from './webhook-throughput.ts';

const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 20_000);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const results: WebhookThroughput[] = [];

if (DATABASE_URL !== 'none') {
  const schema = `lr_webhooks_${randomBytes(4).toString('hex')}`;
  const store = await openStore({ databaseUrl: DATABASE_URL, schema, poolSize: 8 });
  try {
    results.push(await measureWebhookDeliveries(store, { events: EVENTS }));
  } finally {
    await store.close();
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}

const dir = mkdtempSync(join(os.tmpdir(), 'leadrouter-bench-webhooks-'));
try {
  const store = await openStore({ dataDir: dir });
  try {
    results.push(await measureWebhookDeliveries(store, { events: EVENTS }));
  } finally {
    await store.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const columns = Object.keys(results[0]!) as Array<keyof WebhookThroughput>;
const widths = columns.map((c) => Math.max(c.length, ...results.map((r) => String(r[c]).length)));
console.log(columns.map((c, i) => c.padEnd(widths[i]!)).join('  '));
for (const r of results)
  console.log(columns.map((c, i) => String(r[c]).padEnd(widths[i]!)).join('  '));
console.log(
  JSON.stringify({
    webhooks_per_sec: Math.min(...results.map((r) => r.webhooks_per_sec)),
    ...Object.fromEntries(
      results.map((r) => [`${r.database}_webhooks_per_sec`, r.webhooks_per_sec]),
    ),
    events: EVENTS,
    cpus: os.cpus().length,
  }),
);
