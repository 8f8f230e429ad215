/**
 * Engine benchmark (`npm run bench:engine`): a synthetic policy of 200 rules, 50 pools, 1,000
 * owners and 100,000 accounts; 1,000,000 leads routed statefully on one thread.
 *
 * Reports decisions per second with explanations off and on, p99 time per decision, the time to
 * simulate 1,000,000 leads, peak memory, and — in the same run, on the same rule conditions — the
 * rate of json-rules-engine finding the first matching rule, as a ratio. Each figure is the
 * median of several repetitions. The last line is one JSON object with the figures.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Engine } from 'json-rules-engine';
import {
  applyStateChanges,
  buildAccountIndex,
  compilePolicyOrThrow,
  createRoutingState,
  deriveLeadFields,
  routeLead,
  type Account,
  type Directory,
  type Lead,
  type Owner,
} from '../src/engine/index.ts';
import { simulateLeads } from '../src/analysis/index.ts';

const RULES = 200;
const POOLS = 50;
const OWNERS = 1_000;
const ACCOUNTS = 100_000;
const LEADS = 1_000_000;
const DISTINCT_LEADS = 100_000;
const REPS = Number(process.env.BENCH_REPS ?? 3);

// Deterministic pseudo-random numbers (mulberry32), so every run routes the same leads.
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(20261124);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const sample = <T>(xs: readonly T[], k: number): T[] => {
  const copy = [...xs];
  const out: T[] = [];
  while (out.length < k && copy.length)
    out.push(copy.splice(Math.floor(rand() * copy.length), 1)[0]!);
  return out;
};

const COUNTRIES = [
  'US',
  'CA',
  'MX',
  'BR',
  'AR',
  'GB',
  'DE',
  'FR',
  'ES',
  'IT',
  'NL',
  'SE',
  'PL',
  'IN',
  'SG',
  'JP',
  'AU',
  'CN',
  'ZA',
  'AE',
  'CH',
  'AT',
  'BE',
  'DK',
  'NO',
  'FI',
  'IE',
  'PT',
  'CZ',
  'IL',
  'KR',
  'NZ',
  'CL',
  'CO',
  'PE',
  'TR',
  'EG',
  'NG',
  'KE',
  'PH',
];
const SOURCES = [
  'web',
  'event',
  'partner',
  'paid_search',
  'organic',
  'referral',
  'webinar',
  'outbound',
];
const PRODUCTS = ['core', 'analytics', 'security', 'payments', 'platform', 'mobile'];
const ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Los_Angeles',
  'Europe/London',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Asia/Singapore',
  'Australia/Sydney',
];

// ---- directory: 1,000 owners, most with working hours, some out of office, some capped -------
const owners: Owner[] = [];
for (let i = 0; i < OWNERS; i++) {
  const hours: [string, string][] = [['00:00', '24:00']];
  owners.push({
    id: `o${i}`,
    name: `Owner ${i}`,
    timeZone: pick(ZONES),
    active: rand() > 0.02,
    workingHours:
      rand() < 0.8
        ? { days: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours, sat: hours } }
        : undefined,
    outOfOffice:
      rand() < 0.05 ? [{ from: Date.UTC(2026, 10, 2), until: Date.UTC(2026, 10, 9) }] : undefined,
    caps: rand() < 0.3 ? { maxPerDay: 400 } : undefined,
    skills: { languages: ['en', ...(rand() < 0.3 ? ['de'] : [])] },
  });
}
const directory: Directory = { owners: new Map(owners.map((o) => [o.id, o])) };

// ---- 100,000 accounts -------------------------------------------------------------------------
const accounts: Account[] = [];
for (let i = 0; i < ACCOUNTS; i++) {
  accounts.push({
    id: `a${i}`,
    name: `Company ${i} ${pick(['Systems', 'Labs', 'Holdings', 'Group', 'Software'])}`,
    domains: [`company${i}.com`],
    ownerId: `o${i % OWNERS}`,
    tier: i % 100 === 0 ? 'strategic' : i % 10 === 0 ? 'enterprise' : 'smb',
    strategic: i % 100 === 0,
  });
}

// ---- the policy: 200 rules over 50 pools --------------------------------------------------------
const strategies = ['round_robin', 'weighted', 'least_loaded', 'fair_share'] as const;
const pools: Record<string, unknown> = {};
for (let p = 0; p < POOLS; p++) {
  pools[`pool-${p}`] = {
    strategy: strategies[p % 4],
    members: Array.from({ length: 20 }, (_, k) => ({
      owner: `o${p * 20 + k}`,
      weight: 1 + ((p + k) % 3),
    })),
    caps: { max_per_day: 500 },
  };
}
type Cond = Record<string, unknown>;
const rules: { id: string; when?: Cond; assign: unknown; fallback: unknown[] }[] = [
  {
    id: 'strategic',
    when: { 'account.strategic': true },
    assign: 'account_owner',
    fallback: [{ pool: 'pool-0' }],
  },
  {
    id: 'enterprise-accounts',
    when: { 'account.tier': 'enterprise', employees: { gte: 1000 } },
    assign: 'account_owner',
    fallback: [{ pool: 'pool-1' }],
  },
];
for (let r = rules.length; r < RULES - 1; r++) {
  const when: Cond =
    r % 3 === 0
      ? {
          any: [
            { country: { in: sample(COUNTRIES, 3) } },
            { source: { in: sample(SOURCES, 1) }, product: { in: sample(PRODUCTS, 1) } },
          ],
          employees: { gte: Math.floor(rand() * 5000) },
        }
      : {
          country: { in: sample(COUNTRIES, 5) },
          source: { in: sample(SOURCES, 2) },
          employees: { gte: Math.floor(rand() * 2000) },
        };
  rules.push({
    id: `r${r}`,
    when,
    assign: { pool: `pool-${r % POOLS}` },
    fallback: [{ pool: `pool-${(r + 1) % POOLS}` }, { queue: 'overflow' }],
  });
}
rules.push({ id: 'catch-all', assign: { pool: 'pool-49' }, fallback: [{ queue: 'triage' }] });
const policyDoc = { default_queue: 'triage', queues: { overflow: {}, triage: {} }, pools, rules };
const { policy } = compilePolicyOrThrow(policyDoc, { version: 'bench' });
const accountIndex = buildAccountIndex(accounts);

// ---- leads: 100,000 distinct, cycled to 1,000,000 with advancing timestamps ----------------------
const leads: Lead[] = [];
for (let i = 0; i < DISTINCT_LEADS; i++) {
  const known = rand() < 0.2;
  const a = Math.floor(rand() * ACCOUNTS);
  leads.push({
    id: `l${i}`,
    email: known ? `p${i}@company${a}.com` : `p${i}@gmail.com`,
    company: known ? `Company ${a}` : `Startup ${i}`,
    country: pick(COUNTRIES),
    source: pick(SOURCES),
    product: pick(PRODUCTS),
    employees: Math.floor(rand() * 10_000),
    language: rand() < 0.2 ? 'de' : 'en',
  });
}
const START = Date.UTC(2026, 10, 2, 0, 0);
const STEP_MS = 1_000; // one lead a second: 1,000,000 leads span eleven and a half days

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function routeAll(count: number, explain: boolean): number {
  const state = createRoutingState();
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const { changes } = routeLead(policy, leads[i % DISTINCT_LEADS]!, {
      directory,
      accounts: accountIndex,
      state,
      now: START + i * STEP_MS,
      explain,
    });
    applyStateChanges(state, changes);
  }
  return count / ((performance.now() - t0) / 1000);
}

function p99Micros(count: number): number {
  const state = createRoutingState();
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const { changes } = routeLead(policy, leads[i % DISTINCT_LEADS]!, {
      directory,
      accounts: accountIndex,
      state,
      now: START + i * STEP_MS,
    });
    applyStateChanges(state, changes);
    times[i] = performance.now() - t0;
  }
  times.sort();
  return times[Math.floor(count * 0.99)]! * 1000;
}

function simulateMillion(): number {
  const t0 = performance.now();
  let i = 0;
  function* stream() {
    for (i = 0; i < LEADS; i++) yield leads[i % DISTINCT_LEADS]!;
  }
  simulateLeads(policy, stream(), {
    directory,
    accounts: accountIndex,
    defaultNow: START,
    timestampOf: () => START + i * STEP_MS,
  });
  return (performance.now() - t0) / 1000;
}

// ---- json-rules-engine on the same conditions ---------------------------------------------------
const JRE_OPS: Record<string, string> = { eq: 'equal', in: 'in', gte: 'greaterThanInclusive' };
function toJre(cond: Cond): Record<string, unknown> {
  const all: unknown[] = [];
  for (const [key, value] of Object.entries(cond)) {
    if (key === 'any') all.push({ any: (value as Cond[]).map(toJre) });
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [op, v] of Object.entries(value))
        all.push({ fact: key, operator: JRE_OPS[op], value: v });
    } else all.push({ fact: key, operator: 'equal', value });
  }
  return { all };
}
async function jsonRulesEngineRate(count: number): Promise<number> {
  const engine = new Engine([], { allowUndefinedFacts: true });
  rules.forEach((rule, i) => {
    engine.addRule({
      name: rule.id,
      priority: RULES - i, // distinct priorities: evaluated one by one in policy order, like ours
      conditions: (rule.when ? toJre(rule.when) : { all: [] }) as never,
      event: { type: 'route', params: { rule: rule.id } },
      onSuccess: () => void engine.stop(), // first match wins, as in the router
    });
  });
  // json-rules-engine gets the derived fields (normalised country, account.*) ready-made.
  const facts = leads.slice(0, count).map((lead) => deriveLeadFields(lead, policy, accountIndex));
  const t0 = performance.now();
  for (const f of facts) await engine.run(f);
  return count / ((performance.now() - t0) / 1000);
}

// ---- run -----------------------------------------------------------------------------------------
const reps = process.argv.includes('--quick') ? 1 : REPS;
// Warm up: the JIT's optimised code and the state's tables, as in a server that has been running.
routeAll(200_000, false);
routeAll(50_000, true);

const plain: number[] = [];
const explained: number[] = [];
const p99: number[] = [];
const simulate: number[] = [];
const jre: number[] = [];
for (let r = 0; r < reps; r++) {
  plain.push(routeAll(LEADS, false));
  explained.push(routeAll(200_000, true));
  p99.push(p99Micros(200_000));
  simulate.push(simulateMillion());
  jre.push(await jsonRulesEngineRate(5_000));
  globalThis.gc?.();
}

const rssMb = process.resourceUsage().maxRSS / 1024;
const figures = {
  decisions_per_sec: Math.round(median(plain)),
  decisions_per_sec_explain: Math.round(median(explained)),
  p99_us: Number(median(p99).toFixed(2)),
  vs_json_rules_engine: Number((median(plain) / median(jre)).toFixed(1)),
  json_rules_engine_per_sec: Math.round(median(jre)),
  simulate_1m_s: Number(median(simulate).toFixed(2)),
  rss_mb: Math.round(rssMb),
};

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `\nleadrouter engine benchmark — ${cpu}, ${os.cpus().length} cores, Node ${process.version}`,
);
console.log(
  `policy: ${policy.rules.length} rules, ${policy.pools.size} pools, ${OWNERS} owners, ${ACCOUNTS} accounts; ${LEADS.toLocaleString('en')} leads; median of ${reps}\n`,
);
const rows: [string, string, string][] = [
  ['decisions/s, explanations off', figures.decisions_per_sec.toLocaleString('en'), '≥ 200,000'],
  [
    'decisions/s, explanations on',
    figures.decisions_per_sec_explain.toLocaleString('en'),
    '≥ 50,000',
  ],
  ['p99 per decision (µs)', String(figures.p99_us), ''],
  ['json-rules-engine first-match/s', figures.json_rules_engine_per_sec.toLocaleString('en'), ''],
  ['leadrouter ÷ json-rules-engine', `${figures.vs_json_rules_engine}×`, '≥ 20×'],
  ['simulate 1,000,000 leads (s)', String(figures.simulate_1m_s), '< 10'],
  ['peak RSS (MB)', String(figures.rss_mb), ''],
];
console.log(`${'figure'.padEnd(34)} ${'value'.padStart(12)}  target`);
for (const [k, v, t] of rows) console.log(`${k.padEnd(34)} ${v.padStart(12)}  ${t}`);
console.log(JSON.stringify(figures));
