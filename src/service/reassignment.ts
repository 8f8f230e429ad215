/**
 * Reassignment on attribute change (`reassign_on`), inside the transaction of the lead's PATCH:
 * the lead's watched fields (raw or derived) changed and its status qualifies, so it is routed
 * again with the policy in force; the current owner is kept when the new routing would still
 * accept them (`keep_owner_if_eligible`), and past the loop guard the lead goes to the overflow
 * queue with the reason. The decision (trigger `attribute_change`) and the `lead.reassigned` or
 * `lead.queued` event are written in the same transaction. The pure part is
 * src/engine/reassignment.
 */
import type { Kysely } from 'kysely';
import {
  acceptsOwner,
  normalizeEmail,
  planReassignment,
  releaseOpenLead,
  emptyOwnerState,
  type Decision,
  type Lead,
} from '../engine/index.ts';
import { createId } from '../store/ids.ts';
import { applyDecision, decisionRecordOf, type DecisionRecord } from '../store/lead-rows.ts';
import { insertDecisions, listLeadDecisions, type LeadRecord } from '../store/leads-repo.ts';
import {
  ensureOwnerRows,
  lockOwnerStates,
  writeOwnerStates,
  writePoolStates,
} from '../store/routing-state-repo.ts';
import type { Database } from '../store/schema.ts';
import type { RoutingContext } from './routing-cache.ts';
import { routeTasks, type LockSet, type StateSnapshot } from './route-tasks.ts';

const DAY_MS = 86_400_000;

/** What the reassignment changed: the lead's new routing fields and the decision, if any. */
export interface Reassignment {
  decision: DecisionRecord;
  lead: Pick<LeadRecord, 'status' | 'ownerId' | 'queueId' | 'retryAt' | 'assignedAt'>;
  previousOwnerId: string;
}

/**
 * Re-routes `lead` (as locked in `tx`, before the patch) whose attributes and derived fields
 * become `after`, when the policy's triggers ask for it. Undefined when nothing moves (no watched
 * field changed, a status that is not re-routed, or the owner kept).
 */
export async function reassignOnChange(
  tx: Kysely<Database>,
  input: {
    lead: LeadRecord;
    after: { attributes: Record<string, unknown>; derived: Record<string, unknown> };
    ctx: RoutingContext;
    now: number;
    snapshot: StateSnapshot;
    hint: LockSet;
  },
): Promise<Reassignment | undefined> {
  const { lead, ctx, now } = input;
  const triggers = ctx.policy.reassignOn;
  if (!triggers || !lead.ownerId) return undefined;
  const before = { ...lead.attributes, ...lead.derived };
  const after = { ...input.after.attributes, ...input.after.derived };
  // Cheap checks first: the decision history is read only when a watched field changed.
  const quick = planReassignment({
    triggers,
    status: lead.status,
    ownerId: lead.ownerId,
    before,
    after,
    recentReassignments: 0,
  });
  if (quick.action === 'none') return undefined;
  const since = new Date(now - DAY_MS).toISOString();
  const recent = (await listLeadDecisions(tx, lead.id)).filter(
    (d) => d.trigger === 'attribute_change' && d.createdAt > since,
  ).length;
  const plan = planReassignment({
    triggers,
    status: lead.status,
    ownerId: lead.ownerId,
    before,
    after,
    recentReassignments: recent,
  });
  if (plan.action === 'none') return undefined;
  const at = new Date(now).toISOString();
  const previousOwnerId = lead.ownerId;
  const started = performance.now();

  if (plan.action === 'overflow') {
    await ensureOwnerRows(tx, [previousOwnerId]);
    const states = await lockOwnerStates(tx, [previousOwnerId]);
    const released = releaseOpenLead(states.get(previousOwnerId) ?? emptyOwnerState());
    await writeOwnerStates(tx, new Map([[previousOwnerId, released]]));
    input.snapshot.absorb(new Map(), new Map([[previousOwnerId, released]]));
    const decision: Decision = {
      outcome: 'queued',
      queueId: plan.queueId,
      policyVersion: ctx.policy.version,
      explanation: {
        policyVersion: ctx.policy.version,
        rules: [],
        derived: {},
        attempts: [],
        summary: `Queued in ${plan.queueId}: ${plan.reason}.`,
      },
    };
    return record(decision, plan.reason);
  }

  const attributes = input.after.attributes as Lead;
  const routed = await routeTasks(
    tx,
    [
      {
        lead: lead.externalId ? { ...attributes, id: lead.externalId } : attributes,
        emailNorm: normalizeEmail(attributes.email),
        releaseOwner: previousOwnerId,
        receivedAt: started,
      },
    ],
    ctx,
    now,
    input.snapshot,
    input.hint,
  );
  const { decision } = routed.routed[0]!;
  // The owner would still be accepted: nothing moves, and the routing state is not written.
  if (triggers.keepOwnerIfEligible && acceptsOwner(decision, previousOwnerId)) return undefined;
  await writePoolStates(tx, routed.changedPools);
  await writeOwnerStates(tx, routed.changedOwners);
  return record(decision, `${plan.changed.join(', ')} changed`);

  async function record(decision: Decision, reason: string): Promise<Reassignment> {
    const rec = decisionRecordOf(decision, {
      id: createId(now),
      leadId: lead.id,
      trigger: 'attribute_change',
      createdAt: at,
      latencyUs: Math.round((performance.now() - started) * 1000),
      reason,
      previousOwnerId,
    });
    await insertDecisions(tx, [rec]);
    const moved = applyDecision(lead, decision, at);
    return {
      decision: rec,
      lead: {
        status: moved.status,
        ownerId: moved.ownerId,
        queueId: moved.queueId,
        retryAt: moved.retryAt,
        assignedAt: moved.assignedAt,
      },
      previousOwnerId,
    };
  }
}
