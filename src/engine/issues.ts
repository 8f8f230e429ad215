/**
 * Problems found in a policy or an input: each names where (a path such as `rules[3].when.country`)
 * and what is wrong or allowed. Errors stop compilation; warnings are reported and allowed.
 */
export interface PolicyIssue {
  severity: 'error' | 'warning';
  /** Dotted path with array indexes, e.g. `pools.emea.members[2].owner`; empty for the document. */
  path: string;
  message: string;
}

/** Thrown for invalid input; carries every issue found, not only the first. */
export class ValidationError extends Error {
  readonly issues: readonly PolicyIssue[];
  constructor(issues: readonly PolicyIssue[], what = 'input') {
    const errors = issues.filter((i) => i.severity === 'error');
    super(`invalid ${what}: ${errors.map(formatIssue).join('; ')}`);
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

/** `rules[3].when.country: unknown operator "inn"; expected one of …` */
export function formatIssue(issue: PolicyIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

/** Joins a parent path and a key or index the way issue paths are written. */
export function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const safe = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : JSON.stringify(key);
  return parent ? `${parent}.${safe}` : safe;
}
