/**
 * Abbreviated words of company names ("Intl", "Mfg", "Svcs"), written out in full when a name is
 * normalised, so that "Pacific Mfg. Svcs." and "Pacific Manufacturing Services" are one name.
 * Only abbreviations that stand for one word whatever the company: not "Tech", "Sys" or "Ent",
 * which are also names of their own.
 */

/** Abbreviation (normalised: lower case, no dots or apostrophes) → the word it stands for. */
export const ABBREVIATIONS: ReadonlyMap<string, string> = new Map([
  ['intl', 'international'],
  ['natl', 'national'],
  ['mfg', 'manufacturing'],
  ['svc', 'service'],
  ['svcs', 'services'],
  ['mgmt', 'management'],
  ['inds', 'industries'],
  ['bros', 'brothers'],
  ['assoc', 'associates'],
  ['assn', 'association'],
  ['hldgs', 'holdings'],
  ['grp', 'group'],
  ['ctr', 'center'],
  ['engg', 'engineering'],
  ['prods', 'products'],
]);

/** Lengths of the abbreviations: other words are not looked at. */
export const MIN_ABBREVIATION_LENGTH = 3;
export const MAX_ABBREVIATION_LENGTH = 5;

/**
 * The word hash the ASCII scan of company-names.ts computes as it reads a word, one letter or
 * digit `c` at a time (upper case folded): `h = stepWordHash(h, c)` from 0.
 */
export function stepWordHash(h: number, c: number): number {
  return (Math.imul(h, 31) + (c | 0x20)) | 0;
}

/** Bit per word hash (low ten bits) of an abbreviation: a word whose bit is clear is none. */
const ABBREVIATION_HASHES = (() => {
  const bits = new Uint8Array(1024);
  for (const word of ABBREVIATIONS.keys()) {
    let h = 0;
    for (let i = 0; i < word.length; i++) h = stepWordHash(h, word.charCodeAt(i));
    bits[h & 1023] = 1;
  }
  return bits;
})();

/**
 * Whether a word of `length` characters whose {@link stepWordHash} is `hash` may be an
 * abbreviation: false for nearly every word, without reading it again.
 */
export function mayBeAbbreviation(hash: number, length: number): boolean {
  return (
    length >= MIN_ABBREVIATION_LENGTH &&
    length <= MAX_ABBREVIATION_LENGTH &&
    ABBREVIATION_HASHES[hash & 1023] === 1
  );
}

/** Writes out the abbreviations among `tokens` in place; true when it changed any. */
export function expandAbbreviations(tokens: string[]): boolean {
  let changed = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (token.length < MIN_ABBREVIATION_LENGTH || token.length > MAX_ABBREVIATION_LENGTH) continue;
    const full = ABBREVIATIONS.get(token);
    if (full !== undefined) {
      tokens[i] = full;
      changed = true;
    }
  }
  return changed;
}
