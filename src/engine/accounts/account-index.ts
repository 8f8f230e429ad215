/**
 * Lead-to-account matching: finds the known account a lead belongs to, so leads of a strategic
 * account reach its owner. Built once per account snapshot into an immutable index; `match` then
 * answers in microseconds with 100,000 accounts.
 *
 * Order of evidence, strongest first (the first that finds an account wins):
 * 1. the lead's email domain, unless it is a free-mail or disposable provider (`email_domain`);
 * 2. the lead's website, reduced to its registrable domain (`website_domain`);
 * 3. the normalised company name, exactly (`company_name`);
 * 4. the normalised company name, fuzzily (`company_name_fuzzy`, score = similarity, see below).
 *
 * Similarity: the larger of Jaro similarity (without Winkler's prefix bonus) and the length-
 * normalised Levenshtein similarity 1 − distance/maxLength. Each covers the other's blind spot:
 * - Levenshtein punishes short names: one extra letter in "acmee"/"acme" scores 0.8 and could
 *   never reach the 0.88 default, while Jaro gives 0.933;
 * - Jaro matches letters greedily within a window of half the length, so in long names repeated
 *   letters pair up across words: "umbrellq pharmaceuticals" (one substitution in 24 letters)
 *   gets Jaro 0.87, Levenshtein 0.958.
 * Winkler's common-prefix bonus is left out because company names share generic leading words
 * ("General", "First", "United", "Bank of"): it puts "general motors"/"general mills" at 0.897 and
 * "amazon"/"amazing" at 0.910, above the default, where plain Jaro gives 0.828 and 0.849 and
 * Levenshtein 0.714 for both. Levenshtein comes from `fastest-levenshtein` (bit-parallel Myers);
 * no installed library implements Jaro, which is thirty lines.
 *
 * Fuzzy candidates: comparing against every name would cost milliseconds, so the index only
 * scores names that share evidence with the query:
 * - a deletion neighbourhood (SymSpell's idea): every name and each variant with one character
 *   deleted is hashed into a table; the query's own variants are looked up. Two strings meet there
 *   exactly when they are one insertion, deletion, substitution or adjacent transposition apart,
 *   the bulk of real typos. Hashes are computed incrementally, so neither building nor matching
 *   creates a string per variant;
 * - a rare-token index: names sharing a whole word that at most 24 names contain
 *   (RARE_TOKEN_MAX_NAMES), which catches longer names with several typos or an extra word
 *   ("acme holdings uk").
 * Both give a few dozen candidates at most; only those are scored. A name two or more edits away
 * that shares no rare word is not found: the price of answering in microseconds.
 *
 * Speed (most leads match nothing, so misses must be cheap; none of this changes a result):
 * - a plain `local@host` address is looked up in a table of account domains and free-mail hosts
 *   directly, without tldts; only hosts that are neither (subdomains, odd input) take tldts;
 * - pure-ASCII company names are normalised in one pass, without regular expressions or NFKD;
 * - small Bloom filters in front of the exact-name map, the deletion table and the rare-word
 *   table answer most absent keys from a few megabytes, not from tables many times larger;
 * - a candidate is scored only if the letters it shares with the query could reach the threshold.
 */

import { ValidationError } from '../issues.ts';
import type { Account, AccountMatch, AccountMatchMethod } from '../types.ts';
import { normalizeCompanyName } from './company-names.ts';
import { directEmailHost, DomainTable, freeMailHosts } from './domain-table.ts';
import { hostAndDomain, isFreeMail, normalizeDomain } from './domains.ts';
import { FuzzyNameIndex, isFuzzyLength } from './fuzzy-name-index.ts';
import { HashFilter, spanHash } from './hashing.ts';

/** Options for {@link buildAccountIndex}. */
export interface AccountMatchOptions {
  /**
   * Lowest similarity in (0, 1] accepted for a fuzzy company-name match; default 0.88. At 0.88 one
   * inserted, deleted or transposed letter passes from four letters up, one substituted letter
   * from six up ("acne" vs "acme" does not match), two edits from about seventeen letters up.
   */
  fuzzyThreshold?: number;
}

