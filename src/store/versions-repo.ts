/**
 * Change counters of the data every instance caches. A change bumps its counter in the same
 * transaction; an instance compares counters before routing and reloads what changed.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

export type VersionedData = 'owners' | 'accounts' | 'policies' | 'webhooks';

/** The counters, as strings (bigint). */
export type StoreVersions = Record<VersionedData, string>;

/** Bumps one change counter; callers do it in the transaction that made the change. */
export async function bumpVersion(db: Kysely<Database>, which: VersionedData): Promise<void> {
  await sql`update store_versions set ${sql.ref(which)} = ${sql.ref(which)} + 1 where id = 1`.execute(
    db,
  );
}

/** The change counters (owners, accounts, policies, webhook subscriptions). */
export async function readVersions(db: Kysely<Database>): Promise<StoreVersions> {
  const row = await db
    .selectFrom('store_versions')
    .select(['owners', 'accounts', 'policies', 'webhooks'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return row;
}
