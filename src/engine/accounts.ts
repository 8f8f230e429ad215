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
 *   ("acme holdings intl").
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
import { domainToASCII } from 'node:url';
import { distance as levenshtein } from 'fastest-levenshtein';
import { parse as parseHost } from 'tldts';
import freeMailDomains from 'email-providers/all.json' with { type: 'json' };
import { ValidationError } from './issues.ts';
import type { Account, AccountMatch, AccountMatchMethod } from './types.ts';

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
/** Below this length a one-letter difference is another company, not a typo ("ibm" vs "ibn"). */
const MIN_FUZZY_LENGTH = 4;
/** Longer strings are not company names; skipping them bounds the Jaro scratch and hash powers. */
const MAX_FUZZY_LENGTH = 128;
/** A word in more names than this ("group", "smith") says little and would flood the candidates. */
const RARE_TOKEN_MAX_NAMES = 24;
/** Shorter words ("uk", "de", "of") are too common across unrelated names to nominate any. */
const MIN_TOKEN_LENGTH = 3;

// ---------------------------------------------------------------------------------------------
// Domains
// ---------------------------------------------------------------------------------------------

const freeMail: ReadonlySet<string> = new Set(freeMailDomains);

// Private suffixes (github.io, herokuapp.com, blogspot.com) are kept apart, so a customer's
// `acme.github.io` site does not match every account on GitHub Pages.
const PARSE_OPTIONS = { allowPrivateDomains: true, detectIp: true, extractHostname: true } as const;
const PARSE_OPTIONS_ICANN = {
  allowPrivateDomains: false,
  detectIp: true,
  extractHostname: true,
} as const;

interface HostAndDomain {
  host: string;
  domain: string;
}

/** Cuts `Jo <jo@acme.com>` or `jo@acme.com` down to the host; leaves URLs to tldts. */
function hostInput(value: string): string {
  let s = value.trim().toLowerCase();
  const at = s.lastIndexOf('@');
  // In a URL an `@` separates credentials from the host, which tldts handles itself.
  if (at >= 0 && !s.includes('://')) {
    s = s.slice(at + 1);
    const end = s.search(/[\s>),;/?#]/);
    if (end >= 0) s = s.slice(0, end);
  }
  // tldts leaves non-ASCII hosts as they are; punycode them so that `münchen.de` and
  // `xn--mnchen-3ya.de` agree.
  if (!/^[\x20-\x7e]*$/.test(s)) {
    const slash = s.search(/[/?#]/);
    const scheme = s.indexOf('://');
    const start = scheme >= 0 && (slash < 0 || scheme < slash) ? scheme + 3 : 0;
    const rest = s.slice(start);
    const stop = rest.search(/[/?#:]/);
    const host = stop >= 0 ? rest.slice(0, stop) : rest;
    const ascii = domainToASCII(host);
    if (!ascii) return '';
    s = s.slice(0, start) + ascii + (stop >= 0 ? rest.slice(stop) : '');
  }
  return s;
}

function hostAndDomain(value: unknown): HostAndDomain | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  const input = hostInput(value);
  if (!input) return undefined;
  const parsed = parseHost(input, PARSE_OPTIONS);
  if (parsed.isIp || !parsed.hostname) return undefined;
  // A bare private suffix (`github.io` itself) has no registrable domain under the private rules
  // but is a real site; fall back to the ICANN rules for it.
  const domain = parsed.domain ?? parseHost(input, PARSE_OPTIONS_ICANN).domain;
  return domain ? { host: parsed.hostname, domain } : undefined;
}

/**
 * Reduces an email address, URL or host name to its registrable domain, lower-case:
 * `https://www.shop.acme.co.uk/x` → `acme.co.uk`, `jo@mail.acme.com` → `acme.com`. Uses the public
 * suffix list (tldts), private suffixes included, so `acme.github.io` stays `acme.github.io`.
 * Internationalised names come back in punycode. Returns undefined for anything that is not a
 * domain: non-strings, IP addresses, `localhost`, free text.
 */
export function normalizeDomain(value: unknown): string | undefined {
  return hostAndDomain(value)?.domain;
}

/** Character classes for {@link directEmailHost}: 1 = host character, 2 = other printable. */
const EMAIL_CHAR = (() => {
  const table = new Uint8Array(128);
  for (let c = 0x21; c <= 0x7e; c++) table[c] = 2;
  for (let c = 0x30; c <= 0x39; c++) table[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) table[c] = 1;
  for (let c = 0x61; c <= 0x7a; c++) table[c] = 1;
  table[0x2d] = 1; // '-'
  table[0x2e] = 1; // '.'
  return table;
})();

/**
 * Where the host of a plain `local@host` address starts, or -1: printable ASCII with no space, no
 * `:` (so no `://`), a non-empty host and only letters, digits, `-` and `.` after the last `@`.
 * For such input {@link hostInput} returns exactly `value.slice(start).toLowerCase()`, so tldts
 * would see that host and nothing else.
 */
function directEmailHost(value: string): number {
  const n = value.length;
  let at = -1;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x40) {
      at = i;
      continue;
    }
    const kind = c < 128 ? (EMAIL_CHAR[c] as number) : 0;
    if (kind === 0 || c === 0x3a || (at >= 0 && kind !== 1)) return -1;
  }
  return at < 0 || at === n - 1 ? -1 : at + 1;
}

/** The finalised hash of `s[start, end)` lower-cased, for ASCII letters. */
function lowerSpanHash(s: string, start: number, end: number): number {
  let h = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    h = (Math.imul(h, HASH_BASE) + (c >= 0x41 && c <= 0x5a ? c | 0x20 : c)) | 0;
  }
  return finalizeHash(h, end - start);
}

/**
 * Exact host → value lookups straight from a substring of the lead's address, lower-casing on the
 * fly: no substring, no `Map`. Open addressing over an `Int32Array` of (hash, entry + 1, key
 * offset, key length) with the keys' bytes in one buffer, so a lookup touches a slot, the key's
 * bytes and the value, where a `Map` keyed by strings scattered over the heap costs more misses.
 * Keys are lower-case host names of a–z, 0–9, `-` and `.` only ({@link DomainTable.storable}).
 */
class DomainTable<V> {
  private readonly slots: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly values: V[];
  private readonly mask: number;

  static storable(key: string): boolean {
    if (key.length === 0) return false;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e))
        return false;
    }
    return true;
  }

  /** `entries`: distinct {@link DomainTable.storable} keys. */
  constructor(entries: ReadonlyArray<readonly [string, V]>) {
    let capacity = 2;
    while (capacity < 2 * entries.length) capacity *= 2;
    this.mask = capacity - 1;
    this.slots = new Int32Array(4 * capacity);
    let total = 0;
    for (const [key] of entries) total += key.length;
    this.bytes = new Uint8Array(total);
    this.values = [];
    let offset = 0;
    for (const [key, value] of entries) {
      const hash = lowerSpanHash(key, 0, key.length);
      let at = hash & this.mask;
      while (this.slots[4 * at + 1] !== 0) at = (at + 1) & this.mask;
      this.values.push(value);
      this.slots[4 * at] = hash;
      this.slots[4 * at + 1] = this.values.length;
      this.slots[4 * at + 2] = offset;
      this.slots[4 * at + 3] = key.length;
      for (let i = 0; i < key.length; i++) this.bytes[offset++] = key.charCodeAt(i);
    }
  }

  /** The value stored for `s[start, end)` lower-cased, or undefined. */
  get(s: string, start: number, end: number): V | undefined {
    // Stored signed, as the Int32Array holds it.
    const hash = lowerSpanHash(s, start, end) | 0;
    const length = end - start;
    const { slots, bytes, mask } = this;
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const entry = slots[4 * at + 1] as number;
      if (entry === 0) return undefined;
      if (slots[4 * at] !== hash || slots[4 * at + 3] !== length) continue;
      const offset = slots[4 * at + 2] as number;
      let i = 0;
      for (; i < length; i++) {
        const c = s.charCodeAt(start + i);
        if (bytes[offset + i] !== (c >= 0x41 && c <= 0x5a ? c | 0x20 : c)) break;
      }
      if (i === length) return this.values[entry - 1];
    }
  }
}

