/**
 * The operator table: one entry per field operator of the condition language, carrying everything
 * about it — the names people mistake for it, how its operand is checked, what it compiles to, how
 * an explanation words it, its JSON Schema and the positive operator it negates. The grammar list
 * (`OPERATORS`), the alias map, the parser, the compiler, the describer and the JSON Schema all read
 * this table; adding an operator is adding an entry here (and its cases to cases.ts).
 *
 * The table is used at parse and compile time only. `compile` returns closures specialised for
 * the operand, so routing a lead never looks an operator up by name.
 */
import safeRegex from 'safe-regex2';
import type { PolicyIssue } from '../issues.ts';
import { caseNote, describeInput, showList, showScalar } from './describe.ts';
import { equalityOperator } from './equality.ts';
import {
  numberSchema,
  parseList,
  parseNumber,
  parseScalar,
  reportError,
  schemaRef,
  textSchema,
} from './operands.ts';
import {
  isPresent,
  negative,
  numericOperator,
  textOperator,
  type OperatorTest,
} from './predicates.ts';
import {
  endsWithFold,
  hasEdgeSpace,
  includesFold,
  isAscii,
  isBlank,
  lowerTrimmed,
  normalizeText,
  startsWithFold,
  trimmedEnd,
  trimmedStart,
} from './text.ts';
import type { Scalar } from './types.ts';

/** Longest pattern `matches` accepts. */
const MAX_PATTERN_LENGTH = 500;
/** `matches` tests only this many characters of a value. */
const MAX_MATCHED_LENGTH = 1000;

/** One operator of the language; `V` is its operand once parsed. */
export interface OperatorSpec<V> {
  /**
   * Names people reach for from SQL, JSON Logic or spreadsheet habits. Never accepted: an error
   * suggests the operator instead.
   */
  readonly aliases: readonly string[];
  /** The positive operator this one is the exact negation of (`ne` of `eq`), if any. */
  readonly negates?: string;
  /**
   * Checks the operand as written at `path`, reporting every problem into `issues`; undefined
   * when invalid. `caseSensitive` is the clause's option, for operands that depend on it.
   */
  readonly parse: (
    arg: unknown,
    path: string,
    issues: PolicyIssue[],
    caseSensitive: boolean,
  ) => V | undefined;
  /** The closures a clause of this operator runs per lead. */
  readonly compile: (value: V, caseSensitive: boolean) => OperatorTest;
  /** The clause as explanations word it: `country in [US, CA]`, `email matches /x/`. */
  readonly describe: (field: string, value: V, caseSensitive: boolean) => string;
  /** JSON Schema (draft 2020-12) of the operand, with its description, for editor completion. */
  readonly schema: Readonly<Record<string, unknown>>;
}

/** An entry of the table; `V` given explicitly, so each operand type is stated where it is read. */
function defineOperator<V>(spec: OperatorSpec<V>): OperatorSpec<V> {
  return spec;
}

/** Builds a negative operator from its positive twin: same operand, the exact opposite answer. */
function negationOf<V>(
  name: string,
  twin: OperatorSpec<V>,
  spec: Omit<OperatorSpec<V>, 'negates' | 'compile'>,
): OperatorSpec<V> {
  return { ...spec, negates: name, compile: (value, cs) => negative(twin.compile(value, cs)) };
}

// ---- operands ------------------------------------------------------------------------------------

/** `eq: web`; a list is a hint to use the list operator. */
function scalarOperand(listOperator: string): OperatorSpec<Scalar>['parse'] {
  return (arg, path, issues) => {
    if (Array.isArray(arg)) {
      reportError(
        issues,
        path,
        `expected a string, number or boolean, got a list; use ${listOperator} for a list`,
      );
      return undefined;
    }
    return parseScalar(arg, path, issues);
  };
}

/** `in: [US, CA]`; a single value is a hint to use the scalar operator. */
function listOperand(scalarOperator: string): OperatorSpec<readonly Scalar[]>['parse'] {
  return (arg, path, issues) => {
    if (!Array.isArray(arg)) {
      reportError(
        issues,
        path,
        `expected a non-empty list of values, got ${describeInput(arg)}; use ${scalarOperator} for a single value`,
      );
      return undefined;
    }
    return parseList(arg, path, issues);
  };
}

