/**
 * Leads and their decisions. Writes take whole batches (one statement per table), because the
 * routing service commits the leads of concurrent requests together.
 */
import type { Kysely } from 'kysely';
import { idFloor } from './ids.ts';
import {
  decisionRowOf,
  leadColumnsOf,
  toDecision,
  toLead,
  type DecisionRecord,
  type LeadChanges,
  type LeadRecord,
} from './lead-rows.ts';
import type { Database } from './schema.ts';

export {
  DECISION_TRIGGERS,
  type DecisionRecord,
  type DecisionTrigger,
  type LeadChanges,
  type LeadRecord,
  type NewLead,
} from './lead-rows.ts';

type Db = Kysely<Database>;

/** Position in a newest-first listing: the last id seen. */
export interface Cursor {
  id: string;
}

export async function insertDecisions(db: Db, records: readonly DecisionRecord[]): Promise<void> {
  if (records.length) await db.insertInto('decisions').values(records.map(decisionRowOf)).execute();
}

export async function findLead(db: Db, id: string): Promise<LeadRecord | undefined> {
  const row = await db.selectFrom('leads').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toLead(row);
}

/** Locks a lead for the rest of the transaction. */
export async function lockLead(db: Db, id: string): Promise<LeadRecord | undefined> {
  const row = await db
    .selectFrom('leads')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  return row && toLead(row);
}

export async function findLeads(db: Db, ids: readonly string[]): Promise<Map<string, LeadRecord>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('leads')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.map((r) => [r.id, toLead(r)]));
}

export async function updateLead(db: Db, id: string, changes: LeadChanges): Promise<LeadRecord> {
  const row = await db
    .updateTable('leads')
    .set(leadColumnsOf(changes))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toLead(row);
}

export interface LeadFilter {
  ownerId?: string;
  status?: readonly string[];
  queueId?: string;
  from?: Date;
  to?: Date;
  externalId?: string;
  /** Only the leads this actor submitted. */
  createdBy?: string;
  after?: Cursor;
  limit: number;
}

/** Newest first. */
export async function listLeads(db: Db, filter: LeadFilter): Promise<LeadRecord[]> {
  let query = db.selectFrom('leads').selectAll().orderBy('id', 'desc').limit(filter.limit);
  if (filter.createdBy !== undefined) query = query.where('created_by', '=', filter.createdBy);
  if (filter.ownerId !== undefined) query = query.where('owner_id', '=', filter.ownerId);
  if (filter.status?.length) query = query.where('status', 'in', [...filter.status]);
  if (filter.queueId !== undefined) query = query.where('queue_id', '=', filter.queueId);
  if (filter.externalId !== undefined) query = query.where('external_id', '=', filter.externalId);
  // Ids are UUIDv7 stamped with the creation time: time bounds are id bounds (and use the key).
  if (filter.from) query = query.where('id', '>=', idFloor(filter.from.getTime()));
  if (filter.to) query = query.where('id', '<', idFloor(filter.to.getTime()));
  if (filter.after) query = query.where('id', '<', filter.after.id);
  return (await query.execute()).map(toLead);
}

/** The owner of the latest owned lead for each email (the `sticky` target's memory). */
export async function findOwnersByEmail(
  db: Db,
  emails: readonly string[],
): Promise<Map<string, string>> {
  if (emails.length === 0) return new Map();
  const rows = await db
    .selectFrom('leads')
    .select(['email_norm', 'owner_id'])
    .distinctOn('email_norm')
    .where('email_norm', 'in', [...emails])
    .where('owner_id', 'is not', null)
    .orderBy('email_norm')
    .orderBy('id', 'desc')
    .execute();
  return new Map(rows.map((r) => [r.email_norm!, r.owner_id!]));
}

/** Leads waiting in each queue. */
export async function countQueuedLeads(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('leads')
    .select(['queue_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('status', '=', 'queued')
    .groupBy('queue_id')
    .execute();
  return new Map(rows.map((r) => [r.queue_id ?? '', Number(r.n)]));
}

export async function findDecision(db: Db, id: string): Promise<DecisionRecord | undefined> {
  const row = await db.selectFrom('decisions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toDecision(row);
}

export async function findDecisions(
  db: Db,
  ids: readonly string[],
): Promise<Map<string, DecisionRecord>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('decisions')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.map((r) => [r.id, toDecision(r)]));
}

/** A lead's decisions, oldest first. */
export async function listLeadDecisions(db: Db, leadId: string): Promise<DecisionRecord[]> {
  const rows = await db
    .selectFrom('decisions')
    .selectAll()
    .where('lead_id', '=', leadId)
    .orderBy('id')
    .execute();
  return rows.map(toDecision);
}

export interface DecisionFilter {
  from?: Date;
  to?: Date;
  ruleId?: string;
  poolId?: string;
  ownerId?: string;
  outcome?: string;
  trigger?: string;
  leadId?: string;
  policyVersion?: string;
  after?: Cursor;
  limit: number;
}

/** Newest first. */
export async function listDecisions(db: Db, filter: DecisionFilter): Promise<DecisionRecord[]> {
  let query = db.selectFrom('decisions').selectAll().orderBy('id', 'desc').limit(filter.limit);
  // Ids are UUIDv7 stamped with the creation time: time bounds are id bounds (and use the key).
  if (filter.from) query = query.where('id', '>=', idFloor(filter.from.getTime()));
  if (filter.to) query = query.where('id', '<', idFloor(filter.to.getTime()));
  if (filter.ruleId !== undefined) query = query.where('rule_id', '=', filter.ruleId);
  if (filter.poolId !== undefined) query = query.where('pool_id', '=', filter.poolId);
  if (filter.ownerId !== undefined) query = query.where('owner_id', '=', filter.ownerId);
  if (filter.outcome !== undefined) query = query.where('outcome', '=', filter.outcome);
  if (filter.trigger !== undefined) query = query.where('trigger', '=', filter.trigger);
  if (filter.leadId !== undefined) query = query.where('lead_id', '=', filter.leadId);
  if (filter.policyVersion !== undefined)
    query = query.where('policy_version', '=', filter.policyVersion);
  if (filter.after) query = query.where('id', '<', filter.after.id);
  return (await query.execute()).map(toDecision);
}
