/**
 * The rule-condition language: the `when:` of a policy rule.
 *
 * A condition is a map whose entries must all hold. `all: [...]`, `any: [...]` and `not: {...}`
 * combine conditions; every other key names a lead field, looked up as a flat key (dots are part of
 * the name: `account.strategic`). A field's value is a scalar (equals), a list (in) or a map of
 * operators that must all hold, plus the option `case_sensitive: true`.
 *
 * Three stages, so each can be good at one thing:
 * - `parseCondition` checks a document and reports every problem with its path and what is allowed;
 * - `compileCondition` turns the tree into closures specialised per operator. Routing evaluates up
 *   to 200 rules per lead at hundreds of thousands of leads a second, so the hot path does no
 *   dispatch on operator names, builds no regular expression and, for ASCII text that is trimmed
 *   and not in mixed case, allocates nothing (case-insensitive comparisons fold ASCII letters in
 *   place rather than lower-casing a copy);
 * - `explainFailure` re-runs the same closures to name the first clause that failed, so an
 *   explanation can never disagree with the decision.
 *
 * Missing values (undefined, null, blank text, NaN, a list without a present element) make every
 * operator false except the negative ones (`ne`, `not_in`, `not_contains`) and `missing` /
 * `exists: false`. A list value (`territory`, `region`, `languages`) satisfies a positive operator
 * when any element does; a negative operator is the exact negation of its positive twin.
 */
import { distance } from 'fastest-levenshtein';
import safeRegex from 'safe-regex2';
import { joinPath, type PolicyIssue } from './issues.ts';

/** Field operators, in documentation order. `case_sensitive` is an option, not an operator. */
export const OPERATORS = [
  'eq',
  'ne',
  'in',
  'not_in',
  'contains',
  'not_contains',
  'starts_with',
  'ends_with',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'exists',
  'missing',
  'matches',
] as const;

/** One of {@link OPERATORS}. */
export type Operator = (typeof OPERATORS)[number];

/** A value a condition compares with. */
export type Scalar = string | number | boolean;

/** One operator of a field clause, with its validated argument (as written, not normalised). */
export type OperatorClause =
  | { readonly op: 'eq' | 'ne'; readonly value: Scalar }
  | { readonly op: 'in' | 'not_in'; readonly value: readonly Scalar[] }
  | {
      readonly op: 'contains' | 'not_contains' | 'starts_with' | 'ends_with';
      readonly value: string;
    }
  | { readonly op: 'gt' | 'gte' | 'lt' | 'lte'; readonly value: number }
  | { readonly op: 'between'; readonly value: readonly [number, number] }
  | { readonly op: 'exists' | 'missing'; readonly value: boolean }
  /** The pattern source; validated (length, syntax, safety) by the parser. */
  | { readonly op: 'matches'; readonly value: string };

/**
 * A parsed condition. Plain, JSON-serialisable data: an empty `all` always holds (the catch-all);
 * a `field` node holds when all of its operators do.
 */
export type ConditionNode =
  | { readonly kind: 'all'; readonly children: readonly ConditionNode[] }
  | { readonly kind: 'any'; readonly children: readonly ConditionNode[] }
  | { readonly kind: 'not'; readonly child: ConditionNode }
  | {
      readonly kind: 'field';
      readonly field: string;
      readonly ops: readonly OperatorClause[];
      /** Text comparisons respect case (they are always trimmed). */
      readonly caseSensitive: boolean;
    };

/**
 * What a condition reads: the lead's attributes and derived fields, one slot per field name, as
 * laid out by the policy's `FieldLayout`. An array indexed by compile-time slots instead of a
 * record keyed by name: building a many-keyed record per lead and looking names up in it cost more
 * than evaluating the rules themselves.
 */
export type Fields = readonly unknown[];

/** Assigns each field name a slot in the `Fields` array; shared by every condition of a policy. */
export class FieldLayout {
  readonly names: string[] = [];
  private readonly slots = new Map<string, number>();

  /** The slot of `name`, assigned on first use. */
  slotOf(name: string): number {
    let slot = this.slots.get(name);
    if (slot === undefined) {
      slot = this.names.length;
      this.slots.set(name, slot);
      this.names.push(name);
    }
    return slot;
  }

  /** The field values of a record keyed by name (own properties only), in slot order. */
  valuesOf(record: Readonly<Record<string, unknown>>): unknown[] {
    return this.names.map((name) => (Object.hasOwn(record, name) ? record[name] : undefined));
  }
}

/** A condition ready to evaluate. */
export interface CompiledCondition {
  /** Whether the record satisfies the condition. Hot path: no allocation for ordinary values. */
  test(fields: Fields): boolean;
  /**
   * Human text of the first clause that failed, e.g. `country in [US, CA] (was "DE")`,
   * `employees gte 1000 (was missing)`, `not (source eq "web")`; undefined if the condition holds.
   */
  explainFailure(fields: Fields): string | undefined;
  /** Field names referenced, in order of first appearance, for policy analysis. */
  readonly fields: readonly string[];
  /** True when the condition holds for every record (absent, `{}`, or only such parts). */
  readonly isCatchAll: boolean;
  /** Where each field's value sits in `Fields`; `layout.valuesOf(record)` builds them from a record. */
  readonly layout: FieldLayout;
}