const parseText: OperatorSpec<string>['parse'] = (arg, path, issues) => {
  // YAML reads `starts_with: 94` as a number; postal codes and phone prefixes make that common.
  const text = typeof arg === 'number' && Number.isFinite(arg) ? String(arg) : arg;
  if (typeof text !== 'string' || text.trim() === '') {
    reportError(issues, path, `expected a non-empty text, got ${describeInput(arg)}`);
    return undefined;
  }
  return text;
};

const parseNumberOperand: OperatorSpec<number>['parse'] = (arg, path, issues) => {
  const value = parseNumber(arg);
  if (value === undefined)
    reportError(issues, path, `expected a number, got ${describeInput(arg)}`);
  return value;
};

const parseFlag: OperatorSpec<boolean>['parse'] = (arg, path, issues) => {
  if (typeof arg === 'boolean') return arg;
  reportError(issues, path, `expected true or false, got ${describeInput(arg)}`);
  return undefined;
};

function regexFlags(caseSensitive: boolean): string {
  return caseSensitive ? '' : 'i';
}

// ---- wording -------------------------------------------------------------------------------------

function describeScalar(op: string): OperatorSpec<Scalar>['describe'] {
  return (field, value, cs) =>
    `${field} ${op} ${showScalar(value)}${typeof value === 'string' ? caseNote(cs) : ''}`;
}

function describeList(op: string): OperatorSpec<readonly Scalar[]>['describe'] {
  return (field, value, cs) =>
    `${field} ${op} ${showList(value)}${value.some((x) => typeof x === 'string') ? caseNote(cs) : ''}`;
}

function describeText(op: string): OperatorSpec<string>['describe'] {
  return (field, value, cs) => `${field} ${op} ${JSON.stringify(value)}${caseNote(cs)}`;
}

function describeNumber(op: string): OperatorSpec<number>['describe'] {
  return (field, value) => `${field} ${op} ${value}`;
}

// ---- the positive twins, which the negative operators are built from -----------------------------

const eq = defineOperator<Scalar>({
  aliases: ['=', '==', 'equals', 'equal', 'is'],
  parse: scalarOperand('in'),
  compile: (value, cs) => equalityOperator([value], cs),
  describe: describeScalar('eq'),
  schema: {
    ...schemaRef('conditionScalar'),
    description: 'Equals (any element, for a list field).',
  },
});

const isIn = defineOperator<readonly Scalar[]>({
  aliases: ['one_of', 'any_of'],
  parse: listOperand('eq'),
  compile: (value, cs) => equalityOperator(value, cs),
  describe: describeList('in'),
  schema: { ...schemaRef('conditionValueList'), description: 'Equals one of the values.' },
});

const contains = defineOperator<string>({
  aliases: ['includes', 'has'],
  parse: parseText,
  compile: (value, cs) => {
    const t = normalizeText(value, cs);
    return textOperator(
      cs
        ? (s) => s.includes(t)
        : isAscii(t)
          ? (s) => includesFold(s, t)
          : (s) => s.toLowerCase().includes(t),
    );
  },
  describe: describeText('contains'),
  schema: textSchema('Text contains.'),
});

const exists = defineOperator<boolean>({
  aliases: ['present'],
  parse: parseFlag,
  compile: (value) => {
    const str = (s: string): boolean => !isBlank(s);
    const test: OperatorTest = {
      str,
      any: isPresent,
      bind: (slot) => (f) => isPresent(f[slot]),
    };
    return value ? test : negative(test);
  },
  describe: (field, value) => (value ? `${field} exists` : `${field} missing`),
  schema: {
    type: 'boolean',
    description: 'true: the field has a non-empty value; false: it has none.',
  },
});

// ---- the table -----------------------------------------------------------------------------------

