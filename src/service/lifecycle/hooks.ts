/**
 * What the lead use cases (leads.ts) do to a lead's SLA clocks inside their own transactions:
 * a status change to contacted or beyond counts as a touch, a closing status stops every clock,
 * and a new owner or queue starts the clocks again.
 */
import type { Kysely } from 'kysely';
import {
  CLOSED_LEAD_STATUSES,
  SETTABLE_LEAD_STATUSES,
  type Decision,
  type LeadStatus,
} from '../../engine/index.ts';
import type { LeadRecord } from '../../store/leads-repo.ts';
import type { Database } from '../../store/schema.ts';
import { cancelSlaTimers, findLeadSla } from '../../store/sla-repo.ts';
import type { RoutingContext } from '../routing-cache.ts';
import { slaTimersOf, writeSlaTimers } from './sla-timers.ts';
import { recordTouchIn } from './touches.ts';

export { TimerSignal } from './signal.ts';

const SETTABLE: ReadonlySet<string> = new Set(SETTABLE_LEAD_STATUSES);

/**
 * A lead's status changes to `to` (in the caller's transaction, the lead locked): moving into
 * contacted or beyond from a routing status records a `status` touch (the first stops the
 * first-response clock); a closing status cancels every SLA timer left.
 */
export async function settleLeadSla(
  deps: { clock: () => number },
  ctx: RoutingContext | undefined,
  tx: Kysely<Database>,
  lead: LeadRecord,
  to: LeadStatus,
): Promise<void> {
  if (SETTABLE.has(to) && !SETTABLE.has(lead.status) && lead.ownerId)
    await recordTouchIn(deps, ctx, tx, lead, { kind: 'status', note: `status ${to}` });
  if (CLOSED_LEAD_STATUSES.has(to)) await cancelSlaTimers(tx, lead.id);
}

/**
 * The lead was routed again or assigned by hand: its SLA timers are cancelled and the clocks of
 * the new decision start now, on the decision's SLA or else the one the lead was on. Returns the
 * earliest due time scheduled.
 */
export async function restartSlaTimers(
  tx: Kysely<Database>,
  ctx: RoutingContext,
  leadId: string,
  decision: Decision,
  now: number,
): Promise<number | undefined> {
  if (!ctx.policy.slas) return undefined;
  const earlier = (await findLeadSla(tx, leadId)) ?? undefined;
  await cancelSlaTimers(tx, leadId);
  const slaId = decision.slaId ?? earlier;
  return writeSlaTimers(tx, slaTimersOf(ctx.policy, ctx.directory, leadId, decision, now, slaId));
}
