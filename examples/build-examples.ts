/**
 * Builds the demo data in examples/ from the public CRM sample and the X Education leads:
 *
 *   node --import tsx examples/build-examples.ts /work/shared/data
 *
 * Inputs (under the data directory): crm/sales_teams.csv, crm/accounts.csv,
 * crm/sales_pipeline.csv and leads/xeducation-leads.csv. Outputs: examples/owners.yaml,
 * examples/accounts.csv and examples/leads.csv. policy.yaml and leads-mapping.yaml are written by
 * hand: they are what an ops admin would write, and they are commented as teaching material.
 *
 * The output is deterministic: every random choice comes from faker seeded with 7, made in a fixed
 * order, and nothing reads the clock. Running the script twice gives byte-identical files, so the
 * committed files can be checked against it.
 *
 * What is real and what is invented:
 * - real: agents, managers and offices; accounts with sector, revenue, employees, office; who won
 *   what on which account (pipeline); the 9,240 leads' origin, source, country, city,
 *   specialization, occupation, consent flags, conversion and web activity;
 * - invented: owner ids, emails, time zones, working hours, absences, caps and skills; account
 *   domains and tiers; each lead's capture time, email, company, website, language, product
 *   interest, employee count and (for US leads) state.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { faker, fakerEN_IN } from '@faker-js/faker';
import { parse as parseCsv } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { parseAccounts } from '../src/formats/accounts.ts';
import { slugify } from '../src/formats/common.ts';
import { parseLeadMapping, parseLeads } from '../src/formats/leads.ts';
import { parseOwners } from '../src/formats/owners.ts';

const dataDir = process.argv[2];
if (!dataDir) {
  console.error(
    'usage: node --import tsx examples/build-examples.ts DATA_DIR   (e.g. /work/shared/data)',
  );
  process.exit(2);
}
const outDir = dirname(fileURLToPath(import.meta.url));

faker.seed(7);
fakerEN_IN.seed(7);

type Row = Record<string, string>;
const readRows = (path: string): Row[] =>
  parseCsv(readFileSync(join(dataDir, path), 'utf8'), { columns: true, bom: true }) as Row[];

const teams = readRows('crm/sales_teams.csv');
const crmAccounts = readRows('crm/accounts.csv');
const pipeline = readRows('crm/sales_pipeline.csv');
const xeducation = readRows('leads/xeducation-leads.csv');

// =============================================================================================
// Owners
// =============================================================================================

const OFFICE_ZONES: Record<string, string> = {
  Central: 'America/Chicago',
  East: 'America/New_York',
  West: 'America/Los_Angeles',
};

/**
 * Agents moved to offices outside the US so that the EMEA and APAC territories have owners (the
 * CRM sample only has US offices). Chosen to take one or two from each US office, including two
 * of the five agents with no pipeline history (new hires, which is how a new office starts).
 */
const REHOMED: Record<string, { zone: string; team: string; office: string }> = {
  'Rosie Papadopoulos': { zone: 'Europe/London', team: 'emea', office: 'London' },
  'Versie Hillebrand': { zone: 'Europe/Berlin', team: 'emea', office: 'Berlin' },
  'Hayden Neloms': { zone: 'Asia/Kolkata', team: 'apac', office: 'Kolkata' },
  'Niesha Huffines': { zone: 'Asia/Kolkata', team: 'apac', office: 'Kolkata' },
  'Mei-Mei Johns': { zone: 'Asia/Kolkata', team: 'apac', office: 'Kolkata' },
  'Carl Lin': { zone: 'Asia/Singapore', team: 'apac', office: 'Singapore' },
};

/** Languages beyond English, chosen for the demo (every owner speaks English). */
const EXTRA_LANGUAGES: Record<string, string[]> = {
  'Hayden Neloms': ['hi'],
  'Niesha Huffines': ['hi'],
  'Mei-Mei Johns': ['hi'],
  'Carl Lin': ['zh'],
  'Versie Hillebrand': ['de'],
  'Rosie Papadopoulos': ['fr'],
  'Corliss Cosme': ['fr'],
  'Rosalina Dieter': ['es'],
  'James Ascencio': ['es'],
  'Cecily Lampkin': ['es'],
  'Zane Levy': ['es'],
};