const MAX_PATTERN_LENGTH = 500;
const MAX_MATCHED_LENGTH = 1000;
const COMBINATORS = ['all', 'any', 'not'] as const;
const OPERATOR_SET: ReadonlySet<string> = new Set(OPERATORS);

/** Names people reach for from SQL, JSON Logic or spreadsheet habits, mapped to ours. */
const OPERATOR_ALIASES: ReadonlyMap<string, Operator> = new Map([
  ['=', 'eq'],
  ['==', 'eq'],
  ['equals', 'eq'],
  ['equal', 'eq'],
  ['is', 'eq'],
  ['!=', 'ne'],
  ['<>', 'ne'],
  ['neq', 'ne'],
  ['not_equals', 'ne'],
  ['not_eq', 'ne'],
  ['one_of', 'in'],
  ['any_of', 'in'],
  ['nin', 'not_in'],
  ['none_of', 'not_in'],
  ['includes', 'contains'],
  ['has', 'contains'],
  ['prefix', 'starts_with'],
  ['startswith', 'starts_with'],
  ['suffix', 'ends_with'],
  ['endswith', 'ends_with'],
  ['>', 'gt'],
  ['>=', 'gte'],
  ['<', 'lt'],
  ['<=', 'lte'],
  ['range', 'between'],
  ['present', 'exists'],
  ['empty', 'missing'],
  ['regex', 'matches'],
  ['regexp', 'matches'],
  ['match', 'matches'],
  ['pattern', 'matches'],
]);

const ALWAYS: ConditionNode = { kind: 'all', children: [] };

// -------------------------------------------------------------------------------------------------
// Parsing
// -------------------------------------------------------------------------------------------------

/**
 * Parses `raw` (the `when` of a rule) at `path` (e.g. `rules[3].when`), pushing every problem into
 * `issues` (severity 'error'); returns undefined when invalid. An absent condition (undefined) is
 * valid and always holds; `null` is reported, because an empty `when:` in YAML is more likely a
 * condition left unfinished than a deliberate catch-all.
 */
export function parseCondition(
  raw: unknown,
  path: string,
  issues: PolicyIssue[],
): ConditionNode | undefined {
  if (raw === undefined) return ALWAYS;
  const before = issues.length;
  const node = parseNode(raw, path, issues);
  return issues.length === before ? node : undefined;
}

function parseNode(raw: unknown, path: string, issues: PolicyIssue[]): ConditionNode | undefined {
  if (!isMap(raw)) {
    const hint = Array.isArray(raw) ? '; to combine several, use all: [...] or any: [...]' : '';
    error(
      issues,
      path,
      `expected a condition (a map of fields to values or operators, combined with all, any, not), got ${describeInput(raw)}${hint}`,
    );
    return undefined;
  }
  const children: ConditionNode[] = [];
  let valid = true;
  for (const [key, value] of Object.entries(raw)) {
    const p = joinPath(path, key);
    let child: ConditionNode | undefined;
    if (key === 'all' || key === 'any') {
      if (!Array.isArray(value) || value.length === 0) {
        error(issues, p, `expected a non-empty list of conditions, got ${describeInput(value)}`);
      } else {
        const kids = value.map((c, i) => parseNode(c, joinPath(p, i), issues));
        if (kids.every((k): k is ConditionNode => k !== undefined))
          child = { kind: key, children: kids };
      }
    } else if (key === 'not') {
      if (Array.isArray(value)) {
        error(
          issues,
          p,
          'expected one condition (a map), got a list; negate several with not: { any: [...] } or not: { all: [...] }',
        );
      } else {
        const inner = parseNode(value, p, issues);
        if (inner) child = { kind: 'not', child: inner };
      }
    } else {
      child = parseField(key, value, p, issues);
    }
    if (child) children.push(child);
    else valid = false;
  }
  if (!valid) return undefined;
  return children.length === 1 ? children[0] : { kind: 'all', children };
}

function parseField(
  field: string,
  value: unknown,
  path: string,
  issues: PolicyIssue[],
): ConditionNode | undefined {
  if (field.trim() === '') {
    error(issues, path, 'expected a field name, got an empty key');
    return undefined;
  }
  if (field.trim() !== field) {
    error(issues, path, `field name ${JSON.stringify(field)} has leading or trailing spaces`);
    return undefined;
  }
  if (OPERATOR_SET.has(field) || field === 'case_sensitive') {
    // A lead attribute named like an operator is far less likely than a forgotten field name.
    error(
      issues,
      path,
      `"${field}" is an operator, not a field; put it under a field, e.g. country: { ${field}: … }`,
    );
    return undefined;
  }
  const clause = (ops: OperatorClause[]): ConditionNode => ({
    kind: 'field',
    field,
    ops,
    caseSensitive: false,
  });

  if (Array.isArray(value)) {
    const list = parseList(value, path, issues, combinatorHint(field));
    return list && clause([{ op: 'in', value: list }]);
  }
  if (isMap(value)) return parseOperators(field, value, path, issues);
  if (value === null || value === undefined) {
    error(
      issues,
      path,
      `expected a value, a list of values or a map of operators, got ${describeInput(value)}; use { missing: true } for a missing field`,
    );
    return undefined;
  }
  const scalar = parseScalar(value, path, issues, combinatorHint(field));
  return scalar === undefined ? undefined : clause([{ op: 'eq', value: scalar }]);
}

