/**
 * Legal forms: the trailing words and phrases of a company name that only state its legal form
 * ("Inc", "GmbH", "sp. z o.o.", "Corporation"), dropped so that "ACME Inc." and "Acme" are one
 * company. The forms themselves are data, in legal-form-table.ts.
 *
 * Misspelt forms: a legal form of five letters or more is also recognised with one typo
 * (an inserted, deleted or substituted letter, or two adjacent letters swapped), two from ten
 * letters up, so that "Acme Corporaton", "Acme Incorporatd" and "Acme Gesselschaft" are Acme.
 * The typo must keep the first letter (as nearly all typos do), which keeps the check off the
 * path of almost every name. Short forms ("Inc", "Ltd", "AG", "SA", "BV") are never recognised
 * fuzzily: one letter away from them are ordinary words ("Ind", "Lt", "AB"…). Only trailing words
 * are forms: "Limitd Editions" keeps its first word.
 */
import { EXACT_LEGAL_FORMS, LEGAL_FORM_PHRASES, LONG_LEGAL_FORMS } from './legal-form-table.ts';

/** Shortest legal form (or word of a legal-form phrase) recognised when misspelt. */
export const MIN_FUZZY_FORM_LENGTH = 5;
/** From this length a legal form is recognised with two typos, below it with one. */
const TWO_TYPO_FORM_LENGTH = 10;
/**
 * Ordinary words within the typo tolerance of a long form, which end real company names
 * ("Royal Society", "Acme Cooperation"): never taken for a misspelt form.
 */
const NOT_LEGAL_FORMS: ReadonlySet<string> = new Set(['society', 'societal', 'cooperation']);

/** Trailing words that only state a legal form, exactly spelt. Matched after dots are removed. */
export const LEGAL_SUFFIXES: ReadonlySet<string> = new Set([
  ...EXACT_LEGAL_FORMS,
  ...LONG_LEGAL_FORMS,
]);

/** The words a legal form may end with, exactly spelt: single forms and last words of phrases. */
const ENDING_WORDS: ReadonlySet<string> = new Set([
  ...LEGAL_SUFFIXES,
  ...LEGAL_FORM_PHRASES.map((phrase) => phrase[phrase.length - 1] as string),
]);

/** Long words, grouped by their first (ASCII) letter, so a check compares only a handful. */
function groupByFirstLetter(words: Iterable<string>): ReadonlyArray<readonly string[]> {
  const groups: string[][] = Array.from({ length: 128 }, () => []);
  for (const word of new Set(words)) {
    if (word.length >= MIN_FUZZY_FORM_LENGTH) groups[word.charCodeAt(0)]?.push(word);
  }
  return groups;
}
/** Long single forms, recognised misspelt. */
const FUZZY_SINGLE = groupByFirstLetter(LONG_LEGAL_FORMS);
/** Long words a legal form may end with, recognised misspelt. */
const FUZZY_ENDING = groupByFirstLetter(ENDING_WORDS);

/** 1 for the first letter of a legal form (also of the last word of a phrase), "the" or "and". */
export const LEGAL_FIRST = (() => {
  const first = new Uint8Array(128);
  for (const word of [...ENDING_WORDS, 'the', 'and']) first[word.charCodeAt(0)] = 1;
  return first;
})();

/** Legal forms written as several words, longest first so that the longest form is dropped. */
const PHRASES = [...LEGAL_FORM_PHRASES].sort((a, b) => b.length - a.length);

/**
 * Drops trailing legal forms, "the" and "and" from `tokens` (normalised words), never the last
 * one. Phrases are tried before single words, so that "Proprietary Limited" goes as one form
 * rather than leaving "proprietary" once "limited" is gone.
 */
export function stripLegalForms(tokens: string[]): void {
  for (;;) {
    if (tokens.length <= 1) break;
    const last = tokens[tokens.length - 1] as string;
    // "and" is left dangling by "Smith & Co." once "co" is gone.
    if (last === 'the' || last === 'and') {
      tokens.pop();
      continue;
    }
    // Most names end in a word no form ends with: one table lookup rules them out.
    if (last.length > 2 && !mayEndLegalForm(last)) break;
    const phrase = trailingPhrase(tokens);
    if (phrase > 0) {
      tokens.length -= phrase;
      continue;
    }
    if (!isSingleLegalForm(last)) break;
    tokens.pop();
  }
}

