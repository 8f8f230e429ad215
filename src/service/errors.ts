/**
 * Errors the service raises for bad input and conflicts. Each has a stable code; the API maps
 * codes to HTTP statuses in one table (src/api/errors.ts). Expected routing outcomes (queued,
 * unroutable) are values, never errors.
 */

/** One problem with a request, located by a path such as `leads[3].email` or `rules[2].when`. */
export interface ErrorDetail {
  path: string;
  message: string;
}

export const ERROR_CODES = [
  'validation_failed',
  'invalid_json',
  'policy_invalid',
  'not_found',
  'conflict',
  'idempotency_conflict',
  'not_a_draft',
  'invalid_state',
  'payload_too_large',
  'unsupported_media_type',
  'method_not_allowed',
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
