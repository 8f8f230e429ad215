/**
 * Leads after intake: read them with their decision history, list them, change their attributes
 * and status, route them again, assign them by hand. Every change that moves a lead between owners
 * or in or out of the open statuses adjusts the owners' open load in the same transaction, under
 * the owner row's lock.
 */
import type { Kysely } from 'kysely';
import {
  CLOSED_LEAD_STATUSES,
  emptyOwnerState,
  isOpenLeadStatus,
  normalizeEmail,
  ownerStateAfterStatusChange,
  recordAssignment,
  releaseOpenLead,
  type Decision,
  type Lead,
  type LeadStatus,
  type OwnerState,
} from '../engine/index.ts';
import { claimKeys, findKeys, releaseKeys } from '../store/idempotency-repo.ts';
import { createId, isUuid } from '../store/ids.ts';
import { applyDecision, decisionRecordOf } from '../store/lead-rows.ts';
import {
  insertDecisions,
  listLeadDecisions,
  listLeads,
  lockLead,
  findLead,
  updateLead,
  type DecisionRecord,
  type LeadChanges,
  type LeadFilter,
  type LeadRecord,
} from '../store/leads-repo.ts';
import {
  ensureOwnerRows,
  lockOwnerStates,
  writeOwnerStates,
  writePoolStates,
} from '../store/routing-state-repo.ts';
import type { Database } from '../store/schema.ts';
import { runTransaction, type TransactionOptions } from '../store/transaction.ts';
import {
  checkTeamScope,
  recordChange,
  SYSTEM_CONTEXT,
  type RequestContext,
} from './access/context.ts';
import { toServiceError } from './database-errors.ts';
import { notFound, ServiceError } from './errors.ts';
import { appendLeadEvents, type EventsHub } from './events.ts';
import { reassignOnChange } from './reassignment.ts';
import { externalIdKey } from './intake/idempotency.ts';
import { storedDerivedFields } from './intake/prepare.ts';
import type { ServiceMetrics } from './metrics.ts';
import { decodeUuidCursor, toPage, type Page } from './pages.ts';
import type { RoutingCache, RoutingContext } from './routing-cache.ts';
import { LockRetry, routeTasks, type LockSet, type StateSnapshot } from './route-tasks.ts';
import { restartSlaTimers, settleLeadSla, type TimerSignal } from './lifecycle/hooks.ts';

export interface LeadServiceOptions {
  db: Kysely<Database>;
  cache: RoutingCache;
  snapshot: StateSnapshot;
  metrics?: ServiceMetrics;
  clock: () => number;
  /** Told after a commit that wrote outbound events. */
  events?: EventsHub;
  /** Told of committed SLA timers (wakes the timer runner). */
  timers?: TimerSignal;
}

export interface LeadWithHistory extends LeadRecord {
  decisions: DecisionRecord[];
}

export interface LeadPatch {
  /** Attributes to set; `null` removes one. */
  attributes?: Record<string, unknown>;
  status?: LeadStatus;
  externalId?: string | null;
}

export class LeadService {
  constructor(private readonly o: LeadServiceOptions) {}

  async getLead(id: string): Promise<LeadWithHistory> {
    if (!isUuid(id)) throw notFound('lead', id);
    const lead = await findLead(this.o.db, id);
    if (!lead) throw notFound('lead', id);
    return { ...lead, decisions: await listLeadDecisions(this.o.db, id) };
  }

  async listLeads(
    filter: Omit<LeadFilter, 'after'> & { cursor?: string },
  ): Promise<Page<LeadRecord>> {
    const after = filter.cursor ? decodeUuidCursor(filter.cursor) : undefined;
    const rows = await listLeads(this.o.db, { ...filter, after, limit: filter.limit + 1 });
    return toPage(rows, filter.limit);
  }

