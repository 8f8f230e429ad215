/**
 * Touches: contacts with a lead (call, email, meeting, note, or a status change to contacted or
 * beyond). The first one stops the first-response clock: its timers are cancelled in the same
 * transaction, and it is kept with the time it took on the wall clock and on the SLA's clock.
 */
import type { Kysely } from 'kysely';
import { slaElapsed } from '../../engine/index.ts';
import { createId } from '../../store/ids.ts';
import type { LeadRecord } from '../../store/leads-repo.ts';
import { appendEvents } from '../../store/outbox-repo.ts';
import type { Database } from '../../store/schema.ts';
import type { TouchKind } from '../../store/schema-lifecycle.ts';
import {
  cancelSlaTimers,
  findLeadSla,
  insertFirstTouch,
  insertTouch,
  type FirstTouchRecord,
  type TouchRecord,
} from '../../store/sla-repo.ts';
import { invalid } from '../errors.ts';
import type { RoutingContext } from '../routing-cache.ts';

/** Kinds a caller records; `status` is recorded by a status change. */
export const TOUCH_KINDS = ['call', 'email', 'meeting', 'note'] as const;

export interface TouchInput {
  kind: TouchKind;
  /** When it happened (default now); not in the future, not before the assignment. */
  at?: number;
  note?: string;
  actor?: string;
}

export interface TouchResult {
  touch: TouchRecord;
  /** Set when this touch was the lead's first. */
  firstTouch?: FirstTouchRecord;
}

/** Records a touch on a locked lead, in the caller's transaction. */
export async function recordTouchIn(
  deps: { clock: () => number },
  /** The routing context read before the transaction (PGlite has one connection), if any. */
  ctx: RoutingContext | undefined,
  tx: Kysely<Database>,
  lead: LeadRecord,
  input: TouchInput,
): Promise<TouchResult> {
  const now = deps.clock();
  const at = input.at ?? now;
  if (at > now)
    throw invalid('a touch cannot be dated in the future', [
      { path: 'at', message: `must not be after now (${new Date(now).toISOString()})` },
    ]);
  const assignedAt = lead.assignedAt === null ? undefined : Date.parse(lead.assignedAt);
  if (assignedAt !== undefined && at < assignedAt)
    throw invalid('a touch cannot come before the assignment', [
      { path: 'at', message: `must not be before the lead was assigned (${lead.assignedAt})` },
    ]);
  const touch: TouchRecord = {
    id: createId(now),
    leadId: lead.id,
    kind: input.kind,
    at: new Date(at),
    actor: input.actor ?? null,
    note: input.note ?? null,
  };
  await insertTouch(tx, touch);
  const events = [
    {
      type: 'lead.touched',
      leadId: lead.id,
      payload: {
        lead_id: lead.id,
        touch_id: touch.id,
        kind: touch.kind,
        at: touch.at.toISOString(),
        owner_id: lead.ownerId,
        actor: touch.actor,
      },
    },
  ];
  let firstTouch: FirstTouchRecord | undefined;
  const slaId = await findLeadSla(tx, lead.id);
  let businessMs: number | null = null;
  if (assignedAt !== undefined && slaId !== undefined && ctx) {
    const sla = ctx.policy.slas?.slas.get(slaId);
    const owner = lead.ownerId ? ctx.directory.owners.get(lead.ownerId) : undefined;
    if (sla) businessMs = slaElapsed(sla.clock, owner, assignedAt, at);
  }
  const candidate: FirstTouchRecord = {
    leadId: lead.id,
    touchId: touch.id,
    ownerId: lead.ownerId,
    sla: slaId ?? null,
    assignedAt: assignedAt === undefined ? null : new Date(assignedAt),
    at: touch.at,
    wallMs: assignedAt === undefined ? null : at - assignedAt,
    businessMs: businessMs === null ? null : Math.round(businessMs),
  };
  if (await insertFirstTouch(tx, candidate)) {
    firstTouch = candidate;
    await cancelSlaTimers(tx, lead.id, 'first_response');
  }
  await appendEvents(tx, events, new Date(now));
  return { touch, firstTouch };
}