/**
 * An immutable lookup structure over a snapshot of accounts, built by {@link buildAccountIndex}.
 *
 * When several accounts share a domain or a normalised name, the preferred one wins: strategic
 * accounts first, then accounts with an owner, then the lexicographically smallest id (compared by
 * UTF-16 code units, independent of locale). Fuzzy matches prefer the higher score, then the same
 * order. With unique ids the result depends only on the set of accounts, not on the order they
 * were given in; accounts with equal ids fall back to input order.
 */
export interface AccountIndex {
  /** Number of accounts indexed. */
  readonly size: number;
  /** Best match for the lead, or null. Pure and deterministic. */
  match(lead: { email?: unknown; website?: unknown; company?: unknown }): AccountMatch | null;
}

const DEFAULT_FUZZY_THRESHOLD = 0.88;

/**
 * Builds the lookup index over a snapshot of accounts. Account domains are normalised like lead
 * domains (an account may list URLs, hosts or `@domain`); free-mail domains among them are
 * ignored, since a gmail.com account would capture every gmail lead. The index keeps references
 * to the accounts and returns them as given: do not mutate them afterwards.
 *
 * Ties between accounts sharing a domain or name: see {@link AccountIndex}.
 *
 * @throws ValidationError when `fuzzyThreshold` is not a number in (0, 1].
 */
export function buildAccountIndex(
  accounts: Iterable<Account>,
  options: AccountMatchOptions = {},
): AccountIndex {
  const threshold = fuzzyThresholdOf(options);
  // Sorting once by preference lets every "first one wins" below apply the tie rules.
  const ranked = [...accounts].sort(comparePreference);
  const exact = indexExactKeys(ranked);
  const fuzzy = new FuzzyNameIndex(exact.names, exact.nameAccounts, threshold);
  const index: AccountIndex = {
    size: ranked.length,
    match: lookupIn(exact, buildDirectEmailTable(exact), fuzzy),
  };
  return Object.freeze(index);
}

/** The fuzzy threshold of `options`, checked. */
function fuzzyThresholdOf(options: AccountMatchOptions): number {
  const threshold = options.fuzzyThreshold ?? DEFAULT_FUZZY_THRESHOLD;
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold <= 1)) {
    throw new ValidationError(
      [
        {
          severity: 'error',
          path: 'fuzzyThreshold',
          message: `must be a number in (0, 1]; got ${String(threshold)}`,
        },
      ],
      'account match options',
    );
  }
  return threshold;
}

/** The exact-match tables, built from accounts in preference order (the first one wins). */
interface ExactKeys {
  byEmailDomain: Map<string, AccountMatch>;
  byWebsiteDomain: Map<string, AccountMatch>;
  byName: Map<string, AccountMatch>;
  /** Distinct normalised names eligible for fuzzy matching, and their preferred account. */
  names: string[];
  nameAccounts: Account[];
  /**
   * Domains `d` in the maps above for which no account listed `d` itself. For the others, a lead
   * host equal to `d` is known to reduce to `d` (tldts saw the very same input), so `match` may
   * look it up without calling tldts; these few are checked in {@link buildDirectEmailTable}.
   */
  indirect: Set<string>;
}

/** Indexes every account's domains and normalised name; `ranked` is in preference order. */
function indexExactKeys(ranked: readonly Account[]): ExactKeys {
  const keys: ExactKeys = {
    byEmailDomain: new Map(),
    byWebsiteDomain: new Map(),
    byName: new Map(),
    names: [],
    nameAccounts: [],
    indirect: new Set(),
  };
  const { byEmailDomain, byWebsiteDomain, byName, names, nameAccounts, indirect } = keys;
  for (const account of ranked) {
    for (const raw of account.domains ?? []) {
      const hd = hostAndDomain(raw);
      if (!hd) continue;
      const self =
        hd.host === hd.domain && typeof raw === 'string' && raw.trim().toLowerCase() === hd.domain;
      if (isFreeMail(hd)) continue;
      if (byEmailDomain.has(hd.domain)) {
        if (self) indirect.delete(hd.domain);
        continue;
      }
      const key = flatCopy(hd.domain);
      byEmailDomain.set(key, exactMatch(account, 'email_domain'));
      byWebsiteDomain.set(key, exactMatch(account, 'website_domain'));
      if (!self) indirect.add(key);
    }
    const normalized = normalizeCompanyName(account.name);
    if (normalized === undefined || byName.has(normalized)) continue;
    const name = flatCopy(normalized);
    byName.set(name, exactMatch(account, 'company_name'));
    if (isFuzzyLength(name)) {
      names.push(name);
      nameAccounts.push(account);
    }
  }
  return keys;
}