  /** Changes attributes (re-deriving the normalised fields) and status. */
  async patchLead(id: string, patch: LeadPatch): Promise<LeadRecord> {
    if (!isUuid(id)) throw notFound('lead', id);
    const now = this.o.clock();
    // Read before the transaction: PGlite has one connection. A status change may be a touch.
    const ctx = patch.attributes || patch.status ? await this.contextOrUndefined(now) : undefined;
    let hint: LockSet = { pools: new Set(), owners: new Set() };
    let events = 0;
    const restarts: TransactionOptions = {
      onRestart: (_reason, error) => {
        if (error instanceof LockRetry) hint = error.locks;
      },
    };
    const out = await this.transact(async (tx) => {
      const lead = await lockLead(tx, id);
      if (!lead) throw notFound('lead', id);
      const changes: LeadChanges = { updatedAt: new Date(now).toISOString() };
      if (patch.attributes) {
        const attributes = { ...lead.attributes };
        for (const [k, v] of Object.entries(patch.attributes)) {
          if (v === null) delete attributes[k];
          else attributes[k] = v;
        }
        changes.attributes = attributes;
        changes.emailNorm = normalizeEmail(attributes.email) ?? null;
        if (ctx) {
          const derived = storedDerivedFields(attributes as Lead, ctx);
          changes.derived = derived;
          // The lead's account follows its attributes, as at intake.
          changes.accountId = typeof derived.account_id === 'string' ? derived.account_id : null;
        }
      }
      if (patch.externalId !== undefined && patch.externalId !== lead.externalId) {
        await this.moveExternalId(tx, lead, patch.externalId);
        changes.externalId = patch.externalId;
      }
      if (patch.status && patch.status !== lead.status) {
        if (isOpenLeadStatus(patch.status) && !lead.ownerId) {
          throw new ServiceError(
            'invalid_state',
            `lead ${id} has no owner: it cannot be ${patch.status}; assign it first`,
            [
              {
                path: 'status',
                message: `"${patch.status}" needs an owner; the lead is ${lead.status}`,
              },
            ],
          );
        }
        if (lead.ownerId) await this.changeStatus(tx, lead.ownerId, lead.status, patch.status);
        changes.status = patch.status;
        if (CLOSED_LEAD_STATUSES.has(patch.status)) changes.retryAt = null;
        await settleLeadSla(this.o, ctx, tx, lead, patch.status);
      }
      // A watched field changed (reassign_on): route again in this transaction. Not when the same
      // request also sets the status: that change is the caller's, and says what they meant.
      const moved =
        ctx && changes.attributes && !changes.status
          ? await reassignOnChange(tx, {
              lead,
              after: { attributes: changes.attributes, derived: changes.derived ?? lead.derived },
              ctx,
              now,
              snapshot: this.o.snapshot,
              hint,
            })
          : undefined;
      if (moved) Object.assign(changes, moved.lead);
      const updated = await updateLead(tx, id, changes);
      if (moved)
        events = await appendLeadEvents(
          tx,
          this.o.cache.activeEventTypes(),
          [{ decision: moved.decision, lead: updated, previousOwnerId: moved.previousOwnerId }],
          new Date(now),
        );
      return updated;
    }, restarts);
    this.o.events?.committed(events);
    return out;
  }

  /**
   * No two leads share an external id: the new one is claimed for this lead (its key, as intake
   * claims it; a 409 when another lead has it) and the old one is given up. Intake with the new
   * external id is then a 409 naming this lead, never a second lead.
   */
  private async moveExternalId(
    tx: Kysely<Database>,
    lead: LeadRecord,
    externalId: string | null,
  ): Promise<void> {
    if (externalId !== null) {
      const key = externalIdKey(externalId);
      const claimed = await claimKeys(tx, [
        { key, requestHash: `patched:${lead.id}`, leadId: lead.id, decisionId: null },
      ]);
      const holder = claimed.get(key) ?? (await findKeys(tx, [key])).get(key)?.leadId;
      if (holder !== lead.id) {
        throw new ServiceError(
          'conflict',
          `external_id ${JSON.stringify(externalId)} belongs to another lead`,
          [
            {
              path: 'external_id',
              message: `already the external id of lead ${holder ?? '(in progress)'}`,
            },
          ],
        );
      }
    }
    if (lead.externalId !== null) await releaseKeys(tx, [externalIdKey(lead.externalId)], lead.id);
  }

