/**
 * Leads after intake: read them with their decision history, list them, change their attributes
 * and status, route them again, assign them by hand. Every change that moves a lead between owners
 * or in or out of the open statuses adjusts the owners' open load in the same transaction, under
 * the owner row's lock.
 */
import type { Kysely } from 'kysely';
import {
  normalizeEmail,
  releaseOpenLead,
  type Decision,
  type Lead,
  type OwnerState,
} from '../engine/index.ts';
import { claimKeys, findKeys, releaseKeys } from '../store/idempotency-repo.ts';
import { createId, isUuid } from '../store/ids.ts';
import {
  CLOSED_STATUSES,
  insertDecisions,
  listLeadDecisions,
  listLeads,
  lockLead,
  OPEN_STATUSES,
  findLead,
  updateLead,
  type DecisionRecord,
  type LeadFilter,
  type LeadRecord,
  type LeadStatus,
} from '../store/leads-repo.ts';
import {
  ensureOwnerRows,
  lockOwnerStates,
  writeOwnerStates,
  writePoolStates,
} from '../store/routing-state-repo.ts';
import type { Database } from '../store/schema.ts';
import { notFound, ServiceError } from './errors.ts';
import type { ServiceMetrics } from './metrics.ts';
import { decodeUuidCursor, toPage, type Page } from './pages.ts';
import type { RoutingCache, RoutingContext } from './routing-cache.ts';
import {
  storedDerivedFields,
  buildDecisionRow,
  leadFieldsAfter,
  decisionRecordOf,
  externalIdKey,
  isRetryable,
  statusOf,
} from './route-lead.ts';
import { LockRetry, routeTasks, type LockSet, type StateSnapshot } from './route-tasks.ts';

export interface LeadServiceOptions {
  db: Kysely<Database>;
  cache: RoutingCache;
  snapshot: StateSnapshot;
  metrics?: ServiceMetrics;
  clock: () => number;
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

const MAX_ATTEMPTS = 8;

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
    const ctx = patch.attributes ? await this.contextOrUndefined(now) : undefined;
    return this.withRetries(() =>
      this.o.db.transaction().execute(async (tx) => {
        const lead = await lockLead(tx, id);
        if (!lead) throw notFound('lead', id);
        const set: Parameters<typeof updateLead>[2] = { updated_at: new Date(now) };
        if (patch.attributes) {
          const attributes = { ...lead.attributes };
          for (const [k, v] of Object.entries(patch.attributes)) {
            if (v === null) delete attributes[k];
            else attributes[k] = v;
          }
          set.attributes = JSON.stringify(attributes);
          set.email_norm = normalizeEmail(attributes.email) ?? null;
          if (ctx) {
            const derived = storedDerivedFields(attributes as Lead, ctx);
            set.derived = JSON.stringify(derived);
            // The lead's account follows its attributes, as at intake.
            set.account_id = typeof derived.account_id === 'string' ? derived.account_id : null;
          }
        }
        if (patch.externalId !== undefined && patch.externalId !== lead.externalId) {
          await this.moveExternalId(tx, lead, patch.externalId);
          set.external_id = patch.externalId;
        }
        if (patch.status && patch.status !== lead.status) {
          const wasOpen = OPEN_STATUSES.has(lead.status);
          const willBeOpen = OPEN_STATUSES.has(patch.status);
          if (willBeOpen && !lead.ownerId) {
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
          if (lead.ownerId && wasOpen !== willBeOpen)
            await adjustOpen(tx, lead.ownerId, willBeOpen ? +1 : -1, this.o.snapshot);
          set.status = patch.status;
          if (CLOSED_STATUSES.has(patch.status)) set.retry_at = null;
        }
        return updateLead(tx, id, set);
      }),
    );
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
  ): Promise<{ lead: LeadRecord; decision: DecisionRecord }> {
    if (!isUuid(id)) throw notFound('lead', id);
    const receivedAt = performance.now();
    const now = this.o.clock();
    const ctx = await this.o.cache.contextAt(now);
    let hint: LockSet = { pools: new Set(), owners: new Set() };
    for (let attempt = 1; ; attempt++) {
      try {
        const out = await this.o.db.transaction().execute(async (tx) => {
          const lead = await lockLead(tx, id);
          if (!lead) throw notFound('lead', id);
          const holds = lead.ownerId && OPEN_STATUSES.has(lead.status) ? lead.ownerId : undefined;
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
          const r = routed.routed[0]!;
          const decisionRow = buildDecisionRow(createId(now), id, r, 'reroute', now, {
            reason: input.reason,
            actor: input.actor,
            previousOwnerId: lead.ownerId,
          });
          await insertDecisions(tx, [decisionRow]);
          const updated = await updateLead(tx, id, {
            ...leadFieldsAfter(r.decision, now),
            account_id: r.decision.accountId ?? lead.accountId,
            updated_at: new Date(now),
          });
          return {
            routed,
            lead: updated,
            decision: decisionRecordOf(decisionRow, r.decision.explanation),
          };
        });
        this.o.snapshot.absorb(out.routed.pools, out.routed.owners);
        this.o.snapshot.markRows(out.routed.locks);
        this.o.metrics?.recordDecision(
          out.routed.routed[0]!.decision,
          'reroute',
          (performance.now() - receivedAt) / 1000,
        );
        return { lead: out.lead, decision: out.decision };
      } catch (error) {
        if (error instanceof LockRetry) hint = error.locks;
        else if (!isRetryable(error)) throw error;
        if (attempt >= MAX_ATTEMPTS)
          throw new ServiceError('unavailable', 'could not commit the re-routing; retry');
      }
    }
  }

