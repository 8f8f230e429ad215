/**
 * JSON Schema (draft 2020-12) of the condition grammar, for editor completion. The operators and
 * their operands come from the operator table; this module adds the combinators and shorthands.
 */
import { schemaRef as ref } from './operands.ts';
import { CASE_SENSITIVE, OPERATOR_TABLE, OPERATORS } from './operators.ts';

/** The operators that hold on a missing field: the negative ones, and `exists: false`. */
const holdingWhenMissing = [
  ...OPERATORS.filter((op) => OPERATOR_TABLE[op].negates),
  'exists: false',
];

/**
 * The root is the condition itself; recursion goes through `#/$defs/condition`, which the policy
 * schema replaces with this root when it splices the grammar in (engine/json-schema.ts), so
 * `$defs.condition` here only points back to the root for standalone use. Definition names are
 * prefixed to avoid clashes.
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
  propertyNames: { minLength: 1, not: { enum: [...OPERATORS, CASE_SENSITIVE] } },
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
      description: `Operators on one field; all must hold. On a missing field only ${holdingWhenMissing.slice(0, -1).join(', ')} and ${holdingWhenMissing.at(-1)!} hold.`,
      minProperties: 1,
      additionalProperties: false,
      properties: {
        ...Object.fromEntries(OPERATORS.map((op) => [op, OPERATOR_TABLE[op].schema])),
        [CASE_SENSITIVE]: {
          type: 'boolean',
          description: 'Compare text respecting case (default: case-insensitive).',
        },
      },
    },
  },
};
