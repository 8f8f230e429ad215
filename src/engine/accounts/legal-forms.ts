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

/** Long form words sharing a first letter, with the set of letters of each as a bit mask. */
interface FuzzyGroup {
  words: readonly string[];
  masks: Int32Array;
}

/** Long words, grouped by their first (ASCII) letter, so a check compares only a handful. */
function groupByFirstLetter(words: Iterable<string>): readonly FuzzyGroup[] {
  const lists: string[][] = Array.from({ length: 128 }, () => []);
  for (const word of new Set(words)) {
    if (word.length >= MIN_FUZZY_FORM_LENGTH) lists[word.charCodeAt(0)]?.push(word);
  }
  return lists.map((list) => ({ words: list, masks: Int32Array.from(list, letterMask) }));
}
/** Long single forms, recognised misspelt. */
const FUZZY_SINGLE = groupByFirstLetter(LONG_LEGAL_FORMS);
/** Long words a legal form may end with, recognised misspelt. */
const FUZZY_ENDING = groupByFirstLetter(ENDING_WORDS);

/**
 * The letters a–z of `word` as bits 0–25, anything else as bit 26. A word within `k` typos of a
 * form has at most `k` letters the form lacks: one AND rules out most pairs before they are read.
 */
function letterMask(word: string): number {
  let mask = 0;
  for (let i = 0; i < word.length; i++) {
    const letter = word.charCodeAt(i) - 0x61;
    mask |= letter >= 0 && letter < 26 ? 1 << letter : 1 << 26;
  }
  return mask;
}

/** The number of bits set in `x`. */
function countBits(x: number): number {
  let count = 0;
  for (; x !== 0; x &= x - 1) count++;
  return count;
}

/** 1 for the first letter of a legal form (also of the last word of a phrase), "the" or "and". */
export const LEGAL_FIRST = (() => {
  const first = new Uint8Array(128);
  for (const word of [...ENDING_WORDS, 'the', 'and']) first[word.charCodeAt(0)] = 1;
  return first;
})();

/**
 * Legal forms written as several words, grouped by the first letter of their last word (which a
 * typo keeps), each group longest first so that the longest form is dropped.
 */
const PHRASES_BY_LAST_FIRST: ReadonlyArray<ReadonlyArray<readonly string[]>> = (() => {
  const groups: Array<Array<readonly string[]>> = Array.from({ length: 128 }, () => []);
  const longestFirst = [...LEGAL_FORM_PHRASES].sort((a, b) => b.length - a.length);
  for (const phrase of longestFirst)
    groups[(phrase[phrase.length - 1] as string).charCodeAt(0)]?.push(phrase);
  return groups;
})();

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
    // Most names end in a word no form ends with: a set lookup and a few letter masks say so.
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
function isFuzzyIn(word: string, groups: readonly FuzzyGroup[]): boolean {
  const first = word.charCodeAt(0);
  const n = word.length;
  if (first >= 128 || n < MIN_FUZZY_FORM_LENGTH - 1) return false;
  const { words, masks } = groups[first] as FuzzyGroup;
  if (words.length === 0) return false;
  let mask = -1;
  for (let i = 0; i < words.length; i++) {
    const form = words[i] as string;
    const typos = typosAllowed(form);
    if (n - form.length > typos || form.length - n > typos) continue;
    if (mask === -1) mask = letterMask(word);
    if (countBits(mask & ~(masks[i] as number)) > typos) continue;
    if (isMisspeltForm(word, form)) return true;
  }
  return false;
}

function typosAllowed(form: string): number {
  return form.length >= TWO_TYPO_FORM_LENGTH ? 2 : 1;
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
  return withinEdits(word, form, typosAllowed(form)) && !NOT_LEGAL_FORMS.has(word);
}

/** The length of the legal-form phrase `tokens` ends with (leaving a word before it), or 0. */
function trailingPhrase(tokens: readonly string[]): number {
  const n = tokens.length;
  const first = (tokens[n - 1] as string).charCodeAt(0);
  if (first >= 128) return 0;
  for (const phrase of PHRASES_BY_LAST_FIRST[first] as ReadonlyArray<readonly string[]>) {
    const k = phrase.length;
    if (k >= n) continue;
    let i = k - 1;
    while (i >= 0 && spellsFormWord(tokens[n - k + i] as string, phrase[i] as string)) i--;
    if (i < 0) return k;
  }
  return 0;
}

/**
 * Whether the optimal-string-alignment distance between `a` and `b` (insertions, deletions,
 * substitutions and swaps of two adjacent letters, each one edit) is at most `limit`. Equal
 * leading letters never need an edit, so they are skipped; at the first difference each of the
 * four edits is tried with one edit fewer. With the limits used here (1 or 2) that is a few
 * linear scans, without the distance table or any allocation: this runs on names' last words.
 */
export function withinEdits(a: string, b: string, limit: number): boolean {
  return within(a, 0, b, 0, limit);
}

function within(a: string, i: number, b: string, j: number, limit: number): boolean {
  const n = a.length;
  const m = b.length;
  while (i < n && j < m && a.charCodeAt(i) === b.charCodeAt(j)) {
    i++;
    j++;
  }
  const restA = n - i;
  const restB = m - j;
  if (restA === 0 || restB === 0) return restA + restB <= limit;
  if (limit === 0 || restA - restB > limit || restB - restA > limit) return false;
  return (
    within(a, i + 1, b, j + 1, limit - 1) ||
    within(a, i + 1, b, j, limit - 1) ||
    within(a, i, b, j + 1, limit - 1) ||
    (restA >= 2 &&
      restB >= 2 &&
      a.charCodeAt(i) === b.charCodeAt(j + 1) &&
      a.charCodeAt(i + 1) === b.charCodeAt(j) &&
      within(a, i + 2, b, j + 2, limit - 1))
  );
}
