import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildAccountIndex,
  isFreeMailDomain,
  normalizeCompanyName,
  normalizeDomain,
} from './index.ts';
import { ValidationError } from '../issues.ts';
import type { Account } from '../types.ts';
import { ABBREVIATIONS } from './abbreviations.ts';
import { EXACT_LEGAL_FORMS, LEGAL_FORM_PHRASES, LONG_LEGAL_FORMS } from './legal-form-table.ts';

const acme: Account = {
  id: 'acme',
  name: 'Acme Corporation',
  domains: ['acme.com'],
  ownerId: 'olga',
};
const globex: Account = {
  id: 'globex',
  name: 'Globex',
  domains: ['https://www.globex.io/'],
  ownerId: 'gus',
};
const tesco: Account = { id: 'tesco', name: 'Tesco PLC', domains: ['tesco.co.uk'] };
const initech: Account = { id: 'initech', name: 'Initech', domains: ['initech.com'] };
const index = buildAccountIndex([acme, globex, tesco, initech]);

/** Reference Jaro similarity, written independently of the index's, as an oracle. */
function referenceJaro(a: string, b: string): number {
  if (a.length === 0 || b.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const usedB = new Array<boolean>(b.length).fill(false);
  const matchedA: string[] = [];
  const matchedAt: number[] = [];
  for (let i = 0; i < a.length; i++) {
    for (let j = Math.max(0, i - window); j < Math.min(b.length, i + window + 1); j++) {
      if (!usedB[j] && a[i] === b[j]) {
        usedB[j] = true;
        matchedA.push(a[i] as string);
        matchedAt.push(j);
        break;
      }
    }
  }
  const m = matchedA.length;
  if (m === 0) return 0;
  const matchedB = [...matchedAt].sort((x, y) => x - y).map((j) => b[j]);
  const transpositions = matchedA.filter((c, k) => c !== matchedB[k]).length / 2;
  return (m / a.length + m / b.length + (m - transpositions) / m) / 3;
}

/** Reference Levenshtein distance (textbook dynamic programme), as an oracle. */
function referenceLevenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(
        Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** Reference optimal-string-alignment distance (Levenshtein plus adjacent swaps), as an oracle. */
function referenceOsa(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const up = d[i - 1] as number[];
      row[j] = Math.min(
        (up[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (up[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/**
 * The documented spelling of a legal-form word: exact, or for five letters or more the same first
 * letter and at most one typo (two from ten letters), unless it is one of the ordinary words.
 */
function referenceSpellsForm(word: string, form: string): boolean {
  if (word === form) return true;
  if (form.length < 5 || word[0] !== form[0]) return false;
  if (['society', 'societal', 'cooperation'].includes(word)) return false;
  return referenceOsa(word, form) <= (form.length >= 10 ? 2 : 1);
}

/** The company-name rules written as plain regular expressions, as an oracle. */
function referenceNormalizeCompanyName(value: string): string | undefined {
  const exact = new Set(EXACT_LEGAL_FORMS);
  const phrases = [...LEGAL_FORM_PHRASES].sort((a, b) => b.length - a.length);
  const folded: Record<string, string> = {
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
  const tokens = value
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[ßæœøđðþłı]/g, (c) => folded[c] ?? c)
    .replace(/['’‘`´.]+/g, '')
    .replace(/[&+]/g, ' and ')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0);
  if (tokens.length === 0) return undefined;
  tokens.forEach((t, i) => {
    tokens[i] = ABBREVIATIONS.get(t) ?? t;
  });
  if (tokens.length > 1 && tokens[0] === 'the') tokens.shift();
  for (;;) {
    if (tokens.length <= 1) break;
    const last = tokens[tokens.length - 1] as string;
    if (last === 'the' || last === 'and') {
      tokens.pop();
      continue;
    }
    const phrase = phrases.find(
      (p) =>
        p.length < tokens.length &&
        p.every((w, i) => referenceSpellsForm(tokens[tokens.length - p.length + i] as string, w)),
    );
    if (phrase) {
      tokens.length -= phrase.length;
      continue;
    }
    if (exact.has(last) || LONG_LEGAL_FORMS.some((form) => referenceSpellsForm(last, form))) {
      tokens.pop();
      continue;
    }
    break;
  }
  return tokens.join(' ');
}

/** The documented fuzzy score: the larger of Jaro and normalised Levenshtein similarity. */
function referenceSimilarity(a: string, b: string): number {
  return Math.max(
    referenceJaro(a, b),
    1 - referenceLevenshtein(a, b) / Math.max(a.length, b.length),
  );
}

describe('normalizeDomain', () => {
  it('reduces a URL with protocol, www, subdomains and path to the registrable domain', () => {
    expect(normalizeDomain('https://www.shop.acme.com/pricing?x=1')).toBe('acme.com');
    expect(normalizeDomain('WWW.ACME.COM')).toBe('acme.com');
    expect(normalizeDomain('acme.com/contact')).toBe('acme.com');
  });

  it('knows multi-label public suffixes such as co.uk', () => {
    expect(normalizeDomain('https://www.shop.acme.co.uk/x')).toBe('acme.co.uk');
    expect(normalizeDomain('tesco.co.uk')).toBe('tesco.co.uk');
  });

  it('takes the part after the @ of an email address, also in display-name form', () => {
    expect(normalizeDomain('jo@mail.acme.com')).toBe('acme.com');
    expect(normalizeDomain('Jo Smith <JO@Acme.COM>')).toBe('acme.com');
    expect(normalizeDomain('@acme.com')).toBe('acme.com');
  });

  it('keeps a customer site on a private suffix apart from the hosting provider', () => {
    expect(normalizeDomain('https://acme.github.io/docs')).toBe('acme.github.io');
  });

  it('writes internationalised domains in punycode, so both spellings agree', () => {
    expect(normalizeDomain('https://www.münchen.de/')).toBe('xn--mnchen-3ya.de');
    expect(normalizeDomain('xn--mnchen-3ya.de')).toBe('xn--mnchen-3ya.de');
  });

  it('returns undefined for anything that is not a domain', () => {
    for (const value of [
      '',
      'n/a',
      'Acme Inc',
      'localhost',
      '10.0.0.1',
      'http://[::1]/',
      42,
      null,
      undefined,
      {},
    ]) {
      expect(normalizeDomain(value)).toBeUndefined();
    }
  });
});

describe('isFreeMailDomain', () => {
  it('recognises free-mail providers across countries', () => {
    for (const d of [
      'gmail.com',
      'yahoo.co.uk',
      'outlook.com',
      'hotmail.com',
      'gmx.de',
      'web.de',
      'qq.com',
      'icloud.com',
    ]) {
      expect(isFreeMailDomain(d), d).toBe(true);
    }
  });

  it('recognises them in any case, as hosts and as email addresses', () => {
    expect(isFreeMailDomain('GMail.com')).toBe(true);
    expect(isFreeMailDomain('mail.yahoo.com')).toBe(true);
    expect(isFreeMailDomain('jo@web.de')).toBe(true);
  });

  it('recognises providers listed only by a subdomain', () => {
    expect(isFreeMailDomain('austin.rr.com')).toBe(true);
  });

  it('does not flag company domains', () => {
    expect(isFreeMailDomain('acme.com')).toBe(false);
    expect(isFreeMailDomain('google.com')).toBe(false);
    expect(isFreeMailDomain('microsoft.com')).toBe(false);
  });
});

describe('normalizeCompanyName', () => {
  it.each([
    ['ACME Holdings, Inc.', 'acme holdings'],
    ['Acme Inc', 'acme'],
    ['ACME, Inc.', 'acme'],
    ['Acme GmbH & Co. KG', 'acme'],
    ['Acme Pty Ltd', 'acme'],
    ['Acme Sdn. Bhd.', 'acme'],
    ['Acme sp. z o.o.', 'acme'],
    ['Acme S. A.', 'acme'],
    ['Société Générale S.A.', 'societe generale'],
    ['Straße AG', 'strasse'],
    ['The Johnson & Johnson Company', 'johnson and johnson'],
    ['Johnson and Johnson', 'johnson and johnson'],
    ['Smith & Co.', 'smith'],
    ['Acme Company, The', 'acme'],
    ["McDonald's Corp", 'mcdonalds'],
    ['Hewlett-Packard', 'hewlett packard'],
  ])('normalises %j to %j', (input, expected) => {
    expect(normalizeCompanyName(input)).toBe(expected);
  });

  it('never strips the last remaining word, so a name made of a legal form survives', () => {
    expect(normalizeCompanyName('The Limited')).toBe('limited');
    expect(normalizeCompanyName('Company')).toBe('company');
  });

  it('returns undefined for non-strings and names without letters or digits', () => {
    expect(normalizeCompanyName('  !!! ')).toBeUndefined();
    expect(normalizeCompanyName(undefined)).toBeUndefined();
    expect(normalizeCompanyName(7)).toBeUndefined();
  });

  it('treats dots, apostrophes, "&" and "+" in ASCII names like the general rules', () => {
    expect(normalizeCompanyName("A.B.C. O'Neil`s")).toBe('abc oneils');
    expect(normalizeCompanyName('AT&T')).toBe('at and t');
    expect(normalizeCompanyName('Salt+Pepper')).toBe('salt and pepper');
    expect(normalizeCompanyName(' . Acme  .  Labs ')).toBe('acme labs');
    expect(normalizeCompanyName('The The')).toBe('the');
    expect(normalizeCompanyName('Startup 123')).toBe('startup 123');
    // Plain names whose last word is no legal form: the leading "the" still goes, short forms too.
    expect(normalizeCompanyName('The Acme Wolf')).toBe('acme wolf');
    expect(normalizeCompanyName('Acme Wolf B V')).toBe('acme wolf');
    expect(normalizeCompanyName('Acme Wolf')).toBe('acme wolf');
    expect(normalizeCompanyName('  ...  ')).toBeUndefined();
  });

  it('normalises ASCII and non-ASCII input alike, as the reference rules do', () => {
    const unit = fc.constantFrom(
      ..."aAzZ09 .,'`&+-_/()!\t",
      'the ',
      'The ',
      ' inc',
      ' Ltd',
      ' gmbh',
      ' co',
      'Acme',
      ' Labs',
      ' Wolf',
      ' 42',
      ' the',
      ' and',
      ' s.a.',
      ' b v',
      ' N.V.',
      ' sp z o.o.',
      ' Corporaton',
      ' corporation',
      ' Limitd',
      ' Compnay',
      ' Gesellschaft',
      ' sociedad anonima',
      ' Private Limited',
      ' Societe Anonyme',
      ' Society',
      ' Inx',
      ' Intl',
      'Mfg ',
      ' svcs',
      ' Bros.',
      ' hldgs',
      ' and ',
      'é',
      'ß',
      'Ø',
      '’',
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 30 }), (name) => {
        expect(normalizeCompanyName(name)).toBe(referenceNormalizeCompanyName(name));
      }),
      { numRuns: 4000 },
    );
  });
});

describe('buildAccountIndex', () => {
  it('counts the accounts it indexed', () => {
    expect(index.size).toBe(4);
    expect(buildAccountIndex([]).size).toBe(0);
  });

  it('matches a lead by the domain of their email address with score 1', () => {
    expect(index.match({ email: 'jo@acme.com' })).toEqual({
      account: acme,
      method: 'email_domain',
      score: 1,
    });
  });

  it('matches an email address on a subdomain of the account domain', () => {
    expect(index.match({ email: 'jo@eu.mail.acme.com' })?.account).toBe(acme);
  });

  it('matches a lead by website, ignoring protocol, www and subdomains', () => {
    expect(index.match({ website: 'http://shop.globex.io/cart' })).toEqual({
      account: globex,
      method: 'website_domain',
      score: 1,
    });
    expect(index.match({ website: 'www.globex.io' })?.account).toBe(globex);
  });

  it('matches co.uk domains on the registrable domain, not on co.uk', () => {
    expect(index.match({ email: 'jo@stores.tesco.co.uk' })?.account).toBe(tesco);
    expect(index.match({ email: 'jo@other.co.uk' })).toBeNull();
  });

  it('matches the exact normalised company name with score 1', () => {
    expect(index.match({ company: 'ACME corp.' })).toEqual({
      account: acme,
      method: 'company_name',
      score: 1,
    });
  });

  it('treats "Acme Inc" and "ACME, Inc." as the same company', () => {
    const idx = buildAccountIndex([{ id: 'a', name: 'Acme Inc' }]);
    expect(idx.match({ company: 'ACME, Inc.' })?.method).toBe('company_name');
  });

  it('ignores a free-mail email domain and still matches a gmail lead by company name', () => {
    const idx = buildAccountIndex([{ id: 'acme', name: 'Acme', domains: ['acme.com'] }]);
    expect(idx.match({ email: 'jo@gmail.com', company: 'Acme' })).toMatchObject({
      method: 'company_name',
    });
    expect(idx.match({ email: 'jo@gmail.com' })).toBeNull();
  });

  it('ignores free-mail domains listed on an account, so it does not capture every gmail lead', () => {
    const idx = buildAccountIndex([
      { id: 'solo', name: 'Solo Consulting', domains: ['gmail.com', 'solo.dev'] },
    ]);
    expect(idx.match({ email: 'anyone@gmail.com' })).toBeNull();
    expect(idx.match({ email: 'me@solo.dev' })?.method).toBe('email_domain');
  });

  it('prefers the email domain to the website, and the website to the company name', () => {
    expect(
      index.match({ email: 'jo@acme.com', website: 'globex.io', company: 'Initech' })?.account,
    ).toBe(acme);
    expect(
      index.match({ email: 'jo@unknown.org', website: 'globex.io', company: 'Initech' })?.account,
    ).toBe(globex);
    expect(
      index.match({ email: 'jo@unknown.org', website: 'unknown.org', company: 'Initech' })?.account,
    ).toBe(initech);
  });

  it('reads the email domain the same whatever the case, display form or subdomain', () => {
    for (const email of [
      'jo@acme.com',
      'JO@ACME.COM',
      'Jo Smith <jo@Acme.com>',
      ' jo@acme.com ',
      '"a@b"@acme.com',
      'jo@mail.acme.com',
      'jo@acme.com.',
    ]) {
      expect(index.match({ email, company: 'Globex' })?.method, email).toBe('email_domain');
    }
    for (const email of ['jo@GMAIL.COM', 'jo@mail.yahoo.com', 'jo@austin.rr.com', 'jo@acme']) {
      expect(index.match({ email, company: 'Globex' })?.account, email).toBe(globex);
    }
    expect(index.match({ email: 'http://jo@acme.com', company: 'Globex' })?.account).toBe(acme);
  });

  it('matches an email on an account domain listed as a URL or on a private suffix', () => {
    const idx = buildAccountIndex([
      { id: 'site', name: 'Site', domains: ['https://WWW.Site-Co.com/about'] },
      { id: 'pages', name: 'Pages', domains: ['github.io'] },
      { id: 'docs', name: 'Docs', domains: ['acme.github.io'] },
    ]);
    expect(idx.match({ email: 'jo@site-co.com' })?.account.id).toBe('site');
    expect(idx.match({ email: 'jo@github.io' })?.account.id).toBe('pages');
    expect(idx.match({ email: 'jo@acme.github.io' })?.account.id).toBe('docs');
    expect(idx.match({ email: 'jo@other.github.io' })).toBeNull();
  });

  it('ignores values that are not strings', () => {
    expect(index.match({ email: 42, website: ['acme.com'], company: { name: 'Acme' } })).toBeNull();
  });

  it('returns a frozen result from a frozen index', () => {
    expect(Object.isFrozen(index)).toBe(true);
    expect(Object.isFrozen(index.match({ email: 'jo@acme.com' }))).toBe(true);
    expect(Object.isFrozen(index.match({ company: 'Acmee Corporation' }))).toBe(true);
  });

  it('rejects a fuzzy threshold outside (0, 1], naming the option', () => {
    expect(() => buildAccountIndex([], { fuzzyThreshold: 0 })).toThrow(ValidationError);
    expect(() => buildAccountIndex([], { fuzzyThreshold: 1.5 })).toThrow(
      /fuzzyThreshold: must be a number in \(0, 1\]/,
    );
    expect(() => buildAccountIndex([], { fuzzyThreshold: Number.NaN })).toThrow(ValidationError);
  });
});

describe('fuzzy company-name matching', () => {
  it('matches a typo such as "Acmee Corporation" to Acme, above the threshold and below 1', () => {
    const found = index.match({ company: 'Acmee Corporation' });
    expect(found).toMatchObject({ account: acme, method: 'company_name_fuzzy' });
    expect(found?.score).toBeGreaterThanOrEqual(0.88);
    expect(found?.score).toBeLessThan(1);
  });

  it('does not match a different company that is below the threshold', () => {
    const idx = buildAccountIndex([
      { id: 'acme', name: 'Acme' },
      { id: 'gm', name: 'General Motors' },
      { id: 'amazon', name: 'Amazon' },
    ]);
    expect(idx.match({ company: 'Acne' })).toBeNull();
    expect(idx.match({ company: 'General Mills' })).toBeNull();
    expect(idx.match({ company: 'Amazing' })).toBeNull();
  });

  it('accepts more distant names when the threshold is lowered', () => {
    const idx = buildAccountIndex([{ id: 'acme', name: 'Acme' }], { fuzzyThreshold: 0.8 });
    expect(idx.match({ company: 'Acne' })).toMatchObject({ method: 'company_name_fuzzy' });
  });

  it('catches an insertion, deletion, substitution or transposition anywhere in the name', () => {
    const idx = buildAccountIndex([{ id: 'u', name: 'Umbrella Pharmaceuticals' }]);
    const name = 'umbrella pharmaceuticals';
    for (let i = 0; i < name.length; i++) {
      const variants = [
        name.slice(0, i) + 'x' + name.slice(i),
        name.slice(0, i) + name.slice(i + 1),
        name.slice(0, i) + 'q' + name.slice(i + 1),
        name.slice(0, i) + name.charAt(i + 1) + name.charAt(i) + name.slice(i + 2),
      ];
      for (const v of variants) {
        if (v === name || normalizeCompanyName(v) !== v) continue;
        expect(idx.match({ company: v })?.account.id, v).toBe('u');
      }
    }
  });

  it('nominates names through a rare word only when the whole word is shared', () => {
    const idx = buildAccountIndex([{ id: 'z', name: 'Zyxwvut Labs' }], { fuzzyThreshold: 0.5 });
    // "zyxwvu" is a prefix of the rare word, not the word: no candidate, so no match.
    expect(idx.match({ company: 'Zyxwvu Qqqqqqqqqq' })).toBeNull();
    expect(idx.match({ company: 'Zyxwvut Qqqqqqqqqq' })?.account.id).toBe('z');
  });

  it('finds a longer name with an extra word through a rarely used word it shares', () => {
    const idx = buildAccountIndex([{ id: 'ah', name: 'Acme Holdings' }]);
    // (Not "Intl": written out as "international", the extra word is too long to pass.)
    expect(idx.match({ company: 'Acme Holdings UK' })).toMatchObject({
      method: 'company_name_fuzzy',
    });
  });

  it('does not fuzz names shorter than four characters', () => {
    const idx = buildAccountIndex(
      [
        { id: 'ibm', name: 'IBM' },
        { id: 'acme', name: 'Acme' },
      ],
      { fuzzyThreshold: 0.5 },
    );
    expect(idx.match({ company: 'IBN' })).toBeNull();
    expect(idx.match({ company: 'Acm' })).toBeNull();
    expect(idx.match({ company: 'IBM' })?.method).toBe('company_name');
  });

  it('keeps a single typo in a long name, where Jaro alone would pair repeated letters across words', () => {
    const idx = buildAccountIndex([{ id: 'u', name: 'Umbrella Pharmaceuticals' }]);
    expect(referenceJaro('umbrellq pharmaceuticals', 'umbrella pharmaceuticals')).toBeLessThan(
      0.88,
    );
    expect(idx.match({ company: 'Umbrellq Pharmaceuticals' })?.score).toBeCloseTo(23 / 24, 12);
  });

  it('finds every single-edit typo and scores it as the larger of Jaro and Levenshtein similarity', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'abcdefghij'), minLength: 5, maxLength: 24 }),
        fc.nat(),
        fc.constantFrom('insert', 'delete', 'substitute', 'transpose'),
        (name, at, edit) => {
          const i = at % name.length;
          const typed =
            edit === 'insert'
              ? name.slice(0, i) + 'z' + name.slice(i)
              : edit === 'delete'
                ? name.slice(0, i) + name.slice(i + 1)
                : edit === 'substitute'
                  ? name.slice(0, i) + 'z' + name.slice(i + 1)
                  : name.slice(0, i) + name.charAt(i + 1) + name.charAt(i) + name.slice(i + 2);
          fc.pre(typed !== name);
          const found = buildAccountIndex([{ id: 'x', name }]).match({ company: typed });
          const expected = referenceSimilarity(typed, name);
          if (expected >= 0.88) expect(found?.score).toBeCloseTo(expected, 12);
          else expect(found).toBeNull();
        },
      ),
    );
  });
});

