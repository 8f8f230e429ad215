/**
 * Text primitives of the condition language. Case-insensitive comparison folds ASCII letters in
 * place and falls back to `trim().toLowerCase()` for non-ASCII text, so both paths always agree.
 *
 * Length shortcuts rest on one Unicode fact: the only character whose lower case is longer is
 * U+0130 (İ → i + U+0307), and it leaves a non-ASCII U+0307 behind. So a value can equal (start
 * or end with) a lower-case ASCII target only if its trimmed length is the target's (at least it).
 *
 * Everything here runs on the hot path: no allocation for ASCII text that is trimmed and not in
 * mixed case.
 */

/** Exactly the characters `String.prototype.trim` removes, so fast and slow paths agree. */
export function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  return c >= 0xa0 && isWideSpace(c);
}

function isWideSpace(c: number): boolean {
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** The index of the first character `trim` keeps. */
export function trimmedStart(s: string): number {
  let a = 0;
  while (a < s.length && isSpace(s.charCodeAt(a))) a++;
  return a;
}

/** The index after the last character `trim` keeps. */
export function trimmedEnd(s: string): number {
  let b = s.length;
  while (b > 0 && isSpace(s.charCodeAt(b - 1))) b--;
  return b;
}

/** Empty or only spaces. */
export function isBlank(s: string): boolean {
  return s.length === 0 || (isSpace(s.charCodeAt(0)) && trimmedStart(s) === s.length);
}

export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 128) return false;
  return true;
}

/** Whether `trim` would change `s`. */
export function hasEdgeSpace(s: string): boolean {
  return s.length > 0 && (isSpace(s.charCodeAt(0)) || isSpace(s.charCodeAt(s.length - 1)));
}

/** A condition's text as compared: trimmed, and lower-cased unless case-sensitive. */
export function normalizeText(s: string, caseSensitive: boolean): string {
  return caseSensitive ? s.trim() : s.trim().toLowerCase();
}

export function lowerTrimmed(s: string): string {
  return s.trim().toLowerCase();
}

const FOLD_MISMATCH = 0;
const FOLD_MATCH = 1;
/** A non-ASCII character was met: only the slow path knows how it lower-cases. */
const FOLD_SLOW = -1;

/** Compares `s` from `at` with the lower-case ASCII `t`, folding ASCII capitals. */
function foldAt(s: string, at: number, t: string): number {
  for (let i = 0; i < t.length; i++) {
    let c = s.charCodeAt(at + i);
    if (c >= 128) return FOLD_SLOW;
    if (c >= 65 && c <= 90) c += 32;
    if (c !== t.charCodeAt(i)) return FOLD_MISMATCH;
  }
  return FOLD_MATCH;
}

/** `t`: lower-case, trimmed, non-empty ASCII. */
export function equalsFold(s: string, t: string): boolean {
  const a = trimmedStart(s);
  if (trimmedEnd(s) - a !== t.length) return false;
  const r = foldAt(s, a, t);
  return r === FOLD_SLOW ? lowerTrimmed(s) === t : r === FOLD_MATCH;
}

/** `t`: lower-case, trimmed, non-empty ASCII. */
export function startsWithFold(s: string, t: string): boolean {
  const a = trimmedStart(s);
  if (s.length - a < t.length) return false;
  const r = foldAt(s, a, t);
  return r === FOLD_SLOW ? lowerTrimmed(s).startsWith(t) : r === FOLD_MATCH;
}

/** `t`: lower-case, trimmed, non-empty ASCII. */
export function endsWithFold(s: string, t: string): boolean {
  const b = trimmedEnd(s);
  if (b < t.length) return false;
  const r = foldAt(s, b - t.length, t);
  return r === FOLD_SLOW ? lowerTrimmed(s).endsWith(t) : r === FOLD_MATCH;
}

/** `t` is trimmed and non-empty, so a match never touches the value's edge spaces: no trimming. */
export function includesFold(s: string, t: string): boolean {
  if (s.includes(t)) return true;
  let upper = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) return s.toLowerCase().includes(t);
    if (c >= 65 && c <= 90) upper = true;
  }
  if (!upper) return false;
  for (let i = 0; i + t.length <= s.length; i++) if (foldAt(s, i, t) === FOLD_MATCH) return true;
  return false;
}

