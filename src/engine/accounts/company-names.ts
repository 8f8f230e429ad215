/**
 * Company names normalised for comparison: case, diacritics, punctuation, "&", a leading "the"
 * and trailing legal forms ("Inc.", "GmbH & Co. KG", "sp. z o.o.") do not tell two companies apart.
 */
import { expandAbbreviations, mayBeAbbreviation, stepWordHash } from './abbreviations.ts';
import { LEGAL_FIRST, mayEndLegalForm, stripLegalForms } from './legal-forms.ts';

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
 * sdn bhd, sp z oo, …; legal-form-table.ts), repeatedly ("GmbH & Co. KG"), long ones also when
 * misspelt ("Acme Corporaton" → "acme"; see legal-forms.ts), but never the last remaining word,
 * so "The Limited" stays "limited". Writes out common abbreviations ("Intl" → "international",
 * "Mfg" → "manufacturing", "Svcs" → "services"; abbreviations.ts). Returns undefined for non-strings and names with no letters or
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
  expandAbbreviations(tokens);
  if (tokens.length > 1 && tokens[0] === 'the') tokens.shift();
  stripLegalForms(tokens);
  return tokens.join(' ');
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
  // The word being read: its hash and length, to spot abbreviations without slicing it.
  let wordHash = 0;
  let wordLength = 0;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c > 0x7f) return NOT_ASCII;
    const kind = NAME_CHAR[c] as number;
    if (kind === 2) upper = true;
    if (kind === 1 || kind === 2) {
      wordHash = stepWordHash(wordHash, c);
      wordLength++;
    } else {
      // A word that may be an abbreviation ("Intl") is written out by the general path.
      if (mayBeAbbreviation(wordHash, wordLength)) plain = false;
      wordHash = 0;
      wordLength = 0;
    }
    if (kind === 0 && (c !== 0x20 || previous === 0x20)) plain = false;
    else if (kind > 2) plain = false;
    previous = c;
  }
  if (mayBeAbbreviation(wordHash, wordLength)) plain = false;
  const s = upper ? value.toLowerCase() : value;
  if (plain && previous !== 0x20) {
    // Nothing to remove unless the name starts with "the" or ends in a legal form, "the" or "and"
    // (the forms of one or two letters are left to the general path, with its phrases).
    const space = s.lastIndexOf(' ');
    if (space < 0) return s;
    // A last word longer than two that no legal form, "the" or "and" starts like (a misspelt
    // form keeps its first letter): kept as is, without cutting it out to look it up.
    if (n - space > 3 && LEGAL_FIRST[s.charCodeAt(space + 1)] === 0 && !s.startsWith('the '))
      return s;
    const last = s.slice(space + 1);
    if (
      last.length > 2 &&
      last !== 'the' &&
      last !== 'and' &&
      !mayEndLegalForm(last) &&
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
  if (expandAbbreviations(tokens)) contiguous = false;
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
