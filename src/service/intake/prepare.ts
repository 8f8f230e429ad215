/**
 * A request made ready to route, before any transaction: ids assigned, fields derived once (the
 * stored fields and both routing passes read the same result), the lead as it will be stored.
 */
import {
  deriveLead,
  deriveLeadFields,
  normalizeEmail,
  type DerivedLead,
  type Lead,
} from '../../engine/index.ts';
import { createId } from '../../store/ids.ts';
import type { NewLead } from '../../store/leads-repo.ts';
import type { RoutingContext } from '../routing-cache.ts';
import type { RoutingTask } from '../route-tasks.ts';
import { externalIdKey } from './idempotency.ts';
import type { IntakeRequest } from './types.ts';

/** A lead ready to be routed. */
export interface PreparedLead {
  /** The key the request is known by: its Idempotency-Key, else its external id's. */
  key?: string;
  /**
   * The external id's key when the request's own key is another (an Idempotency-Key header):
   * claimed too, so that no two leads share an external id.
   */
  externalKey?: string;
  requestHash: string;
  decisionId: string;
  /** The lead as stored before routing (queued); the decision's fields are applied to a copy. */
  lead: NewLead;
  task: RoutingTask & { derived: DerivedLead };
}

/** Prepares a request for routing at `now` (`createdAt`: `now` as an ISO string, once per batch). */
export function prepareLead(
  request: IntakeRequest,
  ctx: RoutingContext,
  now: number,
  createdAt: string,
): PreparedLead {
  const lead: Lead =
    request.externalId === undefined
      ? (request.attributes as Lead)
      : { ...request.attributes, id: request.externalId };
  const derivedLead = deriveLead(lead, ctx.policy, ctx.accounts);
  const derived = storedDerivedFields(lead, ctx, derivedLead);
  const emailNorm = normalizeEmail(lead.email);
  const id = createId(now);
  const externalKey =
    request.externalId === undefined ? undefined : externalIdKey(request.externalId);
  return {
    key: request.idempotencyKey ?? externalKey,
    externalKey: request.idempotencyKey === externalKey ? undefined : externalKey,
    requestHash: request.requestHash,
    decisionId: createId(now),
    lead: {
      id,
      externalId: request.externalId ?? null,
      attributes: request.attributes,
      derived,
      emailNorm: emailNorm ?? null,
      status: 'queued',
      ownerId: null,
      queueId: null,
      accountId: typeof derived.account_id === 'string' ? derived.account_id : null,
      retryAt: null,
      createdAt,
      updatedAt: createdAt,
      assignedAt: null,
      createdBy: request.createdBy ?? null,
    },
    task: { lead, derived: derivedLead, emailNorm, receivedAt: request.receivedAt },
  };
}

/**
 * The derived fields stored beside a lead, without absent values and empty lists so that they
 * stay small. `derived`, when the caller has it, saves deriving the lead again.
 */
export function storedDerivedFields(
  lead: Lead,
  ctx: Pick<RoutingContext, 'policy' | 'accounts'>,
  derived?: DerivedLead,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(deriveLeadFields(lead, ctx.policy, ctx.accounts, derived))) {
    if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out;
}
