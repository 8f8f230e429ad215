/**
 * What a database error means for the caller, read from its SQLSTATE (PostgreSQL's and PGlite's
 * errors carry it as `code`). The one place that knows SQLSTATE codes: the service turns these
 * kinds into its own errors, and nothing above it reads codes.
 */

/** A database error's SQLSTATE (`23505`, `40P01`…), or undefined for any other error. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * - `serialization`, `deadlock`: the transaction lost a race; run it again.
 * - `data`: a value the request gave cannot be stored (class 22, data exception).
 * - `constraint`: the request's data breaks an integrity constraint (class 23).
 * - `unavailable`: the connection or the server failed (classes 08, 53, 57).
 */
export type DatabaseErrorKind =
  'serialization' | 'deadlock' | 'data' | 'constraint' | 'unavailable';

/** The kind of a database error, or undefined for an error that is not the database's. */
export function databaseErrorKind(error: unknown): DatabaseErrorKind | undefined {
  const state = sqlState(error);
  if (state === undefined) return undefined;
  if (state === '40001') return 'serialization';
  if (state === '40P01') return 'deadlock';
  switch (state.slice(0, 2)) {
    case '22':
      return 'data';
    case '23':
      return 'constraint';
    case '08':
    case '53':
    case '57':
      return 'unavailable';
  }
  return undefined;
}

/** Serialisation failures and deadlocks: the transaction may simply be run again. */
export function isRetryableError(error: unknown): boolean {
  const kind = databaseErrorKind(error);
  return kind === 'serialization' || kind === 'deadlock';
}

/**
 * Errors caused by one request's data (a value that cannot be stored, a constraint it breaks), as
 * opposed to the database or the connection failing: run alone, the other requests would pass.
 */
export function isRequestSpecificError(error: unknown): boolean {
  const kind = databaseErrorKind(error);
  return kind === 'data' || kind === 'constraint';
}
