/**
 * Idempotency keys of lead intake. A key is claimed by inserting it in the transaction that
 * stores the lead: a concurrent claim of the same key waits for that transaction, then finds the
 * key taken and replays the stored lead and decision instead of routing twice.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export interface IdempotencyEntry {
  key: string;
  requestHash: string;
  leadId: string;
  decisionId: string | null;
}

type Db = Kysely<Database>;

/**
 * Inserts the keys not taken yet and returns those this transaction now holds. Keys are inserted
 * in sorted order, so two transactions claiming overlapping sets cannot deadlock.
 */
export async function claimKeys(
  db: Db,
  entries: readonly IdempotencyEntry[],
): Promise<Set<string>> {
  if (entries.length === 0) return new Set();
  const sorted = [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const rows = await db
    .insertInto('idempotency_keys')
    .values(
      sorted.map((e) => ({
        key: e.key,
        request_hash: e.requestHash,
        lead_id: e.leadId,
        decision_id: e.decisionId,
      })),
    )
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .execute();
  return new Set(rows.map((r) => r.key));
}

/** Removes keys claimed by this transaction for requests it ended up not storing. */
export async function releaseKeys(db: Db, keys: readonly string[]): Promise<void> {
  if (keys.length)
    await db
      .deleteFrom('idempotency_keys')
      .where('key', 'in', [...keys])
      .execute();
}

export async function findKeys(
  db: Db,
  keys: readonly string[],
): Promise<Map<string, IdempotencyEntry>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('key', 'in', [...keys])
    .execute();
  return new Map(
    rows.map((r) => [
      r.key,
      { key: r.key, requestHash: r.request_hash, leadId: r.lead_id, decisionId: r.decision_id },
    ]),
  );
}
