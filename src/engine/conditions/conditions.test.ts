import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIssue, type PolicyIssue } from '../issues.ts';
import { CASES } from './cases.ts';
import {
  compileCondition,
  conditionJsonSchema,
  OPERATOR_TABLE,
  OPERATORS,
  parseCondition,
  type CompiledCondition,
  type ConditionNode,
  type Operator,
  type OperatorClause,
} from './index.ts';

type Fields = Readonly<Record<string, unknown>>;

/** A compiled condition that reads records by field name, as these tests write them. */
interface RecordCondition {
  test(record: Fields): boolean;
  explainFailure(record: Fields): string | undefined;
  fields: readonly string[];
  isCatchAll: boolean;
}

function byName(c: CompiledCondition): RecordCondition {
  return {
    test: (r) => c.test(c.layout.valuesOf(r)),
    explainFailure: (r) => c.explainFailure(c.layout.valuesOf(r)),
    fields: c.fields,
    isCatchAll: c.isCatchAll,
  };
}

/** Parses and compiles a condition that must be valid. */
function compile(raw: unknown): RecordCondition {
  const issues: PolicyIssue[] = [];
  const node = parseCondition(raw, 'when', issues);
  expect(issues.map(formatIssue)).toEqual([]);
  return byName(compileCondition(node));
}

/** The formatted errors for a condition that must be invalid. */
function errorsOf(raw: unknown, path = 'rules[0].when'): string[] {
  const issues: PolicyIssue[] = [];
  const node = parseCondition(raw, path, issues);
  expect(node).toBeUndefined();
  expect(issues.every((i) => i.severity === 'error')).toBe(true);
  return issues.map(formatIssue);
}

/** Parses a condition that must be valid. */
function parse(raw: unknown): ConditionNode {
  const issues: PolicyIssue[] = [];
  const node = parseCondition(raw, 'when', issues);
  expect(issues.map(formatIssue)).toEqual([]);
  return node!;
}

/** The operators a parsed condition uses (a scalar counts as eq, a list as in). */
function operatorsOf(node: ConditionNode): Operator[] {
  switch (node.kind) {
    case 'field':
      return node.ops.map((o) => o.op);
    case 'not':
      return operatorsOf(node.child);
    default:
      return node.children.flatMap(operatorsOf);
  }
}

/** Whether `value` in field `x` satisfies the operator map (or value) `clause`. */
function holds(clause: unknown, value: unknown): boolean {
  return compile({ x: clause }).test({ x: value });
}

describe('the operator list', () => {
  it('lists the operators in documentation order, without the case_sensitive option', () => {
    expect(OPERATORS).toEqual([
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
    ]);
  });
});

describe('parsing the grammar', () => {
  it('reads a scalar as eq, a list as in and a map as operators, ANDing the keys', () => {
    const issues: PolicyIssue[] = [];
    const node = parseCondition(
      { source: 'web', country: ['US', 'CA'], employees: { gte: 200, lt: 5000 } },
      'when',
      issues,
    );
    expect(issues).toEqual([]);
    expect(node).toEqual({
      kind: 'all',
      children: [
        { kind: 'field', field: 'source', ops: [{ op: 'eq', value: 'web' }], caseSensitive: false },
        {
          kind: 'field',
          field: 'country',
          ops: [{ op: 'in', value: ['US', 'CA'] }],
          caseSensitive: false,
        },
        {
          kind: 'field',
          field: 'employees',
          ops: [
            { op: 'gte', value: 200 },
            { op: 'lt', value: 5000 },
          ],
          caseSensitive: false,
        },
      ],
    } satisfies ConditionNode);
  });

  it('keeps dots as part of a field name', () => {
    expect(compile({ 'account.strategic': true }).fields).toEqual(['account.strategic']);
  });

  it('treats an absent condition and an empty map as catch-alls', () => {
    for (const c of [
      byName(compileCondition(parseCondition(undefined, 'when', []))),
      compile({}),
      byName(compileCondition(undefined)),
    ]) {
      expect(c.isCatchAll).toBe(true);
      expect(c.test({})).toBe(true);
      expect(c.explainFailure({})).toBeUndefined();
      expect(c.fields).toEqual([]);
    }
  });

  it('recognises a condition made only of always-true parts as a catch-all', () => {
    expect(compile({ all: [{}, {}] }).isCatchAll).toBe(true);
    expect(compile({ any: [{ country: 'US' }, {}] }).isCatchAll).toBe(true);
    expect(compile({ not: {} }).isCatchAll).toBe(false);
    expect(compile({ country: 'US' }).isCatchAll).toBe(false);
  });

  it('lists each referenced field once, in order of first appearance', () => {
    const c = compile({
      country: 'US',
      any: [{ employees: { gt: 5 } }, { country: 'CA' }],
      not: { 'utm.source': 'ads' },
    });
    expect(c.fields).toEqual(['country', 'employees', 'utm.source']);
  });

  it('parses numeric text for numeric operators into numbers', () => {
    const issues: PolicyIssue[] = [];
    expect(
      parseCondition({ employees: { gte: '1200', between: [' 1 ', 5] } }, 'when', issues),
    ).toEqual({
      kind: 'field',
      field: 'employees',
      ops: [
        { op: 'gte', value: 1200 },
        { op: 'between', value: [1, 5] },
      ],
      caseSensitive: false,
    });
  });
});

