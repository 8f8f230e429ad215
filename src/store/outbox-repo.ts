/**
 * The transactional outbox: an event is appended in the transaction of the change it reports, so
 * no event is lost and none is sent for a change rolled back. In the same statement pair it fans
 * out to one delivery per active webhook subscription whose event types match; deliveries are
 * then sent by the webhook dispatcher (src/jobs/webhook-dispatcher.ts).
 */
import { sql } from 'kysely';
import { createId } from './ids.ts';
import type { LifecycleDb } from './schema-lifecycle.ts';

/** An event to append. */
export interface NewOutboxEvent {
  /** `lead.assigned`, `sla.breached`, `policy.published`… */
  type: string;
  leadId?: string | null;
  /** Deliveries sharing a key go out in order; default the lead's id, none without a lead. */
  orderingKey?: string | null;
  payload: unknown;
}

/** A stored event. */
export interface OutboxEvent {
  id: string;
  seq: string;
  type: string;
  leadId: string | null;
  orderingKey: string | null;
  payload: unknown;
  createdAt: Date;
}

/**
 * Appends events in the caller's transaction (keep the lead's row locked by the change, so that
 * the lead's events are numbered in commit order) and creates their deliveries. Returns the events
 * and how many deliveries were created.
 */
export async function appendEvents(
  tx: LifecycleDb,
  events: readonly NewOutboxEvent[],
  now: Date = new Date(),
): Promise<{ events: OutboxEvent[]; deliveries: number }> {
  if (events.length === 0) return { events: [], deliveries: 0 };
  const rows = await tx
    .insertInto('outbox_events')
    .values(
      events.map((e) => ({
        id: createId(now.getTime()),
        type: e.type,
        lead_id: e.leadId ?? null,
        ordering_key: e.orderingKey !== undefined ? e.orderingKey : (e.leadId ?? null),
        payload: JSON.stringify(e.payload ?? null),
        created_at: now,
      })),
    )
    .returningAll()
    .execute();
  const ids = rows.map((r) => r.id);
  const fanned = await sql`insert into webhook_deliveries
      (subscription_id, event_id, event_seq, ordering_key, status, next_attempt_at, created_at)
    select s.id, e.id, e.seq, e.ordering_key, 'pending', e.created_at, e.created_at
    from outbox_events e
    join webhook_subscriptions s
      on s.active and (e.type = any(s.event_types) or '*' = any(s.event_types))
    where e.id = any(${ids}::uuid[])`.execute(tx);
  return {
    events: rows.map(toEvent),
    deliveries: Number(fanned.numAffectedRows ?? 0),
  };
}

/** Events in order, after a sequence number (a feed), optionally of one lead. */
export async function listOutboxEvents(
  db: LifecycleDb,
  options: { afterSeq?: string; leadId?: string; limit?: number } = {},
): Promise<OutboxEvent[]> {
  let query = db
    .selectFrom('outbox_events')
    .selectAll()
    .orderBy('seq')
    .limit(options.limit ?? 100);
  if (options.afterSeq !== undefined) query = query.where('seq', '>', options.afterSeq);
  if (options.leadId !== undefined) query = query.where('lead_id', '=', options.leadId);
  return (await query.execute()).map(toEvent);
}

function toEvent(row: {
  id: string;
  seq: string;
  type: string;
  lead_id: string | null;
  ordering_key: string | null;
  payload: unknown;
  created_at: Date;
}): OutboxEvent {
  return {
    id: row.id,
    seq: row.seq,
    type: row.type,
    leadId: row.lead_id,
    orderingKey: row.ordering_key,
    payload: row.payload,
    createdAt: row.created_at,
  };
}