/**
 * Free-mail hosts `h` for which the general path provably ignores an address `x@h`: `h` is
 * stored lower-case in the list, and tldts rejects it or the result counts as free mail. For
 * such `h`, {@link hostInput} gives `h` from both `x@h` and `h`. Computed once, on first use.
 */
let freeMailDirect: readonly string[] | undefined;
function freeMailHosts(): readonly string[] {
  if (freeMailDirect === undefined) {
    const direct: string[] = [];
    for (const entry of freeMail) {
      if (!DomainTable.storable(entry)) continue;
      const hd = hostAndDomain(entry);
      if (!hd || isFreeMail(hd)) direct.push(entry);
    }
    freeMailDirect = direct;
  }
  return freeMailDirect;
}

function isFreeMail(hd: HostAndDomain): boolean {
  // The list holds some providers' subdomains only (`austin.rr.com`), so check the full host too.
  return freeMail.has(hd.domain) || freeMail.has(hd.host);
}

/**
 * True for free-mail and disposable address providers (gmail.com, yahoo.co.uk, outlook.com,
 * gmx.de, web.de, qq.com, … from the `email-providers` list): their domain says nothing about the
 * sender's company. Accepts a domain, a host (`mail.yahoo.com`) or an email address.
 */
export function isFreeMailDomain(domain: string): boolean {
  const hd = hostAndDomain(domain);
  if (hd) return isFreeMail(hd);
  return typeof domain === 'string' && freeMail.has(domain.trim().toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// Company names
// ---------------------------------------------------------------------------------------------

/** Trailing words that only state a legal form. Matched after dots are removed ("S.A." → "sa"). */
const LEGAL_SUFFIXES: ReadonlySet<string> = new Set(
  (
    'inc incorporated llc ltd limited gmbh mbh ag sa sas sarl bv nv plc corp corporation co ' +
    'company pty srl spa oy oyj ab as asa aps kk kg kgaa ohg gbr ug lp llp pllc pte bhd sdn ' +
    'se sl sau sro doo kft zrt ltda lda sac sca spzoo'
  ).split(' '),
);
/** 1 for the first letter of a legal form, "the" or "and". */
const LEGAL_FIRST = (() => {
  const first = new Uint8Array(128);
  for (const word of [...LEGAL_SUFFIXES, 'the', 'and']) first[word.charCodeAt(0)] = 1;
  return first;
})();
/** Legal forms written as several words after punctuation is removed ("sp. z o.o.", "S. A."). */
const LEGAL_SUFFIX_PHRASES: ReadonlyArray<readonly string[]> = [
  ['sp', 'z', 'oo'],
  ['s', 'a', 's'],
  ['s', 'r', 'l'],
  ['s', 'p', 'a'],
  ['s', 'a'],
  ['s', 'l'],
  ['b', 'v'],
  ['n', 'v'],
];
/** Letters NFKD does not decompose into a base letter plus a mark. */
const FOLDED_LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ł: 'l',
  ı: 'i',
};

/**
 * Normalises a company name for comparison: "ACME Holdings, Inc." → "acme holdings",
 * "Société Générale S.A." → "societe generale", "The Johnson & Johnson Company" → "johnson and
 * johnson". Lower-cases; removes diacritics, apostrophes and dots (so "S.A." and "SA" agree);
 * turns other punctuation into spaces; writes "&" and "+" as "and"; drops a leading or trailing
 * "the" and trailing legal forms (inc, llc, ltd, gmbh, ag, sa, sarl, bv, plc, corp, co, pty,
 * sdn bhd, sp z oo, …), repeatedly ("GmbH & Co. KG"), but never the last remaining word, so
 * "The Limited" stays "limited". Returns undefined for non-strings and names with no letters or
 * digits.
 */
export function normalizeCompanyName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const ascii = normalizeAsciiName(value);
  if (ascii !== NOT_ASCII) return ascii;
  const folded = value
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[ßæœøđðþłı]/g, (c) => FOLDED_LETTERS[c] ?? c)
    .replace(/['’‘`´.]+/g, '')
    .replace(/[&+]/g, ' and ');
  const tokens = folded.split(/[^\p{L}\p{N}]+/u).filter((t) => t.length > 0);
  if (tokens.length === 0) return undefined;
  if (tokens.length > 1 && tokens[0] === 'the') tokens.shift();
  stripLegalForms(tokens);
  return tokens.join(' ');
}

/** Drops trailing legal forms, "the" and "and" from `tokens`, never the last one. */
function stripLegalForms(tokens: string[]): void {
  for (;;) {
    if (tokens.length <= 1) break;
    const last = tokens[tokens.length - 1] as string;
    // "and" is left dangling by "Smith & Co." once "co" is gone.
    if (last === 'the' || last === 'and' || LEGAL_SUFFIXES.has(last)) {
      tokens.pop();
      continue;
    }
    // Every word of a phrase is at most two letters: a longer last word ends the search.
    if (last.length > 2) break;
    const phrase = trailingPhrase(tokens);
    if (phrase === 0) break;
    tokens.length -= phrase;
  }
}

/** The length of the legal-form phrase `tokens` ends with (leaving a word before it), or 0. */
function trailingPhrase(tokens: readonly string[]): number {
  const n = tokens.length;
  for (const phrase of LEGAL_SUFFIX_PHRASES) {
    const k = phrase.length;
    if (k >= n) continue;
    let i = 0;
    while (i < k && tokens[n - k + i] === phrase[i]) i++;
    if (i === k) return k;
  }
  return 0;
}

/** Returned by {@link normalizeAsciiName} for input it leaves to the general path. */
const NOT_ASCII = '\u0000';
/**
 * ASCII character classes of {@link normalizeCompanyName}: 0 separates words, 1 is a letter or
 * digit, 2 is an upper-case letter, 3 is dropped (`'`, `` ` ``, `.`), 4 is `&` or `+` ("and").
 */
const NAME_CHAR = (() => {
  const table = new Uint8Array(128);
  for (let c = 0x30; c <= 0x39; c++) table[c] = 1;
  for (let c = 0x61; c <= 0x7a; c++) table[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) table[c] = 2;
  table[0x27] = 3;
  table[0x60] = 3;
  table[0x2e] = 3;
  table[0x26] = 4;
  table[0x2b] = 4;
  return table;
})();

/**
 * {@link normalizeCompanyName} for pure-ASCII input, in one pass without regular expressions:
 * for ASCII, NFKD and the diacritic and letter folding change nothing, and the letters and
 * digits are exactly a–z, A–Z, 0–9. Returns {@link NOT_ASCII} when `value` has other characters.
 * When the kept words stand in the (lower-cased) input separated by single spaces, the result is
 * a slice of it rather than a join.
 */
function normalizeAsciiName(value: string): string | undefined {
  const n = value.length;
  let upper = false;
  // Plain: words of letters and digits separated by single spaces, as most names are.
  let plain = n > 0;
  let previous = 0x20;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c > 0x7f) return NOT_ASCII;
    const kind = NAME_CHAR[c] as number;
    if (kind === 2) upper = true;
    if (kind === 0 && (c !== 0x20 || previous === 0x20)) plain = false;
    else if (kind > 2) plain = false;
    previous = c;
  }
  const s = upper ? value.toLowerCase() : value;
  if (plain && previous !== 0x20) {
    // Nothing to remove unless the name starts with "the" or ends in a legal form, "the" or "and"
    // (the forms of one or two letters are left to the general path, with its phrases).
    const space = s.lastIndexOf(' ');
    if (space < 0) return s;
    // A last word longer than two that no legal form, "the" or "and" starts like: kept as is,
    // without cutting it out to look it up.
    if (n - space > 3 && LEGAL_FIRST[s.charCodeAt(space + 1)] === 0 && !s.startsWith('the '))
      return s;
    const last = s.slice(space + 1);
    if (
      last.length > 2 &&
      last !== 'the' &&
      last !== 'and' &&
      !LEGAL_SUFFIXES.has(last) &&
      !s.startsWith('the ')
    )
      return s;
  }
  const tokens: string[] = [];
  // Start of the first kept word in `s`; -1 once the result can no longer be a slice of `s`.
  let sliceStart = -1;
  let contiguous = true;
  let lastEnd = -1;
  let i = 0;
  while (i < n) {
    const kind = NAME_CHAR[s.charCodeAt(i)] as number;
    if (kind === 0) {
      i++;
      continue;
    }
    if (kind === 4) {
      tokens.push('and');
      contiguous = false;
      i++;
      continue;
    }
    // A word: letters and digits, with dropped characters inside it removed.
    const start = i;
    let dropped = false;
    while (i < n) {
      const k = NAME_CHAR[s.charCodeAt(i)] as number;
      if (k === 1) i++;
      else if (k === 3) {
        dropped = true;
        i++;
      } else break;
    }
    let word = s.slice(start, i);
    if (dropped) {
      contiguous = false;
      word = word.replace(/['`.]/g, '');
      if (word.length === 0) continue;
    }
    if (tokens.length === 0) sliceStart = start;
    else if (start !== lastEnd + 1 || s.charCodeAt(lastEnd) !== 0x20) contiguous = false;
    lastEnd = i;
    tokens.push(word);
  }
  if (tokens.length === 0) return undefined;
  const count = tokens.length;
  let first = 0;
  if (count > 1 && tokens[0] === 'the') {
    tokens.shift();
    first = 1;
  }
  stripLegalForms(tokens);
  if (tokens.length === 1) return tokens[0];
  if (contiguous && first === 0 && tokens.length === count && sliceStart === 0 && lastEnd === n)
    return s;
  return tokens.join(' ');
}

// ---------------------------------------------------------------------------------------------
// Similarity
// ---------------------------------------------------------------------------------------------

/**
 * Jaro similarity of `a` and `b` (both at most {@link MAX_FUZZY_LENGTH} long), using `flags`
 * (2 × MAX_FUZZY_LENGTH bytes) as scratch so that scoring a candidate allocates nothing.
 */
function jaro(a: string, b: string, flags: Uint8Array): number {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return 0;
  const window = Math.max(0, (Math.max(n, m) >> 1) - 1);
  flags.fill(0, 0, n);
  flags.fill(0, MAX_FUZZY_LENGTH, MAX_FUZZY_LENGTH + m);
  let matches = 0;
  for (let i = 0; i < n; i++) {
    const c = a.charCodeAt(i);
    const hi = Math.min(m - 1, i + window);
    for (let j = Math.max(0, i - window); j <= hi; j++) {
      if (flags[MAX_FUZZY_LENGTH + j] === 0 && b.charCodeAt(j) === c) {
        flags[i] = 1;
        flags[MAX_FUZZY_LENGTH + j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let halfTranspositions = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (flags[i] === 0) continue;
    while (flags[MAX_FUZZY_LENGTH + k] === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) halfTranspositions++;
    k++;
  }
  return (matches / n + matches / m + (matches - halfTranspositions / 2) / matches) / 3;
}

/**
 * Highest similarity two strings of these lengths can reach: Jaro's when every letter of the
 * shorter is matched, which is never below Levenshtein's best (min/max).
 */
function similarityUpperBound(n: number, m: number): number {
  return (2 + Math.min(n, m) / Math.max(n, m)) / 3;
}

/**
 * Counts the letters of `s` into `counts` (128 entries, zeroed first); false when `s` has a
 * non-ASCII letter or one letter more than 255 times, and then `counts` is not to be used.
 */
function countLetters(s: string, counts: Uint8Array): boolean {
  counts.fill(0);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f || counts[c] === 255) return false;
    counts[c] = (counts[c] as number) + 1;
  }
  return true;
}

/**
 * A tighter bound than {@link similarityUpperBound}, from the `c` letters the two strings have in
 * common (as multisets): Jaro pairs at most `c` letters, so it is at most (c/n + c/m + 1)/3, and
 * an alignment leaves at least max(n, m) − c letters unpaired, so Levenshtein similarity is at
 * most 1 − (max − c)/max. Both are written as `similarity` computes them, so that rounding can
 * only keep the true score at or below the bound. `queryCounts` holds `query`'s letter counts
 * ({@link countLetters}); `scratch` is overwritten.
 */
function sharedLetterBound(
  query: string,
  name: string,
  queryCounts: Uint8Array,
  scratch: Uint8Array,
): number {
  scratch.set(queryCounts);
  let common = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c <= 0x7f && (scratch[c] as number) > 0) {
      scratch[c] = (scratch[c] as number) - 1;
      common++;
    }
  }
  const n = query.length;
  const m = name.length;
  if (common === 0) return 0;
  const longest = Math.max(n, m);
  return Math.max(
    (common / n + common / m + common / common) / 3,
    1 - (longest - common) / longest,
  );
}

