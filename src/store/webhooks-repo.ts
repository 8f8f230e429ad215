/**
 * Webhook subscriptions and their deliveries. `createDeliveryStore` gives the webhook dispatcher
 * (src/jobs/webhook-dispatcher.ts) what it needs; the delivery shapes are declared here once and
 * reach jobs through the service's entry.
 * Input is checked by the service (src/service/webhooks-input.ts) before it reaches here.
 */
import { sql, type Kysely } from 'kysely';
import { createId } from './ids.ts';
import { appendEvents } from './outbox-repo.ts';
import type { Database } from './schema.ts';
import type { DeliveryStatus, LifecycleDb } from './schema-lifecycle.ts';

export interface WebhookSubscription {
  id: string;
  url: string;
  secret: string;
  eventTypes: string[];
  description: string | null;
  active: boolean;
  disabledReason: string | null;
  disabledAt: Date | null;
  failingSince: Date | null;
  consecutiveDead: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewWebhookSubscription {
  url: string;
  secret: string;
  eventTypes: readonly string[];
  description?: string | null;
  active?: boolean;
}

type SubscriptionRow = {
  id: string;
  url: string;
  secret: string;
  event_types: string[];
  description: string | null;
  active: boolean;
  disabled_reason: string | null;
  disabled_at: Date | null;
  failing_since: Date | null;
  consecutive_dead: number;
  created_at: Date;
  updated_at: Date;
};

function toSubscription(row: SubscriptionRow): WebhookSubscription {
  return {
    id: row.id,
    url: row.url,
    secret: row.secret,
    eventTypes: row.event_types,
    description: row.description,
    active: row.active,
    disabledReason: row.disabled_reason,
    disabledAt: row.disabled_at,
    failingSince: row.failing_since,
    consecutiveDead: row.consecutive_dead,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function insertWebhookSubscription(
  db: LifecycleDb,
  input: NewWebhookSubscription,
  now: Date = new Date(),
): Promise<WebhookSubscription> {
  const row = await db
    .insertInto('webhook_subscriptions')
    .values({
      id: createId(now.getTime()),
      url: input.url,
      secret: input.secret,
      event_types: [...input.eventTypes],
      description: input.description ?? null,
      active: input.active ?? true,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSubscription(row);
}

export async function findWebhookSubscription(
  db: LifecycleDb,
  id: string,
): Promise<WebhookSubscription | undefined> {
  const row = await db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toSubscription(row);
}

export async function listWebhookSubscriptions(db: LifecycleDb): Promise<WebhookSubscription[]> {
  const rows = await db.selectFrom('webhook_subscriptions').selectAll().orderBy('id').execute();
  return rows.map(toSubscription);
}

export interface WebhookSubscriptionPatch {
  url?: string;
  secret?: string;
  eventTypes?: readonly string[];
  description?: string | null;
  /** true re-enables a disabled subscription and forgets its failures. */
  active?: boolean;
}

/** Applies a patch; undefined when there is no such subscription. */
export async function updateWebhookSubscription(
  db: LifecycleDb,
  id: string,
  patch: WebhookSubscriptionPatch,
  now: Date = new Date(),
): Promise<WebhookSubscription | undefined> {
  const row = await db
    .updateTable('webhook_subscriptions')
    .set({
      updated_at: now,
      ...(patch.url !== undefined && { url: patch.url }),
      ...(patch.secret !== undefined && { secret: patch.secret }),
      ...(patch.eventTypes !== undefined && { event_types: [...patch.eventTypes] }),
      ...(patch.description !== undefined && { description: patch.description }),
      ...(patch.active === true && {
        active: true,
        disabled_reason: null,
        disabled_at: null,
        failing_since: null,
        consecutive_dead: 0,
      }),
      ...(patch.active === false && { active: false, disabled_reason: null, disabled_at: now }),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row && toSubscription(row);
}

/** Deletes a subscription and its delivery log; whether it existed. */
export async function deleteWebhookSubscription(db: LifecycleDb, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('webhook_subscriptions')
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** One delivery in the log. */
export interface WebhookDelivery {
  id: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  leadId: string | null;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  firstAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  lastLatencyMs: number | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

function deliveryQuery(db: LifecycleDb) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('outbox_events as e', 'e.id', 'd.event_id')
    .select([
      'd.id',
      'd.subscription_id',
      'd.event_id',
      'e.type',
      'e.lead_id',
      'd.status',
      'd.attempts',
      'd.next_attempt_at',
      'd.first_attempt_at',
      'd.last_attempt_at',
      'd.last_status_code',
      'd.last_error',
      'd.last_latency_ms',
      'd.delivered_at',
      'd.created_at',
    ]);
}

type DeliveryRow = Awaited<ReturnType<ReturnType<typeof deliveryQuery>['executeTakeFirstOrThrow']>>;

function toDelivery(row: DeliveryRow): WebhookDelivery {
  const waiting = row.status === 'pending' || row.status === 'failed';
  return {
    id: row.id,
    subscriptionId: row.subscription_id,
    eventId: row.event_id,
    eventType: row.type,
    leadId: row.lead_id,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: waiting ? row.next_attempt_at : null,
    firstAttemptAt: row.first_attempt_at,
    lastAttemptAt: row.last_attempt_at,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    lastLatencyMs: row.last_latency_ms,
    deliveredAt: row.delivered_at,
    createdAt: row.created_at,
  };
}

/** A subscription's delivery log, newest first; `beforeId` pages on. */
export async function listWebhookDeliveries(
  db: LifecycleDb,
  subscriptionId: string,
  options: { status?: DeliveryStatus; limit?: number; beforeId?: string } = {},
): Promise<WebhookDelivery[]> {
  let query = deliveryQuery(db)
    .where('d.subscription_id', '=', subscriptionId)
    .orderBy('d.id', 'desc')
    .limit(options.limit ?? 50);
  if (options.status) query = query.where('d.status', '=', options.status);
  if (options.beforeId) query = query.where('d.id', '<', options.beforeId);
  return (await query.execute()).map(toDelivery);
}

export async function findWebhookDelivery(
  db: LifecycleDb,
  id: string,
): Promise<WebhookDelivery | undefined> {
  const row = await deliveryQuery(db).where('d.id', '=', id).executeTakeFirst();
  return row && toDelivery(row);
}

/**
 * Queues one delivery again now, with a fresh retry window (manual redelivery). A delivery in
 * flight is left alone. Undefined when there is no such delivery.
 */
export async function redeliverWebhookDelivery(
  db: LifecycleDb,
  id: string,
  now: Date = new Date(),
): Promise<WebhookDelivery | undefined> {
  await db
    .updateTable('webhook_deliveries')
    .set({
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      first_attempt_at: null,
      lease_until: null,
    })
    .where('id', '=', id)
    .where('status', '<>', 'delivering')
    .execute();
  return findWebhookDelivery(db, id);
}

/** A delivery claimed for sending: everything needed to sign and send it. */
export interface ClaimedWebhookDelivery {
  id: string;
  subscriptionId: string;
  url: string;
  secret: string;
  eventId: string;
  eventType: string;
  leadId: string | null;
  payload: unknown;
  eventCreatedAt: Date;
  /** Attempts including this one. */
  attempts: number;
  firstAttemptAt: Date;
}

/** What one attempt came to, as the dispatcher reports it. */
export interface WebhookAttemptResult {
  at: Date;
  ok: boolean;
  statusCode?: number | null;
  error?: string | null;
  latencyMs: number;
  /** For a failure: when to try again, or null to give up (dead). */
  retryAt?: Date | null;
}

/** A subscription's failure record after an attempt. */
export interface SubscriptionHealth {
  subscriptionId: string;
  active: boolean;
  failingSince: Date | null;
  consecutiveDead: number;
}

/** The dispatcher's store over `webhook_deliveries`. */
export function createDeliveryStore(db: Kysely<Database>) {
  return {
    /**
     * Claims up to `limit` due deliveries of active subscriptions for `leaseMs`: only the earliest
     * undelivered one of each ordering key and subscription, at most `perSubscription` minus those
     * already in flight here (`busy`) for each subscription. Deliveries in flight elsewhere whose
     * lease ran out are claimed again.
     */
    async claim(
      now: Date,
      limit: number,
      options: { perSubscription: number; busy: ReadonlyMap<string, number>; leaseMs: number },
    ): Promise<ClaimedWebhookDelivery[]> {
      if (limit <= 0) return [];
      const full = [...options.busy]
        .filter(([, n]) => n >= options.perSubscription)
        .map(([id]) => id);
      return db.transaction().execute(async (tx) => {
        const candidates = await sql<{ id: string; subscription_id: string }>`
          select d.id, d.subscription_id
          from webhook_deliveries d
          join webhook_subscriptions s on s.id = d.subscription_id
          where d.status in ('pending', 'failed', 'delivering')
            and d.next_attempt_at <= ${now}
            and s.active
            and not (d.subscription_id = any(${full}::uuid[]))
            and not exists (
              select 1 from webhook_deliveries e
              where e.subscription_id = d.subscription_id
                and e.ordering_key = d.ordering_key
                and e.event_seq < d.event_seq
                and e.status in ('pending', 'failed', 'delivering'))
          order by d.next_attempt_at, d.event_seq
          limit ${limit * 4}`.execute(tx);
        const taken = new Map<string, number>();
        const ids: string[] = [];
        for (const c of candidates.rows) {
          if (ids.length >= limit) break;
          const n =
            (options.busy.get(c.subscription_id) ?? 0) + (taken.get(c.subscription_id) ?? 0);
          if (n >= options.perSubscription) continue;
          taken.set(c.subscription_id, (taken.get(c.subscription_id) ?? 0) + 1);
          ids.push(c.id);
        }
        if (ids.length === 0) return [];
        const lease = new Date(now.getTime() + options.leaseMs);
        // Lock what is still claimable (another instance may have taken some since the scan).
        const claimed = await sql<{ id: string }>`
          update webhook_deliveries d
          set status = 'delivering', next_attempt_at = ${lease}, lease_until = ${lease},
              attempts = d.attempts + 1, first_attempt_at = coalesce(d.first_attempt_at, ${now}),
              last_attempt_at = ${now}
          where d.id in (
            select id from webhook_deliveries
            where id = any(${ids}::bigint[])
              and status in ('pending', 'failed', 'delivering') and next_attempt_at <= ${now}
            for update skip locked)
          returning d.id`.execute(tx);
        if (claimed.rows.length === 0) return [];
        const rows = await tx
          .selectFrom('webhook_deliveries as d')
          .innerJoin('outbox_events as e', 'e.id', 'd.event_id')
          .innerJoin('webhook_subscriptions as s', 's.id', 'd.subscription_id')
          .select([
            'd.id',
            'd.subscription_id',
            's.url',
            's.secret',
            'd.event_id',
            'e.type',
            'e.lead_id',
            'e.payload',
            'e.created_at',
            'd.attempts',
            'd.first_attempt_at',
            'd.event_seq',
          ])
          .where(
            'd.id',
            'in',
            claimed.rows.map((r) => r.id),
          )
          .orderBy('d.event_seq')
          .execute();
        return rows.map((r) => ({
          id: r.id,
          subscriptionId: r.subscription_id,
          url: r.url,
          secret: r.secret,
          eventId: r.event_id,
          eventType: r.type,
          leadId: r.lead_id,
          payload: r.payload,
          eventCreatedAt: r.created_at,
          attempts: r.attempts,
          firstAttemptAt: r.first_attempt_at ?? now,
        }));
      });
    },

    /**
     * Records an attempt: delivered, failed (to retry at `retryAt`) or dead (`retryAt` null), and
     * the subscription's failure record. Returns that record (undefined when the delivery was no
     * longer in flight here: its lease ran out and another attempt took it).
     */
    async complete(
      id: string,
      result: WebhookAttemptResult,
    ): Promise<SubscriptionHealth | undefined> {
      return db.transaction().execute(async (tx) => {
        const dead = !result.ok && !result.retryAt;
        const updated = await tx
          .updateTable('webhook_deliveries')
          .set({
            status: result.ok ? 'delivered' : dead ? 'dead' : 'failed',
            next_attempt_at: result.ok || dead ? result.at : result.retryAt!,
            lease_until: null,
            last_status_code: result.statusCode ?? null,
            last_error: result.ok ? null : (result.error ?? null),
            last_latency_ms: Math.round(result.latencyMs),
            ...(result.ok && { delivered_at: result.at }),
          })
          .where('id', '=', id)
          .where('status', '=', 'delivering')
          .returning('subscription_id')
          .executeTakeFirst();
        if (!updated) return undefined;
        const subscriptionId = updated.subscription_id;
        let query = tx.updateTable('webhook_subscriptions').where('id', '=', subscriptionId);
        if (result.ok) {
          // Only write the row when there is a failure record to clear: a busy subscription's row
          // would otherwise be written by every delivery.
          query = query
            .set({ failing_since: null, consecutive_dead: 0 })
            .where((eb) =>
              eb.or([eb('failing_since', 'is not', null), eb('consecutive_dead', '<>', 0)]),
            );
        } else {
          query = query.set((eb) => ({
            failing_since: eb.fn.coalesce('failing_since', eb.val(result.at)),
            consecutive_dead: dead ? eb('consecutive_dead', '+', 1) : eb.ref('consecutive_dead'),
          }));
        }
        await query.execute();
        const health = await tx
          .selectFrom('webhook_subscriptions')
          .select(['active', 'failing_since', 'consecutive_dead'])
          .where('id', '=', subscriptionId)
          .executeTakeFirst();
        return health
          ? {
              subscriptionId,
              active: health.active,
              failingSince: health.failing_since,
              consecutiveDead: health.consecutive_dead,
            }
          : undefined;
      });
    },

    /**
     * Disables a failing subscription with its reason and appends a `webhook.disabled` event in
     * the same transaction. False when it was already disabled.
     */
    async disable(subscriptionId: string, reason: string, now: Date): Promise<boolean> {
      return db.transaction().execute(async (tx) => {
        const row = await tx
          .updateTable('webhook_subscriptions')
          .set({ active: false, disabled_reason: reason, disabled_at: now, updated_at: now })
          .where('id', '=', subscriptionId)
          .where('active', '=', true)
          .returning(['id', 'url'])
          .executeTakeFirst();
        if (!row) return false;
        await appendEvents(
          tx,
          [
            {
              type: 'webhook.disabled',
              orderingKey: `webhook:${row.id}`,
              payload: {
                subscription_id: row.id,
                url: row.url,
                reason,
                disabled_at: now.toISOString(),
              },
            },
          ],
          now,
        );
        return true;
      });
    },

    /** Deliveries not yet delivered nor dead, by status (for the gauge). */
    async countWaiting(): Promise<Map<string, number>> {
      const rows = await db
        .selectFrom('webhook_deliveries')
        .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
        .where('status', 'in', ['pending', 'failed', 'delivering'])
        .groupBy('status')
        .execute();
      const counts = new Map<string, number>([
        ['pending', 0],
        ['failed', 0],
        ['delivering', 0],
      ]);
      for (const r of rows) counts.set(r.status, Number(r.n));
      return counts;
    },
  };
}
