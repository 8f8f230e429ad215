/**
 * Errors the service raises for bad input and conflicts. Each has a stable code; the API maps
 * codes to HTTP statuses in one table (src/api/errors.ts), together with the codes only HTTP
 * produces (a body too large, a Content-Type no route takes). Expected routing outcomes (queued,
 * unroutable) are values, never errors.
 */
import { ValidationError, type PolicyIssue } from '../engine/index.ts';

/** One problem with a request, located by a path such as `leads[3].email` or `rules[2].when`. */
export interface ErrorDetail {
  path: string;
  message: string;
}

export const ERROR_CODES = [
  'validation_failed',
  'policy_invalid',
  'not_found',
  'conflict',
  'idempotency_conflict',
  'not_a_draft',
  'invalid_state',
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error meant for the caller: code, message and, for bad input, every bad field. */
export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export function notFound(what: string, id: string): ServiceError {
  return new ServiceError('not_found', `${what} ${JSON.stringify(id)} not found`);
}

export function invalid(message: string, details: readonly ErrorDetail[]): ServiceError {
  return new ServiceError('validation_failed', message, details);
}

/** How {@link fromIssues} words the error. */
export interface IssuesErrorOptions {
  /** Default `validation_failed`; `policy_invalid` for a policy document. */
  code?: 'validation_failed' | 'policy_invalid';
  /** The error's message, or a function of the number of errors. */
  message: string | ((errors: number) => string);
  /** A detail's message; default the issue's own (its path is in the detail already). */
  describe?: (issue: PolicyIssue) => string;
  /** A detail's path, from the issue's (e.g. naming the request field of a whole document). */
  path?: (path: string) => string;
}

/**
 * The one conversion from the engine's issues (a file or document that does not validate) to an
 * error for the caller: each error-severity issue becomes a detail; warnings are left out, since
 * they do not make the request fail.
 */
export function fromIssues(
  issues: readonly PolicyIssue[],
  options: IssuesErrorOptions,
): ServiceError {
  const { describe = (i: PolicyIssue) => i.message, path = (p: string) => p } = options;
  const details = issues
    .filter((i) => i.severity === 'error')
    .map((i) => ({ path: path(i.path), message: describe(i) }));
  const message =
    typeof options.message === 'string' ? options.message : options.message(details.length);
  return new ServiceError(options.code ?? 'validation_failed', message, details);
}

/** Runs `read` (a parser), turning a `ValidationError` it throws into {@link fromIssues}' error. */
export function readOrFail<T>(read: () => T, options: IssuesErrorOptions): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ValidationError) throw fromIssues(error.issues, options);
    throw error;
  }
}
