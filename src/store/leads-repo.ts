/**
 * Leads and their decisions. Writes take whole batches (one statement per table), because the
 * routing service commits the leads of concurrent requests together.
 */
import { type Insertable, type Kysely, type Selectable } from 'kysely';
import { idFloor } from './ids.ts';
import type { Database, DecisionsTable, LeadsTable } from './schema.ts';

/** Statuses a caller may set; queued, unroutable and assigned come from routing. */
export const SETTABLE_STATUSES = [
  'contacted',
  'qualified',
  'converted',
  'disqualified',
  'closed',
] as const;
export const LEAD_STATUSES = ['queued', 'unroutable', 'assigned', ...SETTABLE_STATUSES] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];
/** Statuses in which a lead counts towards its owner's open load. */
export const OPEN_STATUSES: ReadonlySet<string> = new Set(['assigned', 'contacted', 'qualified']);
/** Statuses that end a lead's life: it no longer counts as open load. */
export const CLOSED_STATUSES: ReadonlySet<string> = new Set([
  'converted',
  'disqualified',
  'closed',
]);

export const DECISION_TRIGGERS = ['intake', 'reroute', 'manual'] as const;
export type DecisionTrigger = (typeof DECISION_TRIGGERS)[number];

export interface LeadRecord {
  id: string;
  externalId: string | null;
  attributes: Record<string, unknown>;
  derived: Record<string, unknown>;
  status: LeadStatus;
  ownerId: string | null;
  queueId: string | null;
  accountId: string | null;
  retryAt: string | null;
  createdAt: string;
  updatedAt: string;
  assignedAt: string | null;
}

export interface DecisionRecord {
  id: string;
  leadId: string;
  trigger: DecisionTrigger;
  outcome: 'assigned' | 'queued' | 'unroutable';
  ownerId: string | null;
  queueId: string | null;
  ruleId: string | null;
  poolId: string | null;
  policyVersion: string | null;
  previousOwnerId: string | null;
  reason: string | null;
  actor: string | null;
  retryAt: string | null;
  fallbackStep: number | null;
  accountId: string | null;
  explanation: unknown;
  /** Time spent routing, in microseconds. */
  latencyUs: number | null;
  createdAt: string;
}

export type LeadRow = Insertable<LeadsTable>;
export type DecisionRow = Insertable<DecisionsTable>;

type Db = Kysely<Database>;

/** Position in a newest-first listing: the last id seen. */
export interface Cursor {
  id: string;
}

export async function insertLeads(db: Db, rows: readonly LeadRow[]): Promise<void> {
  if (rows.length)
    await db
      .insertInto('leads')
      .values([...rows])
      .execute();
}

export async function insertDecisions(db: Db, rows: readonly DecisionRow[]): Promise<void> {
  if (rows.length)
    await db
      .insertInto('decisions')
      .values([...rows])
      .execute();
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

export async function updateLead(
  db: Db,
  id: string,
  set: Partial<Omit<LeadRow, 'id' | 'created_at'>>,
): Promise<LeadRecord> {
  const row = await db
    .updateTable('leads')
    .set(set)
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
  after?: Cursor;
  limit: number;
}

/** Newest first. */
export async function listLeads(db: Db, filter: LeadFilter): Promise<LeadRecord[]> {
  let query = db.selectFrom('leads').selectAll().orderBy('id', 'desc').limit(filter.limit);
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

export function toLead(row: Selectable<LeadsTable>): LeadRecord {
  return {
    id: row.id,
    externalId: row.external_id,
    attributes: row.attributes,
    derived: row.derived,
    status: row.status as LeadStatus,
    ownerId: row.owner_id,
    queueId: row.queue_id,
    accountId: row.account_id,
    retryAt: row.retry_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    assignedAt: row.assigned_at?.toISOString() ?? null,
  };
}

export function toDecision(row: Selectable<DecisionsTable>): DecisionRecord {
  return {
    id: row.id,
    leadId: row.lead_id,
    trigger: row.trigger as DecisionTrigger,
    outcome: row.outcome as DecisionRecord['outcome'],
    ownerId: row.owner_id,
    queueId: row.queue_id,
    ruleId: row.rule_id,
    poolId: row.pool_id,
    policyVersion: row.policy_version,
    previousOwnerId: row.previous_owner_id,
    reason: row.reason,
    actor: row.actor,
    retryAt: row.retry_at?.toISOString() ?? null,
    fallbackStep: row.fallback_step,
    accountId: row.account_id,
    explanation: row.explanation,
    latencyUs: row.latency_us,
    createdAt: row.created_at.toISOString(),
  };
}
