/**
 * Table types of migration 003 (timers, SLA events, escalations, touches, the outbox, webhooks),
 * part of `Database` (schema.ts).
 */
import type { ColumnType, Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;
/** A jsonb column: read parsed, written as JSON text. */
type Json<T> = ColumnType<T, string | undefined, string>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;
/** bigint: node-postgres returns it as a string. */
type BigIntId = ColumnType<string, never, never>;
type BigIntColumn = ColumnType<string, number | string, number | string>;
type NullableBigInt = ColumnType<
  string | null,
  number | string | null | undefined,
  number | string | null
>;
type DefaultNow = ColumnType<Date, Date | string | undefined, Date | string>;

export type SlaClock = 'assign' | 'first_response';
export type SlaEventKind = 'warning' | 'breach';
export type TouchKind = 'call' | 'email' | 'meeting' | 'note' | 'status';
export type DeliveryStatus = 'pending' | 'delivering' | 'delivered' | 'failed' | 'dead';

export interface TimersTable {
  id: BigIntId;
  kind: string;
  lead_id: string | null;
  owner_id: string | null;
  sla: string | null;
  step: ColumnType<number, number | undefined, number>;
  due_at: Timestamp;
  payload: Json<unknown>;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  created_at: DefaultNow;
}

export interface SlaEventsTable {
  id: BigIntId;
  lead_id: string;
  sla: string;
  clock: SlaClock;
  kind: SlaEventKind;
  step: ColumnType<number, number | undefined, number>;
  owner_id: string | null;
  due_at: Timestamp;
  at: Timestamp;
}

export interface EscalationsTable {
  id: BigIntId;
  lead_id: string;
  sla: string;
  clock: SlaClock;
  step: number;
  action: string;
  from_owner_id: string | null;
  to_owner_id: string | null;
  to_queue_id: string | null;
  detail: NullableJson<unknown>;
  at: Timestamp;
}

export interface TouchesTable {
  id: string;
  lead_id: string;
  kind: TouchKind;
  at: Timestamp;
  actor: string | null;
  note: string | null;
  created_at: DefaultNow;
}

export interface FirstTouchesTable {
  lead_id: string;
  touch_id: string;
  owner_id: string | null;
  sla: string | null;
  assigned_at: NullableTimestamp;
  at: Timestamp;
  wall_ms: NullableBigInt;
  business_ms: NullableBigInt;
}

export interface OutboxEventsTable {
  id: string;
  seq: BigIntId;
  type: string;
  lead_id: string | null;
  ordering_key: string | null;
  payload: Json<unknown>;
  created_at: Timestamp;
}

export interface WebhookSubscriptionsTable {
  id: string;
  url: string;
  secret: string;
  event_types: ColumnType<string[], string[], string[]>;
  description: string | null;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  disabled_reason: string | null;
  disabled_at: NullableTimestamp;
  failing_since: NullableTimestamp;
  consecutive_dead: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WebhookDeliveriesTable {
  id: BigIntId;
  subscription_id: string;
  event_id: string;
  event_seq: BigIntColumn;
  ordering_key: string | null;
  status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  lease_until: NullableTimestamp;
  first_attempt_at: NullableTimestamp;
  last_attempt_at: NullableTimestamp;
  last_status_code: number | null;
  last_error: string | null;
  last_latency_ms: number | null;
  delivered_at: NullableTimestamp;
  created_at: Timestamp;
}

/** The tables of migration 003. */
export interface LifecycleTables {
  timers: TimersTable;
  sla_events: SlaEventsTable;
  escalations: EscalationsTable;
  touches: TouchesTable;
  first_touches: FirstTouchesTable;
  outbox_events: OutboxEventsTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

/** A handle the lifecycle repositories accept: the database or a transaction on it. */
export type LifecycleDb = Kysely<Database> | Transaction<Database>;
