import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileCondition,
  conditionJsonSchema,
  OPERATORS,
  parseCondition,
  type CompiledCondition,
  type ConditionNode,
} from './index.ts';
import { formatIssue, type PolicyIssue } from '../issues.ts';

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
    const c = compile({ 'account.strategic': true });
    expect(c.fields).toEqual(['account.strategic']);
    expect(c.test({ 'account.strategic': true })).toBe(true);
    expect(c.test({ account: { strategic: true } })).toBe(false);
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

  it('reads a number given to a text operator as its text', () => {
    expect(holds({ starts_with: 94 }, '94107')).toBe(true);
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

describe('equality and membership', () => {
  it('compares text trimmed and case-insensitively by default', () => {
    expect(holds('web', ' WEB ')).toBe(true);
    expect(holds(' Web', 'web')).toBe(true);
    expect(holds('web', 'webinar')).toBe(false);
    expect(holds({ eq: 'Straße' }, 'STRASSE')).toBe(false);
    expect(holds({ eq: 'Émile' }, ' émile ')).toBe(true);
  });

  it('respects case when case_sensitive is true, still trimming', () => {
    expect(holds({ eq: 'AbC', case_sensitive: true }, ' AbC ')).toBe(true);
    expect(holds({ eq: 'AbC', case_sensitive: true }, 'abc')).toBe(false);
    expect(holds({ in: ['AbC', 'x'], case_sensitive: true }, 'ABC')).toBe(false);
    expect(holds({ in: ['AbC', 'x'], case_sensitive: true }, ' AbC')).toBe(true);
  });

  it('matches in against a normalised set, whatever the case of the value', () => {
    const countries = ['us', 'CA', 'Mx', 'de', 'fr', 'gb', 'it', 'es'];
    for (const value of ['US', 'us', 'Us', ' ca ', 'MX', 'De'])
      expect(holds(countries, value), value).toBe(true);
    for (const value of ['AT', 'usa', 'u', '']) expect(holds(countries, value), value).toBe(false);
  });

  it('compares a number with numeric text numerically, in both directions', () => {
    expect(holds(1200, '1200')).toBe(true);
    expect(holds(1200, ' 1200.0 ')).toBe(true);
    expect(holds('1200', 1200)).toBe(true);
    expect(holds(['5', '10'], 10)).toBe(true);
    expect(holds(1200, '1,200')).toBe(false);
    expect(holds('1200', '1200.0')).toBe(false);
  });

  it('reads true from true, "true", "yes" and "1" and false likewise', () => {
    for (const value of [true, 'true', 'YES', ' 1 ', 1])
      expect(holds(true, value), String(value)).toBe(true);
    for (const value of [false, 'false', 'No', '0', 0])
      expect(holds(false, value), String(value)).toBe(true);
    for (const value of [false, 'no', 'maybe', 2])
      expect(holds(true, value), String(value)).toBe(false);
    expect(holds('yes', true)).toBe(true);
    expect(holds([true], 'yes')).toBe(true);
  });

  it('matches eq and in when any element of a list value matches, ne and not_in when none does', () => {
    const territory = ['dach', 'emea-north'];
    expect(holds('DACH', territory)).toBe(true);
    expect(holds(['nordics', 'emea-north'], territory)).toBe(true);
    expect(holds({ ne: 'dach' }, territory)).toBe(false);
    expect(holds({ ne: 'benelux' }, territory)).toBe(true);
    expect(holds({ not_in: ['benelux', 'dach'] }, territory)).toBe(false);
    expect(holds({ not_in: ['benelux', 'nordics'] }, territory)).toBe(true);
  });

  it('finds members of a large in list, whatever their position', () => {
    const values = Array.from({ length: 5000 }, (_, i) => `Value-${i}`);
    const c = compile({ x: values });
    expect(c.test({ x: 'value-4999' })).toBe(true);
    expect(c.test({ x: 'VALUE-0' })).toBe(true);
    expect(c.test({ x: 'value-5000' })).toBe(false);
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

  it('counts zero, false and a list with one present element as present', () => {
    for (const value of [0, false, ['', 'x']]) {
      expect(holds({ exists: true }, value)).toBe(true);
      expect(holds({ missing: true }, value)).toBe(false);
    }
  });
});

describe('text operators', () => {
  it('matches contains, starts_with and ends_with case-insensitively on trimmed text', () => {
    expect(holds({ contains: 'corp' }, 'Acme CORPORATION')).toBe(true);
    expect(holds({ starts_with: 'gtx' }, '  GTX-9000')).toBe(true);
    expect(holds({ ends_with: '.EDU' }, 'mit.edu  ')).toBe(true);
    expect(holds({ starts_with: 'gtx' }, 'rtx')).toBe(false);
    expect(holds({ ends_with: '.edu' }, 'edu.com')).toBe(false);
    expect(holds({ contains: 'corp' }, 'co rp')).toBe(false);
  });

  it('respects case in text operators when asked', () => {
    expect(holds({ contains: 'Corp', case_sensitive: true }, 'Acme Corp')).toBe(true);
    expect(holds({ contains: 'Corp', case_sensitive: true }, 'ACME CORP')).toBe(false);
    expect(holds({ starts_with: 'GTX', case_sensitive: true }, ' GTX-1')).toBe(true);
    expect(holds({ ends_with: 'Inc', case_sensitive: true }, 'Acme inc')).toBe(false);
  });

  it('makes not_contains true when no element of a list contains the text', () => {
    expect(holds({ not_contains: 'test' }, ['alpha', 'beta'])).toBe(true);
    expect(holds({ not_contains: 'test' }, ['alpha', 'Testing'])).toBe(false);
    expect(holds({ contains: 'test' }, ['alpha', 'Testing'])).toBe(true);
  });

  it('reads numbers and booleans as text for text operators', () => {
    expect(holds({ starts_with: '94' }, 94107)).toBe(true);
    expect(holds({ contains: 'ru' }, true)).toBe(true);
  });

  it('handles non-ASCII text the same way as lower-casing does', () => {
    expect(holds({ contains: 'ü' }, 'MÜNCHEN')).toBe(true);
    expect(holds({ starts_with: 'zür' }, 'Zürich')).toBe(true);
    expect(holds({ ends_with: 'KEY' }, 'the \u212Aey')).toBe(true); // Kelvin sign lower-cases to "k"
    expect(holds('key', '\u212Aey')).toBe(true);
    expect(holds(['key', 'x'], '\u212AEY')).toBe(true);
    expect(holds({ eq: 'i' }, '\u0130')).toBe(false); // İ lower-cases to two characters
  });
});

describe('numeric operators', () => {
  it('compares numbers and numeric text', () => {
    expect(holds({ gt: 1000 }, 1200)).toBe(true);
    expect(holds({ gt: 1000 }, '1200')).toBe(true);
    expect(holds({ gte: 15 }, ' 15 ')).toBe(true);
    expect(holds({ lt: 10 }, '9.5')).toBe(true);
    expect(holds({ lte: 10 }, 10)).toBe(true);
    expect(holds({ lt: 10 }, 10)).toBe(false);
    expect(holds({ gt: -5 }, '-1e0')).toBe(true);
  });

  it('treats non-numeric values as failing every comparison', () => {
    for (const value of ['lots', '1,200', 'Infinity', true, {}]) {
      for (const clause of [
        { gt: 0 },
        { gte: 0 },
        { lt: 1e9 },
        { lte: 1e9 },
        { between: [-1e9, 1e9] },
      ]) {
        expect(holds(clause, value), `${JSON.stringify(clause)} on ${String(value)}`).toBe(false);
      }
    }
  });

  it('includes both bounds of between', () => {
    expect(holds({ between: [10, 50] }, 10)).toBe(true);
    expect(holds({ between: [10, 50] }, '50')).toBe(true);
    expect(holds({ between: [10, 50] }, 50.01)).toBe(false);
    expect(holds({ between: [10, 50] }, 9)).toBe(false);
  });

  it('ANDs several operators on one field', () => {
    const c = compile({ employees: { gte: 200, lt: 5000 } });
    expect(c.test({ employees: 200 })).toBe(true);
    expect(c.test({ employees: '4999' })).toBe(true);
    expect(c.test({ employees: 5000 })).toBe(false);
    expect(c.test({ employees: 199 })).toBe(false);
  });

  it('is satisfied when any element of a list is in range', () => {
    expect(holds({ between: [10, 20] }, [5, '15'])).toBe(true);
    expect(holds({ gt: 100 }, [5, 15])).toBe(false);
  });
});

describe('regular expressions', () => {
  it('matches case-insensitively unless case_sensitive, on trimmed text', () => {
    expect(holds({ matches: '^[a-z]+@acme\\.com$' }, ' Jane@ACME.com ')).toBe(true);
    expect(holds({ matches: '^[a-z]+@acme\\.com$', case_sensitive: true }, 'Jane@acme.com')).toBe(
      false,
    );
    expect(holds({ matches: '^\\d{5}$' }, 94107)).toBe(true);
  });

  it('looks only at the first 1,000 characters of a value', () => {
    expect(holds({ matches: 'needle' }, `${'x'.repeat(990)}needle`)).toBe(true);
    expect(holds({ matches: 'needle' }, `${'x'.repeat(1000)}needle`)).toBe(false);
    expect(holds({ matches: '^x{1000}$' }, 'x'.repeat(5000))).toBe(true);
  });

  it('matches a list value when any element matches', () => {
    expect(holds({ matches: '^emea-' }, ['apac', 'EMEA-north'])).toBe(true);
  });
});

describe('combinators', () => {
  const c = compile({
    any: [{ country: ['US', 'CA'] }, { all: [{ region: 'EMEA' }, { not: { source: 'partner' } }] }],
    not: { email_domain: { ends_with: '.edu' } },
  });

  it('evaluates nested all, any and not', () => {
    expect(c.test({ country: 'US', email_domain: 'acme.com' })).toBe(true);
    expect(
      c.test({ country: 'DE', region: ['EMEA'], source: 'web', email_domain: 'acme.com' }),
    ).toBe(true);
    expect(
      c.test({ country: 'DE', region: ['EMEA'], source: 'partner', email_domain: 'acme.com' }),
    ).toBe(false);
    expect(c.test({ country: 'US', email_domain: 'mit.edu' })).toBe(false);
    expect(c.test({ country: 'BR', region: ['LATAM'] })).toBe(false);
  });

  it('evaluates long lists of children', () => {
    const many = compile({
      any: Array.from({ length: 6 }, (_, i) => ({ n: i })),
      all: Array.from({ length: 5 }, (_, i) => ({ [`f${i}`]: { exists: true } })),
    });
    const present = { f0: 1, f1: 1, f2: 1, f3: 1, f4: 1 };
    expect(many.test({ ...present, n: 5 })).toBe(true);
    expect(many.test({ ...present, n: 6 })).toBe(false);
    expect(many.test({ ...present, f4: undefined, n: 5 })).toBe(false);
  });

  it('does not read inherited properties as fields', () => {
    expect(compile({ constructor: { exists: true } }).test({})).toBe(false);
    expect(compile({ toString: { missing: true } }).test({})).toBe(true);
    expect(compile({ constructor: 'x' }).test({ constructor: 'X' })).toBe(true);
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
      [{ not_in: ['a b', 'c,d', 7] }, 7, 'f not_in [a b, "c,d", 7] (was 7)'],
      [{ contains: 'corp' }, 'Acme', 'f contains "corp" (was "Acme")'],
      [{ not_contains: 'test' }, 'a test', 'f not_contains "test" (was "a test")'],
      [{ starts_with: 'gtx' }, 'rtx', 'f starts_with "gtx" (was "rtx")'],
      [{ ends_with: '.edu' }, 'a.com', 'f ends_with ".edu" (was "a.com")'],
      [{ gt: 5 }, 5, 'f gt 5 (was 5)'],
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
