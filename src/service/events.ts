/**
 * Outbound events of the service's changes, written to the transactional outbox in the change's
 * transaction (src/store/outbox-repo.ts fans them out to the webhook deliveries).
 *
 * Payloads carry what a receiver needs to act — ids, owner or queue, rule, policy version,
 * decision, trigger, time — and no personal data: a receiver that needs the lead's email or name
 * reads the lead (`GET /v1/leads/{id}`) with its own credentials, so a webhook log or a misrouted
 * delivery leaks nothing but ids. The catalogue with examples is in docs/lifecycle.md.
 *
 * A change nobody subscribed to writes nothing: the routing cache keeps the event types some active
 * subscription asked for (refreshed with the other change counters before each batch), so the
 * intake's hot path pays no statement at all without subscriptions, and one multi-row insert (plus
 * its fan-out) per batch with them.
 */
import type { Kysely } from 'kysely';
import type { DecisionRecord, LeadRecord } from '../store/lead-rows.ts';
import { appendEvents, type NewOutboxEvent } from '../store/outbox-repo.ts';
import type { PolicyVersionRecord } from '../store/policies-repo.ts';

import type { Database } from '../store/schema.ts';

/** Event types the routing decisions produce. */
export type LeadEventType = 'lead.assigned' | 'lead.reassigned' | 'lead.queued';

/** The payload of `lead.assigned`, `lead.reassigned` and `lead.queued`. */
export interface LeadEventPayload {
  lead_id: string;
  external_id: string | null;
  status: string;
  owner_id: string | null;
  /** `lead.reassigned` (and a re-route that queued an owned lead): who had it before. */
  previous_owner_id: string | null;
  queue_id: string | null;
  /** Parked leads: when the lead is routed again. */
  retry_at: string | null;
  rule_id: string | null;
  pool_id: string | null;
  policy_version: string | null;
  decision_id: string;
  /** `intake`, `reroute`, `manual`, `attribute_change`, `retry`… */
  trigger: string;
  /** The caller's reason for a re-route or a manual assignment, or the reassignment's cause. */
  reason: string | null;
  at: string;
}

/** Something that commits events: nudged after each commit that wrote some. */
export class EventsHub {
  private readonly listeners: Array<() => void> = [];

  /** Calls `listener` after every commit that wrote events (the webhook dispatcher's nudge). */
  onCommitted(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Reports a commit that wrote `count` events (nothing happens for 0). */
  committed(count: number): void {
    if (count > 0) for (const listener of this.listeners) listener();
  }
}

/** Whether some active subscription wants `type` (`*` wants everything). */
export function isWanted(active: ReadonlySet<string>, type: string): boolean {
  return active.size > 0 && (active.has('*') || active.has(type));
}

/**
 * The event a decision announces, or undefined for none: an owner that changed hands is
 * `lead.reassigned`; an assignment of a lead nobody held is `lead.assigned`; a lead put in a queue
 * (or parked) is `lead.queued`. A decision that kept the same owner, or left the lead unroutable,
 * announces nothing.
 */
export function leadEventOf(
  decision: DecisionRecord,
  lead: Pick<LeadRecord, 'id' | 'externalId' | 'status' | 'retryAt'>,
  previousOwnerId: string | null = null,
): { type: LeadEventType; payload: LeadEventPayload } | undefined {
  let type: LeadEventType;
  if (decision.outcome === 'assigned') {
    if (previousOwnerId === null) type = 'lead.assigned';
    else if (previousOwnerId !== decision.ownerId) type = 'lead.reassigned';
    else return undefined;
  } else if (decision.outcome === 'queued') type = 'lead.queued';
  else return undefined;
  return {
    type,
    payload: {
      lead_id: lead.id,
      external_id: lead.externalId,
      status: lead.status,
      owner_id: decision.ownerId,
      previous_owner_id: previousOwnerId,
      queue_id: decision.queueId,
      retry_at: lead.retryAt ?? decision.retryAt,
      rule_id: decision.ruleId,
      pool_id: decision.poolId,
      policy_version: decision.policyVersion,
      decision_id: decision.id,
      trigger: decision.trigger,
      reason: decision.reason,
      at: decision.createdAt,
    },
  };
}

/**
 * Appends the events of decisions (each with the lead after it, and the owner that held the lead
 * before) that some active subscription wants, in the caller's transaction. Returns how many
 * events were written: report them with {@link EventsHub.committed} after the commit.
 */
export async function appendLeadEvents(
  tx: Kysely<Database>,
  active: ReadonlySet<string>,
  items: ReadonlyArray<{
    decision: DecisionRecord;
    lead: Pick<LeadRecord, 'id' | 'externalId' | 'status' | 'retryAt'>;
    previousOwnerId?: string | null;
  }>,
  now: Date,
): Promise<number> {
  if (active.size === 0) return 0;
  const events: NewOutboxEvent[] = [];
  for (const item of items) {
    const event = leadEventOf(item.decision, item.lead, item.previousOwnerId ?? null);
    if (event && isWanted(active, event.type))
      events.push({ type: event.type, leadId: item.lead.id, payload: event.payload });
  }
  return appendWanted(tx, events, now);
}

/** The payload of `policy.published`. */
export function policyPublishedPayload(version: PolicyVersionRecord, at: Date) {
  return {
    policy_version: version.id,
    name: version.name,
    effective_from: version.effectiveFrom,
    published_at: version.publishedAt,
    author: version.author,
    note: version.note,
    content_hash: version.contentHash,
    at: at.toISOString(),
  };
}

/** Appends `policy.published` when some active subscription wants it; returns 0 or 1. */
export async function appendPolicyPublished(
  tx: Kysely<Database>,
  active: ReadonlySet<string>,
  version: PolicyVersionRecord,
  now: Date,
): Promise<number> {
  if (!isWanted(active, 'policy.published')) return 0;
  return appendWanted(
    tx,
    [
      {
        type: 'policy.published',
        orderingKey: 'policies',
        payload: policyPublishedPayload(version, now),
      },
    ],
    now,
  );
}

async function appendWanted(
  tx: Kysely<Database>,
  events: readonly NewOutboxEvent[],
  now: Date,
): Promise<number> {
  if (events.length === 0) return 0;
  await appendEvents(tx, events, now);
  return events.length;
}