/** `t`: trimmed; compared respecting case. */
export function equalsTrimmed(s: string, t: string): boolean {
  const a = trimmedStart(s);
  return trimmedEnd(s) - a === t.length && s.startsWith(t, a);
}

/** Lengths 0..30 as bits; bit 31 stands for every longer length. */
function lengthBit(n: number): number {
  return n < 31 ? 1 << n : 1 << 31;
}

/**
 * Membership in a set of lower-case texts that also holds the upper-case spelling of its ASCII
 * members, so the usual values (`de`, `DE`, `emea-north`) are looked up as they come. A miss is
 * mostly settled by length; only a mixed-case, padded or non-ASCII value of a member's length
 * pays for a lower-cased copy. A hit on the raw value is sound: lower() undoes upper() on ASCII.
 * A class rather than a closure so that every call site sees one shape and V8 inlines `has`.
 */
export class FoldedSet {
  private readonly set = new Set<string>();
  private readonly lengths: number = 0;
  /** A non-ASCII member may be the lower case of a value of another length (İ): no shortcuts. */
  private readonly allAscii: boolean = true;

  constructor(texts: readonly string[]) {
    for (const t of texts) {
      this.set.add(t);
      if (isAscii(t)) this.set.add(t.toUpperCase());
      else this.allAscii = false;
      this.lengths |= lengthBit(t.length);
    }
  }

  has(s: string): boolean {
    const set = this.set;
    if (set.has(s)) return true;
    if (!this.allAscii) return set.has(lowerTrimmed(s));
    const n = s.length;
    if (n === 0) return false;
    if (isSpace(s.charCodeAt(0)) || isSpace(s.charCodeAt(n - 1))) return this.hasPadded(s);
    if ((this.lengths & lengthBit(n)) === 0) return false;
    let upper = false;
    let lower = false;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 128) return set.has(s.toLowerCase());
      if (c >= 65 && c <= 90) upper = true;
      else if (c >= 97 && c <= 122) lower = true;
    }
    // Not mixed case: `s` is its own lower case or the upper spelling of one; both were looked up.
    return upper && lower && set.has(s.toLowerCase());
  }

  private hasPadded(s: string): boolean {
    const a = trimmedStart(s);
    const b = trimmedEnd(s);
    return (
      b > a && (this.lengths & lengthBit(b - a)) !== 0 && this.set.has(s.slice(a, b).toLowerCase())
    );
  }
}

/** Case-sensitive membership: trimmed, exact. */
export class TrimmedSet {
  private readonly set: ReadonlySet<string>;

  constructor(texts: readonly string[]) {
    this.set = new Set(texts);
  }

  has(s: string): boolean {
    return this.set.has(s) || (hasEdgeSpace(s) && this.set.has(s.trim()));
  }
}

/** `Number()` trims and reads numeric text; non-finite results (Infinity, NaN) are not numbers. */
export function numberOfText(s: string): number {
  if (isBlank(s)) return NaN;
  const n = Number(s);
  return Number.isFinite(n) ? n : NaN;
}

export const TRUE_BIT = 2;
export const FALSE_BIT = 1;

/** TRUE_BIT for true, "true", "yes", "1", 1; FALSE_BIT for their opposites; 0 otherwise. */
export function booleanBitOf(v: unknown): number {
  if (typeof v === 'boolean') return v ? TRUE_BIT : FALSE_BIT;
  if (typeof v === 'number') return v === 1 ? TRUE_BIT : v === 0 ? FALSE_BIT : 0;
  if (typeof v !== 'string') return 0;
  if (equalsFold(v, 'true') || equalsFold(v, 'yes') || equalsFold(v, '1')) return TRUE_BIT;
  if (equalsFold(v, 'false') || equalsFold(v, 'no') || equalsFold(v, '0')) return FALSE_BIT;
  return 0;
}
