/**
 * What conditions answer, as data: `[name, condition, lead, expected]`, run by one loop in
 * conditions.test.ts. Every operator of the operator table needs at least one case that holds and
 * one that does not (a test checks), so a new operator arrives with its cases. Each case of a
 * positive operator on one field also checks its negative twin, which must answer the opposite.
 *
 * Errors, explanations and behaviour on missing values across all operators are tested as
 * sentences in conditions.test.ts.
 */

/** A condition (the `when` of a rule), a lead's fields by name, and whether the condition holds. */
export type ConditionCase = readonly [
  name: string,
  condition: Readonly<Record<string, unknown>>,
  lead: Readonly<Record<string, unknown>>,
  expected: boolean,
];

const COUNTRIES = ['us', 'CA', 'Mx', 'de', 'fr', 'gb', 'it', 'es'];
const TERRITORY = ['dach', 'emea-north'];
const MANY_VALUES = Array.from({ length: 5000 }, (_, i) => `Value-${i}`);
const NUMBER_CLAUSES = [{ gt: 0 }, { gte: 0 }, { lt: 1e9 }, { lte: 1e9 }, { between: [-1e9, 1e9] }];
const NESTED = {
  any: [{ country: ['US', 'CA'] }, { all: [{ region: 'EMEA' }, { not: { source: 'partner' } }] }],
  not: { email_domain: { ends_with: '.edu' } },
};
const PRESENT = { f0: 1, f1: 1, f2: 1, f3: 1, f4: 1 };
const LONG = {
  any: Array.from({ length: 6 }, (_, i) => ({ n: i })),
  all: Array.from({ length: 5 }, (_, i) => ({ [`f${i}`]: { exists: true } })),
};

