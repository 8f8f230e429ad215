/**
 * What the owner and account directories share: writes that tell the routing cache, one error for
 * an id taken, one for an id changed, and how a request's nulls read.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { invalid, ServiceError } from './errors.ts';

/** Runs a writing transaction, then reports the change (the routing cache marks itself stale). */
export async function writeThenNotify<T>(
  db: Kysely<Database>,
  onChange: () => void,
  work: (tx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  const result = await db.transaction().execute(work);
  onChange();
  return result;
}

/** 409 for a create whose id is taken: `owner "ana" already exists; use PATCH /v1/owners/{id}`. */
export function alreadyExists(what: 'owner' | 'account', id: string): ServiceError {
  return new ServiceError(
    'conflict',
    `${what} ${JSON.stringify(id)} already exists; use PATCH /v1/${what}s/{id}`,
    [{ path: 'id', message: 'already exists' }],
  );
}

/** 400 when a change names an id other than the record's own. */
export function checkSameId(what: 'owner' | 'account', id: string, patch: object): void {
  if ('id' in patch && patch.id !== id)
    throw invalid(`the id of an ${what} cannot change`, [
      { path: 'id', message: `must be ${JSON.stringify(id)} or left out` },
    ]);
}

/** A record without its null-valued keys: in a request, null clears a key, so it reads as absent. */
export function withoutNulls(value: unknown): unknown {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null))
    : value;
}