/** Absences inside the demo period (November 2026), local wall-clock time in the owner's zone. */
const OUT_OF_OFFICE: Record<string, Array<{ from: string; until: string; reason: string }>> = {
  'Darcel Schlecht': [{ from: '2026-11-09T00:00', until: '2026-11-14T00:00', reason: 'vacation' }],
  'Kary Hendrixson': [
    { from: '2026-11-17T00:00', until: '2026-11-19T00:00', reason: 'conference' },
  ],
  'Violet Mclelland': [{ from: '2026-11-04T13:00', until: '2026-11-05T00:00', reason: 'doctor' }],
  'Niesha Huffines': [
    { from: '2026-11-16T00:00', until: '2026-11-21T00:00', reason: 'family leave' },
  ],
  'Anna Snelling': [{ from: '2026-11-23T00:00', until: '2026-11-25T00:00', reason: 'training' }],
};

/** Left the company during the demo period: still owns accounts, so their leads must fall back. */
const INACTIVE = new Set(['Boris Faz']);

const seriesOf = (product: string): string =>
  product.startsWith('GTK') ? 'gtk' : product.startsWith('MG') ? 'mg' : 'gtx';

const wonBySeries = new Map<string, Map<string, number>>();
for (const o of pipeline) {
  if (o.deal_stage !== 'Won') continue;
  const agent = o.sales_agent!;
  const counts = wonBySeries.get(agent) ?? new Map<string, number>();
  counts.set(seriesOf(o.product!), (counts.get(seriesOf(o.product!)) ?? 0) + 1);
  wonBySeries.set(agent, counts);
}

/**
 * Product skills: the product lines an agent sold most: the top line, every line with at least
 * 40% of the top line's won deals, and GTK for anyone who ever won a GTK deal (it is rare and
 * large). Agents with no history are generalists: gtx and mg.
 */
function productsOf(agent: string): string[] {
  const counts = wonBySeries.get(agent);
  if (!counts) return ['gtx', 'mg'];
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const top = sorted[0]![1];
  const lines = sorted.filter(([s, n]) => s === 'gtk' || n >= 0.4 * top).map(([s]) => s);
  return ['gtx', 'mg', 'gtk'].filter((s) => lines.includes(s));
}

const ownerId = (name: string) => slugify(name);

interface DemoOwner {
  name: string;
  id: string;
  email: string;
  zone: string;
  team: string;
  office: string;
  manager: string;
  products: string[];
  languages: string[];
  newHire: boolean;
}

const owners: DemoOwner[] = teams.map((t) => {
  const name = t.sales_agent!;
  const rehomed = REHOMED[name];
  const [first, ...rest] = name.toLowerCase().split(' ');
  return {
    name,
    id: ownerId(name),
    email: `${first}.${rest.join('-')}@example.com`,
    zone: rehomed?.zone ?? OFFICE_ZONES[t.regional_office!]!,
    team: rehomed?.team ?? t.regional_office!.toLowerCase(),
    office: rehomed?.office ?? t.regional_office!,
    manager: t.manager!,
    products: productsOf(name),
    languages: ['en', ...(EXTRA_LANGUAGES[name] ?? [])],
    newHire: !wonBySeries.has(name),
  };
});

const US_HOLIDAYS = ['2026-11-26', '2026-11-27']; // Thanksgiving and the day after