describe('tie rules', () => {
  const shared = (extra: Partial<Account>[]): Account[] =>
    extra.map((e, i) => ({ id: `id-${i}`, name: 'Shared Name', domains: ['shared.com'], ...e }));

  it('prefers a strategic account among accounts sharing a domain or a name', () => {
    const accounts = shared([
      { id: 'a', ownerId: 'o' },
      { id: 'z', strategic: true },
    ]);
    const idx = buildAccountIndex(accounts);
    expect(idx.match({ email: 'jo@shared.com' })?.account.id).toBe('z');
    expect(idx.match({ company: 'Shared Name' })?.account.id).toBe('z');
  });

  it('then prefers an account with an owner', () => {
    const idx = buildAccountIndex(
      shared([{ id: 'a' }, { id: 'm', ownerId: 'o' }, { id: 'b', ownerId: '' }]),
    );
    expect(idx.match({ website: 'shared.com' })?.account.id).toBe('m');
  });

  it('then prefers the lexicographically smallest id, whatever the input order', () => {
    const accounts = shared([{ id: 'b' }, { id: 'B' }, { id: 'a' }]);
    expect(buildAccountIndex(accounts).match({ email: 'x@shared.com' })?.account.id).toBe('B');
    expect(
      buildAccountIndex([...accounts].reverse()).match({ company: 'shared name' })?.account.id,
    ).toBe('B');
  });

  it('prefers the higher fuzzy score over a strategic account', () => {
    const idx = buildAccountIndex([
      { id: 'z', name: 'Globex' },
      { id: 'a', name: 'Globexy', strategic: true, ownerId: 'o' },
    ]);
    expect(idx.match({ company: 'Globexx' })?.account.id).toBe('z');
  });

  it('breaks equal fuzzy scores by the same preference order', () => {
    const pair = (a: Partial<Account>, b: Partial<Account>): string | undefined =>
      buildAccountIndex([
        { id: 'b', name: 'Acmexa', ...a },
        { id: 'a', name: 'Acmexb', ...b },
      ]).match({ company: 'Acmex' })?.account.id;
    expect(pair({ strategic: true }, { ownerId: 'o' })).toBe('b');
    expect(pair({ ownerId: 'o' }, {})).toBe('b');
    expect(pair({}, {})).toBe('a');
  });
});

