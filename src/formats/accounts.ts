/**
 * Reading accounts (the companies leads are matched to) from CSV, YAML or JSON text.
 *
 * Account exports come straight out of a CRM with whatever columns it has, so beyond the few
 * columns the engine understands every other column is kept as an attribute: policies can then
 * route on `account.sector` or `account.employees` without a schema change.
 */
import type { PolicyIssue } from '../engine/issues.ts';
import type { Account, AttributeValue } from '../engine/types.ts';
import {
  BOOLEAN_WORDS,
  csvPath,
  errorIssue,
  isNumericText,
  pathOf,
  readBoolean,
  readCsv,
  readRecordList,
  slugify,
  splitList,
  throwIfErrors,
  type TextFormat,
} from './common.ts';

/** Formats {@link parseAccounts} reads. */
export type AccountsFormat = TextFormat;

/**
 * Columns (or keys) with a meaning of their own; any other becomes an attribute. `domain` is
 * accepted as a spelling of `domains`, because an export with a `domain` column would otherwise
 * put the domain in an attribute and silently match nothing.
 */
export const ACCOUNT_COLUMNS = [
  'id',
  'name',
  'domains',
  'domain',
  'owner',
  'tier',
  'strategic',
] as const;

/**
 * Parses accounts.
 *
 * CSV: columns `id`, `name`, `domains` (`;`-separated), `owner` (an owner id), `tier`,
 * `strategic` (true/false/yes/no/1/0); every other column goes into `attributes`, as a number when
 * the text is a plain decimal (`employees`, `revenue`), else as text. Empty cells are left out.
 *
 * YAML/JSON: a list of accounts, or `{accounts: [...]}`, with the same keys (`domains` a list or a
 * `;`-separated string) plus an optional `attributes` object; other keys are attributes too.
 *
 * `id` defaults to a slug of the name (`Gekko & Co` → `gekko-co`); `name` defaults to the id.
 *
 * @throws ValidationError listing every problem, with paths such as `accounts[3].strategic` or
 *   `row 4, column strategic`: a record with neither id nor name, a bad flag or domain, duplicate
 *   ids (also when two names slug to the same id).
 */
export function parseAccounts(text: string, format: AccountsFormat): Account[] {
  if (format !== 'csv') return readAccounts(readRecordList(text, format, 'accounts'));
  const { header, rows } = readCsv(text, 'accounts');
  const records = rows.map((row) => {
    const record: Record<string, unknown> = {};
    header.forEach((column, c) => {
      const value = row[c];
      if (value === undefined || value === '') return;
      const known = (ACCOUNT_COLUMNS as readonly string[]).includes(column);
      record[column] = known || !isNumericText(value) ? value : Number(value);
    });
    return record;
  });
  return readRecords(records, (index, key) => (key ? csvPath(index, key) : csvPath(index)));
}

/**
 * Reads accounts already parsed into plain values (a YAML/JSON document's list, an API request's
 * body), with the rules and messages of {@link parseAccounts}. Problems are located under
 * `root(index)`: `accounts[3].strategic` by default; a root of `''` for a single account gives
 * `strategic`.
 *
 * @throws ValidationError listing every problem.
 */
export function readAccounts(
  values: readonly unknown[],
  options: { root?: (index: number) => string } = {},
): Account[] {
  const root = options.root ?? ((index: number) => `accounts[${index}]`);
  return readRecords(values, (index, key) => pathOf(root(index), key ? [key] : []));
}

/** Reads records, `at(index, key)` naming where a key of record `index` is (`''`: the record). */
function readRecords(
  records: readonly unknown[],
  at: (index: number, key: string) => string,
): Account[] {
  const issues: PolicyIssue[] = [];
  const accounts: Account[] = [];
  const firstSeen = new Map<string, string>();
  records.forEach((record, index) => {
    const here = (key: string) => at(index, key);
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      issues.push(
        errorIssue(
          here(''),
          'expected an object with id, name, domains, owner, tier, strategic, attributes',
        ),
      );
      return;
    }
    const result = readAccount(record as Record<string, unknown>, here, issues);
    if (!result) return;
    const { account, derivedId } = result;
    const idPath = here(derivedId ? 'name' : 'id');
    const earlier = firstSeen.get(account.id);
    if (earlier !== undefined) {
      const why = derivedId
        ? ` (derived from the name ${JSON.stringify(account.name)}; give it an id)`
        : '';
      issues.push(
        errorIssue(
          idPath,
          `duplicate account id ${JSON.stringify(account.id)}${why}; first defined at ${earlier}`,
        ),
      );
      return;
    }
    firstSeen.set(account.id, idPath);
    accounts.push(account);
  });
  throwIfErrors(issues, 'accounts');
  return accounts;
}

