/** Readiness: whether the store answers, for the health endpoints and the process supervisor. */
import { pingDatabase, type Store } from '../store/database.ts';

/** The store's kind, and why it does not answer when it does not. */
export type DatabaseHealth =
  | { ready: true; database: Store['kind'] }
  | { ready: false; database: Store['kind']; message: string };

export async function checkDatabase(store: Store): Promise<DatabaseHealth> {
  try {
    await pingDatabase(store.db);
    return { ready: true, database: store.kind };
  } catch (error) {
    return { ready: false, database: store.kind, message: (error as Error).message };
  }
}
