/**
 * The fields conditions read: a lead's own attributes plus what the engine derives from them
 * (normalised country, state, postal code, email domain, region, territory, and `account.*` from
 * account matching). A policy compiles one reader per field it uses, so a lead pays only for the
 * fields its policy reads, and conditions find each value at a fixed slot.
 */
import { normalizeDomain, type AccountIndex } from './accounts/index.ts';
import type { Fields } from './conditions/index.ts';
import {
  normalizeCountry,
  normalizePostalCode,
  normalizeState,
  type CompiledTerritories,
} from './geo/index.ts';
import type { AccountMatch, Lead } from './types.ts';

/** The normalised location and email every decision needs, whatever the policy reads. */
export interface LeadBasics {
  country?: string;
  state?: string;
  postalCode?: string;
  email?: string;
  emailDomain?: string;
}

type FieldReader = (lead: Lead, basics: LeadBasics, match: AccountMatch | null) => unknown;

/** Lower-cased, trimmed email: the key of the `sticky` target. */
export function normalizeEmail(email: unknown): string | undefined {
  if (typeof email !== 'string') return undefined;
  const e = email.trim().toLowerCase();
  return e.includes('@') ? e : undefined;
}

export function leadBasics(lead: Lead): LeadBasics {
  const country = normalizeCountry(lead.country);
  const email = normalizeEmail(lead.email);
  return {
    country,
    state: normalizeState(country, lead.state),
    postalCode: normalizePostalCode(country, lead.postal_code),
    email,
    emailDomain: email ? email.slice(email.lastIndexOf('@') + 1) : undefined,
  };
}

/** Account fields by name; other `account.X` names read the account's attribute X. */
const ACCOUNT_READERS: Record<string, (m: AccountMatch) => unknown> = {
  'account.id': (m) => m.account.id,
  'account.name': (m) => m.account.name,
  'account.tier': (m) => m.account.tier,
  'account.strategic': (m) => m.account.strategic ?? false,
  'account.owner': (m) => m.account.ownerId,
  'account.match_method': (m) => m.method,
  'account.match_score': (m) => m.score,
};

function readerFor(name: string, territories: CompiledTerritories): FieldReader {
  switch (name) {
    case 'country':
      return (_l, b) => b.country;
    case 'state':
      return (_l, b) => b.state;
    case 'postal_code':
      return (_l, b) => b.postalCode;
    case 'email':
      return (_l, b) => b.email;
    case 'email_domain':
      return (_l, b) => b.emailDomain;
    case 'website_domain':
      return (l) => normalizeDomain(l.website);
    case 'region':
      return (_l, b) => territories.regionsOf(b.country);
    case 'territory':
      return (_l, b) =>
        territories.territoriesOf({ country: b.country, state: b.state, postalCode: b.postalCode });
  }
  if (name.startsWith('raw.')) {
    const attribute = name.slice(4);
    return (l) => (Object.hasOwn(l, attribute) ? l[attribute] : undefined);
  }
  if (name.startsWith('account.')) {
    const known = ACCOUNT_READERS[name];
    if (known) return (_l, _b, m) => (m ? known(m) : undefined);
    const attribute = name.slice('account.'.length);
    return (_l, _b, m) => {
      const attributes = m?.account.attributes;
      return attributes && Object.hasOwn(attributes, attribute) ? attributes[attribute] : undefined;
    };
  }
  return (l) => (Object.hasOwn(l, name) ? l[name] : undefined);
}

/** Reads a lead's fields into the slots of a policy's field layout. */
export interface LeadFieldReader {
  readonly names: readonly string[];
  /** Whether any field needs account matching (so leads are matched only when it matters). */
  readonly readsAccount: boolean;
  read(lead: Lead, basics: LeadBasics, match: AccountMatch | null): Fields;
}

export function compileLeadFieldReader(
  names: readonly string[],
  territories: CompiledTerritories,
): LeadFieldReader {
  const readers = names.map((n) => readerFor(n, territories));
  const n = readers.length;
  return {
    names,
    readsAccount: names.some((name) => name.startsWith('account.')),
    read(lead, basics, match) {
      const values = new Array<unknown>(n);
      for (let i = 0; i < n; i++) values[i] = readers[i]!(lead, basics, match);
      return values;
    },
  };
}

/** The derived fields worth showing in an explanation or storing beside a lead. */
export function describeDerived(
  lead: Lead,
  basics: LeadBasics,
  territories: CompiledTerritories,
): Record<string, unknown> {
  return {
    country: basics.country,
    state: basics.state,
    postal_code: basics.postalCode,
    region: territories.regionsOf(basics.country),
    territory: territories.territoriesOf({
      country: basics.country,
      state: basics.state,
      postalCode: basics.postalCode,
    }),
    email_domain: basics.emailDomain,
    website_domain: normalizeDomain(lead.website),
  };
}

/** Matches the lead to an account when the policy needs it and accounts are known. */
export function matchAccount(
  lead: Lead,
  needed: boolean,
  accounts: AccountIndex | undefined,
): AccountMatch | null {
  return needed && accounts ? accounts.match(lead) : null;
}