/** In documentation order: the order of `OPERATORS`, error messages and the JSON Schema. */
const table = {
  eq,
  ne: negationOf('eq', eq, {
    aliases: ['!=', '<>', 'neq', 'not_equals', 'not_eq'],
    parse: scalarOperand('not_in'),
    describe: describeScalar('ne'),
    schema: {
      ...schemaRef('conditionScalar'),
      description: 'Does not equal (no element, for a list field); holds when missing.',
    },
  }),
  in: isIn,
  not_in: negationOf('in', isIn, {
    aliases: ['nin', 'none_of'],
    parse: listOperand('ne'),
    describe: describeList('not_in'),
    schema: {
      ...schemaRef('conditionValueList'),
      description: 'Equals none of the values; holds when missing.',
    },
  }),
  contains,
  not_contains: negationOf('contains', contains, {
    aliases: [],
    parse: parseText,
    describe: describeText('not_contains'),
    schema: textSchema('Text does not contain; holds when missing.'),
  }),
  starts_with: defineOperator<string>({
    aliases: ['prefix', 'startswith'],
    parse: parseText,
    compile: (value, cs) => {
      const t = normalizeText(value, cs);
      return textOperator(
        cs
          ? (s) => s.startsWith(t, trimmedStart(s))
          : isAscii(t)
            ? (s) => startsWithFold(s, t)
            : (s) => lowerTrimmed(s).startsWith(t),
      );
    },
    describe: describeText('starts_with'),
    schema: textSchema('Text starts with.'),
  }),
  ends_with: defineOperator<string>({
    aliases: ['suffix', 'endswith'],
    parse: parseText,
    compile: (value, cs) => {
      const t = normalizeText(value, cs);
      return textOperator(
        cs
          ? (s) => s.endsWith(t, trimmedEnd(s))
          : isAscii(t)
            ? (s) => endsWithFold(s, t)
            : (s) => lowerTrimmed(s).endsWith(t),
      );
    },
    describe: describeText('ends_with'),
    schema: textSchema('Text ends with.'),
  }),
  // A NaN field value fails `v > x` as it should: NaN counts as missing.
  gt: defineOperator<number>({
    aliases: ['>'],
    parse: parseNumberOperand,
    compile: (x) =>
      numericOperator(
        (n) => n > x,
        (any) => (slot) => (f) => {
          const v = f[slot];
          return typeof v === 'number' ? v > x : any(v);
        },
      ),
    describe: describeNumber('gt'),
    schema: numberSchema('Greater than (numeric text is read as a number).'),
  }),
  gte: defineOperator<number>({
    aliases: ['>='],
    parse: parseNumberOperand,
    compile: (x) =>
      numericOperator(
        (n) => n >= x,
        (any) => (slot) => (f) => {
          const v = f[slot];
          return typeof v === 'number' ? v >= x : any(v);
        },
      ),
    describe: describeNumber('gte'),
    schema: numberSchema('Greater than or equal.'),
  }),
  lt: defineOperator<number>({
    aliases: ['<'],
    parse: parseNumberOperand,
    compile: (x) =>
      numericOperator(
        (n) => n < x,
        (any) => (slot) => (f) => {
          const v = f[slot];
          return typeof v === 'number' ? v < x : any(v);
        },
      ),
    describe: describeNumber('lt'),
    schema: numberSchema('Less than.'),
  }),
  lte: defineOperator<number>({
    aliases: ['<='],
    parse: parseNumberOperand,
    compile: (x) =>
      numericOperator(
        (n) => n <= x,
        (any) => (slot) => (f) => {
          const v = f[slot];
          return typeof v === 'number' ? v <= x : any(v);
        },
      ),
    describe: describeNumber('lte'),
    schema: numberSchema('Less than or equal.'),
  }),
  between: defineOperator<readonly [number, number]>({
    aliases: ['range'],
    parse: (arg, path, issues) => {
      const lo = Array.isArray(arg) && arg.length === 2 ? parseNumber(arg[0]) : undefined;
      const hi = Array.isArray(arg) && arg.length === 2 ? parseNumber(arg[1]) : undefined;
      if (lo === undefined || hi === undefined) {
        reportError(issues, path, `expected [low, high], two numbers, got ${describeInput(arg)}`);
        return undefined;
      }
      if (lo > hi) {
        reportError(issues, path, `the low bound ${lo} is greater than the high bound ${hi}`);
        return undefined;
      }
      return [lo, hi];
    },
    compile: ([lo, hi]) =>
      numericOperator(
        (n) => n >= lo && n <= hi,
        (any) => (slot) => (f) => {
          const v = f[slot];
          return typeof v === 'number' ? v >= lo && v <= hi : any(v);
        },
      ),
    describe: (field, value) => `${field} between [${value[0]}, ${value[1]}]`,
    schema: {
      type: 'array',
      prefixItems: [
        numberSchema('Low bound (inclusive).'),
        numberSchema('High bound (inclusive).'),
      ],
      minItems: 2,
      maxItems: 2,
      description: '[low, high], inclusive.',
    },
  }),
  exists,
  missing: defineOperator<boolean>({
    aliases: ['empty'],
    negates: 'exists',
    parse: parseFlag,
    // `missing: v` is `exists: !v`, compiled as such: negating `exists: false` would wrap twice.
    compile: (value, cs) => exists.compile(!value, cs),
    describe: (field, value) => exists.describe(field, !value, false),
    schema: {
      type: 'boolean',
      description: 'true: the field has no value (absent, null or blank).',
    },
  }),
  matches: defineOperator<string>({
    aliases: ['regex', 'regexp', 'match', 'pattern'],
    parse: (arg, path, issues, caseSensitive) => {
      if (typeof arg !== 'string' || arg === '') {
        reportError(
          issues,
          path,
          `expected a regular expression (text), got ${describeInput(arg)}`,
        );
        return undefined;
      }
      if (arg.length > MAX_PATTERN_LENGTH) {
        reportError(
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
        reportError(
          issues,
          path,
          `invalid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`,
        );
        return undefined;
      }
      if (!safeRegex(arg)) {
        reportError(
          issues,
          path,
          `unsafe regular expression (catastrophic backtracking): ${JSON.stringify(arg)}`,
        );
        return undefined;
      }
      return arg;
    },
    compile: (value, cs) => {
      const re = new RegExp(value, regexFlags(cs));
      return textOperator((s) => {
        if (isBlank(s)) return false;
        const text = hasEdgeSpace(s) ? s.trim() : s;
        // Bounds the work of any pattern on a hostile value, even one the safety check let through.
        return re.test(text.length > MAX_MATCHED_LENGTH ? text.slice(0, MAX_MATCHED_LENGTH) : text);
      });
    },
    describe: (field, value, cs) => `${field} matches /${value}/${caseNote(cs)}`,
    schema: {
      type: 'string',
      minLength: 1,
      maxLength: MAX_PATTERN_LENGTH,
      format: 'regex',
      description: `Regular expression, tested on the first ${MAX_MATCHED_LENGTH} characters; patterns prone to catastrophic backtracking are rejected.`,
    },
  }),
};

/** A field operator: a key of {@link OPERATOR_TABLE}. */
export type Operator = keyof typeof table;

/** Each operator's operand once parsed. */
type Operands = { [K in Operator]: (typeof table)[K] extends OperatorSpec<infer V> ? V : never };

/** One operator of a field clause, with its validated operand (as written, not normalised). */
export type OperatorClause<K extends Operator = Operator> = {
  [P in K]: { readonly op: P; readonly value: Operands[P] };
}[K];

/** Every field operator, by name, in documentation order. */
export const OPERATOR_TABLE: { readonly [K in Operator]: OperatorSpec<Operands[K]> } = table;

/** Field operators, in documentation order. `case_sensitive` is an option, not an operator. */
export const OPERATORS = Object.keys(OPERATOR_TABLE) as readonly Operator[];

/** The option a field's operator map may carry besides operators. */
export const CASE_SENSITIVE = 'case_sensitive';

/** Alias → the operator it stands for, from every entry's `aliases`. */
export const OPERATOR_ALIASES: ReadonlyMap<string, Operator> = new Map(
  OPERATORS.flatMap((op) => OPERATOR_TABLE[op].aliases.map((alias) => [alias, op] as const)),
);

/** Whether `name` is a field operator. */
export function isOperator(name: string): name is Operator {
  return Object.hasOwn(OPERATOR_TABLE, name);
}

/** Checks the operand of `op` (see {@link OperatorSpec.parse}) into a clause; undefined when invalid. */
export function parseClause<K extends Operator>(
  op: K,
  arg: unknown,
  path: string,
  issues: PolicyIssue[],
  caseSensitive: boolean,
): OperatorClause<K> | undefined {
  const value = OPERATOR_TABLE[op].parse(arg, path, issues, caseSensitive);
  return value === undefined ? undefined : ({ op, value } as OperatorClause<K>);
}

/** The closures of one clause. */
export function compileClause<K extends Operator>(
  clause: OperatorClause<K>,
  caseSensitive: boolean,
): OperatorTest {
  return OPERATOR_TABLE[clause.op].compile(clause.value, caseSensitive);
}

/** The clause as explanations word it: `country in [US, CA]`. */
export function describeClause<K extends Operator>(
  field: string,
  clause: OperatorClause<K>,
  caseSensitive: boolean,
): string {
  return OPERATOR_TABLE[clause.op].describe(field, clause.value, caseSensitive);
}
