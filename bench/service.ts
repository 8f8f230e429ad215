/**
 * Service benchmark (`npm run bench:service`): starts `leadrouter serve` with the examples'
 * policy, owners and accounts (`--demo`) in a separate process, then drives `POST /v1/leads` with
 * autocannon (50 connections) with realistic leads (examples/leads.csv: the X Education leads with
 * generated emails, companies and languages; each with its own external id, so each is also an
 * idempotency key), first on embedded PGlite, then on PostgreSQL.
 *
 * Reports leads per second and p50 / p99 latency for each, and, in the same run on the same
 * PostgreSQL database, the physical limit: the rate of the simplest durable transaction (one
 * single-row INSERT, autocommit) from 50 concurrent connections. The last line is one JSON object.
 *
 * Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
 * BENCH_SECONDS (default 15), BENCH_LOG_LEVEL (default info: request logs on, as in production).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { demoLeads, ROOT } from './demo-leads.ts';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WARMUP_SECONDS = Math.min(5, Math.max(2, Math.round(SECONDS / 5)));
const CONNECTIONS = 50;
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info';

// ---- realistic leads ----------------------------------------------------------------------------

const leads = demoLeads();
const runId = randomBytes(4).toString('hex');
let sent = 0;

/** A request body: the next lead, with an external id unique to this run. */
function nextBody(): string {
  const n = sent++;
  const lead = leads[n % leads.length]!;
  return JSON.stringify({ ...lead.attributes, external_id: `${lead.sourceId}-${runId}-${n}` });
}

// ---- the server -------------------------------------------------------------------------------

interface Server {
  child: ChildProcess;
  url: string;
  /** The demo's intake token. */
  token: string;
  exited: Promise<void>;
}

function startServer(env: Record<string, string>): Promise<Server> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench/service-server.ts')],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        LEADROUTER_DEMO: 'true',
        // The benchmark drives one token far past a client's allowance.
        RATE_LIMIT_TOKEN: '100000000',
        LOG_LEVEL: LOG_LEVEL,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      // The demo prints a token per role: the intake's is what a form backend would send.
      const token = /export TOKEN=(\S+) +# intake/.exec(out);
      if (match && token) {
        // From now on the logs only need draining, as a log shipper would.
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve({ child, url: match[1]!, token: token[1]!, exited });
      }
    };
    child.stdout!.on('data', onData);
    void exited.then(() => reject(new Error(`server exited: ${err.trim()}`)));
  });
}

async function stopServer(server: Server): Promise<void> {
  server.child.kill('SIGTERM');
  await server.exited;
}

interface LoadResult {
  leadsPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  total: number;
}

function drive(url: string, token: string, seconds: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url}/v1/leads`,
        connections: CONNECTIONS,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            setupRequest: (req) => ({ ...req, body: nextBody() }),
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        const ok = result['2xx'];
        resolve({
          leadsPerSec: ok / result.duration,
          p50: result.latency.p50,
          p99: result.latency.p99,
          errors: result.non2xx + result.errors + result.timeouts,
          total: result.requests.total,
        });
      },
    );
    instance.on('error', reject);
  });
}

async function measureService(label: string, env: Record<string, string>): Promise<LoadResult> {
  const started = Date.now();
  const server = await startServer(env);
  console.error(
    `${label}: server up in ${((Date.now() - started) / 1000).toFixed(1)} s at ${server.url}; warming up ${WARMUP_SECONDS} s…`,
  );
  try {
    await drive(server.url, server.token, WARMUP_SECONDS);
    console.error(`${label}: measuring ${SECONDS} s with ${CONNECTIONS} connections…`);
    return await drive(server.url, server.token, SECONDS);
  } finally {
    await stopServer(server);
  }
}

// ---- the physical limit: one-row durable transactions at the same concurrency ----------------

async function measureLimit(schema: string, seconds: number): Promise<number> {
  const pool = new pg.Pool({
    connectionString: DATABASE_URL,
    max: CONNECTIONS,
    options: `-c search_path=${schema}`,
  });
  try {
    await pool.query(
      'CREATE TABLE bench_limit (id bigserial PRIMARY KEY, payload text NOT NULL, at timestamptz NOT NULL DEFAULT now())',
    );
    const run = async (ms: number) => {
      const end = Date.now() + ms;
      let n = 0;
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async () => {
          while (Date.now() < end) {
            await pool.query('INSERT INTO bench_limit (payload) VALUES ($1)', ['x']);
            n++;
          }
        }),
      );
      return n / (ms / 1000);
    };
    await run(1000);
    return await run(seconds * 1000);
  } finally {
    await pool.end();
  }
}

async function withSchema<T>(work: (schema: string) => Promise<T>): Promise<T> {
  const schema = `lr_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
    return await work(schema);
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await admin.end();
  }
}

// ---- run --------------------------------------------------------------------------------------

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `leadrouter service benchmark — ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
console.log(
  `${CONNECTIONS} connections, ${SECONDS} s per run after ${WARMUP_SECONDS} s warm-up, server log level ${LOG_LEVEL}, ${leads.length} distinct leads\n`,
);

const dataDir = mkdtempSync(join(os.tmpdir(), 'leadrouter-bench-'));
let embedded: LoadResult;
try {
  embedded = await measureService('embedded', { LEADROUTER_DATA_DIR: dataDir, DATABASE_URL: '' });
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

const { postgres, limit } = await withSchema(async (schema) => {
  const postgres = await measureService('postgres', {
    DATABASE_URL,
    LEADROUTER_DATABASE_SCHEMA: schema,
  });
  console.error(
    `limit: ${SECONDS} s of one-row INSERT transactions on ${CONNECTIONS} connections…`,
  );
  const limit = await measureLimit(schema, SECONDS);
  return { postgres, limit };
});

const row = (name: string, r: LoadResult) =>
  `${name.padEnd(22)} ${r.leadsPerSec.toFixed(0).padStart(8)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${String(r.errors).padStart(8)}`;
console.log(
  `${'run'.padEnd(22)} ${'leads/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(8)}`,
);
console.log(row('embedded (PGlite)', embedded));
console.log(row('PostgreSQL', postgres));
console.log(
  `${'PostgreSQL limit'.padEnd(22)} ${limit.toFixed(0).padStart(8)}  (one-row INSERT transactions/s)`,
);
const ratio = postgres.leadsPerSec / limit;
console.log(`\nPostgreSQL leads/s ÷ limit = ${ratio.toFixed(2)}`);

console.log(
  JSON.stringify({
    embedded_leads_per_sec: Math.round(embedded.leadsPerSec),
    embedded_p99_ms: embedded.p99,
    postgres_leads_per_sec: Math.round(postgres.leadsPerSec),
    postgres_p99_ms: postgres.p99,
    pg_limit_tps: Math.round(limit),
    ratio_to_limit: Number(ratio.toFixed(3)),
  }),
);
process.exit(embedded.errors + postgres.errors > 0 ? 1 : 0);
