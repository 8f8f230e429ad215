/**
 * Opening the database for the access commands (the CLI's `tokens`, `users` and `audit`), which
 * must not reach into the store themselves.
 */
import type { Kysely } from 'kysely';
import { openStore, type Store, type StoreOptions } from '../../store/database.ts';
import type { Database } from '../../store/schema.ts';
import { createAccess, type Access, type AccessOptions } from './access.ts';

export interface AccessStore {
  store: Store;
  db: Kysely<Database>;
  access: Access;
  close(): Promise<void>;
}

/** Opens (and migrates) the database and the access service on it. */
export async function openAccessStore(
  options: StoreOptions,
  accessOptions: AccessOptions = {},
): Promise<AccessStore> {
  const store = await openStore(options);
  const db = store.db;
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