// Written in block style with single quotes and short lines, the way prettier prints YAML, so that
// formatting the repository never makes the committed file differ from this script's output.
function ownerYaml(o: DemoOwner): string {
  const q = (s: string) => `'${s}'`;
  const lines = [
    `  - id: ${o.id}`,
    `    name: ${o.name}`,
    `    email: ${o.email}`,
    `    time_zone: ${o.zone}`,
    `    team: ${o.team}`,
    `    manager: ${o.manager}`,
  ];
  if (INACTIVE.has(o.name)) lines.push('    active: false # left the company on 2026-10-30');
  lines.push('    working_hours:');
  for (const day of ['mon', 'tue', 'wed', 'thu', 'fri'])
    lines.push(`      ${day}: [${q('09:00-17:30')}]`);
  if (o.zone.startsWith('America/')) lines.push(`      holidays: [${US_HOLIDAYS.join(', ')}]`);
  const ooo = OUT_OF_OFFICE[o.name];
  if (ooo) {
    lines.push('    out_of_office:');
    for (const w of ooo) {
      lines.push(`      - { from: ${q(w.from)}, until: ${q(w.until)}, reason: ${w.reason} }`);
    }
  }
  // The APAC desk works the high-volume education funnel from India: short calls, many leads.
  const caps =
    o.team === 'apac'
      ? '{ max_open: 1500, max_per_day: 100 }'
      : o.newHire
        ? '{ max_open: 200, max_per_day: 30 } # new hire, ramping up'
        : '{ max_open: 400, max_per_day: 60 }';
  lines.push(`    caps: ${caps}`);
  lines.push(
    `    skills: { languages: [${o.languages.join(', ')}], products: [${o.products.join(', ')}] }`,
  );
  return lines.join('\n');
}

const rehomedList = Object.entries(REHOMED)
  .map(([name, r]) => `#   ${name} → ${r.office} (${r.zone})`)
  .join('\n');

const ownersYaml = `# Demo owner directory: the 35 sales agents of the public CRM sample (crm/sales_teams.csv), with
# their managers and regional offices. Generated by examples/build-examples.ts; do not edit by hand.
#
# Invented for the demo: ids, emails, time zones, working hours (Mon-Fri 09:00-17:30 local; US
# offices are off for Thanksgiving, 2026-11-26/27), absences, caps and skills. Product skills are
# the product lines each agent won most deals in (crm/sales_pipeline.csv); agents without history
# are generalists.
#
# The CRM sample only has US offices (Central → America/Chicago, East → America/New_York,
# West → America/Los_Angeles). So that the EMEA and APAC territories have owners, these agents
# were re-homed for the demo (team emea or apac, manager unchanged):
${rehomedList}
#
# Also for the demo: ${[...INACTIVE].join(', ')} is inactive (left the company, still owns accounts),
# and these agents are out of office for part of November 2026:
# ${Object.keys(OUT_OF_OFFICE).join(', ')}.
#
# Times without an offset (out_of_office) are in the owner's own time zone.
owners:
${owners.map(ownerYaml).join('\n')}
`;

// =============================================================================================
// Accounts
// =============================================================================================

/** A few accounts get a non-.com domain, as real account lists do. */
const DOMAIN_EXCEPTIONS: Record<string, string> = {
  Newex: 'newex.de',
  'Gekko & Co': 'gekkoandco.co.uk',
  'Massive Dynamic': 'massivedynamic.co.uk',
  Streethex: 'streethex.de',
};

function domainOf(name: string): string {
  const exception = DOMAIN_EXCEPTIONS[name];
  if (exception) return exception;
  const base = name
    .toLowerCase()
    .replace(/^the /, '')
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9-]+/g, '');
  return `${base}.com`;
}

// Account owner: the agent with the most won value on the account (ties: the alphabetically first).
const wonValue = new Map<string, Map<string, number>>();
for (const o of pipeline) {
  if (o.deal_stage !== 'Won' || !o.account) continue;
  const byAgent = wonValue.get(o.account) ?? new Map<string, number>();
  byAgent.set(o.sales_agent!, (byAgent.get(o.sales_agent!) ?? 0) + Number(o.close_value));
  wonValue.set(o.account, byAgent);
}
const accountOwner = (account: string): string | undefined => {
  const byAgent = [...(wonValue.get(account) ?? new Map<string, number>()).entries()];
  byAgent.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return byAgent[0] ? ownerId(byAgent[0][0]) : undefined;
};

// Tier: the ten largest by revenue are strategic; then enterprise from 1,000 employees; else smb.
const byRevenue = [...crmAccounts].sort((a, b) => Number(b.revenue) - Number(a.revenue));
const strategicNames = new Set(byRevenue.slice(0, 10).map((a) => a.account!));

