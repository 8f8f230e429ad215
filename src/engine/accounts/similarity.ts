/**
 * The fuzzy score of two normalised company names and cheap upper bounds on it, so that most
 * candidates are rejected before they are scored. See the module comment of account-index.ts for
 * why the score is the larger of Jaro and normalised Levenshtein similarity.
 */
import { distance as levenshtein } from 'fastest-levenshtein';

/** Longer strings are not company names; skipping them bounds the Jaro scratch and hash powers. */
export const MAX_FUZZY_LENGTH = 128;

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
export function similarityUpperBound(n: number, m: number): number {
  return (2 + Math.min(n, m) / Math.max(n, m)) / 3;
}

/**
 * Counts the letters of `s` into `counts` (128 entries, zeroed first); false when `s` has a
 * non-ASCII letter or one letter more than 255 times, and then `counts` is not to be used.
 */
export function countLetters(s: string, counts: Uint8Array): boolean {
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
export function sharedLetterBound(
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
export function similarity(a: string, b: string, flags: Uint8Array): number {
  const byEdits = 1 - levenshtein(a, b) / Math.max(a.length, b.length);
  return Math.max(jaro(a, b, flags), byEdits);
}
