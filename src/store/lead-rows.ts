/**
 * Leads and decisions as the rest of the service sees them (records, camelCase, times as ISO
 * strings) and as rows (snake_case columns): the one mapping between the two, both ways. Writes
 * take records and return nothing to read back: the caller already holds what was stored.
 */
import type { Insertable, Selectable, Updateable } from 'kysely';
import { leadStatusOf, type Decision, type LeadStatus } from '../engine/index.ts';
import type { DecisionsTable, LeadsTable } from './schema.ts';

export const DECISION_TRIGGERS = [
  'intake',
  'reroute',
  'manual',
  'attribute_change',
  'escalation',
] as const;
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
  /** The actor that submitted it (`token:<id>`, `user:<id>`): an intake credential reads its own. */
  createdBy?: string | null;
}

/** A lead to write: the record and its lower-cased email (the `sticky` target's memory). */
export interface NewLead extends LeadRecord {
  emailNorm: string | null;
}

/** Fields of a lead a change may set. */
export type LeadChanges = Partial<Omit<NewLead, 'id' | 'createdAt'>>;

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

// ---------------------------------------------------------------------------------------------
// Records from decisions
// ---------------------------------------------------------------------------------------------

const iso = (at: number | undefined): string | null =>
  at === undefined ? null : new Date(at).toISOString();

/**
 * The fields of a lead a routing decision sets: status, owner or queue, retry time. `at`: when it
 * was made, as an ISO string (callers have it already: one string for a whole batch).
 */
export function leadFieldsAfter(decision: Decision, at: string) {
  return {
    status: leadStatusOf(decision),
    ownerId: decision.outcome === 'assigned' ? (decision.ownerId ?? null) : null,
    queueId: decision.outcome === 'queued' ? (decision.queueId ?? null) : null,
    retryAt: iso(decision.retryAt),
    assignedAt: decision.outcome === 'assigned' ? at : null,
  };
}

/** The lead after a routing decision made at `at` (ISO string; a new object). */
export function applyDecision<T extends LeadRecord>(lead: T, decision: Decision, at: string): T {
  return {
    ...lead,
    ...leadFieldsAfter(decision, at),
    accountId: decision.accountId ?? lead.accountId,
  };
}

/** Where, when and why a decision was made: what the decision itself does not say. */
export interface DecisionMeta {
  id: string;
  leadId: string;
  trigger: DecisionTrigger;
  /** ISO time of the decision. */
  createdAt: string;
  latencyUs: number;
  /** The caller's reason (why re-route, why assign by hand). */
  reason?: string;
  actor?: string;
  previousOwnerId?: string | null;
}

/** The decision record of a routing decision. */
export function decisionRecordOf(d: Decision, meta: DecisionMeta): DecisionRecord {
  return {
    id: meta.id,
    leadId: meta.leadId,
    trigger: meta.trigger,
    outcome: d.outcome,
    ownerId: d.ownerId ?? null,
    queueId: d.queueId ?? null,
    ruleId: d.ruleId ?? null,
    poolId: d.poolId ?? null,
    policyVersion: d.policyVersion,
    previousOwnerId: meta.previousOwnerId ?? null,
    // The caller's reason (why re-route) comes first; the engine's (why queued) is kept after it.
    reason: [meta.reason, d.reason].filter(Boolean).join(' — ') || null,
    actor: meta.actor ?? null,
    retryAt: iso(d.retryAt),
    fallbackStep: d.fallbackStep ?? null,
    accountId: d.accountId ?? null,
    explanation: d.explanation ?? null,
    latencyUs: meta.latencyUs,
    createdAt: meta.createdAt,
  };
}

// ---------------------------------------------------------------------------------------------
// Records ↔ rows
// ---------------------------------------------------------------------------------------------

/** A column, the record field it holds and, for jsonb, how the value is written (JSON text). */
export type Column<R> = readonly [column: string, field: keyof R & string, json?: true];

/** The leads table's columns, in the order of the batch insert. */
export const LEAD_COLUMNS: ReadonlyArray<Column<NewLead>> = [
  ['id', 'id'],
  ['external_id', 'externalId'],
  ['attributes', 'attributes', true],
  ['derived', 'derived', true],
  ['email_norm', 'emailNorm'],
  ['status', 'status'],
  ['owner_id', 'ownerId'],
  ['queue_id', 'queueId'],
  ['account_id', 'accountId'],
  ['retry_at', 'retryAt'],
  ['created_at', 'createdAt'],
  ['updated_at', 'updatedAt'],
  ['assigned_at', 'assignedAt'],
  ['created_by', 'createdBy'],
];

/** The decisions table's columns, in the order of the batch insert. */
export const DECISION_COLUMNS: ReadonlyArray<Column<DecisionRecord>> = [
  ['id', 'id'],
  ['lead_id', 'leadId'],
  ['trigger', 'trigger'],
  ['outcome', 'outcome'],
  ['owner_id', 'ownerId'],
  ['queue_id', 'queueId'],
  ['rule_id', 'ruleId'],
  ['pool_id', 'poolId'],
  ['policy_version', 'policyVersion'],
  ['previous_owner_id', 'previousOwnerId'],
  ['reason', 'reason'],
  ['actor', 'actor'],
  ['retry_at', 'retryAt'],
  ['fallback_step', 'fallbackStep'],
  ['account_id', 'accountId'],
  ['explanation', 'explanation', true],
  ['latency_us', 'latencyUs'],
  ['created_at', 'createdAt'],
];

/** A column's value as written: jsonb as JSON text (null stays NULL). */
export function columnValue<R>(record: R, column: Column<R>): unknown {
  const value = record[column[1] as keyof R];
  return column[2] && value !== null && value !== undefined ? JSON.stringify(value) : value;
}

/** The columns a change sets (only the fields it has). */
export function leadColumnsOf(changes: LeadChanges): Updateable<LeadsTable> {
  const set: Record<string, unknown> = {};
  for (const c of LEAD_COLUMNS) {
    if (changes[c[1] as keyof LeadChanges] !== undefined)
      set[c[0]] = columnValue(changes as NewLead, c);
  }
  return set as Updateable<LeadsTable>;
}

/** A decision's row for an insert. */
export function decisionRowOf(record: DecisionRecord): Insertable<DecisionsTable> {
  const row: Record<string, unknown> = {};
  for (const c of DECISION_COLUMNS) row[c[0]] = columnValue(record, c);
  return row as Insertable<DecisionsTable>;
}

/** A lead read from the database. */
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
    createdBy: row.created_by,
  };
}

/** A decision read from the database. */
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