  /** Routes the lead again now with the policy in force, recording why. */
  async rerouteLead(
    id: string,
    input: { reason: string; actor?: string },
    rc: RequestContext = SYSTEM_CONTEXT,
  ): Promise<{ lead: LeadRecord; decision: DecisionRecord }> {
    if (!isUuid(id)) throw notFound('lead', id);
    const receivedAt = performance.now();
    const now = this.o.clock();
    const at = new Date(now).toISOString();
    const ctx = await this.o.cache.contextAt(now);
    let hint: LockSet = { pools: new Set(), owners: new Set() };
    const out = await this.transact(
      async (tx) => {
        const lead = await lockLead(tx, id);
        if (!lead) throw notFound('lead', id);
        this.checkLeadTeam(rc, lead, ctx.directory.owners);
        const holds = lead.ownerId && isOpenLeadStatus(lead.status) ? lead.ownerId : undefined;
        const attributes = lead.attributes as Lead;
        const routed = await routeTasks(
          tx,
          [
            {
              lead: lead.externalId ? { ...attributes, id: lead.externalId } : attributes,
              emailNorm: normalizeEmail(attributes.email),
              releaseOwner: holds,
              receivedAt,
            },
          ],
          ctx,
          now,
          this.o.snapshot,
          hint,
        );
        await writePoolStates(tx, routed.changedPools);
        await writeOwnerStates(tx, routed.changedOwners);
        const { decision, latencyUs } = routed.routed[0]!;
        const record = decisionRecordOf(decision, {
          id: createId(now),
          leadId: id,
          trigger: 'reroute',
          createdAt: at,
          latencyUs,
          reason: input.reason,
          actor: input.actor,
          previousOwnerId: lead.ownerId,
        });
        await insertDecisions(tx, [record]);
        const after = applyDecision(lead, decision, at);
        const updated = await updateLead(tx, id, {
          status: after.status,
          ownerId: after.ownerId,
          queueId: after.queueId,
          retryAt: after.retryAt,
          assignedAt: after.assignedAt,
          accountId: after.accountId,
          updatedAt: at,
        });
        const events = await appendLeadEvents(
          tx,
          this.o.cache.activeEventTypes(),
          [{ decision: record, lead: updated, previousOwnerId: holds ?? null }],
          new Date(now),
        );
        await recordChange(tx, rc, {
          action: 'lead.reroute',
          target: { type: 'lead', id },
          before: { owner_id: lead.ownerId, queue_id: lead.queueId, status: lead.status },
          after: { owner_id: updated.ownerId, queue_id: updated.queueId, status: updated.status },
          details: { reason: input.reason, decision_id: record.id },
        });
        const timersDueAt = await restartSlaTimers(tx, ctx, id, decision, now);
        return { routed, lead: updated, decision: record, events, timersDueAt };
      },
      {
        onRestart: (_reason, error) => {
          if (error instanceof LockRetry) hint = error.locks;
        },
        giveUp: () => new ServiceError('unavailable', 'could not commit the re-routing; retry'),
      },
    );
    this.o.snapshot.absorb(out.routed.pools, out.routed.owners);
    this.o.snapshot.markRows(out.routed.locks);
    this.o.events?.committed(out.events);
    this.o.timers?.notify(out.timersDueAt);
    this.o.metrics?.recordDecision(
      out.routed.routed[0]!.decision,
      'reroute',
      (performance.now() - receivedAt) / 1000,
    );
    return { lead: out.lead, decision: out.decision };
  }

