/**
 * What an operator compiles to, and the builders every operator shares: how a missing value, a
 * list value and a negation behave. The operator table (operators.ts) puts these together.
 *
 * Missing values (undefined, null, blank text, NaN, a list without a present element) make every
 * positive operator false. A list value (`territory`, `region`, `languages`) satisfies a positive
 * operator when any element does; a negative operator is the exact negation of its positive twin.
 */
import type { Fields } from './types.ts';
import { isBlank, numberOfText } from './text.ts';

/** A compiled test over a record's field values. */
export type Test = (f: Fields) => boolean;

/**
 * One operator, compiled for each way it can be called: `str` for a text value (false on blank
 * text for positive operators), `any` for any raw value (missing, a list…), and `bind` for a
 * clause of this operator alone. Text gets the same answer from `str` and `any`.
 *
 * `bind` exists for speed: a closure literal is one call site for every rule that uses it, so a
 * generic clause calling `str` goes megamorphic once a policy mixes operators, and V8 stops
 * inlining. The hot operators therefore bind closures of their own that call named functions.
 */
export interface OperatorTest {
  str: (s: string) => boolean;
  any: (v: unknown) => boolean;
  bind: (slot: number) => Test;
}

function isPresentElement(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string') return !isBlank(v);
  if (typeof v === 'number') return !Number.isNaN(v);
  return true;
}

/** Whether a field has a value: not undefined, null, blank text or NaN; a list with one such. */
export function isPresent(v: unknown): boolean {
  if (!Array.isArray(v)) return isPresentElement(v);
  for (let i = 0; i < v.length; i++) if (isPresentElement(v[i])) return true;
  return false;
}

function genericBind(
  str: (s: string) => boolean,
  any: (v: unknown) => boolean,
): (slot: number) => Test {
  return (slot) => (f) => {
    const v = f[slot];
    return typeof v === 'string' ? str(v) : any(v);
  };
}

/**
 * A positive operator: false when the value is missing; for a list, true when any element passes.
 * `other` tests a present value that is not text (a number, a boolean, an object).
 */
export function positive(
  str: (s: string) => boolean,
  other: (v: unknown) => boolean,
): OperatorTest {
  const any = (v: unknown): boolean => {
    if (typeof v === 'string') return str(v);
    if (v === undefined || v === null) return false;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const e: unknown = v[i];
        if (typeof e === 'string' ? str(e) : isPresentElement(e) && other(e)) return true;
      }
      return false;
    }
    return isPresentElement(v) && other(v);
  };
  return { str, any, bind: genericBind(str, any) };
}

/** The exact negation of `test`: true on a missing value, and on a list none of whose elements pass. */
export function negative(test: OperatorTest): OperatorTest {
  const { str, any, bind } = test;
  return {
    str: (s) => !str(s),
    any: (v) => !any(v),
    bind: (slot) => {
      const inner = bind(slot);
      return (f) => !inner(f);
    },
  };
}

/** Numbers and booleans are compared as the text a form would have sent. */
export function textOperator(str: (s: string) => boolean): OperatorTest {
  return positive(str, (v) => {
    if (typeof v === 'number') return str(String(v));
    if (typeof v === 'boolean') return str(v ? 'true' : 'false');
    return false;
  });
}

/**
 * NaN (non-numeric text, booleans, objects) fails every comparison, as documented. `bind` is
 * given per comparison so a numeric field value, the usual case, is compared inline.
 */
export function numericOperator(
  compare: (n: number) => boolean,
  bind: (any: (v: unknown) => boolean) => (slot: number) => Test,
): OperatorTest {
  const op = positive(
    (s) => compare(numberOfText(s)),
    (v) => typeof v === 'number' && compare(v),
  );
  op.bind = bind(op.any);
  return op;
}
