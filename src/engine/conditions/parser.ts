/**
 * Parsing a condition document: the combinators `all`, `any`, `not`, field names and the shorthand
 * values (a scalar is `eq`, a list is `in`), with every problem reported at its path along with
 * what is allowed and, for a near miss, what was probably meant. Operands are checked by their
 * operator's entry in the operator table.
 */
import { distance } from 'fastest-levenshtein';
import { joinPath, type PolicyIssue } from '../issues.ts';
import { describeInput } from './describe.ts';
import { isMap, parseList, parseScalar, reportError } from './operands.ts';
import {
  CASE_SENSITIVE,
  isOperator,
  OPERATOR_ALIASES,
  OPERATORS,
  parseClause,
  type OperatorClause,
} from './operators.ts';
import { ALWAYS, type ConditionNode } from './types.ts';

const COMBINATORS = ['all', 'any', 'not'] as const;

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
    reportError(
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
        reportError(
          issues,
          p,
          `expected a non-empty list of conditions, got ${describeInput(value)}`,
        );
      } else {
        const kids = value.map((c, i) => parseNode(c, joinPath(p, i), issues));
        if (kids.every((k): k is ConditionNode => k !== undefined))
          child = { kind: key, children: kids };
      }
    } else if (key === 'not') {
      if (Array.isArray(value)) {
        reportError(
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
    reportError(issues, path, 'expected a field name, got an empty key');
    return undefined;
  }
  if (field.trim() !== field) {
    reportError(issues, path, `field name ${JSON.stringify(field)} has leading or trailing spaces`);
    return undefined;
  }
  if (isOperator(field) || field === CASE_SENSITIVE) {
    // A lead attribute named like an operator is far less likely than a forgotten field name.
    reportError(
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
    reportError(
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
  if (Object.hasOwn(map, CASE_SENSITIVE)) {
    const cs = map[CASE_SENSITIVE];
    if (typeof cs === 'boolean') caseSensitive = cs;
    else
      reportError(
        issues,
        joinPath(path, CASE_SENSITIVE),
        `expected true or false, got ${describeInput(cs)}`,
      );
  }
  const ops: OperatorClause[] = [];
  if (Object.keys(map).every((k) => k === CASE_SENSITIVE)) {
    reportError(issues, path, `expected at least one operator: ${OPERATORS.join(', ')}`);
  }
  for (const [name, arg] of Object.entries(map)) {
    if (name === CASE_SENSITIVE) continue;
    if (!isOperator(name)) {
      const suggestion = suggestOperator(name);
      reportError(
        issues,
        path,
        `unknown operator ${JSON.stringify(name)}; expected one of ${OPERATORS.join(', ')} (or the option ${CASE_SENSITIVE})` +
          (suggestion ? `; did you mean ${suggestion}?` : combinatorHint(field)),
      );
      continue;
    }
    const op = parseClause(name, arg, joinPath(path, name), issues, caseSensitive);
    if (op) ops.push(op);
  }
  if (issues.length !== before) return undefined;
  return { kind: 'field', field, ops, caseSensitive };
}

/** `alll: [{…}]` parses as a field named "alll"; say so when its value looks like conditions. */
function combinatorHint(field: string): string {
  const near = COMBINATORS.find((c) => distance(c, field.toLowerCase()) <= 1);
  return near ? `; "${field}" is read as a field name: did you mean ${near}?` : '';
}

/** The operator (or option) an unknown name most likely meant: by case, alias or spelling. */
function suggestOperator(name: string): string | undefined {
  const word = name.trim().toLowerCase();
  if (isOperator(word)) return word;
  const alias = OPERATOR_ALIASES.get(word) ?? OPERATOR_ALIASES.get(word.replace(/[\s-]+/g, '_'));
  if (alias) return alias;
  let best: string | undefined;
  let bestDistance = word.length <= 4 ? 1 : 2;
  for (const op of [...OPERATORS, CASE_SENSITIVE]) {
    const d = distance(word, op);
    if (d < bestDistance || (d === bestDistance && best === undefined)) {
      best = op;
      bestDistance = d;
    }
  }
  return best;
}