  /** Assigns the lead to an owner by hand (any owner in the directory; caps do not apply). */
  async assignLead(
    id: string,
    input: { ownerId: string; reason: string; actor?: string },
    rc: RequestContext = SYSTEM_CONTEXT,
  ): Promise<{ lead: LeadRecord; decision: DecisionRecord }> {
    if (!isUuid(id)) throw notFound('lead', id);
    const receivedAt = performance.now();
    const now = this.o.clock();
    const at = new Date(now).toISOString();
    await this.o.cache.refresh();
    const owner = this.o.cache.currentDirectory().owners.get(input.ownerId);
    if (!owner) {
      throw new ServiceError(
        'validation_failed',
        `unknown owner ${JSON.stringify(input.ownerId)}`,
        [{ path: 'owner_id', message: `no owner with id ${JSON.stringify(input.ownerId)}` }],
      );
    }
    // A manager assigns only to the owners of its team.
    checkTeamScope(rc, 'leads:assign', owner.team, `owner ${JSON.stringify(input.ownerId)}`);
    const decision: Decision = {
      outcome: 'assigned',
      ownerId: input.ownerId,
      policyVersion: '',
      explanation: {
        policyVersion: '',
        rules: [],
        derived: {},
        attempts: [],
        summary: `Assigned by hand to ${input.ownerId}${input.actor ? ` by ${input.actor}` : ''}: ${input.reason}.`,
      },
    };
    const ctx = await this.contextOrUndefined(now);
    const out = await this.transact(async (tx) => {
      const lead = await lockLead(tx, id);
      if (!lead) throw notFound('lead', id);
      this.checkLeadTeam(rc, lead, this.o.cache.currentDirectory().owners);
      const previous = lead.ownerId && isOpenLeadStatus(lead.status) ? lead.ownerId : undefined;
      if (previous !== input.ownerId) {
        const ids = [...new Set([previous, input.ownerId].filter((x): x is string => !!x))].sort();
        await ensureOwnerRows(tx, ids);
        const states = await lockOwnerStates(tx, ids);
        const changed = new Map<string, OwnerState>();
        if (previous) changed.set(previous, releaseOpenLead(ownerStateIn(states, previous)));
        // An assignment like any other: open load, day and week counts, last assignment.
        changed.set(input.ownerId, recordAssignment(owner, states.get(input.ownerId), now));
        await writeOwnerStates(tx, changed);
        this.o.snapshot.absorb(new Map(), changed);
      }
      const record: DecisionRecord = {
        ...decisionRecordOf(decision, {
          id: createId(now),
          leadId: id,
          trigger: 'manual',
          createdAt: at,
          latencyUs: Math.round((performance.now() - receivedAt) * 1000),
          reason: input.reason,
          actor: input.actor,
          previousOwnerId: lead.ownerId,
        }),
        // Made by a person, not by a policy version.
        policyVersion: null,
      };
      await insertDecisions(tx, [record]);
      const after = applyDecision(lead, decision, at);
      const updated = await updateLead(tx, id, {
        status: after.status,
        ownerId: after.ownerId,
        queueId: null,
        retryAt: null,
        assignedAt: after.assignedAt,
        updatedAt: at,
      });
      const events = await appendLeadEvents(
        tx,
        this.o.cache.activeEventTypes(),
        [{ decision: record, lead: updated, previousOwnerId: previous ?? null }],
        new Date(now),
      );
      await recordChange(tx, rc, {
        action: 'lead.assign',
        target: { type: 'lead', id },
        before: { owner_id: lead.ownerId, queue_id: lead.queueId, status: lead.status },
        after: { owner_id: updated.ownerId, queue_id: updated.queueId, status: updated.status },
        details: { reason: input.reason, decision_id: record.id },
      });
      // The new owner's first-response clock starts now, on the SLA the lead was on.
      const timersDueAt = ctx ? await restartSlaTimers(tx, ctx, id, decision, now) : undefined;
      return { lead: updated, decision: record, events, timersDueAt };
    });
    this.o.events?.committed(out.events);
    this.o.timers?.notify(out.timersDueAt);
    this.o.metrics?.recordDecision(decision, 'manual', (performance.now() - receivedAt) / 1000);
    return { lead: out.lead, decision: out.decision };
  }

  /** A manager acts only on leads held by (or queued without) an owner of its team. */
  private checkLeadTeam(
    rc: RequestContext,
    lead: LeadRecord,
    owners: ReadonlyMap<string, { team?: string | null }>,
  ): void {
    const team = lead.ownerId ? owners.get(lead.ownerId)?.team : undefined;
    checkTeamScope(rc, 'leads:assign', team, `lead ${lead.id}`);
  }

  private async contextOrUndefined(now: number): Promise<RoutingContext | undefined> {
    try {
      return await this.o.cache.contextAt(now);
    } catch (error) {
      if (error instanceof ServiceError && error.code === 'unavailable') return undefined;
      throw error;
    }
  }

  /**
   * Runs `work` in a transaction (restarted when it loses a race, see runTransaction); a database
   * error leaves as a ServiceError when it is the request's fault.
   */
  private async transact<T>(
    work: (tx: Kysely<Database>) => Promise<T>,
    options?: TransactionOptions,
  ): Promise<T> {
    try {
      return await runTransaction(this.o.db, work, options);
    } catch (error) {
      throw toServiceError(error);
    }
  }

  /**
   * A lead of `ownerId` moves from one status to another: the owner's open load follows (closing
   * gives it back, reopening counts it again), under the owner row's lock.
   */
  private async changeStatus(
    tx: Kysely<Database>,
    ownerId: string,
    from: LeadStatus,
    to: LeadStatus,
  ): Promise<void> {
    if (isOpenLeadStatus(from) === isOpenLeadStatus(to)) return;
    await ensureOwnerRows(tx, [ownerId]);
    const current = ownerStateIn(await lockOwnerStates(tx, [ownerId]), ownerId);
    const next = new Map([[ownerId, ownerStateAfterStatusChange(current, from, to)]]);
    await writeOwnerStates(tx, next);
    this.o.snapshot.absorb(new Map(), next);
  }
}

/** An owner's state among locked rows. The rows were ensured first, so a missing one reads as empty. */
function ownerStateIn(states: ReadonlyMap<string, OwnerState>, ownerId: string): OwnerState {
  return states.get(ownerId) ?? emptyOwnerState();
}
