/**
 * Test support for the access suites: a fresh migrated database per test file (PGlite, or a
 * PostgreSQL schema when TEST_DATABASE_URL is set), seen with migration 002's tables.
 */
import type { Kysely } from 'kysely';
import { openStore, type Store } from '../src/store/database.ts';
import type { Database } from '../src/store/schema.ts';
import { createTestDatabase, type TestDatabase } from './service-harness.ts';

export interface AccessTestStore {
  store: Store;
  db: Kysely<Database>;
  database: TestDatabase;
  close(): Promise<void>;
}

/** Opens a fresh database for one test file. */
export async function openAccessTestStore(poolSize = 12): Promise<AccessTestStore> {
  const database = await createTestDatabase();
  const store = await openStore({ ...database.storeOptions, poolSize });
  return {
    store,
    db: store.db,
    database,
    close: async () => {
      await store.close();
      await database.drop();
    },
  };
}
