/**
 * The rule-condition language: the `when:` of a policy rule.
 *
 * A condition is a map whose entries must all hold. `all: [...]`, `any: [...]` and `not: {...}`
 * combine conditions; every other key names a lead field, looked up as a flat key (dots are part of
 * the name: `account.strategic`). A field's value is a scalar (equals), a list (in) or a map of
 * operators that must all hold, plus the option `case_sensitive: true`.
 *
 * Three stages, so each can be good at one thing:
 * - `parseCondition` (parser.ts) checks a document and reports every problem with its path and
 *   what is allowed;
 * - `compileCondition` (compiler.ts) turns the tree into closures specialised per operator, so the
 *   hot path does no dispatch on operator names;
 * - `explainFailure` re-runs the same closures to name the first clause that failed, so an
 *   explanation can never disagree with the decision.
 *
 * Every operator lives in one entry of the operator table (operators.ts): its aliases, how its
 * operand is checked, what it compiles to, how it is worded and its JSON Schema. Text folding is
 * in text.ts, missing and list values in predicates.ts.
 *
 * Missing values (undefined, null, blank text, NaN, a list without a present element) make every
 * operator false except the negative ones (`ne`, `not_in`, `not_contains`) and `missing` /
 * `exists: false`. A list value (`territory`, `region`, `languages`) satisfies a positive operator
 * when any element does; a negative operator is the exact negation of its positive twin.
 */
export { parseCondition } from './parser.ts';
export { compileCondition } from './compiler.ts';
export { conditionJsonSchema } from './schema.ts';
export {
  OPERATOR_TABLE,
  OPERATORS,
  type Operator,
  type OperatorClause,
  type OperatorSpec,
} from './operators.ts';
export {
  FieldLayout,
  type CompiledCondition,
  type ConditionNode,
  type Fields,
  type Scalar,
} from './types.ts';
