import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Account } from '../types.ts';
import { buildAccountIndex, normalizeCompanyName } from './index.ts';
import { ABBREVIATIONS } from './abbreviations.ts';
import { EXACT_LEGAL_FORMS, LONG_LEGAL_FORMS } from './legal-form-table.ts';
import { withinEdits } from './legal-forms.ts';

const acme: Account = { id: 'acme', name: 'Acme Corporation', domains: ['acme.com'] };
const index = buildAccountIndex([
  acme,
  { id: 'globex', name: 'Globex GmbH', domains: ['globex.de'] },
  { id: 'initech', name: 'Initech Limited', domains: ['initech.co.uk'] },
]);
const freeMail = (company: string) => ({ email: 'jo@gmail.com', company });

describe('misspelt legal forms', () => {
  it('matches a free-mail lead from "Acme Corporaton" to Acme Corporation', () => {
    expect(index.match(freeMail('Acme Corporaton'))?.account.id).toBe('acme');
  });

  it('still matches "Acmee Corp" to Acme Corporation, as before', () => {
    expect(index.match(freeMail('Acmee Corp'))?.account.id).toBe('acme');
  });

  it.each([
    ['Acme Corporaton', 'acme'],
    ['Acme Coporation', 'acme'],
    ['Acme Corproation', 'acme'],
    ['Acme Incorporatd', 'acme'],
    ['Acme Incorprated', 'acme'],
    ['Acme Limitd', 'acme'],
    ['Acme Limted', 'acme'],
    ['Acme Compnay', 'acme'],
    ['Acme Gesellschft', 'acme'],
    ['Acme Aktiengesselschaft', 'acme'],
    ['ACME CORPORATON, INC.', 'acme'],
    ['Acme Sociedad Anonma', 'acme'],
    ['Acme Proprietary Limited', 'acme'],
    ['Acme Pvt. Ltd.', 'acme'],
    ['Acme S.A. de C.V.', 'acme'],
    ['Acme Gesellschaft mit beschränkter Haftung', 'acme'],
    ['Acme Besloten Vennootschap', 'acme'],
  ])('recognises the legal form in %j, so it normalises to %j', (input, expected) => {
    expect(normalizeCompanyName(input)).toBe(expected);
  });

  it.each([
    ['Acme Ind', 'acme ind'],
    ['Acme Lt', 'acme lt'],
    ['Acme Gmbg', 'acme gmbg'],
    ['Acme Inx', 'acme inx'],
    ['Acme AB Foods', 'acme ab foods'],
  ])('never recognises a short form misspelt: %j stays %j', (input, expected) => {
    expect(normalizeCompanyName(input)).toBe(expected);
  });

  it('recognises forms only at the end of a name, not as its first word', () => {
    expect(normalizeCompanyName('Limitd Editions')).toBe('limitd editions');
    expect(normalizeCompanyName('Corporaton Street Bakery')).toBe('corporaton street bakery');
  });

  it('keeps ordinary words that are one typo from a form', () => {
    expect(normalizeCompanyName('Royal Society')).toBe('royal society');
    expect(normalizeCompanyName('Acme Cooperation')).toBe('acme cooperation');
  });

  it('needs the first letter of a form: a typo there is left to fuzzy name matching', () => {
    expect(normalizeCompanyName('Acme Xorporation')).toBe('acme xorporation');
  });

  it('allows one typo below ten letters and two from ten letters up', () => {
    expect(normalizeCompanyName('Acme Limtd')).toBe('acme limtd');
    expect(normalizeCompanyName('Acme Corprtion')).toBe('acme');
    expect(normalizeCompanyName('Acme Crprtion')).toBe('acme crprtion');
  });
});

describe('abbreviations', () => {
  it.each([
    ['Pacific Mfg. Svcs.', 'pacific manufacturing services'],
    ['Northwind Intl Corp', 'northwind international'],
    ["Int'l Widgets", 'international widgets'],
    ['Wayne Bros Construction', 'wayne brothers construction'],
    ['STARK MGMT GROUP', 'stark management group'],
    ['First Natl Bank', 'first national bank'],
  ])('writes out the abbreviations of %j as %j', (input, expected) => {
    expect(normalizeCompanyName(input)).toBe(expected);
  });

  it('matches an abbreviated name to the account that spells it out, and the reverse', () => {
    const idx = buildAccountIndex([
      { id: 'pacific', name: 'Pacific Manufacturing Services LLC' },
      { id: 'northwind', name: 'Northwind Intl' },
    ]);
    expect(idx.match(freeMail('Pacific Mfg Svcs'))?.account.id).toBe('pacific');
    expect(idx.match(freeMail('Northwind International Inc'))?.account.id).toBe('northwind');
  });

  it('leaves words that only start like an abbreviation alone', () => {
    expect(normalizeCompanyName('Intlx Mfgs Grps')).toBe('intlx mfgs grps');
  });
});