function parseOperators(
  field: string,
  map: Record<string, unknown>,
  path: string,
  issues: PolicyIssue[],
): ConditionNode | undefined {
  const before = issues.length;
  let caseSensitive = false;
  if (Object.hasOwn(map, 'case_sensitive')) {
    const cs = map.case_sensitive;
    if (typeof cs === 'boolean') caseSensitive = cs;
    else
      error(
        issues,
        joinPath(path, 'case_sensitive'),
        `expected true or false, got ${describeInput(cs)}`,
      );
  }
  const ops: OperatorClause[] = [];
  if (Object.keys(map).every((k) => k === 'case_sensitive')) {
    error(issues, path, `expected at least one operator: ${OPERATORS.join(', ')}`);
  }
  for (const [name, arg] of Object.entries(map)) {
    if (name === 'case_sensitive') continue;
    const p = joinPath(path, name);
    if (!isOperator(name)) {
      const suggestion = suggestOperator(name);
      error(
        issues,
        path,
        `unknown operator ${JSON.stringify(name)}; expected one of ${OPERATORS.join(', ')} (or the option case_sensitive)` +
          (suggestion ? `; did you mean ${suggestion}?` : combinatorHint(field)),
      );
      continue;
    }
    const op = parseOperator(name, arg, p, caseSensitive, issues);
    if (op) ops.push(op);
  }
  if (issues.length !== before) return undefined;
  return { kind: 'field', field, ops, caseSensitive };
}

function parseOperator(
  op: Operator,
  arg: unknown,
  path: string,
  caseSensitive: boolean,
  issues: PolicyIssue[],
): OperatorClause | undefined {
  switch (op) {
    case 'eq':
    case 'ne': {
      if (Array.isArray(arg)) {
        error(
          issues,
          path,
          `expected a string, number or boolean, got a list; use ${op === 'eq' ? 'in' : 'not_in'} for a list`,
        );
        return undefined;
      }
      const value = parseScalar(arg, path, issues);
      return value === undefined ? undefined : { op, value };
    }
    case 'in':
    case 'not_in': {
      if (!Array.isArray(arg)) {
        error(
          issues,
          path,
          `expected a non-empty list of values, got ${describeInput(arg)}; use ${op === 'in' ? 'eq' : 'ne'} for a single value`,
        );
        return undefined;
      }
      const value = parseList(arg, path, issues);
      return value && { op, value };
    }
    case 'contains':
    case 'not_contains':
    case 'starts_with':
    case 'ends_with': {
      // YAML reads `starts_with: 94` as a number; postal codes and phone prefixes make that common.
      const text = typeof arg === 'number' && Number.isFinite(arg) ? String(arg) : arg;
      if (typeof text !== 'string' || text.trim() === '') {
        error(issues, path, `expected a non-empty text, got ${describeInput(arg)}`);
        return undefined;
      }
      return { op, value: text };
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const value = parseNumber(arg);
      if (value === undefined) {
        error(issues, path, `expected a number, got ${describeInput(arg)}`);
        return undefined;
      }
      return { op, value };
    }
    case 'between': {
      const lo = Array.isArray(arg) && arg.length === 2 ? parseNumber(arg[0]) : undefined;
      const hi = Array.isArray(arg) && arg.length === 2 ? parseNumber(arg[1]) : undefined;
      if (lo === undefined || hi === undefined) {
        error(issues, path, `expected [low, high], two numbers, got ${describeInput(arg)}`);
        return undefined;
      }
      if (lo > hi) {
        error(issues, path, `the low bound ${lo} is greater than the high bound ${hi}`);
        return undefined;
      }
      return { op, value: [lo, hi] };
    }
    case 'exists':
    case 'missing': {
      if (typeof arg !== 'boolean') {
        error(issues, path, `expected true or false, got ${describeInput(arg)}`);
        return undefined;
      }
      return { op, value: arg };
    }
    case 'matches': {
      if (typeof arg !== 'string' || arg === '') {
        error(issues, path, `expected a regular expression (text), got ${describeInput(arg)}`);
        return undefined;
      }
      if (arg.length > MAX_PATTERN_LENGTH) {
        error(
          issues,
          path,
          `regular expression too long (${arg.length} characters; at most ${MAX_PATTERN_LENGTH})`,
        );
        return undefined;
      }
      try {
        new RegExp(arg, regexFlags(caseSensitive));
      } catch (e) {
        // V8 says `Invalid regular expression: /(/i: Unterminated group`; keep all but the repeated lead-in.
        error(
          issues,
          path,
          `invalid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`,
        );
        return undefined;
      }
      if (!safeRegex(arg)) {
        error(
          issues,
          path,
          `unsafe regular expression (catastrophic backtracking): ${JSON.stringify(arg)}`,
        );
        return undefined;
      }
      return { op, value: arg };
    }
  }
}

function parseList(
  list: readonly unknown[],
  path: string,
  issues: PolicyIssue[],
  hint = '',
): Scalar[] | undefined {
  if (list.length === 0) {
    error(issues, path, 'expected a non-empty list of values');
    return undefined;
  }
  const before = issues.length;
  const values = list.map((x, i) => parseScalar(x, joinPath(path, i), issues, hint));
  return issues.length === before ? (values as Scalar[]) : undefined;
}