describe('error messages', () => {
  it('names an unknown operator, lists the allowed ones and suggests the closest', () => {
    expect(errorsOf({ country: { inn: ['US'] } }, 'rules[3].when')).toEqual([
      'rules[3].when.country: unknown operator "inn"; expected one of eq, ne, in, not_in, contains, not_contains, starts_with, ends_with, gt, gte, lt, lte, between, exists, missing, matches (or the option case_sensitive); did you mean in?',
    ]);
  });

  it('suggests operators for common aliases and capitalised names', () => {
    expect(errorsOf({ employees: { '>=': 5 } })[0]).toMatch(/did you mean gte\?$/);
    expect(errorsOf({ email: { regex: 'x' } })[0]).toMatch(/did you mean matches\?$/);
    expect(errorsOf({ country: { IN: ['US'] } })[0]).toMatch(/did you mean in\?$/);
    expect(errorsOf({ name: { startswith: 'a' } })[0]).toMatch(/did you mean starts_with\?$/);
    expect(errorsOf({ name: { frobnicate: 'a' } })[0]).not.toMatch(/did you mean/);
  });

  it('rejects a number operator given text that is not a number', () => {
    expect(errorsOf({ employees: { gte: 'lots' } })).toEqual([
      'rules[0].when.employees.gte: expected a number, got "lots"',
    ]);
  });

  it('rejects an empty or non-list all / any', () => {
    expect(errorsOf({ any: [] }, 'rules[1].when')).toEqual([
      'rules[1].when.any: expected a non-empty list of conditions, got an empty list',
    ]);
    expect(errorsOf({ all: { country: 'US' } })).toEqual([
      'rules[0].when.all: expected a non-empty list of conditions, got a map',
    ]);
  });

  it('rejects an unsafe regular expression, naming the path and the pattern', () => {
    expect(errorsOf({ email: { matches: '(a+)+$' } }, 'rules[2].when')).toEqual([
      'rules[2].when.email.matches: unsafe regular expression (catastrophic backtracking): "(a+)+$"',
    ]);
    expect(errorsOf({ email: { matches: '(x+x+)+y' } })[0]).toMatch(/unsafe regular expression/);
  });

  it('rejects invalid regular expression syntax, quoting the engine', () => {
    const [message] = errorsOf({ email: { matches: '([a-z]' } });
    expect(message).toMatch(
      /^rules\[0\]\.when\.email\.matches: invalid regular expression: .*Unterminated group/,
    );
  });

  it('rejects a regular expression longer than 500 characters', () => {
    expect(errorsOf({ email: { matches: 'a'.repeat(501) } })).toEqual([
      'rules[0].when.email.matches: regular expression too long (501 characters; at most 500)',
    ]);
    expect(() => compile({ email: { matches: 'a'.repeat(500) } })).not.toThrow();
  });

  it('collects every problem instead of stopping at the first', () => {
    const errors = errorsOf({
      country: { inn: ['US'] },
      employees: { gte: 'lots', between: [10] },
      any: [{ source: { eq: ['web'] } }, 'web'],
      not: [{ a: 1 }],
    });
    expect(errors).toEqual([
      expect.stringMatching(/^rules\[0\]\.when\.country: unknown operator "inn"/),
      'rules[0].when.employees.gte: expected a number, got "lots"',
      'rules[0].when.employees.between: expected [low, high], two numbers, got a list',
      'rules[0].when.any[0].source.eq: expected a string, number or boolean, got a list; use in for a list',
      expect.stringMatching(/^rules\[0\]\.when\.any\[1\]: expected a condition .*got "web"$/),
      expect.stringMatching(/^rules\[0\]\.when\.not: expected one condition \(a map\), got a list/),
    ]);
  });

  it('rejects a condition that is not a map', () => {
    expect(errorsOf(null)).toEqual([
      'rules[0].when: expected a condition (a map of fields to values or operators, combined with all, any, not), got null',
    ]);
    expect(errorsOf([{ country: 'US' }])[0]).toMatch(
      /got a list; to combine several, use all: \[\.\.\.\] or any: \[\.\.\.\]$/,
    );
  });

  it('rejects values that are not scalars, lists or operator maps', () => {
    expect(errorsOf({ country: null })).toEqual([
      'rules[0].when.country: expected a value, a list of values or a map of operators, got null; use { missing: true } for a missing field',
    ]);
    expect(errorsOf({ country: ['US', { x: 1 }] })).toEqual([
      'rules[0].when.country[1]: expected a string, number or boolean, got a map',
    ]);
    expect(errorsOf({ country: [] })).toEqual([
      'rules[0].when.country: expected a non-empty list of values',
    ]);
    expect(errorsOf({ source: '  ' })).toEqual([
      'rules[0].when.source: expected a non-empty value; use { missing: true } for a missing field',
    ]);
  });

  it('checks the argument of every operator', () => {
    expect(errorsOf({ x: { in: 'US' } })).toEqual([
      'rules[0].when.x.in: expected a non-empty list of values, got "US"; use eq for a single value',
    ]);
    expect(errorsOf({ x: { contains: '' } })).toEqual([
      'rules[0].when.x.contains: expected a non-empty text, got ""',
    ]);
    expect(errorsOf({ x: { between: [10, 1] } })).toEqual([
      'rules[0].when.x.between: the low bound 10 is greater than the high bound 1',
    ]);
    expect(errorsOf({ x: { exists: 'yes' } })).toEqual([
      'rules[0].when.x.exists: expected true or false, got "yes"',
    ]);
    expect(errorsOf({ x: { matches: 5 } })).toEqual([
      'rules[0].when.x.matches: expected a regular expression (text), got 5',
    ]);
    expect(errorsOf({ x: { eq: 'a', case_sensitive: 'yes' } })).toEqual([
      'rules[0].when.x.case_sensitive: expected true or false, got "yes"',
    ]);
    expect(errorsOf({ x: { gt: Infinity } })).toEqual([
      'rules[0].when.x.gt: expected a number, got Infinity',
    ]);
  });

  it('asks for at least one operator in an operator map', () => {
    expect(errorsOf({ x: {} })[0]).toMatch(
      /^rules\[0\]\.when\.x: expected at least one operator: eq, ne, in/,
    );
    expect(errorsOf({ x: { case_sensitive: true } })[0]).toMatch(/expected at least one operator/);
  });

  it('rejects an operator written where a field belongs', () => {
    expect(errorsOf({ in: ['US'] })).toEqual([
      'rules[0].when.in: "in" is an operator, not a field; put it under a field, e.g. country: { in: … }',
    ]);
  });

  it('points out a misspelt combinator read as a field name', () => {
    expect(errorsOf({ alll: [{ country: 'US' }] })).toEqual([
      'rules[0].when.alll[0]: expected a string, number or boolean, got a map; "alll" is read as a field name: did you mean all?',
    ]);
    expect(errorsOf({ nott: { country: 'US' } })[0]).toMatch(
      /"nott" is read as a field name: did you mean not\?$/,
    );
  });

  it('quotes field names that are not plain identifiers in paths', () => {
    expect(errorsOf({ 'account.tier': { eqq: 'x' } })[0]).toMatch(
      /^rules\[0\]\.when\."account\.tier": unknown operator "eqq"/,
    );
  });

  it('leaves issues found earlier untouched and reports validity by its own findings', () => {
    const issues: PolicyIssue[] = [{ severity: 'error', path: 'rules[0].id', message: 'earlier' }];
    expect(parseCondition({ country: 'US' }, 'rules[1].when', issues)).toBeDefined();
    expect(issues).toHaveLength(1);
  });
});

