/**
 * What an SLA timer does when it fires, in the runner's transaction (the one that deletes the
 * timer). A warning records an sla_events row and an `sla.warning` event. A breach records an
 * sla_events row and an `sla.breached` event, takes the ladder's step for this breach (an
 * escalations row, unique per lead, SLA, clock and step, and a `lead.escalated` event) and
 * schedules the next deadline when the step carries one. The unique keys make each deadline take
 * effect once, whatever fires it twice.
 */
import type { Kysely } from 'kysely';
import {
  checkAvailability,
  emptyOwnerState,
  isOpenLeadStatus,
  ownerStateAfterStatusChange,
  planBreach,
  recordAssignment,
  releaseOpenLead,
  type CompiledSla,
  type Decision,
  type LadderAction,
  type LeadStatus,
  type Owner,
  type OwnerState,
  type SlaClockName,
} from '../../engine/index.ts';
import { createId } from '../../store/ids.ts';
import { decisionRecordOf } from '../../store/lead-rows.ts';
import {
  insertDecisions,
  listLeadDecisions,
  lockLead,
  updateLead,
  type LeadRecord,
} from '../../store/leads-repo.ts';
import { findOwner, upsertOwners } from '../../store/owners-repo.ts';
import { appendEvents, type NewOutboxEvent } from '../../store/outbox-repo.ts';
import {
  ensureOwnerRows,
  lockOwnerStates,
  writeOwnerStates,
} from '../../store/routing-state-repo.ts';
import type { Database } from '../../store/schema.ts';
import { insertEscalation, insertSlaEvent, listBreachers } from '../../store/sla-repo.ts';
import type { RoutingContext } from '../routing-cache.ts';
import type { StateSnapshot } from '../route-tasks.ts';
import {
  SLA_BREACH,
  SLA_WARNING,
  timersOfPlan,
  writeSlaTimers,
  type SlaTimerPayload,
} from './sla-timers.ts';

/** An SLA timer as the runner hands it over. */
export interface SlaTimer {
  id: string;
  kind: string;
  leadId: string | null;
  ownerId: string | null;
  sla: string | null;
  step: number;
  dueAt: Date;
  payload: unknown;
}

/** What firing did, for metrics and for waking the runner after commit. */
export interface SlaFireResult {
  /** `duplicate`: this deadline had already taken effect; `gone`: the lead no longer exists. */
  outcome: 'warning' | 'breach' | 'duplicate' | 'gone';
  sla: string;
  step: number;
  /** The ladder step taken, if any. */
  action?: LadderAction['kind'];
  /** Due time of the next deadline scheduled, if any. */
  nextDueAt?: number;
  /** An owner was paused: the routing cache must reload owners. */
  ownersChanged?: boolean;
}

export interface BreachDeps {
  snapshot: StateSnapshot;
  clock: () => number;
}

