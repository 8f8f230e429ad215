/**
 * Intake without HTTP (`node --import tsx bench/intake.ts`): the service's own cost per lead.
 *
 * Loads the demo into a fresh PostgreSQL schema and submits the examples' leads straight to the
 * intake (the code behind `POST /v1/leads`: request hash, deriving, routing twice, the batched
 * transaction) from 50 concurrent submitters, in this process, for a fixed time. Reports leads per
 * second and this process's CPU time per lead, which, set beside `bench:service`, splits a lead's
 * cost between HTTP and the service itself. The last line is one JSON object.
 *
 * Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
 * BENCH_SECONDS (default 10).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { loadDemoData } from '../src/service/demo.ts';
import { createServices, hashRequest } from '../src/service/index.ts';
import { openStore } from '../src/store/database.ts';
import { demoLeads } from './demo-leads.ts';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SUBMITTERS = 50;

const leads = demoLeads();

const schema = `lr_intake_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: DATABASE_URL });
await admin.connect();
await admin.query(`CREATE SCHEMA ${schema}`);
const store = await openStore({ databaseUrl: DATABASE_URL, schema });
try {
  const services = createServices({ store });
  await loadDemoData(store.db, services);

  let sent = 0;
  const runId = randomBytes(4).toString('hex');
  async function submitter(until: number): Promise<void> {
    while (performance.now() < until) {
      const n = sent++;
      const lead = leads[n % leads.length]!;
      const externalId = `${lead.sourceId}-${runId}-${n}`;
      const body = { ...lead.attributes, external_id: externalId };
      await services.intake.submit({
        attributes: lead.attributes,
        externalId,
        requestHash: hashRequest(body),
        receivedAt: performance.now(),
      });
    }
  }
  async function run(seconds: number) {
    const until = performance.now() + seconds * 1000;
    const cpu = process.cpuUsage();
    const first = sent;
    await Promise.all(Array.from({ length: SUBMITTERS }, () => submitter(until)));
    const used = process.cpuUsage(cpu);
    const count = sent - first;
    return { leadsPerSec: count / seconds, cpuUsPerLead: (used.user + used.system) / count };
  }

  await run(Math.min(3, SECONDS)); // warm-up
  const result = await run(SECONDS);
  console.log(
    `leadrouter intake without HTTP — ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}`,
  );
  console.log(`${SUBMITTERS} concurrent submitters, ${SECONDS} s, PostgreSQL\n`);
  console.log(`${'figure'.padEnd(32)} ${'value'.padStart(8)}`);
  console.log(`${'leads/s'.padEnd(32)} ${result.leadsPerSec.toFixed(0).padStart(8)}`);
  console.log(
    `${'this process, CPU µs per lead'.padEnd(32)} ${result.cpuUsPerLead.toFixed(0).padStart(8)}`,
  );
  console.log(
    JSON.stringify({
      intake_leads_per_sec: Math.round(result.leadsPerSec),
      intake_cpu_us_per_lead: Math.round(result.cpuUsPerLead),
    }),
  );
} finally {
  await store.close();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
}