/**
 * Whether `word` may be the last word of a legal form, exactly or misspelt: when it is not, a
 * name ending in it keeps all its words (the ASCII fast path of company-names.ts relies on it).
 */
export function mayEndLegalForm(word: string): boolean {
  if (ENDING_WORDS.has(word)) return true;
  return isFuzzyIn(word, FUZZY_ENDING);
}

/** Whether `word` on its own is a legal form, exactly or misspelt. */
function isSingleLegalForm(word: string): boolean {
  return LEGAL_SUFFIXES.has(word) || isFuzzyIn(word, FUZZY_SINGLE);
}

/** Whether `word` is a misspelling of one of the long words in `groups`. */
function isFuzzyIn(word: string, groups: ReadonlyArray<readonly string[]>): boolean {
  const first = word.charCodeAt(0);
  if (first >= 128 || word.length < MIN_FUZZY_FORM_LENGTH - 1) return false;
  const group = groups[first] as readonly string[];
  for (let i = 0; i < group.length; i++) {
    if (isMisspeltForm(word, group[i] as string)) return true;
  }
  return false;
}

/**
 * Whether `word` spells the form word `form`: exactly, or, for a form of five letters or more,
 * with as many typos as its length allows, keeping the first letter.
 */
export function spellsFormWord(word: string, form: string): boolean {
  if (word === form) return true;
  return form.length >= MIN_FUZZY_FORM_LENGTH && isMisspeltForm(word, form);
}

function isMisspeltForm(word: string, form: string): boolean {
  if (word.charCodeAt(0) !== form.charCodeAt(0)) return false;
  const typos = form.length >= TWO_TYPO_FORM_LENGTH ? 2 : 1;
  return withinEdits(word, form, typos) && !NOT_LEGAL_FORMS.has(word);
}

/** The length of the legal-form phrase `tokens` ends with (leaving a word before it), or 0. */
function trailingPhrase(tokens: readonly string[]): number {
  const n = tokens.length;
  for (const phrase of PHRASES) {
    const k = phrase.length;
    if (k >= n) continue;
    let i = k - 1;
    while (i >= 0 && spellsFormWord(tokens[n - k + i] as string, phrase[i] as string)) i--;
    if (i < 0) return k;
  }
  return 0;
}

/** Longest form the edit distance is computed against; longer ones are never typo-matched. */
const MAX_FORM_LENGTH = 47;
/** Three rows of the distance table, reused: checking a word allocates nothing. */
const ROWS = new Int32Array(3 * (MAX_FORM_LENGTH + 1));

/**
 * Whether the optimal-string-alignment distance between `a` and `b` (insertions, deletions,
 * substitutions and adjacent transpositions, each 1) is at most `limit`: the textbook table, row
 * by row, given up as soon as a whole row exceeds `limit`.
 */
export function withinEdits(a: string, b: string, limit: number): boolean {
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > limit || m > MAX_FORM_LENGTH) return false;
  const width = MAX_FORM_LENGTH + 1;
  let before = 0; // row i − 2
  let previous = width; // row i − 1
  let current = 2 * width; // row i
  for (let j = 0; j <= m; j++) ROWS[previous + j] = j;
  for (let i = 1; i <= n; i++) {
    const ca = a.charCodeAt(i - 1);
    ROWS[current] = i;
    let rowMin = i;
    for (let j = 1; j <= m; j++) {
      const cb = b.charCodeAt(j - 1);
      let d = Math.min(
        (ROWS[previous + j] as number) + 1,
        (ROWS[current + j - 1] as number) + 1,
        (ROWS[previous + j - 1] as number) + (ca === cb ? 0 : 1),
      );
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb)
        d = Math.min(d, (ROWS[before + j - 2] as number) + 1);
      ROWS[current + j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > limit) return false;
    const spare = before;
    before = previous;
    previous = current;
    current = spare;
  }
  return (ROWS[previous + m] as number) <= limit;
}
