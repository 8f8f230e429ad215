/**
 * Operands as a policy writes them: reading scalars, lists and numbers with errors that name the
 * path, and the JSON Schema fragments the operator table builds its entries from.
 */
import type { PolicyIssue } from '../issues.ts';
import { joinPath } from '../issues.ts';
import { describeInput } from './describe.ts';
import { numberOfText } from './text.ts';
import type { Scalar } from './types.ts';

/** Records an error at `path`. */
export function reportError(issues: PolicyIssue[], path: string, message: string): void {
  issues.push({ severity: 'error', path, message });
}

/** A YAML or JSON map (not a list, not null). */
export function isMap(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Non-blank text, a finite number or a boolean; `hint` is appended to the error. */
export function parseScalar(
  x: unknown,
  path: string,
  issues: PolicyIssue[],
  hint = '',
): Scalar | undefined {
  if (typeof x === 'string') {
    if (x.trim() !== '') return x;
    reportError(
      issues,
      path,
      'expected a non-empty value; use { missing: true } for a missing field',
    );
    return undefined;
  }
  if (typeof x === 'number') {
    if (Number.isFinite(x)) return x;
    reportError(issues, path, `expected a finite number, got ${x}`);
    return undefined;
  }
  if (typeof x === 'boolean') return x;
  reportError(issues, path, `expected a string, number or boolean, got ${describeInput(x)}${hint}`);
  return undefined;
}

/** A non-empty list of scalars; each bad element is reported at its own index. */
export function parseList(
  list: readonly unknown[],
  path: string,
  issues: PolicyIssue[],
  hint = '',
): Scalar[] | undefined {
  if (list.length === 0) {
    reportError(issues, path, 'expected a non-empty list of values');
    return undefined;
  }
  const before = issues.length;
  const values = list.map((x, i) => parseScalar(x, joinPath(path, i), issues, hint));
  return issues.length === before ? (values as Scalar[]) : undefined;
}

/** Finite numbers and numeric text (`"1200"`), as the runtime coerces field values the same way. */
export function parseNumber(x: unknown): number | undefined {
  if (typeof x === 'number') return Number.isFinite(x) ? x : undefined;
  if (typeof x === 'string') {
    const n = numberOfText(x);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

/** A reference to a definition of the condition schema (`#/$defs/<name>`). */
export const schemaRef = (name: string) => ({ $ref: `#/$defs/${name}` });

/** Schema of a text operand: YAML reads `starts_with: 94` as a number, so numbers are allowed. */
export const textSchema = (description: string) => ({
  anyOf: [{ type: 'string', minLength: 1 }, { type: 'number' }],
  description,
});

/** Schema of a numeric operand: a number or numeric text. */
export const numberSchema = (description: string) => ({
  anyOf: [
    { type: 'number' },
    { type: 'string', pattern: '^\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?\\s*$' },
  ],
  description,
});
