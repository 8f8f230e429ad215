/**
 * How `eq`, `ne`, `in` and `not_in` compare: equality with any of a clause's values, sorted into
 * per-type lookups at compile time so a test dispatches only on the type of the lead's value.
 */
import { positive, type OperatorTest } from './predicates.ts';
import {
  booleanBitOf,
  equalsFold,
  equalsTrimmed,
  FALSE_BIT,
  FoldedSet,
  isAscii,
  normalizeText,
  numberOfText,
  TRUE_BIT,
  TrimmedSet,
} from './text.ts';
import type { Scalar } from './types.ts';

const never = (): boolean => false;

/**
 * Equality with any of `values`. Text compares with text (trimmed, case-folded); a number with a
 * number or numeric text, numerically; a boolean with anything that reads as one (true, "yes",
 * "1", 1…). The values are sorted into per-type lookups here, so a test dispatches only on the
 * type of the lead's value.
 */
export function equalityOperator(values: readonly Scalar[], caseSensitive: boolean): OperatorTest {
  const texts: string[] = [];
  const numbersForText = new Set<number>();
  const numbersForNumber = new Set<number>();
  let bitsForBoolean = 0;
  let bitsForOther = 0;
  for (const x of values) {
    bitsForBoolean |= booleanBitOf(x);
    if (typeof x === 'string') {
      texts.push(normalizeText(x, caseSensitive));
      const n = numberOfText(x);
      if (!Number.isNaN(n)) numbersForNumber.add(n);
    } else if (typeof x === 'number') {
      numbersForText.add(x);
      numbersForNumber.add(x);
    } else {
      bitsForOther |= booleanBitOf(x);
    }
  }
  const onOther = (v: unknown): boolean => {
    if (typeof v === 'number')
      return numbersForNumber.has(v) || (booleanBitOf(v) & bitsForOther) !== 0;
    if (typeof v === 'boolean') return (bitsForBoolean & (v ? TRUE_BIT : FALSE_BIT)) !== 0;
    return false;
  };

  // Text only, the usual case: one named comparison on the clause's own call site.
  const textOnly = numbersForText.size === 0 && bitsForOther === 0;
  if (textOnly && texts.length === 1 && !caseSensitive && isAscii(texts[0]!)) {
    const t = texts[0]!;
    const op = positive((s) => equalsFold(s, t), onOther);
    const any = op.any;
    op.bind = (slot) => (f) => {
      const v = f[slot];
      return typeof v === 'string' ? equalsFold(v, t) : any(v);
    };
    return op;
  }
  if (textOnly && texts.length > 1 && !caseSensitive) {
    const set = new FoldedSet(texts);
    const op = positive((s) => set.has(s), onOther);
    const any = op.any;
    op.bind = (slot) => (f) => {
      const v = f[slot];
      return typeof v === 'string' ? set.has(v) : any(v);
    };
    return op;
  }
  if (values.length === 1 && typeof values[0] === 'boolean') {
    const b = values[0];
    const op = positive((s) => (booleanBitOf(s) & bitsForOther) !== 0, onOther);
    const any = op.any;
    op.bind = (slot) => (f) => {
      const v = f[slot];
      return typeof v === 'boolean' ? v === b : any(v);
    };
    return op;
  }

  let str: (s: string) => boolean = never;
  if (texts.length === 1 && !caseSensitive && isAscii(texts[0]!)) {
    const t = texts[0]!;
    str = (s) => equalsFold(s, t);
  } else if (texts.length === 1 && caseSensitive) {
    const t = texts[0]!;
    str = (s) => equalsTrimmed(s, t);
  } else if (texts.length > 0) {
    const set = caseSensitive ? new TrimmedSet(texts) : new FoldedSet(texts);
    str = (s) => set.has(s);
  }
  if (numbersForText.size > 0) {
    const previous = str;
    str = (s) => previous(s) || numbersForText.has(numberOfText(s));
  }
  if (bitsForOther !== 0) {
    const previous = str;
    str = (s) => previous(s) || (booleanBitOf(s) & bitsForOther) !== 0;
  }
  return positive(str, onOther);
}
