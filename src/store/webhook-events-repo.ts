/**
 * What the service needs of the webhook tables besides the subscription CRUD of webhooks-repo.ts:
 * which event types some active subscription wants (cached by every instance behind the
 * `store_versions.webhooks` counter), and a ping delivered to one subscription only.
 */
import { sql } from 'kysely';
import { createId } from './ids.ts';
import type { LifecycleDb } from './schema-lifecycle.ts';

/** Event types asked for by at least one active subscription (`*` when one asks for all). */
export async function listActiveEventTypes(db: LifecycleDb): Promise<Set<string>> {
  const rows = await sql<{ type: string }>`
    select distinct unnest(event_types) as type from webhook_subscriptions where active`.execute(
    db,
  );
  return new Set(rows.rows.map((r) => r.type));
}

/** Bumps the subscriptions' change counter, in the transaction of the change. */
export async function bumpWebhooksVersion(db: LifecycleDb): Promise<void> {
  await sql`update store_versions set webhooks = webhooks + 1 where id = 1`.execute(db);
}

/**
 * Appends a `webhook.ping` event and one delivery of it to `subscriptionId` only (other
 * subscriptions asking for `*` do not receive another's ping). Returns the delivery's id.
 */
export async function insertPingDelivery(
  db: LifecycleDb,
  subscriptionId: string,
  payload: unknown,
  now: Date,
): Promise<string> {
  const event = await db
    .insertInto('outbox_events')
    .values({
      id: createId(now.getTime()),
      type: 'webhook.ping',
      lead_id: null,
      ordering_key: `webhook:${subscriptionId}`,
      payload: JSON.stringify(payload),
      created_at: now,
    })
    .returning(['id', 'seq', 'ordering_key'])
    .executeTakeFirstOrThrow();
  const delivery = await db
    .insertInto('webhook_deliveries')
    .values({
      subscription_id: subscriptionId,
      event_id: event.id,
      event_seq: event.seq,
      ordering_key: event.ordering_key,
      status: 'pending',
      next_attempt_at: now,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return delivery.id;
}