interface DemoAccount {
  id: string;
  name: string;
  domain: string;
  owner: string;
  tier: string;
  strategic: boolean;
  employees: number;
  office: string;
}

const accounts: DemoAccount[] = crmAccounts.map((a) => {
  const name = a.account!;
  const strategic = strategicNames.has(name);
  return {
    id: slugify(name),
    name,
    domain: domainOf(name),
    owner: accountOwner(name) ?? '',
    tier: strategic ? 'strategic' : Number(a.employees) >= 1000 ? 'enterprise' : 'smb',
    strategic,
    employees: Number(a.employees),
    office: a.office_location!,
  };
});

const csvField = (value: string | number | boolean | undefined): string => {
  const s = value === undefined ? '' : String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csvLine = (values: Array<string | number | boolean | undefined>) =>
  values.map(csvField).join(',');

const accountsCsv =
  [
    csvLine([
      'id',
      'name',
      'domains',
      'owner',
      'tier',
      'strategic',
      'sector',
      'revenue',
      'employees',
      'office_location',
      'subsidiary_of',
    ]),
    ...crmAccounts.map((a, i) => {
      const d = accounts[i]!;
      return csvLine([
        d.id,
        d.name,
        d.domain,
        d.owner,
        d.tier,
        d.strategic,
        a.sector,
        a.revenue,
        a.employees,
        a.office_location,
        a.subsidiary_of,
      ]);
    }),
  ].join('\n') + '\n';

// =============================================================================================
// Leads
// =============================================================================================

/** Columns of the X Education file worth keeping for routing and reporting. */
const KEPT_COLUMNS = [
  'Prospect ID',
  'Lead Origin',
  'Lead Source',
  'Do Not Email',
  'Do Not Call',
  'Country',
  'City',
  'Specialization',
  'What is your current occupation',
  'Converted',
  'TotalVisits',
  'Total Time Spent on Website',
] as const;

const GENERATED_COLUMNS = [
  'created_at',
  'email',
  'company',
  'website',
  'language',
  'product_interest',
  'employees',
  'state',
] as const;

/**
 * The X Education specializations mapped onto the CRM sample's product lines. GTX is the core
 * platform (operations, finance, IT, people), MG the marketing and customer-experience line, GTK
 * the large enterprise system, for international business. `Select` and blanks say nothing.
 */
const PRODUCT_BY_SPECIALIZATION: Record<string, 'GTX' | 'MG' | 'GTK'> = {
  'Finance Management': 'GTX',
  'Human Resource Management': 'GTX',
  'Operations Management': 'GTX',
  'Business Administration': 'GTX',
  'IT Projects Management': 'GTX',
  'Supply Chain Management': 'GTX',
  'Banking, Investment And Insurance': 'GTX',
  'Healthcare Management': 'GTX',
  'E-COMMERCE': 'GTX',
  'E-Business': 'GTX',
  'Rural and Agribusiness': 'GTX',
  'Marketing Management': 'MG',
  'Media and Advertising': 'MG',
  'Travel and Tourism': 'MG',
  'Hospitality Management': 'MG',
  'Retail Management': 'MG',
  'Services Excellence': 'MG',
  'International Business': 'GTK',
};

/** Where a lead from each country is captured, so its time of day is business hours there. */
const COUNTRY_ZONES: Record<string, string> = {
  India: 'Asia/Kolkata',
  'United States': 'America/New_York',
  'United Arab Emirates': 'Asia/Dubai',
  Singapore: 'Asia/Singapore',
  'Saudi Arabia': 'Asia/Riyadh',
  'United Kingdom': 'Europe/London',
  Australia: 'Australia/Sydney',
  Qatar: 'Asia/Qatar',
  Bahrain: 'Asia/Bahrain',
  'Hong Kong': 'Asia/Hong_Kong',
  Oman: 'Asia/Muscat',
  France: 'Europe/Paris',
  Kuwait: 'Asia/Kuwait',
  Canada: 'America/Toronto',
  Nigeria: 'Africa/Lagos',
  Germany: 'Europe/Berlin',
  'South Africa': 'Africa/Johannesburg',
  Sweden: 'Europe/Stockholm',
  Ghana: 'Africa/Accra',
  Belgium: 'Europe/Brussels',
  China: 'Asia/Shanghai',
  Netherlands: 'Europe/Amsterdam',
  'Asia/Pacific Region': 'Asia/Singapore',
  Uganda: 'Africa/Kampala',
  Italy: 'Europe/Rome',
  Philippines: 'Asia/Manila',
  Bangladesh: 'Asia/Dhaka',
  Russia: 'Europe/Moscow',
  'Sri Lanka': 'Asia/Colombo',
  Kenya: 'Africa/Nairobi',
  Tanzania: 'Africa/Dar_es_Salaam',
  Malaysia: 'Asia/Kuala_Lumpur',
  Liberia: 'Africa/Monrovia',
  Switzerland: 'Europe/Zurich',
  Denmark: 'Europe/Copenhagen',
  Vietnam: 'Asia/Ho_Chi_Minh',
  Indonesia: 'Asia/Jakarta',
};

/** US states for US leads, weighted roughly by population, with the office each falls under. */
const US_STATES: Array<{ value: string; weight: number; zone: string }> = [
  { value: 'CA', weight: 12, zone: 'America/Los_Angeles' },
  { value: 'WA', weight: 3, zone: 'America/Los_Angeles' },
  { value: 'OR', weight: 2, zone: 'America/Los_Angeles' },
  { value: 'CO', weight: 2, zone: 'America/Denver' },
  { value: 'AZ', weight: 2, zone: 'America/Phoenix' },
  { value: 'TX', weight: 9, zone: 'America/Chicago' },
  { value: 'IL', weight: 4, zone: 'America/Chicago' },
  { value: 'MN', weight: 2, zone: 'America/Chicago' },
  { value: 'MO', weight: 2, zone: 'America/Chicago' },
  { value: 'NY', weight: 7, zone: 'America/New_York' },
  { value: 'FL', weight: 7, zone: 'America/New_York' },
  { value: 'MA', weight: 3, zone: 'America/New_York' },
  { value: 'NJ', weight: 3, zone: 'America/New_York' },
  { value: 'GA', weight: 3, zone: 'America/New_York' },
  { value: 'PA', weight: 4, zone: 'America/New_York' },
];

/** Leads of unknown country: a web form without geo lookup, captured in US business hours. */
const US_ZONES = [
  { value: 'America/New_York', weight: 45 },
  { value: 'America/Chicago', weight: 30 },
  { value: 'America/Los_Angeles', weight: 25 },
];

const PERSONAL_PROVIDERS = ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com'];
const INDIAN_PROVIDERS = [
  'gmail.com',
  'gmail.com',
  'gmail.com',
  'yahoo.co.in',
  'rediffmail.com',
  'outlook.com',
];
const COMPANY_TLDS = ['com', 'com', 'com', 'io', 'net', 'co'];

/** The demo period: Monday 2026-11-02 to Friday 2026-11-27. */
const PERIOD_START = DateTime.fromISO('2026-11-02', { zone: 'UTC' });
const PERIOD_DAYS = 26;
const WEEKDAYS_IN_PERIOD: DateTime[] = [];
const WEEKEND_DAYS_IN_PERIOD: DateTime[] = [];
for (let d = 0; d < PERIOD_DAYS; d++) {
  const day = PERIOD_START.plus({ days: d });
  (day.weekday <= 5 ? WEEKDAYS_IN_PERIOD : WEEKEND_DAYS_IN_PERIOD).push(day);
}

const pick = <T>(list: readonly T[]): T => faker.helpers.arrayElement(list);
const chance = (p: number): boolean => faker.number.float({ min: 0, max: 1 }) < p;
const weighted = <T>(list: Array<{ value: T; weight: number }>): T =>
  faker.helpers.weightedArrayElement(list);

/**
 * A capture time in `zone`: weekdays mostly (5% on weekends), business hours mostly (88% between
 * 09:00 and 18:00, peaking late morning; the rest early morning or evening), as UTC ISO text.
 */
function captureTime(zone: string): string {
  const day = chance(0.05) ? pick(WEEKEND_DAYS_IN_PERIOD) : pick(WEEKDAYS_IN_PERIOD);
  let minuteOfDay: number;
  if (chance(0.88)) {
    // Two uniforms averaged give a triangle over 09:00-18:00 peaking at 13:30: a lunchtime bump.
    const a = faker.number.int({ min: 9 * 60, max: 18 * 60 - 1 });
    const b = faker.number.int({ min: 9 * 60, max: 18 * 60 - 1 });
    minuteOfDay = Math.round((a + b) / 2);
  } else {
    minuteOfDay = chance(0.5)
      ? faker.number.int({ min: 6 * 60, max: 9 * 60 - 1 })
      : faker.number.int({ min: 18 * 60, max: 23 * 60 - 1 });
  }
  const local = DateTime.fromObject(
    {
      year: day.year,
      month: day.month,
      day: day.day,
      hour: Math.floor(minuteOfDay / 60),
      minute: minuteOfDay % 60,
      second: faker.number.int({ min: 0, max: 59 }),
    },
    { zone },
  );
  return local.toUTC().toISO({ suppressMilliseconds: true })!;
}

/** One plausible typo: a transposition, a dropped letter or a doubled letter, inside the name. */
function typo(name: string): string {
  const letters = [...name];
  const positions = letters
    .map((c, i) => i)
    .filter(
      (i) =>
        i > 0 &&
        i < letters.length - 1 &&
        /[a-z]/i.test(letters[i]!) &&
        /[a-z]/i.test(letters[i + 1] ?? ''),
    );
  const i = pick(positions);
  const kind = pick(['swap', 'drop', 'double'] as const);
  if (kind === 'swap') [letters[i], letters[i + 1]] = [letters[i + 1]!, letters[i]!];
  else if (kind === 'drop') letters.splice(i, 1);
  else letters.splice(i, 0, letters[i]!);
  return letters.join('');
}

/** Company size for a lead without an account: log-normal, median about 40, a long tail. */
function employeeCount(): number | undefined {
  if (chance(0.25)) return undefined;
  const u = faker.number.float({ min: Number.EPSILON, max: 1 });
  const v = faker.number.float({ min: 0, max: 1 });
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.min(50_000, Math.max(1, Math.round(Math.exp(3.7 + 1.6 * normal))));
}

const emailLocal = (first: string, last: string): string =>
  `${first}.${last}`
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '');