export const CASES: readonly ConditionCase[] = [
  // ---- eq, and a scalar as shorthand for it ----------------------------------------------------
  ['eq: text is trimmed and case-folded', { x: 'web' }, { x: ' WEB ' }, true],
  ['eq: the condition text is trimmed too', { x: ' Web' }, { x: 'web' }, true],
  ['eq: a longer text is not equal', { x: 'web' }, { x: 'webinar' }, false],
  ['eq: ß does not fold to ss', { x: { eq: 'Straße' } }, { x: 'STRASSE' }, false],
  ['eq: non-ASCII text is lower-cased', { x: { eq: 'Émile' } }, { x: ' émile ' }, true],
  [
    'eq: case_sensitive still trims',
    { x: { eq: 'AbC', case_sensitive: true } },
    { x: ' AbC ' },
    true,
  ],
  [
    'eq: case_sensitive respects case',
    { x: { eq: 'AbC', case_sensitive: true } },
    { x: 'abc' },
    false,
  ],
  ['eq: a number matches numeric text', { x: 1200 }, { x: '1200' }, true],
  ['eq: a number matches padded decimal text', { x: 1200 }, { x: ' 1200.0 ' }, true],
  ['eq: numeric text matches a number', { x: '1200' }, { x: 1200 }, true],
  ['eq: a number does not match text with a comma', { x: 1200 }, { x: '1,200' }, false],
  ['eq: numeric text compares with text as text', { x: '1200' }, { x: '1200.0' }, false],
  ['eq: true matches true', { x: true }, { x: true }, true],
  ['eq: true matches "true"', { x: true }, { x: 'true' }, true],
  ['eq: true matches "YES"', { x: true }, { x: 'YES' }, true],
  ['eq: true matches " 1 "', { x: true }, { x: ' 1 ' }, true],
  ['eq: true matches 1', { x: true }, { x: 1 }, true],
  ['eq: false matches false', { x: false }, { x: false }, true],
  ['eq: false matches "false"', { x: false }, { x: 'false' }, true],
  ['eq: false matches "No"', { x: false }, { x: 'No' }, true],
  ['eq: false matches "0"', { x: false }, { x: '0' }, true],
  ['eq: false matches 0', { x: false }, { x: 0 }, true],
  ['eq: true does not match false', { x: true }, { x: false }, false],
  ['eq: true does not match "no"', { x: true }, { x: 'no' }, false],
  ['eq: true does not match "maybe"', { x: true }, { x: 'maybe' }, false],
  ['eq: true does not match 2', { x: true }, { x: 2 }, false],
  ['eq: "yes" matches true', { x: 'yes' }, { x: true }, true],
  ['eq: any element of a list value', { x: 'DACH' }, { x: TERRITORY }, true],
  ['eq: the Kelvin sign lower-cases to k', { x: 'key' }, { x: '\u212Aey' }, true],
  ['eq: İ lower-cases to two characters', { x: { eq: 'i' } }, { x: '\u0130' }, false],
  [
    'eq: dots are part of the field name',
    { 'account.strategic': true },
    { 'account.strategic': true },
    true,
  ],
  [
    'eq: a nested object is not a dotted field',
    { 'account.strategic': true },
    { account: { strategic: true } },
    false,
  ],
  [
    'eq: an own property named like an inherited one',
    { constructor: 'x' },
    { constructor: 'X' },
    true,
  ],

  // ---- in, and a list as shorthand for it -------------------------------------------------------
  ['in: upper case value', { x: COUNTRIES }, { x: 'US' }, true],
  ['in: lower case value', { x: COUNTRIES }, { x: 'us' }, true],
  ['in: mixed case value', { x: COUNTRIES }, { x: 'Us' }, true],
  ['in: padded value', { x: COUNTRIES }, { x: ' ca ' }, true],
  ['in: member written in mixed case', { x: COUNTRIES }, { x: 'MX' }, true],
  ['in: another mixed case value', { x: COUNTRIES }, { x: 'De' }, true],
  ['in: not a member', { x: COUNTRIES }, { x: 'AT' }, false],
  ['in: a longer text', { x: COUNTRIES }, { x: 'usa' }, false],
  ['in: a shorter text', { x: COUNTRIES }, { x: 'u' }, false],
  ['in: empty text', { x: COUNTRIES }, { x: '' }, false],
  [
    'in: case_sensitive respects case',
    { x: { in: ['AbC', 'x'], case_sensitive: true } },
    { x: 'ABC' },
    false,
  ],
  [
    'in: case_sensitive still trims',
    { x: { in: ['AbC', 'x'], case_sensitive: true } },
    { x: ' AbC' },
    true,
  ],
  ['in: numeric text matches a number', { x: ['5', '10'] }, { x: 10 }, true],
  ['in: [true] matches "yes"', { x: [true] }, { x: 'yes' }, true],
  ['in: any element of a list value', { x: ['nordics', 'emea-north'] }, { x: TERRITORY }, true],
  ['in: the Kelvin sign in a set', { x: ['key', 'x'] }, { x: '\u212AEY' }, true],
  ['in: the last of 5,000 values', { x: MANY_VALUES }, { x: 'value-4999' }, true],
  ['in: the first of 5,000 values', { x: MANY_VALUES }, { x: 'VALUE-0' }, true],
  ['in: not one of 5,000 values', { x: MANY_VALUES }, { x: 'value-5000' }, false],

  // ---- ne, not_in -------------------------------------------------------------------------------
  [
    'ne: false when an element of a list value equals',
    { x: { ne: 'dach' } },
    { x: TERRITORY },
    false,
  ],
  ['ne: true when no element equals', { x: { ne: 'benelux' } }, { x: TERRITORY }, true],
  [
    'not_in: false when an element of a list value is in',
    { x: { not_in: ['benelux', 'dach'] } },
    { x: TERRITORY },
    false,
  ],
  [
    'not_in: true when no element is in',
    { x: { not_in: ['benelux', 'nordics'] } },
    { x: TERRITORY },
    true,
  ],

  // ---- contains, not_contains -------------------------------------------------------------------
  ['contains: case-insensitive', { x: { contains: 'corp' } }, { x: 'Acme CORPORATION' }, true],
  ['contains: spaces inside count', { x: { contains: 'corp' } }, { x: 'co rp' }, false],
  [
    'contains: case_sensitive, same case',
    { x: { contains: 'Corp', case_sensitive: true } },
    { x: 'Acme Corp' },
    true,
  ],
  [
    'contains: case_sensitive, other case',
    { x: { contains: 'Corp', case_sensitive: true } },
    { x: 'ACME CORP' },
    false,
  ],
  [
    'contains: any element of a list value',
    { x: { contains: 'test' } },
    { x: ['alpha', 'Testing'] },
    true,
  ],
  ['contains: a boolean is read as its text', { x: { contains: 'ru' } }, { x: true }, true],
  ['contains: non-ASCII text', { x: { contains: 'ü' } }, { x: 'MÜNCHEN' }, true],
  [
    'not_contains: true when no element contains',
    { x: { not_contains: 'test' } },
    { x: ['alpha', 'beta'] },
    true,
  ],
  [
    'not_contains: false when an element contains',
    { x: { not_contains: 'test' } },
    { x: ['alpha', 'Testing'] },
    false,
  ],

  // ---- starts_with, ends_with -------------------------------------------------------------------
  [
    'starts_with: trimmed and case-insensitive',
    { x: { starts_with: 'gtx' } },
    { x: '  GTX-9000' },
    true,
  ],
  ['starts_with: another prefix', { x: { starts_with: 'gtx' } }, { x: 'rtx' }, false],
  [
    'starts_with: case_sensitive still trims',
    { x: { starts_with: 'GTX', case_sensitive: true } },
    { x: ' GTX-1' },
    true,
  ],
  ['starts_with: a number operand is its text', { x: { starts_with: 94 } }, { x: '94107' }, true],
  ['starts_with: a number value is its text', { x: { starts_with: '94' } }, { x: 94107 }, true],
  ['starts_with: non-ASCII text', { x: { starts_with: 'zür' } }, { x: 'Zürich' }, true],
  [
    'ends_with: trimmed and case-insensitive',
    { x: { ends_with: '.EDU' } },
    { x: 'mit.edu  ' },
    true,
  ],
  ['ends_with: another suffix', { x: { ends_with: '.edu' } }, { x: 'edu.com' }, false],
  [
    'ends_with: case_sensitive respects case',
    { x: { ends_with: 'Inc', case_sensitive: true } },
    { x: 'Acme inc' },
    false,
  ],
  [
    'ends_with: the Kelvin sign lower-cases to k',
    { x: { ends_with: 'KEY' } },
    { x: 'the \u212Aey' },
    true,
  ],

  // ---- gt, gte, lt, lte, between ---------------------------------------------------------------
  ['gt: a number', { x: { gt: 1000 } }, { x: 1200 }, true],
  ['gt: numeric text', { x: { gt: 1000 } }, { x: '1200' }, true],
  ['gt: exponent notation', { x: { gt: -5 } }, { x: '-1e0' }, true],
  ['gt: no element of a list value in range', { x: { gt: 100 } }, { x: [5, 15] }, false],
  ['gte: padded numeric text', { x: { gte: 15 } }, { x: ' 15 ' }, true],
  ['lt: decimal text', { x: { lt: 10 } }, { x: '9.5' }, true],
  ['lt: equal is not less', { x: { lt: 10 } }, { x: 10 }, false],
  ['lte: equal', { x: { lte: 10 } }, { x: 10 }, true],
  ...['lots', '1,200', 'Infinity', true, {}].flatMap((value) =>
    NUMBER_CLAUSES.map((clause): ConditionCase => [
      `${Object.keys(clause)[0]!}: ${JSON.stringify(value)} is not a number`,
      { x: clause },
      { x: value },
      false,
    ]),
  ),
  ['gte and lt: the low bound', { employees: { gte: 200, lt: 5000 } }, { employees: 200 }, true],
  ['gte and lt: numeric text', { employees: { gte: 200, lt: 5000 } }, { employees: '4999' }, true],
  ['gte and lt: the high bound', { employees: { gte: 200, lt: 5000 } }, { employees: 5000 }, false],
  ['gte and lt: below', { employees: { gte: 200, lt: 5000 } }, { employees: 199 }, false],
  ['between: the low bound is included', { x: { between: [10, 50] } }, { x: 10 }, true],
  ['between: the high bound is included', { x: { between: [10, 50] } }, { x: '50' }, true],
  ['between: above', { x: { between: [10, 50] } }, { x: 50.01 }, false],
  ['between: below', { x: { between: [10, 50] } }, { x: 9 }, false],
  ['between: any element of a list value', { x: { between: [10, 20] } }, { x: [5, '15'] }, true],

  // ---- exists, missing --------------------------------------------------------------------------
  ['exists: zero is present', { x: { exists: true } }, { x: 0 }, true],
  ['exists: false is present', { x: { exists: true } }, { x: false }, true],
  ['exists: a list with one present element', { x: { exists: true } }, { x: ['', 'x'] }, true],
  ['missing: zero is present', { x: { missing: true } }, { x: 0 }, false],
  ['missing: false is present', { x: { missing: true } }, { x: false }, false],
  ['missing: a list with one present element', { x: { missing: true } }, { x: ['', 'x'] }, false],
  ['exists: an inherited property is not a field', { constructor: { exists: true } }, {}, false],
  ['missing: an inherited property is not a field', { toString: { missing: true } }, {}, true],

  // ---- matches ----------------------------------------------------------------------------------
  [
    'matches: case-insensitive on trimmed text',
    { x: { matches: '^[a-z]+@acme\\.com$' } },
    { x: ' Jane@ACME.com ' },
    true,
  ],
  [
    'matches: case_sensitive respects case',
    { x: { matches: '^[a-z]+@acme\\.com$', case_sensitive: true } },
    { x: 'Jane@acme.com' },
    false,
  ],
  ['matches: a number is read as its text', { x: { matches: '^\\d{5}$' } }, { x: 94107 }, true],
  [
    'matches: within the first 1,000 characters',
    { x: { matches: 'needle' } },
    { x: `${'x'.repeat(990)}needle` },
    true,
  ],
  [
    'matches: beyond the first 1,000 characters',
    { x: { matches: 'needle' } },
    { x: `${'x'.repeat(1000)}needle` },
    false,
  ],
  [
    'matches: a long value is cut to 1,000',
    { x: { matches: '^x{1000}$' } },
    { x: 'x'.repeat(5000) },
    true,
  ],
  [
    'matches: any element of a list value',
    { x: { matches: '^emea-' } },
    { x: ['apac', 'EMEA-north'] },
    true,
  ],

  // ---- all, any, not ----------------------------------------------------------------------------
  ['any: the first alternative', NESTED, { country: 'US', email_domain: 'acme.com' }, true],
  [
    'all inside any, with a not that holds',
    NESTED,
    { country: 'DE', region: ['EMEA'], source: 'web', email_domain: 'acme.com' },
    true,
  ],
  [
    'all inside any, with a not that fails',
    NESTED,
    { country: 'DE', region: ['EMEA'], source: 'partner', email_domain: 'acme.com' },
    false,
  ],
  ['not: a negated clause that holds', NESTED, { country: 'US', email_domain: 'mit.edu' }, false],
  ['any: no alternative holds', NESTED, { country: 'BR', region: ['LATAM'] }, false],
  ['any of six, all of five: the last alternative', LONG, { ...PRESENT, n: 5 }, true],
  ['any of six, all of five: no alternative', LONG, { ...PRESENT, n: 6 }, false],
  ['any of six, all of five: one part missing', LONG, { ...PRESENT, f4: undefined, n: 5 }, false],
];