  /** Assigns the lead to an owner by hand (any owner in the directory; caps do not apply). */
  async assignLead(
    id: string,
    input: { ownerId: string; reason: string; actor?: string },
  ): Promise<{ lead: LeadRecord; decision: DecisionRecord }> {
    if (!isUuid(id)) throw notFound('lead', id);
    const receivedAt = performance.now();
    const now = this.o.clock();
    await this.o.cache.refresh();
    const owner = this.o.cache.currentDirectory().owners.get(input.ownerId);
    if (!owner) {
      throw new ServiceError(
        'validation_failed',
        `unknown owner ${JSON.stringify(input.ownerId)}`,
        [{ path: 'owner_id', message: `no owner with id ${JSON.stringify(input.ownerId)}` }],
      );
    }
    const out = await this.withRetries(() =>
      this.o.db.transaction().execute(async (tx) => {
        const lead = await lockLead(tx, id);
        if (!lead) throw notFound('lead', id);
        const previous = lead.ownerId && OPEN_STATUSES.has(lead.status) ? lead.ownerId : undefined;
        if (previous !== input.ownerId) {
          const ids = [
            ...new Set([previous, input.ownerId].filter((x): x is string => !!x)),
          ].sort();
          await ensureOwnerRows(tx, ids);
          const states = await lockOwnerStates(tx, ids);
          const changed = new Map<string, OwnerState>();
          if (previous)
            changed.set(previous, releaseOpenLead(states.get(previous) ?? emptyOwnerState()));
          const target = states.get(input.ownerId) ?? emptyOwnerState();
          changed.set(input.ownerId, { ...target, open: target.open + 1, lastAssignedAt: now });
          await writeOwnerStates(tx, changed);
          this.o.snapshot.absorb(new Map(), changed);
        }
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
        const row = buildDecisionRow(
          createId(now),
          id,
          { decision, latencyUs: Math.round((performance.now() - receivedAt) * 1000) },
          'manual',
          now,
          {
            reason: input.reason,
            actor: input.actor,
            previousOwnerId: lead.ownerId,
          },
        );
        row.policy_version = null;
        await insertDecisions(tx, [row]);
        const updated = await updateLead(tx, id, {
          status: statusOf(decision),
          owner_id: input.ownerId,
          queue_id: null,
          retry_at: null,
          assigned_at: new Date(now),
          updated_at: new Date(now),
        });
        return {
          lead: updated,
          decision: decisionRecordOf(row, decision.explanation),
          made: decision,
        };
      }),
    );
    this.o.metrics?.recordDecision(out.made, 'manual', (performance.now() - receivedAt) / 1000);
    return { lead: out.lead, decision: out.decision };
  }

  private async contextOrUndefined(now: number): Promise<RoutingContext | undefined> {
    try {
      return await this.o.cache.contextAt(now);
    } catch (error) {
      if (error instanceof ServiceError && error.code === 'unavailable') return undefined;
      throw error;
    }
  }

  private async withRetries<T>(run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        if (!isRetryable(error) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}

async function adjustOpen(
  tx: Kysely<Database>,
  ownerId: string,
  delta: 1 | -1,
  snapshot: StateSnapshot,
): Promise<void> {
  await ensureOwnerRows(tx, [ownerId]);
  const current = (await lockOwnerStates(tx, [ownerId])).get(ownerId) ?? emptyOwnerState();
  const next = delta < 0 ? releaseOpenLead(current) : { ...current, open: current.open + 1 };
  await writeOwnerStates(tx, new Map([[ownerId, next]]));
  snapshot.absorb(new Map(), new Map([[ownerId, next]]));
}

function emptyOwnerState(): OwnerState {
  return { open: 0, dayKey: '', dayCount: 0, weekKey: '', weekCount: 0, lastAssignedAt: null };
}