/** Reads one record; pushes its issues and returns undefined when it has any. */
function readAccount(
  record: Record<string, unknown>,
  at: (key: string) => string,
  issues: PolicyIssue[],
): { account: Account; derivedId: boolean } | undefined {
  const before = issues.length;
  const problem = (key: string, message: string) => issues.push(errorIssue(at(key), message));

  const text = (key: string): string | undefined => {
    const value = record[key];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'number') return String(value);
    if (typeof value === 'string') return value.trim() || undefined;
    problem(key, `expected text; got ${JSON.stringify(value)}`);
    return undefined;
  };

  const name = text('name');
  let id = text('id');
  const derivedId = id === undefined;
  if (id === undefined && name !== undefined) {
    id = slugify(name);
    if (id === '')
      problem('name', `cannot derive an id from the name ${JSON.stringify(name)}; add an id`);
  }
  if (id === undefined && name === undefined) problem('', 'an account needs a name or an id');

  const domains: string[] = [];
  for (const key of ['domains', 'domain']) {
    const value = record[key];
    if (value === undefined || value === null || value === '') continue;
    const items = typeof value === 'string' ? splitList(value) : value;
    if (!Array.isArray(items) || !items.every((d) => typeof d === 'string')) {
      problem(
        key,
        'expected a list of domains, e.g. [acme.com, acme.de] (in CSV: acme.com;acme.de)',
      );
      continue;
    }
    for (const item of items as string[]) {
      // People paste addresses and URLs; a leading `@` is the only decoration worth removing here,
      // the account index reduces URLs and subdomains to the registrable domain itself.
      const domain = item.trim().toLowerCase().replace(/^@/, '');
      if (domain === '') continue;
      if (/\s/.test(domain) || !domain.includes('.')) {
        problem(key, `${JSON.stringify(item)} is not a domain name such as acme.com`);
      } else if (!domains.includes(domain)) {
        domains.push(domain);
      }
    }
  }

  let strategic: boolean | undefined;
  const flag = record.strategic;
  if (flag !== undefined && flag !== null && flag !== '') {
    strategic = readBoolean(flag);
    if (strategic === undefined)
      problem('strategic', `expected yes or no (${BOOLEAN_WORDS}); got ${JSON.stringify(flag)}`);
  }

  const attributes: Record<string, AttributeValue> = {};
  const addAttribute = (key: string, value: unknown, path: string) => {
    if (value === undefined || value === null || value === '') return;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      attributes[key] = value;
    } else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
      attributes[key] = value as string[];
    } else {
      issues.push(
        errorIssue(path, 'an attribute must be text, a number, true/false or a list of texts'),
      );
    }
  };
  const nested = record.attributes;
  if (nested !== undefined && nested !== null) {
    if (typeof nested !== 'object' || Array.isArray(nested))
      problem('attributes', 'expected an object of attribute: value');
    else
      for (const [k, v] of Object.entries(nested))
        addAttribute(k, v, pathOf(at('attributes'), [k]));
  }
  for (const [key, value] of Object.entries(record)) {
    if (key !== 'attributes' && !(ACCOUNT_COLUMNS as readonly string[]).includes(key))
      addAttribute(key, value, at(key));
  }

  const owner = text('owner');
  const tier = text('tier');
  if (issues.length > before || id === undefined) return undefined;
  const account: Account = { id, name: name ?? id };
  if (domains.length > 0) account.domains = domains;
  if (owner !== undefined) account.ownerId = owner;
  if (tier !== undefined) account.tier = tier;
  if (strategic !== undefined) account.strategic = strategic;
  if (Object.keys(attributes).length > 0) account.attributes = attributes;
  return { account, derivedId };
}

/** An account in the accounts-file shape, as {@link writeAccount} writes it. */
export interface AccountValues {
  id: string;
  name: string;
  domains: string[];
  /** Owner id. */
  owner?: string;
  tier?: string;
  strategic: boolean;
  attributes?: Record<string, AttributeValue>;
}

/**
 * An account in the accounts-file shape: what {@link readAccounts} reads back as the same
 * account, so a change can be merged key by key into the stored account and read again.
 */
export function writeAccount(account: Account): AccountValues {
  const values: AccountValues = {
    id: account.id,
    name: account.name,
    domains: [...(account.domains ?? [])],
    strategic: account.strategic ?? false,
  };
  if (account.ownerId) values.owner = account.ownerId;
  if (account.tier) values.tier = account.tier;
  if (account.attributes) values.attributes = { ...account.attributes };
  return values;
}