/** The fuzzy score: the larger of Jaro and normalised Levenshtein similarity (see module comment). */
function similarity(a: string, b: string, flags: Uint8Array): number {
  const byEdits = 1 - levenshtein(a, b) / Math.max(a.length, b.length);
  return Math.max(jaro(a, b, flags), byEdits);
}

// ---------------------------------------------------------------------------------------------
// Deletion-neighbourhood hashing
// ---------------------------------------------------------------------------------------------

/*
 * Polynomial hash H(s) = Σ s[k]·B^(n−1−k) mod 2^32. Deleting s[i] gives
 * H − B^(n−1−i)·(P_i·(B−1) + s[i]), where P_i is the hash of s[0..i): one multiply per variant,
 * no substring. Collisions only add a candidate that scoring then rejects.
 */
const HASH_BASE = 0x01000193;
const HASH_POWERS = (() => {
  const powers = new Int32Array(MAX_FUZZY_LENGTH + 1);
  powers[0] = 1;
  for (let i = 1; i <= MAX_FUZZY_LENGTH; i++)
    powers[i] = Math.imul(powers[i - 1] as number, HASH_BASE);
  return powers;
})();

/** murmur3's finaliser: the raw polynomial's low bits (used as bucket index) mix poorly. */
function finalizeHash(h: number, length: number): number {
  h ^= Math.imul(length, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The finalised hash of `s[start, end)`, as {@link forEachDeletionHash} gives for the whole. */
function spanHash(s: string, start: number, end: number): number {
  let h = 0;
  for (let i = start; i < end; i++) h = (Math.imul(h, HASH_BASE) + s.charCodeAt(i)) | 0;
  return finalizeHash(h, end - start);
}

/**
 * A blocked Bloom filter over finalised hashes: three bits per key, all in one 32-bit word, at
 * about 8 bits per key (about 5% false positives). One word read answers most misses, from a
 * few megabytes at most, where the hash table or `Map` behind it is many times larger and costs
 * one or two cache misses per lookup.
 */
class HashFilter {
  private readonly words: Int32Array;
  private readonly shift: number;

  constructor(keys: number) {
    let log2 = 1;
    while (1 << (log2 + 5) < keys * 8 && log2 < 26) log2++;
    this.words = new Int32Array(1 << log2);
    this.shift = 32 - log2;
  }

  /** The three bits of `hash` within its word. */
  static bits(hash: number): number {
    const mixed = Math.imul(hash, 0x9e3779b1);
    return (1 << (mixed >>> 27)) | (1 << ((mixed >>> 22) & 31)) | (1 << ((mixed >>> 17) & 31));
  }

  add(hash: number): void {
    const at = hash >>> this.shift;
    this.words[at] = (this.words[at] as number) | HashFilter.bits(hash);
  }

  /** False when `hash` was certainly never added. */
  mayHave(hash: number): boolean {
    const bits = HashFilter.bits(hash);
    return ((this.words[hash >>> this.shift] as number) & bits) === bits;
  }
}

/**
 * Calls `visit` with the hash of `s` and of each distinct one-deletion variant of `s`, and the
 * position deleted (−1 for `s` itself).
 */
function forEachDeletionHash(s: string, visit: (hash: number, deleted: number) => void): void {
  const n = s.length;
  let full = 0;
  for (let i = 0; i < n; i++) full = (Math.imul(full, HASH_BASE) + s.charCodeAt(i)) | 0;
  visit(finalizeHash(full, n), -1);
  let prefix = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    // Deleting either letter of a double ("ll") gives the same string: hash it once.
    if (i === 0 || s.charCodeAt(i - 1) !== c) {
      const removed = Math.imul(
        HASH_POWERS[n - 1 - i] as number,
        (Math.imul(prefix, HASH_BASE - 1) + c) | 0,
      );
      visit(finalizeHash((full - removed) | 0, n - 1), i);
    }
    prefix = (Math.imul(prefix, HASH_BASE) + c) | 0;
  }
}

/**
 * The block of the variant of `s` with position `deleted` removed (−1: `s` itself): its length,
 * first and last letter. All but two deletion variants of a string share one block, so the
 * filter words a lookup reads lie together instead of all over the filter.
 */
function variantBlock(s: string, deleted: number): number {
  const n = s.length;
  const length = deleted < 0 ? n : n - 1;
  const first = s.charCodeAt(deleted === 0 ? 1 : 0);
  const last = s.charCodeAt(deleted === n - 1 ? n - 2 : n - 1);
  // 30 bits: a small integer to V8, so looking the block up never boxes the key in a heap number.
  return (
    (Math.imul(length, 0x9e3779b1) ^ Math.imul(first, 0x85ebca6b) ^ Math.imul(last, 0xc2b2ae35)) &
    0x3fffffff
  );
}

/**
 * A Bloom filter in blocks (see {@link variantBlock}): each block has its own run of words, sized
 * to the keys it holds (about 8 bits a key, a power of two), and a key's three bits lie in one
 * word of its block chosen by the key's hash. A fuzzy lookup's dozen probes then touch a few
 * cache lines of one block rather than a dozen lines spread over megabytes.
 */
class BlockedFilter {
  private readonly words: Int32Array;
  /** Block → `offset * 32 + log2(words)` of its run. */
  private readonly blocks: Map<number, number>;

  constructor(keysPerBlock: ReadonlyMap<number, number>) {
    this.blocks = new Map();
    let total = 0;
    for (const [block, keys] of keysPerBlock) {
      let log2 = 0;
      while (1 << (log2 + 5) < keys * 8 && log2 < 26) log2++;
      this.blocks.set(block, total * 32 + log2);
      total += 1 << log2;
    }
    this.words = new Int32Array(total);
  }

  /** The run of `block`, as `offset * 32 + log2(words)`, or −1 when no key is in it. */
  run(block: number): number {
    return this.blocks.get(block) ?? -1;
  }

  add(run: number, hash: number): void {
    const at = (run >>> 5) + (hash & ((1 << (run & 31)) - 1));
    this.words[at] = (this.words[at] as number) | HashFilter.bits(hash);
  }

  /** False when `hash` was certainly never added to the block whose run is `run`. */
  mayHave(run: number, hash: number): boolean {
    if (run < 0) return false;
    const bits = HashFilter.bits(hash);
    return ((this.words[(run >>> 5) + (hash & ((1 << (run & 31)) - 1))] as number) & bits) === bits;
  }
}

// ---------------------------------------------------------------------------------------------
// The index
// ---------------------------------------------------------------------------------------------

/**
 * A flat, freshly allocated copy of a domain used as a map key. Keys built by concatenation
 * (`company${i}.com`) stay rope strings scattered over the heap, and every lookup that lands on
 * one walks the rope to compare it: with 100,000 domains that doubled the cost of an email hit.
 */
function flatCopy(s: string): string {
  return (s + '\u0000').slice(0, s.length);
}

/**
 * True when `name` has the word `query[start, end)` at `at`, where a word of `name` starts: a
 * hash match in the rare-word table is a candidate only once the word itself agrees.
 */
function hasWordAt(name: string, at: number, query: string, start: number, end: number): boolean {
  const length = end - start;
  if (at + length > name.length) return false;
  if (at + length < name.length && name.charCodeAt(at + length) !== 0x20) return false;
  for (let i = 0; i < length; i++)
    if (name.charCodeAt(at + i) !== query.charCodeAt(start + i)) return false;
  return true;
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

  // Sorting once by preference lets every "first one wins" below apply the tie rules.
  const ranked = [...accounts].sort(comparePreference);

  const byEmailDomain = new Map<string, AccountMatch>();
  const byWebsiteDomain = new Map<string, AccountMatch>();
  const byName = new Map<string, AccountMatch>();
  /** Distinct normalised names eligible for fuzzy matching, and their preferred account. */
  const names: string[] = [];
  const nameAccounts: Account[] = [];

  /**
   * Domains `d` in the maps above for which no account listed `d` itself. For the others, a lead
   * host equal to `d` is known to reduce to `d` (tldts saw the very same input), so `match` may
   * look it up without calling tldts; these few are checked once, below.
   */
  const indirect = new Set<string>();

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
    if (name.length >= MIN_FUZZY_LENGTH && name.length <= MAX_FUZZY_LENGTH) {
      names.push(name);
      nameAccounts.push(account);
    }
  }

  for (const domain of indirect) {
    const hd = hostAndDomain(domain);
    if (hd && hd.host === domain && hd.domain === domain) indirect.delete(domain);
  }
  // The email fast path: account domains a lead's host may be compared with directly, and
  // free-mail hosts (null). They never overlap: free-mail domains were skipped above.
  const direct: Array<[string, AccountMatch | null]> = [];
  for (const [domain, found] of byEmailDomain)
    if (!indirect.has(domain) && DomainTable.storable(domain)) direct.push([domain, found]);
  for (const host of freeMailHosts()) if (!byEmailDomain.has(host)) direct.push([host, null]);
  const directEmail = new DomainTable(direct);

  const nameFilter = new HashFilter(byName.size);
  for (const name of byName.keys()) nameFilter.add(spanHash(name, 0, name.length));
  const deletions = buildDeletionTable(names);
  const rareTokens = buildRareTokenTable(names);
  const scratch = new Uint8Array(2 * MAX_FUZZY_LENGTH);
  const nameLengths = Uint8Array.from(names, (name) => name.length);
  const size = ranked.length;

  // Running best of the fuzzy search in progress. Kept here rather than per call so that `match`
  // creates no closures; safe because `match` is synchronous and never re-entered.
  let query = '';
  let best = -1;
  let bestScore = 0;
  // Name indexes follow preference order (built from `ranked`), so on equal scores the smaller
  // index is the preferred account.
  /**
   * Letter counts of an all-ASCII query, counted when a first candidate needs them (most queries
   * have none): 0 not yet counted, 1 counted, 2 not countable.
   */
  const queryCounts = new Uint8Array(128);
  const counts = new Uint8Array(128);
  let queryCounted = 0;
  /**
   * Whether the name's length alone leaves it a chance against the query and the best so far:
   * answered from `nameLengths`, side by side, without reading the name itself from the heap.
   */
  const reachable = (candidate: number): boolean => {
    const bound = similarityUpperBound(query.length, nameLengths[candidate] as number);
    return bound >= threshold && bound >= bestScore;
  };
  const consider = (candidate: number): void => {
    if (candidate === best || !reachable(candidate)) return;
    const name = names[candidate] as string;
    if (queryCounted === 0) queryCounted = countLetters(query, queryCounts) ? 1 : 2;
    if (queryCounted === 1) {
      const tight = sharedLetterBound(query, name, queryCounts, counts);
      if (tight < threshold || tight < bestScore) return;
    }
    const score = similarity(query, name, scratch);
    if (score < threshold) return;
    if (score > bestScore || (score === bestScore && candidate < best)) {
      best = candidate;
      bestScore = score;
    }
  };
  /** Considers the names having the variant whose hash is `hash`, in the block whose run is `run`. */
  const probe = (run: number, hash: number): void => {
    if (!deletions.filter.mayHave(run, hash)) return;
    const { offsets, hashes, values, mask } = deletions.table;
    const end = offsets[(hash & mask) + 1] as number;
    for (let k = offsets[hash & mask] as number; k < end; k++) {
      if (hashes[k] === hash) consider(values[k] as number);
    }
  };
  /** Considers the names that contain the rare word `query[start, end)`. */
  const probeWord = (start: number, end: number): void => {
    const hash = spanHash(query, start, end);
    if (!rareTokens.filter.mayHave(hash)) return;
    const { offsets, hashes, values, starts, mask } = rareTokens;
    const last = offsets[(hash & mask) + 1] as number;
    for (let k = offsets[hash & mask] as number; k < last; k++) {
      if (hashes[k] !== hash) continue;
      const candidate = values[k] as number;
      if (!reachable(candidate)) continue;
      if (hasWordAt(names[candidate] as string, starts[k] as number, query, start, end))
        consider(candidate);
    }
  };

  /** Best fuzzy match for a normalised name that has no exact match. */
  function matchFuzzy(name: string): AccountMatch | null {
    const n = name.length;
    if (n < MIN_FUZZY_LENGTH || n > MAX_FUZZY_LENGTH || names.length === 0) return null;
    query = name;
    best = -1;
    bestScore = 0;
    queryCounted = 0;
    // forEachDeletionHash(name, probe), unrolled: this runs on every lead without a match.
    let full = 0;
    for (let i = 0; i < n; i++) full = (Math.imul(full, HASH_BASE) + name.charCodeAt(i)) | 0;
    const filter = deletions.filter;
    probe(filter.run(variantBlock(name, -1)), finalizeHash(full, n));
    // Deleting any letter but the first or the last keeps the block: one lookup serves them all.
    const middle = filter.run(variantBlock(name, 1));
    let prefix = 0;
    let previous = -1;
    for (let i = 0; i < n; i++) {
      const c = name.charCodeAt(i);
      if (c !== previous) {
        const removed = Math.imul(
          HASH_POWERS[n - 1 - i] as number,
          (Math.imul(prefix, HASH_BASE - 1) + c) | 0,
        );
        const run = i === 0 || i === n - 1 ? filter.run(variantBlock(name, i)) : middle;
        probe(run, finalizeHash((full - removed) | 0, n - 1));
      }
      prefix = (Math.imul(prefix, HASH_BASE) + c) | 0;
      previous = c;
    }
    // Rare words, when the name has several.
    let start = 0;
    for (let space = name.indexOf(' '); space >= 0 || start > 0;) {
      const end = space >= 0 ? space : n;
      if (end - start >= MIN_TOKEN_LENGTH) probeWord(start, end);
      if (space < 0) break;
      start = space + 1;
      space = name.indexOf(' ', start);
    }
    if (best < 0) return null;
    return Object.freeze({
      account: nameAccounts[best] as Account,
      method: 'company_name_fuzzy',
      score: bestScore,
    });
  }

  const index: AccountIndex = {
    size,
    match(lead) {
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
      return matchFuzzy(name);
    },
  };
  return Object.freeze(index);
}