const usedEmails = new Set<string>();
/** Emails are unique: a repeated one would make the `sticky` target hand leads around by accident. */
function uniqueEmail(local: string, domain: string): string {
  let email = `${local}@${domain}`;
  for (let n = 2; usedEmails.has(email); n++) email = `${local}${n}@${domain}`;
  usedEmails.add(email);
  return email;
}

interface GeneratedLead {
  row: Row;
  created_at: string;
  email: string;
  company?: string;
  website?: string;
  language: string;
  product_interest?: string;
  employees?: number;
  state?: string;
}

const generated: GeneratedLead[] = xeducation.map((row) => {
  const country = row.Country ?? '';
  const india = country === 'India';
  const person = india ? fakerEN_IN.person : faker.person;
  const first = person.firstName();
  const last = person.lastName();

  // Who the lead works for: 15% a known account by email domain, 10% an account named in the
  // company field (a third of those misspelt) with a personal email, the rest strangers.
  let company: string | undefined;
  let email: string;
  let website: string | undefined;
  let employees: number | undefined;
  const roll = faker.number.float({ min: 0, max: 1 });
  if (roll < 0.15) {
    const account = pick(accounts);
    email = uniqueEmail(emailLocal(first, last), account.domain);
    company = chance(0.7) ? account.name : undefined;
    website = chance(0.2) ? `https://www.${account.domain}` : undefined;
    employees = account.employees;
  } else if (roll < 0.25) {
    const account = pick(accounts);
    company = chance(0.33) ? typo(account.name) : account.name;
    email = uniqueEmail(
      emailLocal(first, last),
      pick(india ? INDIAN_PROVIDERS : PERSONAL_PROVIDERS),
    );
    employees = account.employees;
  } else if (chance(0.5)) {
    company = (india ? fakerEN_IN : faker).company.name();
    const slug = slugify(company)
      .split('-')
      .filter((w) => w !== 'and')
      .slice(0, 2)
      .join('');
    const domain = `${slug}.${pick(COMPANY_TLDS)}`;
    email = uniqueEmail(emailLocal(first, last), domain);
    website = chance(0.4) ? `https://${domain}` : undefined;
    employees = employeeCount();
  } else {
    email = uniqueEmail(
      emailLocal(first, last),
      pick(india ? INDIAN_PROVIDERS : PERSONAL_PROVIDERS),
    );
    company = chance(0.3) ? (india ? fakerEN_IN : faker).company.name() : undefined;
    employees = employeeCount();
  }

  let state: string | undefined;
  let zone = COUNTRY_ZONES[country];
  if (country === 'United States') {
    const s = weighted(US_STATES.map((x) => ({ value: x, weight: x.weight })));
    state = s.value;
    zone = s.zone;
  }
  zone ??= weighted(US_ZONES);

  const language = india
    ? chance(0.3)
      ? 'hi'
      : 'en'
    : country === 'Germany'
      ? 'de'
      : country === 'France' || country === 'Belgium'
        ? 'fr'
        : !country && chance(0.04)
          ? 'es'
          : 'en';

  return {
    row,
    created_at: captureTime(zone),
    email,
    company,
    website,
    language,
    product_interest: PRODUCT_BY_SPECIALIZATION[row.Specialization ?? ''],
    employees,
    state,
  };
});