describe('properties', () => {
  const domainPool = ['acme.com', 'globex.io', 'initech.co.uk', 'umbrella.de', 'hooli.xyz'];
  const namePool = [
    'Acme',
    'Acme Inc',
    'Globex',
    'Globexx',
    'Initech',
    'Initech LLC',
    'Umbrella',
    'Hooli',
    'Hoolie',
  ];
  const accountArb = fc.record({
    id: fc.string({ unit: fc.constantFrom(...'abcAB1'), minLength: 1, maxLength: 3 }),
    name: fc.constantFrom(...namePool),
    domains: fc.subarray(domainPool, { maxLength: 2 }),
    ownerId: fc.option(fc.constantFrom('o1', 'o2'), { nil: undefined }),
    strategic: fc.option(fc.boolean(), { nil: undefined }),
  });
  // Unique ids: the tie rules then fully order the accounts.
  const accountsArb = fc.uniqueArray(accountArb, {
    selector: (a) => a.id,
    minLength: 1,
    maxLength: 12,
  });
  const leadArb = fc.record({
    email: fc.option(
      fc.constantFrom(...domainPool, 'gmail.com', 'other.org').map((d) => `jo@www.${d}`),
      { nil: undefined },
    ),
    website: fc.option(fc.constantFrom(...domainPool, 'other.org'), { nil: undefined }),
    company: fc.option(fc.constantFrom(...namePool, 'ACME', 'Globeks', 'Unknown Ltd'), {
      nil: undefined,
    }),
  });

  it('matching is deterministic and independent of the order accounts are given in', () => {
    fc.assert(
      fc.property(accountsArb, leadArb, fc.nat(), (accounts, lead, rotation) => {
        const k = rotation % accounts.length;
        const shuffled = [...accounts.slice(k), ...accounts.slice(0, k)].reverse();
        const idx = buildAccountIndex(accounts);
        const first = idx.match(lead);
        expect(idx.match(lead)).toEqual(first);
        expect(buildAccountIndex(shuffled).match(lead)).toEqual(first);
      }),
    );
  });

  it('an exact email-domain match always wins over name matches, for the preferred account', () => {
    fc.assert(
      fc.property(
        accountsArb,
        fc.constantFrom(...domainPool),
        fc.constantFrom(...namePool),
        (accounts, domain, company) => {
          const holders = accounts.filter((a) => a.domains.includes(domain));
          fc.pre(holders.length > 0);
          const found = buildAccountIndex(accounts).match({ email: `jo@${domain}`, company });
          expect(found?.method).toBe('email_domain');
          const preferred = [...holders].sort(
            (a, b) =>
              Number(b.strategic === true) - Number(a.strategic === true) ||
              Number(b.ownerId !== undefined) - Number(a.ownerId !== undefined) ||
              (a.id < b.id ? -1 : 1),
          )[0];
          expect(found?.account).toBe(preferred);
        },
      ),
    );
  });
});