describe('conditions on leads (cases.ts)', () => {
  it.each(CASES)('%s', (_name, condition, lead, expected) => {
    const c = compile(condition);
    expect(c.test(lead)).toBe(expected);
    expect(c.explainFailure(lead) === undefined).toBe(expected);
  });

  it('gives every case its own name', () => {
    const names = CASES.map(([name]) => name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });
});

describe('the operator table', () => {
  it('has, for every operator, a case that holds and a case that does not', () => {
    const holding = new Set<string>();
    const failing = new Set<string>();
    for (const [, condition, , expected] of CASES)
      for (const op of operatorsOf(parse(condition))) (expected ? holding : failing).add(op);
    const lacking = OPERATORS.flatMap((op) => [
      ...(holding.has(op) ? [] : [`${op}: no case that holds`]),
      ...(failing.has(op) ? [] : [`${op}: no case that does not hold`]),
    ]);
    expect(lacking).toEqual([]);
  });

  it('gives the opposite answer with the negative twin, on every one-operator case', () => {
    const twins = new Map(
      OPERATORS.flatMap((op) => {
        const positive = OPERATOR_TABLE[op].negates;
        return positive === undefined ? [] : [[positive, op] as const];
      }),
    );
    let checked = 0;
    for (const [name, condition, lead, expected] of CASES) {
      const node = parse(condition);
      if (node.kind !== 'field' || node.ops.length !== 1) continue;
      const twin = twins.get(node.ops[0]!.op);
      if (twin === undefined) continue;
      const negated = { ...node, ops: [{ ...node.ops[0]!, op: twin } as OperatorClause] };
      expect(byName(compileCondition(negated)).test(lead), `${twin} of ${name}`).toBe(!expected);
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('names only operators of the table as positive twins', () => {
    for (const op of OPERATORS) {
      const positive = OPERATOR_TABLE[op].negates;
      if (positive !== undefined) expect(OPERATORS, op).toContain(positive);
    }
  });

  it('claims each alias for one operator, and no alias is an operator', () => {
    const aliases = OPERATORS.flatMap((op) => OPERATOR_TABLE[op].aliases);
    expect(aliases.filter((a, i) => aliases.indexOf(a) !== i)).toEqual([]);
    expect(aliases.filter((a) => (OPERATORS as readonly string[]).includes(a))).toEqual([]);
  });

  it('suggests the operator for each of its aliases', () => {
    for (const op of OPERATORS)
      for (const alias of OPERATOR_TABLE[op].aliases)
        expect(errorsOf({ x: { [alias]: 1 } })[0], alias).toMatch(
          new RegExp(`did you mean ${op}\\?$`),
        );
  });
});

describe('missing values', () => {
  const missing = [undefined, null, '', '   ', [], [null, ' '], Number.NaN];
  const positive = [
    { eq: 'a' },
    { in: ['a'] },
    { contains: 'a' },
    { starts_with: 'a' },
    { ends_with: 'a' },
    { gt: 0 },
    { gte: 0 },
    { lt: 0 },
    { lte: 0 },
    { between: [-1, 1] },
    { exists: true },
    { matches: '.*' },
    { missing: false },
  ];
  const negative = [
    { ne: 'a' },
    { not_in: ['a'] },
    { not_contains: 'a' },
    { missing: true },
    { exists: false },
  ];

  it('makes every positive operator false', () => {
    for (const clause of positive) {
      for (const value of missing)
        expect(holds(clause, value), `${JSON.stringify(clause)} on ${String(value)}`).toBe(false);
      expect(compile({ x: clause }).test({}), JSON.stringify(clause)).toBe(false);
    }
  });

  it('makes ne, not_in, not_contains, missing and exists: false true', () => {
    for (const clause of negative) {
      for (const value of missing)
        expect(holds(clause, value), `${JSON.stringify(clause)} on ${String(value)}`).toBe(true);
      expect(compile({ x: clause }).test({}), JSON.stringify(clause)).toBe(true);
    }
  });

  it('says, for every operator of the table, what it does on a missing value', () => {
    const clauses = [...positive, ...negative].map((c) => Object.keys(c)[0]);
    expect(new Set(clauses)).toEqual(new Set(OPERATORS));
    // The operators that hold on a missing value are the negative twins, and `exists: false`.
    expect(negative.map((c) => Object.keys(c)[0])).toEqual([
      ...OPERATORS.filter((op) => OPERATOR_TABLE[op].negates !== undefined),
      'exists',
    ]);
  });
});

describe('explaining a failure', () => {
  it('shows the failed clause of a list with the value it saw', () => {
    expect(compile({ country: ['US', 'CA'] }).explainFailure({ country: 'DE' })).toBe(
      'country in [US, CA] (was "DE")',
    );
  });

  it('says a value was missing', () => {
    expect(compile({ employees: { gte: 1000 } }).explainFailure({})).toBe(
      'employees gte 1000 (was missing)',
    );
    expect(compile({ employees: { gte: 1000 } }).explainFailure({ employees: '  ' })).toBe(
      'employees gte 1000 (was missing)',
    );
  });

  it('shows a negation that held', () => {
    expect(compile({ not: { source: 'web' } }).explainFailure({ source: 'Web' })).toBe(
      'not (source eq "web")',
    );
    expect(
      compile({ not: { employees: { gte: 10, lt: 50 } } }).explainFailure({ employees: 20 }),
    ).toBe('not (employees gte 10 and employees lt 50)');
    expect(compile({ not: { any: [{ a: 1 }, { b: 2, c: 3 }] } }).explainFailure({ a: 1 })).toBe(
      'not (a eq 1 or (b eq 2 and c eq 3))',
    );
  });

  it('names the first failing clause of an all, in order', () => {
    const c = compile({ country: 'US', employees: { gte: 200, lt: 5000 }, source: 'web' });
    expect(c.explainFailure({ country: 'US', employees: 6000, source: 'ads' })).toBe(
      'employees lt 5000 (was 6000)',
    );
    expect(c.explainFailure({ country: 'us', employees: '300', source: 'ads' })).toBe(
      'source eq "web" (was "ads")',
    );
    expect(c.explainFailure({ country: 'us', employees: '300', source: 'WEB' })).toBeUndefined();
  });

  it('lists every failed alternative of an any', () => {
    expect(
      compile({ any: [{ country: 'US' }, { source: 'web' }] }).explainFailure({
        country: 'DE',
        source: 'ads',
      }),
    ).toBe('none of (country eq "US" (was "DE"); source eq "web" (was "ads"))');
  });

  it('describes each operator in its own words', () => {
    const cases: [unknown, unknown, string][] = [
      [{ ne: 'x' }, 'X', 'f ne "x" (was "X")'],
      [{ in: ['a', 'b'] }, 'c', 'f in [a, b] (was "c")'],
      [{ not_in: ['a b', 'c,d', 7] }, 7, 'f not_in [a b, "c,d", 7] (was 7)'],
      [{ contains: 'corp' }, 'Acme', 'f contains "corp" (was "Acme")'],
      [{ not_contains: 'test' }, 'a test', 'f not_contains "test" (was "a test")'],
      [{ starts_with: 'gtx' }, 'rtx', 'f starts_with "gtx" (was "rtx")'],
      [{ ends_with: '.edu' }, 'a.com', 'f ends_with ".edu" (was "a.com")'],
      [{ gt: 5 }, 5, 'f gt 5 (was 5)'],
      [{ gte: 10 }, 5, 'f gte 10 (was 5)'],
      [{ lt: 10 }, 10, 'f lt 10 (was 10)'],
      [{ lte: 5 }, '6', 'f lte 5 (was "6")'],
      [{ between: [10, 50] }, 3, 'f between [10, 50] (was 3)'],
      [{ exists: true }, null, 'f exists (was missing)'],
      [{ exists: false }, 'x', 'f missing (was "x")'],
      [{ missing: true }, ['a', 'b'], 'f missing (was ["a", "b"])'],
      [{ matches: '^\\d+$' }, 'abc', 'f matches /^\\d+$/ (was "abc")'],
      [{ eq: 'AbC', case_sensitive: true }, 'abc', 'f eq "AbC" (case-sensitive) (was "abc")'],
      [true, false, 'f eq true (was false)'],
    ];
    for (const [clause, value, text] of cases)
      expect(compile({ f: clause }).explainFailure({ f: value })).toBe(text);
    const described = new Set(cases.flatMap(([clause]) => operatorsOf(parse({ f: clause }))));
    expect(OPERATORS.filter((op) => !described.has(op))).toEqual([]);
  });

  it('shortens long lists and long values', () => {
    const c = compile({ f: Array.from({ length: 12 }, (_, i) => `v${i}`) });
    expect(c.explainFailure({ f: 'x'.repeat(100) })).toBe(
      `f in [v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, … 2 more] (was "${'x'.repeat(80)}…")`,
    );
  });
});

describe('agreement of test and explainFailure', () => {
  const fieldNames = ['a', 'b', 'c.d'];
  const scalar = fc.oneof(
    fc.constantFrom(
      'x',
      'X',
      ' x ',
      'y',
      'web',
      'WEB',
      '10',
      ' 7 ',
      'true',
      'no',
      'İ',
      'ß',
      '\u212A',
      'é',
    ),
    fc.integer({ min: -3, max: 12 }),
    fc.boolean(),
  );
  const text = fc.constantFrom('x', 'we', 'eb', '1', 'é', 'k');
  const clause = fc.oneof(
    scalar,
    fc.array(scalar, { minLength: 1, maxLength: 4 }),
    fc
      .record(
        {
          eq: scalar,
          ne: scalar,
          in: fc.array(scalar, { minLength: 1, maxLength: 3 }),
          not_in: fc.array(scalar, { minLength: 1, maxLength: 3 }),
          contains: text,
          not_contains: text,
          starts_with: text,
          ends_with: text,
          gt: fc.integer({ min: -2, max: 12 }),
          lte: fc.integer({ min: -2, max: 12 }),
          between: fc.tuple(fc.integer({ min: -2, max: 5 }), fc.integer({ min: 5, max: 12 })),
          exists: fc.boolean(),
          missing: fc.boolean(),
          matches: fc.constantFrom('^x', 'b$', '\\d'),
          case_sensitive: fc.boolean(),
        },
        { requiredKeys: [] },
      )
      .filter((m) => Object.keys(m).some((k) => k !== 'case_sensitive')),
  );
  const condition = fc.letrec<{ node: Record<string, unknown> }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.dictionary(fc.constantFrom(...fieldNames), clause, { maxKeys: 3 }),
      fc.record({ all: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
      fc.record({ any: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
      fc.record({ not: tie('node') }),
    ),
  })).node;
  const value = fc.oneof(
    scalar,
    fc.constantFrom(undefined, null, '', '  ', Number.NaN),
    fc.array(scalar, { maxLength: 3 }),
  );
  const record = fc.record({ a: value, b: value, 'c.d': value }, { requiredKeys: [] });

  it('explains a failure exactly when the test fails', () => {
    fc.assert(
      fc.property(condition, fc.array(record, { minLength: 1, maxLength: 5 }), (raw, records) => {
        const c = compile(raw);
        for (const f of records as Fields[])
          expect(c.test(f)).toBe(c.explainFailure(f) === undefined);
      }),
      { numRuns: 300 },
    );
  });
});

describe('agreement of the fast text paths with lower-casing', () => {
  const unit = fc.constantFrom(
    'a',
    'A',
    'b',
    'B',
    'k',
    'K',
    '\u212A',
    'i',
    'I',
    '\u0130',
    'ß',
    'é',
    'É',
    'Σ',
    'σ',
    ' ',
    '\u00a0',
    '\t',
    '-',
    '1',
  );
  const str = fc.array(unit, { maxLength: 6 }).map((cs) => cs.join(''));
  const target = str.filter((s) => s.trim() !== '');
  const norm = (s: string) => s.trim().toLowerCase();

  it('agrees with trim().toLowerCase() for eq, in, starts_with, ends_with and contains', () => {
    fc.assert(
      fc.property(target, fc.array(target, { minLength: 2, maxLength: 4 }), str, (t, ts, v) => {
        const present = v.trim() !== '';
        expect(holds({ eq: t }, v)).toBe(present && norm(v) === norm(t));
        expect(holds({ in: ts }, v)).toBe(present && ts.some((x) => norm(x) === norm(v)));
        expect(holds({ starts_with: t }, v)).toBe(present && norm(v).startsWith(norm(t)));
        expect(holds({ ends_with: t }, v)).toBe(present && norm(v).endsWith(norm(t)));
        expect(holds({ contains: t }, v)).toBe(present && norm(v).includes(norm(t)));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the JSON Schema', () => {
  const defs = conditionJsonSchema.$defs as Record<string, Record<string, unknown>>;

  it('offers every operator and the case_sensitive option', () => {
    const props = defs.conditionOperators!.properties as Record<string, unknown>;
    expect(Object.keys(props)).toEqual([...OPERATORS, 'case_sensitive']);
  });

  it('describes the combinators and recurses through $defs.condition', () => {
    expect(conditionJsonSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(conditionJsonSchema.properties as object)).toEqual(['all', 'any', 'not']);
    expect(defs.condition).toEqual({ $ref: '#' });
    const refs = JSON.stringify(conditionJsonSchema).match(/#\/\$defs\/[A-Za-z]+/g) ?? [];
    for (const r of new Set(refs)) expect(defs[r.slice('#/$defs/'.length)], r).toBeDefined();
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(conditionJsonSchema))).toEqual(conditionJsonSchema);
  });
});
