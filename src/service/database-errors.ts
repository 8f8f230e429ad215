/**
 * Database errors at the service's edge: what the store says a failure means, as the service's
 * callers should see it. Only this module and the store know that database errors exist.
 */
import { databaseErrorKind } from '../store/db-errors.ts';
import { ServiceError } from './errors.ts';

/**
 * The error as callers should see it: a database error caused by a value of the request that
 * cannot be stored becomes a `validation_failed` ServiceError (the database's error as its
 * `cause`); any other error is returned as it is.
 */
export function toServiceError(error: unknown): unknown {
  if (databaseErrorKind(error) !== 'data') return error;
  const message = (error as Error).message;
  const converted = new ServiceError(
    'validation_failed',
    `a value in the request cannot be stored: ${message}`,
    [{ path: '(body)', message }],
  );
  converted.cause = error;
  return converted;
}
