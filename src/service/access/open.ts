/**
 * Opening the database for the access commands (the CLI's `tokens`, `users` and `audit`), which
 * must not reach into the store themselves.
 */
import type { Kysely } from 'kysely';
import { openStore, type Store, type StoreOptions } from '../../store/database.ts';
import type { AccessDatabase } from '../../store/schema-access.ts';
import { createAccess, type Access, type AccessOptions } from './access.ts';

export interface AccessStore {
  store: Store;
  db: Kysely<AccessDatabase>;
  access: Access;
  close(): Promise<void>;
}

/** Opens (and migrates) the database and the access service on it. */
export async function openAccessStore(
  options: StoreOptions,
  accessOptions: AccessOptions = {},
): Promise<AccessStore> {
  const store = await openStore(options);
  // Until migration 002's tables join `Database` (schema.ts), the access code sees them here.
  const db = store.db as unknown as Kysely<AccessDatabase>;
  const access = createAccess(db, accessOptions);
  return {
    store,
    db,
    access,
    close: async () => {
      await access.flush();
      await store.close();
    },
  };
}