// In time order, as a simulation replays them; ties by id so the order never depends on the sort.
generated.sort(
  (a, b) =>
    a.created_at.localeCompare(b.created_at) ||
    a.row['Prospect ID']!.localeCompare(b.row['Prospect ID']!),
);

const leadsCsv =
  [
    csvLine([...KEPT_COLUMNS, ...GENERATED_COLUMNS]),
    ...generated.map((g) =>
      csvLine([
        ...KEPT_COLUMNS.map((c) => g.row[c]),
        g.created_at,
        g.email,
        g.company,
        g.website,
        g.language,
        g.product_interest,
        g.employees,
        g.state,
      ]),
    ),
  ].join('\n') + '\n';

// =============================================================================================
// Write, then read back with the project's own parsers
// =============================================================================================

writeFileSync(join(outDir, 'owners.yaml'), ownersYaml);
writeFileSync(join(outDir, 'accounts.csv'), accountsCsv);
writeFileSync(join(outDir, 'leads.csv'), leadsCsv);

const parsedOwners = parseOwners(ownersYaml, 'yaml');
const parsedAccounts = parseAccounts(accountsCsv, 'csv');
const mapping = parseLeadMapping(readFileSync(join(outDir, 'leads-mapping.yaml'), 'utf8'));
const parsedLeads = parseLeads(leadsCsv, 'csv', mapping);
const ownerIds = new Set(parsedOwners.map((o) => o.id));
const orphans = parsedAccounts.filter((a) => a.ownerId && !ownerIds.has(a.ownerId));
if (orphans.length > 0)
  throw new Error(`accounts owned by unknown owners: ${orphans.map((a) => a.id).join(', ')}`);

const count = <T>(items: T[], key: (t: T) => string | undefined) => {
  const m = new Map<string, number>();
  for (const t of items) m.set(key(t) ?? '(none)', (m.get(key(t) ?? '(none)') ?? 0) + 1);
  return Object.fromEntries([...m.entries()].sort((a, b) => b[1] - a[1]));
};
console.log(
  `owners.yaml: ${parsedOwners.length} owners`,
  count(parsedOwners, (o) => o.team),
);
console.log(
  `accounts.csv: ${parsedAccounts.length} accounts`,
  count(parsedAccounts, (a) => a.tier),
);
console.log(`leads.csv: ${parsedLeads.length} leads`);
console.log(
  '  language',
  count(generated, (g) => g.language),
);
console.log(
  '  product_interest',
  count(generated, (g) => g.product_interest),
);
