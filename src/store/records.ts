/** What the owner and account tables share: text ids, chosen by the caller. */
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Ids among `ids` that exist in `table`. */
export async function findExistingIds(
  db: Kysely<Database>,
  table: 'owners' | 'accounts',
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom(table)
    .select('id')
    .where('id', 'in', [...ids])
    .execute();
  return new Set(rows.map((r) => r.id));
}
