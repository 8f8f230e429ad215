/**
 * Lead-to-account matching benchmark: builds an index over 100,000 synthetic accounts and times
 * 200,000 `match` calls mixing email-domain hits, website hits, exact names, fuzzy typos and
 * misses. Prints a table per lookup kind, then one JSON line.
 *
 *   node --import tsx bench/accounts.ts
 *   BENCH_ACCOUNTS=10000 BENCH_LOOKUPS=50000 node --import tsx bench/accounts.ts   # quick check
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { faker } from '@faker-js/faker';
import { buildAccountIndex, normalizeCompanyName } from '../src/engine/index.ts';
import type { Account, AccountMatchMethod } from '../src/engine/types.ts';

/** Sizes; BENCH_ACCOUNTS and BENCH_LOOKUPS shrink them for a quick check on a busy machine. */
const ACCOUNTS = sizeFromEnv('BENCH_ACCOUNTS', 100_000);
const LOOKUPS = sizeFromEnv('BENCH_LOOKUPS', 200_000);
const WARMUP = Math.min(20_000, LOOKUPS);

function sizeFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

type Kind = 'email_domain' | 'website_domain' | 'company_name' | 'company_name_fuzzy' | 'miss';
/** Share of each kind in the lookup mix. */
const MIX: ReadonlyArray<readonly [Kind, number]> = [
  ['email_domain', 0.3],
  ['website_domain', 0.2],
  ['company_name', 0.2],
  ['company_name_fuzzy', 0.15],
  ['miss', 0.15],
];

interface Lookup {
  kind: Kind;
  lead: { email?: string; website?: string; company?: string };
  /** Normalised name the fuzzy lookup was typed from, to count correct recoveries. */
  intended?: string;
}

faker.seed(42);

function makeAccounts(): Account[] {
  const used = new Set<string>();
  const uniqueDomain = (): string => {
    let d = faker.internet.domainName();
    // faker repeats domains; a numbered variant keeps domain hits unambiguous.
    for (let i = 2; used.has(d); i++) d = d.replace(/^([^.]+)(\d*)\./, `$1${i}.`);
    used.add(d);
    return d;
  };
  const accounts: Account[] = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const domains = [uniqueDomain()];
    if (faker.number.float() < 0.2) domains.push(uniqueDomain());
    accounts.push({
      id: `acc-${i.toString().padStart(6, '0')}`,
      name: faker.company.name(),
      domains,
      ownerId: faker.number.float() < 0.7 ? `owner-${faker.number.int(499)}` : undefined,
      strategic: faker.number.float() < 0.05,
      tier: faker.helpers.arrayElement(['enterprise', 'mid-market', 'smb']),
    });
  }
  return accounts;
}

/** One random typo: substitution, insertion, deletion or adjacent transposition of a letter. */
function typo(name: string): string {
  const i = faker.number.int({ min: 1, max: name.length - 2 });
  const letter = faker.string.alpha({ length: 1, casing: 'lower' });
  switch (faker.number.int(3)) {
    case 0:
      return name.slice(0, i) + letter + name.slice(i + 1);
    case 1:
      return name.slice(0, i) + letter + name.slice(i);
    case 2:
      return name.slice(0, i) + name.slice(i + 1);
    default:
      return name.slice(0, i) + name.charAt(i + 1) + name.charAt(i) + name.slice(i + 2);
  }
}

function pickKind(): Kind {
  let r = faker.number.float();
  for (const [kind, share] of MIX) {
    if (r < share) return kind;
    r -= share;
  }
  return 'miss';
}