/** Fires one SLA timer in `tx`. Throws only on database trouble (the runner retries the timer). */
export async function fireSlaTimer(
  deps: BreachDeps,
  ctx: RoutingContext | undefined,
  tx: Kysely<Database>,
  timer: SlaTimer,
): Promise<SlaFireResult> {
  const payload = timer.payload as Partial<SlaTimerPayload>;
  const clock: SlaClockName = payload.clock === 'assign' ? 'assign' : 'first_response';
  const slaId = timer.sla ?? 'unknown';
  const base = { sla: slaId, step: timer.step };
  if (!timer.leadId) return { outcome: 'gone', ...base };
  const lead = await lockLead(tx, timer.leadId);
  if (!lead) return { outcome: 'gone', ...base };
  const now = deps.clock();
  const at = new Date(now);
  const ownerId = clock === 'first_response' ? (timer.ownerId ?? lead.ownerId) : null;
  const kind = timer.kind === SLA_WARNING ? 'warning' : 'breach';
  const recorded = await insertSlaEvent(tx, {
    leadId: lead.id,
    sla: slaId,
    clock,
    kind,
    step: timer.step,
    ownerId,
    dueAt: timer.dueAt,
    at,
  });
  if (!recorded) return { outcome: 'duplicate', ...base };
  const events: NewOutboxEvent[] = [
    {
      type: kind === 'warning' ? 'sla.warning' : 'sla.breached',
      leadId: lead.id,
      payload: {
        lead_id: lead.id,
        sla: slaId,
        clock,
        step: timer.step,
        owner_id: ownerId,
        due_at: timer.dueAt.toISOString(),
        at: at.toISOString(),
      },
    },
  ];
  if (kind === 'warning') {
    await appendEvents(tx, events, at);
    return { outcome: 'warning', ...base };
  }

  const sla = ctx?.policy.slas?.slas.get(slaId);
  const rung = sla?.ladder[timer.step];
  if (!ctx || !sla || !rung) {
    await appendEvents(tx, events, at);
    return { outcome: 'breach', ...base };
  }
  const step = await takeStep(deps, tx, ctx, lead, rung.action, ownerId, now);
  const escalation = {
    leadId: lead.id,
    sla: slaId,
    clock,
    step: timer.step,
    action: rung.action.kind,
    fromOwnerId: ownerId,
    toOwnerId: step.toOwnerId ?? null,
    toQueueId: step.toQueueId ?? null,
    detail: step.detail ?? null,
    at,
  };
  await insertEscalation(tx, escalation);
  const manager = ownerId ? ctx.directory.owners.get(ownerId)?.manager : undefined;
  events.push({
    type: 'lead.escalated',
    leadId: lead.id,
    payload: {
      lead_id: lead.id,
      sla: slaId,
      clock,
      step: timer.step,
      action: rung.action.kind,
      from_owner_id: ownerId,
      to_owner_id: step.toOwnerId ?? null,
      to_queue_id: step.toQueueId ?? null,
      manager: manager ?? null,
      notify: rung.action.kind === 'notify',
      detail: step.detail ?? null,
      at: at.toISOString(),
    },
  });
  await appendEvents(tx, events, at);

  let nextDueAt: number | undefined;
  // The next rung runs on whoever holds the lead now; a lead sent to a queue has no owner's clock.
  const holder = step.toOwnerId ?? (step.toQueueId ? undefined : (lead.ownerId ?? undefined));
  const next = planBreach(
    sla,
    clock,
    timer.step,
    now,
    holder ? ctx.directory.owners.get(holder) : undefined,
  );
  if (next.next && !step.closed)
    nextDueAt = await writeSlaTimers(tx, timersOfPlan(sla, [next.next], lead.id, holder));
  return {
    outcome: 'breach',
    ...base,
    action: rung.action.kind,
    nextDueAt,
    ownersChanged: step.ownersChanged,
  };
}

interface StepResult {
  toOwnerId?: string;
  toQueueId?: string;
  detail?: Record<string, unknown>;
  ownersChanged?: boolean;
  /** The lead left the open statuses: nothing more to time. */
  closed?: boolean;
}

async function takeStep(
  deps: BreachDeps,
  tx: Kysely<Database>,
  ctx: RoutingContext,
  lead: LeadRecord,
  action: LadderAction,
  breacher: string | null,
  now: number,
): Promise<StepResult> {
  const at = new Date(now).toISOString();
  switch (action.kind) {
    case 'notify':
      return {};
    case 'pause_owner': {
      if (!breacher) return { detail: { result: 'no_owner' } };
      const owner = await findOwner(tx, breacher);
      if (!owner) return { detail: { result: 'unknown_owner' } };
      if (owner.paused && owner.pausedUntil === undefined)
        return { detail: { result: 'already_paused' } };
      const { pausedUntil: _until, ...rest } = owner;
      await upsertOwners(tx, [{ ...rest, paused: true }]);
      return { detail: { paused: breacher }, ownersChanged: true };
    }
    case 'set_status': {
      const to = action.status as LeadStatus;
      if (lead.status === to) return { detail: { result: 'unchanged' } };
      if (lead.ownerId) await changeOwnerStatus(deps, tx, lead.ownerId, lead.status, to);
      await updateLead(tx, lead.id, {
        status: to,
        updatedAt: at,
        ...(isOpenLeadStatus(to) ? {} : { retryAt: null }),
      });
      return { detail: { status: to }, closed: !isOpenLeadStatus(to) };
    }
    case 'queue': {
      const decision: Decision = {
        outcome: 'queued',
        queueId: action.queueId,
        policyVersion: ctx.policy.version,
        reason: 'SLA breached: escalated to a queue',
      };
      await moveLead(deps, tx, lead, decision, undefined, now);
      return { toQueueId: action.queueId };
    }
    case 'reassign': {
      const next = await nextEligibleOwner(tx, ctx, lead, now);
      if (!next) return { detail: { result: 'no_eligible_owner' } };
      const decision: Decision = {
        outcome: 'assigned',
        ownerId: next.owner.id,
        poolId: next.poolId,
        ruleId: next.ruleId,
        policyVersion: ctx.policy.version,
        reason: 'SLA breached: reassigned to the next eligible owner',
      };
      await moveLead(deps, tx, lead, decision, next.owner, now);
      return { toOwnerId: next.owner.id };
    }
  }
}