/**
 * A hash table from 32-bit hashes to entries, in compressed sparse rows: bucket b holds entries
 * offsets[b] .. offsets[b+1]−1, each a `hashes[k]` with its `values[k]` and `starts[k]`. The
 * filter in front answers most absent hashes without touching the rest.
 */
interface HashTable {
  filter: HashFilter;
  mask: number;
  offsets: Uint32Array;
  hashes: Uint32Array;
  values: Uint32Array;
  starts: Uint8Array;
}

/** Groups the first `filled` entries into a {@link HashTable}. */
function buildHashTable(
  hashes: Uint32Array,
  values: Uint32Array,
  starts: Uint8Array,
  filled: number,
): HashTable {
  // About one entry per bucket keeps a probe to a couple of comparisons.
  let buckets = 1;
  while (buckets < filled) buckets *= 2;
  const mask = buckets - 1;
  const offsets = new Uint32Array(buckets + 1);
  for (let k = 0; k < filled; k++) {
    const b = ((hashes[k] as number) & mask) + 1;
    offsets[b] = (offsets[b] as number) + 1;
  }
  for (let b = 0; b < buckets; b++)
    offsets[b + 1] = (offsets[b + 1] as number) + (offsets[b] as number);
  const cursor = offsets.slice(0, buckets);
  const sortedHashes = new Uint32Array(filled);
  const sortedValues = new Uint32Array(filled);
  const sortedStarts = new Uint8Array(filled);
  const filter = new HashFilter(filled);
  for (let k = 0; k < filled; k++) {
    const hash = hashes[k] as number;
    const at = cursor[hash & mask] as number;
    cursor[hash & mask] = at + 1;
    sortedHashes[at] = hash;
    sortedValues[at] = values[k] as number;
    sortedStarts[at] = starts[k] as number;
    filter.add(hash);
  }
  return {
    filter,
    mask,
    offsets,
    hashes: sortedHashes,
    values: sortedValues,
    starts: sortedStarts,
  };
}