/**
 * The email fast path: account domains a lead's host may be compared with directly, and
 * free-mail hosts (null). They never overlap: free-mail domains were skipped when indexing.
 */
function buildDirectEmailTable(keys: ExactKeys): DomainTable<AccountMatch | null> {
  const { byEmailDomain, indirect } = keys;
  for (const domain of indirect) {
    const hd = hostAndDomain(domain);
    if (hd && hd.host === domain && hd.domain === domain) indirect.delete(domain);
  }
  const direct: Array<[string, AccountMatch | null]> = [];
  for (const [domain, found] of byEmailDomain)
    if (!indirect.has(domain) && DomainTable.storable(domain)) direct.push([domain, found]);
  for (const host of freeMailHosts()) if (!byEmailDomain.has(host)) direct.push([host, null]);
  return new DomainTable(direct);
}

/**
 * The lookup of the index {@link buildAccountIndex} returns: evidence tried strongest first. A
 * closure over the tables rather than methods reading them from `this`: the email hit it answers
 * for most leads is a fraction of a microsecond, and the extra loads through a frozen instance
 * showed.
 */
function lookupIn(
  exact: ExactKeys,
  directEmail: DomainTable<AccountMatch | null>,
  fuzzy: FuzzyNameIndex,
): AccountIndex['match'] {
  const { byEmailDomain, byWebsiteDomain, byName } = exact;
  /** Answers most names without an exact match without touching `byName`. */
  const nameFilter = new HashFilter(byName.size);
  for (const name of byName.keys()) nameFilter.add(spanHash(name, 0, name.length));
  return function match(lead) {
    const rawEmail = lead.email;
    if (typeof rawEmail === 'string' && rawEmail.length > 0) {
      // Fast path, without tldts: the host of a plain address is itself an account domain
      // (→ the match) or a free-mail host (→ null: the email says nothing).
      const host = directEmailHost(rawEmail);
      const found = host < 0 ? undefined : directEmail.get(rawEmail, host, rawEmail.length);
      if (found) return found;
      if (found === undefined) {
        const email = hostAndDomain(rawEmail);
        if (email && !isFreeMail(email)) {
          const byDomain = byEmailDomain.get(email.domain);
          if (byDomain) return byDomain;
        }
      }
    }
    const website = normalizeDomain(lead.website);
    if (website !== undefined) {
      const found = byWebsiteDomain.get(website);
      if (found) return found;
    }
    const name = normalizeCompanyName(lead.company);
    if (name === undefined) return null;
    if (nameFilter.mayHave(spanHash(name, 0, name.length))) {
      const found = byName.get(name);
      if (found) return found;
    }
    return fuzzy.match(name);
  };
}

/**
 * A flat, freshly allocated copy of a domain used as a map key. Keys built by concatenation
 * (`company${i}.com`) stay rope strings scattered over the heap, and every lookup that lands on
 * one walks the rope to compare it: with 100,000 domains that doubled the cost of an email hit.
 */
function flatCopy(s: string): string {
  return (s + '\u0000').slice(0, s.length);
}

/** Orders accounts by preference: strategic, then owned, then smallest id. */
function comparePreference(a: Account, b: Account): number {
  const strategic = Number(b.strategic === true) - Number(a.strategic === true);
  if (strategic !== 0) return strategic;
  const owned = Number(hasOwner(b)) - Number(hasOwner(a));
  if (owned !== 0) return owned;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function hasOwner(a: Account): boolean {
  return typeof a.ownerId === 'string' && a.ownerId.length > 0;
}

function exactMatch(account: Account, method: AccountMatchMethod): AccountMatch {
  return Object.freeze({ account, method, score: 1 });
}