function makeLookups(accounts: readonly Account[], knownNames: ReadonlySet<string>): Lookup[] {
  const lookups: Lookup[] = [];
  while (lookups.length < LOOKUPS) {
    const account = faker.helpers.arrayElement(accounts);
    const domain = faker.helpers.arrayElement(account.domains ?? []);
    const kind = pickKind();
    const person = faker.internet.username().toLowerCase();
    switch (kind) {
      case 'email_domain': {
        const host = faker.number.float() < 0.2 ? `mail.${domain}` : domain;
        lookups.push({ kind, lead: { email: `${person}@${host}`, company: account.name } });
        break;
      }
      case 'website_domain':
        lookups.push({
          kind,
          lead: {
            email: `${person}@gmail.com`,
            website: `https://www.${domain}/pricing`,
            company: account.name,
          },
        });
        break;
      case 'company_name':
        lookups.push({
          kind,
          lead: { email: `${person}@yahoo.com`, company: `${account.name.toUpperCase()}, Inc.` },
        });
        break;
      case 'company_name_fuzzy': {
        const name = normalizeCompanyName(account.name) ?? '';
        if (name.length < 5) continue;
        const typed = typo(name);
        if (knownNames.has(typed)) continue; // an exact hit, not a fuzzy lookup
        lookups.push({
          kind,
          lead: { email: `${person}@outlook.com`, company: typed },
          intended: name,
        });
        break;
      }
      case 'miss':
        lookups.push({
          kind,
          lead: {
            email: `${person}@gmx.de`,
            website: `https://${faker.lorem.word()}-${faker.lorem.word()}.example`,
            company: `${faker.lorem.words(2)} ${faker.lorem.word()}`,
          },
        });
        break;
    }
  }
  return lookups;
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

const accounts = makeAccounts();
const knownNames = new Set(accounts.map((a) => normalizeCompanyName(a.name) ?? ''));
const lookups = makeLookups(accounts, knownNames);

const t0 = performance.now();
const index = buildAccountIndex(accounts);
const buildMs = performance.now() - t0;

for (let i = 0; i < WARMUP; i++) index.match((lookups[i % lookups.length] as Lookup).lead);

const micros = new Float64Array(lookups.length);
const methods: Array<AccountMatchMethod | null> = new Array(lookups.length);
let fuzzyCorrect = 0;
for (let i = 0; i < lookups.length; i++) {
  const lookup = lookups[i] as Lookup;
  const start = process.hrtime.bigint();
  const result = index.match(lookup.lead);
  micros[i] = Number(process.hrtime.bigint() - start) / 1000;
  methods[i] = result?.method ?? null;
  if (
    lookup.intended !== undefined &&
    result &&
    normalizeCompanyName(result.account.name) === lookup.intended
  )
    fuzzyCorrect++;
}

const rows: string[][] = [
  ['kind', 'lookups', 'expected method', 'p50 µs', 'p99 µs', 'max µs', 'ops/s'],
];
const kinds: Array<Kind | 'all'> = [
  'email_domain',
  'website_domain',
  'company_name',
  'company_name_fuzzy',
  'miss',
  'all',
];
let fuzzyP99 = NaN;
for (const kind of kinds) {
  const picked: number[] = [];
  let expected = 0;
  lookups.forEach((l, i) => {
    if (kind !== 'all' && l.kind !== kind) return;
    picked.push(micros[i] as number);
    const method = methods[i] ?? null;
    if (kind === 'all' || (kind === 'miss' ? method === null : method === kind)) expected++;
  });
  const sorted = Float64Array.from(picked).sort();
  const total = picked.reduce((s, x) => s + x, 0);
  if (kind === 'company_name_fuzzy') fuzzyP99 = quantile(sorted, 0.99);
  rows.push([
    kind,
    String(picked.length),
    kind === 'all' ? '' : `${((100 * expected) / picked.length).toFixed(1)}%`,
    quantile(sorted, 0.5).toFixed(2),
    quantile(sorted, 0.99).toFixed(2),
    (sorted[sorted.length - 1] ?? NaN).toFixed(1),
    Math.round((picked.length / total) * 1e6).toLocaleString('en-US'),
  ]);
}
const all = Float64Array.from(micros).sort();
const fuzzyLookups = lookups.filter((l) => l.kind === 'company_name_fuzzy').length;

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `accounts: ${ACCOUNTS.toLocaleString('en-US')}, build ${buildMs.toFixed(0)} ms; ` +
    `${cpu} (${cpus().length} cores), Node ${process.version}`,
);
const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
for (const row of rows)
  console.log(
    row
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join('  '),
  );
console.log(
  `fuzzy typos recovered to the intended name: ${((100 * fuzzyCorrect) / fuzzyLookups).toFixed(1)}%`,
);
console.log(
  JSON.stringify({
    accounts: ACCOUNTS,
    build_ms: Math.round(buildMs),
    match_p50_us: Number(quantile(all, 0.5).toFixed(2)),
    match_p99_us: Number(quantile(all, 0.99).toFixed(2)),
    fuzzy_p99_us: Number(fuzzyP99.toFixed(2)),
  }),
);
