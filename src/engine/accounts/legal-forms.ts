/**
 * Legal forms: the trailing words and phrases of a company name that only state its legal form
 * ("Inc", "GmbH", "sp. z o.o."), dropped so that "ACME Inc." and "Acme" are one company.
 */

/** Trailing words that only state a legal form. Matched after dots are removed ("S.A." → "sa"). */
export const LEGAL_SUFFIXES: ReadonlySet<string> = new Set(
  (
    'inc incorporated llc ltd limited gmbh mbh ag sa sas sarl bv nv plc corp corporation co ' +
    'company pty srl spa oy oyj ab as asa aps kk kg kgaa ohg gbr ug lp llp pllc pte bhd sdn ' +
    'se sl sau sro doo kft zrt ltda lda sac sca spzoo'
  ).split(' '),
);
/** 1 for the first letter of a legal form, "the" or "and". */
export const LEGAL_FIRST = (() => {
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
/** Drops trailing legal forms, "the" and "and" from `tokens`, never the last one. */
export function stripLegalForms(tokens: string[]): void {
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
