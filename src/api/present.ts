/** Service records → the API's snake_case documents. */
import type {
  DecisionRecord,
  LeadRecord,
  PolicyVersionRecord,
  TimelineEntry,
  TouchResult,
} from '../service/index.ts';
import {
  type Page,
  writeAccount,
  writeOwner,
  type AccountRecord,
  type OwnerAvailability,
  type OwnerWithLoad,
  type WebhookDelivery,
  type WebhookSubscriptionView,
} from '../service/index.ts';

export function presentLead(l: LeadRecord) {
  return {
    id: l.id,
    external_id: l.externalId,
    attributes: l.attributes,
    derived: l.derived,
    status: l.status,
    owner_id: l.ownerId,
    queue_id: l.queueId,
    account_id: l.accountId,
    retry_at: l.retryAt,
    created_at: l.createdAt,
    updated_at: l.updatedAt,
    assigned_at: l.assignedAt,
  };
}

export function presentDecision(d: DecisionRecord) {
  return {
    id: d.id,
    lead_id: d.leadId,
    trigger: d.trigger,
    outcome: d.outcome,
    owner_id: d.ownerId,
    queue_id: d.queueId,
    rule_id: d.ruleId,
    pool_id: d.poolId,
    policy_version: d.policyVersion,
    previous_owner_id: d.previousOwnerId,
    reason: d.reason,
    actor: d.actor,
    retry_at: d.retryAt,
    fallback_step: d.fallbackStep,
    account_id: d.accountId,
    latency_ms: d.latencyUs === null ? null : d.latencyUs / 1000,
    created_at: d.createdAt,
    explanation: d.explanation,
  };
}

/** A lead with the decision just made about it (intake): the lead's fields and `decision`. */
export function presentLeadWithDecision(r: { lead: LeadRecord; decision: DecisionRecord }) {
  return { ...presentLead(r.lead), decision: presentDecision(r.decision) };
}

/** A lead with its decision history, oldest first. */
export function presentLeadWithHistory(
  l: LeadRecord & { decisions: readonly DecisionRecord[] },
  timeline: readonly TimelineEntry[] = [],
) {
  return {
    ...presentLead(l),
    decisions: l.decisions.map(presentDecision),
    timeline: timeline.map(presentTimelineEntry),
  };
}

export function presentTimelineEntry(e: TimelineEntry) {
  return {
    at: e.at,
    type: e.type,
    summary: e.summary,
    sla: e.sla,
    clock: e.clock,
    step: e.step,
    owner_id: e.ownerId,
    decision_id: e.decisionId,
    touch_id: e.touchId,
    kind: e.kind,
    action: e.action,
    to_owner_id: e.toOwnerId,
    to_queue_id: e.toQueueId,
  };
}

export function presentTouch(r: TouchResult) {
  const f = r.firstTouch;
  return {
    id: r.touch.id,
    lead_id: r.touch.leadId,
    kind: r.touch.kind,
    at: r.touch.at.toISOString(),
    actor: r.touch.actor,
    note: r.touch.note,
    first: f !== undefined,
    first_response: f
      ? {
          owner_id: f.ownerId,
          sla: f.sla,
          assigned_at: f.assignedAt?.toISOString() ?? null,
          wall_ms: f.wallMs,
          business_ms: f.businessMs,
        }
      : null,
  };
}

/** The result of routing or assigning a lead again: `{lead, decision}`. */
export function presentLeadAction(r: { lead: LeadRecord; decision: DecisionRecord }) {
  return { lead: presentLead(r.lead), decision: presentDecision(r.decision) };
}

export function presentPolicy(p: PolicyVersionRecord) {
  return {
    id: p.id,
    status: p.status,
    name: p.name,
    format: p.format,
    source: p.source,
    document: p.document,
    content_hash: p.contentHash,
    effective_from: p.effectiveFrom,
    author: p.author,
    note: p.note,
    based_on: p.basedOn,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    published_at: p.publishedAt,
  };
}

const isoOrNull = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

/** The owners-file keys an owner may leave out, as the API shows them then. */
const UNSET_OWNER_KEYS = {
  email: null,
  paused_until: null,
  team: null,
  manager: null,
  working_hours: null,
  out_of_office: [],
  caps: null,
  skills: null,
};

/**
 * An owner in the owners-file shape (what `POST /v1/owners` takes), every key present (null when
 * unset), with timestamps and, once it has taken leads, its routing counters.
 */
export function presentOwner(o: OwnerWithLoad) {
  return {
    ...UNSET_OWNER_KEYS,
    ...writeOwner(o),
    created_at: o.createdAt,
    updated_at: o.updatedAt,
    ...(o.load && {
      load: {
        open: o.load.open,
        day: o.load.dayKey,
        day_count: o.load.dayCount,
        week: o.load.weekKey,
        week_count: o.load.weekCount,
        last_assigned_at: isoOrNull(o.load.lastAssignedAt),
      },
    }),
  };
}

export function presentAvailability(a: OwnerAvailability) {
  return {
    owner_id: a.ownerId,
    at: new Date(a.at).toISOString(),
    status: a.status,
    until: isoOrNull(a.until),
    next_available_at: isoOrNull(a.nextAvailableAt),
  };
}

/** An account in the accounts-file shape, every key present, with timestamps. */
export function presentAccount(a: AccountRecord) {
  const v = writeAccount(a);
  return {
    id: v.id,
    name: v.name,
    domains: v.domains,
    owner: v.owner ?? null,
    tier: v.tier ?? null,
    strategic: v.strategic,
    attributes: v.attributes ?? {},
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  };
}

/** A page of records as the API lists them: the items shaped by `present`, and the next cursor. */
export function presentPage<T, D>(page: Page<T>, present: (item: T) => D) {
  return { items: page.items.map(present), next_cursor: page.nextCursor };
}

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}

/** A webhook subscription, never with its secret. */
export function presentWebhook(w: WebhookSubscriptionView) {
  return {
    id: w.id,
    url: w.url,
    event_types: w.eventTypes,
    description: w.description,
    active: w.active,
    disabled_reason: w.disabledReason,
    disabled_at: iso(w.disabledAt),
    failing_since: iso(w.failingSince),
    created_at: w.createdAt.toISOString(),
    updated_at: w.updatedAt.toISOString(),
  };
}

export function presentWebhookDelivery(d: WebhookDelivery) {
  return {
    id: d.id,
    event_id: d.eventId,
    event_type: d.eventType,
    lead_id: d.leadId,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: iso(d.nextAttemptAt),
    first_attempt_at: iso(d.firstAttemptAt),
    last_attempt_at: iso(d.lastAttemptAt),
    last_status_code: d.lastStatusCode,
    last_error: d.lastError,
    last_latency_ms: d.lastLatencyMs,
    delivered_at: iso(d.deliveredAt),
    created_at: d.createdAt.toISOString(),
  };
}
