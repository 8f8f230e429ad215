/**
 * Keyset pagination, shared by every listing: a repository reads `limit + 1` rows after the
 * cursor, and the extra row only says that another page follows. A cursor is the last row's id,
 * base64url-encoded so that clients treat it as opaque.
 */
import { isUuid } from '../store/ids.ts';
import type { Cursor } from '../store/leads-repo.ts';
import { ServiceError } from './errors.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The page of `rows` (read with `limit + 1`), with the cursor of the next page if there is one. */
export function toPage<T extends { id: string }>(
  rows: T[],
  limit: number,
  cursorOf: (id: string) => string = encodeId,
): Page<T> {
  const more = rows.length > limit;
  if (more) rows.pop();
  return { items: rows, nextCursor: more && rows.length > 0 ? cursorOf(rows.at(-1)!.id) : null };
}

export function encodeId(id: string): string {
  return Buffer.from(id).toString('base64url');
}

export function decodeId(cursor: string): string {
  return Buffer.from(cursor, 'base64url').toString();
}

/** A cursor over uuid-keyed rows (leads, decisions); anything else is a 400 naming `cursor`. */
export function decodeUuidCursor(text: string): Cursor {
  const id = decodeId(text);
  if (!isUuid(id)) {
    throw new ServiceError('validation_failed', 'invalid cursor', [
      { path: 'cursor', message: 'not a cursor returned by this API' },
    ]);
  }
  return { id };
}