/**
 * Hash table from every name's and one-deletion variant's hash to the name's index, with a filter
 * in blocks of variants sharing length, first and last letter in front of it.
 */
function buildDeletionTable(names: readonly string[]): { table: HashTable; filter: BlockedFilter } {
  let total = 0;
  for (const name of names) total += name.length + 1;
  const hashes = new Uint32Array(total);
  const owners = new Uint32Array(total);
  const blockOf = new Int32Array(total);
  let filled = 0;
  names.forEach((name, i) => {
    forEachDeletionHash(name, (hash, deleted) => {
      hashes[filled] = hash;
      owners[filled] = i;
      blockOf[filled] = variantBlock(name, deleted);
      filled++;
    });
  });
  const keysPerBlock = new Map<number, number>();
  for (let k = 0; k < filled; k++)
    keysPerBlock.set(blockOf[k]!, (keysPerBlock.get(blockOf[k]!) ?? 0) + 1);
  const filter = new BlockedFilter(keysPerBlock);
  for (let k = 0; k < filled; k++) filter.add(filter.run(blockOf[k]!), hashes[k]!);
  return { table: buildHashTable(hashes, owners, new Uint8Array(filled), filled), filter };
}

/**
 * Rare words: for each word (at least MIN_TOKEN_LENGTH long) in at most RARE_TOKEN_MAX_NAMES
 * names, one entry per name containing it, keyed by the word's {@link spanHash}, holding the
 * name's index and where the word starts in it, so that a lookup can confirm the word itself
 * without keeping the words.
 */
