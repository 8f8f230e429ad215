/**
 * Idempotency keys of lead intake. A key is claimed by inserting it in the transaction that
 * stores the lead: a concurrent claim of the same key waits for that transaction, then finds the
 * key taken and replays the stored lead and decision instead of routing twice.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

export interface IdempotencyEntry {
  key: string;
  requestHash: string;
  leadId: string;
  decisionId: string | null;
}

type Db = Kysely<Database>;

/**
 * Inserts the keys not taken yet and returns those this transaction now holds, each with the lead
 * it now names (of two entries with one key, the first listed wins). Keys are inserted in sorted
 * order, so two transactions claiming overlapping sets cannot deadlock.
 */
export async function claimKeys(
  db: Db,
  entries: readonly IdempotencyEntry[],
): Promise<Map<string, string>> {
  if (entries.length === 0) return new Map();
  const sorted = [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  // Four array parameters whatever the number of keys: one statement text to parse, and no
  // query builder on the intake's hot path.
  const rows = await sql<{ key: string; lead_id: string }>`
    insert into idempotency_keys (key, request_hash, lead_id, decision_id)
    select key, request_hash, lead_id, decision_id
      from unnest(${sorted.map((e) => e.key)}::text[], ${sorted.map((e) => e.requestHash)}::text[],
                  ${sorted.map((e) => e.leadId)}::uuid[], ${sorted.map((e) => e.decisionId)}::uuid[])
           with ordinality as k(key, request_hash, lead_id, decision_id, n)
     order by n
    on conflict (key) do nothing
    returning key, lead_id`.execute(db);
  return new Map(rows.rows.map((r) => [r.key, r.lead_id]));
}

/**
 * Removes keys: claimed by this transaction for requests it ended up not storing, or, with
 * `leadId`, given up by that lead (only where they name it).
 */
export async function releaseKeys(db: Db, keys: readonly string[], leadId?: string): Promise<void> {
  if (keys.length === 0) return;
  let query = db.deleteFrom('idempotency_keys').where('key', 'in', [...keys]);
  if (leadId !== undefined) query = query.where('lead_id', '=', leadId);
  await query.execute();
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
