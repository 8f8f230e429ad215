/**
 * Access benchmark (`npm run bench:access`), audit half: audit-log appends per second with 10
 * concurrent writers on PostgreSQL, each append in its own transaction (as a change would write
 * it), then the whole chain verified. The auth half (intake leads/s with authentication on
 * against off) joins when the authentication hook is wired into the app. Target: ≥ 1,000
 * appends/s with the chain intact.
 *
 * The append holds the chain's head row from its statement to commit, so appends serialise on one
 * commit at a time: the rate is bounded by PostgreSQL's commit latency (a WAL flush), which
 * depends on the disk far more than on this code.
 *
 * Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
 * BENCH_SECONDS (default 10). The last line is one JSON object.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { appendAudit, openAccessStore, verifyAuditChain } from '../src/service/access/index.ts';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WRITERS = 10;

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
  console.log(JSON.stringify({ audit_appends_per_sec: rate, audit_chain_ok: verification.ok }));
} finally {
  await s.close();
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.end();
}