function parseScalar(
  x: unknown,
  path: string,
  issues: PolicyIssue[],
  hint = '',
): Scalar | undefined {
  if (typeof x === 'string') {
    if (x.trim() !== '') return x;
    error(issues, path, 'expected a non-empty value; use { missing: true } for a missing field');
    return undefined;
  }
  if (typeof x === 'number') {
    if (Number.isFinite(x)) return x;
    error(issues, path, `expected a finite number, got ${x}`);
    return undefined;
  }
  if (typeof x === 'boolean') return x;
  error(issues, path, `expected a string, number or boolean, got ${describeInput(x)}${hint}`);
  return undefined;
}

/** Finite numbers and numeric text (`"1200"`), as the runtime coerces field values the same way. */
function parseNumber(x: unknown): number | undefined {
  if (typeof x === 'number') return Number.isFinite(x) ? x : undefined;
  if (typeof x === 'string') {
    const n = numberOfText(x);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

/** `alll: [{…}]` parses as a field named "alll"; say so when its value looks like conditions. */
function combinatorHint(field: string): string {
  const near = COMBINATORS.find((c) => distance(c, field.toLowerCase()) <= 1);
  return near ? `; "${field}" is read as a field name: did you mean ${near}?` : '';
}

function isOperator(name: string): name is Operator {
  return OPERATOR_SET.has(name);
}

function suggestOperator(name: string): string | undefined {
  const word = name.trim().toLowerCase();
  if (isOperator(word)) return word;
  const alias = OPERATOR_ALIASES.get(word) ?? OPERATOR_ALIASES.get(word.replace(/[\s-]+/g, '_'));
  if (alias) return alias;
  let best: string | undefined;
  let bestDistance = word.length <= 4 ? 1 : 2;
  for (const op of [...OPERATORS, 'case_sensitive']) {
    const d = distance(word, op);
    if (d < bestDistance || (d === bestDistance && best === undefined)) {
      best = op;
      bestDistance = d;
    }
  }
  return best;
}

function error(issues: PolicyIssue[], path: string, message: string): void {
  issues.push({ severity: 'error', path, message });
}

function isMap(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function describeInput(x: unknown): string {
  if (x === undefined) return 'nothing';
  if (x === null) return 'null';
  if (Array.isArray(x)) return x.length === 0 ? 'an empty list' : 'a list';
  if (typeof x === 'object') return 'a map';
  if (typeof x === 'string') return JSON.stringify(truncate(x, 60));
  return String(x);
}

function regexFlags(caseSensitive: boolean): string {
  return caseSensitive ? '' : 'i';
}

// -------------------------------------------------------------------------------------------------
// Text primitives. Case-insensitive comparison folds ASCII letters in place and falls back to
// `trim().toLowerCase()` for non-ASCII text, so both paths always agree.
//
// Length shortcuts rest on one Unicode fact: the only character whose lower case is longer is
// U+0130 (İ → i + U+0307), and it leaves a non-ASCII U+0307 behind. So a value can equal (start
// or end with) a lower-case ASCII target only if its trimmed length is the target's (at least it).
// -------------------------------------------------------------------------------------------------

/** Exactly the characters `String.prototype.trim` removes, so fast and slow paths agree. */
function isSpace(c: number): boolean {
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

function trimmedStart(s: string): number {
  let a = 0;
  while (a < s.length && isSpace(s.charCodeAt(a))) a++;
  return a;
}

function trimmedEnd(s: string): number {
  let b = s.length;
  while (b > 0 && isSpace(s.charCodeAt(b - 1))) b--;
  return b;
}

function isBlank(s: string): boolean {
  return s.length === 0 || (isSpace(s.charCodeAt(0)) && trimmedStart(s) === s.length);
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 128) return false;
  return true;
}

function hasEdgeSpace(s: string): boolean {
  return s.length > 0 && (isSpace(s.charCodeAt(0)) || isSpace(s.charCodeAt(s.length - 1)));
}

function normalizeText(s: string, caseSensitive: boolean): string {
  return caseSensitive ? s.trim() : s.trim().toLowerCase();
}

function lowerTrimmed(s: string): string {
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
function equalsFold(s: string, t: string): boolean {
  const a = trimmedStart(s);
  if (trimmedEnd(s) - a !== t.length) return false;
  const r = foldAt(s, a, t);
  return r === FOLD_SLOW ? lowerTrimmed(s) === t : r === FOLD_MATCH;
}

function startsWithFold(s: string, t: string): boolean {
  const a = trimmedStart(s);
  if (s.length - a < t.length) return false;
  const r = foldAt(s, a, t);
  return r === FOLD_SLOW ? lowerTrimmed(s).startsWith(t) : r === FOLD_MATCH;
}

function endsWithFold(s: string, t: string): boolean {
  const b = trimmedEnd(s);
  if (b < t.length) return false;
  const r = foldAt(s, b - t.length, t);
  return r === FOLD_SLOW ? lowerTrimmed(s).endsWith(t) : r === FOLD_MATCH;
}

/** `t` is trimmed and non-empty, so a match never touches the value's edge spaces: no trimming. */
function includesFold(s: string, t: string): boolean {
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

function equalsTrimmed(s: string, t: string): boolean {
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
class FoldedSet {
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
class TrimmedSet {
  private readonly set: ReadonlySet<string>;

  constructor(texts: readonly string[]) {
    this.set = new Set(texts);
  }

  has(s: string): boolean {
    return this.set.has(s) || (hasEdgeSpace(s) && this.set.has(s.trim()));
  }
}

/** `Number()` trims and reads numeric text; non-finite results (Infinity, NaN) are not numbers. */
function numberOfText(s: string): number {
  if (isBlank(s)) return NaN;
  const n = Number(s);
  return Number.isFinite(n) ? n : NaN;
}

const TRUE_BIT = 2;
const FALSE_BIT = 1;

/** TRUE_BIT for true, "true", "yes", "1", 1; FALSE_BIT for their opposites; 0 otherwise. */
function booleanBitOf(v: unknown): number {
  if (typeof v === 'boolean') return v ? TRUE_BIT : FALSE_BIT;
  if (typeof v === 'number') return v === 1 ? TRUE_BIT : v === 0 ? FALSE_BIT : 0;
  if (typeof v !== 'string') return 0;
  if (equalsFold(v, 'true') || equalsFold(v, 'yes') || equalsFold(v, '1')) return TRUE_BIT;
  if (equalsFold(v, 'false') || equalsFold(v, 'no') || equalsFold(v, '0')) return FALSE_BIT;
  return 0;
}

// -------------------------------------------------------------------------------------------------
// Compilation
// -------------------------------------------------------------------------------------------------

type Test = (f: Fields) => boolean;

/**
 * One operator, compiled for each way it can be called: `str` for a text value (false on blank
 * text for positive operators), `any` for any raw value (missing, a list…), and `bind` for a
 * clause of this operator alone. Text gets the same answer from `str` and `any`.
 *
 * `bind` exists for speed: a closure literal is one call site for every rule that uses it, so a
 * generic clause calling `str` goes megamorphic once a policy mixes operators, and V8 stops
 * inlining. The hot operators therefore bind closures of their own that call named functions.
 */
interface OperatorTest {
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

function isPresent(v: unknown): boolean {
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
function positive(str: (s: string) => boolean, other: (v: unknown) => boolean): OperatorTest {
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

function negative(test: OperatorTest): OperatorTest {
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

const never = (): boolean => false;

/**
 * Equality with any of `values`. Text compares with text (trimmed, case-folded); a number with a
 * number or numeric text, numerically; a boolean with anything that reads as one (true, "yes",
 * "1", 1…). The values are sorted into per-type lookups here, so a test dispatches only on the
 * type of the lead's value.
 */
function equalityOperator(values: readonly Scalar[], caseSensitive: boolean): OperatorTest {
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

/** Numbers and booleans are compared as the text a form would have sent. */
function textOperator(str: (s: string) => boolean): OperatorTest {
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
function numericOperator(
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

function compileOperator(clause: OperatorClause, caseSensitive: boolean): OperatorTest {
  switch (clause.op) {
    case 'eq':
      return equalityOperator([clause.value], caseSensitive);
    case 'ne':
      return negative(equalityOperator([clause.value], caseSensitive));
    case 'in':
      return equalityOperator(clause.value, caseSensitive);
    case 'not_in':
      return negative(equalityOperator(clause.value, caseSensitive));
    case 'contains':
    case 'not_contains': {
      const t = normalizeText(clause.value, caseSensitive);
      const test = textOperator(
        caseSensitive
          ? (s) => s.includes(t)
          : isAscii(t)
            ? (s) => includesFold(s, t)
            : (s) => s.toLowerCase().includes(t),
      );
      return clause.op === 'contains' ? test : negative(test);
    }
    case 'starts_with': {
      const t = normalizeText(clause.value, caseSensitive);
      return textOperator(
        caseSensitive
          ? (s) => s.startsWith(t, trimmedStart(s))
          : isAscii(t)
            ? (s) => startsWithFold(s, t)
            : (s) => lowerTrimmed(s).startsWith(t),
      );
    }
    case 'ends_with': {
      const t = normalizeText(clause.value, caseSensitive);
      return textOperator(
        caseSensitive
          ? (s) => s.endsWith(t, trimmedEnd(s))
          : isAscii(t)
            ? (s) => endsWithFold(s, t)
            : (s) => lowerTrimmed(s).endsWith(t),
      );
    }
    // A NaN field value fails `v > x` as it should: NaN counts as missing.
    case 'gt': {
      const x = clause.value;
      return numericOperator(
        (n) => n > x,
        (any) => (slot) => (f) => {
          const v = f[slot];
          return typeof v === 'number' ? v > x : any(v);
        },
      );
    }
    case 'gte': {
      const x = clause.value;
      return numericOperator(
        (n) => n >= x,
        (any) => (slot) => (f) => {
          const v = f[slot];
          return typeof v === 'number' ? v >= x : any(v);
        },
      );
    }
    case 'lt': {
      const x = clause.value;
      return numericOperator(
        (n) => n < x,
        (any) => (slot) => (f) => {
          const v = f[slot];
          return typeof v === 'number' ? v < x : any(v);
        },
      );
    }
    case 'lte': {
      const x = clause.value;
      return numericOperator(
        (n) => n <= x,
        (any) => (slot) => (f) => {
          const v = f[slot];
          return typeof v === 'number' ? v <= x : any(v);
        },
      );
    }
    case 'between': {
      const [lo, hi] = clause.value;
      return numericOperator(
        (n) => n >= lo && n <= hi,
        (any) => (slot) => (f) => {
          const v = f[slot];
          return typeof v === 'number' ? v >= lo && v <= hi : any(v);
        },
      );
    }
    case 'exists':
    case 'missing': {
      const str = (s: string): boolean => !isBlank(s);
      const exists: OperatorTest = {
        str,
        any: isPresent,
        bind: (slot) => (f) => isPresent(f[slot]),
      };
      return clause.value === (clause.op === 'exists') ? exists : negative(exists);
    }
    case 'matches': {
      const re = new RegExp(clause.value, regexFlags(caseSensitive));
      return textOperator((s) => {
        if (isBlank(s)) return false;
        const text = hasEdgeSpace(s) ? s.trim() : s;
        // Bounds the work of any pattern on a hostile value, even one the safety check let through.
        return re.test(text.length > MAX_MATCHED_LENGTH ? text.slice(0, MAX_MATCHED_LENGTH) : text);
      });
    }
  }
}

/** A compiled node; `text` states what the node requires, for `not (…)` explanations. */
interface CompiledNode {
  test: (f: Fields) => boolean;
  explain: (f: Fields) => string | undefined;
  text: string;
  /** Whether `text` needs parentheses inside a larger expression. */
  compound: boolean;
  catchAll: boolean;
  /** A single-field clause (cheap to test), as opposed to a nested all/any/not. */
  simple: boolean;
}

/** Failure texts a clause remembers, by text value, before it starts afresh. */
const MAX_REMEMBERED_FAILURES = 256;

function compileField(
  node: Extract<ConditionNode, { kind: 'field' }>,
  layout: FieldLayout,
): CompiledNode {
  const { field, caseSensitive } = node;
  const slot = layout.slotOf(field);
  const ops = node.ops.map((op) => compileOperator(op, caseSensitive));
  const texts = node.ops.map((op) => describeOperator(field, op, caseSensitive));
  const anys = ops.map((op) => op.any);
  const strs = ops.map((op) => op.str);

  const describeFailure = (v: unknown): string => {
    if (anys.length === 1) return `${texts[0]!} (was ${showValue(v)})`;
    for (let i = 0; i < anys.length; i++)
      if (!anys[i]!(v)) return `${texts[i]!} (was ${showValue(v)})`;
    return `${texts.join(' and ')} (was ${showValue(v)})`;
  };
  const failures = new Map<string, string>();

  let test: Test;
  if (ops.length === 1) {
    test = ops[0]!.bind(slot);
  } else if (ops.length === 2) {
    const [{ str: s0, any: t0 }, { str: s1, any: t1 }] = ops as [OperatorTest, OperatorTest];
    test = (f) => {
      const v = f[slot];
      return typeof v === 'string' ? s0(v) && s1(v) : t0(v) && t1(v);
    };
  } else {
    test = (f) => {
      const v = f[slot];
      if (typeof v === 'string') {
        for (let i = 0; i < strs.length; i++) if (!strs[i]!(v)) return false;
      } else {
        for (let i = 0; i < anys.length; i++) if (!anys[i]!(v)) return false;
      }
      return true;
    };
  }
  return {
    test,
    // The specialised test answers first; only a failing clause of several operators needs the
    // generic ones to tell which operator failed.
    explain: (f) => {
      if (test(f)) return undefined;
      const v = f[slot];
      if (typeof v !== 'string') return describeFailure(v);
      // Explanations name the same failures over and over (this country, that source): each
      // clause keeps the texts of the text values it has failed on.
      let text = failures.get(v);
      if (text === undefined) {
        text = describeFailure(v);
        if (failures.size >= MAX_REMEMBERED_FAILURES) failures.clear();
        failures.set(v, text);
      }
      return text;
    },
    text: texts.join(' and '),
    compound: texts.length > 1,
    catchAll: ops.length === 0,
    simple: true,
  };
}

function conjunction(tests: readonly Test[]): Test {
  if (tests.length === 0) return () => true;
  if (tests.length === 1) return tests[0]!;
  if (tests.length === 2) {
    const [a, b] = tests as [Test, Test];
    return (f) => a(f) && b(f);
  }
  if (tests.length === 3) {
    const [a, b, c] = tests as [Test, Test, Test];
    return (f) => a(f) && b(f) && c(f);
  }
  return (f) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(f)) return false;
    return true;
  };
}

function disjunction(tests: readonly Test[]): Test {
  if (tests.length === 0) return () => false;
  if (tests.length === 1) return tests[0]!;
  if (tests.length === 2) {
    const [a, b] = tests as [Test, Test];
    return (f) => a(f) || b(f);
  }
  if (tests.length === 3) {
    const [a, b, c] = tests as [Test, Test, Test];
    return (f) => a(f) || b(f) || c(f);
  }
  return (f) => {
    for (let i = 0; i < tests.length; i++) if (tests[i]!(f)) return true;
    return false;
  };
}

function joinTexts(parts: readonly CompiledNode[], word: string): string {
  return parts
    .map((c) => (parts.length > 1 && c.compound ? `(${c.text})` : c.text))
    .join(` ${word} `);
}

function compileAll(children: readonly CompiledNode[]): CompiledNode {
  // Parts that always hold cost time and say nothing.
  const parts = children.filter((c) => !c.catchAll);
  // AND is order-free, so the test runs single-field clauses before nested any/not, which cost
  // more; explanations keep the order the admin wrote.
  const cheapFirst = [...parts.filter((c) => c.simple), ...parts.filter((c) => !c.simple)];
  return {
    test: conjunction(cheapFirst.map((c) => c.test)),
    explain: (f) => {
      for (const c of parts) {
        const failure = c.explain(f);
        if (failure !== undefined) return failure;
      }
      return undefined;
    },
    text: parts.length === 0 ? 'always' : joinTexts(parts, 'and'),
    compound: parts.length > 1 || (parts.length === 1 && parts[0]!.compound),
    catchAll: parts.length === 0,
    simple: false,
  };
}

function compileAny(children: readonly CompiledNode[]): CompiledNode {
  const test = disjunction(children.map((c) => c.test));
  return {
    test,
    explain: (f) => {
      if (test(f)) return undefined;
      if (children.length === 1) return children[0]!.explain(f);
      // Concatenation rather than map and join: no array, and no copy of the parts.
      let text = `none of (${children[0]!.explain(f)!}`;
      for (let i = 1; i < children.length; i++) text += `; ${children[i]!.explain(f)!}`;
      return `${text})`;
    },
    text: children.length === 0 ? 'never' : joinTexts(children, 'or'),
    compound: children.length > 1 || (children.length === 1 && children[0]!.compound),
    catchAll: children.some((c) => c.catchAll),
    simple: false,
  };
}

function compileNot(child: CompiledNode): CompiledNode {
  const inner = child.test;
  const text = `not (${child.text})`;
  return {
    test: (f) => !inner(f),
    explain: (f) => (inner(f) ? text : undefined),
    text,
    compound: false,
    catchAll: false,
    simple: false,
  };
}

function compileNode(node: ConditionNode, fields: Set<string>, layout: FieldLayout): CompiledNode {
  switch (node.kind) {
    case 'field':
      fields.add(node.field);
      return compileField(node, layout);
    case 'all':
      return compileAll(node.children.map((c) => compileNode(c, fields, layout)));
    case 'any':
      return compileAny(node.children.map((c) => compileNode(c, fields, layout)));
    case 'not':
      return compileNot(compileNode(node.child, fields, layout));
  }
}

/**
 * Compiles a parsed condition into closures reading field values by slot of `layout` (a policy
 * shares one layout across its rules). `undefined` (an absent or invalid condition) compiles to a
 * catch-all; callers check the parse issues before using the result.
 */
export function compileCondition(
  node: ConditionNode | undefined,
  layout: FieldLayout = new FieldLayout(),
): CompiledCondition {
  const fields = new Set<string>();
  const compiled = compileNode(node ?? ALWAYS, fields, layout);
  return {
    test: compiled.test,
    explainFailure: compiled.explain,
    fields: [...fields],
    isCatchAll: compiled.catchAll,
    layout,
  };
}

// -------------------------------------------------------------------------------------------------
// Explanation texts
// -------------------------------------------------------------------------------------------------

function describeOperator(field: string, clause: OperatorClause, caseSensitive: boolean): string {
  const cs = caseSensitive ? ' (case-sensitive)' : '';
  switch (clause.op) {
    case 'eq':
    case 'ne':
      return `${field} ${clause.op} ${showScalar(clause.value)}${typeof clause.value === 'string' ? cs : ''}`;
    case 'in':
    case 'not_in':
      return `${field} ${clause.op} ${showList(clause.value)}${clause.value.some((x) => typeof x === 'string') ? cs : ''}`;
    case 'contains':
    case 'not_contains':
    case 'starts_with':
    case 'ends_with':
      return `${field} ${clause.op} ${JSON.stringify(clause.value)}${cs}`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return `${field} ${clause.op} ${clause.value}`;
    case 'between':
      return `${field} between [${clause.value[0]}, ${clause.value[1]}]`;
    case 'exists':
      return clause.value ? `${field} exists` : `${field} missing`;
    case 'missing':
      return clause.value ? `${field} missing` : `${field} exists`;
    case 'matches':
      return `${field} matches /${clause.value}/${cs}`;
  }
}

function showScalar(x: Scalar): string {
  return typeof x === 'string' ? JSON.stringify(x) : String(x);
}

const MAX_SHOWN_ITEMS = 10;

/** `[US, CA]`: bare words read best; anything that could be misread is quoted. */
function showList(xs: readonly Scalar[]): string {
  const shown = xs
    .slice(0, MAX_SHOWN_ITEMS)
    .map((x) =>
      typeof x === 'string' && /^[^\s,[\]"'][^,[\]"]*$/.test(x) && x.trim() === x
        ? x
        : showScalar(x),
    );
  if (xs.length > MAX_SHOWN_ITEMS) shown.push(`… ${xs.length - MAX_SHOWN_ITEMS} more`);
  return `[${shown.join(', ')}]`;
}

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** The lead's value as the explanation shows it: `missing`, `"DE"`, `1200`, `["dach", "emea"]`. */
function showValue(v: unknown): string {
  if (!isPresent(v)) return 'missing';
  if (Array.isArray(v)) {
    const shown = v.slice(0, MAX_SHOWN_ITEMS).map(showElement);
    if (v.length > MAX_SHOWN_ITEMS) shown.push(`… ${v.length - MAX_SHOWN_ITEMS} more`);
    return `[${shown.join(', ')}]`;
  }
  return showElement(v);
}

/** Quoted forms of recent text values: explanations show the same countries and sources over and over. */
const shownText = new Map<string, string>();

function showElement(v: unknown): string {
  if (typeof v === 'string') {
    let shown = shownText.get(v);
    if (shown === undefined) {
      shown = JSON.stringify(truncate(v.trim(), 80));
      if (shownText.size >= 10_000) shownText.clear();
      shownText.set(v, shown);
    }
    return shown;
  }
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined)
    return String(v);
  if (Array.isArray(v)) return 'a list';
  return 'an object';
}

// -------------------------------------------------------------------------------------------------
// JSON Schema
// -------------------------------------------------------------------------------------------------

const ref = (name: string) => ({ $ref: `#/$defs/${name}` });
const textArg = (description: string) => ({
  anyOf: [{ type: 'string', minLength: 1 }, { type: 'number' }],
  description,
});
const numberArg = (description: string) => ({
  anyOf: [
    { type: 'number' },
    { type: 'string', pattern: '^\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?\\s*$' },
  ],
  description,
});

/**
 * JSON Schema (draft 2020-12) of the condition grammar, for editor completion. The root is the
 * condition itself; recursion goes through `#/$defs/condition`, which the policy schema replaces
 * with this root when it splices the grammar in (json-schema.ts), so `$defs.condition` here only
 * points back to the root for standalone use. Definition names are prefixed to avoid clashes.
 */
export const conditionJsonSchema: Record<string, unknown> = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'leadrouter condition',
  description:
    'A map whose entries must all hold. Keys all/any/not combine conditions; any other key is a lead field (dots are part of the name, e.g. account.strategic) whose value is a value (equals), a list (in) or a map of operators.',
  type: 'object',
  properties: {
    all: {
      type: 'array',
      minItems: 1,
      items: ref('condition'),
      description: 'Every condition holds.',
    },
    any: {
      type: 'array',
      minItems: 1,
      items: ref('condition'),
      description: 'At least one condition holds.',
    },
    not: { ...ref('condition'), description: 'The condition does not hold.' },
  },
  propertyNames: { minLength: 1, not: { enum: [...OPERATORS, 'case_sensitive'] } },
  additionalProperties: ref('conditionFieldValue'),
  $defs: {
    condition: { $ref: '#' },
    conditionScalar: {
      anyOf: [{ type: 'string', minLength: 1 }, { type: 'number' }, { type: 'boolean' }],
      description:
        'Text (trimmed, case-insensitive), a number (numeric text compares numerically) or a boolean (also matches "true"/"yes"/"1" and "false"/"no"/"0").',
    },
    conditionValueList: { type: 'array', minItems: 1, items: ref('conditionScalar') },
    conditionFieldValue: {
      anyOf: [
        { ...ref('conditionScalar'), description: 'The field equals this value.' },
        { ...ref('conditionValueList'), description: 'The field equals one of these values.' },
        ref('conditionOperators'),
      ],
    },
    conditionOperators: {
      type: 'object',
      description:
        'Operators on one field; all must hold. On a missing field only ne, not_in, not_contains, missing and exists: false hold.',
      minProperties: 1,
      additionalProperties: false,
      properties: {
        eq: { ...ref('conditionScalar'), description: 'Equals (any element, for a list field).' },
        ne: {
          ...ref('conditionScalar'),
          description: 'Does not equal (no element, for a list field); holds when missing.',
        },
        in: { ...ref('conditionValueList'), description: 'Equals one of the values.' },
        not_in: {
          ...ref('conditionValueList'),
          description: 'Equals none of the values; holds when missing.',
        },
        contains: textArg('Text contains.'),
        not_contains: textArg('Text does not contain; holds when missing.'),
        starts_with: textArg('Text starts with.'),
        ends_with: textArg('Text ends with.'),
        gt: numberArg('Greater than (numeric text is read as a number).'),
        gte: numberArg('Greater than or equal.'),
        lt: numberArg('Less than.'),
        lte: numberArg('Less than or equal.'),
        between: {
          type: 'array',
          prefixItems: [numberArg('Low bound (inclusive).'), numberArg('High bound (inclusive).')],
          minItems: 2,
          maxItems: 2,
          description: '[low, high], inclusive.',
        },
        exists: {
          type: 'boolean',
          description: 'true: the field has a non-empty value; false: it has none.',
        },
        missing: {
          type: 'boolean',
          description: 'true: the field has no value (absent, null or blank).',
        },
        matches: {
          type: 'string',
          minLength: 1,
          maxLength: MAX_PATTERN_LENGTH,
          format: 'regex',
          description: `Regular expression, tested on the first ${MAX_MATCHED_LENGTH} characters; patterns prone to catastrophic backtracking are rejected.`,
        },
        case_sensitive: {
          type: 'boolean',
          description: 'Compare text respecting case (default: case-insensitive).',
        },
      },
    },
  },
};