/** Textbook optimal-string-alignment distance (the full table), as an oracle. */
function textbookOsa(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    d.push([]);
    for (let j = 0; j <= b.length; j++) {
      if (i === 0 || j === 0) {
        d[i]![j] = i + j;
        continue;
      }
      let best = Math.min(
        d[i - 1]![j]! + 1,
        d[i]![j - 1]! + 1,
        d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

describe('withinEdits', () => {
  it('agrees with the textbook distance table for limits 0, 1 and 2', () => {
    const word = fc.string({ unit: fc.constantFrom(...'abc'), maxLength: 9 });
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 2 }), (a, b, limit) => {
        expect(withinEdits(a, b, limit)).toBe(textbookOsa(a, b) <= limit);
      }),
      { numRuns: 5000 },
    );
  });

  it('counts an adjacent swap as one edit', () => {
    expect(withinEdits('compnay', 'company', 1)).toBe(true);
    expect(withinEdits('cmopnay', 'company', 1)).toBe(false);
    expect(withinEdits('cmopnay', 'company', 2)).toBe(true);
  });
});

/** One typo at position ≥ 1: substitution, insertion, deletion or swap of adjacent letters. */
const typoOf = (word: string) =>
  fc
    .record({
      kind: fc.integer({ min: 0, max: 3 }),
      at: fc.integer({ min: 1, max: word.length - 2 }),
      letter: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'),
    })
    .map(({ kind, at, letter }) => {
      if (kind === 0) return word.slice(0, at) + letter + word.slice(at + 1);
      if (kind === 1) return word.slice(0, at) + letter + word.slice(at);
      if (kind === 2) return word.slice(0, at) + word.slice(at + 1);
      return word.slice(0, at) + word.charAt(at + 1) + word.charAt(at) + word.slice(at + 2);
    });

/** Realistic distinctive names, none of them ending in anything like a legal form. */
const baseName = fc.constantFrom(
  'Acme',
  'Globex Industries',
  'Umbrella Pharma',
  'Stark Logistics',
  'Wayne Foods',
  'Bluth Frozen Bananas',
  'Soylent Nutrition',
  'Hooli Cloud',
  'Vandelay Import Export',
  'Müller Maschinenbau',
);
const longForm = fc.constantFrom(...LONG_LEGAL_FORMS);

describe('properties of legal forms', () => {
  it('adding, dropping or misspelling a long legal form never changes which account a name matches', () => {
    const accounts: Account[] = [
      'Acme',
      'Globex Industries',
      'Umbrella Pharma',
      'Stark Logistics',
      'Wayne Foods',
      'Bluth Frozen Bananas',
      'Soylent Nutrition',
      'Hooli Cloud',
      'Vandelay Import Export',
      'Müller Maschinenbau',
      'Acme Foods',
      'Stark Industries',
    ].map((name, i) => ({ id: `a${i}`, name }));
    const byName = buildAccountIndex(accounts);
    fc.assert(
      fc.property(
        baseName,
        longForm.chain((form) => fc.tuple(fc.constant(form), typoOf(form))),
        (name, [form, misspelt]) => {
          const bare = byName.match({ company: name })?.account.id;
          expect(bare).toBeDefined();
          expect(byName.match({ company: `${name} ${form}` })?.account.id).toBe(bare);
          expect(byName.match({ company: `${name} ${misspelt}` })?.account.id).toBe(bare);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a short legal form is never recognised misspelt', () => {
    const short = EXACT_LEGAL_FORMS.filter((form) => form.length >= 3);
    fc.assert(
      fc.property(baseName, fc.constantFrom(...short).chain(typoOf), (name, misspelt) => {
        fc.pre(
          !EXACT_LEGAL_FORMS.includes(misspelt) &&
            !LONG_LEGAL_FORMS.includes(misspelt) &&
            !ABBREVIATIONS.has(misspelt),
        );
        const normalized = normalizeCompanyName(`${name} ${misspelt}`) ?? '';
        expect(normalized.endsWith(` ${misspelt}`)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('a misspelt form is recognised only in last position: words before the name stay', () => {
    fc.assert(
      fc.property(longForm.chain(typoOf), baseName, (misspelt, name) => {
        const normalized = normalizeCompanyName(`${misspelt} ${name}`) ?? '';
        expect(normalized.startsWith(`${misspelt} `)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