/**
 * The next eligible owner of the lead's target: the pool of its last routed decision, in member
 * order after the current owner, skipping every owner who breached on this lead, the current
 * owner, and anyone inactive, paused, out of office or (unless the rule says any_active) outside
 * working hours.
 */
async function nextEligibleOwner(
  tx: Kysely<Database>,
  ctx: RoutingContext,
  lead: LeadRecord,
  now: number,
): Promise<{ owner: Owner; poolId?: string; ruleId?: string } | undefined> {
  const decisions = await listLeadDecisions(tx, lead.id);
  const routed = [...decisions].reverse().find((d) => d.poolId !== null);
  const pool = routed?.poolId ? ctx.policy.pools.get(routed.poolId) : undefined;
  if (!pool) return undefined;
  const rule = ctx.policy.rules.find((r) => r.id === routed!.ruleId);
  const workingHours = rule?.availability !== 'any_active';
  const excluded = await listBreachers(tx, lead.id);
  if (lead.ownerId) excluded.add(lead.ownerId);
  const ids = pool.memberIds;
  const from = lead.ownerId ? ids.indexOf(lead.ownerId) : -1;
  for (let k = 1; k <= ids.length; k++) {
    const id = ids[(from + k + ids.length) % ids.length]!;
    if (excluded.has(id)) continue;
    const owner = ctx.directory.owners.get(id);
    if (!owner) continue;
    if (checkAvailability(owner, now, workingHours).status !== 'eligible') continue;
    return { owner, poolId: pool.id, ruleId: routed!.ruleId ?? undefined };
  }
  return undefined;
}

/** Moves the lead to a new owner or queue: owners' load, a decision record, the lead's row. */
async function moveLead(
  deps: BreachDeps,
  tx: Kysely<Database>,
  lead: LeadRecord,
  decision: Decision,
  newOwner: Owner | undefined,
  now: number,
): Promise<void> {
  const at = new Date(now).toISOString();
  const previous = lead.ownerId && isOpenLeadStatus(lead.status) ? lead.ownerId : undefined;
  const ids = [...new Set([previous, newOwner?.id].filter((x): x is string => !!x))].sort();
  if (ids.length) {
    await ensureOwnerRows(tx, ids);
    const states = await lockOwnerStates(tx, ids);
    const changed = new Map<string, OwnerState>();
    if (previous) changed.set(previous, releaseOpenLead(states.get(previous) ?? emptyOwnerState()));
    if (newOwner)
      changed.set(newOwner.id, recordAssignment(newOwner, states.get(newOwner.id), now));
    await writeOwnerStates(tx, changed);
    deps.snapshot.absorb(new Map(), changed);
  }
  await insertDecisions(tx, [
    decisionRecordOf(decision, {
      id: createId(now),
      leadId: lead.id,
      trigger: 'escalation',
      createdAt: at,
      latencyUs: 0,
      reason: decision.reason,
      previousOwnerId: lead.ownerId,
    }),
  ]);
  await updateLead(tx, lead.id, {
    status: decision.outcome === 'assigned' ? 'assigned' : 'queued',
    ownerId: decision.ownerId ?? null,
    queueId: decision.queueId ?? null,
    retryAt: null,
    assignedAt: decision.outcome === 'assigned' ? at : lead.assignedAt,
    updatedAt: at,
  });
}

async function changeOwnerStatus(
  deps: BreachDeps,
  tx: Kysely<Database>,
  ownerId: string,
  from: LeadStatus,
  to: LeadStatus,
): Promise<void> {
  if (isOpenLeadStatus(from) === isOpenLeadStatus(to)) return;
  await ensureOwnerRows(tx, [ownerId]);
  const current = (await lockOwnerStates(tx, [ownerId])).get(ownerId) ?? emptyOwnerState();
  const next = new Map([[ownerId, ownerStateAfterStatusChange(current, from, to)]]);
  await writeOwnerStates(tx, next);
  deps.snapshot.absorb(new Map(), next);
}

export { SLA_BREACH, SLA_WARNING };
export type { CompiledSla };