function buildRareTokenTable(names: readonly string[]): HashTable {
  /** Word → [name index, start, name index, start, …], or null once too common. */
  const postings = new Map<string, number[] | null>();
  names.forEach((name, i) => {
    const seen = new Set<string>();
    let start = 0;
    for (const token of name.split(' ')) {
      const at = start;
      start += token.length + 1;
      if (token.length < MIN_TOKEN_LENGTH || seen.has(token)) continue;
      seen.add(token);
      const list = postings.get(token);
      if (list === undefined) postings.set(token, [i, at]);
      else if (list !== null) {
        // Once too common, forget the list: it would only flood the candidates.
        if (list.length >= 2 * RARE_TOKEN_MAX_NAMES) postings.set(token, null);
        else list.push(i, at);
      }
    }
  });
  let total = 0;
  for (const list of postings.values()) if (list !== null) total += list.length >> 1;
  const hashes = new Uint32Array(total);
  const owners = new Uint32Array(total);
  const starts = new Uint8Array(total);
  let filled = 0;
  for (const [token, list] of postings) {
    if (list === null) continue;
    const hash = spanHash(token, 0, token.length);
    for (let k = 0; k < list.length; k += 2) {
      hashes[filled] = hash;
      owners[filled] = list[k] as number;
      starts[filled] = list[k + 1] as number;
      filled++;
    }
  }
  return buildHashTable(hashes, owners, starts, filled);
}
