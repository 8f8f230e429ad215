/**
 * Access benchmark (`npm run bench:access`), in two halves on PostgreSQL.
 *
 * Auth half: intake leads/s through the app (`POST /v1/leads`, in process, 50 concurrent
 * submitters) with authentication on (bearer token, rate limit, permission check) against off, the
 * same build and database in the same run, rounds alternating so that drift hits both alike.
 * Target: on ≥ 0.9 × off (tokens are checked from a cache, not read per request).
 *
 * Audit half: audit-log appends per second with 10 concurrent writers, each append in its own
 * transaction (as a change would write it), then the whole chain verified. Target: ≥ 1,000
 * appends/s with the chain intact.
 *
 * The append holds the chain's head row from its statement to commit, so appends serialise on one
 * commit at a time: the rate is bounded by PostgreSQL's commit latency (a WAL flush), which
 * depends on the disk far more than on this code.
 *
 * Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
 * BENCH_SECONDS (default 10, per half). The last line is
 * `{"auth_ratio":…, "audit_appends_per_sec":…, "audit_chain_ok":…}`.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { buildApp } from '../src/api/app.ts';
import { appendAudit, openAccessStore, verifyAuditChain } from '../src/service/access/index.ts';
import { loadDemoData } from '../src/service/demo.ts';
import { createServices, SYSTEM_CONTEXT } from '../src/service/index.ts';
import { openStore } from '../src/store/database.ts';
import { demoLeads } from './demo-leads.ts';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WRITERS = 10;
const SUBMITTERS = 50;

/** Intake leads/s through the app with authentication on and off; their ratio. */
async function measureAuth(): Promise<{ on: number; off: number; ratio: number }> {
  const schema = `lr_access_auth_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const store = await openStore({ databaseUrl: DATABASE_URL, schema });
  try {
    const services = createServices({ store });
    await loadDemoData(store.db, services);
    const { secret } = await services.access.createToken(
      { name: 'bench intake', role: 'intake' },
      SYSTEM_CONTEXT,
    );
    const on = await buildApp(services, { logger: 'silent', rateLimits: { token: 1e9 } });
    const off = await buildApp(services, { logger: 'silent', authenticate: false });
    const leads = demoLeads();
    const runId = randomBytes(4).toString('hex');
    let sent = 0;
    let failed = 0;
    const run = async (app: typeof on, headers: Record<string, string>, seconds: number) => {
      const until = performance.now() + seconds * 1000;
      const first = sent;
      await Promise.all(
        Array.from({ length: SUBMITTERS }, async () => {
          while (performance.now() < until) {
            const n = sent++;
            const lead = leads[n % leads.length]!;
            const r = await app.inject({
              method: 'POST',
              url: '/v1/leads',
              headers: { 'content-type': 'application/json', ...headers },
              payload: { ...lead.attributes, external_id: `${lead.sourceId}-${runId}-${n}` },
            });
            if (r.statusCode !== 201) failed++;
          }
        }),
      );
      return (sent - first) / seconds;
    };
    const auth = { authorization: `Bearer ${secret}` };
    await run(on, auth, Math.min(2, SECONDS / 4)); // warm-up, both
    await run(off, {}, Math.min(2, SECONDS / 4));
    const rates = { on: 0, off: 0 };
    for (let round = 0; round < 2; round++) {
      rates.on += (await run(on, auth, SECONDS / 4)) / 2;
      rates.off += (await run(off, {}, SECONDS / 4)) / 2;
    }
    if (failed) throw new Error(`${failed} intake requests failed`);
    await on.close();
    await off.close();
    return { ...rates, ratio: rates.on / rates.off };
  } finally {
    await store.close();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

const auth = await measureAuth();
console.log(
  `intake through the app, ${SUBMITTERS} submitters: ${Math.round(auth.on)} leads/s with authentication, ${Math.round(auth.off)} without: ratio ${auth.ratio.toFixed(3)} (target ≥ 0.9)\n`,
);

const schema = `lr_access_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: DATABASE_URL });
await admin.connect();
await admin.query(`CREATE SCHEMA ${schema}`);
const s = await openAccessStore({ databaseUrl: DATABASE_URL, schema, poolSize: WRITERS });
try {
  const actor = {
    kind: 'token' as const,
    id: 'bench',
    name: 'bench',
    role: 'ops' as const,
    team: null,
  };
  let appended = 0;
  async function writer(w: number, until: number): Promise<void> {
    while (performance.now() < until) {
      await s.db.transaction().execute((tx) =>
        appendAudit(tx, {
          actor,
          action: 'owner.pause',
          target: { type: 'owner', id: `owner-${w}` },
          before: { paused: false },
          after: { paused: true, until: '2026-12-24T17:00:00Z' },
          requestId: `req-${w}-${appended}`,
          clientAddress: '127.0.0.1',
        }),
      );
      appended++;
    }
  }
  const started = performance.now();
  await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w, started + SECONDS * 1000)));
  const elapsed = (performance.now() - started) / 1000;
  const verifyStarted = performance.now();
  const verification = await verifyAuditChain(s.db);
  const verifySeconds = (performance.now() - verifyStarted) / 1000;

  const rate = Math.round(appended / elapsed);
  const rows = [
    ['machine', `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores`],
    ['writers', String(WRITERS)],
    ['appends', appended.toLocaleString('en')],
    ['appends/s', `${rate.toLocaleString('en')} (target ≥ 1,000)`],
    [
      'chain',
      verification.ok
        ? `intact (${verification.entries} entries)`
        : `BROKEN: ${JSON.stringify(verification.firstBroken)}`,
    ],
    [
      'verify',
      `${verifySeconds.toFixed(2)} s (${Math.round(verification.entries / verifySeconds).toLocaleString('en')} entries/s)`,
    ],
  ];
  const width = Math.max(...rows.map((r) => r[0]!.length));
  for (const [k, v] of rows) console.log(`${k!.padEnd(width)}  ${v}`);
  console.log(
    JSON.stringify({
      auth_ratio: Math.round(auth.ratio * 1000) / 1000,
      audit_appends_per_sec: rate,
      audit_chain_ok: verification.ok,
    }),
  );
} finally {
  await s.close();
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.end();
}
